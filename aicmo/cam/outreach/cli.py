"""`aicmo send`, `aicmo messages`, `aicmo channels`, `aicmo history` and `aicmo metrics`."""

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape
from rich.table import Table
from sqlalchemy.orm import Session

from aicmo import operator_services as ops
from aicmo.cam.limits.config import SCOPES, ChannelConfigRead
from aicmo.cam.outreach.domain import Channel, MessageStatus
from aicmo.cam.outreach.messages import DEFAULT_CHANNEL_ORDER, MessageRead
from aicmo.cli.context import console, fail, open_session, reports_errors
from aicmo.errors import MessageNotFound

CHANNELS = [channel.value for channel in Channel]
STATUSES = [status.value for status in MessageStatus]
SETTLE_HINT = "settle each with `aicmo messages resolve ID --delivered | --resend | --drop`"
SHORT_ID = 8

messages_app = typer.Typer(help="Outreach messages: list them, retry a failed one, settle one in doubt.",
                           no_args_is_help=True)
channels_app = typer.Typer(help="Channel settings: caps, the per-lead gap, retries, on/off.", no_args_is_help=True)


def _when(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M:%S}" if moment is not None else "-"


def _channel_list(values: list[str]) -> list[Channel]:
    unknown = [value for value in values if value not in CHANNELS]
    if unknown:
        raise fail(f"unknown --channel {unknown[0]!r}: use {', '.join(CHANNELS)}")
    if len(set(values)) != len(values):
        raise fail("a channel appears twice in --channel")
    return [Channel(value) for value in values] or list(DEFAULT_CHANNEL_ORDER)


def _body(body: str | None, body_file: Path | None) -> str:
    if body is not None and body_file is not None:
        raise fail("give the body as --body TEXT or --body-file PATH, not both")
    if body_file is not None:
        try:
            return body_file.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise fail(f"{body_file} not found") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise fail(f"cannot read {body_file}: {exc}") from None
    if body is None:
        raise fail("give the body as --body TEXT or --body-file PATH")
    return body


def _print_message(message: MessageRead, outcome: str | None = None) -> None:
    console.print(f"message {message.id} to lead {message.lead_id}: {escape(outcome or message.status.value)}",
                  highlight=False)
    console.print(f"  channel: {message.channel.value if message.channel else '-'} "
                  f"(order {', '.join(c.value for c in message.channel_order)})", highlight=False)
    console.print(f"  attempts: {message.attempts}", highlight=False)
    if message.next_attempt_at is not None and message.status is MessageStatus.PENDING:
        console.print(f"  next attempt: {_when(message.next_attempt_at)} UTC", highlight=False)
    if message.last_error:
        console.print(f"  last error: {escape(message.last_error)}", highlight=False, soft_wrap=True)


@reports_errors
def send_command(
    lead_id: int = typer.Argument(..., help="The lead to write to."),
    subject: str | None = typer.Option(None, help="The subject (email needs one)."),
    body: str | None = typer.Option(None, help="The message text."),
    body_file: Path | None = typer.Option(None, help="A file holding the message text (UTF-8)."),
    channel: list[str] = typer.Option([], "--channel", "-c",
                                      help=f"A channel to try, in order (repeatable; default: {', '.join(CHANNELS)})."),
    queue_only: bool = typer.Option(False, "--queue-only", help="Only queue it: the worker sends it."),
) -> None:
    """Send one message to a lead now, trying each channel in turn within the rate limits."""
    text = _body(body, body_file)
    if not text.strip():
        raise fail("the message body is empty")
    channels = _channel_list(channel)
    with open_session() as db:
        message = ops.send_outreach_message(db, lead_id, text, subject, channels=channels, deliver=not queue_only)
        outcome = None if queue_only else ops.describe_message(db, message.id)
    _print_message(message, outcome)


def _messages_table(messages: list[MessageRead]) -> Table:
    table = Table()
    table.add_column("id", no_wrap=True)
    for column in ("lead", "campaign", "step"):
        table.add_column(column, justify="right", no_wrap=True)
    table.add_column("channel", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("attempts", justify="right", no_wrap=True)
    table.add_column("next attempt", no_wrap=True)
    table.add_column("last error", overflow="fold")
    for message in messages:
        next_attempt = _when(message.next_attempt_at) if message.status is MessageStatus.PENDING else "-"
        table.add_row(message.id[:SHORT_ID], str(message.lead_id),
                      str(message.campaign_id) if message.campaign_id is not None else "-",
                      str(message.sequence_step + 1) if message.campaign_id is not None else "-",
                      message.channel.value if message.channel else "-", message.status.value,
                      str(message.attempts), next_attempt, escape(message.last_error or ""))
    return table


@messages_app.command("list")
@reports_errors
def messages_list_command(
    status: list[str] = typer.Option([], "--status", "-s", help=f"Only these statuses (repeatable): "
                                                                 f"{', '.join(STATUSES)}."),
    campaign: int | None = typer.Option(None, "--campaign", help="Only this campaign's messages (id)."),
    lead: int | None = typer.Option(None, "--lead", help="Only this lead's messages."),
    limit: int = typer.Option(50, min=1, help="How many, newest first."),
    in_doubt: bool = typer.Option(False, "--in-doubt", help="Only messages in doubt: they may have gone out."),
) -> None:
    """List messages, newest first, with where each stands and why it last failed."""
    unknown = [value for value in status if value not in STATUSES]
    if unknown:
        raise fail(f"unknown --status {unknown[0]!r}: use {', '.join(STATUSES)}")
    if in_doubt and status:
        raise fail("give --in-doubt or --status, not both")
    with open_session() as db:
        if in_doubt:
            messages = ops.list_messages_in_doubt(db, campaign_id=campaign, lead_id=lead, limit=limit)
        else:
            messages = ops.list_messages(db, statuses=status, campaign_id=campaign, lead_id=lead, limit=limit)
    console.print(_messages_table(messages))
    console.print(f"{len(messages)} message(s)", highlight=False)
    if any(message.status is MessageStatus.IN_DOUBT for message in messages):
        console.print(f"in doubt: the server may have accepted them, so they are not sent again by themselves; "
                      f"{SETTLE_HINT}", highlight=False, soft_wrap=True)


def _resolve(db: Session, message_id: str) -> str:
    """The full id of a message given by its full id or by the first characters the list shows."""
    if len(message_id) >= 36:
        return message_id
    matches = ops.find_message_ids(db, message_id)
    if len(matches) > 1:
        raise fail(f"message id {message_id!r} is ambiguous: give more of it")
    if not matches:
        raise MessageNotFound(message_id)
    return matches[0]


@messages_app.command("retry")
@reports_errors
def messages_retry_command(message_id: str = typer.Argument(..., help="The message id (or its first characters).")
                           ) -> None:
    """Queue again a failed, skipped, cancelled or in-doubt message, whatever its campaign's state."""
    with open_session() as db:
        message = ops.retry_message(db, _resolve(db, message_id))
    console.print(f"message {message.id} queued again on {message.channel.value if message.channel else '-'}",
                  highlight=False)


@messages_app.command("resolve")
@reports_errors
def messages_resolve_command(
    message_id: str = typer.Argument(..., help="The message id (or its first characters)."),
    delivered: bool = typer.Option(False, "--delivered", help="It did arrive: count it sent, go on with the "
                                                              "sequence."),
    resend: bool = typer.Option(False, "--resend", help="It did not arrive: send it again."),
    drop: bool = typer.Option(False, "--drop", help="Leave it unsent."),
) -> None:
    """Settle a message in doubt (it may have gone out): delivered, resend or drop; recorded in the history."""
    chosen = [name for name, given in (("delivered", delivered), ("resend", resend), ("drop", drop)) if given]
    if len(chosen) != 1:
        raise fail("give exactly one of --delivered, --resend or --drop")
    with open_session() as db:
        message = ops.settle_message(db, _resolve(db, message_id), chosen[0])
    outcome = {"delivered": "counted as sent", "resend": "queued to be sent again", "drop": "dropped"}[chosen[0]]
    console.print(f"message {message.id} to lead {message.lead_id}: {outcome} ({message.status.value})",
                  highlight=False)


def _cap(value: int | float | None) -> str:
    return "-" if value is None else f"{value:g}"


def _channels_table(configs: list[ChannelConfigRead]) -> Table:
    table = Table()
    table.add_column("scope", no_wrap=True)
    table.add_column("enabled", no_wrap=True)
    for column in ("hourly cap", "daily cap", "weekly cap", "domain/day", "lead gap h", "retry base s",
                   "retry cap s", "retries"):
        table.add_column(column, justify="right")
    table.add_column("changed", no_wrap=True)
    for config in configs:
        table.add_row(config.scope, "yes" if config.enabled else "no", _cap(config.hourly_cap), _cap(config.daily_cap),
                      _cap(config.weekly_cap), _cap(config.domain_daily_cap), _cap(config.min_lead_gap_hours),
                      _cap(config.retry_base_seconds), _cap(config.retry_cap_seconds), str(config.max_retries),
                      f"{config.updated_at:%Y-%m-%d %H:%M}" if config.updated_at else "default")
    return table


@channels_app.command("show")
@reports_errors
def channels_show_command(scope: str | None = typer.Argument(None, help=f"{', '.join(SCOPES)} (default: all four).")
                          ) -> None:
    """Show each channel's caps and retry policy; `all` holds the limits over every channel and the per-lead gap."""
    with open_session() as db:
        configs = [ops.get_channel_config(db, name) for name in ([scope] if scope else SCOPES)]
    console.print(_channels_table(configs))
    console.print("- means no cap", highlight=False)


CLEARABLE = ("hourly_cap", "daily_cap", "weekly_cap", "domain_daily_cap", "min_lead_gap_hours")


@channels_app.command("set")
@reports_errors
def channels_set_command(
    scope: str = typer.Argument(..., help=f"{', '.join(SCOPES)}."),
    hourly_cap: int | None = typer.Option(None, help="Messages per hour."),
    daily_cap: int | None = typer.Option(None, help="Messages per day."),
    weekly_cap: int | None = typer.Option(None, help="Messages per week."),
    domain_daily_cap: int | None = typer.Option(None, help="Messages per day to one company domain."),
    min_lead_gap_hours: float | None = typer.Option(None, help="Hours between two messages to the same lead."),
    retry_base_seconds: float | None = typer.Option(None, help="First retry delay; it doubles each time."),
    retry_cap_seconds: float | None = typer.Option(None, help="Longest retry delay."),
    max_retries: int | None = typer.Option(None, help="Retries on one channel before the next channel."),
    enabled: bool | None = typer.Option(None, "--enable/--disable", help="Turn the channel on or off."),
    clear: list[str] = typer.Option([], "--clear", help=f"Remove a cap (repeatable): {', '.join(CLEARABLE)}."),
) -> None:
    """Change some of a channel's settings; the others stay as they are."""
    given: dict[str, Any] = {name: value for name, value in (
        ("hourly_cap", hourly_cap), ("daily_cap", daily_cap), ("weekly_cap", weekly_cap),
        ("domain_daily_cap", domain_daily_cap), ("min_lead_gap_hours", min_lead_gap_hours),
        ("retry_base_seconds", retry_base_seconds), ("retry_cap_seconds", retry_cap_seconds),
        ("max_retries", max_retries), ("enabled", enabled)) if value is not None}
    for name in (value.replace("-", "_") for value in clear):
        if name not in CLEARABLE:
            raise fail(f"--clear {name!r}: use one of {', '.join(CLEARABLE)}")
        if name in given:
            raise fail(f"--clear {name} and --{name.replace('_', '-')} together: give one")
        given[name] = None
    if not given:
        raise fail("nothing to change: give at least one option (see --help)")
    with open_session() as db:
        config = ops.update_channel_config(db, scope, given)
    console.print(_channels_table([config]))
    console.print(f"{scope}: changed {', '.join(sorted(given))}", highlight=False)


@reports_errors
def history_command(
    lead: int | None = typer.Option(None, "--lead", help="Every attempt to reach this lead."),
    campaign: int | None = typer.Option(None, "--campaign", help="Every attempt of this campaign (id)."),
    limit: int | None = typer.Option(None, min=1, help="At most this many, oldest first."),
) -> None:
    """Every attempt on every channel, oldest first, for a lead or a campaign."""
    if (lead is None) == (campaign is None):
        raise fail("give --lead ID or --campaign ID (one of them)")
    with open_session() as db:
        attempts = ops.get_outreach_history(db, lead, campaign_id=campaign, limit=limit)
    table = Table()
    table.add_column("when (UTC)", no_wrap=True)
    table.add_column("message", no_wrap=True)
    table.add_column("lead", justify="right", no_wrap=True)
    table.add_column("campaign", justify="right", no_wrap=True)
    table.add_column("channel", no_wrap=True)
    table.add_column("outcome", no_wrap=True)
    table.add_column("target", overflow="fold")
    table.add_column("detail", overflow="fold")
    for attempt in attempts:
        outcome = attempt.status.value + (f" ({attempt.error_kind.value})" if attempt.error_kind else "")
        table.add_row(_when(attempt.started_at), (attempt.message_id or "-")[:SHORT_ID], str(attempt.lead_id),
                      str(attempt.campaign_id) if attempt.campaign_id is not None else "-", attempt.channel.value,
                      outcome, escape(attempt.target or ""), escape(attempt.detail or ""))
    console.print(table)
    console.print(f"{len(attempts)} attempt(s)", highlight=False)
    if lead is not None:
        _print_incoming(lead)


def _print_incoming(lead: int) -> None:
    """What came back from the lead: replies with their own words, bounces, complaints, unsubscribes."""
    with open_session() as db:
        incoming = [entry for entry in ops.get_lead_timeline(db, lead) if entry.direction == "in"]
    if not incoming:
        return
    table = Table(title="came back", title_justify="left")
    for column in ("when (UTC)", "what", "from", "message", "text or detail"):
        table.add_column(column, overflow="fold", no_wrap=column != "text or detail")
    for entry in incoming:
        table.add_row(_when(entry.at), entry.kind, entry.outcome, (entry.message_id or "-")[:SHORT_ID],
                      escape(entry.text or entry.detail or ""))
    console.print(table)


@reports_errors
def metrics_command(
    days: int = typer.Option(30, min=1, help="What happened in the last N days."),
    campaign: int | None = typer.Option(None, "--campaign", help="Only this campaign (id)."),
) -> None:
    """Per channel, what happened in the last N days: sends, deliveries, replies, positive replies, bounces,
    complaints, failures, and their rates (a bounce counts on the channel it happened on)."""
    with open_session() as db:
        metrics = ops.get_channel_metrics(db, window=timedelta(days=days), campaign_id=campaign)
    scope = f"campaign {campaign}, " if campaign is not None else ""
    table = Table(title=f"{scope}last {days} day(s)", title_justify="left")
    table.add_column("channel", no_wrap=True)
    for column in ("sent", "handed over", "delivered", "replied", "positive", "bounced", "complaints", "failed",
                   "bounce rate", "reply rate", "positive rate"):
        table.add_column(column, justify="right", no_wrap=True)
    for row in metrics:
        table.add_row(row.channel.value, str(row.sent), str(row.handed_over), str(row.delivered), str(row.replied),
                      str(row.positive_replies), str(row.bounced), str(row.complaints), str(row.failed),
                      f"{row.bounce_rate:.1%}", f"{row.reply_rate:.1%}", f"{row.positive_reply_rate:.1%}")
    console.print(table)
