"""Connection notes cut to LinkedIn's limit at a word boundary."""

import unicodedata

# Spaces that must not be broken at: cutting there would split "10 000" or "Dr. Smith".
_NO_BREAK = "\u00a0\u2007\u202f\u2060"
# Full stops and commas of scripts written without spaces: a line may end after them.
_BREAK_AFTER = "。！？、，"
# What must not be left dangling at the end of a cut note.
_DANGLING = ",;:-–—/\\&+([{“‘«„、，；："


def length(text: str) -> int:
    """Characters as LinkedIn's form counts them: UTF-16 code units, so an emoji counts twice."""
    return len(text.encode("utf-16-le")) // 2


def _breaks(char: str) -> bool:
    return char.isspace() and char not in _NO_BREAK


def _tidy(text: str) -> str:
    while text and (_breaks(text[-1]) or text[-1] in _DANGLING):
        text = text[:-1]
    return text


def _fitting_prefix_end(text: str, limit: int) -> int:
    used = 0
    for index, char in enumerate(text):
        used += length(char)
        if used > limit:
            return index
    return len(text)


def cut_note(text: str, limit: int) -> str:
    """The note as is when it fits, else its longest run of whole words that does; "" if not even one fits."""
    text = unicodedata.normalize("NFC", text).strip()
    if length(text) <= limit:
        return text
    end = _fitting_prefix_end(text, limit)
    if end < len(text) and _breaks(text[end]):
        return _tidy(text[:end])
    for index in range(end - 1, -1, -1):
        if _breaks(text[index]):
            return _tidy(text[:index])
        if text[index] in _BREAK_AFTER:
            return _tidy(text[:index + 1])
    return ""
