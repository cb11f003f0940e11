"""Suppression lists in and out as CSV files, on SQLite and PostgreSQL."""

import csv
import io
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from aicmo import operator_services as ops
from aicmo.cam.suppression import service
from aicmo.cam.suppression.models import SuppressionDB
from aicmo.cam.suppression.schemas import Rejected
from aicmo.db.engine import make_session_factory
from aicmo.errors import ImportFileError

WriteFile = Callable[..., Path]


def stored(engine: Engine) -> list[tuple[str, str, str, str | None]]:
    """What another connection sees: only committed rows."""
    with make_session_factory(engine)() as other:
        return [(row.kind.value, row.value, row.reason, row.detail)
                for row in other.scalars(select(SuppressionDB).order_by(SuppressionDB.id))]


def test_imports_a_file_with_a_header_and_names_each_bad_row_by_line(db: Session, engine: Engine,
                                                                     write_file: WriteFile) -> None:
    service.add(db, "old@acme.io", reason="manual")
    db.commit()
    path = write_file("list.csv", "\ufeffEmail,Reason,Notes\n"
                                  "Jane@Acme.io,complaint,x\n"
                                  "not-an-address,,\n"
                                  "\n"
                                  "@initech.com,,\n"
                                  "OLD@acme.io,,\n"
                                  ",manual,\n"
                                  "jane@acme.io,,\n"
                                  "bob@acme.io," + "r" * 41 + ",\n")
    result = ops.import_suppressions(db, path)
    assert (result.added, result.existing) == (2, 2)
    assert result.rejected == [
        Rejected(3, "not-an-address", "neither an email address nor a domain name like example.com"),
        Rejected(7, "", "no value"),
        Rejected(9, "bob@acme.io", "the reason is longer than 40 characters")]
    assert stored(engine) == [("address", "old@acme.io", "manual", None),
                              ("address", "jane@acme.io", "complaint", None),
                              ("domain", "initech.com", "import", None)]


def test_imports_a_headerless_one_column_file_with_the_given_reason(db: Session, engine: Engine,
                                                                    write_file: WriteFile) -> None:
    path = write_file("plain.csv", "jane@acme.io\r\nwww.initech.com\r\n\r\nnope\r\n")
    result = ops.import_suppressions(db, path, reason="old crm")
    assert (result.added, result.existing, result.rejected) == (
        2, 0, [Rejected(4, "nope", "neither an email address nor a domain name like example.com")])
    assert stored(engine) == [("address", "jane@acme.io", "old crm", None), ("domain", "initech.com", "old crm", None)]


def test_a_semicolon_separated_file_with_a_domain_column_is_read(db: Session, engine: Engine,
                                                                 write_file: WriteFile) -> None:
    path = write_file("excel.csv", "Company;Domain\nAcme;acme.io\nInitech;initech.com\n")
    assert ops.import_suppressions(db, path).added == 2
    assert [value for _, value, _, _ in stored(engine)] == ["acme.io", "initech.com"]


@pytest.mark.parametrize(("content", "says"), [
    ("name,company\nJane,Acme\n", "no email, domain or value column in the header (name, company)"),
    (b"email\n\xff\xfe@x\n", "cannot read it as UTF-8 text"),
])
def test_a_file_that_cannot_be_read_as_a_list_is_refused_whole(db: Session, engine: Engine, write_file: WriteFile,
                                                                content: str | bytes, says: str) -> None:
    with pytest.raises(ImportFileError, match=says.replace("(", r"\(").replace(")", r"\)")):
        ops.import_suppressions(db, write_file("bad.csv", content))
    assert stored(engine) == []


def test_a_missing_file_is_named(db: Session, tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="no such file"):
        ops.import_suppressions(db, tmp_path / "missing.csv")


def test_an_export_imports_back_to_the_same_list(db: Session, engine: Engine, tmp_path: Path) -> None:
    service.add(db, "jane@bücher.de", reason="unsubscribe", detail='one-click, "RFC 8058"\nsecond line')
    service.add(db, "acme.io", reason="competitor")
    service.add(db, "bob@initech.com")
    db.commit()
    before = stored(engine)
    path = tmp_path / "out.csv"
    assert service.export_csv(db, path) == 3
    rows = list(csv.DictReader(path.open(encoding="utf-8", newline="")))
    assert list(rows[0]) == ["value", "kind", "reason", "detail", "created_at"]
    assert (rows[1]["value"], rows[1]["kind"]) == ("acme.io", "domain")
    assert datetime.fromisoformat(rows[1]["created_at"]).utcoffset() == timedelta(0)
    for value in ("jane@bücher.de", "acme.io", "bob@initech.com"):
        service.remove(db, value)
    db.commit()
    assert stored(engine) == []
    result = ops.import_suppressions(db, path)
    assert (result.added, result.rejected) == (3, [])
    assert stored(engine) == before


def test_an_export_goes_to_a_stream_too(db: Session) -> None:
    service.add(db, "acme.io", reason="competitor")
    out = io.StringIO()
    assert service.export_csv(db, out) == 1
    assert out.getvalue().splitlines()[1].startswith("acme.io,domain,competitor,,")
