"""Unsubscribe tokens: URL-safe, round-trip, and worthless when altered or signed with another secret."""

import re

import pytest

from aicmo.cam.outreach.unsubscribe import make_token, verify_token

MESSAGE_ID = "0f7c2c1e-8a4b-4d0e-9a53-1f2e3d4c5b6a"


def test_a_token_gives_back_its_message_and_lead() -> None:
    assert verify_token(make_token(MESSAGE_ID, 42, "s3cret"), "s3cret") == (MESSAGE_ID, 42)


def test_a_token_is_url_safe_and_carries_a_full_hmac() -> None:
    token = make_token(MESSAGE_ID, 42, "s3cret")
    assert re.fullmatch(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}", token) is not None


def test_a_token_signed_with_another_secret_is_refused() -> None:
    assert verify_token(make_token(MESSAGE_ID, 42, "s3cret"), "other") is None


def test_a_token_for_another_lead_cannot_be_made_by_editing_one() -> None:
    token = make_token(MESSAGE_ID, 42, "s3cret")
    forged_payload = make_token(MESSAGE_ID, 43, "s3cret").split(".")[0]
    assert verify_token(forged_payload + "." + token.split(".")[1], "s3cret") is None


@pytest.mark.parametrize("garbage", ["", ".", "abc", "a.b.c", "!!!.???", "é.é", "MTIz.", ".AAAA"])
def test_malformed_tokens_are_refused_without_an_error(garbage: str) -> None:
    assert verify_token(garbage, "s3cret") is None


def test_every_bit_of_the_signature_counts() -> None:
    payload, tag = make_token(MESSAGE_ID, 42, "s3cret").split(".")
    for position in range(len(tag) - 1):  # the last character also carries two padding bits
        changed = tag[:position] + ("A" if tag[position] != "A" else "B") + tag[position + 1:]
        assert verify_token(f"{payload}.{changed}", "s3cret") is None


def test_tokens_of_different_messages_differ() -> None:
    assert make_token("a", 1, "s3cret") != make_token("b", 1, "s3cret")


def test_an_empty_secret_is_refused() -> None:
    with pytest.raises(ValueError, match="secret"):
        make_token(MESSAGE_ID, 42, "")
    assert verify_token(make_token(MESSAGE_ID, 42, "x"), "") is None
