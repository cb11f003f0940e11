"""An experiment from first send to applied winner: the worker mails two variants through a local SMTP server,
replies come back through the inbox's own effects at scripted rates (one variant far better), the worker's review
finds the winner, and with `apply` every lead who joins later gets it; the campaign's history says when and why."""

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from aicmo import operator_services as ops
from aicmo.cam.alerts.models import AlertDB
from aicmo.cam.inbox.events import InboundKind
from aicmo.cam.outreach.domain import MessageStatus
from aicmo.cam.outreach.models import OutreachMessageDB
from aicmo.cam.outreach.registry import ChannelRegistry
from aicmo.cam.webhooks.models import WebhookDeliveryDB
from aicmo.cam.worker.loop import Worker, run_accelerated
from aicmo.clock import ManualClock
from aicmo.settings import Settings
from tests.integration.cam.worker.conftest import new_lead
from tests.support.history import answered
from tests.support.smtp_server import ScriptedSmtpServer

CAMPAIGN = {
    "name": "Subject test",
    "audience": {"statuses": ["new"]},
    "steps": [{"subject": "Hello {{ first_name }}", "body": "Hi {{ first_name }}, a question about {{ company }}.",
               "variants": [{"name": "plain", "body": "Hi {{ first_name }}, a question."},
                            {"name": "specific", "body": "Hi {{ first_name }}, about {{ company }}'s hiring."}]}],
    "send_window": {"always": True},
}
EXPERIMENT = {"step": 1, "goal": "positive_reply", "auto_winner": "apply",
              "rule": {"min_sample": 30, "expected_rate": 0.1, "mde": 2.0}}
YES = "Yes, interested! Can we book a call next week?"
NO = "Not interested, thanks."


def first_steps(db: Session) -> list[OutreachMessageDB]:
    db.expire_all()
    return list(db.scalars(select(OutreachMessageDB).where(OutreachMessageDB.sequence_step == 0)
                           .order_by(OutreachMessageDB.created_at, OutreachMessageDB.lead_id)))


def add_leads(db: Session, start: int, count: int) -> None:
    for number in range(start, start + count):
        new_lead(db, first_name=f"Lead{number}", email=f"lead{number}@co{number}.io",
                 website=f"https://co{number}.io", company_name=f"Co {number}")


def script_replies(db: Session, clock: ManualClock) -> None:
    """Half of `specific`'s leads say yes, one in twenty of `plain`'s; some others say no."""
    counters = {"plain": 0, "specific": 0}
    for message in first_steps(db):
        assert message.status is MessageStatus.SENT and message.template_variant is not None
        counters[message.template_variant] += 1
        seen = counters[message.template_variant]
        every = 2 if message.template_variant == "specific" else 20
        if seen % every == 0:
            answered(db, message, InboundKind.REPLY, clock.now(), text=YES)
        elif seen % 7 == 0:
            answered(db, message, InboundKind.REPLY, clock.now(), text=NO)
    db.commit()


async def test_apply_sends_later_leads_the_winner_and_the_history_says_why(
        db: Session, sessions: sessionmaker[Session], channels: ChannelRegistry, smtp_server: ScriptedSmtpServer,
        clock: ManualClock) -> None:
    campaign = ops.create_campaign(db, CAMPAIGN)
    ops.create_webhook_subscription(db, "https://crm.example.com/hooks", ["experiment.winner"])
    created = ops.create_experiment(db, campaign.id, EXPERIMENT, now=clock.now())
    assert [v.name for v in created.variants] == ["plain", "specific"] and created.status == "running"
    add_leads(db, 0, 120)
    assert ops.start_campaign(db, campaign.id, now=clock.now()) == 120
    worker = Worker(sessions, channels, clock=clock, settings=Settings())
    await run_accelerated(worker, clock)
    assert len(smtp_server.envelopes) == 120
    script_replies(db, clock)

    clock.advance(timedelta(hours=2))  # the worker reviews experiments hourly
    await worker.run(once=True)
    decided = ops.get_experiment(db, campaign.id, 1)
    assert (decided.status, decided.winner) == ("applied", "specific")
    by_name = {v.name: v for v in decided.variants}
    assert by_name["specific"].probability_best > 0.99 and by_name["specific"].decision == "winner"
    assert by_name["specific"].goals > 20 > by_name["plain"].goals

    add_leads(db, 1000, 20)
    assert ops.start_campaign(db, campaign.id, now=clock.now()) == 20
    await run_accelerated(worker, clock)
    later = first_steps(db)[120:]
    assert len(later) == 20 and {m.template_variant for m in later} == {"specific"}
    assert all("hiring" in m.body for m in later)

    history = ops.get_campaign_history(db, campaign.id)
    assert [event.kind for event in history] == ["experiment.started", "experiment.winner_applied"]
    why = history[-1].summary
    assert "'specific' won" in why and "every later lead gets it" in why and "probability to be best" in why
    assert history[-1].data["evidence"]["specific"]["goals"] == by_name["specific"].goals
    alert = db.scalar(select(AlertDB).where(AlertDB.kind == "experiment.winner"))
    assert alert is not None and alert.message == why
    delivery = db.scalar(select(WebhookDeliveryDB).where(WebhookDeliveryDB.event == "experiment.winner"))
    assert delivery is not None and delivery.payload["winner"] == "specific"
