"""Rendered headers: whatever text goes in, the stdlib parser reads the same text back, within line limits."""

import email
import email.policy
import re
from email.header import decode_header, make_header
from email.message import EmailMessage
from email.utils import parseaddr

from hypothesis import given, settings
from hypothesis import strategies as st

from aicmo.cam.outreach.email.compose import Part, text_part
from aicmo.cam.outreach.email.headers import (
    WireHeader,
    address,
    encoded_words,
    fold_at_spaces,
    unstructured,
    url_list,
)

# Printable text of any script; no control characters or line separators (those are refused upstream).
TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=300)
NAMES = TEXT.map(str.strip).filter(bool)


def round_trip(*headers: WireHeader, body: str = "x") -> tuple[bytes, EmailMessage]:
    raw = Part(headers, body.encode("ascii")).to_bytes()
    return raw, email.message_from_bytes(raw, policy=email.policy.default)


def spaces(text: str) -> str:
    return " ".join(text.split())


def header_lines(raw: bytes) -> list[bytes]:
    return raw.split(b"\r\n\r\n")[0].split(b"\r\n")


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_any_subject_reads_back_as_written(subject: str) -> None:
    raw, parsed = round_trip(unstructured("Subject", subject))
    assert raw.isascii()
    assert parsed["Subject"].strip(" ") == subject.strip(" ")
    assert not parsed.defects and not parsed["Subject"].defects


@settings(max_examples=300, deadline=None)
@given(NAMES)
def test_any_display_name_reads_back_as_written(name: str) -> None:
    raw, parsed = round_trip(address("From", name, "john@seller.example"))
    assert raw.isascii() and all(len(line) <= 78 for line in header_lines(raw))
    # RFC 2047 (6.2): white space between encoded words is not part of the text; decode_header honours that.
    # (The stdlib's modern parser keeps it in display names, for its own output as much as for ours.)
    unfolded = raw.split(b"\r\n\r\n")[0].decode()
    phrase, addr_spec = parseaddr(unfolded.removeprefix("From: ").replace("\r\n", ""))
    assert (str(make_header(decode_header(phrase))), addr_spec) == (name, "john@seller.example")
    if len(name.encode()) <= 40:  # one encoded word: the modern parser agrees, up to runs of white space
        assert spaces(parsed["From"].addresses[0].display_name) == spaces(name)


@given(TEXT)
def test_encoded_words_stay_within_75_characters(text: str) -> None:
    assert max(len(word) for word in encoded_words(text).split("\n ")) <= 75


def test_a_long_ascii_subject_is_folded_at_spaces_and_not_encoded() -> None:
    subject = "Quick question about your hiring plans for the next quarter and the onboarding of new engineers"
    raw, parsed = round_trip(unstructured("Subject", subject))
    assert b"=?" not in raw and all(len(line) <= 78 for line in header_lines(raw))
    assert parsed["Subject"] == subject


def test_ascii_that_looks_like_an_encoded_word_is_encoded_so_it_reads_literally() -> None:
    raw, parsed = round_trip(unstructured("Subject", "=?utf-8?q?hi?= there"))
    assert b"Subject: =?utf-8?b?" in raw and parsed["Subject"] == "=?utf-8?q?hi?= there"


def test_a_unicode_subject_becomes_encoded_words_on_lines_within_78_characters() -> None:
    subject = "Grüße aus Köln — 面白いアイデアがあります 🚀 " * 4
    raw, parsed = round_trip(unstructured("Subject", subject))
    assert all(len(line) <= 78 for line in header_lines(raw))
    assert parsed["Subject"] == subject


def test_display_names_with_specials_are_quoted() -> None:
    raw, _ = round_trip(address("From", 'Doe, "JJ" John', "john@seller.example"))
    assert b'From: "Doe, \\"JJ\\" John" <john@seller.example>' in raw


def test_a_header_is_its_plain_value() -> None:
    assert unstructured("Subject", "Grüße") == "Grüße"


def test_url_lists_fold_between_urls_only() -> None:
    url = "https://app.example.com/u/" + "a" * 120
    raw, parsed = round_trip(url_list("List-Unsubscribe", [url, "mailto:x@seller.example?subject=unsubscribe"]))
    assert f"List-Unsubscribe: <{url}>,\r\n <mailto:x@seller.example?subject=unsubscribe>".encode() in raw
    assert re.sub(r"\s+", " ", str(parsed["List-Unsubscribe"])) == (
        f"<{url}>, <mailto:x@seller.example?subject=unsubscribe>")


def test_a_word_longer_than_a_line_stays_whole() -> None:
    assert fold_at_spaces("a " + "b" * 100 + " c", 9) == "a\n " + "b" * 100 + "\n c"


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r"), max_size=2000),
       st.sampled_from(["plain", "html"]))
def test_any_text_body_reads_back_as_written(text: str, subtype: str) -> None:
    raw = text_part(text, subtype).to_bytes()
    assert raw.isascii() and all(len(line) <= 78 for line in raw.split(b"\r\n"))
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert parsed.get_content().replace("\r\n", "\n") == text  # type: ignore[attr-defined]
