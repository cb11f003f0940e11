"""The contact-form channel (on the local form site) and email (to a local SMTP server) as an installation wires
them, on the test database."""

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from aicmo.cam.outreach.email.channel import EmailOutreachService
from aicmo.cam.outreach.registry import ChannelRegistry
from aicmo.clock import ManualClock
from aicmo.db.engine import make_session_factory
from tests.integration.cam.outreach.forms.conftest import service_factory, site
from tests.integration.cam.outreach.tasks.builders import form_channel
from tests.integration.cam.worker.conftest import SETTINGS, TUESDAY_10, add_mailbox
from tests.support.smtp_server import ScriptedSmtpServer, smtp_server

__all__ = ["service_factory", "site", "smtp_server"]


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(TUESDAY_10)


@pytest.fixture
async def channels(db: Session, sessions: sessionmaker[Session], smtp_server: ScriptedSmtpServer
                   ) -> AsyncIterator[ChannelRegistry]:
    """Contact forms on the local site, and email through the scripted server (one mailbox, `sales`)."""
    add_mailbox(db, smtp_server)
    registry = ChannelRegistry([form_channel(sessions), EmailOutreachService.from_db(sessions, settings=SETTINGS)])
    yield registry
    await registry.aclose()
