"""A campaign's later emails to a lead continue the thread of its earlier ones: In-Reply-To and References of the
Message-IDs already sent, so mail clients show one conversation; replies on any of them are matched."""

from email import message_from_bytes, policy
from email.message import EmailMessage

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from aicmo.cam import auto
from aicmo.cam.campaigns import service as campaigns
from aicmo.cam.inbox.matching import by_reference
from aicmo.cam.outreach.models import OutreachMessageDB
from aicmo.cam.outreach.registry import ChannelRegistry
from aicmo.cam.templates.render import RenderLimits
from aicmo.cam.worker.loop import Worker, run_accelerated
from aicmo.clock import ManualClock
from aicmo.settings import Settings
from tests.integration.cam.worker.conftest import new_lead
from tests.support.smtp_server import ScriptedSmtpServer

SEQUENCE = {
    "name": "Threaded",
    "steps": [
        {"channels": ["email"], "subject": "Quick question, {{ first_name }}", "body": "First touch."},
        {"channels": ["linkedin"], "delay_hours": 24, "body": "Connecting."},
        {"channels": ["email"], "delay_hours": 48, "subject": "Re: Quick question, {{ first_name }}",
         "body": "Following up."},
        {"channels": ["email"], "delay_hours": 48, "subject": "Last note", "body": "Closing the loop."},
    ],
    "send_window": {"always": True},
}


def received(server: ScriptedSmtpServer) -> list[EmailMessage]:
    return [message_from_bytes(envelope.content, policy=policy.default)  # type: ignore[misc]
            for envelope in server.envelopes]


async def test_every_later_email_answers_the_earlier_ones_and_replies_on_any_of_them_are_matched(
        db: Session, sessions: sessionmaker[Session], channels: ChannelRegistry, smtp_server: ScriptedSmtpServer,
        clock: ManualClock) -> None:
    lead = new_lead(db, first_name="Jane", linkedin_url="https://www.linkedin.com/in/jane-doe")
    new_lead(db, email="other@else.io", first_name="Olga", company_name="Else", website="https://else.io")
    campaign = campaigns.create(db, SEQUENCE, now=clock.now())
    auto.start(db, campaign.id, now=clock.now(), limits=RenderLimits())
    db.commit()
    await run_accelerated(Worker(sessions, channels, clock=clock, settings=Settings()), clock)

    to_jane = [m for m in received(smtp_server) if m["To"].addresses[0].addr_spec == "jane@acme.io"]
    first, follow_up, last = to_jane
    ids = [first["Message-ID"], follow_up["Message-ID"], last["Message-ID"]]
    assert first["In-Reply-To"] is None and first["References"] is None
    assert (follow_up["Subject"], follow_up["In-Reply-To"], follow_up["References"]) == (
        "Re: Quick question, Jane", ids[0], ids[0])
    assert (last["Subject"], last["In-Reply-To"], last["References"].split()) == ("Last note", ids[1], ids[:2])
    # Another lead's emails make their own thread, never Jane's.
    to_olga = [m for m in received(smtp_server) if m["To"].addresses[0].addr_spec == "other@else.io"]
    assert len(to_olga) == 3 and to_olga[2]["References"].split() == [to_olga[0]["Message-ID"],
                                                                       to_olga[1]["Message-ID"]]

    db.expire_all()
    sent = {m.provider_message_id: m for m in db.scalars(select(OutreachMessageDB)
                                                            .where(OutreachMessageDB.lead_id == lead.id))}
    for reply_references in ((ids[0],), (ids[0], ids[1]), tuple(ids)):  # a reply to any of the three
        matched = by_reference(db, reply_references)
        assert matched is not None and matched is sent[reply_references[-1]] and matched.lead_id == lead.id
