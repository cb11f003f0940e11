"""`aicmo outcomes add | list | import | remove` as a user types them, on a scratch SQLite database."""

from pathlib import Path

import pytest

from aicmo import operator_services as ops
from aicmo.cam.leads.schemas import LeadCreate
from aicmo.db.engine import make_engine, make_session_factory
from aicmo.db.migrate import upgrade
from tests.factories import csv_text, make_lead
from tests.integration.cli.test_mailboxes_cli import cells, run


def table(out: str) -> dict[str, dict[str, str]]:
    """The outcome table's rows by id, each as {column: cell}."""
    header = [cell.strip() for cell in next(line for line in out.splitlines() if line.startswith("┃"))
              .strip("┃").split("┃")]
    rows = [dict(zip(header, cells(line), strict=True)) for line in out.splitlines() if line.startswith("│")]
    return {row["id"]: row for row in rows}


@pytest.fixture
def space(tmp_path: Path) -> Path:
    engine = make_engine(f"sqlite:///{tmp_path / 'aicmo.db'}")
    upgrade(engine)
    with make_session_factory(engine)() as db:
        ops.create_lead(db, LeadCreate(**make_lead()))  # lead 1: jane@acme.io
    engine.dispose()
    return tmp_path


def test_an_outcome_is_added_listed_and_removed(space: Path) -> None:
    added = run(space, "outcomes", "add", "1", "--kind", "won", "--value", "1200", "--currency", "eur",
                "--at", "2026-11-02", "--deal-id", "D-7", "--note", "annual plan")
    assert added.stdout.strip() == "outcome 1: won worth 1,200.00 EUR for lead 1 on 2026-11-02"
    run(space, "outcomes", "add", "1", "--kind", "meeting", "--at", "2026-11-01T10:00")
    listed = table(run(space, "outcomes", "list").stdout)
    assert {row["kind"]: (row["value"], row["when"], row["deal id"]) for row in listed.values()} == {
        "won": ("1,200.00 EUR", "2026-11-02", "D-7"), "meeting": ("", "2026-11-01", "")}
    only = table(run(space, "outcomes", "list", "--kind", "meeting").stdout)
    assert [row["kind"] for row in only.values()] == ["meeting"]
    assert run(space, "outcomes", "remove", "2").stdout.strip() == "removed outcome 2"
    assert [row["kind"] for row in table(run(space, "outcomes", "list").stdout).values()] == ["won"]


@pytest.mark.parametrize(("args", "problem"), [
    (("add", "1", "--kind", "party"), "--kind 'party': use one of positive_reply, meeting, opportunity, won, lost"),
    (("add", "1", "--kind", "won", "--value", "100"), "currency: a value needs its currency"),
    (("add", "1", "--kind", "won", "--value", "lots", "--currency", "EUR"), "--value: "),
    (("add", "9", "--kind", "meeting"), "lead 9 not found"),
    (("add", "1", "--kind", "meeting", "--at", "yesterday"), "--at 'yesterday': use an ISO 8601 date"),
    (("remove", "5"), "outcome 5 not found"),
    (("import", "missing.csv"), "missing.csv not found"),
])
def test_bad_input_exits_1_saying_what_is_wrong(space: Path, args: tuple[str, ...], problem: str) -> None:
    done = run(space, "outcomes", *args, ok=False)
    assert done.returncode != 0 and problem in done.stderr, done.stderr
    assert run(space, "outcomes", "list").stdout.rstrip().endswith("0 shown")


def test_a_crm_export_is_imported_with_rejects_listed_by_line(space: Path) -> None:
    (space / "deals.csv").write_text(csv_text(
        ["Deal - ID", "Deal - Status", "Deal - Value", "Deal - Currency", "Deal - Won time", "Person - Email"],
        [["9", "won", "800", "USD", "2026-11-03 12:00", "jane@acme.io"],
         ["10", "won", "800", "USD", "2026-11-03", "nobody@acme.io"]]), "utf-8")
    done = run(space, "outcomes", "import", "deals.csv", "--source", "pipedrive")
    assert done.stdout.strip() == "read 2: added 1, updated 0, rejected 1"
    assert done.stderr.strip() == "line 3: lead: no lead has email nobody@acme.io"
    again = run(space, "outcomes", "import", "deals.csv", "--source", "pipedrive")
    assert again.stdout.strip() == "read 2: added 0, updated 1, rejected 1"
    rows = table(run(space, "outcomes", "list").stdout)
    assert [(row["kind"], row["value"], row["source"], row["deal id"]) for row in rows.values()] == [
        ("won", "800.00 USD", "pipedrive", "9")]
