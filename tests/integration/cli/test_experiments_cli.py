"""`aicmo experiments` as a user types it, on a scratch SQLite database holding a campaign under experiment
(tests/integration/cam/experiments/seed.py)."""

import json
from pathlib import Path

import pytest

from tests.integration.cam.experiments.seed import seed_experiment
from tests.integration.cli.test_mailboxes_cli import cells, run
from tests.support.command_database import seeded_folder

WIDE = {"COLUMNS": "250"}


@pytest.fixture(scope="module")
def space(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seeded_folder(tmp_path_factory.mktemp("experiments"), seed_experiment)


def test_show_gives_each_variants_figures_and_list_the_sample_still_needed(space: Path) -> None:
    out = run(space, "experiments", "show", "--campaign", "Subject test", env=WIDE).stdout
    rows = {cells(line)[0]: cells(line)[1:] for line in out.splitlines() if line.startswith("│")}
    assert rows["plain"][:3] == ["40", "2", "5.0% [1.5%–16.5%]"] and rows["plain"][-1] == "control, behind"
    assert rows["specific"][:2] == ["40", "14"] and rows["specific"][-1] == "leading"
    assert "sample needed per variant:" in out
    listed = run(space, "experiments", "list", "--campaign", "Subject test", env=WIDE).stdout
    assert "plain 40 / specific 40" in listed and "not reviewed yet" in listed


def test_json_and_review_then_show_the_decision_and_why(space: Path) -> None:
    (shown,) = json.loads(run(space, "experiments", "list", "--campaign", "Subject test", "--format", "json").stdout)
    assert [v["name"] for v in shown["variants"]] == ["plain", "specific"]
    review = run(space, "experiments", "review", "--campaign", "Subject test").stdout
    assert "step 1: winner specific" in review
    out = run(space, "experiments", "show", "--campaign", "Subject test", "--step", "1", env=WIDE).stdout
    assert "experiment.winner_found: step 1: 'specific' won the body experiment on positive_reply" in out


def test_bad_input_is_one_line_and_a_non_zero_exit(space: Path) -> None:
    done = run(space, "experiments", "create", "--campaign", "Subject test", "--step", "2", "--goal", "opens",
               ok=False)
    assert done.returncode == 1 and "opens are not a goal: Apple Mail Privacy Protection" in done.stderr
    missing = run(space, "experiments", "show", "--campaign", "Nope", ok=False)
    assert missing.returncode == 1 and "Nope" in missing.stderr
