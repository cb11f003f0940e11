"""Revision 0009 encrypts the mailbox secrets stored in plain before it, and its downgrade restores them."""

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text

from aicmo.db.migrate import MigrationFailed, downgrade, upgrade
from aicmo.db.secrets import PREFIX, open_secret
from aicmo.settings import get_settings

PLAIN = {"smtp_password": "smtp-Pw1", "imap_password": "imap-Pw2",
         "dkim_private_key": "-----BEGIN PRIVATE KEY-----\nMII...\n-----END PRIVATE KEY-----\n"}


def secrets(engine: Engine) -> dict[str, str | None]:
    with engine.connect() as connection:
        row = connection.execute(text("SELECT smtp_password, imap_password, dkim_private_key FROM mailboxes "
                                      "WHERE name = 'sales'")).mappings().one()
    return dict(row)


def store_plain(engine: Engine) -> None:
    with engine.begin() as connection:
        for name, secret in (("sales", PLAIN), ("ops", dict.fromkeys(PLAIN))):
            connection.execute(text(
                "INSERT INTO mailboxes (name, from_address, smtp_host, smtp_port, smtp_security, smtp_username, "
                "smtp_password, daily_cap, dkim_domain, dkim_selector, dkim_private_key, imap_host, imap_security, "
                "imap_password, imap_folder, enabled, created_at) VALUES (:name, 'sales@seller.example', "
                "'smtp.seller.example', 587, 'starttls', 'john', :smtp_password, 50, 'seller.example', 's1', "
                ":dkim_private_key, 'imap.seller.example', 'tls', :imap_password, 'INBOX', true, "
                "CURRENT_TIMESTAMP)"), {"name": name, **secret})


@pytest.fixture
def secret(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The migration reads the key from the settings of the environment it runs in."""
    monkeypatch.setenv("AICMO_SECRET_KEY", "migration-secret")
    monkeypatch.delenv("AICMO_PREVIOUS_SECRET_KEY", raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_the_upgrade_encrypts_plain_secrets_and_the_downgrade_restores_them(empty_database: Engine,
                                                                            secret: None) -> None:
    upgrade(empty_database, "0008")
    store_plain(empty_database)

    upgrade(empty_database, "0009")
    sealed = secrets(empty_database)
    assert all(str(value).startswith(PREFIX) for value in sealed.values())
    assert {column: open_secret(str(value), get_settings()) for column, value in sealed.items()} == PLAIN
    upgrade(empty_database, "0009")  # already there: nothing sealed twice
    assert secrets(empty_database) == sealed

    downgrade(empty_database, "0008")
    assert secrets(empty_database) == PLAIN


def test_a_downgrade_that_cannot_decrypt_changes_nothing(empty_database: Engine, secret: None,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    upgrade(empty_database, "0008")
    store_plain(empty_database)
    upgrade(empty_database, "0009")
    sealed = secrets(empty_database)

    monkeypatch.setenv("AICMO_SECRET_KEY", "another-secret")
    get_settings.cache_clear()
    with pytest.raises(MigrationFailed, match="mailbox 'sales': its smtp_password cannot be decrypted"):
        downgrade(empty_database, "0008")
    assert secrets(empty_database) == sealed
