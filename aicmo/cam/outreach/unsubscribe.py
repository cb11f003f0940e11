"""Signed unsubscribe tokens: which message, to which lead; nobody without the secret can forge or alter one."""

import base64
import binascii
import hashlib
import hmac

# Binds the signature to this use, so the same secret signing webhook payloads can never yield a valid token.
_PURPOSE = b"aicmo-unsubscribe-v1\x00"


def _encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _decode(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)


def _tag(payload: bytes, secret: str) -> bytes:
    return hmac.new(secret.encode("utf-8"), _PURPOSE + payload, hashlib.sha256).digest()


def make_token(message_id: str, lead_id: int, secret: str) -> str:
    """A URL-safe token naming the message and the lead, signed with HMAC-SHA256."""
    if not secret:
        raise ValueError("an unsubscribe token needs a non-empty secret")
    payload = f"{lead_id}.{message_id}".encode()
    return f"{_encode(payload)}.{_encode(_tag(payload, secret))}"


def verify_token(token: str, secret: str) -> tuple[str, int] | None:
    """(message_id, lead_id) of a token this secret signed, else None."""
    if not secret or token.count(".") != 1:
        return None
    encoded_payload, encoded_tag = token.split(".")
    try:
        payload, tag = _decode(encoded_payload), _decode(encoded_tag)
    except (binascii.Error, ValueError):
        return None
    if not hmac.compare_digest(tag, _tag(payload, secret)):
        return None
    lead_text, _, message_id = payload.decode("utf-8", "replace").partition(".")
    if not (lead_text.isascii() and lead_text.isdigit()) or not message_id:
        return None
    return message_id, int(lead_text)
