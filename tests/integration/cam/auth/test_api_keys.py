"""API keys on SQLite and PostgreSQL: shown once, stored hashed, checked, revoked; failed logins limited."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from aicmo import operator_services as ops
from aicmo.cam.auth import service
from aicmo.cam.auth.models import ApiKeyDB, LoginFailureDB

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


def test_a_new_key_is_returned_once_and_only_its_hash_is_stored(db: Session) -> None:
    created = ops.create_api_key(db, "crm-sync")
    assert created.secret.startswith("aicmo_") and len(created.secret) > 40
    row = db.scalar(select(ApiKeyDB).where(ApiKeyDB.name == "crm-sync"))
    assert row is not None and created.secret not in (row.key_hash, row.prefix)
    assert created.secret.startswith(row.prefix)


def test_a_key_authenticates_until_revoked(db: Session) -> None:
    secret = ops.create_api_key(db, "zapier").secret
    key = service.authenticate(db, secret, NOW)
    assert key is not None and key.name == "zapier" and key.last_used_at == NOW
    ops.revoke_api_key(db, "zapier")
    assert service.authenticate(db, secret) is None


@pytest.mark.parametrize("secret", [None, "", "aicmo_not-a-key", "Bearer aicmo_x", "password"])
def test_anything_but_a_live_key_is_refused(db: Session, secret: str | None) -> None:
    ops.create_api_key(db, "real")
    assert service.authenticate(db, secret) is None


def test_names_are_unique_and_required(db: Session) -> None:
    ops.create_api_key(db, "ops")
    with pytest.raises(service.ApiKeyError, match="exists already"):
        ops.create_api_key(db, "ops")
    with pytest.raises(service.ApiKeyError, match="needs a name"):
        ops.create_api_key(db, "  ")
    with pytest.raises(service.ApiKeyError, match="no API key named"):
        ops.revoke_api_key(db, "missing")
    assert [key.name for key in ops.list_api_keys(db)] == ["ops"]


def test_last_use_is_written_at_most_once_a_minute(db: Session) -> None:
    secret = ops.create_api_key(db, "busy").secret
    service.authenticate(db, secret, NOW)
    later = service.authenticate(db, secret, NOW + timedelta(seconds=30))
    assert later is not None and later.last_used_at == NOW
    much_later = service.authenticate(db, secret, NOW + timedelta(minutes=2))
    assert much_later is not None and much_later.last_used_at == NOW + timedelta(minutes=2)


def test_five_failed_logins_block_that_client_for_a_while_and_no_other(db: Session) -> None:
    for minute in range(service.MAX_FAILURES):
        assert not service.login_blocked(db, "10.0.0.7", NOW + timedelta(minutes=minute))
        service.note_login_failure(db, "10.0.0.7", NOW + timedelta(minutes=minute))
    assert service.login_blocked(db, "10.0.0.7", NOW + timedelta(minutes=5))
    assert not service.login_blocked(db, "10.0.0.8", NOW + timedelta(minutes=5))
    assert not service.login_blocked(db, "10.0.0.7", NOW + timedelta(minutes=20))
    service.note_login_failure(db, "10.0.0.9", NOW + timedelta(hours=1))  # old failures are cleared on the way
    assert db.scalars(select(LoginFailureDB.client)).all() == ["10.0.0.9"]
