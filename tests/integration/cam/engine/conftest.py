"""The send engine's tests share the worker's set-up: a database, a scripted SMTP server, the channels."""

from tests.integration.cam.worker.conftest import sessions
from tests.support.smtp_server import smtp_server

__all__ = ["sessions", "smtp_server"]
