"""`aicmo report attribution` as a user types it, on a scratch SQLite database holding four leads' journeys."""

import csv
import io
import json
from pathlib import Path

import pytest

from tests.integration.cam.attribution.seed import seed_journeys
from tests.integration.cli.test_mailboxes_cli import cells, run
from tests.support.command_database import seeded_folder


@pytest.fixture(scope="module")
def space(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seeded_folder(tmp_path_factory.mktemp("report"), seed_journeys)


def test_the_table_shows_each_channels_credit_and_the_total(space: Path) -> None:
    out = run(space, "report", "attribution", "--campaign", "Q3 intro", "--model", "linear").stdout
    assert "3 outcome(s) (meeting, opportunity, won), linear model, 90-day lookback" in " ".join(out.split())
    rows = {cells(line)[0]: cells(line)[1:] for line in out.splitlines() if line.startswith("│")}
    assert rows == {"linkedin": ["1.33", "44.4%", "333.33"], "(no touch)": ["1.00", "33.3%", "0.00"],
                    "email": ["0.67", "22.2%", "666.67"], "total": ["3.00", "100.0%", "1,000.00"]}


def test_json_and_csv_give_the_same_credits(space: Path) -> None:
    as_json = json.loads(run(space, "report", "attribution", "--campaign", "Q3 intro", "--model", "shapley",
                             "--by", "campaign", "--format", "json").stdout)
    as_csv = list(csv.DictReader(io.StringIO(run(space, "report", "attribution", "--campaign", "Q3 intro", "--model",
                                                 "shapley", "--by", "campaign", "--format", "csv").stdout)))
    assert (as_json["model"], as_json["by"], as_json["outcomes"], as_json["value"]) == ("shapley", "campaign", 3,
                                                                                        {"EUR": 1000.0})
    assert {row["key"]: round(row["outcomes"], 4) for row in as_json["rows"]} == {
        row["campaign"]: float(row["outcomes"]) for row in as_csv}
    # Jane's deal came through both campaigns: Shapley splits it evenly between them.
    assert {row["campaign"]: row["value_EUR"] for row in as_csv} == {
        "Q3 intro": "500.00", "Q4 follow-up": "500.00", "(no touch)": "0.00"}


@pytest.mark.parametrize(("args", "problem"), [
    (("--model", "magic"), "--model 'magic': use one of first, last, linear, position, time_decay, markov, shapley"),
    (("--by", "color"), "--by 'color': use one of channel, step, variant, campaign"),
    (("--outcome", "party"), "--outcome 'party': use one of positive_reply"),
    (("--format", "xml"), "--format 'xml': use one of table, json, csv"),
    (("--campaign", "Q9"), "campaign Q9 not found"),
])
def test_bad_options_exit_1_saying_what_is_wrong(space: Path, args: tuple[str, ...], problem: str) -> None:
    done = run(space, "report", "attribution", *args, ok=False)
    assert done.returncode != 0 and problem in done.stderr, done.stderr
