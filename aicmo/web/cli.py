"""`aicmo serve`: the HTTP server: REST API, dashboard, unsubscribe links, provider webhooks."""

from typing import Any

import typer

from aicmo.bootstrap import session_factory
from aicmo.cli.context import err_console, note_kept_secret_key, reports_errors
from aicmo.settings import get_settings


@reports_errors
def serve_command(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (0.0.0.0: every interface)."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    workers: int = typer.Option(1, "--workers", min=1, help="Server processes (e.g. one per CPU core)."),
) -> None:
    """Serve the REST API (/api), the dashboard (/app), the unsubscribe links and the provider webhooks."""
    # Imported here: FastAPI and uvicorn would add a third of a second to every other command.
    import uvicorn

    from aicmo.web.app import create_app

    settings = get_settings()
    # Opened before listening, so a database that cannot be used is reported here and not on the first request.
    sessions = session_factory(settings.database_url)
    note_kept_secret_key(settings)
    err_console.print(f"unsubscribe links point at {settings.public_base_url.rstrip('/')}/u/…", highlight=False)
    if workers == 1:
        uvicorn.run(create_app(settings, sessions), host=host, port=port, log_level="info",
                    **forwarding(settings.trusted_proxies))
    else:
        _serve_processes(host, port, workers, settings.trusted_proxies)


def forwarding(trusted_proxies: str) -> dict[str, Any]:
    """uvicorn's proxy options: forwarded headers believed only from the configured proxies. uvicorn's own default
    believes any local peer, so a client on the same machine could name any address and dodge the login limit."""
    return {"proxy_headers": bool(trusted_proxies.strip()), "forwarded_allow_ips": trusted_proxies.strip() or ""}


def _serve_processes(host: str, port: int, workers: int, trusted_proxies: str) -> None:
    """Several server processes on one listening socket; each builds its own app and database pool."""
    import socket

    from uvicorn import Config
    from uvicorn.supervisors import Multiprocess

    config = Config("aicmo.web.app:create_app", factory=True, host=host, port=port, workers=workers,
                    log_level="info", **forwarding(trusted_proxies))
    # uvicorn binds this shared socket without naming TCP, and asyncio then leaves Nagle's algorithm on for every
    # connection: each keep-alive response waits ~40 ms for a delayed ACK (uvicorn issue 3149). Bind it as TCP.
    listener = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM,
                             socket.IPPROTO_TCP)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host, port))
    listener.set_inheritable(True)
    err_console.print(f"serving on http://{host}:{port} with {workers} processes", highlight=False)
    Multiprocess(config, sockets=[listener]).run()
