"""`aicmo worker` delivers the queue; `aicmo status` shows where the queue stands."""

import asyncio
from datetime import timedelta

import typer
from rich.markup import escape
from rich.table import Table
from sqlalchemy.orm import Session, sessionmaker

from aicmo import operator_services as ops
from aicmo.bootstrap import session_factory
from aicmo.cam.outreach.channels import build_registry
from aicmo.cam.worker.logs import configure_logging
from aicmo.cam.worker.loop import Worker, WorkerReport
from aicmo.cli.context import console, note_kept_secret_key, open_session, reports_errors
from aicmo.settings import Settings, get_settings


async def _run(sessions: sessionmaker[Session], *, once: bool, concurrency: int, batch: int, poll: float,
               lease: timedelta, settings: Settings) -> WorkerReport:
    registry = build_registry(sessions, settings)
    try:
        from aicmo.cam.inbox.poller import PeriodicPoll  # the IMAP reader loads only when a worker runs

        inbox = PeriodicPoll(sessions, settings, interval=settings.inbox_poll_seconds)
        worker = Worker(sessions, registry, concurrency=concurrency, batch=batch, poll_seconds=poll, lease=lease,
                        inbox=inbox, settings=settings)
        worker.install_signal_handlers()  # SIGTERM / Ctrl-C: finish the messages in hand, hand back the rest
        return await worker.run(once=once)
    finally:
        await registry.aclose()


def _summary(report: WorkerReport) -> str:
    outcomes = ", ".join(f"{status} {count}" for status, count in sorted(report.outcomes.items()))
    return (f"processed {report.processed} message(s){f' ({outcomes})' if outcomes else ''}; "
            f"recovered {report.recovered}, in doubt {report.in_doubt}")


@reports_errors
def worker_command(
    once: bool = typer.Option(False, "--once", help="Deliver what is due now, then exit."),
    concurrency: int = typer.Option(1, min=1, help="Messages sent at the same time."),
    batch: int | None = typer.Option(None, min=1, help="Messages claimed per round (default from settings)."),
    poll: float | None = typer.Option(None, min=0.1, help="Seconds between looks at an idle queue "
                                                         "(default from settings)."),
) -> None:
    """Deliver queued messages through their channels until stopped (Ctrl-C or SIGTERM stop cleanly)."""
    settings = get_settings()
    note_kept_secret_key(settings)
    sessions = session_factory()  # brings an embedded SQLite schema up to date first, quietly
    configure_logging()
    report = asyncio.run(_run(sessions, once=once, concurrency=concurrency, batch=batch or settings.worker_batch,
                              poll=poll or settings.worker_poll_seconds,
                              lease=timedelta(seconds=settings.worker_lease_seconds), settings=settings))
    console.print(_summary(report), highlight=False)
    if report.in_doubt or report.outcomes.get("in_doubt"):
        console.print("messages in doubt were not re-sent: see `aicmo messages list --in-doubt`, then settle each "
                      "with `aicmo messages resolve ID --delivered | --resend | --drop`", highlight=False)


@reports_errors
def status_command() -> None:
    """Where the queue stands: messages per status, LinkedIn tasks waiting, what is due, running campaigns."""
    with open_session() as db:
        status = ops.get_queue_status(db)
    table = Table(title="messages by status", title_justify="left")
    table.add_column("status", no_wrap=True)
    table.add_column("messages", justify="right")
    for name, count in sorted(status.by_status.items(), key=lambda item: (-item[1], item[0])):
        table.add_row(name, str(count))
    table.add_row("[bold]total[/]", f"[bold]{status.total}[/]")
    console.print(table)
    console.print(f"due now: {status.due_now}", highlight=False)
    if status.next_attempt_at is None:
        console.print("next attempt: none waiting", highlight=False)
    else:
        late = " (overdue: is `aicmo worker` running?)" if status.next_attempt_at < status.now - timedelta(
            minutes=5) else ""
        console.print(f"next attempt: {status.next_attempt_at:%Y-%m-%d %H:%M:%S} UTC{late}", highlight=False)
    console.print(f"open LinkedIn tasks: {status.open_linkedin_tasks}"
                  f"{' (see `aicmo tasks list`)' if status.open_linkedin_tasks else ''}", highlight=False)
    if not status.running_campaigns:
        console.print("running campaigns: none", highlight=False)
        return
    console.print(f"running campaigns: {len(status.running_campaigns)}", highlight=False)
    for campaign in status.running_campaigns:
        console.print(f"  {campaign.id}  {escape(campaign.name)}: {campaign.waiting} message(s) waiting",
                      highlight=False)

