"""Messages in doubt over real HTTP, on SQLite and PostgreSQL: listed, settled, and refused when not in doubt."""

from datetime import timedelta

from sqlalchemy import update

from aicmo.cam.engine.claim import recover_expired
from aicmo.cam.outreach import messages
from aicmo.cam.outreach.domain import Channel, MessageStatus
from aicmo.cam.outreach.models import OutreachMessageDB
from aicmo.db.base import utcnow
from tests.integration.api.conftest import Api, add_lead
from tests.integration.api.test_leads_api import problem_of


def in_doubt(api: Api) -> str:
    lead = add_lead(api)
    with api.sessions() as db:
        message = messages.create(db, lead_id=lead["id"], body="Hi", subject="Hello", now=utcnow(),
                                  channels=[Channel.EMAIL])
        db.flush()
        db.execute(update(OutreachMessageDB).values(status=MessageStatus.SENDING, lease_owner="gone",
                                                    lease_expires_at=utcnow() - timedelta(minutes=1)))
        db.commit()
        recover_expired(db, utcnow())
        return message.id


def test_lists_messages_in_doubt_and_settles_one_as_delivered(api: Api) -> None:
    message_id = in_doubt(api)
    listed = api.client.get("/api/messages/in-doubt")
    assert listed.status_code == 200 and [m["id"] for m in listed.json()] == [message_id]
    assert listed.json()[0]["status"] == "in_doubt"

    settled = api.client.post(f"/api/messages/{message_id}/settle", json={"decision": "delivered"})
    assert settled.status_code == 200, settled.text
    assert settled.json()["status"] == "sent"
    assert api.client.get("/api/messages/in-doubt").json() == []
    again = problem_of(api.client.post(f"/api/messages/{message_id}/settle", json={"decision": "drop"}), 409)
    assert "not in doubt" in again["detail"]


def test_an_unknown_decision_is_refused_by_its_field(api: Api) -> None:
    message_id = in_doubt(api)
    problem = problem_of(api.client.post(f"/api/messages/{message_id}/settle", json={"decision": "maybe"}), 422)
    assert "decision" in str(problem)
