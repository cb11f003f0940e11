"""A later step whose template runs past its bounds, met by the worker after a send: flagged, the send kept."""

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from aicmo import operator_services as ops
from aicmo.cam.campaigns.flows import schedule_next
from aicmo.cam.leads.models import LeadDB
from aicmo.cam.leads.schemas import LeadCreate
from aicmo.cam.outreach.domain import MessageStatus
from aicmo.cam.outreach.models import OutreachMessageDB
from aicmo.cam.templates.render import RenderLimits
from tests.factories import make_lead
from tests.support.history import sent

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
RUNAWAY = "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}Again"


def test_a_later_step_past_its_bounds_is_stored_skipped_with_the_reason(db: Session) -> None:
    lead = ops.create_lead(db, LeadCreate(**make_lead()))
    campaign = ops.create_campaign(db, {"name": "Later", "send_window": {"always": True},
                                        "steps": [{"channels": ["linkedin"], "body": "Hello"},
                                                  {"channels": ["linkedin"], "body": RUNAWAY}]})
    assert ops.start_campaign(db, campaign.id, now=NOW) == 1
    first = db.scalars(select(OutreachMessageDB)).one()
    sent(db, first, NOW)
    stored = db.get(LeadDB, lead.id)
    assert stored is not None
    schedule_next(db, first, stored, NOW, limits=RenderLimits())
    db.commit()
    second = db.scalars(select(OutreachMessageDB).where(OutreachMessageDB.sequence_step == 1)).one()
    assert second.status is MessageStatus.SKIPPED
    assert second.last_error is not None and "exceeds its bounds: more than 100000 loop steps" in second.last_error
    assert db.get(OutreachMessageDB, first.id).status is MessageStatus.SENT  # type: ignore[union-attr]
