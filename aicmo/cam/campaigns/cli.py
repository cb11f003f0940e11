"""`aicmo campaign`: create a campaign from a TOML or JSON file, run it, and see where it stands."""

import json
import tomllib
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape
from rich.table import Table

from aicmo import operator_services as ops
from aicmo.cam.campaigns.schemas import CampaignRead, SequenceStep
from aicmo.cam.channel_order.cli import channel_order_command
from aicmo.cli.context import console, fail, open_session, reports_errors

app = typer.Typer(help="Campaigns: create one from a TOML or JSON file, start, pause, resume, stop, status, and "
                       "the channel order each segment learned.", no_args_is_help=True)
app.command("channel-order")(channel_order_command)


def _load(file: Path) -> dict[str, Any]:
    """The campaign definition in the file, as plain data; one clear error line when it cannot be read."""
    kind = file.suffix.lower()
    if kind not in (".toml", ".json"):
        raise fail(f"{file}: unknown file type {file.suffix or '(none)'!r}; use a .toml or .json campaign file")
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        raise fail(f"{file} not found") from None
    except OSError as exc:
        raise fail(f"cannot read {file}: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise fail(f"{file} is not UTF-8 text") from None
    try:
        data = tomllib.loads(text) if kind == ".toml" else json.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise fail(f"{file}: invalid TOML: {exc}") from None
    except json.JSONDecodeError as exc:
        raise fail(f"{file}: invalid JSON: {exc.msg} (at line {exc.lineno}, column {exc.colno})") from None
    if not isinstance(data, dict):
        raise fail(f"{file}: a campaign must be an object with name and steps, not {type(data).__name__}")
    return data


def _channels(step: SequenceStep) -> str:
    return " → ".join(channel.value for channel in step.channels)


def _step_lines(campaign: CampaignRead) -> list[str]:
    lines, hours = [], 0.0
    for number, step in enumerate(campaign.steps, start=1):
        hours += step.delay_hours
        when = f"day {hours / 24:g}" if hours % 24 == 0 else f"hour {hours:g}"
        variants = f", variants {', '.join(v.name for v in step.variants)}" if step.variants else ""
        subject = step.subject or next((v.subject for v in step.variants if v.subject), None)
        about = f": {subject}" if subject else ""
        lines.append(f"  {number}. {when} via {_channels(step)}{variants}{about}")
    return lines


@app.command("create")
@reports_errors
def create_command(file: Path = typer.Argument(..., help="Campaign definition, .toml or .json "
                                                          "(see examples/campaign.toml).")) -> None:
    """Create a draft campaign from a definition file; every template is checked first."""
    data = _load(file)
    with open_session() as db:
        campaign = ops.create_campaign(db, data)
    console.print(f"created campaign {campaign.id}: {escape(campaign.name)} ({campaign.status}, "
                  f"{len(campaign.steps)} step{'s' if len(campaign.steps) != 1 else ''})", highlight=False)
    for line in _step_lines(campaign):
        console.print(escape(line), highlight=False, soft_wrap=True)
    if campaign.channel_order.enabled:
        console.print(f"  channel order learned per {campaign.channel_order.segment_by}: see `aicmo campaign "
                      f"channel-order {campaign.id}`", highlight=False)
    console.print(f"start it with: aicmo campaign start {campaign.id}", highlight=False)


def _audience(campaign: CampaignRead) -> str:
    audience = campaign.audience
    parts = []
    if audience.grades:
        parts.append("grades " + ",".join(g.value for g in audience.grades))
    if audience.statuses:
        parts.append("status " + ",".join(s.value for s in audience.statuses))
    if audience.tags:
        parts.append("tags " + ",".join(audience.tags))
    if audience.limit is not None:
        parts.append(f"max {audience.limit}")
    return "; ".join(parts) or "all leads"


@app.command("list")
@reports_errors
def list_command() -> None:
    """List every campaign with its status, steps and audience."""
    with open_session() as db:
        campaigns = ops.list_campaigns(db)
    table = Table()
    table.add_column("id", justify="right", no_wrap=True)
    table.add_column("name", overflow="fold")
    table.add_column("status", no_wrap=True)
    table.add_column("steps", justify="right")
    table.add_column("channels", overflow="fold")
    table.add_column("audience", overflow="fold")
    table.add_column("created", no_wrap=True)
    for campaign in campaigns:
        table.add_row(str(campaign.id), escape(campaign.name), campaign.status, str(len(campaign.steps)),
                      escape(" | ".join(_channels(step) for step in campaign.steps)), escape(_audience(campaign)),
                      f"{campaign.created_at:%Y-%m-%d %H:%M}")
    console.print(table)
    console.print(f"{len(campaigns)} campaign(s)", highlight=False)


@app.command("start")
@reports_errors
def start_command(campaign: str = typer.Argument(..., metavar="NAME_OR_ID")) -> None:
    """Start a campaign (or top it up with leads added since): its first step is queued for every matching lead."""
    with open_session() as db:
        enrolled = ops.start_campaign(db, campaign)
    console.print(f"campaign {escape(campaign)} running: {enrolled} lead(s) enrolled", highlight=False)
    console.print("the worker sends them inside the send window: run `aicmo worker`", highlight=False)


@app.command("pause")
@reports_errors
def pause_command(campaign: str = typer.Argument(..., metavar="NAME_OR_ID")) -> None:
    """Hold every unsent message of a running campaign until it is resumed."""
    with open_session() as db:
        paused = ops.pause_campaign(db, campaign)
    console.print(f"campaign {escape(paused.name)} paused", highlight=False)


@app.command("resume")
@reports_errors
def resume_command(campaign: str = typer.Argument(..., metavar="NAME_OR_ID")) -> None:
    """Run a paused campaign again; messages held while it was paused become due."""
    with open_session() as db:
        resumed = ops.resume_campaign(db, campaign)
    console.print(f"campaign {escape(resumed.name)} resumed", highlight=False)


@app.command("stop")
@reports_errors
def stop_command(campaign: str = typer.Argument(..., metavar="NAME_OR_ID"),
                 yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask.")) -> None:
    """Stop a campaign for good: every message not yet sent is cancelled."""
    if not yes:
        typer.confirm(f"Stop campaign {campaign} for good?", abort=True)
    with open_session() as db:
        cancelled = ops.stop_campaign(db, campaign)
    console.print(f"campaign {escape(campaign)} stopped: {cancelled} waiting message(s) cancelled", highlight=False)


def _counts(title: str, label: str, counts: dict[str, int]) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column(label, no_wrap=True)
    table.add_column("messages", justify="right")
    for key, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        table.add_row(key, str(count))
    table.add_row("[bold]total[/]", f"[bold]{sum(counts.values())}[/]")
    return table


@app.command("status")
@reports_errors
def status_command(campaign: str = typer.Argument(..., metavar="NAME_OR_ID")) -> None:
    """Where a campaign stands: leads enrolled, messages per status, messages sent per channel."""
    with open_session() as db:
        stats = ops.get_campaign_status(db, campaign)
    console.print(f"campaign: {escape(stats.campaign.name)} (id {stats.campaign.id})", highlight=False)
    console.print(f"status: {stats.campaign.status}", highlight=False)
    console.print(f"leads: {stats.leads}", highlight=False)
    console.print(_counts("messages by status", "status", stats.by_status))
    console.print(_counts("sent by channel", "channel", stats.by_channel))
