"""Mailbox passwords and DKIM keys are stored encrypted, still send through a real SMTP server with AUTH, survive a
change of the secret key with the previous one given, and an unreadable one is named instead of crashing."""

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from aicmo import operator_services as ops
from aicmo.cam.outreach.domain import SendStatus, SmtpSecurity
from aicmo.cam.outreach.email.channel import EmailOutreachService
from aicmo.cam.outreach.email.store import MailboxSecretUnreadable, load_mailboxes
from aicmo.db.engine import make_session_factory
from aicmo.db.secrets import PREFIX
from aicmo.settings import get_settings
from tests.integration.cam.outreach.email.builders import SETTINGS, lead, message
from tests.integration.cam.outreach.email.test_mailboxes import dkim_key
from tests.support.smtp_server import ScriptedSmtpServer

PASSWORD = "s3cret-Pw"
IMAP_PASSWORD = "imap-s3cret"
LOGIN = ("sales@seller.example", PASSWORD)


@pytest.fixture
def secret(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """Change AICMO_SECRET_KEY and AICMO_PREVIOUS_SECRET_KEY through the environment, as an operator would."""
    monkeypatch.setenv("AICMO_SECRET_KEY", "first-secret")
    monkeypatch.delenv("AICMO_PREVIOUS_SECRET_KEY", raising=False)
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


def use_secret(monkeypatch: pytest.MonkeyPatch, current: str, previous: str | None = None) -> None:
    monkeypatch.setenv("AICMO_SECRET_KEY", current)
    if previous is None:
        monkeypatch.delenv("AICMO_PREVIOUS_SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("AICMO_PREVIOUS_SECRET_KEY", previous)
    get_settings.cache_clear()


def add_sales(db: Session, server: ScriptedSmtpServer, **extra: str) -> None:
    ops.add_mailbox(db, {"name": "sales", "from_address": "sales@seller.example", "smtp_host": server.host,
                         "smtp_port": server.port, "smtp_security": SmtpSecurity.NONE, "smtp_username": LOGIN[0],
                         "smtp_password": PASSWORD, **extra})


def raw(db: Session, column: str) -> str:
    db.rollback()  # a fresh read of what is stored
    return str(db.execute(text(f"SELECT {column} FROM mailboxes WHERE name = 'sales'")).scalar_one())


async def sends(engine: Engine) -> SendStatus:
    """What a worker starting now would do: load the mailboxes from the database and send one email."""
    channel = EmailOutreachService.from_db(make_session_factory(engine), settings=SETTINGS)
    result = await channel.send(message(), lead())
    await channel.aclose()
    return result.status


def test_the_secrets_are_stored_encrypted_and_read_back_plain(db: Session, secret: pytest.MonkeyPatch) -> None:
    ops.add_mailbox(db, {"name": "sales", "from_address": "sales@seller.example", "smtp_host": "smtp.seller.example",
                         "smtp_username": "john", "smtp_password": PASSWORD, "imap_host": "imap.seller.example",
                         "imap_password": IMAP_PASSWORD, "dkim_domain": "seller.example", "dkim_selector": "s1",
                         "dkim_private_key": dkim_key()})

    for column, plain in {"smtp_password": PASSWORD, "imap_password": IMAP_PASSWORD,
                          "dkim_private_key": "PRIVATE KEY"}.items():
        stored = raw(db, column)
        assert stored.startswith(PREFIX) and plain not in stored
    [mailbox] = load_mailboxes(db)
    assert mailbox.smtp_password == PASSWORD and mailbox.dkim is not None
    assert mailbox.dkim.private_key == dkim_key().strip()


def test_a_long_password_fits_once_encrypted(db: Session, secret: pytest.MonkeyPatch) -> None:
    ops.add_mailbox(db, {"name": "sales", "from_address": "sales@seller.example", "smtp_host": "smtp.seller.example",
                         "smtp_username": "john", "smtp_password": "p" * 500})
    assert len(raw(db, "smtp_password")) > 500
    assert load_mailboxes(db)[0].smtp_password == "p" * 500


async def test_an_encrypted_password_logs_in_to_a_real_smtp_server(db: Session, engine: Engine,
                                                                   secret: pytest.MonkeyPatch) -> None:
    async with ScriptedSmtpServer(credentials=LOGIN) as server:
        add_sales(db, server)
        assert await sends(engine) is SendStatus.SENT
    assert server.envelopes[0].login == LOGIN[0]


async def test_after_a_secret_change_the_previous_secret_keeps_sending_until_rotated(
        db: Session, engine: Engine, secret: pytest.MonkeyPatch) -> None:
    async with ScriptedSmtpServer(credentials=LOGIN) as server:
        add_sales(db, server)
        first_token = raw(db, "smtp_password")

        use_secret(secret, "second-secret", previous="first-secret")
        assert await sends(engine) is SendStatus.SENT
        report = ops.rotate_mailbox_secrets(db)
        assert (report.sealed, report.current, report.unreadable) == (1, 0, [])
        assert raw(db, "smtp_password") != first_token

        use_secret(secret, "second-secret")
        assert await sends(engine) is SendStatus.SENT
        again = ops.rotate_mailbox_secrets(db)
        assert (again.sealed, again.current, again.unreadable) == (0, 1, [])
    assert [envelope.login for envelope in server.envelopes] == [LOGIN[0], LOGIN[0]]


async def test_a_secret_no_key_opens_is_named_and_the_mailbox_still_lists(
        db: Session, engine: Engine, secret: pytest.MonkeyPatch) -> None:
    async with ScriptedSmtpServer(credentials=LOGIN) as server:
        add_sales(db, server)
        db.commit()
        use_secret(secret, "second-secret")

        with pytest.raises(MailboxSecretUnreadable, match="mailbox 'sales': its smtp_password cannot be decrypted"
                                                          r".*AICMO_PREVIOUS_SECRET_KEY"):
            await sends(engine)
        db.expire_all()
        [listed] = ops.list_mailboxes(db)
        [status] = ops.mailbox_status(db)
        assert listed.unreadable_secrets == status.unreadable_secrets == ["smtp_password"]
        report = ops.rotate_mailbox_secrets(db)
        assert (report.sealed, report.unreadable) == (0, [("sales", "smtp_password")])

        # Changing another setting keeps the stored token as it was: the old secret can still open it.
        token = raw(db, "smtp_password")
        ops.update_mailbox(db, "sales", {"daily_cap": 20})
        assert raw(db, "smtp_password") == token
        use_secret(secret, "second-secret", previous="first-secret")
        assert await sends(engine) is SendStatus.SENT
    assert server.envelopes[0].login == LOGIN[0]


async def test_a_password_stored_before_encryption_reads_as_it_is_until_rotated(
        db: Session, engine: Engine, secret: pytest.MonkeyPatch) -> None:
    async with ScriptedSmtpServer(credentials=LOGIN) as server:
        add_sales(db, server)
        db.execute(text("UPDATE mailboxes SET smtp_password = :plain"), {"plain": PASSWORD})
        db.commit()
        assert await sends(engine) is SendStatus.SENT

        assert ops.rotate_mailbox_secrets(db).sealed == 1
        assert raw(db, "smtp_password").startswith(PREFIX)
        assert await sends(engine) is SendStatus.SENT
    assert len(server.envelopes) == 2


def test_the_api_view_of_a_mailbox_holds_no_secret(db: Session, secret: pytest.MonkeyPatch) -> None:
    ops.add_mailbox(db, {"name": "sales", "from_address": "sales@seller.example", "smtp_host": "smtp.seller.example",
                         "smtp_username": "john", "smtp_password": PASSWORD})
    token = raw(db, "smtp_password")
    shown = ops.get_mailbox(db, "sales").model_dump_json()
    assert PASSWORD not in shown and token not in shown and PREFIX not in shown
