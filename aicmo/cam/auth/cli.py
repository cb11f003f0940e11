"""`aicmo apikey create|list|revoke`: keys for the REST API and the dashboard."""

import typer
from rich.markup import escape
from rich.table import Table

from aicmo import operator_services as ops
from aicmo.cli.context import console, err_console, open_session, reports_errors

app = typer.Typer(help="API keys for the REST API and the dashboard.", no_args_is_help=True)


@app.command("create")
@reports_errors
def create_command(name: str = typer.Argument(..., help="What the key is for, e.g. 'crm-sync'.")) -> None:
    """Create a key and print it once: it is stored only as a hash and cannot be shown again."""
    with open_session() as db:
        created = ops.create_api_key(db, name)
    err_console.print(f"API key {escape(created.key.name)} created; copy it now, it will not be shown again:",
                      highlight=False)
    console.print(created.secret, highlight=False, soft_wrap=True)


@app.command("list")
@reports_errors
def list_command() -> None:
    """Every key: name, its first characters, when created, last used and revoked."""
    with open_session() as db:
        keys = ops.list_api_keys(db)
    table = Table(title="API keys", title_justify="left")
    for column in ("name", "starts with", "created (UTC)", "last used (UTC)", "state"):
        table.add_column(column)
    for key in keys:
        table.add_row(escape(key.name), f"{key.prefix}…", f"{key.created_at:%Y-%m-%d %H:%M}",
                      f"{key.last_used_at:%Y-%m-%d %H:%M}" if key.last_used_at else "never",
                      f"revoked {key.revoked_at:%Y-%m-%d %H:%M}" if key.revoked_at else "active")
    console.print(table)


@app.command("revoke")
@reports_errors
def revoke_command(name: str) -> None:
    """Refuse a key from now on."""
    with open_session() as db:
        ops.revoke_api_key(db, name)
    console.print(f"API key {escape(name)} revoked", highlight=False)
