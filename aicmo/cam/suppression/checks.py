"""The check every channel passes before a send: is this lead, its address or its company suppressed?"""

from collections.abc import Mapping
from typing import Protocol, TypeVar

from sqlalchemy.orm import Session

from aicmo.cam.suppression.service import Blocking, suppressed, suppressed_each

K = TypeVar("K", int, str)


class Reachable(Protocol):
    @property
    def email(self) -> str | None: ...
    @property
    def company_domain(self) -> str | None: ...
    @property
    def website(self) -> str | None: ...


def reason_for(db: Session, lead: Reachable) -> str | None:
    """Why no channel may reach this lead, if its address, the address's domain or its company is suppressed."""
    return _reason(suppressed(db, lead.email, domains=_domains(lead)))


def reasons_for(db: Session, leads: Mapping[K, Reachable]) -> dict[K, str | None]:
    """`reason_for` of many leads, in one query."""
    found = suppressed_each(db, {key: (lead.email, _domains(lead)) for key, lead in leads.items()})
    return {key: _reason(blocking) for key, blocking in found.items()}


def _domains(lead: Reachable) -> list[str]:
    return [domain for domain in (lead.company_domain, lead.website) if domain]


def _reason(found: Blocking | None) -> str | None:
    return None if found is None else f"suppressed ({found.reason}): {found.value}"
