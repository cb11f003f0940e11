"""Fill a contact form with the sender's identity and the message, the way a careful person would."""

from aicmo.cam.outreach.forms.choices import CannotFill, choose_option, shown
from aicmo.cam.outreach.forms.fetch import Submission
from aicmo.cam.outreach.forms.model import ContactForm, FormField, Role, SenderIdentity

__all__ = ["CannotFill", "choose_option", "fill", "subject_line", "submission"]


def _checkbox(field: FormField) -> str | None:
    if field.role is Role.OPT_IN or field.role is Role.HONEYPOT:
        return None
    if field.role is Role.CONSENT and (field.required or field.checked):
        return field.value
    if field.checked:
        return field.value
    if field.required:
        raise CannotFill(f"required checkbox {shown(field)} is not a consent box")
    return None


def _text_value(field: FormField, values: dict[Role, str]) -> str:
    if field.role in values:
        value = values[field.role]
        if not value and field.required:
            raise CannotFill(f"required {field.role.value.replace('_', ' ')} field {shown(field)}: "
                             "the sender identity has none")
        return value
    if field.role is Role.OTHER and field.required and not field.value:
        raise CannotFill(f"required field {shown(field)} not understood")
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


def submission(form: ContactForm, sender: SenderIdentity, subject: str | None, body: str, *,
               page: str | None = None) -> Submission:
    """The filled form, sent from `page` (the page it was read on) as a browser sends it."""
    return Submission(method=form.method, url=form.action, enctype=form.enctype,
                      fields=fill(form, sender, subject_line(subject, body), body), page=page)
