"""`aicmo webhooks`: subscribe URLs to events, pause them, and read or replay the delivery log."""

import typer
from rich.markup import escape
from rich.table import Table

from aicmo import operator_services as ops
from aicmo.cam.webhooks.events import EVENTS
from aicmo.cli.context import console, err_console, open_session, reports_errors
from aicmo.settings import get_settings

app = typer.Typer(help="Outgoing webhooks: events POSTed, signed, to URLs of yours.", no_args_is_help=True)


@app.command("add")
@reports_errors
def add_command(
    url: str = typer.Argument(..., help="The http(s) URL events are POSTed to."),
    event: list[str] = typer.Option(..., "--event", "-e", help=f"An event to send (repeat): {', '.join(EVENTS)}."),
    description: str | None = typer.Option(None, help="What the subscription is for."),
) -> None:
    """Subscribe a URL to events and print its signing secret once: it cannot be shown again."""
    with open_session() as db:
        created = ops.create_webhook_subscription(db, url, event, description=description)
    err_console.print(f"webhook {created.id} created for {escape(created.url)} ({', '.join(created.events)}); "
                      "copy its signing secret now, it will not be shown again:", highlight=False, soft_wrap=True)
    console.print(created.secret, highlight=False, soft_wrap=True)


@app.command("list")
@reports_errors
def list_command() -> None:
    """Every subscription: its URL, events and whether it is active."""
    with open_session() as db:
        subscriptions = ops.list_webhook_subscriptions(db)
    table = Table(title="webhooks", title_justify="left")
    for column in ("id", "url", "events", "state", "description", "created (UTC)"):
        table.add_column(column)
    for row in subscriptions:
        table.add_row(str(row.id), escape(row.url), ", ".join(row.events), "active" if row.active else "paused",
                      escape(row.description or ""), f"{row.created_at:%Y-%m-%d %H:%M}")
    console.print(table)


@app.command("remove")
@reports_errors
def remove_command(subscription_id: int = typer.Argument(..., metavar="ID")) -> None:
    """Delete a subscription and its delivery log."""
    with open_session() as db:
        ops.delete_webhook_subscription(db, subscription_id)
    console.print(f"webhook {subscription_id} removed", highlight=False)


@app.command("pause")
@reports_errors
def pause_command(subscription_id: int = typer.Argument(..., metavar="ID")) -> None:
    """Hold a subscription's deliveries (and send it no new events) until resumed."""
    with open_session() as db:
        ops.update_webhook_subscription(db, subscription_id, active=False)
    console.print(f"webhook {subscription_id} paused", highlight=False)


@app.command("resume")
@reports_errors
def resume_command(subscription_id: int = typer.Argument(..., metavar="ID")) -> None:
    """Deliver to a paused subscription again, the deliveries it holds first."""
    with open_session() as db:
        ops.update_webhook_subscription(db, subscription_id, active=True)
    console.print(f"webhook {subscription_id} resumed", highlight=False)


@app.command("deliveries")
@reports_errors
def deliveries_command(
    subscription: int | None = typer.Option(None, "--subscription", help="Only this subscription's deliveries."),
    status: str | None = typer.Option(None, help="pending, delivered or failed."),
    limit: int = typer.Option(50, min=1, max=1000, help="How many, newest first."),
) -> None:
    """The delivery log, newest first: event, status, attempts, the receiver's last answer."""
    with open_session() as db:
        rows = ops.list_webhook_deliveries(db, subscription_id=subscription, status=status, limit=limit)
    table = Table(title="webhook deliveries", title_justify="left")
    for column in ("id", "webhook", "event", "status", "attempts", "last answer", "next attempt (UTC)",
                   "created (UTC)"):
        table.add_column(column)
    for row in rows:
        answer = row.last_error or (str(row.last_status_code) if row.last_status_code else "")
        table.add_row(str(row.id), str(row.subscription_id), row.event, row.status, str(row.attempts),
                      escape(answer), f"{row.next_attempt_at:%Y-%m-%d %H:%M:%S}" if row.next_attempt_at else "",
                      f"{row.created_at:%Y-%m-%d %H:%M:%S}")
    console.print(table)


@app.command("prune")
@reports_errors
def prune_command(
    older_than_days: float | None = typer.Option(
        None, "--older-than-days", min=0, help="Default: AICMO_WEBHOOK_DELIVERY_RETENTION_DAYS (30)."),
) -> None:
    """Forget delivered and failed deliveries older than so many days; pending ones stay. The worker does this
    by itself every hour."""
    days = older_than_days if older_than_days is not None else get_settings().webhook_delivery_retention_days
    with open_session() as db:
        pruned = ops.prune_webhook_deliveries(db, days)
    err_console.print(f"{pruned} deliveries older than {days:g} days forgotten")


@app.command("redeliver")
@reports_errors
def redeliver_command(delivery_id: int = typer.Argument(..., metavar="DELIVERY_ID")) -> None:
    """Send a delivery again (the worker picks it up), with a fresh set of attempts."""
    with open_session() as db:
        row = ops.redeliver_webhook(db, delivery_id)
    console.print(f"delivery {row.id} ({row.event}) queued again", highlight=False)
