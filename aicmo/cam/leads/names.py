"""Names, titles, seniority, departments and tags of an imported lead. Pure functions, cached where the value
space is small; ``normalize`` re-exports them."""

from __future__ import annotations

import re
from functools import lru_cache

from nameparser import HumanName
from nameparser.config import CONSTANTS

from aicmo.cam.leads.vocab import DEPARTMENT_ALIASES, NAME_PARTICLES, SENIORITY_ALIASES, SENIORITY_TITLE_PATTERNS

_CACHE_SIZE = 65536

# --- names, titles, seniority ---------------------------------------------------------------------------
_NAME_TOKEN = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*\Z")
_WORD_START = re.compile(r"(^|[-'’])(\w)")
_NON_ALNUM = re.compile(r"[\W_]+")
_LIST_SEP = re.compile(r"[,;|]")
_SENIORITY_TITLES = tuple((seniority, re.compile(p)) for seniority, p in SENIORITY_TITLE_PATTERNS)
_NOT_FIRST = CONSTANTS.titles | CONSTANTS.prefixes | CONSTANTS.conjunctions
_NOT_LAST = CONSTANTS.suffix_acronyms | CONSTANTS.suffix_not_acronyms | _NOT_FIRST
_ROMAN = re.compile(r"(?:x|ix|iv|v?i{0,3})\Z", re.IGNORECASE)  # nameparser reads these as generations


def _plain_pair(parts: list[str]) -> bool:
    """Two plain words nameparser reads as (first, last): skips its ~140 µs parse for the common case."""
    first, last = parts
    return (len(first) > 1 and len(last) > 1
            and _NAME_TOKEN.match(first) is not None and _NAME_TOKEN.match(last) is not None
            and _ROMAN.match(first) is None and _ROMAN.match(last) is None
            and first.lower() not in _NOT_FIRST and last.lower() not in _NOT_LAST)


def split_full_name(raw: str) -> tuple[str | None, str | None]:
    """'Dr. Jane van der Berg' -> ('Jane', 'van der Berg'); 'Smith, John' -> ('John', 'Smith')."""
    parts = raw.split()
    if not parts:
        return None, None
    if len(parts) == 2 and _plain_pair(parts):
        return parts[0], parts[1]
    name = HumanName(" ".join(parts))
    return str(name.first) or None, str(name.last) or None


def _upper_match(match: re.Match[str]) -> str:
    return match[1] + match[2].upper()


def recase_name(name: str) -> str:
    """'JANE VAN DER BERG' / 'jane van der berg' -> 'Jane van der Berg'; mixed case is kept as typed."""
    if not (name.isupper() or name.islower()):
        return name
    words = name.lower().split(" ")
    last = len(words) - 1
    for i, word in enumerate(words):
        if i < last and word in NAME_PARTICLES:
            continue
        word = _WORD_START.sub(_upper_match, word)
        if word.startswith("Mc") and len(word) > 2:
            word = "Mc" + word[2].upper() + word[3:]
        words[i] = word
    return " ".join(words)


def name_key(first: str | None, last: str | None, domain: str | None) -> str | None:
    """'jane van der berg|acme.com': the name-and-company dedupe key; None without a name or a domain."""
    name = " ".join(f"{first or ''} {last or ''}".split()).casefold()
    return f"{name}|{domain}" if name and domain else None


@lru_cache(maxsize=_CACHE_SIZE)
def seniority_from_title(title: str) -> str | None:
    """'Co-Founder & CEO' -> 'founder', 'VP Sales' -> 'vp', 'Product Owner' -> None."""
    text = _NON_ALNUM.sub(" ", title.lower())
    for seniority, pattern in _SENIORITY_TITLES:
        if pattern.search(text):
            return seniority
    return None


@lru_cache(maxsize=4096)
def normalize_seniority(value: str) -> str | None:
    """Apollo/Sales Navigator seniority values ('c_suite', 'Vice President', 'CXO') -> one of SENIORITIES."""
    return SENIORITY_ALIASES.get(_NON_ALNUM.sub(" ", value.lower()).strip())


@lru_cache(maxsize=4096)
def normalize_department(raw: str) -> str | None:
    """'master_sales, sales' -> 'sales'; 'Engineering' -> 'engineering'."""
    first = _LIST_SEP.split(raw, 1)[0].strip().lower().removeprefix("master_")
    words = " ".join(first.replace("_", " ").split())
    return DEPARTMENT_ALIASES.get(words, words) or None


def split_tags(raw: str) -> list[str]:
    """'a, b; a | c' -> ['a', 'b', 'c']: split on , ; | and deduplicated (case-insensitively), in order."""
    tags: dict[str, str] = {}
    for part in _LIST_SEP.split(raw):
        tag = " ".join(part.split())
        if tag:
            tags.setdefault(tag.casefold(), tag)
    return list(tags.values())
