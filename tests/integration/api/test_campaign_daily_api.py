"""GET /api/campaigns/{id}/daily over real HTTP (SQLite and PostgreSQL): the series as JSON and as CSV."""

from datetime import timedelta

from aicmo import operator_services as ops
from aicmo.cam.inbox.events import InboundKind
from aicmo.cam.leads.schemas import LeadCreate
from aicmo.cam.outreach import messages
from aicmo.cam.outreach.domain import Channel
from aicmo.db.base import utcnow
from tests.factories import make_lead
from tests.integration.api.conftest import Api
from tests.support.history import answered, sent


def a_campaign_with_a_reply(api: Api) -> int:
    """One message sent yesterday and answered today."""
    now = utcnow()
    with api.sessions() as db:
        campaign = ops.create_campaign(db, {"name": "Daily API", "steps": [{"body": "Hi"}]}).id
        lead = ops.create_lead(db, LeadCreate(**make_lead())).id
        message = messages.create(db, lead_id=lead, body="Hi", subject="Hello", now=now - timedelta(days=1),
                                  campaign_id=campaign, step=0, channels=[Channel.EMAIL], variant=None, grade="A")
        sent(db, message, now - timedelta(days=1))
        answered(db, message, InboundKind.REPLY, now, text="Thanks, not now.")
        db.commit()
    return campaign


def test_answers_every_day_of_the_window_with_what_happened_on_it(api: Api) -> None:
    campaign = a_campaign_with_a_reply(api)
    response = api.client.get(f"/api/campaigns/{campaign}/daily", params={"days": 3})
    assert response.status_code == 200, response.text
    today = utcnow().date()
    body = response.json()
    assert (body["campaign_id"], body["first"], body["last"]) == (
        campaign, (today - timedelta(days=2)).isoformat(), today.isoformat())
    assert [(day["day"], day["sent"], day["replied"]) for day in body["days"]] == [
        ((today - timedelta(days=2)).isoformat(), 0, 0), ((today - timedelta(days=1)).isoformat(), 1, 0),
        (today.isoformat(), 0, 1)]


def test_answers_csv_with_a_header_and_one_row_a_day(api: Api) -> None:
    campaign = a_campaign_with_a_reply(api)
    response = api.client.get(f"/api/campaigns/{campaign}/daily", params={"days": 2, "format": "csv"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert f'filename="campaign-{campaign}-daily.csv"' in response.headers["content-disposition"]
    today = utcnow().date()
    assert response.text.splitlines() == [
        "day,sent,delivered,replied,positive_replies,meetings,bounced",
        f"{today - timedelta(days=1)},1,0,0,0,0,0", f"{today},0,0,1,0,0,0"]


def test_refuses_an_unknown_campaign_and_a_window_out_of_range(api: Api) -> None:
    assert api.client.get("/api/campaigns/999/daily").status_code == 404
    campaign = a_campaign_with_a_reply(api)
    assert api.client.get(f"/api/campaigns/{campaign}/daily", params={"days": 0}).status_code == 422
    assert api.client.get(f"/api/campaigns/{campaign}/daily", params={"format": "xml"}).status_code == 422
