"""The in-doubt page: messages that may have gone out, each with its lead and why, settled by one button each.
On SQLite and PostgreSQL."""

from datetime import timedelta

import httpx
from sqlalchemy import update
from sqlalchemy.orm import Session

from aicmo import operator_services as ops
from aicmo.cam.engine.claim import recover_expired
from aicmo.cam.leads.schemas import LeadCreate
from aicmo.cam.outreach import messages
from aicmo.cam.outreach.domain import Channel, MessageStatus, SendStatus
from aicmo.cam.outreach.models import OutreachMessageDB
from aicmo.db.base import utcnow
from tests.factories import make_lead
from tests.integration.web.dashboard.support import submit


def in_doubt(db: Session, email: str) -> str:
    lead = ops.create_lead(db, LeadCreate(**make_lead(email=email, first_name=email.partition("@")[0].title())))
    message = messages.create(db, lead_id=lead.id, body="Hi", subject=f"Hello {email}", now=utcnow(),
                              channels=[Channel.EMAIL])
    db.flush()
    db.execute(update(OutreachMessageDB).where(OutreachMessageDB.id == message.id).values(
        status=MessageStatus.SENDING, lease_owner="gone", lease_expires_at=utcnow() - timedelta(minutes=1)))
    db.commit()
    recover_expired(db, utcnow())
    return message.id


def test_the_page_lists_each_message_in_doubt_with_its_lead_and_three_choices(
        operator: httpx.Client, db: Session) -> None:
    message_id = in_doubt(db, "jane@acme.io")
    page = operator.get("/in-doubt")

    assert page.status_code == 200 and "In doubt <span class=\"muted\">(1)</span>" in page.text
    assert f'data-message="{message_id}"' in page.text and "jane@acme.io" in page.text
    assert "Hello jane@acme.io" in page.text and "not re-sent automatically" in page.text
    assert page.text.count(f'action="/app/in-doubt/{message_id}"') == 3
    assert 'href="/app/in-doubt" aria-current="page">In doubt</a>' in page.text


def test_each_button_settles_its_message_and_says_so(operator: httpx.Client, db: Session) -> None:
    delivered, dropped = in_doubt(db, "jane@acme.io"), in_doubt(db, "john@acme.io")
    answer = submit(operator, "/in-doubt", f"/in-doubt/{delivered}", decision="delivered")
    assert answer.status_code == 303
    after = operator.get("/in-doubt").text
    assert "counted as sent" in after and f'data-message="{delivered}"' not in after
    submit(operator, "/in-doubt", f"/in-doubt/{dropped}", decision="drop")
    again = submit(operator, "/in-doubt", f"/in-doubt/{dropped}", decision="resend")

    assert again.headers["location"].endswith("/app/in-doubt")
    shown = operator.get("/in-doubt").text
    assert "is cancelled, not in doubt: nothing to settle" in shown and "No message is in doubt." in shown
    db.expire_all()
    assert ops.get_message(db, delivered).status is MessageStatus.SENT
    assert ops.get_message(db, dropped).status is MessageStatus.CANCELLED
    assert ops.get_outreach_history(db, ops.get_message(db, dropped).lead_id)[-1].status is SendStatus.SKIPPED
