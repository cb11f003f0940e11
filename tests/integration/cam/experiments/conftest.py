from tests.integration.cam.worker.conftest import channels, clock, sessions
from tests.support.smtp_server import smtp_server

__all__ = ["channels", "clock", "sessions", "smtp_server"]
