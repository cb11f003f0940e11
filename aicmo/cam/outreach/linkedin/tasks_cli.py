"""`aicmo tasks`: the LinkedIn work queue under a short name (list, done, fail), next to `aicmo linkedin`."""

import typer
from rich.markup import escape

from aicmo import operator_services as ops
from aicmo.cam.outreach.linkedin.cli import tasks_command as _list_tasks
from aicmo.cli.context import console, open_session, reports_errors

app = typer.Typer(help="LinkedIn tasks waiting for you: list them, then mark each done or failed.",
                  no_args_is_help=True)

# The same listing as `aicmo linkedin tasks`: same options, same output.
app.command("list")(_list_tasks)


@app.command("done")
@reports_errors
def done_command(task_id: int, detail: str | None = typer.Option(None, help="A note for the record.")) -> None:
    """Mark a task done: you sent the connection request or the message on LinkedIn."""
    with open_session() as db:
        task = ops.complete_linkedin_task(db, task_id, True, detail)
    console.print(f"task {task.id} done: {task.kind.value.replace('_', ' ')} to {escape(task.lead_name)}",
                  highlight=False)


@app.command("fail")
@reports_errors
def fail_command(task_id: int, detail: str | None = typer.Option(None, help="Why it could not be done.")) -> None:
    """Mark a task failed (the profile is gone, the invitation was refused): the message tries its next channel."""
    with open_session() as db:
        task = ops.fail_linkedin_task(db, task_id, detail)
    console.print(f"task {task.id} failed: {escape(task.detail or 'no reason given')}", highlight=False)
