"""`aicmo costs` and `aicmo report roi` as a user types them, on a scratch SQLite database holding one campaign
(tests/integration/cam/roi/seed.py)."""

import json
from pathlib import Path

import pytest

from tests.integration.cam.roi.seed import seed_campaign
from tests.integration.cli.test_mailboxes_cli import cells, run
from tests.support.command_database import seeded_folder


@pytest.fixture(scope="module")
def space(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seeded_folder(tmp_path_factory.mktemp("roi"), seed_campaign)


def rows(out: str) -> dict[str, list[str]]:
    return {cells(line)[0]: cells(line)[1:] for line in out.splitlines() if line.startswith("│")}


def test_the_roi_table_shows_each_channel_the_total_and_the_grades(space: Path) -> None:
    out = run(space, "report", "roi", "--campaign", "Spring", env={"COLUMNS": "200"}).stdout
    assert "Spring: 5 leads, 10 active day(s) (2026-06-01 to 2026-06-10), amounts in EUR" in " ".join(out.split())
    table = rows(out)
    assert table["email"] == ["20.25", "2,000.00", "1,500.00", "7307.4%", "1.00", "0.50", "20.25", "40.50"]
    assert table["contact_form"] == ["6.00", "0.00", "0.00", "-100.0%", "0.50", "0.00", "12.00", "-"]
    assert table["total"] == ["69.25", "2,000.00", "3,000.00", "4232.1%", "2.00", "1.00", "34.62", "69.25"]
    assert table["A"] == ["2", "2", "100.0%", "2,000.00", "3,000.00", "1,500,000.00"]
    assert "Score AUC against meeting or better: 0.83 over 5 scored leads" in out


def test_json_gives_the_whole_report(space: Path) -> None:
    report = json.loads(run(space, "report", "roi", "--campaign", "1", "--model", "first", "--format",
                            "json").stdout)
    assert (report["campaign"], report["model"], report["total"]["cost"], report["total"]["revenue"]) == (
        "Spring", "first", 69.25, 3000.0)
    assert [(row["channel"], row["revenue"]) for row in report["channels"]] == [
        ("email", 3000.0), ("linkedin", 0.0), ("contact_form", 0.0)]


def test_costs_set_changes_only_what_is_given_and_show_lists_every_channel(tmp_path: Path) -> None:
    run(tmp_path, "db", "upgrade")
    run(tmp_path, "costs", "set", "--channel", "linkedin", "--per-month", "59.99", "--seats", "2",
        "--task-minutes", "4", "--hourly-rate", "30")
    out = run(tmp_path, "costs", "set", "--currency", "usd", env={"COLUMNS": "200"}).stdout
    assert "Costs per channel (USD)" in out
    assert rows(run(tmp_path, "costs", "show", env={"COLUMNS": "200"}).stdout) == {
        "email": ["0.00", "0.00 per mailbox", "-", "0", "0.00"],
        "linkedin": ["0.00", "59.99 per seat", "2", "4", "30.00"],
        "contact_form": ["0.00", "0.00", "-", "0", "0.00"]}


@pytest.mark.parametrize(("args", "problem"), [
    (("report", "roi", "--campaign", "Spring", "--model", "magic"), "--model 'magic': use one of first, last"),
    (("report", "roi", "--campaign", "Spring", "--format", "csv"), "--format 'csv': use one of table, json"),
    (("report", "roi", "--campaign", "Q9"), "campaign Q9 not found"),
    (("costs", "set", "--per-message", "1"), "--channel: say which channel these costs are for"),
    (("costs", "set", "--channel", "fax", "--seats", "1"), "--channel 'fax': use one of email, linkedin"),
    (("costs", "set", "--channel", "email", "--per-message", "-1"), "--per-message: Input should be greater"),
    (("costs", "set", "--currency", "XYZ"), "currency: 'XYZ' is not an ISO 4217 currency code"),
    (("costs", "set",), "nothing to change"),
], ids=["model", "format", "campaign", "no-channel", "bad-channel", "negative", "currency", "nothing"])
def test_bad_options_exit_1_saying_what_is_wrong(space: Path, args: tuple[str, ...], problem: str) -> None:
    done = run(space, *args, ok=False)
    assert done.returncode == 1 and problem in " ".join(done.stderr.split()), done.stderr
