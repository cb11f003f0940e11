"""`aicmo serve`: the HTTP server behind the unsubscribe links of every email."""

import typer

from aicmo.bootstrap import session_factory
from aicmo.cli.context import err_console, reports_errors
from aicmo.settings import Settings, get_settings

DEFAULT_SECRET = Settings.model_fields["secret_key"].default


@reports_errors
def serve_command(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (0.0.0.0: every interface)."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
) -> None:
    """Serve the one-click unsubscribe links (and /health); AICMO_PUBLIC_BASE_URL must lead here."""
    # Imported here: FastAPI and uvicorn would add a third of a second to every other command.
    import uvicorn

    from aicmo.web.app import create_app

    settings = get_settings()
    # Opened before listening, so a database that cannot be used is reported here and not on the first request.
    sessions = session_factory(settings.database_url)
    if settings.secret_key == DEFAULT_SECRET:
        err_console.print("[yellow]warning:[/] AICMO_SECRET_KEY is the default: anyone could forge unsubscribe "
                          "links; set a long random secret (the worker must use the same one)", highlight=False)
    err_console.print(f"unsubscribe links point at {settings.public_base_url.rstrip('/')}/u/…", highlight=False)
    uvicorn.run(create_app(settings, sessions), host=host, port=port, log_level="info")
