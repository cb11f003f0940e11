"""`aicmo suppress` in process, through Typer's test runner, on a SQLite file named by AICMO_DATABASE_URL."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from aicmo.bootstrap import session_factory
from aicmo.cam.suppression import service
from aicmo.cam.suppression.cli import app
from tests.support.command_database import command_database

runner = CliRunner()


@pytest.fixture(autouse=True)
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    with command_database(tmp_path / "aicmo.db", monkeypatch, columns=200) as url:
        yield url


def suppress(*args: str, code: int = 0) -> Result:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    return result


def listed() -> list[tuple[str, str, str]]:
    with session_factory()() as db:
        return sorted((row.kind.value, row.value, row.reason) for row in service.get_all(db, limit=1000))


def test_add_suppresses_an_address_or_a_domain_and_says_when_it_already_was() -> None:
    assert suppress("add", "Jane@Acme.io").stdout == "suppressed address jane@acme.io\n"
    assert suppress("add", "www.initech.com", "--reason", "competitor").stdout == "suppressed domain initech.com\n"
    assert suppress("add", "jane@acme.io", "--reason", "other").stdout.startswith(
        "already suppressed: address jane@acme.io (manual, since ")
    assert listed() == [("address", "jane@acme.io", "manual"), ("domain", "initech.com", "competitor")]


def test_add_refuses_a_value_that_is_neither_and_exits_1() -> None:
    result = suppress("add", "acme", code=1)
    assert result.stdout == ""
    assert "error: cannot suppress 'acme': neither an email address nor a domain name" in result.stderr
    assert listed() == []


def test_remove_takes_a_value_off_and_fails_for_one_not_listed() -> None:
    suppress("add", "jane@acme.io")
    assert suppress("remove", "JANE@acme.io").stdout == "removed JANE@acme.io from the suppression list\n"
    assert "error: 'jane@acme.io' is not on the suppression list" in suppress("remove", "jane@acme.io", code=1).stderr
    assert listed() == []


def test_list_shows_a_table_filtered_by_kind_and_search() -> None:
    for value in ("jane@acme.io", "acme.io", "bob@initech.com"):
        suppress("add", value, "--reason", "r-" + value.split("@")[0])
    everything = suppress("list").stdout
    assert all(value in everything for value in ("jane@acme.io", "acme.io", "bob@initech.com"))
    assert everything.rstrip().endswith("3 shown, 3 on the list")
    domains = suppress("list", "--kind", "domain").stdout
    assert "r-acme.io" in domains and "jane@acme.io" not in domains and "1 shown, 3 on the list" in domains
    found = suppress("list", "--search", "INITECH").stdout
    assert "bob@initech.com" in found and "acme.io" not in found
    assert "--kind 'person': use one of address, domain" in suppress("list", "--kind", "person", code=1).stderr


def test_import_reports_the_rejected_lines_and_export_writes_the_list(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("email,reason\njane@acme.io,complaint\nnope,\n@initech.com,\n", encoding="utf-8")
    result = suppress("import", str(source))
    assert result.stdout == "added 2, already listed 0, rejected 1\n"
    assert "line 3: nope: neither an email address nor a domain name" in result.stderr
    assert listed() == [("address", "jane@acme.io", "complaint"), ("domain", "initech.com", "import")]
    target = tmp_path / "out.csv"
    assert "wrote 2 entries" in suppress("export", str(target)).stderr
    lines = target.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "value,kind,reason,detail,created_at"
    assert [line.split(",")[:3] for line in lines[1:]] == [["jane@acme.io", "address", "complaint"],
                                                           ["initech.com", "domain", "import"]]
    assert suppress("export", "-").stdout.splitlines() == lines


def test_import_of_a_missing_file_names_it_and_exits_1(tmp_path: Path) -> None:
    result = suppress("import", str(tmp_path / "missing.csv"), code=1)
    assert "missing.csv: no such file" in result.stderr


def test_suppress_and_serve_are_commands_of_aicmo() -> None:
    from aicmo.cli.main import app as main_app  # the whole command tree, imported by this test only

    assert "suppressed domain acme.io" in runner.invoke(main_app, ["suppress", "add", "acme.io"]).stdout
    assert "--port" in runner.invoke(main_app, ["serve", "--help"]).stdout
