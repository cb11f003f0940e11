"""`templates preview` in process, through Typer's test runner, on a SQLite file of its own."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aicmo import operator_services as ops
from aicmo.bootstrap import session_factory
from aicmo.cam.leads.schemas import LeadCreate
from aicmo.cam.templates.cli import app
from tests.support.command_database import command_database

runner = CliRunner()


@pytest.fixture
def lead_ids(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, int]]:
    """A fresh database named by AICMO_DATABASE_URL, with a complete lead and one without a first name."""
    with command_database(tmp_path / "x.db", monkeypatch):
        with session_factory()() as db:
            full = ops.create_lead(db, LeadCreate(first_name="José", last_name="Núñez", email="jose@acme.io",
                                                  company_name="Acme Inc.", title="CTO"))
            nameless = ops.create_lead(db, LeadCreate(email="info@initech.io", company_name="Initech Global Ltd"))
        yield {"full": full.id, "nameless": nameless.id}


def test_preview_prints_the_rendered_subject_and_body(lead_ids: dict[str, int]) -> None:
    result = runner.invoke(app, ["preview", "--lead", str(lead_ids["full"]),
                                 "--subject", "A question for {{ company }}",
                                 "--body", "Hi {{ first_name }},\n[note] {{ title }} at {{ company_name }}",
                                 "--sender", "name=Sam Seller"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "Subject: A question for Acme\n\nHi José,\n[note] CTO at Acme Inc.\n"


def test_preview_reads_the_body_from_a_file_and_uses_the_seed(lead_ids: dict[str, int], tmp_path: Path) -> None:
    template = tmp_path / "body.txt"
    template.write_text("{Hi|Hello|Hey|Howdy} {{ first_name }}\r\n", encoding="utf-8")
    outputs = set()
    for seed in ("a", "b", "c", "d", "e", "f", "g", "h"):
        result = runner.invoke(app, ["preview", "--lead", str(lead_ids["full"]), "--body-file", str(template),
                                     "--variant-seed", seed])
        assert result.exit_code == 0, result.output
        outputs.add(result.stdout)
    assert len(outputs) > 1 and outputs <= {f"{word} José\n" for word in ("Hi", "Hello", "Hey", "Howdy")}


def test_preview_names_the_empty_field_and_exits_1(lead_ids: dict[str, int]) -> None:
    result = runner.invoke(app, ["preview", "--lead", str(lead_ids["nameless"]), "--body", "Hi {{ first_name }}"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "template needs first_name, which is empty for this lead" in result.stderr
    fallback = runner.invoke(app, ["preview", "--lead", str(lead_ids["nameless"]),
                                   "--body", 'Hi {{ first_name | default("there") }} at {{ company }}'])
    assert fallback.stdout == "Hi there at Initech Global\n"


def test_preview_reports_an_unknown_lead_and_a_bad_template(lead_ids: dict[str, int]) -> None:
    unknown = runner.invoke(app, ["preview", "--lead", "999", "--body", "x"])
    assert unknown.exit_code == 1 and "lead 999 not found" in unknown.stderr
    broken = runner.invoke(app, ["preview", "--lead", str(lead_ids["full"]), "--body", "line\n{% if %}"])
    assert broken.exit_code == 1 and "syntax error in body template, line 2" in broken.stderr


def test_preview_needs_exactly_one_body(lead_ids: dict[str, int], tmp_path: Path) -> None:
    neither = runner.invoke(app, ["preview", "--lead", str(lead_ids["full"])])
    both = runner.invoke(app, ["preview", "--lead", str(lead_ids["full"]), "--body", "x",
                               "--body-file", str(tmp_path / "b.txt")])
    for result in (neither, both):
        assert result.exit_code == 1 and "--body TEXT or --body-file PATH" in result.stderr
