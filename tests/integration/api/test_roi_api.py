"""Costs and the ROI report over the REST API (real app over HTTP, both databases); the campaign's history is in
tests/integration/cam/roi/seed.py."""

import pytest

from tests.integration.api.conftest import Api
from tests.integration.api.test_campaigns_api import assert_problem
from tests.integration.cam.roi.seed import seed_campaign


def test_costs_are_read_and_changed_field_by_field(api: Api) -> None:
    assert api.client.get("/api/costs").json()["channels"][0] == {
        "channel": "email", "per_message": "0", "per_month": "0", "seats": 1, "task_minutes": 0.0, "hourly_rate": "0",
        "updated_at": None}
    changed = api.client.put("/api/costs", json={"currency": "gbp", "channels": {
        "linkedin": {"per_month": "59.90", "seats": 2}, "contact_form": {"task_minutes": 12.5, "hourly_rate": 30}}})
    assert changed.status_code == 200, changed.text
    body = api.client.get("/api/costs").json()
    assert body["currency"] == "GBP"
    assert [(c["channel"], c["per_month"], c["seats"], c["task_minutes"], c["hourly_rate"])
            for c in body["channels"]] == [("email", "0", 1, 0.0, "0"), ("linkedin", "59.9", 2, 0.0, "0"),
                                           ("contact_form", "0", 1, 12.5, "30")]


@pytest.mark.parametrize(("body", "field"), [
    ({"currency": "XYZ"}, "currency"),
    ({"channels": {"fax": {"seats": 1}}}, "channels.fax.[key]"),
    ({"channels": {"email": {"per_message": -1}}}, "channels.email.per_message"),
    ({"channels": {"email": {"colour": "red"}}}, "channels.email.colour"),
], ids=["currency", "channel", "negative", "unknown"])
def test_bad_costs_are_refused_naming_the_field(api: Api, body: dict[str, object], field: str) -> None:
    assert assert_problem(api.client.put("/api/costs", json=body), 422)["field"] == field


def test_the_roi_report_of_a_campaign_by_name_or_id(api: Api) -> None:
    with api.sessions() as db:
        campaign = seed_campaign(db)
    by_name = api.client.get("/api/reports/roi", params={"campaign": "Spring", "model": "linear"})
    assert by_name.status_code == 200, by_name.text
    report = by_name.json()
    assert (report["campaign_id"], report["currency"], report["active_days"], report["leads"]) == (
        campaign, "EUR", 10, 5)
    assert {key: report["total"][key] for key in ("cost", "pipeline", "revenue", "cost_per_meeting")} == {
        "cost": 69.25, "pipeline": 2000.0, "revenue": 3000.0, "cost_per_meeting": 34.625}
    assert report["score_auc"] == pytest.approx(5 / 6)
    by_id = api.client.get("/api/reports/roi", params={"campaign": str(campaign), "model": "first"}).json()
    assert [(row["channel"], row["revenue"]) for row in by_id["channels"]] == [
        ("email", 3000.0), ("linkedin", 0.0), ("contact_form", 0.0)]


def test_an_unknown_campaign_is_404_and_a_bad_model_422(api: Api) -> None:
    assert_problem(api.client.get("/api/reports/roi", params={"campaign": "Q9"}), 404)
    assert assert_problem(api.client.get("/api/reports/roi", params={"campaign": "Q9", "model": "magic"}),
                          422)["field"] == "query.model"
    assert api.anonymous.get("/api/reports/roi", params={"campaign": "Q9"}).status_code == 401
