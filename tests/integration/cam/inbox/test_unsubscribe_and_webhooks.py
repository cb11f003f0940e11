"""The way out, over real HTTP: a lead's one-click unsubscribe (RFC 8058) and a suppressed domain stop every
later send, and a provider's bounce webhook makes the step fall back. The worker mails a local SMTP server."""

import base64
import json
from datetime import timedelta
from email import message_from_bytes
from urllib.parse import urlsplit

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from aicmo import operator_services as ops
from aicmo.cam.campaigns import service as campaigns
from aicmo.cam.leads.enums import EmailStatus, LeadStatus
from aicmo.cam.leads.models import LeadDB
from aicmo.cam.outreach.domain import Channel, MessageStatus
from aicmo.cam.outreach.models import OutreachMessageDB as M
from aicmo.cam.worker.loop import Worker, run_accelerated
from aicmo.clock import ManualClock
from aicmo.settings import Settings
from aicmo.web.app import create_app
from tests.integration.cam.worker.conftest import SETTINGS, add_mailbox, clock, new_lead, registry_for, sessions
from tests.support.http_app import serve_app
from tests.support.smtp_server import ScriptedSmtpServer, smtp_server

__all__ = ["clock", "sessions", "smtp_server"]

WEB_SETTINGS = SETTINGS.model_copy(update={"webhook_secret": "hook-secret"})
TWO_EMAILS = {
    "name": "two emails",
    "audience": {"statuses": ["new"]},
    "steps": [{"subject": "Hello {{ first_name }}", "body": "Hi {{ first_name }}"},
              {"channels": ["email"], "delay_hours": 72, "subject": "Re: Hello", "body": "Following up."}],
    "send_window": {"always": True},
}


def sent_to(server: ScriptedSmtpServer, address: str) -> list[bytes]:
    return [e.content for e in server.envelopes if e.rcpt_tos == [address]]


def one_click_path(raw: bytes) -> str:
    header = message_from_bytes(raw)["List-Unsubscribe"]
    https = next(part.strip(" <>") for part in header.split(",") if "https://" in part)
    return urlsplit(https).path


async def test_after_a_one_click_unsubscribe_and_a_domain_suppression_nothing_more_is_sent_there(
        db: Session, sessions: sessionmaker[Session], smtp_server: ScriptedSmtpServer, clock: ManualClock) -> None:
    add_mailbox(db, smtp_server)
    amy = new_lead(db, email="amy@north.io", first_name="Amy", website="https://north.io")
    bob = new_lead(db, email="bob@south.io", first_name="Bob", website="https://south.io")
    cat = new_lead(db, email="cat@east.io", first_name="Cat", website="https://east.io")
    campaign = campaigns.create(db, TWO_EMAILS, now=clock.now())
    ops.start_campaign(db, campaign.id, now=clock.now())
    registry = registry_for(sessions)
    try:
        await Worker(sessions, registry, clock=clock, settings=Settings()).run(once=True)
        assert len(smtp_server.envelopes) == 3
        path = one_click_path(sent_to(smtp_server, "amy@north.io")[0])
        with serve_app(create_app(WEB_SETTINGS, sessions)) as base_url:
            assert httpx.get(base_url + path).status_code == 200  # the page alone changes nothing
            assert db.get(LeadDB, amy.id).status is not LeadStatus.UNSUBSCRIBED  # type: ignore[union-attr]
            answer = httpx.post(base_url + path, content=b"List-Unsubscribe=One-Click",
                                headers={"Content-Type": "application/x-www-form-urlencoded"})
            assert answer.status_code == 200
        ops.suppress(db, "south.io", reason="customer")

        clock.advance(timedelta(days=4))
        await run_accelerated(Worker(sessions, registry, clock=clock, settings=Settings()), clock)
    finally:
        await registry.aclose()

    assert len(sent_to(smtp_server, "amy@north.io")) == 1
    assert len(sent_to(smtp_server, "bob@south.io")) == 1
    assert len(sent_to(smtp_server, "cat@east.io")) == 2  # everyone else goes on
    db.expire_all()
    lead = db.get(LeadDB, amy.id)
    assert lead is not None and lead.status is LeadStatus.UNSUBSCRIBED
    follow_up = db.scalar(select(M).where(M.lead_id == bob.id, M.sequence_step == 1))
    assert follow_up is not None and follow_up.status is MessageStatus.CANCELLED
    assert "suppressed" in (follow_up.last_error or "") and cat.id


def ses_bounce(message_id: str, address: str, event_id: str = "sns-1") -> bytes:
    inner = {"notificationType": "Bounce",
             "bounce": {"bounceType": "Permanent", "timestamp": "2026-11-24T10:05:00.000Z",
                        "bouncedRecipients": [{"emailAddress": address, "status": "5.1.1", "action": "failed",
                                               "diagnosticCode": "smtp; 550 5.1.1 user unknown"}]},
             "mail": {"messageId": "0100018f-ses", "commonHeaders": {"messageId": message_id}}}
    return json.dumps({"Type": "Notification", "MessageId": event_id, "Message": json.dumps(inner)}).encode()


async def test_a_provider_bounce_webhook_falls_back_and_a_retry_of_it_changes_nothing(
        db: Session, sessions: sessionmaker[Session], smtp_server: ScriptedSmtpServer, clock: ManualClock) -> None:
    add_mailbox(db, smtp_server)
    amy = new_lead(db, email="amy@north.io", first_name="Amy", website="https://north.io",
                   linkedin_url="https://www.linkedin.com/in/amy-north")
    campaign = campaigns.create(db, {**TWO_EMAILS, "steps": [{"subject": "Hello", "body": "Hi"}]}, now=clock.now())
    ops.start_campaign(db, campaign.id, now=clock.now())
    registry = registry_for(sessions)
    try:
        await Worker(sessions, registry, clock=clock, settings=Settings()).run(once=True)
    finally:
        await registry.aclose()
    message_id = message_from_bytes(smtp_server.envelopes[0].content)["Message-ID"]
    body = ses_bounce(message_id, "amy@north.io")
    basic = "Basic " + base64.b64encode(b"ses:hook-secret").decode()
    with serve_app(create_app(WEB_SETTINGS, sessions)) as base_url:
        refused = httpx.post(f"{base_url}/webhooks/ses", content=body, headers={"Authorization": "Bearer wrong"})
        assert refused.status_code == 401 and refused.headers["content-type"] == "application/problem+json"
        first = httpx.post(f"{base_url}/webhooks/ses", content=body, headers={"Authorization": basic})
        again = httpx.post(f"{base_url}/webhooks/ses", content=body, headers={"Authorization": basic})
        broken = httpx.post(f"{base_url}/webhooks/ses", content=b"{not json", headers={"Authorization": basic})

    assert first.json() == {"received": 1, "applied": 1, "duplicates": 0}
    assert again.json() == {"received": 1, "applied": 0, "duplicates": 1}
    assert broken.status_code == 400 and "ses" in broken.json()["detail"]
    db.expire_all()
    message = db.scalar(select(M).where(M.lead_id == amy.id))
    assert message is not None and message.bounced_at is not None
    assert message.channel is Channel.LINKEDIN and message.status is MessageStatus.PENDING
    lead = db.get(LeadDB, amy.id)
    assert lead is not None and lead.email_status is EmailStatus.INVALID
