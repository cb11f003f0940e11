"""The check every channel passes before a send: is this lead, its address or its company suppressed?"""

from typing import Protocol

from sqlalchemy.orm import Session

from aicmo.cam.suppression.service import suppressed


class Reachable(Protocol):
    @property
    def email(self) -> str | None: ...
    @property
    def company_domain(self) -> str | None: ...
    @property
    def website(self) -> str | None: ...


def reason_for(db: Session, lead: Reachable) -> str | None:
    """Why no channel may reach this lead, if its address, the address's domain or its company is suppressed."""
    found = suppressed(db, lead.email, domains=[domain for domain in (lead.company_domain, lead.website) if domain])
    return None if found is None else f"suppressed ({found.reason}): {found.value}"
