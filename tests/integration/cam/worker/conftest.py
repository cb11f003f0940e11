"""A database, a sender mailbox on a local SMTP server, and the channels wired as a user's installation wires them."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from aicmo import operator_services as ops
from aicmo.cam.leads.schemas import LeadCreate, LeadRead
from aicmo.cam.outreach.domain import SmtpSecurity
from aicmo.cam.outreach.email.channel import EmailOutreachService
from aicmo.cam.outreach.linkedin.channel import LinkedInOutreachService
from aicmo.cam.outreach.linkedin.tasks import TaskProvider
from aicmo.cam.outreach.models import MailboxDB
from aicmo.cam.outreach.registry import ChannelRegistry
from aicmo.clock import ManualClock
from aicmo.db.engine import make_session_factory
from aicmo.settings import Settings
from tests.factories import make_lead
from tests.support.smtp_server import ScriptedSmtpServer, smtp_server

__all__ = ["smtp_server"]

SETTINGS = Settings(public_base_url="https://app.example.com/", secret_key="test-secret", smtp_timeout=5.0)
# A Tuesday, 10:00 UTC: inside the default window for UTC leads.
TUESDAY_10 = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(TUESDAY_10)


def add_mailbox(db: Session, server: ScriptedSmtpServer, name: str = "sales", **extra: Any) -> None:
    db.add(MailboxDB(name=name, from_address=f"{name}@seller.example", from_name="John Seller",
                     smtp_host=server.host, smtp_port=server.port, smtp_security=SmtpSecurity.NONE, **extra))
    db.commit()


def new_lead(db: Session, **overrides: Any) -> LeadRead:
    return ops.create_lead(db, LeadCreate(**make_lead(**overrides)))


def registry_for(sessions: sessionmaker[Session]) -> ChannelRegistry:
    registry = ChannelRegistry([LinkedInOutreachService(sessions, TaskProvider())])
    email = EmailOutreachService.from_db(sessions, settings=SETTINGS)
    if email.mailboxes:
        registry.register(email)
    return registry


@pytest.fixture
async def channels(db: Session, sessions: sessionmaker[Session], smtp_server: ScriptedSmtpServer
                   ) -> AsyncIterator[ChannelRegistry]:
    """Email through the scripted server (one mailbox, `sales`) and LinkedIn as operator tasks."""
    add_mailbox(db, smtp_server)
    registry = registry_for(sessions)
    yield registry
    await registry.aclose()
