import pytest

from aicmo.errors import InvalidSignature
from aicmo.net.signing import sign, verify
from tests.support.webhook_receiver import signature, signature_matches

SECRET = "whsec_test"
BODY = b'{"task_id":1,"status":"sent"}'
NOW = 1_700_000_000


def test_signs_like_an_independent_hmac_implementation() -> None:
    assert sign(SECRET, BODY, NOW) == signature(SECRET, BODY, NOW)
    assert signature_matches(SECRET, BODY, sign(SECRET, BODY, NOW))


def test_accepts_a_fresh_signature_and_returns_its_timestamp() -> None:
    assert verify(SECRET, BODY, signature(SECRET, BODY, NOW - 299), now=NOW) == NOW - 299


def test_accepts_any_matching_v1_so_a_secret_can_be_rotated() -> None:
    old = signature("old-secret", BODY, NOW).split(",")[1]
    header = f"t={NOW},{old},v1={signature(SECRET, BODY, NOW).split('v1=')[1]}"
    assert verify(SECRET, BODY, header, now=NOW) == NOW


@pytest.mark.parametrize(("header", "reason"), [
    (None, "missing"),
    ("", "missing"),
    ("v1=abc", "malformed"),
    (f"t={NOW}", "malformed"),
    (f"t=yesterday,v1={'0' * 64}", "malformed"),
    (f"t={NOW},v1={'0' * 64}", "does not match"),
    (f"t={NOW},v1=ünïcode", "does not match"),
    (signature("another-secret", BODY, NOW), "does not match"),
    (signature(SECRET, BODY + b" ", NOW), "does not match"),
    (signature(SECRET, BODY, NOW - 301), "stale"),
    (signature(SECRET, BODY, NOW + 301), "stale"),
])
def test_refuses_a_missing_wrong_or_stale_signature(header: str | None, reason: str) -> None:
    with pytest.raises(InvalidSignature, match=reason):
        verify(SECRET, BODY, header, now=NOW)


def test_refuses_everything_without_a_secret() -> None:
    with pytest.raises(InvalidSignature, match="no signing secret"):
        verify("", BODY, signature("", BODY, NOW), now=NOW)


def test_tolerance_can_be_narrowed() -> None:
    with pytest.raises(InvalidSignature, match="stale"):
        verify(SECRET, BODY, signature(SECRET, BODY, NOW - 61), now=NOW, tolerance=60)
