"""Hypothesis strategies for the fast-path shapes in aicmo.cam.leads.values, built from their parts.

`st.from_regex` on the shapes' patterns spends ~10 ms drawing each example (lookaheads, `\\S*` over all of
Unicode); these compose the same grammar piece by piece, so the properties check as many values in a tenth
of the time. Lengths reach past the limits the fast path enforces beyond the shape (64-character local parts,
253-character domains), so both sides of each limit are drawn; labels stay within the shape's 63 characters.
"""
import string

from hypothesis import strategies as st

_ATOM_CHARS = string.ascii_lowercase + string.digits + "!#$%&'*+/=?^_`{|}~-"
_ALNUM = string.ascii_lowercase + string.digits
_WHITESPACE = "".join(chr(code) for code in range(0x3000 + 1) if chr(code).isspace())

_atom = st.text(_ATOM_CHARS, min_size=1, max_size=20)
_long_atom = st.integers(60, 70).flatmap(lambda size: st.text(_ATOM_CHARS, min_size=size, max_size=size))
_label = st.one_of(
    st.sampled_from(_ALNUM),
    st.tuples(st.sampled_from(_ALNUM), st.text(_ALNUM + "-", max_size=61), st.sampled_from(_ALNUM)).map("".join),
    # "ab--cd": reserved-LDH labels such as Punycode's "xn--", which only the slow path may accept
    st.tuples(st.text(_ALNUM, min_size=2, max_size=2), st.text(_ALNUM + "-", max_size=5), st.sampled_from(_ALNUM))
    .map(lambda parts: f"{parts[0]}--{parts[1]}{parts[2]}"),
)
_non_space_tail = st.text(st.characters(exclude_characters=_WHITESPACE, exclude_categories=("Cs",)), max_size=30)
_url_tail = st.one_of(st.just(""), st.tuples(st.sampled_from("/?#"), _non_space_tail).map("".join))
_scheme = st.sampled_from(["", "http://", "https://", "HTTPS://"])


def _dotted(parts: st.SearchStrategy[str], min_size: int, max_size: int) -> st.SearchStrategy[str]:
    return st.lists(parts, min_size=min_size, max_size=max_size).map(".".join)


email_shaped = st.builds(
    lambda local, labels, tld: f"{local}@{labels}.{tld}",
    st.one_of(_dotted(_atom, 1, 4), _long_atom), _dotted(_label, 1, 5),
    st.text(string.ascii_lowercase, min_size=2, max_size=63),
)
"""Values of EMAIL_SHAPE: dot-separated atoms, '@', one or more labels and a letters-only top-level domain."""

linkedin_shaped = st.builds(
    lambda scheme, host, slug, tail: f"{scheme}{host}linkedin.com/in/{slug}{tail}",
    _scheme, st.one_of(st.just(""), st.sampled_from(["www.", "de.", "m.", "mobile.", "uk."])),
    st.text(_ALNUM + "_.~-", min_size=1, max_size=40), _url_tail,
)
"""Values of LINKEDIN_SHAPE: an optional scheme and subdomain, /in/, a profile slug and an optional tail."""

website_shaped = st.builds(
    lambda scheme, host, port, tail: f"{scheme}{host}{port}{tail}",
    _scheme, _dotted(st.text(_ALNUM + "-", min_size=1, max_size=20), 2, 4),
    st.one_of(st.just(""), st.integers(0, 99999).map(lambda port: f":{port}")), _url_tail,
)
"""Values of WEBSITE_SHAPE: an optional scheme, two or more dotted labels, an optional port and tail."""
