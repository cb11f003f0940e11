"""`aicmo linkedin …` end to end through the command, on a SQLite file of its own: the queue's LinkedIn tasks under
the names these commands had before `aicmo tasks` served every kind."""

import asyncio
import json
import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest

from aicmo import operator_services as ops
from aicmo.cam.leads.schemas import LeadCreate
from aicmo.cam.outreach.domain import Channel, OutreachMessage
from aicmo.cam.outreach.linkedin.channel import LinkedInOutreachService
from aicmo.cam.outreach.linkedin.tasks import TaskProvider
from aicmo.db.engine import make_engine, make_session_factory
from aicmo.db.migrate import upgrade
from tests.factories import make_lead
from tests.support.in_process import run_in_process

Done = subprocess.CompletedProcess[str]


def run_all(url: str, cwd: Path, commands: Sequence[Sequence[str]]) -> list[Done]:
    """Each command in turn; none depends on another's output."""
    done = [run_in_process(args, cwd=cwd, env={"AICMO_DATABASE_URL": url}) for args in commands]
    for each in done:
        assert "Traceback" not in each.stdout + each.stderr, each.stderr
    return done


def error_line(done: Done) -> str:
    assert done.returncode != 0 and done.stdout == ""
    [line] = done.stderr.strip().splitlines()
    return line


@pytest.fixture
def database(tmp_path: Path) -> str:
    """Two leads, each with an open connection-request task (ids 1 and 2)."""
    url = f"sqlite:///{tmp_path / 'aicmo.db'}"
    engine = make_engine(url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    with sessions() as db:
        leads = [ops.create_lead(db, LeadCreate(**make_lead(
            first_name=first, last_name="Doe", email=f"{first.lower()}@acme.io", company_name="Acme Robotics",
            linkedin_url=f"https://www.linkedin.com/in/{first.lower()}-doe"))) for first in ("Jane", "John")]
    channel = LinkedInOutreachService(sessions, TaskProvider())
    for lead in leads:
        note = f"Hi {lead.first_name}, loved your post on robotics — let's connect!"
        asyncio.run(channel.send(OutreachMessage(lead_id=lead.id, body=note, channel=Channel.LINKEDIN), lead))
    engine.dispose()
    return url


def test_lists_completes_and_fails_tasks_from_the_command_line(database: str, tmp_path: Path) -> None:
    listed, as_json, missing, bad_status, no_reason = run_all(database, tmp_path, [
        ("linkedin", "tasks"),
        ("linkedin", "tasks", "--format", "json"),
        ("linkedin", "done", "999"),
        ("linkedin", "tasks", "--status", "pending"),
        ("linkedin", "failed", "1"),
    ])
    assert listed.returncode == 0, listed.stderr
    assert "#1 connection request to Jane Doe (Acme Robotics) — open" in listed.stdout
    assert "https://www.linkedin.com/in/jane-doe/" in listed.stdout
    assert "note: Hi Jane, loved your post on robotics — let's connect!" in listed.stdout
    assert listed.stdout.rstrip().endswith("2 open LinkedIn task(s)")
    assert [(t["id"], t["lead_name"], t["status"]) for t in json.loads(as_json.stdout)] == [
        (1, "Jane Doe", "open"), (2, "John Doe", "open")]
    assert error_line(missing) == "error: LinkedIn task 999 not found"
    assert error_line(bad_status).startswith("error: unknown --status 'pending'")
    assert no_reason.returncode == 2 and "--reason" in no_reason.stderr

    done, failed = run_all(database, tmp_path, [
        ("linkedin", "done", "1"),
        ("linkedin", "failed", "2", "--reason", "profile no longer exists"),
    ])
    assert done.returncode == 0 and "LinkedIn task 1 done: connection request to Jane Doe" in done.stdout, done.stderr
    assert failed.returncode == 0 and "LinkedIn task 2 failed: profile no longer exists" in failed.stdout, failed.stderr

    again, everything, open_now, marked, bad_mark = run_all(database, tmp_path, [
        ("linkedin", "done", "1"),
        ("linkedin", "tasks", "--status", "all", "--format", "json"),
        ("linkedin", "tasks"),
        ("linkedin", "mark", "1", "connected"),
        ("linkedin", "mark", "1", "friends"),
    ])
    assert error_line(again) == "error: LinkedIn task 1 is already done"
    assert [(t["id"], t["status"], t["detail"]) for t in json.loads(everything.stdout)] == [
        (1, "done", None), (2, "failed", "profile no longer exists")]
    assert open_now.stdout.strip() == "0 open LinkedIn task(s)"
    assert marked.returncode == 0 and "LinkedIn connected" in marked.stdout, marked.stderr
    assert error_line(bad_mark).startswith("error: unknown status 'friends'")
