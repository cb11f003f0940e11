"""`aicmo report roi`: what a campaign cost against what its leads brought, per channel and per grade."""

import sys

import typer
from rich.markup import escape
from rich.table import Table

from aicmo import operator_services as ops
from aicmo.cam.attribution.rules import Model
from aicmo.cam.roi.schemas import RoiReport
from aicmo.cli.context import console, fail, open_session, reports_errors

MODELS = [model.value for model in Model]
FORMATS = ("table", "json")


def _money(value: float | None) -> str:
    return "-" if value is None else f"{value:,.2f}"


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def _print(report: RoiReport) -> None:
    total = report.total
    console.print(f"[bold]{escape(report.campaign)}[/]: {report.leads} leads, {report.active_days} active day(s) "
                  f"({report.first_day or '-'} to {report.last_day or '-'}), amounts in {report.currency}, "
                  f"revenue by channel credited by the {report.model.value} model")
    table = Table(title="Cost and return per channel", title_justify="left")
    for column in ("channel", "cost", "pipeline", "revenue", "ROI", "meetings", "won", "cost/meeting", "cost/won"):
        table.add_column(column, justify="left" if column == "channel" else "right", no_wrap=True)
    for row in [*report.channels, total]:
        table.add_row(escape(getattr(row, "channel", "total")), _money(row.cost), _money(row.pipeline),
                      _money(row.revenue), _ratio(row.roi), f"{row.meetings:.2f}", f"{row.won:.2f}",
                      _money(row.cost_per_meeting), _money(row.cost_per_won),
                      style="bold" if row is total else None)
    console.print(table)
    console.print(f"Revenue per 1,000 leads: {_money(report.revenue_per_1000_leads)}")
    grades = Table(title="Per grade: does grading predict outcomes?", title_justify="left")
    for column in ("grade", "leads", "meeting or better", "conversion", "pipeline", "revenue", "revenue/1,000 leads"):
        grades.add_column(column, justify="left" if column == "grade" else "right", no_wrap=True)
    for grade in report.grades:
        grades.add_row(grade.grade, str(grade.leads), str(grade.meetings_or_better), _ratio(grade.conversion),
                       _money(grade.pipeline), _money(grade.revenue), _money(grade.revenue_per_1000_leads))
    console.print(grades)
    auc = "-" if report.score_auc is None else f"{report.score_auc:.2f}"
    console.print(f"Score AUC against meeting or better: {auc} over {report.scored_leads} scored leads "
                  f"(0.5 is chance, 1.0 a perfect ranking)")
    if report.other_currencies:
        console.print(f"Left out: values in {', '.join(report.other_currencies)}")


@reports_errors
def roi_command(
    campaign: str = typer.Option(..., "--campaign", help="The campaign's name or id."),
    model: str = typer.Option("linear", "--model", help=f"Splits revenue by channel; one of {', '.join(MODELS)}."),
    half_life: float = typer.Option(7.0, "--half-life", min=0.01, help="Days; for the time_decay model."),
    output: str = typer.Option("table", "--format", help="table or json."),
) -> None:
    """Cost, pipeline, revenue, ROI, cost per meeting and per won deal: overall, per channel and per grade."""
    if model.lower() not in MODELS:
        raise fail(f"--model {model!r}: use one of {', '.join(MODELS)}")
    if output not in FORMATS:
        raise fail(f"--format {output!r}: use one of {', '.join(FORMATS)}")
    with open_session() as db:
        report = ops.get_roi(db, campaign=campaign, model=Model(model.lower()), half_life_days=half_life)
    if output == "json":
        sys.stdout.write(report.model_dump_json(indent=2) + "\n")
    else:
        _print(report)
