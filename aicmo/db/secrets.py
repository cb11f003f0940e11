"""Secrets stored encrypted: a column type that seals values with Fernet on the way in and opens them on the way out.

The key is derived from AICMO_SECRET_KEY with HKDF-SHA256 (info `SECRETS_INFO`), so the one secret the operator
already keeps also guards the stored passwords. After changing it, AICMO_PREVIOUS_SECRET_KEY keeps the old tokens
readable until `aicmo mailboxes rotate-secrets` has sealed them again with the new key.
"""

import base64
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import Text, TypeDecorator
from sqlalchemy.engine import Dialect

from aicmo.settings import Settings, get_settings

PREFIX = "enc:v1:"
# Changing it changes every derived key: stored secrets would no longer open.
SECRETS_INFO = b"aicmo stored secrets v1"


class UnreadableSecret(str):
    """A stored token no configured key opens. It holds the token, so writing the row back keeps it unchanged."""

    __slots__ = ()


@lru_cache(maxsize=8)
def _fernet(secret: str) -> Fernet:
    key = HKDF(algorithm=SHA256(), length=32, salt=None, info=SECRETS_INFO).derive(secret.encode("utf-8"))
    return Fernet(base64.urlsafe_b64encode(key))


def cipher(settings: Settings) -> MultiFernet:
    """Seals with the current secret's key; opens with it or with the previous secret's."""
    secrets = [settings.secret_key, *([settings.previous_secret_key] if settings.previous_secret_key else [])]
    return MultiFernet([_fernet(secret) for secret in secrets])


def is_sealed(stored: str) -> bool:
    return stored.startswith(PREFIX)


def seal(value: str, settings: Settings) -> str:
    return PREFIX + cipher(settings).encrypt(value.encode("utf-8")).decode("ascii")


def open_secret(stored: str, settings: Settings) -> str:
    """The plain value; a value stored before encryption (no prefix) as it is. InvalidToken if no key opens it."""
    if not is_sealed(stored):
        return stored
    return cipher(settings).decrypt(_token(stored)).decode("utf-8")


def _token(stored: str) -> bytes:
    try:
        return stored.removeprefix(PREFIX).encode("ascii")
    except UnicodeEncodeError:
        raise InvalidToken from None


def sealed_with_current_key(stored: str, settings: Settings) -> bool:
    try:
        _fernet(settings.secret_key).decrypt(_token(stored))
    except InvalidToken:
        return False
    return is_sealed(stored)


class EncryptedText(TypeDecorator[str]):
    """Text holding a secret: callers read and write plain strings, the database holds `enc:v1:` Fernet tokens.

    SQLAlchemy calls a column type with nothing but the value, so this is the one place below the entry points that
    reads the process's settings (the keys AICMO_SECRET_KEY and AICMO_PREVIOUS_SECRET_KEY).
    """

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None or isinstance(value, UnreadableSecret):
            return value
        return seal(value, get_settings())

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        try:
            return open_secret(value, get_settings())
        except InvalidToken:
            return UnreadableSecret(value)


def unreadable(value: object) -> bool:
    return isinstance(value, UnreadableSecret)
