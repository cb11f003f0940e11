"""`aicmo leads` on a scratch SQLite file: what an import left out is listed by line, and every command a user
can get wrong fails with one line and a non-zero exit, never a traceback."""

from pathlib import Path

import pytest

from tests.factories import csv_text
from tests.integration.cli.test_mailboxes_cli import run
from tests.support.workspace import Done

APOLLO = ["First Name", "Last Name", "Email", "Website", "Person Linkedin Url"]
ROWS = [["Jane", "Doe", "jane@@acme.io", "https://acme.io", ""],
        ["Jo_e", "Roe", "joe@roe.io", "", ""],
        ["Ann", "Flowers", "", "globex.com", "https://www.linkedin.com/sales/lead/ACwAAB1,NAME_SEARCH,q7Yz"]]


@pytest.fixture(scope="module")
def space(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("leads")
    (path / "apollo.csv").write_text(csv_text(APOLLO, ROWS))
    return path


@pytest.fixture(scope="module")
def imported(space: Path) -> Done:
    return run(space, "leads", "import", "apollo.csv")


def one_error(done: Done) -> str:
    assert done.returncode == 1, done.stdout
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


def test_an_import_lists_each_field_it_left_out_with_its_line(imported: Done) -> None:
    lines = imported.stdout.splitlines()
    assert lines[0] == "read 3, inserted 3, merged 0, rejected 0, fields left out or cut 1"
    assert lines[1] == ("  flagged line 2: email: not a valid address: 'jane@@acme.io' (The part after the @-sign "
                        "contains invalid characters: '@'.); left out")


def test_show_gives_the_sales_navigator_link(space: Path, imported: Done) -> None:
    out = run(space, "leads", "show", "3").stdout
    assert "sales_navigator_url: https://www.linkedin.com/sales/lead/ACwAAB1,NAME_SEARCH,q7Yz" in out


def test_an_unknown_grade_fails_in_one_line(space: Path, imported: Done) -> None:
    done = run(space, "leads", "list", "--grade", "Z", ok=False)
    assert one_error(done) == "error: grade: unknown grade 'Z': use one of A, B, C, D"
    assert done.stdout == ""


def test_search_takes_underscore_and_percent_literally(space: Path, imported: Done) -> None:
    out = run(space, "leads", "list", "--search", "_", "--format", "csv").stdout
    assert [line.split(",")[4] for line in out.splitlines()[1:]] == ["Jo_e"]
    assert run(space, "leads", "list", "--search", "%", "--format", "csv").stdout.count("\n") == 1


def test_deleting_a_lead_that_does_not_exist_says_so_before_asking(space: Path, imported: Done) -> None:
    done = run(space, "leads", "delete", "99999", ok=False, stdin="y\n")
    assert one_error(done) == "error: lead 99999 not found"
    assert "Erase" not in done.stdout


def test_exporting_into_a_missing_folder_fails_in_one_line(space: Path, imported: Done) -> None:
    done = run(space, "leads", "export", "/missing/dir/x.csv", ok=False)
    assert one_error(done) == "error: cannot write /missing/dir/x.csv: No such file or directory"


@pytest.mark.parametrize(("variable", "value", "problem"), [
    ("AICMO_WORKER_LEASE_SECONDS", "-5", "Input should be greater than 0"),
    ("AICMO_GUARD_BOUNCE_RATE", "2", "Input should be less than or equal to 1"),
    ("AICMO_DEFAULT_PHONE_REGION", "XX", "not a country code phone numbers know"),
    ("AICMO_DATABASE_URL", "garbage", "not a database URL"),
])
def test_a_setting_out_of_range_fails_in_one_line(space: Path, variable: str, value: str, problem: str) -> None:
    done = run(space, "leads", "list", ok=False, env={variable: value})
    assert one_error(done).startswith(f"error: invalid setting {variable}={value!r}: {problem}")


def test_a_corrupt_database_file_fails_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "aicmo.db").write_bytes(b"SQLite format 3\x00" + b"garbage" * 1000)
    done = run(tmp_path, "leads", "list", ok=False)
    assert one_error(done) == f"error: database error ({tmp_path}/aicmo.db): file is not a database"


def test_a_database_that_cannot_be_opened_is_named_in_the_one_line(tmp_path: Path) -> None:
    (tmp_path / "not-a-folder").write_text("a file where the database's folder should be")
    done = run(tmp_path, "leads", "list", ok=False,
               env={"AICMO_DATABASE_URL": f"sqlite:///{tmp_path}/not-a-folder/aicmo.db", "AICMO_SECRET_KEY": "k" * 32})
    assert one_error(done) == f"error: database error ({tmp_path}/not-a-folder/aicmo.db): unable to open database file"
