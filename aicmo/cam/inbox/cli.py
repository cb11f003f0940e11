"""`aicmo inbox poll` reads the sender mailboxes now; `aicmo inbox list` shows what came back."""

from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from aicmo import operator_services as ops
from aicmo.cam.inbox.events import InboundKind
from aicmo.cam.inbox.intent import ReplyIntent
from aicmo.cli.context import console, fail, open_session, reports_errors

app = typer.Typer(help="Replies, bounces, complaints and unsubscribes coming back.", no_args_is_help=True)


@app.command("poll")
@reports_errors
def poll_command(
    mailbox: str | None = typer.Option(None, "--mailbox", help="Only this mailbox (default: every mailbox "
                                                               "with an IMAP server)."),
) -> None:
    """Read new mail in the sender mailboxes and apply it: replies stop sequences, bounces fall back."""
    with open_session() as db:
        results = ops.poll_inbox(db, mailbox=mailbox)
    if not results:
        console.print("no mailbox has an IMAP server set: see `aicmo mailboxes set NAME --imap-host ...`",
                      highlight=False)
        return
    table = Table(title="inbox poll", title_justify="left")
    for column in ("mailbox", "read", "what it was", "bounces moved", "error"):
        table.add_column(column)
    for result in results:
        kinds = ", ".join(f"{kind} {count}" for kind, count in sorted(result.kinds.items())) or "-"
        table.add_row(escape(result.mailbox), str(result.read), kinds, str(result.moved),
                      f"[red]{escape(result.error)}[/]" if result.error else "-")
    console.print(table)
    if any(result.error for result in results):
        raise typer.Exit(1)


@app.command("list")
@reports_errors
def list_command(
    kind: str | None = typer.Option(None, "--kind", help=f"One of: {', '.join(k.value for k in InboundKind)}."),
    lead: int | None = typer.Option(None, "--lead", help="Only what came from this lead."),
    limit: int = typer.Option(50, min=1, max=1000),
) -> None:
    """The latest incoming messages and provider events, newest first, with what each was taken for."""
    if kind is not None and kind not in {k.value for k in InboundKind}:
        raise fail(f"--kind: unknown kind {kind!r}; use one of {', '.join(k.value for k in InboundKind)}")
    with open_session() as db:
        rows = ops.list_inbound(db, kind=InboundKind(kind) if kind else None, lead_id=lead, limit=limit)
    table = Table(title=f"incoming ({len(rows)})", title_justify="left")
    for column in ("id", "received (UTC)", "kind", "intent", "source", "lead", "from / about", "subject",
                   "text or detail"):
        table.add_column(column, overflow="fold")
    for row in rows:
        intent = "" if row.intent is None else row.intent.value + (" (set by hand)" if row.intent_corrected else "")
        table.add_row(str(row.id), f"{row.received_at:%Y-%m-%d %H:%M}", row.kind.value, intent, row.source,
                      str(row.lead_id) if row.lead_id else "-", escape(row.address or "-"),
                      escape((row.subject or "-")[:60]), escape((row.text or row.detail or "-")[:120]))
    console.print(table)


@app.command("intent")
@reports_errors
def intent_command(
    inbound_id: int = typer.Argument(..., help="The incoming message's id (inbox list shows it)."),
    intent: str = typer.Argument(..., help=f"One of: {', '.join(i.value for i in ReplyIntent)}."),
) -> None:
    """Correct what a reply was read as; positive replies count as outcomes, others do not."""
    try:
        chosen = ReplyIntent(intent.strip().lower().replace("-", "_"))
    except ValueError:
        raise fail(f"intent {intent!r}: use one of: {', '.join(i.value for i in ReplyIntent)}") from None
    with open_session() as db:
        row = ops.set_reply_intent(db, inbound_id, chosen)
    console.print(f"incoming message {row.id} from lead {row.lead_id}: intent {chosen.value}", highlight=False)


@app.command("read-file")
@reports_errors
def read_file_command(
    files: list[Path] = typer.Argument(..., help="Raw emails (.eml), e.g. replies forwarded from another inbox."),
) -> None:
    """Apply saved emails as if read from a mailbox: replies stop sequences, bounces fall back."""
    with open_session() as db:
        for path in files:
            try:
                raw = path.read_bytes()
            except OSError as exc:
                raise fail(f"cannot read {path}: {exc.strerror or exc}") from None
            row = ops.take_incoming_mail(db, raw, source="file")
            what = "seen before" if row is None else f"{row.kind.value}" + (
                f" from lead {row.lead_id}" if row.lead_id else " (no lead of ours)") + (
                f", intent {row.intent.value}" if row.intent else "")
            console.print(f"{escape(str(path))}: {what}", highlight=False)
