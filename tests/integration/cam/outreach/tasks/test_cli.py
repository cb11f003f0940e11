"""`aicmo tasks` in process, through Typer's test runner, on a SQLite file named by AICMO_DATABASE_URL: one list of
LinkedIn steps and contact forms with a kind filter, done and fail for either kind, and the commands of before
(`aicmo linkedin …`, `aicmo forms …`) as the same commands for one kind."""

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
from tests.integration.cam.outreach.tasks.builders import (
    hand_to_operator,
    lead_behind_captcha,
    lead_on_linkedin,
    leave_to_operator,
)
from tests.support.command_database import command_database
from tests.support.form_site import FormSite

runner = CliRunner()


@pytest.fixture
def both(site: FormSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[int, int]]:
    """Jane's contact form left to the operator (task 1), then a LinkedIn step to Lin handed to them (task 2)."""
    with command_database(tmp_path / "aicmo.db", monkeypatch, columns=200):
        sessions = session_factory()
        with sessions() as db:
            jane, lin = lead_behind_captcha(db, site), lead_on_linkedin(db)
        yield asyncio.run(leave_to_operator(sessions, jane)), asyncio.run(hand_to_operator(sessions, lin))


def run(*args: str, code: int = 0) -> Result:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    return result


def test_one_list_holds_both_kinds_oldest_first_and_the_kind_filters(both: tuple[int, int]) -> None:
    assert both == (1, 2)
    listed = run("tasks", "list").stdout
    assert listed.index("#1 contact form of Jane Doe (Acme) — open") < listed.index(
        "#2 connection request to Lin Kedin (Kedin Labs) — open")
    assert "note: Hi Lin, let's connect" in listed and listed.rstrip().endswith("2 open task(s)")

    forms = run("tasks", "list", "--kind", "form").stdout
    assert "#1 contact form" in forms and "#2" not in forms and forms.rstrip().endswith("1 open contact-form task(s)")
    linkedin = run("tasks", "list", "-k", "linkedin").stdout
    assert "#2 connection request" in linkedin and "#1" not in linkedin
    assert linkedin.rstrip().endswith("1 open LinkedIn task(s)")
    as_json = json.loads(run("tasks", "list", "--format", "json").stdout)
    assert [(task["id"], task["task_kind"]) for task in as_json] == [(1, "form"), (2, "linkedin")]
    assert "error: unknown --kind 'fax': use linkedin, form or all" in run("tasks", "list", "-k", "fax",
                                                                            code=1).stderr


def test_done_and_fail_close_either_kind_recording_the_attempt_of_its_channel(both: tuple[int, int]) -> None:
    assert run("tasks", "done", "1", "--detail", "sent from the browser").stdout == (
        "contact-form task 1 done: sent by hand to Jane Doe\n")
    assert run("tasks", "fail", "2", "--reason", "profile gone").stdout == "LinkedIn task 2 failed: profile gone\n"

    everything = run("tasks", "list", "--status", "all").stdout
    assert "#1 contact form of Jane Doe (Acme) — done" in everything and "detail: profile gone" in everything
    assert everything.rstrip().endswith("2 task(s)")
    with session_factory()() as db:
        jane, lin = (ops.get_outreach_history(db, ops.get_task(db, task_id).lead_id) for task_id in both)
    assert [(a.channel, a.status) for a in jane] == [(Channel.CONTACT_FORM, SendStatus.SENT)]
    assert [(a.channel, a.status, a.detail) for a in lin] == [(Channel.LINKEDIN, SendStatus.FAILED, "profile gone")]
    assert "error: contact-form task 1 is already done" in run("tasks", "fail", "1", code=1).stderr


def test_the_commands_of_before_are_the_same_commands_for_their_kind_only(both: tuple[int, int]) -> None:
    assert "#1" not in (linkedin := run("linkedin", "tasks").stdout) and "#2 connection request" in linkedin
    assert "#2" not in (forms := run("forms", "tasks").stdout) and "#1 contact form" in forms

    assert "error: contact-form task 2 not found" in run("forms", "done", "2", code=1).stderr
    assert "error: LinkedIn task 1 not found" in run("linkedin", "failed", "1", "--reason", "gone", code=1).stderr
    assert run("tasks", "fail", "2", "--detail", "gone").stdout == "LinkedIn task 2 failed: gone\n"
    assert "error: LinkedIn task 2 is already failed" in run("linkedin", "done", "2", code=1).stderr
    assert run("forms", "done", "1").stdout == "contact-form task 1 done: sent by hand to Jane Doe\n"
