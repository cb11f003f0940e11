"""`aicmo forms` in process, through Typer's test runner, on a SQLite file named by AICMO_DATABASE_URL: the queue's
contact-form tasks under the names these commands had before `aicmo tasks` served every kind."""

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from aicmo import operator_services as ops
from aicmo.bootstrap import session_factory
from aicmo.cam.outreach.domain import Channel, SendStatus
from aicmo.cli.main import app
from aicmo.operator_services import get_form_task
from tests.integration.cam.outreach.tasks.builders import BODY, SUBJECT, lead_behind_captcha, leave_to_operator
from tests.support.command_database import command_database
from tests.support.form_site import FormSite

runner = CliRunner()


@pytest.fixture
def two_tasks(site: FormSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Two leads behind the local site's CAPTCHA form, each with an open task (ids 1 and 2)."""
    with command_database(tmp_path / "aicmo.db", monkeypatch, columns=200):
        sessions = session_factory()
        with sessions() as db:
            leads = [lead_behind_captcha(db, site, first_name=name, email=f"{name.lower()}@acme.io")
                     for name in ("Jane", "John")]
        yield [asyncio.run(leave_to_operator(sessions, lead)) for lead in leads]


def forms(*args: str, code: int = 0) -> Result:
    result = runner.invoke(app, ["forms", *args])
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    return result


def test_lists_the_open_forms_with_the_page_the_reason_and_the_text_to_paste(
        two_tasks: list[int], site: FormSite) -> None:
    listed = forms("tasks").stdout
    assert "#1 contact form of Jane Doe (Acme) — open" in listed and "#2 contact form of John Doe" in listed
    assert site.url("/contact") in listed and "by hand because: reCAPTCHA v2 on the form" in listed
    assert f"subject: {SUBJECT}" in listed
    assert "\n".join(f"      {line}" for line in BODY.splitlines()) in listed
    assert listed.rstrip().endswith("2 open contact-form task(s)")

    [first, _] = json.loads(forms("tasks", "--format", "json").stdout)
    assert (first["id"], first["status"], first["subject"], first["body"]) == (1, "open", SUBJECT, BODY)


def test_done_and_failed_close_the_tasks_and_record_the_attempts(two_tasks: list[int]) -> None:
    assert forms("done", "1", "--detail", "sent from the browser").stdout == (
        "contact-form task 1 done: sent by hand to Jane Doe\n")
    assert forms("failed", "2", "--reason", "form removed").stdout == "contact-form task 2 failed: form removed\n"

    assert "0 open contact-form task(s)" in forms("tasks").stdout
    assert "#1 contact form of Jane Doe (Acme) — done" in forms("tasks", "--status", "done").stdout
    with session_factory()() as db:
        jane, john = (ops.get_outreach_history(db, get_form_task(db, task_id).lead_id) for task_id in two_tasks)
    assert [(a.channel, a.status, a.detail) for a in jane] == [
        (Channel.CONTACT_FORM, SendStatus.SENT, "sent by hand: sent from the browser")]
    assert [(a.channel, a.status, a.detail) for a in john] == [
        (Channel.CONTACT_FORM, SendStatus.FAILED, "form removed")]


def test_closing_a_closed_or_unknown_task_or_listing_an_unknown_status_is_an_error(two_tasks: list[int]) -> None:
    forms("done", "1")
    assert "error: contact-form task 1 is already done" in forms("failed", "1", code=1).stderr
    assert "error: contact-form task 99 not found" in forms("done", "99", code=1).stderr
    assert "error: unknown --status 'pending'" in forms("tasks", "--status", "pending", code=1).stderr
