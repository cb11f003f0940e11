"""Fill a contact form with the sender's identity and the message, the way a careful person would."""

from aicmo.cam.outreach.forms.fetch import Submission
from aicmo.cam.outreach.forms.model import ContactForm, FormField, Option, Role, SenderIdentity
from aicmo.cam.outreach.forms.vocab import CHOICE_WORDS, plain


class CannotFill(Exception):
    """The form asks for something we cannot honestly give; the message says what."""


def _shown(field: FormField) -> str:
    return repr(field.label or field.name)


def choose_option(field: FormField) -> str | None:
    """The value a select or radio group sends: its selection, or for a required one a sensible pick."""
    options = [o for o in field.options if not o.disabled]
    selected = next((o for o in options if o.selected), None)
    if selected is not None and (selected.value or not field.required):
        return selected.value
    if not field.required:
        return options[0].value if options and field.kind == "select" else None
    preferred = [o for o in options if o.value and CHOICE_WORDS.search(plain(f"{o.label} {o.value}"))]
    usable: list[Option] = preferred or [o for o in options if o.value and not _placeholder(o)]
    if not usable:
        raise CannotFill(f"required choice {_shown(field)} has no usable option")
    return usable[0].value


def _placeholder(option: Option) -> bool:
    words = plain(option.label)
    return option.label.strip().startswith(("-", "—", "Select", "Please", "Bitte", "Choose")) or words in (
        "select", "please select", "choose", "bitte wahlen", "choisir", "seleccionar", "seleziona", "kies")


def _checkbox(field: FormField) -> str | None:
    if field.role is Role.OPT_IN or field.role is Role.HONEYPOT:
        return None
    if field.role is Role.CONSENT and (field.required or field.checked):
        return field.value
    if field.checked:
        return field.value
    if field.required:
        raise CannotFill(f"required checkbox {_shown(field)} is not a consent box")
    return None


def _text_value(field: FormField, values: dict[Role, str]) -> str:
    if field.role in values:
        value = values[field.role]
        if not value and field.required:
            raise CannotFill(f"required {field.role.value.replace('_', ' ')} field {_shown(field)}: "
                             "the sender identity has none")
        return value
    if field.role is Role.OTHER and field.required and not field.value:
        raise CannotFill(f"required field {_shown(field)} not understood")
    return "" if field.role is Role.HONEYPOT else field.value


def _value(field: FormField, values: dict[Role, str]) -> str | None:
    if field.role in (Role.IGNORED, Role.SUBMIT):
        return None
    if field.kind == "checkbox":
        return _checkbox(field)
    if field.kind in ("select", "radio"):
        return None if field.role is Role.HONEYPOT else choose_option(field)
    return _text_value(field, values)


def fill(form: ContactForm, sender: SenderIdentity, subject: str, body: str) -> list[tuple[str, str]]:
    """The name/value pairs to send, in page order: hidden fields as they came, honeypots empty."""
    values = {Role.FULL_NAME: sender.full_name or f"{sender.first()} {sender.last()}".strip(),
              Role.FIRST_NAME: sender.first(), Role.LAST_NAME: sender.last(), Role.EMAIL: sender.email,
              Role.COMPANY: sender.company, Role.PHONE: sender.phone, Role.WEBSITE: sender.website,
              Role.SUBJECT: subject, Role.MESSAGE: body}
    pairs: list[tuple[str, str]] = []
    message_done = False
    for field in form.fields:
        if field.role is Role.MESSAGE and message_done and not field.required:
            value: str | None = field.value
        else:
            value = _value(field, values)
            message_done = message_done or field.role is Role.MESSAGE
        if value is not None:
            pairs.append((field.name, value))
    submit = next((f for f in form.fields if f.role is Role.SUBMIT and f.name), None)
    if submit is not None:
        pairs.append((submit.name, submit.value))
    return pairs


def subject_line(subject: str | None, body: str) -> str:
    """The message's subject, or its first line cut to a subject's length."""
    if subject:
        return subject
    first = next((line.strip() for line in body.splitlines() if line.strip()), "")
    return first if len(first) <= 80 else first[:77].rstrip() + "…"


def submission(form: ContactForm, sender: SenderIdentity, subject: str | None, body: str) -> Submission:
    return Submission(method=form.method, url=form.action, enctype=form.enctype,
                      fields=fill(form, sender, subject_line(subject, body), body))
