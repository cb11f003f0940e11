"""A lead's history is in the order things happened, even when the sends ran on a clock ahead of the wall clock."""

from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from aicmo import operator_services as ops
from aicmo.cam.outreach import messages
from aicmo.cam.outreach.domain import Channel, SendStatus
from aicmo.cam.outreach.registry import ChannelRegistry
from aicmo.cam.worker.loop import Worker
from aicmo.clock import ManualClock
from aicmo.db.base import utcnow
from aicmo.settings import Settings
from tests.integration.cam.worker.conftest import new_lead


async def test_a_linkedin_step_done_after_a_simulated_day_lists_pending_before_sent(
        db: Session, sessions: sessionmaker[Session], channels: ChannelRegistry) -> None:
    ahead = ManualClock(utcnow() + timedelta(days=3))  # as the demo's simulated days run
    lead = new_lead(db, email=None, linkedin_url="https://www.linkedin.com/in/jane-doe")
    messages.create(db, lead_id=lead.id, body="Hi", subject="Hello", now=ahead.now(), channels=[Channel.LINKEDIN])
    db.commit()
    await Worker(sessions, channels, clock=ahead, settings=Settings()).run(once=True)
    [task] = ops.list_tasks(db)
    ops.complete_task(db, task.id, True, "sent from my phone")

    history = ops.get_outreach_history(db, lead.id)
    assert [attempt.status for attempt in history] == [SendStatus.PENDING, SendStatus.SENT]
    assert history[0].started_at <= history[1].started_at
    assert [entry.outcome for entry in ops.get_lead_timeline(db, lead.id)] == ["pending", "sent"]


async def test_send_says_the_linkedin_step_waits_for_the_operator(
        db: Session, sessions: sessionmaker[Session], channels: ChannelRegistry, clock: ManualClock) -> None:
    lead = new_lead(db, email=None, linkedin_url="https://www.linkedin.com/in/jane-doe")
    message = messages.create(db, lead_id=lead.id, body="Hi", subject="Hello", now=clock.now(),
                              channels=[Channel.EMAIL, Channel.LINKEDIN])
    db.commit()
    await Worker(sessions, channels, clock=clock, settings=Settings()).run(once=True)
    [task] = ops.list_tasks(db)
    db.expire_all()  # the worker changed the message in its own sessions
    assert ops.describe_message(db, message.id) == f"LinkedIn task {task.id} waiting for you (aicmo tasks list)"
    ops.complete_task(db, task.id, True)
    assert ops.describe_message(db, message.id) == "delivered by LinkedIn to https://www.linkedin.com/in/jane-doe/"
