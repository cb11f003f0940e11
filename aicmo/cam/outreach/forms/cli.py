"""`aicmo forms`: the contact forms of the operator-task queue, left to you because a machine must not send them
(`aicmo tasks … --kind form` under the names they had first)."""

from typing import Annotated

import typer

from aicmo.cam.outreach.tasks.cli import Format, Limit, Note, Offset, Status, close_task, show_tasks
from aicmo.cam.outreach.tasks.models import TaskKind
from aicmo.cli.context import reports_errors

app = typer.Typer(help="Contact forms behind a CAPTCHA or JavaScript, for you to send by hand: list them, then mark "
                       "each done or failed.", no_args_is_help=True)


@app.command("tasks")
@reports_errors
def tasks_command(status: Status = "open", limit: Limit = 50, offset: Offset = 0, format_: Format = "text") -> None:
    """List contact forms to send by hand, with the page to open and the text to paste (`aicmo tasks list --kind
    form`)."""
    show_tasks(TaskKind.FORM, status, limit, offset, format_)


@app.command("done")
@reports_errors
def done_command(task_id: int, detail: Note = None) -> None:
    """Mark a task done: you sent the form by hand. It counts as a contact-form send to the lead."""
    close_task(task_id, True, detail, TaskKind.FORM)


@app.command("failed")
@reports_errors
def failed_command(task_id: int, reason: Annotated[str | None, typer.Option(
        help="Why it could not be sent.")] = None) -> None:
    """Mark a task failed: the form could not be sent by hand either (page gone, form broken)."""
    close_task(task_id, False, reason, TaskKind.FORM)
