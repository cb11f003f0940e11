"""Out-of-office and other automatic answers: how to tell one from a person, and the return date it states."""

import re
from datetime import date
from email.message import Message

from aicmo.cam.inbox.reply_text import fold, header_text

_MONTHS = {
    1: "january jan januar janner janvier janv enero ene gennaio januari janeiro",
    2: "february feb februar fevrier fevr fev febrero febbraio februari fevereiro",
    3: "march mar marz maerz mars marzo maart mrt marco",
    4: "april apr avril avr abril aprile",
    5: "may mai mayo maggio mag mei maio",
    6: "june jun juni juin junio giugno giu junho",
    7: "july jul juli juillet juil julio luglio lug julho",
    8: "august aug aout agosto augustus",
    9: "september sept sep septembre septiembre setiembre settembre setembro",
    10: "october oct oktober okt octobre octubre ottobre outubro",
    11: "november nov novembre noviembre novembro",
    12: "december dec dezember dez decembre diciembre dic dicembre dezembro",
}
_MONTH = {name: number for number, names in _MONTHS.items() for name in names.split()}
_NAMES = "|".join(sorted(_MONTH, key=len, reverse=True))
_DAY_MONTH = re.compile(
    rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th|er|o|\.)?\s*(?:de |of )?(?P<m>{_NAMES})\b\.?(?:,?\s*(?:de )?(?P<y>\d{{4}})\b)?"
)
_MONTH_DAY = re.compile(rf"\b(?P<m>{_NAMES})\b\.?\s*(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s*(?P<y>\d{{4}})\b)?")
_ISO = re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})\b")
_NUMERIC = re.compile(r"\b(?P<a>\d{1,2})(?P<sep>[./-])(?P<b>\d{1,2})(?:(?P=sep)(?P<y>\d{4}|\d{2})\b)?")
# Words after which the next date is the day of return, strongest first; the date must follow within _REACH.
_RETURN = re.compile(
    r"\b(?:back|return|returning|returns|zuruck|zurueck|wieder|ab|retour|de vuelta|regreso|regresare|volvere|vuelvo"
    r"|rientro|rientrero|di ritorno|terug|weer|retorno|retornarei|de volta|volto|voltarei)\b"
)
_UNTIL = re.compile(r"\b(?:until|till|til|through|thru|bis|jusqu'?\s?(?:au|a)|hasta|fino al?|tot en met|t/m|tot|ate)\b")
_REACH = 45

_HEADERS = ("X-Autoreply", "X-Autorespond", "X-Autoresponder")
_SUBJECT = re.compile(
    r"^\W*(?:out of (?:the )?office|ooo|automatic reply|automatic response|auto[- ]?reply|auto[- ]?response"
    r"|abwesenheitsnotiz|abwesenheit|automatische antwort|abwesend|reponse automatique|message d'absence|absence|absent"
    r"|respuesta automatica|fuera de la oficina|ausente|risposta automatica|fuori ufficio|assente"
    r"|automatisch antwoord|afwezig|afwezigheid|niet aanwezig|resposta automatica|ausencia|fora do escritorio)\b"
)
_WORDING = re.compile(
    r"\b(?:out of (?:the )?office|on (?:annual |parental )?leave|on vacation|on holiday|away from (?:the )?office"
    r"|nicht im buro|abwesend|im urlaub|je suis absente?|en conges?|en vacances|fuera de la oficina|de vacaciones"
    r"|fuori ufficio|in ferie|afwezig|met vakantie|fora do escritorio|de ferias)\b"
)


def auto_reply_reason(msg: Message, subject: str, text: str) -> str | None:
    """Why this message is an automatic answer, or None when nothing says it is."""
    submitted = header_text(msg, "Auto-Submitted").lower()
    kind = submitted.split(";")[0].split("(")[0].strip()
    # Reports were settled before: whatever else is auto-submitted is a machine's answer, never a person's reply.
    if kind and kind != "no":
        return f"Auto-Submitted: {submitted}"
    # Exchange marks its out-of-office answers only in headers; the subject and text are in the user's language.
    # Help desks set X-Auto-Response-Suppress on what their agents write too: only Exchange's own counts.
    suppress = header_text(msg, "X-Auto-Response-Suppress").lower()
    if set(suppress.replace(",", " ").split()) & {"all", "oof"} and _from_exchange(msg):
        return f"X-Auto-Response-Suppress: {suppress}"
    if header_text(msg, "X-MS-Exchange-Inbox-Rules-Loop"):
        return "X-MS-Exchange-Inbox-Rules-Loop: sent by a mailbox rule"
    for name in _HEADERS:
        value = header_text(msg, name)
        if value and value.lower() != "no":
            return f"{name}: {value}"
    precedence = header_text(msg, "Precedence").lower()
    if precedence == "auto_reply":
        return "Precedence: auto_reply"
    if _SUBJECT.search(fold(subject)):
        return f"subject says automatic reply: {subject[:80]}"
    if precedence in ("bulk", "junk", "list") and _WORDING.search(fold(f"{subject}\n{text}")):
        return f"Precedence: {precedence} with out-of-office wording"
    return None


def _from_exchange(msg: Message) -> bool:
    return any(name.lower().startswith("x-ms-exchange-") or name.lower() == "thread-index" for name in msg)


def return_date(text: str, sent: date | None = None) -> date | None:
    """The date of return an out-of-office text states, or None.

    Dates without a year are the next such day on or after `sent` (unknown without it). A numeric date that
    reads both ways (12/05) is taken as the nearer one on or after `sent`, day first when `sent` is unknown.
    """
    flat = fold(text.replace("\n\n", " \x00 "))  # keep paragraph breaks: a date never belongs to the paragraph before
    for anchors in (_RETURN, _UNTIL):
        for anchor in anchors.finditer(flat):
            window = flat[anchor.end():anchor.end() + _REACH].split("\x00")[0]
            found = _first_date(window, sent)
            if found is not None:
                return found
    return None


def _first_date(window: str, sent: date | None) -> date | None:
    matches = [match for pattern in (_ISO, _DAY_MONTH, _MONTH_DAY, _NUMERIC) for match in pattern.finditer(window)]
    for match in sorted(matches, key=lambda m: (m.start(), -len(m.group(0)))):
        found = _resolve(_readings(match), sent)
        if found is not None:
            return found
    return None


def _readings(match: re.Match[str]) -> list[tuple[int | None, int, int]]:
    """(year, month, day) candidates of one matched date."""
    groups = match.groupdict()
    year = _year(groups.get("y"))
    if "a" not in groups:
        month = _MONTH[groups["m"]] if groups["m"] in _MONTH else int(groups["m"])
        return [(year, month, int(groups["d"]))]
    first, second = int(groups["a"]), int(groups["b"])
    if groups["sep"] == ".":
        return [(year, second, first)]  # dotted dates are day first everywhere
    return [(year, second, first), (year, first, second)]


def _year(text: str | None) -> int | None:
    if text is None:
        return None
    return 2000 + int(text) if len(text) == 2 else int(text)


def _resolve(readings: list[tuple[int | None, int, int]], sent: date | None) -> date | None:
    candidates = [found for reading in readings if (found := _day(*reading, sent)) is not None]
    if sent is None:
        return candidates[0] if candidates else None
    upcoming = [found for found in candidates if found >= sent]
    return min(upcoming) if upcoming else None


def _day(year: int | None, month: int, day: int, sent: date | None) -> date | None:
    try:
        if year is not None:
            return date(year, month, day)
        if sent is None:
            return None
        found = date(sent.year, month, day)
        return found if found >= sent else date(sent.year + 1, month, day)
    except ValueError:
        return None
