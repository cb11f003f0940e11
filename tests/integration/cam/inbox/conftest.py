"""One real Dovecot for the whole session (it starts in a fraction of a second) and a fresh account per test."""

from collections.abc import Iterator

import pytest

from tests.support.dovecot import DovecotServer, ImapAccount


@pytest.fixture(scope="session")
def dovecot() -> Iterator[DovecotServer]:
    with DovecotServer() as server:
        yield server


@pytest.fixture
def imap_account(dovecot: DovecotServer) -> ImapAccount:
    """A user no other test has seen: its INBOX starts empty and its UIDs at 1."""
    return dovecot.add_user()
