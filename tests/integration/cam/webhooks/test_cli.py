"""`aicmo webhooks` in process, through Typer's test runner, on a SQLite file named by AICMO_DATABASE_URL."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from aicmo import operator_services as ops
from aicmo.bootstrap import session_factory
from aicmo.cam.webhooks.events import WebhookEvent, emit
from aicmo.cam.webhooks.models import WebhookDeliveryDB
from aicmo.cli.main import app
from tests.support.command_database import command_database

runner = CliRunner()
URL = "https://crm.example.com/hooks/aicmo"


@pytest.fixture(autouse=True)
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    with command_database(tmp_path / "aicmo.db", monkeypatch, columns=200) as url:
        yield url


def webhooks(*args: str, code: int = 0) -> Result:
    result = runner.invoke(app, ["webhooks", *args])
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    return result


def test_add_prints_the_secret_once_and_list_shows_the_subscription_without_it() -> None:
    added = webhooks("add", URL, "--event", "message.sent", "--event", "lead.graded", "--description", "CRM sync")
    secret = added.stdout.strip()
    assert secret.startswith("whsec_") and len(secret) > 40
    assert f"webhook 1 created for {URL} (message.sent, lead.graded)" in added.stderr

    listed = webhooks("list").stdout
    assert URL in listed and "message.sent, lead.graded" in listed and "active" in listed and "CRM sync" in listed
    assert secret not in listed


def test_add_refuses_an_unknown_event_and_a_url_that_is_not_http() -> None:
    assert "error: events: unknown event 'message.opened'" in webhooks("add", URL, "-e", "message.opened",
                                                                        code=1).stderr
    assert "error: url: only http and https URLs (ftp given)" in webhooks("add", "ftp://crm.example.com/x",
                                                                         "-e", "message.sent", code=1).stderr
    with session_factory()() as db:
        assert ops.list_webhook_subscriptions(db) == []


def test_pause_resume_and_remove_change_the_subscription() -> None:
    webhooks("add", URL, "-e", "message.sent")
    assert webhooks("pause", "1").stdout == "webhook 1 paused\n"
    assert "paused" in webhooks("list").stdout
    assert webhooks("resume", "1").stdout == "webhook 1 resumed\n"
    assert webhooks("remove", "1").stdout == "webhook 1 removed\n"
    assert "error: webhook subscription 1 not found" in webhooks("remove", "1", code=1).stderr


def test_deliveries_lists_the_log_by_subscription_and_status_and_redeliver_requeues_one() -> None:
    webhooks("add", URL, "-e", "message.sent")
    webhooks("add", URL + "/other", "-e", "lead.graded")
    with session_factory()() as db:
        emit(db, WebhookEvent.MESSAGE_SENT, {"message": {"id": "m-1"}})
        emit(db, WebhookEvent.LEAD_GRADED, {"lead": {"id": 1}})
        db.commit()

    everything = webhooks("deliveries").stdout
    assert "message.sent" in everything and "lead.graded" in everything
    only_first = webhooks("deliveries", "--subscription", "1").stdout
    assert "message.sent" in only_first and "lead.graded" not in only_first
    assert "message.sent" not in webhooks("deliveries", "--status", "failed").stdout
    assert "error: status: one of pending, delivered, failed" in webhooks("deliveries", "--status", "lost",
                                                                         code=1).stderr

    assert webhooks("redeliver", "1").stdout == "delivery 1 (message.sent) queued again\n"
    assert "error: webhook delivery 99 not found" in webhooks("redeliver", "99", code=1).stderr


def test_prune_forgets_finished_deliveries_and_keeps_pending_ones() -> None:
    webhooks("add", URL, "--event", "message.sent")
    with session_factory()() as db:
        emit(db, WebhookEvent.MESSAGE_SENT, {"n": 1})
        emit(db, WebhookEvent.MESSAGE_SENT, {"n": 2})
        db.commit()
        newest, _ = ops.list_webhook_deliveries(db)
        db.get_one(WebhookDeliveryDB, newest.id).status = "delivered"
        db.commit()
    pruned = webhooks("prune", "--older-than-days", "0")
    assert "1 deliveries older than 0 days forgotten" in pruned.stderr
    listed = webhooks("deliveries").stdout
    assert "pending" in listed and "delivered" not in listed
