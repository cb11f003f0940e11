"""Importing lead files into real SQLite and PostgreSQL databases."""

import csv
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from aicmo.cam.leads import importer
from aicmo.cam.leads.batch import BatchResult, LeadBatch
from aicmo.cam.leads.enums import KeyKind
from aicmo.cam.leads.importer import ImportOptions, import_leads
from aicmo.cam.leads.models import ImportLogDB, LeadAliasDB, LeadDB
from aicmo.cam.leads.prepare import PreparedRows
from aicmo.cam.leads.store import IMPORT_PAGE_CACHE_KIB, LeadStore
from aicmo.db.engine import make_session_factory
from aicmo.errors import ImportFileError
from tests.conftest import empty_tables
from tests.factories import APOLLO_MIN_HEADERS, csv_text, snapshot

EXAMPLES = Path(__file__).parents[4] / "examples"


def count(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(LeadDB)) or 0


def lead_by_email(db: Session, email: str) -> LeadDB:
    lead = db.scalars(select(LeadDB).where(LeadDB.email == email)).one()
    return lead


def test_an_apollo_export_imports_without_any_mapping_and_merges_its_duplicates(db: Session) -> None:
    report = import_leads(db, EXAMPLES / "leads.csv", ImportOptions(batch_size=50))
    assert report.rows_read == 240
    assert report.rejected == 5
    assert report.merged >= 10
    assert report.inserted == count(db) == report.rows_read - report.rejected - report.merged
    assert {r.reason.split(":")[0] for r in report.rejections} >= {"not a valid address", "unreachable"}
    graded = db.scalars(select(LeadDB.grade).distinct()).all()
    assert set(graded) >= {"A", "B", "C", "D"}
    assert report.rejects_path is not None and report.rejects_path.exists()


def test_a_semicolon_separated_cp1252_sales_navigator_export_imports_without_mapping(db: Session) -> None:
    report = import_leads(db, EXAMPLES / "salesnav_export.csv")
    assert report.encoding == "cp1252"
    assert any("cp1252" in warning or "1252" in warning for warning in report.warnings)
    assert report.rejected == 0
    assert report.merged >= 1
    names = set(db.scalars(select(LeadDB.last_name)).all())
    assert names & {"Müller", "Sørensen", "Gómez"}
    assert all(url.startswith("https://www.linkedin.com/in/") for url in db.scalars(select(LeadDB.linkedin_url)))


def test_a_hubspot_json_export_imports_without_mapping(db: Session) -> None:
    report = import_leads(db, EXAMPLES / "hubspot_export.json")
    assert report.rejected == 0
    assert report.inserted == 20
    sizes = db.scalars(select(LeadDB.company_size)).all()
    assert all(isinstance(size, int) for size in sizes)


def test_the_same_person_with_differently_cased_emails_in_one_file_is_stored_once(db: Session,
                                                                                   write_file) -> None:
    path = write_file("dups.csv", csv_text(APOLLO_MIN_HEADERS, [
        ["Jane", "Doe", "", "Acme", "Jane.Doe@ACME.io", "", "", "", "", ""],
        ["", "", "VP Engineering", "", " jane.doe@acme.io ", "", "https://acme.io", "250", "", "US"],
    ]))
    report = import_leads(db, path)
    assert (report.inserted, report.merged) == (1, 1)
    lead = lead_by_email(db, "jane.doe@acme.io")
    assert (lead.first_name, lead.title, lead.company_size, lead.country) == ("Jane", "VP Engineering", 250, "US")


def test_a_duplicate_in_a_later_import_fills_gaps_but_keeps_existing_values(db: Session, write_file) -> None:
    first = write_file("a.csv", csv_text(APOLLO_MIN_HEADERS, [
        ["Jane", "Doe", "CTO", "Acme", "jane@acme.io", "", "", "", "", ""]]))
    second = write_file("b.csv", csv_text(APOLLO_MIN_HEADERS, [
        ["Jane", "Doe", "Intern", "Acme", "JANE@acme.io", "https://linkedin.com/in/janedoe", "", "300",
         "Software", ""]]))
    import_leads(db, first)
    report = import_leads(db, second)
    assert (report.inserted, report.merged) == (0, 1)
    lead = lead_by_email(db, "jane@acme.io")
    assert lead.title == "CTO"
    assert lead.linkedin_url == "https://www.linkedin.com/in/janedoe/"
    assert lead.company_size == 300


def test_update_overwrites_existing_values_but_an_empty_cell_never_erases(db: Session, write_file) -> None:
    import_leads(db, write_file("a.csv", csv_text(APOLLO_MIN_HEADERS, [
        ["Jane", "Doe", "CTO", "Acme", "jane@acme.io", "", "", "100", "", ""]])))
    import_leads(db, write_file("b.csv", csv_text(APOLLO_MIN_HEADERS, [
        ["", "", "CEO", "", "jane@acme.io", "", "", "", "", ""]])), ImportOptions(update=True))
    lead = lead_by_email(db, "jane@acme.io")
    assert (lead.title, lead.company_size, lead.first_name) == ("CEO", 100, "Jane")


def test_a_linkedin_url_in_another_form_finds_the_same_lead(db: Session, write_file) -> None:
    path = write_file("li.csv", csv_text(APOLLO_MIN_HEADERS, [
        ["Jane", "Doe", "", "", "", "https://www.linkedin.com/in/JaneDoe/", "", "", "", ""],
        ["", "", "CTO", "", "", "http://de.linkedin.com/in/janedoe?trk=abc", "", "", "", ""],
    ]))
    report = import_leads(db, path)
    assert (report.inserted, report.merged) == (1, 1)


def test_the_same_name_at_the_same_company_domain_is_one_lead(db: Session, write_file) -> None:
    path = write_file("names.csv", csv_text(APOLLO_MIN_HEADERS, [
        ["Jane", "Doe", "CTO", "Acme", "", "", "https://acme.io", "", "", ""],
        ["JANE", "DOE", "", "Acme", "jane@acme.io", "", "", "", "", ""],
    ]))
    report = import_leads(db, path)
    assert (report.inserted, report.merged) == (1, 1)
    assert lead_by_email(db, "jane@acme.io").title == "CTO"


def test_a_row_bridging_two_known_keys_leaves_both_reachable_on_reimport(db: Session, write_file) -> None:
    path = write_file("bridge.csv", csv_text(APOLLO_MIN_HEADERS, [
        ["Jane", "Doe", "", "", "jane@acme.io", "https://www.linkedin.com/in/jane/", "", "", "", ""],
        ["", "", "", "", "j.doe@acme.io", "https://www.linkedin.com/in/jane/", "", "", "", ""],
        ["", "", "", "", "j.doe@acme.io", "", "", "", "", ""],
    ]))
    first = import_leads(db, path)
    assert (first.inserted, first.merged) == (1, 2)
    before = snapshot(db)
    import_leads(db, path)
    assert snapshot(db) == before


def test_reimporting_the_same_file_leaves_the_database_unchanged(db: Session) -> None:
    import_leads(db, EXAMPLES / "leads.csv", ImportOptions(batch_size=37))
    before = snapshot(db)
    again = import_leads(db, EXAMPLES / "leads.csv", ImportOptions(batch_size=64))
    assert again.inserted == 0
    assert snapshot(db) == before


def test_a_batch_of_several_chunks_is_committed_whole_and_gives_the_state_of_unchunked_batches(
        engine: Engine, db: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importer, "PREPARE_ROWS", 7)
    committed: list[tuple[int, int]] = []

    def interrupt_after_two_commits(done: int, total: int) -> None:
        with make_session_factory(engine)() as other:  # sees only what is committed
            committed.append((other.scalar(select(ImportLogDB.rows_read)) or 0, count(other)))
        if len(committed) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_leads(db, EXAMPLES / "leads.csv", ImportOptions(batch_size=50), progress=interrupt_after_two_commits)
    # Chunks of 7 rows: a batch of 50 is committed once 8 chunks (56 rows) are written, never part of one.
    assert [rows for rows, _ in committed] == [56, 112]
    assert 0 < committed[0][1] < committed[1][1] == count(db)

    db.rollback()  # PostgreSQL's TRUNCATE waits for the session's open read to end
    empty_tables(engine)
    chunked = import_leads(db, EXAMPLES / "leads.csv", ImportOptions(batch_size=50))
    chunked_state = snapshot(db, with_times=False)
    db.rollback()
    empty_tables(engine)
    monkeypatch.setattr(importer, "PREPARE_ROWS", 5000)
    whole = import_leads(db, EXAMPLES / "leads.csv", ImportOptions(batch_size=50))
    assert (chunked.inserted, chunked.merged, chunked.rejected) == (whole.inserted, whole.merged, whole.rejected)
    assert snapshot(db, with_times=False) == chunked_state


def test_an_import_stopped_inside_a_batch_logs_and_lists_only_what_it_committed(
        engine: Engine, db: Session, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = tmp_path / "leads.csv"
    path.write_bytes((EXAMPLES / "leads.csv").read_bytes())
    monkeypatch.setattr(importer, "PREPARE_ROWS", 7)
    committed: list[int] = []
    resolve = LeadBatch.run_prepared
    chunks = 0

    def stop_in_the_third_batch(self: LeadBatch, rows: PreparedRows) -> BatchResult:
        nonlocal chunks
        chunks += 1
        if chunks == 20:  # the fourth chunk of the third batch of 50 (chunks of 7: 8 to a batch, 56 rows)
            raise KeyboardInterrupt
        return resolve(self, rows)

    def note_commit(done: int, total: int) -> None:
        with make_session_factory(engine)() as other:
            committed.append(count(other))

    monkeypatch.setattr(LeadBatch, "run_prepared", stop_in_the_third_batch)
    with pytest.raises(KeyboardInterrupt):
        import_leads(db, path, ImportOptions(batch_size=50), progress=note_commit)
    log = db.scalars(select(ImportLogDB)).one()
    assert (log.state, log.rows_read) == ("interrupted", 112)
    assert log.inserted + log.merged + log.rejected == 112
    assert count(db) == committed[-1] == log.inserted
    rejects = path.with_name("leads.rejects.csv")
    lines = [int(row["line"]) for row in csv.DictReader(rejects.open(encoding="utf-8"))] if rejects.exists() else []
    # The file's rejected rows on lines 105 and 113 were committed; the one on line 134 was written, not committed.
    assert len(lines) == log.rejected > 0
    assert all(line <= 113 for line in lines)  # line 1 is the header


def test_rejected_rows_are_listed_with_line_and_reason_and_written_next_to_the_input(db: Session,
                                                                                     write_file) -> None:
    path = write_file("mixed.csv", csv_text(APOLLO_MIN_HEADERS, [
        ["Ok", "Row", "", "", "ok@acme.io", "", "", "", "", ""],
        ["Bad", "Email", "", "", "bad@@acme.io", "", "", "", "", ""],
        ["No", "Channel", "", "Nowhere Inc", "", "", "", "", "", ""],
    ]))
    report = import_leads(db, path)
    assert [(r.line, r.field) for r in report.rejections] == [(3, "email"), (4, None)]
    assert "unreachable" in report.rejections[1].reason
    rows = list(csv.DictReader(path.with_name("mixed.rejects.csv").open(encoding="utf-8")))
    assert [(row["line"], row["field"], row["Email"]) for row in rows] == [("3", "email", "bad@@acme.io"),
                                                                          ("4", "", "")]
    assert "unreachable" in rows[1]["reason"]


def test_a_dry_run_stores_no_lead(db: Session) -> None:
    report = import_leads(db, EXAMPLES / "leads.csv", ImportOptions(dry_run=True, batch_size=40))
    assert report.inserted > 200
    assert count(db) == 0
    assert db.scalars(select(ImportLogDB.dry_run)).all() == [True]


@pytest.mark.parametrize(("content", "message"), [
    (b"", "is empty"),
    (b"First Name,Email\n", "no data rows"),
    (b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)) * 4, "Excel/ZIP"),
    (b"\x00\x01\x02binary\x00\x00junk" * 50, "binary"),
    (b"First Name,Company\nJane,Acme\n", "no column for email, LinkedIn URL or website"),
])
def test_a_bad_file_is_refused_with_one_clear_error_and_nothing_is_stored(db: Session, write_file,
                                                                          content: bytes, message: str) -> None:
    path = write_file("bad.csv", content)
    with pytest.raises(ImportFileError, match=message):
        import_leads(db, path)
    assert count(db) == 0


def test_an_interrupted_import_keeps_its_committed_batches_and_a_rerun_completes_it(db: Session) -> None:
    batches = 0

    def interrupt_after_two_batches(done: int, total: int) -> None:
        nonlocal batches
        batches += 1
        if batches == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_leads(db, EXAMPLES / "leads.csv", ImportOptions(batch_size=50), progress=interrupt_after_two_batches)
    partial = count(db)
    assert 50 < partial < 100
    log = db.scalars(select(ImportLogDB)).one()
    assert (log.state, log.rows_read) == ("interrupted", 100)
    import_leads(db, EXAMPLES / "leads.csv", ImportOptions(batch_size=50))
    after_rerun = snapshot(db, with_times=False)

    db.execute(LeadAliasDB.__table__.delete())
    db.execute(LeadDB.__table__.delete())
    db.commit()
    import_leads(db, EXAMPLES / "leads.csv", ImportOptions(batch_size=50))
    clean = snapshot(db, with_times=False)
    assert [row[1:] for row in clean[0]] == [row[1:] for row in after_rerun[0]]


def test_a_failure_inside_a_batch_leaves_no_part_of_that_batch(db: Session, write_file,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [[f"P{i}", "X", "", "", f"p{i}@acme.io", "", "", "", "", ""] for i in range(30)]
    rows.append(["P0", "X", "CTO", "", "p0@acme.io", "", "", "", "", ""])  # a merge, so the batch updates
    path = write_file("fail.csv", csv_text(APOLLO_MIN_HEADERS, rows))
    real_update = LeadStore.update
    calls = 0

    def update_then_fail_on_second_batch(self: LeadStore, changes: Any) -> None:
        nonlocal calls
        calls += 1
        real_update(self, changes)
        if calls == 2:
            raise OSError("disk full")

    monkeypatch.setattr(LeadStore, "update", update_then_fail_on_second_batch)
    with pytest.raises(OSError, match="disk full"):
        import_leads(db, path, ImportOptions(batch_size=20))
    assert count(db) == 20
    assert db.scalar(select(LeadDB.title).where(LeadDB.email == "p0@acme.io")) is None
    log = db.scalars(select(ImportLogDB)).one()
    assert (log.state, log.inserted, log.message) == ("failed", 20, "disk full")


def test_tags_of_a_duplicate_are_added_ignoring_case(db: Session, write_file: Any) -> None:
    headers = ["Email", "Tags"]
    import_leads(db, write_file("a.csv", csv_text(headers, [["jo@acme.io", "conference"]])))
    import_leads(db, write_file("b.csv", csv_text(headers, [["jo@acme.io", "Conference; webinar"]])))
    assert lead_by_email(db, "jo@acme.io").tags == ["conference", "webinar"]


def test_a_file_with_a_very_long_name_imports_and_its_leads_name_it_shortened(db: Session, tmp_path: Path) -> None:
    name = "apollo-export-" + "q1-outbound-founders-dach-" * 8 + "final.csv"
    path = tmp_path / name
    path.write_text((EXAMPLES / "leads.csv").read_text("utf-8"), "utf-8")
    report = import_leads(db, path, ImportOptions(batch_size=50))
    assert report.inserted == count(db) > 0
    sources = set(db.scalars(select(LeadDB.source)).all())
    assert len(sources) == 1
    (source,) = sources
    assert source is not None and len(source) <= 100
    assert source.startswith("import:apollo-export-q1") and source.endswith("final.csv") and "…" in source
    assert db.scalars(select(ImportLogDB.file_name)).one().endswith(name)


def test_an_import_widens_the_sqlite_page_cache_only_while_it_runs(sqlite_engine: Engine, write_file: Any) -> None:
    empty_tables(sqlite_engine)
    db = make_session_factory(sqlite_engine)()
    cache_size = "PRAGMA cache_size"
    before = db.connection().exec_driver_sql(cache_size).scalar_one()
    seen: list[int] = []
    path = write_file("leads.csv", csv_text(APOLLO_MIN_HEADERS, [
        ["Ann", "Lee", "Founder", "North", "ann@north.io", "", "north.io", "12", "Software", "Germany"]]))
    import_leads(db, path, ImportOptions(), progress=lambda *_: seen.append(
        db.connection().exec_driver_sql(cache_size).scalar_one()))
    assert seen == [-IMPORT_PAGE_CACHE_KIB]
    assert db.connection().exec_driver_sql(cache_size).scalar_one() == before
    db.close()
    empty_tables(sqlite_engine)


ARRAY_SPECIAL_KEYS = ["a,b|x.io", 'quote"d|x.io', "brace{}|x.io", "back\\slash|x.io", "NULL", "ümlaut|x.io",
                      " spaced |x.io", ""]


def test_dedupe_lookups_match_keys_holding_what_array_text_would_quote_exactly(db: Session) -> None:
    db.add_all(LeadDB(email=f"p{i}@x.io", name_key=key) for i, key in enumerate(ARRAY_SPECIAL_KEYS) if key)
    db.flush()
    wanted = [(KeyKind.NAME, key) for key in ARRAY_SPECIAL_KEYS] + [(KeyKind.NAME, "absent|x.io")]
    owners, rows = LeadStore(db).matching(wanted)
    assert sorted(key for _, key in owners) == sorted(key for key in ARRAY_SPECIAL_KEYS if key)
    assert {row["name_key"] for row in rows.values()} == {key for key in ARRAY_SPECIAL_KEYS if key}
