"""A campaign whose template runs away, started over the REST API: refused within its bound, the API answering."""

import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from aicmo.settings import get_settings
from tests.factories import make_lead
from tests.integration.api.conftest import Api
from tests.integration.api.test_campaigns_api import CAMPAIGN, add_lead, assert_problem, create

RUNAWAY = "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}Hi"
BOUND = 0.5  # seconds one rendering may take, set below


@pytest.fixture
def time_bound(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Templates bounded by time alone: the step budget set far beyond what the time allows."""
    monkeypatch.setenv("AICMO_TEMPLATE_RENDER_SECONDS", str(BOUND))
    monkeypatch.setenv("AICMO_TEMPLATE_MAX_STEPS", str(10**12))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.mark.usefixtures("time_bound")
def test_a_runaway_template_is_refused_within_its_bound_while_the_api_keeps_answering(api: Api) -> None:
    add_lead(api, "Jane")
    campaign = create(api, steps=[{"channels": ["email"], "subject": "Hello", "body": RUNAWAY}])
    answer: dict[str, httpx.Response | float] = {}

    def start() -> None:
        began = time.monotonic()
        answer["response"] = api.client.post(f"/api/campaigns/{campaign['id']}/start", timeout=15)
        answer["seconds"] = time.monotonic() - began

    starting = threading.Thread(target=start)
    starting.start()
    slowest, number = 0.0, 0
    while starting.is_alive() and number < 50:
        number += 1
        began = time.monotonic()
        lead = make_lead(first_name=f"Lead{number}", email=f"lead{number}@example.com")
        created = api.client.post("/api/leads", json=lead, timeout=15)
        slowest = max(slowest, time.monotonic() - began)
        assert created.status_code == 201, created.text
    starting.join(20)
    assert not starting.is_alive(), "the start did not answer"
    assert slowest < 1.0
    assert isinstance(answer["seconds"], float) and answer["seconds"] < BOUND + 1.5
    response = answer["response"]
    assert isinstance(response, httpx.Response)
    body = assert_problem(response, 422, "InvalidCampaign")
    assert "longer than 0.5 s" in body["detail"] and body["field"] == "steps.0"
    status = api.client.get(f"/api/campaigns/{campaign['id']}").json()
    assert status["status"] == "draft"


def test_a_template_within_its_bounds_starts_as_before(api: Api) -> None:
    add_lead(api, "Jane")
    body = "{% for word in ['a', 'b'] %}{{ word|center(3) }}{% endfor %} {{ '%03d'|format(7) }}"
    campaign = create(api, steps=[{**CAMPAIGN["steps"][0], "body": body}])
    response = api.client.post(f"/api/campaigns/{campaign['id']}/start")
    assert response.status_code == 200, response.text
    assert response.json()["joined"] == 1
