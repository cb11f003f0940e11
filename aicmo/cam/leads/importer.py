"""Import a lead file: stream it, normalise each row, dedupe against the file and the database, grade, and
commit batch by batch so an interrupted import keeps what it committed and a re-run is idempotent."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from sqlalchemy import String
from sqlalchemy.orm import Session

from aicmo.cam.grading.profile import GradingProfile, load_profile
from aicmo.cam.leads.batch import BatchResult, LeadBatch
from aicmo.cam.leads.headers import HeaderMapping, map_headers
from aicmo.cam.leads.models import ImportLogDB, LeadDB
from aicmo.cam.leads.nesting import MAX_DEPTH
from aicmo.cam.leads.parallel import PreparedBatch, collection_paused, default_workers, prepared_batches
from aicmo.cam.leads.prepare import PrepareContext
from aicmo.cam.leads.readers import LeadFile, RawRow, open_lead_file
from aicmo.cam.leads.rejects import Rejection, RejectsWriter
from aicmo.cam.leads.store import import_page_cache
from aicmo.db.base import utcnow
from aicmo.db.unit_of_work import checkpoint
from aicmo.errors import ImportFileError

Progress = Callable[[int, int], None]
SHOWN_REJECTIONS = 1000
# Rows prepared (in a worker, or here) and resolved at a time. A committed batch of more rows is written chunk
# by chunk in its one transaction: the rows in flight stay bounded, while each commit, which writes every index
# page the batch touched, is paid for fewer times.
PREPARE_ROWS = 5000
BAD_UTF8 = "not valid UTF-8: the bad bytes were read as U+FFFD (�)"


@dataclass
class ImportOptions:
    overrides: dict[str, str] = field(default_factory=dict)
    update: bool = False
    dry_run: bool = False
    check_mx: bool = False
    batch_size: int = 20_000  # rows per commit
    default_region: str | None = None
    profile: GradingProfile | None = None
    write_rejects: bool = True
    rejects_file: Path | None = None  # where rejected rows go; beside the input file when None
    # Processes that normalise and grade rows while this one writes; None: by file size and CPU count.
    workers: int | None = None
    # Columns a file or a row may have, characters kept of a custom field's value, and how deep a JSON record may
    # nest: the operator layer sets them from AICMO_IMPORT_MAX_COLUMNS, _MAX_FIELD_CHARS and _JSON_MAX_DEPTH.
    max_columns: int = 2_000
    max_field_chars: int = 100_000
    json_max_depth: int = MAX_DEPTH


@dataclass
class ImportReport:
    """What an import did.

    Each row read counts once: ``rows_read == inserted + merged + rejected``. A row may also show that leads
    stored apart (before or by this import) are one person: they are merged together into the oldest and counted
    in ``joined``, so the import leaves ``inserted - joined`` more leads than it found.
    """

    path: Path
    file_format: str
    encoding: str
    import_id: int | None = None
    warnings: list[str] = field(default_factory=list)
    rows_read: int = 0
    inserted: int = 0
    merged: int = 0
    rejected: int = 0
    joined: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    # Fields left out of (or cut in) rows that were kept, and lines read with bad bytes: each with line and reason.
    flagged: int = 0
    flags: list[Rejection] = field(default_factory=list)
    rejects_path: Path | None = None
    dry_run: bool = False
    mapping: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def add(self, result: BatchResult) -> None:
        self.rows_read += result.rows
        self.inserted += result.inserted
        self.merged += result.merged
        self.joined += result.joined
        self.rejected += len(result.rejections)
        self.warnings.extend(w for w in result.warnings if w not in self.warnings)
        room = SHOWN_REJECTIONS - len(self.rejections)
        if room > 0:
            self.rejections.extend(result.rejections[:room])
        self.flag(result.flagged)

    def flag(self, flags: list[Rejection]) -> None:
        self.flagged += len(flags)
        room = SHOWN_REJECTIONS - len(self.flags)
        if room > 0:
            self.flags.extend(flags[:room])


def _batches(rows: Iterator[RawRow], size: int) -> Iterator[list[RawRow]]:
    while batch := list(islice(rows, size)):
        yield batch


def _start_log(db: Session, report: ImportReport) -> int:
    log = ImportLogDB(file_name=str(report.path), file_format=report.file_format, encoding=report.encoding,
                      dry_run=report.dry_run, state="running")
    db.add(log)
    checkpoint(db)
    return log.id


def _record(db: Session, report: ImportReport, state: str, message: str | None = None) -> None:
    log = db.get(ImportLogDB, report.import_id)
    if log is None:
        return
    log.rows_read, log.inserted, log.merged, log.rejected = (
        report.rows_read, report.inserted, report.merged, report.rejected)
    log.state = state
    log.rejects_path = str(report.rejects_path) if report.rejects_path else None
    if state != "running":
        log.finished_at = utcnow()
        log.message = message


def import_leads(db: Session, path: Path | str, options: ImportOptions | None = None,
                 progress: Progress | None = None) -> ImportReport:
    """Import a CSV/JSON/JSONL lead file; the function owns the session's transactions (one per batch)."""
    options = options or ImportOptions()
    profile = options.profile or load_profile()
    with open_lead_file(path, max_depth=options.json_max_depth, max_columns=options.max_columns) as lead_file:
        mapping = map_headers(lead_file.headers, options.overrides)
        report = ImportReport(path=lead_file.path, file_format=lead_file.format, encoding=lead_file.encoding,
                              warnings=list(lead_file.warnings), dry_run=options.dry_run,
                              mapping=dict(mapping.fields))
        report.import_id = _start_log(db, report)
        report.flag([Rejection(line, None, BAD_UTF8, {}) for line in lead_file.bad_lines])
        rejects = RejectsWriter(lead_file.path, lead_file.headers, enabled=options.write_rejects,
                                target=options.rejects_file)
        try:
            _run(db, lead_file, mapping, options, profile, report, rejects, progress)
        except BaseException as exc:
            db.rollback()
            rejects.close()
            report.rejects_path = rejects.path
            _record(db, report, "interrupted" if isinstance(exc, KeyboardInterrupt) else "failed", str(exc))
            checkpoint(db)
            raise
        rejects.close()
        report.rejects_path = rejects.path
        report.warnings.extend(w for w in lead_file.warnings if w not in report.warnings)
    if options.dry_run:
        db.rollback()
    _record(db, report, "done")
    checkpoint(db)
    return report


def import_source(file_name: str) -> str:
    """What a lead's `source` says about the file it came from, shortened in the middle to fit the column."""
    source = f"import:{file_name}"
    column_type = LeadDB.__table__.c.source.type
    room = column_type.length if isinstance(column_type, String) else None
    if room is None or len(source) <= room:
        return source
    keep = room - 1  # for the ellipsis
    return source[:keep - keep // 3] + "…" + source[len(source) - keep // 3:]


def _run(db: Session, lead_file: LeadFile, mapping: HeaderMapping, options: ImportOptions,
         profile: GradingProfile, report: ImportReport, rejects: RejectsWriter,
         progress: Progress | None) -> None:
    source = import_source(lead_file.path.name)
    workers = options.workers if options.workers is not None else default_workers(lead_file.total_bytes)

    def context() -> PrepareContext:
        return PrepareContext(mapping, profile, utcnow(), source, options.default_region, options.max_field_chars)

    # A chunk's counts and rejected rows count once its batch is committed: an interrupted import's log and
    # rejects file then tell what it kept.
    written: list[BatchResult] = []

    def commit() -> None:
        for result in written:
            rejects.write(result.rejections)
            report.add(result)
        written.clear()
        if not options.dry_run:
            _record(db, report, "running")
            checkpoint(db)
        if progress:
            progress(lead_file.bytes_read(), lead_file.total_bytes)

    chunks = _batches(lead_file.rows(), min(options.batch_size, PREPARE_ROWS))
    with prepared_batches(chunks, context, workers) as prepared_chunks, collection_paused() as collect, \
            import_page_cache(db):
        for prepared in prepared_chunks:
            written.append(_write_chunk(db, prepared, mapping, options, profile))
            collect(prepared[1].rows)
            if sum(result.rows for result in written) >= options.batch_size:
                commit()
        if written:
            commit()


def _write_chunk(db: Session, prepared: PreparedBatch, mapping: HeaderMapping, options: ImportOptions,
                 profile: GradingProfile) -> BatchResult:
    context, rows = prepared
    batch = LeadBatch(db, mapping, profile, now=context.now, overwrite=options.update, source=context.source,
                      default_region=options.default_region, check_mx=options.check_mx)
    return batch.run_prepared(rows)


def summary_line(report: ImportReport) -> str:
    prefix = "dry run: would have " if report.dry_run else ""
    joined = f", leads merged together {report.joined}" if report.joined else ""
    flagged = f", fields left out or cut {report.flagged}" if report.flagged else ""
    return (f"{prefix}read {report.rows_read}, inserted {report.inserted}, merged {report.merged}, "
            f"rejected {report.rejected}{joined}{flagged}")


def describe(report: ImportReport) -> dict[str, Any]:
    return {
        "file": str(report.path), "format": report.file_format, "encoding": report.encoding,
        "read": report.rows_read, "inserted": report.inserted, "merged": report.merged,
        "rejected": report.rejected, "joined": report.joined, "flagged": report.flagged, "dry_run": report.dry_run,
        "warnings": report.warnings,
        "rejects_file": str(report.rejects_path) if report.rejects_path else None,
    }


__all__ = ["ImportFileError", "ImportOptions", "ImportReport", "import_leads", "summary_line"]
