"""Experiments and the campaign's history over the REST API (real app over HTTP, both databases)."""

from tests.integration.api.conftest import Api
from tests.integration.api.test_campaigns_api import assert_problem
from tests.integration.cam.experiments.seed import CAMPAIGN, seed_experiment


def test_an_experiment_is_created_listed_shown_reviewed_and_its_decision_is_in_the_history(api: Api) -> None:
    with api.sessions() as db:
        campaign = seed_experiment(db)
    base = f"/api/campaigns/{campaign.id}"
    (listed,) = api.client.get(f"{base}/experiments").json()
    assert (listed["step"], listed["goal"], listed["status"]) == (1, "positive_reply", "running")
    shown = api.client.get(f"{base}/experiments/1").json()
    specific = next(v for v in shown["variants"] if v["name"] == "specific")
    assert (specific["sends"], specific["goals"], specific["control"]) == (40, 14, False)
    assert specific["rate_low"] < 14 / 40 < specific["rate_high"] and specific["probability_best"] > 0.99
    assert specific["uplift_low"] > 0 and shown["sample_needed"] > 0

    reviewed = api.client.post(f"{base}/experiments/review")
    assert reviewed.status_code == 200, reviewed.text
    assert reviewed.json()[0]["winner"] == "specific"
    history = api.client.get(f"{base}/history").json()
    assert [event["kind"] for event in history] == ["experiment.started", "experiment.winner_found"]
    assert "probability to be best" in history[-1]["summary"]

    changed = api.client.put(f"{base}/experiments/1/auto-winner", json={"mode": "apply"})
    assert changed.status_code == 200 and changed.json()["auto_winner"] == "apply"


def test_bad_experiments_are_refused_with_the_field_and_the_reason(api: Api) -> None:
    created = api.client.post("/api/campaigns", json=CAMPAIGN)
    base = f"/api/campaigns/{created.json()['id']}/experiments"
    opens = assert_problem(api.client.post(base, json={"step": 1, "goal": "opens"}), 422)
    assert opens["field"] == "goal" and "Apple Mail Privacy Protection" in opens["detail"]
    single = assert_problem(api.client.post(base, json={"step": 1, "variants": [{"name": "a", "body": "Hi"}]}), 422)
    assert single["detail"] == "variants: an experiment has 2 to 5 variants; this one has 1"
    assert_problem(api.client.get(f"{base}/2"), 404)
    assert_problem(api.client.get("/api/campaigns/999/experiments"), 404)
