"""Channel-order learning over the REST API (SQLite and PostgreSQL): turned on per campaign, validated, reported."""

from typing import Any

from tests.integration.api.conftest import Api
from tests.integration.api.test_campaigns_api import CAMPAIGN, add_lead, assert_problem, create

TWO_CHANNELS = [{"channels": ["email", "linkedin"], "subject": "Hi", "body": "Saw {{ company }}."}]


def test_a_campaign_is_off_by_default_and_its_report_is_empty(api: Api) -> None:
    campaign = create(api)
    assert campaign["channel_order"] == {"enabled": False, "segment_by": "grade", "orders": [], "settle_days": 14.0}
    report = api.client.get(f"/api/campaigns/{campaign['id']}/channel-order")
    assert report.status_code == 200, report.text
    assert (report.json()["learning"]["enabled"], report.json()["segments"]) == (False, [])


def test_a_learning_campaign_reports_each_segments_orders_once_leads_start(api: Api) -> None:
    for name in ("Jane", "Amy", "Bob"):
        add_lead(api, name)
    learning: dict[str, Any] = {"enabled": True, "segment_by": "country"}
    campaign = create(api, steps=TWO_CHANNELS, channel_order=learning)
    assert campaign["channel_order"]["enabled"] is True
    assert api.client.post(f"/api/campaigns/{campaign['id']}/start").json()["joined"] == 3

    report = api.client.get(f"/api/campaigns/{campaign['id']}/channel-order").json()
    [segment] = report["segments"]
    assert (report["campaign"], segment["segment"], segment["leads"]) == (CAMPAIGN["name"], "us", 3)
    assert sorted(arm["order"] for arm in segment["arms"]) == [["email", "linkedin"], ["linkedin", "email"]]
    assert sum(arm["leads"] for arm in segment["arms"]) == 3
    assert all(arm["settled"] == 0 and arm["rate"] is None for arm in segment["arms"])
    assert sum(arm["probability_best"] for arm in segment["arms"]) == 1.0


def test_learning_that_cannot_work_is_refused_with_the_reason(api: Api) -> None:
    one_channel = api.client.post("/api/campaigns", json=CAMPAIGN | {
        "steps": [{"channels": ["email"], "body": "Hi"}], "channel_order": {"enabled": True}})
    body = assert_problem(one_channel, 422)
    assert "needs at least two channel orders" in str(body)
    foreign = api.client.post("/api/campaigns", json=CAMPAIGN | {
        "steps": TWO_CHANNELS, "channel_order": {"orders": [["email", "contact_form"]]}})
    assert "the campaign's steps do not use contact_form" in str(assert_problem(foreign, 422))
    assert api.client.get("/api/campaigns").json() == []


def test_an_unknown_campaign_has_no_channel_order(api: Api) -> None:
    assert_problem(api.client.get("/api/campaigns/999/channel-order"), 404)
