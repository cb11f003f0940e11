"""`aicmo outcomes`: meetings and deals that came of outreach, entered by hand or imported from a CRM."""

from datetime import datetime
from pathlib import Path

import typer
from pydantic import ValidationError
from rich.markup import escape
from rich.table import Table

from aicmo import operator_services as ops
from aicmo.cam.outcomes.models import OutcomeKind
from aicmo.cam.outcomes.schemas import OutcomeCreate, OutcomeRead
from aicmo.cli.context import console, err_console, fail, open_session, reports_errors

app = typer.Typer(help="Outcomes: positive replies, meetings, open deals, won and lost deals.", no_args_is_help=True)
KINDS = [kind.value for kind in OutcomeKind]


def _kind(value: str) -> OutcomeKind:
    try:
        return OutcomeKind(value.strip().lower().replace("-", "_"))
    except ValueError:
        raise fail(f"--kind {value!r}: use one of {', '.join(KINDS)}") from None


def _time(value: str | None, option: str) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise fail(f"{option} {value!r}: use an ISO 8601 date or time, e.g. 2026-03-01 or 2026-03-01T14:30") from None


def value_text(outcome: OutcomeRead) -> str:
    return "" if outcome.value is None else f"{outcome.value:,.2f} {outcome.currency}"


@app.command("add")
@reports_errors
def add_command(
    lead_id: int = typer.Argument(..., help="The lead's id (aicmo leads list shows it)."),
    kind: str = typer.Option(..., "--kind", help=f"One of {', '.join(KINDS)}."),
    value: str | None = typer.Option(None, "--value", help="What the deal is worth, e.g. 1200 or 1200.50."),
    currency: str | None = typer.Option(None, "--currency", help="ISO 4217 code of the value, e.g. EUR."),
    at: str | None = typer.Option(None, "--at", help="When it happened (ISO 8601; default: now; no zone is UTC)."),
    deal_id: str | None = typer.Option(None, "--deal-id", help="Your CRM's id: adding it again updates this one."),
    note: str | None = typer.Option(None, "--note", help="Anything worth keeping with it."),
) -> None:
    """Record what came of a lead."""
    try:
        data = OutcomeCreate(lead_id=lead_id, kind=_kind(kind), value=value, currency=currency,
                             occurred_at=_time(at, "--at"), external_id=deal_id, note=note)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise fail(f"--{first['loc'][0]}: {first['msg']}".replace("_", "-", 1)) from None
    with open_session() as db:
        outcome = ops.add_outcome(db, data)
    worth = f" worth {value_text(outcome)}" if outcome.value is not None else ""
    console.print(f"outcome {outcome.id}: {outcome.kind.value}{worth} for lead {outcome.lead_id} "
                  f"on {outcome.occurred_at:%Y-%m-%d}", highlight=False)


@app.command("list")
@reports_errors
def list_command(
    lead: int | None = typer.Option(None, "--lead", help="Only this lead's."),
    kind: list[str] = typer.Option([], "--kind", help="Only these kinds (repeat the option for several)."),
    campaign: int | None = typer.Option(None, "--campaign", help="Only leads this campaign wrote to (its id)."),
    since: str | None = typer.Option(None, "--since", help="Only from this date on (ISO 8601)."),
    limit: int = typer.Option(100, "--limit", min=1, help="At most this many, newest first."),
) -> None:
    """Outcomes, newest first."""
    with open_session() as db:
        rows = ops.list_outcomes(db, lead_id=lead, kinds=[_kind(k) for k in kind], campaign_id=campaign,
                                 since=_time(since, "--since"), limit=limit)
    table = Table()
    for column in ("id", "lead", "kind", "value", "when", "source", "deal id", "note"):
        table.add_column(column, overflow="fold", no_wrap=column in ("id", "lead", "when"))
    for row in rows:
        table.add_row(str(row.id), str(row.lead_id), row.kind.value, value_text(row), f"{row.occurred_at:%Y-%m-%d}",
                      row.source, escape(row.external_id or ""), escape(row.note or ""))
    console.print(table)
    console.print(f"{len(rows)} shown", highlight=False)


@app.command("remove")
@reports_errors
def remove_command(outcome_id: int = typer.Argument(..., help="The outcome's id (outcomes list shows it).")) -> None:
    """Erase an outcome entered by mistake."""
    with open_session() as db:
        ops.remove_outcome(db, outcome_id)
    console.print(f"removed outcome {outcome_id}", highlight=False)


@app.command("import")
@reports_errors
def import_command(
    file: Path = typer.Argument(..., help="A CRM deals export (CSV, JSON or JSON Lines) with an email, LinkedIn URL "
                                          "or lead id column and a stage or amount column."),
    source: str = typer.Option("crm", "--source", help="Where the deal ids come from (e.g. hubspot): the same "
                                                          "deal id from the same source updates, never duplicates."),
    currency: str | None = typer.Option(None, "--currency", help="Currency of amounts in rows that give none."),
) -> None:
    """Add (or update, by deal id) the outcome of every readable row; the others are listed with line and reason."""
    with open_session() as db:
        result = ops.import_outcomes(db, file, source=source[:40], default_currency=currency)
    for rejected in result.rejected:
        err_console.print(f"line {rejected.line}: {escape(rejected.reason)}", highlight=False, soft_wrap=True)
    console.print(f"read {result.read}: added {result.added}, updated {result.updated}, "
                  f"rejected {len(result.rejected)}", highlight=False)
