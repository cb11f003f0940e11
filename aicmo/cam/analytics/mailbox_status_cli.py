"""`aicmo mailboxes status`: how every sender mailbox is doing, and what the operator must look at."""

import json

from rich.markup import escape
from rich.table import Table

from aicmo import operator_services as ops
from aicmo.cam.analytics.mailbox_status import GuardWindow, MailboxStatus
from aicmo.cam.outreach.email.cli import FORMAT, check_format, state_text
from aicmo.cli.context import console, open_session, reports_errors
from aicmo.settings import get_settings


def _figure(count: int, sends: int, rate: float, over: bool, limit: float, digits: int) -> str:
    text = f"{count} of {sends} ({rate:.{digits}%})"
    return f"[red]{text} > {limit:.{digits}%}[/]" if over else text


def _guard_cells(windows: list[GuardWindow]) -> tuple[str, str, str]:
    """The window labels, bounces and complaints, one line per window; a rate above its threshold in red."""
    settings = get_settings()
    return ("\n".join(w.label for w in windows),
            "\n".join(_figure(w.bounces, w.sends, w.bounce_rate, w.bounce_rate_over, settings.guard_bounce_rate, 1)
                      for w in windows),
            "\n".join(_figure(w.complaints, w.sends, w.complaint_rate, w.complaint_rate_over,
                              settings.guard_complaint_rate, 2) for w in windows))


def _status_table(rows: list[MailboxStatus]) -> Table:
    table = Table(title="mailboxes", title_justify="left")
    for column in ("name", "state", "sent today", "window", "bounces", "complaints", "inbox", "last polled (UTC)",
                   "last error"):
        table.add_column(column, overflow="fold", no_wrap=column not in ("state", "last error"))
    for row in rows:
        table.add_row(row.name, escape(state_text(row)), f"{row.sent_today}/{row.cap_today}",
                      *_guard_cells(row.windows),
                      escape(row.imap_folder) if row.inbox else "not set",
                      f"{row.last_polled_at:%Y-%m-%d %H:%M}" if row.last_polled_at else "never" if row.inbox else "-",
                      f"[red]{escape(row.last_error)}[/]" if row.last_error else "-")
    return table


@reports_errors
def status_command(format_: str = FORMAT) -> None:
    """Each mailbox's state, sends today, the guard's bounce and complaint figures, its inbox; then open alerts."""
    check_format(format_)
    with open_session() as db:
        rows = ops.mailbox_status(db)
        raised = [(alert.created_at, alert.kind, alert.subject, alert.message) for alert in ops.list_alerts(db)]
    if format_ == "json":
        console.print_json(json.dumps({
            "mailboxes": [row.model_dump(mode="json") for row in rows],
            "alerts": [{"kind": kind, "subject": subject, "message": message, "created_at": when.isoformat()}
                       for when, kind, subject, message in raised]}))
        return
    console.print(_status_table(rows))
    console.print(f"alerts not yet acknowledged: {len(raised) or 'none'}", highlight=False)
    for when, kind, subject, message in raised:
        console.print(f"  {when:%Y-%m-%d %H:%M} UTC  {escape(kind)}  {escape(subject or '-')}: {escape(message)}",
                      highlight=False, soft_wrap=True)
