"""Leads through the `aicmo` command as a user runs it, against a real database: the imports and reads through the
installed script itself, the rest in this process."""

import csv
import io
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

from aicmo.db.migrate import head_revision
from tests.support.workspace import Done, Workspace, workspace

READ_COMMANDS: dict[str, tuple[str, ...]] = {
    "csv": ("leads", "list", "--format", "csv", "--limit", "1000"),
    "json A": ("leads", "list", "--grade", "A", "--format", "json", "--limit", "1000"),
    "table A": ("leads", "list", "--grade", "A", "--limit", "5"),
    "show 1": ("leads", "show", "1"),
    "export csv": ("leads", "export", "out.csv"),
}


@pytest.fixture(scope="module")
def sqlite_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Workspace, dict[str, Done]]:
    """Both example files imported into a SQLite file by the installed command, then every read command run once."""
    space = workspace(tmp_path_factory.mktemp("cli"), installed=True)
    results = {"apollo": space.run("leads", "import", "leads.csv"),
               "salesnav": space.run("leads", "import", "salesnav_export.csv")}
    results.update(zip(READ_COMMANDS, space.run_all(list(READ_COMMANDS.values())), strict=True))
    return space, results


def csv_rows(out: str) -> list[dict[str, Any]]:
    return list(csv.DictReader(io.StringIO(out)))


def test_importing_the_apollo_example_prints_the_summary_and_every_rejected_line(sqlite_run) -> None:
    space, results = sqlite_run
    lines = results["apollo"].stdout.splitlines()
    assert lines[0] == "read 240, inserted 220, merged 15, rejected 5"
    rejected = [line.strip() for line in lines if line.startswith("  rejected line ")]
    assert [line.split(":")[0] for line in rejected] == [f"rejected line {n}" for n in (105, 113, 134, 173, 233)]
    assert "rejected line 113: email: not a valid address: 'julie@@riversidemarket.co.uk'" in rejected[1]
    assert rejected[0] == "rejected line 105: unreachable: no email, LinkedIn URL or website"
    assert lines[-1] == "rejected rows written to leads.rejects.csv"
    assert (space.path / "leads.rejects.csv").exists()


def test_importing_the_sales_navigator_export_needs_no_mapping_and_warns_about_its_encoding(sqlite_run) -> None:
    salesnav = sqlite_run[1]["salesnav"]
    assert salesnav.stdout.splitlines()[0] == "read 40, inserted 32, merged 8, rejected 0"
    assert salesnav.stderr.strip() == "warning: file is not valid UTF-8; read as Windows-1252 (cp1252)"


def test_list_gives_csv_and_json_best_score_first_and_filters_by_grade(sqlite_run) -> None:
    results = sqlite_run[1]
    rows = csv_rows(results["csv"].stdout)
    assert len(rows) == 220 + 32
    scores = [int(row["score"]) for row in rows]
    assert scores == sorted(scores, reverse=True)
    assert {row["last_name"] for row in rows} >= {"Müller", "Sørensen"}
    best = json.loads(results["json A"].stdout)
    assert len(best) == sum(row["grade"] == "A" for row in rows) > 5
    assert {lead["grade"] for lead in best} == {"A"}
    assert f"5 of {len(best)} leads (page 1)" in results["table A"].stdout


def test_show_prints_the_lead_and_the_points_of_every_rule(sqlite_run) -> None:
    results = sqlite_run[1]
    lead = next(row for row in csv_rows(results["csv"].stdout) if row["id"] == "1")
    out = results["show 1"].stdout
    assert f"email: {lead['email']}" in out
    assert f"grade {lead['grade']} ({lead['score']}/100) because:" in out
    reasons = json.loads(lead["grade_reasons"])
    assert len(reasons) == 9
    for reason in reasons:
        assert f"{reason['points']:+4d}  {reason['rule']}: {reason['detail']}" in out


def test_export_writes_every_lead_in_the_format_the_file_name_gives(sqlite_run) -> None:
    space, results = sqlite_run
    assert results["export csv"].stdout.strip() == "exported 252 leads to out.csv"
    with (space.path / "out.csv").open(encoding="utf-8") as exported:
        assert csv_rows(exported.read()) == csv_rows(results["csv"].stdout)


def test_grade_regrades_every_lead(sqlite_run) -> None:
    assert sqlite_run[0].run("leads", "grade").stdout.strip() == "graded 252 leads"


def test_delete_erases_the_lead_so_the_same_person_can_be_imported_again(tmp_path: Path) -> None:
    space = workspace(tmp_path)
    (tmp_path / "two.csv").write_text("First Name,Last Name,Email\nJane,Doe,jane@acme.io\nJohn,Roe,john@acme.io\n")
    assert space.run("leads", "import", "two.csv").stdout.startswith("read 2, inserted 2, merged 0, rejected 0")
    assert space.run("leads", "delete", "1", "--yes").stdout.strip() == "lead 1 erased"
    assert space.run("leads", "import", "two.csv").stdout.startswith("read 2, inserted 1, merged 1, rejected 0")


BAD_FILES = {"empty.csv": b"", "header_only.csv": b"First Name,Email\n",
             "binary.csv": b"\x00\x01\x02binary\x00\x00junk" * 50}
BAD_INPUTS: dict[tuple[str, ...], str] = {
    ("leads", "import", "empty.csv"): "empty.csv is empty",
    ("leads", "import", "header_only.csv"): "header_only.csv has a header row but no data rows",
    ("leads", "import", "binary.csv"): "binary.csv looks like a binary file",
    ("leads", "import", "missing.csv"): "missing.csv not found",
    ("leads", "list", "--format", "xml"): "unknown --format 'xml'",
    ("leads", "export", "out.xlsx"): "unknown format 'xlsx'",
    ("leads", "list", "--status", "sleeping"): "status: unknown status 'sleeping'",
    ("leads", "show", "404"): "lead 404 not found",
}


@pytest.fixture(scope="module")
def bad_input_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, ...], Done]:
    space = Workspace(tmp_path_factory.mktemp("bad"), "", installed=True)
    for name, content in BAD_FILES.items():
        (space.path / name).write_bytes(content)
    return dict(zip(BAD_INPUTS, space.run_all(list(BAD_INPUTS), ok=False, separate_databases=True), strict=True))


@pytest.mark.parametrize(("args", "message"), list(BAD_INPUTS.items()), ids=[" ".join(a) for a in BAD_INPUTS])
def test_bad_input_exits_non_zero_with_one_error_line_and_no_traceback(bad_input_runs, args: tuple[str, ...],
                                                                       message: str) -> None:
    done = bad_input_runs[args]
    assert done.returncode == 1
    assert done.stdout == ""
    assert len(done.stderr.splitlines()) == 1, done.stderr
    assert done.stderr.startswith(f"error: {message}")


def test_a_setting_aicmo_cannot_use_is_named_in_one_error_line(tmp_path: Path) -> None:
    done = workspace(tmp_path).run("leads", "import", "leads.csv", ok=False,
                                   settings={"AICMO_IMPORT_BATCH_SIZE": "0"})
    assert done.returncode == 1
    assert done.stderr.splitlines() == ["error: invalid setting AICMO_IMPORT_BATCH_SIZE='0': Input should be greater "
                                        "than 0"]
    assert not (tmp_path / "aicmo.db").exists()


@pytest.fixture
def postgres_schema_url(postgresql_engine: Engine) -> Iterator[str]:
    """The test server's URL with a fresh, empty schema of its own on the search path."""
    schema = f"aicmo_cli_{uuid.uuid4().hex[:10]}"
    with postgresql_engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = postgresql_engine.url.update_query_dict({"options": f"-csearch_path={schema}"})
    yield url.render_as_string(hide_password=False)
    with postgresql_engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


@pytest.mark.postgres
def test_on_postgresql_the_schema_is_upgraded_first_then_leads_import_and_list(tmp_path: Path,
                                                                              postgres_schema_url: str) -> None:
    space = workspace(tmp_path, postgres_schema_url)
    before = space.run("leads", "list", ok=False)
    assert before.returncode == 1
    assert before.stderr.strip() == f"error: database schema is at nothing, code expects {head_revision()}: " \
                                    "run `aicmo db upgrade`"
    assert space.run("db", "upgrade").stdout.startswith(f"database at revision {head_revision()} (postgresql")
    apollo = space.run("leads", "import", "leads.csv")
    assert apollo.stdout.startswith("read 240, inserted 220, merged 15, rejected 5\n")
    best = json.loads(space.run("leads", "list", "--grade", "A", "--format", "json", "--limit", "1000").stdout)
    assert len(best) > 5 and {lead["grade"] for lead in best} == {"A"}
    assert [lead["score"] for lead in best] == sorted((lead["score"] for lead in best), reverse=True)
