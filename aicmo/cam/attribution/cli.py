"""`aicmo report attribution`: which channels, steps, variants and campaigns earned the meetings and deals."""

import csv
import sys
from enum import StrEnum
from typing import TypeVar

import typer
from rich.markup import escape
from rich.table import Table

from aicmo import operator_services as ops
from aicmo.cam.attribution.rules import Model
from aicmo.cam.attribution.schemas import AttributionReport
from aicmo.cam.attribution.service import By
from aicmo.cam.outcomes.models import OutcomeKind
from aicmo.cli.context import console, fail, open_session, reports_errors

MODELS = [model.value for model in Model]
BYS = [by.value for by in By]
FORMATS = ("table", "json", "csv")


E = TypeVar("E", bound=StrEnum)


def _choice(value: str, option: str, kind: type[E]) -> E:
    allowed = [member.value for member in kind]
    if value.lower() not in allowed:
        raise fail(f"{option} {value!r}: use one of {', '.join(allowed)}")
    return kind(value.lower())


def _print(report: AttributionReport, output: str) -> None:
    currencies = sorted(report.value)
    if output == "json":
        sys.stdout.write(report.model_dump_json(indent=2) + "\n")
        return
    if output == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow([report.by, "outcomes", "share", *(f"value_{currency}" for currency in currencies)])
        for row in report.rows:
            writer.writerow([row.key, f"{row.outcomes:.4f}", f"{row.share:.4f}",
                             *(f"{row.value.get(currency, 0.0):.2f}" for currency in currencies)])
        return
    table = Table(title=f"{report.outcomes} outcome(s) ({', '.join(k.value for k in report.kinds)}), "
                        f"{report.model.value} model, {report.lookback_days}-day lookback", title_justify="left")
    table.add_column(report.by)
    for column in ("outcomes", "share", *currencies):
        table.add_column(column, justify="right", no_wrap=True)
    for row in report.rows:
        table.add_row(escape(row.key), f"{row.outcomes:.2f}", f"{row.share:.1%}",
                      *(f"{row.value.get(currency, 0.0):,.2f}" for currency in currencies))
    table.add_row("total", f"{report.outcomes:.2f}", "100.0%" if report.outcomes else "-",
                  *(f"{report.value[currency]:,.2f}" for currency in currencies), style="bold")
    console.print(table)


@reports_errors
def attribution_command(
    campaign: str | None = typer.Option(None, "--campaign", help="Outcomes of the leads this campaign wrote to "
                                                                 "(its name or id); default: every lead."),
    model: str = typer.Option("linear", "--model", help=f"One of {', '.join(MODELS)}."),
    by: str = typer.Option("channel", "--by", help=f"Credit grouped by one of {', '.join(BYS)}."),
    outcome: list[str] = typer.Option([], "--outcome", help="Outcome kinds to attribute (repeat for several; "
                                                            "default: meeting, opportunity, won)."),
    lookback: int = typer.Option(90, "--lookback", min=1, help="Days before an outcome in which touches count."),
    half_life: float = typer.Option(7.0, "--half-life", min=0.01, help="Days; for the time_decay model."),
    output: str = typer.Option("table", "--format", help="table, json or csv."),
) -> None:
    """Credit every outcome to the touches before it, by the chosen model; the credits add up to the total."""
    chosen_model = _choice(model, "--model", Model)
    chosen_by = _choice(by, "--by", By)
    kinds = [_choice(kind, "--outcome", OutcomeKind) for kind in outcome]
    if output not in FORMATS:
        raise fail(f"--format {output!r}: use one of {', '.join(FORMATS)}")
    with open_session() as db:
        report = ops.get_attribution(db, campaign=campaign, model=chosen_model, by=chosen_by, kinds=kinds,
                                     lookback_days=lookback, half_life_days=half_life)
    _print(report, output)
