"""`aicmo campaign channel-order`: what each channel order has brought, per segment of a campaign's leads."""

import sys

import typer
from rich.markup import escape
from rich.table import Table

from aicmo import operator_services as ops
from aicmo.cam.channel_order.rules import order_label
from aicmo.cam.channel_order.schemas import ChannelOrderReport
from aicmo.cli.context import console, fail, open_session, reports_errors

FORMATS = ("table", "json")


def _table(report: ChannelOrderReport) -> Table:
    table = Table(title=f"learned channel order by {report.learning.segment_by}", title_justify="left")
    for name, justify in (("segment", "left"), ("order", "left"), ("leads", "right"), ("settled", "right"),
                          ("positive", "right"), ("rate", "right"), ("P(best)", "right"), ("new leads", "right")):
        table.add_column(name, justify=justify, no_wrap=name != "order")  # type: ignore[arg-type]
    for segment in report.segments:
        for arm in segment.arms:
            table.add_row(escape(segment.segment), order_label(arm.order), str(arm.leads), str(arm.settled),
                          str(arm.positives), "–" if arm.rate is None else f"{arm.rate:.1%}",
                          f"{arm.probability_best:.1%}", f"{arm.recent_share:.0%}")
    return table


@reports_errors
def channel_order_command(
        campaign: str = typer.Argument(..., metavar="NAME_OR_ID"),
        output: str = typer.Option("table", "--format", help="table or json.")) -> None:
    """Per segment and channel order: leads, positive outcomes, rate, probability to be best, share of new leads."""
    if output not in FORMATS:
        raise fail(f"--format {output!r}: use one of {', '.join(FORMATS)}")
    with open_session() as db:
        report = ops.get_channel_order(db, campaign)
    if output == "json":
        sys.stdout.write(report.model_dump_json(indent=2) + "\n")
        return
    state = "on" if report.learning.enabled else "off (every lead gets the steps' own order)"
    console.print(f"campaign: {escape(report.campaign)} (id {report.campaign_id}); channel-order learning {state}",
                  highlight=False)
    if not report.segments:
        console.print("no lead has been given a learned order yet", highlight=False)
        return
    console.print(_table(report))
    console.print("settled: leads with a positive outcome, or none within "
                  f"{report.learning.settle_days:g} days of their last touch; new leads: share of the segment's "
                  "leads of the last 7 days", highlight=False)

