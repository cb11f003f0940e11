"""The send engine's tests share the worker's set-up: a database, a scripted SMTP server, the channels."""

from tests.integration.cam.worker.conftest import channels, clock, sessions
from tests.support.smtp_server import smtp_server

__all__ = ["channels", "clock", "sessions", "smtp_server"]
