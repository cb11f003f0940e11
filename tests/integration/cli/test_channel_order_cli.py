"""`aicmo campaign channel-order` as a user types it, on a scratch SQLite database with a campaign that learns."""

import json
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from aicmo import operator_services as ops
from aicmo.cam.leads.schemas import LeadCreate
from tests.factories import make_lead
from tests.integration.cli.test_mailboxes_cli import cells, run
from tests.support.command_database import seeded_folder

STEPS = [{"channels": ["email", "linkedin"], "subject": "Hi", "body": "Hello"}]


def seed(db: Session) -> None:
    for name in ("amy", "bob"):
        ops.create_lead(db, LeadCreate(**make_lead(first_name=name, email=f"{name}@acme.io")))
    ops.create_campaign(db, {"name": "Learns", "steps": STEPS, "channel_order": {"enabled": True}})
    ops.create_campaign(db, {"name": "Plain", "steps": STEPS})
    ops.start_campaign(db, "Learns")


@pytest.fixture(scope="module")
def space(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seeded_folder(tmp_path_factory.mktemp("channel-order"), seed)


def test_the_table_shows_each_segments_orders_and_the_leads_given_them(space: Path) -> None:
    out = run(space, "campaign", "channel-order", "Learns").stdout
    assert "channel-order learning on" in out
    rows = [cells(line) for line in out.splitlines() if line.startswith("│")]
    assert sorted(row[1] for row in rows) == ["email → linkedin", "linkedin → email"]
    assert sum(int(row[2]) for row in rows) == 2 and all(row[5] == "–" for row in rows)


def test_json_gives_the_same_report(space: Path) -> None:
    report = json.loads(run(space, "campaign", "channel-order", "Learns", "--format", "json").stdout)
    assert report["learning"]["enabled"] is True
    assert sum(arm["leads"] for segment in report["segments"] for arm in segment["arms"]) == 2


def test_a_campaign_that_does_not_learn_says_so(space: Path) -> None:
    out = run(space, "campaign", "channel-order", "Plain").stdout
    assert "learning off" in out and "no lead has been given a learned order yet" in out


@pytest.mark.parametrize(("args", "problem"), [
    (("Nowhere",), "Nowhere"), (("Learns", "--format", "csv"), "--format 'csv': use one of table, json")])
def test_bad_input_is_one_clear_line(space: Path, args: tuple[str, ...], problem: str) -> None:
    done = run(space, "campaign", "channel-order", *args, ok=False)
    assert done.returncode != 0 and problem in done.stdout + done.stderr


def test_creating_a_learning_campaign_from_toml_says_where_to_follow_it(space: Path) -> None:
    (space / "learns.toml").write_text('name = "From TOML"\n[channel_order]\nenabled = true\nsegment_by = "industry"\n'
                                       '[[steps]]\nchannels = ["linkedin", "email"]\nsubject = "Hi"\nbody = "Hello"\n',
                                       encoding="utf-8")
    out = run(space, "campaign", "create", "learns.toml").stdout
    assert "channel order learned per industry: see `aicmo campaign channel-order 3`" in out
