"""Header values rendered once into their wire form.

The stdlib's modern email policy parses every header on assignment and re-parses and refolds it on output:
about 1 ms of a 1.2 ms compose (profiled). Outgoing headers are therefore rendered here from the stdlib's own
primitives (formataddr, base64 encoded words): a WireHeader is the plain value, with its folded wire form kept
aside for `compose` to write.

Rules: ASCII text is folded at spaces, never encoded; anything else (or text that looks like an encoded word)
becomes RFC 2047 base64 encoded words of at most 75 characters, split between characters, one per line.
"""

from email.base64mime import header_encode
from email.utils import formataddr

MAX_LINE = 78
_WORD_BYTES = 45  # 45 bytes of UTF-8 -> 60 base64 characters -> a 72-character encoded word


class HeaderInjection(ValueError):
    """A header value carried CR or LF: sending it could smuggle extra headers or a second message."""

    def __init__(self, header: str) -> None:
        self.header = header
        super().__init__(f"refused: CR or LF in the {header} header value")


def check_header(header: str, *values: str | None) -> None:
    """Raise HeaderInjection naming the header if any value holds CR, LF or NUL."""
    for value in values:
        if value and ("\r" in value or "\n" in value or "\x00" in value):
            raise HeaderInjection(header)


class WireHeader(str):
    """A header: the plain value as the string, its folded wire form (LF line breaks) kept aside."""

    name: str
    wire: str

    def __new__(cls, name: str, value: str, wire: str | None = None) -> "WireHeader":
        header = super().__new__(cls, value)
        header.name, header.wire = name, value if wire is None else wire
        return header


def _plain(text: str) -> bool:
    return text.isascii() and "=?" not in text


def encoded_words(text: str, used: int = 0) -> str:
    """RFC 2047 base64 encoded words for text, one per line, each within 75 characters and its line within 78.

    `used` is what precedes the first word on its line (e.g. "Subject: ").
    """
    room = min(_WORD_BYTES, (MAX_LINE - used - len("=?utf-8?b??=")) // 4 * 3)
    whole = text.encode("utf-8")
    if len(whole) <= room:
        return header_encode(whole, "utf-8")
    words, chunk = [], b""
    for char in text:
        data = char.encode("utf-8")
        if chunk and len(chunk) + len(data) > room:
            words.append(header_encode(chunk, "utf-8"))
            chunk, room = b"", _WORD_BYTES
        chunk += data
    if chunk:
        words.append(header_encode(chunk, "utf-8"))
    return "\n ".join(words)


def fold_at_spaces(text: str, used: int) -> str:
    """Fold ASCII text at spaces so lines stay within 78 characters where a space allows; `used` is the prefix."""
    lines, current, room = [], "", MAX_LINE - used
    for word in text.split(" "):
        if current and word and len(current) + 1 + len(word) > room:
            lines.append(current)
            current, room = word, MAX_LINE - 1
        else:
            current = f"{current} {word}" if current else word
    return "\n ".join([*lines, current])


def unstructured(name: str, value: str) -> WireHeader:
    """Subject and the like: folded if ASCII, encoded words otherwise."""
    wire = fold_at_spaces(value, len(name) + 2) if _plain(value) else encoded_words(value, len(name) + 2)
    return WireHeader(name, value, wire)


def address(name: str, display_name: str | None, addr_spec: str) -> WireHeader:
    """One mailbox, "Display Name <addr>": the name quoted when it needs to be, encoded when not ASCII."""
    value = formataddr((display_name or "", addr_spec))
    if not display_name or _plain(display_name):
        return WireHeader(name, value, fold_at_spaces(value, len(name) + 2))
    return WireHeader(name, value, f"{encoded_words(display_name, len(name) + 2)}\n <{addr_spec}>")


def url_list(name: str, urls: list[str]) -> WireHeader:
    """<URL>, <URL>: folded only between the URLs, as mail clients must read the URLs whole."""
    return WireHeader(name, ", ".join(f"<{url}>" for url in urls), ",\n ".join(f"<{url}>" for url in urls))
