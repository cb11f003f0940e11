"""`aicmo forms`: contact forms a machine must not send, waiting for you to send them by hand."""

import json

import typer
from rich.markup import escape

from aicmo import operator_services as ops
from aicmo.cam.outreach.forms.tasks.models import ContactFormTaskStatus
from aicmo.cam.outreach.forms.tasks.schemas import ContactFormTaskRead
from aicmo.cli.context import console, fail, open_session, reports_errors

app = typer.Typer(help="Contact forms behind a CAPTCHA or JavaScript, for you to send by hand: list them, then mark "
                       "each done or failed.", no_args_is_help=True)
STATUSES = [status.value for status in ContactFormTaskStatus]


def _print_task(task: ContactFormTaskRead) -> None:
    who = task.lead_name or f"lead {task.lead_id}"
    company = f" ({escape(task.company)})" if task.company else ""
    console.print(f"[bold]#{task.id}[/] contact form of [bold]{escape(who)}[/]{company} — {task.status.value}",
                  highlight=False, soft_wrap=True)
    console.print(f"    {escape(task.form_url)}", highlight=False, soft_wrap=True)
    console.print(f"    by hand because: {escape(task.reason)}", highlight=False, soft_wrap=True)
    if task.subject:
        console.print(f"    subject: {escape(task.subject)}", highlight=False, soft_wrap=True)
    console.print("    message:", highlight=False)
    for line in task.body.splitlines() or [""]:
        console.print(f"      {escape(line)}", highlight=False, soft_wrap=True)
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
    """List contact forms to send by hand, with the page to open and the text to paste."""
    if status not in (*STATUSES, "all"):
        raise fail(f"unknown --status {status!r}: use {', '.join(STATUSES)} or all")
    if format_ not in ("text", "json"):
        raise fail(f"unknown --format {format_!r}: use text or json")
    chosen = None if status == "all" else ContactFormTaskStatus(status)
    with open_session() as db:
        tasks = ops.list_form_tasks(db, status=chosen, limit=limit, offset=offset)
    if format_ == "json":
        console.print_json(json.dumps([task.model_dump(mode="json") for task in tasks]))
        return
    for task in tasks:
        _print_task(task)
    console.print(f"{len(tasks)} {'' if status == 'all' else status + ' '}contact-form task(s)", highlight=False)


@app.command("done")
@reports_errors
def done_command(task_id: int, detail: str | None = typer.Option(None, help="A note for the record.")) -> None:
    """Mark a task done: you sent the form by hand. It counts as a contact-form send to the lead."""
    with open_session() as db:
        task = ops.complete_form_task(db, task_id, True, detail)
    console.print(f"contact-form task {task.id} done: sent by hand to {escape(task.lead_name)}", highlight=False)


@app.command("failed")
@reports_errors
def failed_command(task_id: int, reason: str | None = typer.Option(None, help="Why it could not be sent.")) -> None:
    """Mark a task failed: the form could not be sent by hand either (page gone, form broken)."""
    with open_session() as db:
        task = ops.complete_form_task(db, task_id, False, reason)
    console.print(f"contact-form task {task.id} failed: {escape(task.detail or '')}", highlight=False)
