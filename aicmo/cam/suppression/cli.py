"""`aicmo suppress`: addresses and domains no channel may ever reach."""

import sys
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from aicmo import operator_services as ops
from aicmo.cam.suppression import service
from aicmo.cam.suppression.models import SuppressionDB, SuppressionKind
from aicmo.cam.suppression.schemas import SuppressionRead
from aicmo.cli.context import console, err_console, fail, open_session, reports_errors

app = typer.Typer(help="The suppression list: addresses and whole domains never to contact.", no_args_is_help=True)
KINDS = [kind.value for kind in SuppressionKind]


def _kind(value: str | None) -> SuppressionKind | None:
    if value is None:
        return None
    if value.lower() not in KINDS:
        raise fail(f"--kind {value!r}: use one of {', '.join(KINDS)}")
    return SuppressionKind(value.lower())


def _described(row: SuppressionDB | SuppressionRead) -> str:
    return f"{row.kind.value} {row.value} ({row.reason}, since {row.created_at:%Y-%m-%d})"


@app.command("add")
@reports_errors
def add_command(
    value: str = typer.Argument(..., help="An email address, or a domain such as example.com (all its addresses)."),
    reason: str = typer.Option("manual", "--reason", help="Why, for the record (at most 40 characters)."),
    detail: str | None = typer.Option(None, "--detail", help="Anything more worth keeping."),
) -> None:
    """Never contact this address, or anyone at this domain, again."""
    with open_session() as db:
        before = ops.get_suppression(db, value)
        row = ops.suppress(db, value, reason=reason, detail=detail)
    if before is not None:
        console.print(f"already suppressed: {escape(_described(row))}", highlight=False)
    else:
        console.print(f"suppressed {row.kind.value} {escape(row.value)}", highlight=False)


@app.command("remove")
@reports_errors
def remove_command(value: str = typer.Argument(..., help="The address or domain to take off the list.")) -> None:
    """Allow contact again (leads that unsubscribed keep their status)."""
    with open_session() as db:
        removed = ops.unsuppress(db, value)
    if not removed:
        raise fail(f"{value!r} is not on the suppression list")
    console.print(f"removed {escape(value.strip())} from the suppression list", highlight=False)


@app.command("list")
@reports_errors
def list_command(
    kind: str | None = typer.Option(None, "--kind", help=f"Only this kind: {', '.join(KINDS)}."),
    search: str | None = typer.Option(None, "--search", help="Only values containing this text."),
    limit: int = typer.Option(100, "--limit", min=1, help="At most this many, newest first."),
) -> None:
    """The newest entries, with why and since when."""
    with open_session() as db:
        rows = service.get_all(db, kind=_kind(kind), search=search, limit=limit)
        total = service.count(db)
    table = Table()
    for column in ("value", "kind", "reason", "detail", "lead", "since"):
        table.add_column(column, overflow="fold", no_wrap=column in ("kind", "lead", "since"))
    for row in rows:
        table.add_row(escape(row.value), row.kind.value, escape(row.reason), escape(row.detail or ""),
                      str(row.lead_id or ""), f"{row.created_at:%Y-%m-%d %H:%M}")
    console.print(table)
    console.print(f"{len(rows)} shown, {total} on the list", highlight=False)


@app.command("import")
@reports_errors
def import_command(file: Path = typer.Argument(..., help="CSV: a column email, domain or value (optionally "
                                                          "reason and detail), or one column without header."),
                   reason: str = typer.Option("import", "--reason", help="Reason for rows that give none.")) -> None:
    """Add every address and domain of a CSV file; bad rows are listed by line and skipped."""
    with open_session() as db:
        result = ops.import_suppressions(db, file, reason=reason)
    for rejected in result.rejected:
        err_console.print(f"line {rejected.line}: {escape(rejected.value or '(empty)')}: {escape(rejected.reason)}",
                          highlight=False, soft_wrap=True)
    console.print(f"added {result.added}, already listed {result.existing}, rejected {len(result.rejected)}",
                  highlight=False)


@app.command("export")
@reports_errors
def export_command(file: str = typer.Argument(..., help="Where to write the CSV ('-': standard output).")) -> None:
    """Write the whole list as CSV: value, kind, reason, detail, created_at."""
    with open_session() as db:
        if file == "-":
            service.export_csv(db, sys.stdout)
            return
        try:
            written = service.export_csv(db, Path(file))
        except OSError as exc:
            raise fail(f"cannot write {file}: {exc.strerror or exc}") from None
    err_console.print(f"wrote {written} entries to {file}", highlight=False)
