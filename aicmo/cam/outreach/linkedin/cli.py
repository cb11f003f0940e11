import json

import typer
from rich.markup import escape

from aicmo import operator_services as ops
from aicmo.cam.leads.enums import LinkedInStatus
from aicmo.cam.outreach.linkedin.schemas import LinkedInTaskRead
from aicmo.cam.outreach.models import LinkedInTaskStatus
from aicmo.cli.context import console, fail, open_session, reports_errors

app = typer.Typer(help="LinkedIn steps waiting for you: list them, then mark each done or failed.",
                  no_args_is_help=True)
STATUSES = [status.value for status in LinkedInTaskStatus]


def _print_task(task: LinkedInTaskRead) -> None:
    who = task.lead_name or f"lead {task.lead_id}"
    company = f" ({escape(task.company)})" if task.company else ""
    console.print(f"[bold]#{task.id}[/] {task.kind.value.replace('_', ' ')} to [bold]{escape(who)}[/]{company}"
                  f" — {task.status.value}", highlight=False, soft_wrap=True)
    console.print(f"    {task.profile_url}", highlight=False, soft_wrap=True)
    label = "note" if task.kind.value == "connection_request" else "message"
    if task.note:
        console.print(f"    {label}: {escape(task.note)}", highlight=False, soft_wrap=True)
    else:
        console.print(f"    ({label} empty: send without one)", highlight=False)
    if task.detail:
        console.print(f"    detail: {escape(task.detail)}", highlight=False, soft_wrap=True)


@app.command("tasks")
@reports_errors
def tasks_command(
    status: str = typer.Option("open", "--status", "-s", help=f"{', '.join(STATUSES)} or all."),
    limit: int = typer.Option(50, help="How many tasks, oldest first."),
    offset: int = typer.Option(0, help="Skip this many first."),
    format_: str = typer.Option("text", "--format", "-f", help="text or json."),
) -> None:
    """List LinkedIn tasks with the profile to open and the note to copy."""
    if status not in (*STATUSES, "all"):
        raise fail(f"unknown --status {status!r}: use {', '.join(STATUSES)} or all")
    if format_ not in ("text", "json"):
        raise fail(f"unknown --format {format_!r}: use text or json")
    chosen = None if status == "all" else LinkedInTaskStatus(status)
    with open_session() as db:
        tasks = ops.list_linkedin_tasks(db, status=chosen, limit=limit, offset=offset)
    if format_ == "json":
        console.print_json(json.dumps([task.model_dump(mode="json") for task in tasks]))
        return
    for task in tasks:
        _print_task(task)
    console.print(f"{len(tasks)} {'' if status == 'all' else status + ' '}task(s)", highlight=False)


@app.command("done")
@reports_errors
def done_command(task_id: int, detail: str | None = typer.Option(None, help="A note for the record.")) -> None:
    """Mark a task done: you sent the connection request or the message on LinkedIn."""
    with open_session() as db:
        task = ops.complete_linkedin_task(db, task_id, True, detail)
    console.print(f"task {task.id} done: {task.kind.value.replace('_', ' ')} to {escape(task.lead_name)}",
                  highlight=False)


@app.command("failed")
@reports_errors
def failed_command(task_id: int, reason: str = typer.Option(..., help="Why it could not be done.")) -> None:
    """Mark a task failed, e.g. the profile is gone or LinkedIn refused the invitation."""
    with open_session() as db:
        task = ops.complete_linkedin_task(db, task_id, False, reason)
    console.print(f"task {task.id} failed: {escape(task.detail or reason)}", highlight=False)


@app.command("mark")
@reports_errors
def mark_command(lead_id: int, status: str = typer.Argument(..., help="connected, declined, … as seen on LinkedIn.")
                 ) -> None:
    """Record a lead's LinkedIn status, e.g. `connected` once they accepted: their next step becomes a message."""
    choices = [value.value for value in LinkedInStatus]
    if status not in choices:
        raise fail(f"unknown status {status!r}: use one of {', '.join(choices)}")
    with open_session() as db:
        lead = ops.set_linkedin_status(db, lead_id, LinkedInStatus(status))
    console.print(f"lead {lead.id} ({escape(lead.full_name)}): LinkedIn {lead.linkedin_status.value}", highlight=False)
