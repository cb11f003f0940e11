"""`aicmo costs`: what each channel costs, for the ROI report."""

from decimal import Decimal

import typer
from pydantic import ValidationError
from rich.table import Table

from aicmo import operator_services as ops
from aicmo.cam.costs.schemas import ChannelCostUpdate, CostSettings, CostsUpdate
from aicmo.cam.outreach.domain import Channel
from aicmo.cli.context import console, fail, open_session, reports_errors

app = typer.Typer(help="Costs per channel: per message, per month, operator time per task.", no_args_is_help=True)
CHANNELS = [channel.value for channel in Channel]


def print_costs(settings: CostSettings) -> None:
    table = Table(title=f"Costs per channel ({settings.currency}); monthly fees are prorated over a campaign's "
                        f"active days", title_justify="left")
    for column in ("channel", "per message", "per month", "seats", "minutes per task", "hourly rate"):
        table.add_column(column, justify="left" if column == "channel" else "right")
    for cost in settings.channels:
        table.add_row(cost.channel.value, f"{cost.per_message:,.2f}",
                      f"{cost.per_month:,.2f}" + {"email": " per mailbox", "linkedin": " per seat"}.get(
                          cost.channel.value, ""),
                      str(cost.seats) if cost.channel is Channel.LINKEDIN else "-", f"{cost.task_minutes:g}",
                      f"{cost.hourly_rate:,.2f}")
    console.print(table)


@app.command("show")
@reports_errors
def show_command() -> None:
    """Show every channel's costs."""
    with open_session() as db:
        print_costs(ops.get_costs(db))


@app.command("set")
@reports_errors
def set_command(
    channel: str | None = typer.Option(None, "--channel", help=f"One of {', '.join(CHANNELS)}."),
    per_message: Decimal | None = typer.Option(None, "--per-message", help="Each message the channel accepted."),
    per_month: Decimal | None = typer.Option(None, "--per-month", help="Each mailbox (email), each seat (LinkedIn), "
                                                                       "or flat (contact form), a month."),
    seats: int | None = typer.Option(None, "--seats", help="LinkedIn seats paid for."),
    task_minutes: float | None = typer.Option(None, "--task-minutes", help="An operator's minutes on each "
                                                                           "LinkedIn or contact-form task."),
    hourly_rate: Decimal | None = typer.Option(None, "--hourly-rate", help="What an hour of that time costs."),
    currency: str | None = typer.Option(None, "--currency", help="ISO 4217 code; one for every channel."),
) -> None:
    """Change a channel's costs (only the options given) or the currency."""
    given = {name: value for name, value in (("per_message", per_message), ("per_month", per_month),
                                             ("seats", seats), ("task_minutes", task_minutes),
                                             ("hourly_rate", hourly_rate)) if value is not None}
    if given and channel is None:
        raise fail("--channel: say which channel these costs are for")
    if channel is not None and channel.lower() not in CHANNELS:
        raise fail(f"--channel {channel!r}: use one of {', '.join(CHANNELS)}")
    if not given and currency is None:
        raise fail("nothing to change: give --per-message, --per-month, --seats, --task-minutes, --hourly-rate "
                   "or --currency")
    try:
        changes = CostsUpdate(currency=currency, channels={Channel(channel.lower()): ChannelCostUpdate(**given)}
                              if channel is not None else {})
    except ValidationError as exc:
        first = exc.errors()[0]
        raise fail(f"--{str(first['loc'][-1]).replace('_', '-')}: {first['msg']}") from None
    with open_session() as db:
        print_costs(ops.update_costs(db, changes))
