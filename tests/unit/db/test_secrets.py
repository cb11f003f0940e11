"""The key of the stored secrets: derived from the secret key, and the previous one still opens what it sealed."""

import base64

import pytest
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from aicmo.db.secrets import PREFIX, SECRETS_INFO, open_secret, seal, sealed_with_current_key
from aicmo.settings import Settings

FIRST = Settings(secret_key="first-secret", previous_secret_key=None)
SECOND = Settings(secret_key="second-secret", previous_secret_key=None)
ROTATING = Settings(secret_key="second-secret", previous_secret_key="first-secret")


def test_the_key_is_hkdf_sha256_of_the_secret_key_with_the_documented_info() -> None:
    key = HKDF(algorithm=SHA256(), length=32, salt=None, info=SECRETS_INFO).derive(b"first-secret")
    token = seal("pw", FIRST)
    assert token.startswith(PREFIX)
    assert Fernet(base64.urlsafe_b64encode(key)).decrypt(token.removeprefix(PREFIX).encode()) == b"pw"


def test_a_value_stored_before_encryption_opens_as_it_is() -> None:
    assert open_secret("plain password", SECOND) == "plain password"


def test_with_the_previous_secret_given_old_tokens_open_and_new_ones_use_the_current_key() -> None:
    old = seal("pw", FIRST)
    assert open_secret(old, ROTATING) == "pw"
    assert not sealed_with_current_key(old, ROTATING)
    new = seal("pw", ROTATING)
    assert sealed_with_current_key(new, ROTATING) and open_secret(new, SECOND) == "pw"
    with pytest.raises(InvalidToken):
        open_secret(new, FIRST)


@pytest.mark.parametrize("stored", ["first", "garbage", "non-ascii"])
def test_a_token_no_key_opens_is_refused(stored: str) -> None:
    token = {"first": seal("pw", FIRST), "garbage": PREFIX + "not a token", "non-ascii": PREFIX + "jeton-é"}[stored]
    with pytest.raises(InvalidToken):
        open_secret(token, SECOND)
