"""Every command in the README's shell blocks runs as written, in the README's order, against a scratch database."""

import re
import shlex
import shutil
from pathlib import Path

import pytest

from tests.support.in_process import run_in_process

ROOT = Path(__file__).parents[3]
README = ROOT / "README.md"

# Commands not run here, by how the line starts, and why. Any other line must be an `aicmo` command that succeeds.
SKIPPED = {
    "make ": "sets up the environment and runs the suite or the benchmarks this test is part of",
    "curl ": "needs `aicmo serve` answering",
    ".venv/bin/python bench/": "a benchmark: minutes of work",
    "aicmo serve": "a server that runs until stopped",
    "aicmo worker": "a loop that runs until stopped (its --once form is tested with its mail servers)",
    "aicmo inbox poll": "needs the IMAP server the mailbox names",
    "aicmo tasks done 7": "needs the operator tasks a delivered campaign leaves",
    "aicmo tasks fail 8": "needs the operator tasks a delivered campaign leaves",
    "aicmo inbox intent 17": "needs a reply read from a mailbox",
}

# The files a user brings, named as the README names them: their own export, profile, template and CRM deals.
DEALS = ("Record ID,Deal Name,Deal Stage,Amount,Currency,Close Date,Associated Contact Email\n"
         "101,Initech annual,closedwon,12000,EUR,2026-11-02,robert_taylor@initech.com\n")
STEP_ONE = "{Hi|Hello} {{ first_name | default('there') }}, a question about {{ company }}.\n"
# What the user's shell holds: the variables the mailbox commands read their passwords from.
SHELL = {"SMTP_PASSWORD": "smtp-secret", "IMAP_PASSWORD": "imap-secret"}


def readme_commands() -> list[str]:
    """Each line of each ```sh block, continuation lines joined."""
    blocks = re.findall(r"^```sh\n(.*?)^```", README.read_text(encoding="utf-8"), re.S | re.M)
    lines = "\n".join(blocks).replace("\\\n", " ").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def skip_reason(command: str) -> str | None:
    return next((reason for start, reason in SKIPPED.items() if command.startswith(start)), None)


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A directory laid out like a clone, with the user's own files beside it."""
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    shutil.copy(ROOT / "examples" / "leads.csv", tmp_path / "export.csv")
    shutil.copy(ROOT / "aicmo" / "cam" / "grading" / "default_profile.toml", tmp_path / "my_icp.toml")
    (tmp_path / "step1.txt").write_text(STEP_ONE, encoding="utf-8")
    (tmp_path / "hubspot-deals.csv").write_text(DEALS, encoding="utf-8")
    return tmp_path


def test_every_readme_command_runs_as_written(checkout: Path) -> None:
    env = {"AICMO_DATABASE_URL": f"sqlite:///{checkout / 'aicmo.db'}", **SHELL}
    failures, ran = [], 0
    for command in readme_commands():
        if skip_reason(command) is not None:
            continue
        words = shlex.split(command, comments=True)
        if words[0] != "aicmo":
            failures.append(f"{command}\n  not an aicmo command: run it here or list it in SKIPPED")
            continue
        done = run_in_process(words[1:], cwd=checkout, env=env)
        ran += 1
        if done.returncode != 0:
            failures.append(f"{command}\n  exit {done.returncode}: {(done.stderr or done.stdout).strip()[-400:]}")
    assert failures == [], "\n".join(failures)
    assert ran >= 30  # the blocks were found and read


def test_every_skipped_command_is_still_in_the_readme() -> None:
    commands = readme_commands()
    assert [start for start in SKIPPED if not any(c.startswith(start) for c in commands)] == []


def test_the_campaign_the_readme_starts_is_the_example_campaign() -> None:
    named = re.search(r'^name = "(.+)"$', (ROOT / "examples" / "campaign.toml").read_text(), re.M)
    assert named is not None
    started = [c for c in readme_commands() if c.startswith("aicmo campaign start ")]
    assert [shlex.split(c, comments=True)[3] for c in started] == [named[1]]
