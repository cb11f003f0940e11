"""The LinkedIn automation's callback over HTTP: `POST /webhooks/linkedin` on the real app (both databases)."""

import asyncio
import time
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import Engine

from aicmo import operator_services as ops
from aicmo.cam.leads.schemas import LeadCreate
from aicmo.cam.outreach.tasks.models import TaskStatus
from tests.factories import make_lead
from tests.integration.api.conftest import API_SETTINGS, Api, running_api
from tests.integration.api.test_campaigns_api import assert_problem
from tests.integration.cam.outreach.linkedin.test_callback import SECRET, accepted_task, body
from tests.support.webhook_receiver import signature


@pytest.fixture
def hooked(engine: Engine) -> Iterator[Api]:
    with running_api(engine, API_SETTINGS.model_copy(update={"linkedin_webhook_secret": SECRET})) as running:
        yield running


def post(api: Api, raw: bytes, secret: str = SECRET, at: float | None = None) -> httpx.Response:
    headers = {"X-Aicmo-Signature": signature(secret, raw, int(at or time.time())),
               "content-type": "application/json"}
    return api.anonymous.post("/webhooks/linkedin", content=raw, headers=headers)


def test_a_signed_callback_closes_the_task_and_a_repeat_is_a_conflict(hooked: Api) -> None:
    with hooked.sessions() as db:
        lead = ops.create_lead(db, LeadCreate(**make_lead(linkedin_url="https://www.linkedin.com/in/jane-doe")))
    task_id = asyncio.run(accepted_task(hooked.sessions, lead))
    raw = body(task_id=task_id, status="sent", id="inv-1")
    done = post(hooked, raw)
    assert done.status_code == 200, done.text
    assert (done.json()["id"], done.json()["status"]) == (task_id, "done")
    with hooked.sessions() as db:
        assert ops.get_task(db, task_id).status is TaskStatus.DONE
    assert_problem(post(hooked, raw), 409)


def test_refuses_what_is_unsigned_stale_malformed_or_unknown(hooked: Api) -> None:
    raw = body(task_id=999, status="sent")
    assert_problem(hooked.anonymous.post("/webhooks/linkedin", content=raw), 401)
    assert_problem(post(hooked, raw, secret="wrong"), 401)
    assert_problem(post(hooked, raw, at=time.time() - 3600), 401)
    assert "task_id" in assert_problem(post(hooked, body(status="sent")), 400)["detail"]
    assert "nested too deeply" in assert_problem(post(hooked, b"[" * 50_000), 400)["detail"]
    assert_problem(post(hooked, raw), 404)


def test_the_callback_is_off_without_its_secret(api: Api) -> None:
    assert "AICMO_LINKEDIN_WEBHOOK_SECRET" in assert_problem(post(api, body(task_id=1, status="sent")), 401)["detail"]
