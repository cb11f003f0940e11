"""A lead with a LinkedIn profile, and the channel on the test database."""

import itertools
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from aicmo import operator_services as ops
from aicmo.cam.leads.schemas import LeadCreate, LeadRead
from aicmo.cam.outreach.linkedin.channel import LinkedInOutreachService
from aicmo.cam.outreach.linkedin.tasks import TaskProvider
from aicmo.db.engine import make_session_factory
from tests.factories import make_lead

_numbers = itertools.count(1)


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)


@pytest.fixture
def new_lead(db: Session) -> Callable[..., LeadRead]:
    """Store a lead with a LinkedIn profile (overrides as for make_lead) and commit it."""

    def create(**overrides: Any) -> LeadRead:
        n = next(_numbers)
        fields = make_lead(first_name="Jane", last_name=f"Doe{n}", email=f"jane{n}@acme.io",
                           linkedin_url=f"https://www.linkedin.com/in/jane-doe-{n}")
        return ops.create_lead(db, LeadCreate(**(fields | overrides)))

    return create


@pytest.fixture
async def channel(sessions: sessionmaker[Session]) -> AsyncIterator[LinkedInOutreachService]:
    service = LinkedInOutreachService(sessions, TaskProvider(), note_limit=300)
    yield service
    await service.aclose()

