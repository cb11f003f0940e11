"""What a select or radio group sends: what it shows, or for a required one left on "Please select" an option
chosen by meaning; never the placeholder. A required choice with no fitting option is left to a person."""

from aicmo.cam.outreach.forms.model import FormField, Option
from aicmo.cam.outreach.forms.vocab import CHOICE_WORDS, PLACEHOLDER_WORDS, TOPIC_WORDS, plain

# Values forms give the "please choose" entry.
_PLACEHOLDER_VALUES = frozenset({"", "0", "-1", "-", "--", "none", "null", "nil", "select", "choose", "please select",
                                 "bitte wahlen", "default"})


class CannotFill(Exception):
    """The form asks for something we cannot honestly give; the message says what."""


def shown(field: FormField) -> str:
    return repr(field.label or field.name)


def is_placeholder(option: Option) -> bool:
    """An option that only asks to choose (by its text, or by an empty or "0"-like value): not a choice."""
    label = option.label.strip()
    words = plain(label)
    return (plain(option.value) in _PLACEHOLDER_VALUES or not words or label.startswith(("-", "—", "–", "…"))
            or bool(PLACEHOLDER_WORDS.search(words)))


def by_meaning(options: list[Option]) -> Option | None:
    """The option a sender writing to sales picks: sales, else a general enquiry, else "other"."""
    for words in CHOICE_WORDS:
        for option in options:
            if not is_placeholder(option) and words.search(plain(f"{option.label} {option.value}")):
                return option
    return None


def is_topic(field: FormField) -> bool:
    """Whether the choice asks what the message is about (subject, topic, department, "Anliegen")."""
    return bool(TOPIC_WORDS.search(plain(f"{field.label} {field.name}")))


def choose_option(field: FormField) -> str | None:
    """The value a select or radio group sends; CannotFill for a required one no option fits."""
    options = [o for o in field.options if not o.disabled]
    current = next((o for o in options if o.selected), None)
    if current is None and field.kind == "select" and options:
        current = options[0]  # what a browser sends for a select nobody touched
    if current is not None and not is_placeholder(current):
        return current.value
    if field.required or is_topic(field):
        chosen = by_meaning(options)
        if chosen is not None:
            return chosen.value
    if field.required:
        choices = ", ".join(repr(o.label or o.value) for o in options if not is_placeholder(o)) or "none"
        raise CannotFill(f"required choice {shown(field)} is left on {current.label if current else 'nothing'!r} "
                         f"and no option fits a sales message (options: {choices})")
    return current.value if current is not None else None
