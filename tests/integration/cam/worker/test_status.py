"""`aicmo status`: where the queue stands, per status and per running campaign."""

from sqlalchemy.orm import Session

from aicmo import operator_services as ops
from aicmo.cam.campaigns import service as campaigns
from aicmo.clock import ManualClock
from tests.integration.cam.worker.conftest import clock, new_lead

__all__ = ["clock"]

ONE_STEP = {"audience": {"statuses": ["new"]}, "steps": [{"subject": "Hi", "body": "Hello {{ first_name }}"}],
            "send_window": {"always": True}}


def test_each_running_campaign_counts_its_own_waiting_messages(db: Session, clock: ManualClock) -> None:
    for name in ("ann", "bob", "cyd"):
        new_lead(db, email=f"{name}@north.io", first_name=name.title(), company_name="North")
    both = campaigns.create(db, {**ONE_STEP, "name": "both"}, now=clock.now())
    ops.start_campaign(db, both.id, now=clock.now())
    nobody = campaigns.create(db, {**ONE_STEP, "name": "nobody", "audience": {"statuses": ["replied"]}},
                              now=clock.now())
    ops.start_campaign(db, nobody.id, now=clock.now())
    campaigns.create(db, {**ONE_STEP, "name": "never started"}, now=clock.now())

    status = ops.get_queue_status(db, now=clock.now())

    assert [(c.name, c.waiting) for c in status.running_campaigns] == [("both", 3), ("nobody", 0)]
    assert status.by_status == {"pending": 3}
