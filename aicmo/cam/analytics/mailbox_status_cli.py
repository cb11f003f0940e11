"""`aicmo mailboxes status` and `aicmo mailboxes guard`: how every sender mailbox is doing, what the operator must
look at, and the thresholds the deliverability guard applies."""

import json
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from aicmo import operator_services as ops
from aicmo.cam.analytics.mailbox_status import GuardWindow, MailboxStatus
from aicmo.cam.deliverability.schemas import GuardThresholds
from aicmo.cam.outreach.email.cli import FORMAT, check_format, state_text
from aicmo.cli.context import console, open_session, reports_errors


def _figure(count: int, sends: int, rate: float, over: bool, limit: float, digits: int) -> str:
    text = f"{count} of {sends} ({rate:.{digits}%})"
    return f"[red]{text} > {limit:.{digits}%}[/]" if over else text


def _guard_cells(windows: list[GuardWindow], limits: GuardThresholds) -> tuple[str, str, str, str]:
    """The window labels, bounces, complaints and policy refusals, one line per window; red where the guard acts."""
    return ("\n".join(w.label for w in windows),
            "\n".join(_figure(w.bounces, w.sends, w.bounce_rate, w.bounce_rate_over, limits.bounce_rate, 1)
                      for w in windows),
            "\n".join(_figure(w.complaints, w.sends, w.complaint_rate, w.complaint_rate_over,
                              limits.complaint_rate, 2) for w in windows),
            "\n".join(_figure(w.policy_refusals, w.sends, w.policy_rate, w.policy_rate_over, limits.policy_rate, 1)
                      for w in windows))


def thresholds_line(limits: GuardThresholds) -> str:
    """The guard's rule in one sentence, with the figures it applies."""
    return (f"the guard pauses a mailbox above {limits.bounce_rate:.1%} bounces, {limits.complaint_rate:.2%} "
            f"complaints or {limits.policy_rate:.1%} policy refusals, over its last {limits.window_sends} sends or "
            f"{limits.window_hours:g} h, once a window holds {limits.min_sends} sends")


def _status_table(rows: list[MailboxStatus], limits: GuardThresholds) -> Table:
    table = Table(title="mailboxes", title_justify="left")
    for column in ("name", "state", "sent today", "window", "bounces", "complaints", "policy", "inbox",
                   "last polled (UTC)", "last error"):
        table.add_column(column, overflow="fold", no_wrap=column not in ("state", "last error"))
    for row in rows:
        table.add_row(row.name, escape(state_text(row)), f"{row.sent_today}/{row.cap_today}",
                      *_guard_cells(row.windows, row.thresholds or limits),
                      escape(row.imap_folder) if row.inbox else "not set",
                      f"{row.last_polled_at:%Y-%m-%d %H:%M}" if row.last_polled_at else "never" if row.inbox else "-",
                      f"[red]{escape(row.last_error)}[/]" if row.last_error else "-")
    return table


@reports_errors
def status_command(format_: str = FORMAT) -> None:
    """Each mailbox's state, sends today, the guard's figures and thresholds, its inbox; then open alerts."""
    check_format(format_)
    with open_session() as db:
        rows = ops.mailbox_status(db)
        limits = ops.guard_thresholds(db)
        raised = [(alert.created_at, alert.kind, alert.subject, alert.message) for alert in ops.list_alerts(db)]
    if format_ == "json":
        console.print_json(json.dumps({
            "mailboxes": [row.model_dump(mode="json") for row in rows], "thresholds": limits.model_dump(),
            "alerts": [{"kind": kind, "subject": subject, "message": message, "created_at": when.isoformat()}
                       for when, kind, subject, message in raised]}))
        return
    console.print(_status_table(rows, limits))
    console.print(thresholds_line(limits), highlight=False, soft_wrap=True)
    console.print(f"alerts not yet acknowledged: {len(raised) or 'none'}", highlight=False)
    for when, kind, subject, message in raised:
        console.print(f"  {when:%Y-%m-%d %H:%M} UTC  {escape(kind)}  {escape(subject or '-')}: {escape(message)}",
                      highlight=False, soft_wrap=True)


Rate = Annotated[float | None, typer.Option(help="A fraction, e.g. 0.05 for 5%.")]


@reports_errors
def guard_command(bounce_rate: Rate = None, complaint_rate: Rate = None, policy_rate: Rate = None,
                  min_sends: Annotated[int | None, typer.Option(help="Sends a window needs before it is judged.")]
                  = None,
                  window_sends: Annotated[int | None, typer.Option(help="Judge the last N sends ...")] = None,
                  window_hours: Annotated[float | None, typer.Option(help="... and the last hours.")] = None) -> None:
    """Show the deliverability guard's thresholds; with options, change them for every worker and report."""
    given = {name: value for name, value in (
        ("bounce_rate", bounce_rate), ("complaint_rate", complaint_rate), ("policy_rate", policy_rate),
        ("min_sends", min_sends), ("window_sends", window_sends), ("window_hours", window_hours))
        if value is not None}
    with open_session() as db:
        limits = ops.set_guard_thresholds(db, given) if given else ops.guard_thresholds(db)
    console.print(thresholds_line(limits), highlight=False, soft_wrap=True)
