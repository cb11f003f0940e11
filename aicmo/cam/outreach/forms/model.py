"""What a contact form is made of once read: its fields and what each one asks for, and who fills it in."""

from dataclasses import dataclass
from enum import StrEnum

URLENCODED = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"


class Role(StrEnum):
    FULL_NAME = "full_name"
    FIRST_NAME = "first_name"
    LAST_NAME = "last_name"
    NAME = "name"  # "Name", "Nom", "Nome": full, first or last depending on the form's other fields
    EMAIL = "email"
    COMPANY = "company"
    PHONE = "phone"
    WEBSITE = "website"
    SUBJECT = "subject"
    MESSAGE = "message"
    CONSENT = "consent"  # privacy / terms checkbox
    OPT_IN = "opt_in"  # newsletter or marketing checkbox: never ticked
    CHOICE = "choice"  # select or radio group
    HIDDEN = "hidden"  # type=hidden: sent back as it came (CSRF tokens, form ids)
    HONEYPOT = "honeypot"  # a trap for bots: always sent empty
    SEARCH = "search"
    PASSWORD = "password"
    SUBMIT = "submit"
    IGNORED = "ignored"  # file inputs, reset buttons, disabled controls
    OTHER = "other"  # a field we do not understand


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    selected: bool = False
    disabled: bool = False


@dataclass(frozen=True)
class FormField:
    name: str
    kind: str  # the input type, or "textarea" / "select"
    role: Role
    label: str = ""
    value: str = ""  # the value in the page (hidden inputs, checkbox values, prefilled text)
    required: bool = False
    checked: bool = False
    options: tuple[Option, ...] = ()


@dataclass(frozen=True)
class ContactForm:
    action: str  # absolute URL
    method: str  # "GET" or "POST"
    enctype: str
    fields: tuple[FormField, ...]
    score: int = 0
    js_only: str | None = None  # why only JavaScript can submit it, if so

    def roles(self) -> set[Role]:
        return {f.role for f in self.fields}

    def named(self, role: Role) -> list[FormField]:
        return [f for f in self.fields if f.role is role]


@dataclass(frozen=True)
class SenderIdentity:
    """Who is writing: the operator's own name, address and company, never the lead's."""

    full_name: str
    email: str
    first_name: str = ""
    last_name: str = ""
    company: str = ""
    phone: str = ""
    website: str = ""

    def first(self) -> str:
        return self.first_name or self.full_name.split(" ", 1)[0]

    def last(self) -> str:
        if self.last_name:
            return self.last_name
        parts = self.full_name.split(" ", 1)
        return parts[1] if len(parts) > 1 else ""


@dataclass(frozen=True)
class PageSignals:
    """What the form page already showed before we submitted: the outcome looks only at what is new."""

    errors: frozenset[str] = frozenset()
    successes: frozenset[str] = frozenset()
