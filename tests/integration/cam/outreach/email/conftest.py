from tests.support.smtp_server import smtp_server, tls_contexts

__all__ = ["smtp_server", "tls_contexts"]
