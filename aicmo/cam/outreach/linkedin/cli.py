"""`aicmo linkedin`: the LinkedIn tasks of the operator-task queue (`aicmo tasks … --kind linkedin` under the names
they had first), and what you saw of a lead on LinkedIn."""

from typing import Annotated

import typer
from rich.markup import escape

from aicmo import operator_services as ops
from aicmo.cam.leads.enums import LinkedInStatus
from aicmo.cam.outreach.tasks.cli import Format, Limit, Note, Offset, Status, close_task, show_tasks
from aicmo.cam.outreach.tasks.models import TaskKind
from aicmo.cli.context import console, fail, open_session, reports_errors

app = typer.Typer(help="LinkedIn steps waiting for you: list them, then mark each done or failed.",
                  no_args_is_help=True)


@app.command("tasks")
@reports_errors
def tasks_command(status: Status = "open", limit: Limit = 50, offset: Offset = 0, format_: Format = "text") -> None:
    """List LinkedIn tasks with the profile to open and the note to copy (`aicmo tasks list --kind linkedin`)."""
    show_tasks(TaskKind.LINKEDIN, status, limit, offset, format_)


@app.command("done")
@reports_errors
def done_command(task_id: int, detail: Note = None) -> None:
    """Mark a task done: you sent the connection request or the message on LinkedIn."""
    close_task(task_id, True, detail, TaskKind.LINKEDIN)


@app.command("failed")
@reports_errors
def failed_command(task_id: int, reason: Annotated[str, typer.Option(help="Why it could not be done.")]) -> None:
    """Mark a task failed, e.g. the profile is gone or LinkedIn refused the invitation."""
    close_task(task_id, False, reason, TaskKind.LINKEDIN)


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
