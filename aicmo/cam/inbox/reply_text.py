"""The words of an incoming message: header values as plain text, and the sender's own text with the quoted
history, the signature and mobile footers cut off."""

import re
import unicodedata
from email.message import EmailMessage, Message
from email.utils import getaddresses

from selectolax.lexbor import LexborHTMLParser

_ANGLE_IDS = re.compile(r"<([^<>\s]+)>")
# Subject prefixes mail clients add, in several languages: a reply's, and a forward's.
_REPLY_WORDS = ("re", "aw", "antw", "antwort", "r[ée]p", "res", "rif", "sv", "odp", "rv", "ynt")
# Also stripped to compare threads, too ambiguous alone to make a mail a reply ("R:", "VS:").
_OTHER_WORDS = ("vs", "r", "fw", "fwd", "wg", "tr", "enc", "ref", "r[ée]f")


def _prefixes(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(rf"^\s*(?:(?:{'|'.join(words)})\s*(?:\[\d+\])?\s*:\s*)+", re.IGNORECASE)


REPLY_PREFIX = _prefixes(_REPLY_WORDS)  # "Re:", "AW:", "Rép:", repeated or counted ("Re[2]:")
THREAD_PREFIX = _prefixes(_REPLY_WORDS + _OTHER_WORDS)  # what to strip to compare two subjects' thread
_ATTRIBUTION = re.compile(
    r"^(?:on\b.{0,300}\bwrote"
    r"|am\b.{0,300}\bschrieb\b.{0,300}"
    r"|le\b.{0,300}\ba [ée]crit"
    r"|el\b.{0,300}\bescribi[óo]"
    r"|il\b.{0,300}\bha scritto"
    r"|op\b.{0,300}\b(?:schreef|heeft)\b.{0,300}"
    r"|em\b.{0,300}\bescreveu"
    r"|.{0,200}<[^<>\s]+@[^<>\s]+>\s+(?:wrote|schrieb|a [ée]crit|escribi[óo]|ha scritto|schreef|escreveu))\s?:$",
    re.IGNORECASE,
)
_SEPARATOR = re.compile(
    r"^(?:-{2,}\s*(?:original message|ursprüngliche nachricht|message d'origine|mensaje original|messaggio originale"
    r"|oorspronkelijk bericht|mensagem original|forwarded message|weitergeleitete nachricht)\s*-{2,}|_{8,})$",
    re.IGNORECASE,
)
# The signature delimiter is "-- "; many clients drop its trailing space.
_SIGNATURE = re.compile(
    r"^(?:--|sent from (?:my \S+|mail for windows|outlook for \S+|yahoo mail\b).*|von meinem \S+ gesendet.*"
    r"|envoy[ée] de mon \S+.*|enviado desde mi \S+.*"
    r"|inviato da \S+.*|verzonden (?:vanaf|met) mijn \S+.*|enviado do meu \S+.*|get outlook for \S+.*)$",
    re.IGNORECASE,
)
# Outlook and webmail quote under a header block: "From: …" and "Sent: …" within a few lines of each other, in
# either order and in the client's language.
_BLOCK_FROM = re.compile(r"^\*?(?:from|von|de|da|van)\s?\*?:\s*\S", re.IGNORECASE)
_BLOCK_SENT = re.compile(
    r"^\*?(?:sent|date|gesendet|datum|envoy[ée]|enviado(?: el)?|fecha|inviato|data|verzonden)\s?\*?:\s*\S",
    re.IGNORECASE,
)
# A header line of a quoted message: a word or two and a colon ("Od:", "Från:", "Надіслано:"), then a value.
_HEADER_FIELD = re.compile(r"^\*?[^\W\d_][^\W\d_ .-]*(?:[ -][^\W\d_]+)?\s?\*?:\s*\S")
_DATE_OR_ADDRESS = re.compile(r"\d|@")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_QUOTE_SELECTORS = (".gmail_quote, .gmail_signature, .yahoo_quoted, .moz-cite-prefix, .moz-signature, blockquote,"
                    ' div[name="quote"]')  # the last is how GMX and web.de quote
_CUT_SELECTORS = "#divRplyFwdMsg, #appendonsend"  # Outlook: everything from here on is the quoted message
_BLOCK_TAGS = "p, div, li, tr, h1, h2, h3, h4, h5, h6, table, hr, blockquote, pre"
_BLANK_LINES = re.compile(r"\n{3,}")
_SPACES = re.compile(r"[ \t\u00a0]+")
_SOURCE_SPACE = re.compile(r"[ \t\r\n\f\v]+")
_EDGE, _BREAK = "\x1e", "\x1f"  # stand-ins for a block's edge and a <br>: characters no HTML text carries
_BREAKS = re.compile(f"[{_EDGE}{_BREAK}][{_EDGE}{_BREAK} \u00a0]*")


def header_text(msg: Message, name: str) -> str:
    """A header's decoded value on one line; empty when absent or unreadable."""
    try:
        value = msg.get(name)
    except Exception:  # a malformed header must not hide the rest of the message: fall back to its raw text
        value = next((raw for key, raw in msg.raw_items() if key.lower() == name.lower()), None)
    return " ".join(str(value).split()) if value is not None else ""


def message_ids(*values: str) -> tuple[str, ...]:
    """The Message-IDs in header values, angle brackets stripped, in order, each once."""
    found: list[str] = []
    for value in values:
        ids = _ANGLE_IDS.findall(value) or [token for token in value.split() if "@" in token]
        found.extend(item.strip("<>") for item in ids)
    return tuple(dict.fromkeys(item for item in found if item))


def address_of(value: str) -> str | None:
    """The first e-mail address in a header value, lower-cased."""
    for _name, address in getaddresses([value]):
        if "@" in address:
            return address.strip().lower()
    return None


def fold(text: str) -> str:
    """Lower-case text without accents, with straight apostrophes and single spaces, for matching phrases."""
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'").replace("ß", "ss"))
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(plain.lower().split())


def part_text(part: Message) -> str:
    """A text part decoded to str; undecodable bytes become replacement characters."""
    if isinstance(part, EmailMessage):
        try:
            content = part.get_content()
        except (LookupError, ValueError, KeyError, AssertionError):
            content = None  # an unknown charset or broken encoding: decode the bytes ourselves below
        if isinstance(content, str):
            return content
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return payload if isinstance(payload, str) else ""
    try:
        return payload.decode(part.get_content_charset() or "utf-8", errors="replace")
    except LookupError:
        return payload.decode("utf-8", errors="replace")


def own_words(msg: Message) -> str:
    """The sender's own text: the plain part, else the HTML part, quoted history stripped."""
    if not isinstance(msg, EmailMessage):
        return strip_quoted(part_text(msg))
    for subtype in ("plain", "html"):
        body = msg.get_body(preferencelist=(subtype,))
        if body is None:
            continue
        text = part_text(body)
        words = strip_quoted(html_text(text, drop_quotes=True) if subtype == "html" else text)
        if words:
            return words
    return ""


def html_text(html: str, *, drop_quotes: bool = False) -> str:
    """The visible text of an HTML body, one line per block; without quoted replies when asked."""
    root = LexborHTMLParser(html).body
    if root is None:
        return ""
    for node in root.css("script, style, head, title"):
        node.decompose()
    if drop_quotes:
        for node in root.css(_QUOTE_SELECTORS):
            node.decompose()
        for node in root.css(_CUT_SELECTORS):
            following = node.next
            node.decompose()
            while following is not None:
                after = following.next
                following.decompose()
                following = after
    for node in root.css("br"):
        node.insert_after(_BREAK)
    for node in root.css(_BLOCK_TAGS):
        node.insert_before(_EDGE)
        node.insert_after(_EDGE)
    # Whitespace in the source is no line break; only <br> and block edges are.
    text = _BREAKS.sub(_line_breaks, _SOURCE_SPACE.sub(" ", root.text(separator="")))
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _line_breaks(run: re.Match[str]) -> str:
    """Line breaks for a run of <br> and block edges: adjacent blocks make one, each <br> one more (a <br> that
    ends a block adds none), and an empty block holding a non-breaking space one more; never a double blank."""
    text = run.group(0)
    count = text.count(_BREAK) + (1 if _EDGE in text and not text.lstrip(" ").startswith(_BREAK) else 0)
    count += sum(1 for between in re.split(f"[{_EDGE}{_BREAK}]", text)[1:-1] if "\u00a0" in between)
    return "\n" * min(max(count, 1), 2)


def strip_quoted(text: str) -> str:
    """The sender's own text: above the quoted history, or below it when the quote comes first (bottom-posting).

    The history starts at an attribution line (in any language: a line ending in a colon, naming a date, time or
    address, just before a quote), a separator, a header block (From/Sent… in any language), a signature or a
    mobile footer; lines quoted with '>' are dropped.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    cut = len(lines)
    for index, line in enumerate(lines):
        stripped = line.strip()
        if _cuts(stripped, lines[index + 1:index + 5]):
            cut = index
            break
        if not stripped.startswith(">"):
            kept.append(line.rstrip())
    if kept and _wrapped_attribution(kept[-1], lines, cut):
        kept.pop()  # the first half of an attribution the client wrapped
    own = _BLANK_LINES.sub("\n\n", "\n".join(kept)).strip()
    if own or cut >= len(lines) - 1:
        return own
    below = lines[cut + 1:]
    while below and (not below[0].strip() or below[0].lstrip().startswith(">")):
        below.pop(0)
    return strip_quoted("\n".join(below)) if below else ""


def _wrapped_attribution(before: str, lines: list[str], index: int) -> bool:
    """Whether the line before the cut is the first half of an attribution ('14:20 … "bob@x" <' / 'bob@x> wrote:')."""
    if index >= len(lines):
        return False
    line = lines[index].strip()
    if _ATTRIBUTION.match(line) or not _quote_follows(line, lines[index + 1:index + 5]):
        return False
    return bool(re.search(r"<\s*$", before) or (re.search(r"\d{1,2}:\d\d", before) and not re.search(r"\d", line)))


def _quote_follows(line: str, following: list[str]) -> bool:
    """Whether the line attributes a quote: it ends in a colon, names a date, time or address (which "You asked:"
    before an inline answer does not), and the next lines written are quoted with '>'."""
    if not line.endswith((":", "\uff1a")) or line.startswith(">") or not _DATE_OR_ADDRESS.search(line):
        return False
    written = next((later.strip() for later in following if later.strip()), "")
    return written.startswith(">")


def _header_block(line: str, following: list[str]) -> bool:
    """A quoted message's header block in any language: an address line, then header lines, one with a year."""
    if "@" not in line or not _HEADER_FIELD.match(line):
        return False
    fields = [later.strip() for later in following[:4] if _HEADER_FIELD.match(later.strip())]
    return len(fields) >= 2 and any(_YEAR.search(field) for field in fields)


def _cuts(line: str, following: list[str]) -> bool:
    if not line:
        return False
    # Clients wrap a long attribution ("On …, Alice <a@b.example>\nwrote:"), so try it joined with the next line.
    joined = f"{line} {following[0].strip()}" if following else line
    if _ATTRIBUTION.match(line) or (line[:3].lower() in ("on ", "am ", "le ", "el ", "il ", "op ", "em ")
                                    and _ATTRIBUTION.match(joined)):
        return True
    if _SEPARATOR.match(line) or _SIGNATURE.match(line) or _quote_follows(line, following):
        return True
    for first, second in ((_BLOCK_FROM, _BLOCK_SENT), (_BLOCK_SENT, _BLOCK_FROM)):
        if first.match(line) and any(second.match(later.strip()) for later in following):
            return True
    return _header_block(line, following)
