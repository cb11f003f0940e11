import sys
from pathlib import Path

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from aicmo import operator_services as ops
from aicmo.cam.grading.profile import load_profile
from aicmo.cam.leads.headers import parse_map_options
from aicmo.cam.leads.importer import ImportOptions, ImportReport, summary_line
from aicmo.cam.leads.schemas import LeadRead
from aicmo.cli.context import console, err_console, fail, open_session, reports_errors
from aicmo.settings import get_settings

app = typer.Typer(help="Import, list, grade and export leads.", no_args_is_help=True)
FORMATS = ("table", "csv", "json", "jsonl")
SHOWN_REJECTS = 20


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TimeRemainingColumn(),
                    console=err_console, transient=True, disable=not err_console.is_terminal)


def _print_report(report: ImportReport) -> None:
    for warning in report.warnings:
        err_console.print(f"[yellow]warning:[/] {warning}", highlight=False)
    console.print(summary_line(report), highlight=False)
    for rejection in report.rejections[:SHOWN_REJECTS]:
        console.print(f"  rejected {rejection.message()}", highlight=False, soft_wrap=True)
    if report.rejected > SHOWN_REJECTS:
        console.print(f"  … and {report.rejected - SHOWN_REJECTS} more", highlight=False)
    for flag in report.flags[:SHOWN_REJECTS]:
        console.print(f"  flagged {flag.message()}", highlight=False, soft_wrap=True)
    if report.flagged > SHOWN_REJECTS:
        console.print(f"  … and {report.flagged - SHOWN_REJECTS} more fields left out or cut", highlight=False)
    if report.rejects_path:
        console.print(f"rejected rows written to {report.rejects_path}", highlight=False)


@app.command("import")
@reports_errors
def import_command(
    file: Path = typer.Argument(..., help="CSV, JSON or JSON Lines export (Apollo, Sales Navigator, HubSpot…)."),
    map_: list[str] = typer.Option([], "--map", help="COLUMN=field, overriding the automatic mapping."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Validate and count; store nothing."),
    update: bool = typer.Option(False, "--update", help="Overwrite existing values with the file's."),
    check_mx: bool = typer.Option(False, "--check-mx", help="Look up each email domain's MX record."),
    region: str | None = typer.Option(None, help="Default country code for phone numbers, e.g. US."),
    profile: Path | None = typer.Option(None, help="Grading profile TOML (default: the shipped one)."),
    batch_size: int = typer.Option(0, min=0, help="Rows per committed batch (default from settings)."),
) -> None:
    """Import leads: map columns, normalise, dedupe and merge, grade, and list rejected rows."""
    options = ImportOptions(
        overrides=parse_map_options(map_), update=update, dry_run=dry_run, check_mx=check_mx,
        batch_size=batch_size or get_settings().import_batch_size,
        default_region=region or get_settings().default_phone_region,
        profile=load_profile(profile or get_settings().grading_profile),
    )
    with open_session() as db, _progress() as bar:
        task = bar.add_task(f"importing {file.name}", total=None)
        report = ops.import_leads(db, file, options,
                                  progress=lambda done, total: bar.update(task, completed=done, total=total))
    _print_report(report)


def _table(leads: list[LeadRead]) -> Table:
    table = Table(show_lines=False)
    for column in ("id", "grade", "score"):
        table.add_column(column, no_wrap=True, justify="right" if column != "grade" else "center")
    for column in ("name", "title", "company", "email", "country", "why"):
        table.add_column(column, overflow="fold")
    for lead in leads:
        top = sorted((r for r in lead.grade_reasons if r.points), key=lambda r: -abs(r.points))[:3]
        why = " ".join(f"{r.rule}{r.points:+d}" for r in top)
        table.add_row(str(lead.id), lead.grade or "-", str(lead.score if lead.score is not None else "-"),
                      lead.full_name, lead.title or "", lead.company_name or lead.company_domain or "",
                      lead.email or "", lead.country or "", why)
    return table


@app.command("list")
@reports_errors
def list_command(
    grade: list[str] = typer.Option([], "--grade", "-g", help="Only these grades (repeatable)."),
    status: list[str] = typer.Option([], "--status", "-s", help="Only these lifecycle statuses."),
    tag: str | None = typer.Option(None, help="Only leads with this tag."),
    search: str | None = typer.Option(None, "--search", "-q", help="Text in name, email or company."),
    limit: int = typer.Option(50, help="How many leads (table: one page)."),
    page: int = typer.Option(1, help="Page number, for the table."),
    format_: str = typer.Option("table", "--format", "-f", help="table, csv, json or jsonl."),
) -> None:
    """List leads, best score first, with the reasons behind each grade."""
    if format_ not in FORMATS:
        raise fail(f"unknown --format {format_!r}: use one of {', '.join(FORMATS)}")
    with open_session() as db:
        if format_ != "table":
            ops.export_leads(db, sys.stdout, file_format=format_, grades=grade, statuses=status, tag=tag,
                             search=search, limit=limit)
            return
        result = ops.list_leads(db, grades=grade, statuses=status, tag=tag, search=search, page=page,
                                page_size=limit)
    console.print(_table(result.items))
    console.print(f"{len(result.items)} of {result.total} leads (page {page})", highlight=False)


@app.command("show")
@reports_errors
def show_command(lead_id: int, format_: str = typer.Option("text", "--format", "-f", help="text or json")) -> None:
    """Show one lead with its grade and every rule's points."""
    with open_session() as db:
        lead = ops.get_lead(db, lead_id)
    if format_ == "json":
        console.print_json(lead.model_dump_json())
        return
    fields = lead.model_dump(exclude={"grade_reasons", "custom_fields"})
    for name, value in fields.items():
        if value not in (None, "", []):
            console.print(f"[bold]{name}[/]: {value}", highlight=False)
    for name, value in lead.custom_fields.items():
        console.print(f"[bold]custom.{name}[/]: {value}", highlight=False)
    console.print(f"[bold]grade {lead.grade} ({lead.score}/100) because:[/]")
    for reason in lead.grade_reasons:
        console.print(f"  {reason.points:+4d}  {reason.rule}: {reason.detail}", highlight=False)


@app.command("grade")
@reports_errors
def grade_command(
    profile: Path | None = typer.Option(None, help="Grading profile TOML (default: the shipped one)."),
    stale_only: bool = typer.Option(False, help="Only leads graded with another profile or not yet graded."),
) -> None:
    """Grade every lead against the ideal-customer profile."""
    with open_session() as db, _progress() as bar:
        task = bar.add_task("grading", total=None)
        count = ops.grade_leads(db, profile_path=profile or get_settings().grading_profile, stale_only=stale_only,
                                progress=lambda done, total: bar.update(task, completed=done, total=total))
    console.print(f"graded {count} leads")


@app.command("export")
@reports_errors
def export_command(
    file: Path,
    grade: list[str] = typer.Option([], "--grade", "-g"),
    status: list[str] = typer.Option([], "--status", "-s"),
    format_: str | None = typer.Option(None, "--format", "-f", help="csv, json or jsonl (default: extension)."),
) -> None:
    """Export leads to a file, best score first."""
    chosen = format_ or file.suffix.lstrip(".").lower() or "csv"
    if chosen not in FORMATS[1:]:
        raise fail(f"unknown format {chosen!r}: use --format csv, json or jsonl")
    try:
        out = file.open("w", encoding="utf-8", newline="")
    except OSError as exc:
        raise fail(f"cannot write {file}: {exc.strerror}") from None
    with open_session() as db, out:
        count = ops.export_leads(db, out, file_format=chosen, grades=grade, statuses=status)
    console.print(f"exported {count} leads to {file}", highlight=False)


@app.command("delete")
@reports_errors
def delete_command(lead_id: int, yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask.")) -> None:
    """Erase a lead and everything that identifies it (GDPR erasure)."""
    with open_session() as db:
        ops.get_lead(db, lead_id)  # an unknown lead is said so before anything is asked
    if not yes:
        typer.confirm(f"Erase lead {lead_id} for good?", abort=True)
    with open_session() as db:
        ops.delete_lead(db, lead_id)
    console.print(f"lead {lead_id} erased")
