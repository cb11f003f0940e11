"""`aicmo tasks`: the operator-task queue, LinkedIn steps and contact forms in one list (`--kind` picks one), each
marked done or failed. `aicmo linkedin tasks|done|failed` and `aicmo forms tasks|done|failed` are these commands for
one kind (linkedin/cli.py, forms/cli.py)."""

import json
from typing import Annotated

import typer
from rich.markup import escape

from aicmo import operator_services as ops
from aicmo.cam.outreach.tasks.models import LABELS, TaskKind, TaskStatus
from aicmo.cam.outreach.tasks.schemas import ContactFormTaskRead, LinkedInTaskRead, TaskRead
from aicmo.cli.context import console, fail, open_session, reports_errors

app = typer.Typer(help="Steps waiting for you, LinkedIn and contact forms alike: list them, then mark each done or "
                       "failed.", no_args_is_help=True)
STATUSES = [status.value for status in TaskStatus]
KINDS = [kind.value for kind in TaskKind]

Status = Annotated[str, typer.Option("--status", "-s", help=f"{', '.join(STATUSES)} or all.")]
Limit = Annotated[int, typer.Option(help="How many tasks, oldest first.")]
Offset = Annotated[int, typer.Option(help="Skip this many first.")]
Format = Annotated[str, typer.Option("--format", "-f", help="text or json.")]
Note = Annotated[str | None, typer.Option(help="A note for the record.")]


def _print_linkedin(task: LinkedInTaskRead) -> None:
    who = task.lead_name or f"lead {task.lead_id}"
    company = f" ({escape(task.company)})" if task.company else ""
    console.print(f"[bold]#{task.id}[/] {task.kind.value.replace('_', ' ')} to [bold]{escape(who)}[/]{company}"
                  f" — {task.status.value}", highlight=False, soft_wrap=True)
    console.print(f"    {task.profile_url}", highlight=False, soft_wrap=True)
    if task.sales_navigator_url:
        console.print(f"    Sales Navigator: {task.sales_navigator_url}", highlight=False, soft_wrap=True)
    label = "note" if task.kind.value == "connection_request" else "message"
    if task.note:
        console.print(f"    {label}: {escape(task.note)}", highlight=False, soft_wrap=True)
    else:
        console.print(f"    ({label} empty: send without one)", highlight=False)


def _print_form(task: ContactFormTaskRead) -> None:
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


def _print_task(task: TaskRead) -> None:
    if isinstance(task, LinkedInTaskRead):
        _print_linkedin(task)
    else:
        _print_form(task)
    if task.detail:
        console.print(f"    detail: {escape(task.detail)}", highlight=False, soft_wrap=True)


def show_tasks(kind: TaskKind | None, status: str, limit: int, offset: int, format_: str) -> None:
    """The tasks of one kind, or of every kind, with where to go and what to send; or as JSON."""
    if status not in (*STATUSES, "all"):
        raise fail(f"unknown --status {status!r}: use {', '.join(STATUSES)} or all")
    if format_ not in ("text", "json"):
        raise fail(f"unknown --format {format_!r}: use text or json")
    chosen = None if status == "all" else TaskStatus(status)
    with open_session() as db:
        tasks = ops.list_tasks(db, kind=kind, status=chosen, limit=limit, offset=offset)
    if format_ == "json":
        console.print_json(json.dumps([task.model_dump(mode="json") for task in tasks]))
        return
    for task in tasks:
        _print_task(task)
    noun = LABELS[kind] if kind else "task"
    console.print(f"{len(tasks)} {'' if status == 'all' else status + ' '}{noun}(s)", highlight=False)


def close_task(task_id: int, done: bool, detail: str | None, kind: TaskKind | None) -> None:
    """Mark the open task (of this kind, if given) done or failed, and say so."""
    with open_session() as db:
        task = ops.complete_task(db, task_id, done, detail, kind=kind)
    noun = LABELS[task.task_kind]
    if not done:
        said = f"failed: {escape(task.detail or '')}"
    elif isinstance(task, LinkedInTaskRead):
        said = f"done: {task.kind.value.replace('_', ' ')} to {escape(task.lead_name)}"
    else:
        said = f"done: sent by hand to {escape(task.lead_name)}"
    console.print(f"{noun} {task.id} {said}", highlight=False)


@app.command("list")
@reports_errors
def list_command(kind: Annotated[str, typer.Option("--kind", "-k", help=f"{', '.join(KINDS)} or all.")] = "all",
                 status: Status = "open", limit: Limit = 50, offset: Offset = 0, format_: Format = "text") -> None:
    """List the tasks waiting for you, oldest first: the profile or form to open and the text to copy."""
    if kind not in (*KINDS, "all"):
        raise fail(f"unknown --kind {kind!r}: use {', '.join(KINDS)} or all")
    show_tasks(None if kind == "all" else TaskKind(kind), status, limit, offset, format_)


@app.command("done")
@reports_errors
def done_command(task_id: int, detail: Note = None) -> None:
    """Mark a task done: you sent the LinkedIn request or message, or the form, by hand."""
    close_task(task_id, True, detail, None)


@app.command("fail")
@reports_errors
def fail_command(task_id: int, reason: Annotated[str | None, typer.Option(
        "--reason", "--detail", help="Why it could not be done.")] = None) -> None:
    """Mark a task failed (profile gone, form broken): a LinkedIn step's message tries its next channel."""
    close_task(task_id, False, reason, None)
