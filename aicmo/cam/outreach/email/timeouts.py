"""How long each step of an SMTP session may wait: by default what RFC 5321 section 4.5.3.2 recommends."""

from dataclasses import dataclass

from aicmo.settings import Settings


@dataclass(frozen=True)
class SmtpTimeouts:
    connect: float = 300.0  # TCP, TLS and the greeting; also EHLO, STARTTLS and AUTH
    mail: float = 300.0
    rcpt: float = 300.0
    data_start: float = 120.0  # the 354 answer to DATA
    data_block: float = 180.0  # writing the message out
    data_end: float = 600.0  # the answer to the final dot: the server may be filtering or relaying meanwhile
    quit: float = 30.0

    @classmethod
    def of(cls, settings: Settings) -> "SmtpTimeouts":
        return cls(connect=settings.smtp_connect_timeout, mail=settings.smtp_mail_timeout,
                   rcpt=settings.smtp_rcpt_timeout, data_start=settings.smtp_data_start_timeout,
                   data_block=settings.smtp_data_block_timeout, data_end=settings.smtp_data_end_timeout,
                   quit=settings.smtp_timeout)

    @classmethod
    def uniform(cls, seconds: float) -> "SmtpTimeouts":
        """Every step the same (short, in tests)."""
        return cls(seconds, seconds, seconds, seconds, seconds, seconds, seconds)
