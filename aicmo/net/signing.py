"""HMAC-SHA256 signatures over "<timestamp>.<body>", sent as `X-Aicmo-Signature: t=<unix>,v1=<hex>`."""

import hashlib
import hmac

from aicmo.errors import InvalidSignature

SIGNATURE_HEADER = "X-Aicmo-Signature"
TOLERANCE_SECONDS = 300


def digest(secret: str, body: bytes, timestamp: int) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def sign(secret: str, body: bytes, timestamp: int) -> str:
    """The signature header value for this body at this time."""
    return f"t={timestamp},v1={digest(secret, body, timestamp)}"


def _parse(header: str) -> tuple[int, list[str]]:
    timestamp: int | None = None
    signatures: list[str] = []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == "v1" and value:
            signatures.append(value)
    if timestamp is None or not signatures:
        raise InvalidSignature("malformed signature header: expected t=<unix time>,v1=<hex>")
    return timestamp, signatures


def verify(secret: str, body: bytes, header: str | None, *, now: float,
           tolerance: float = TOLERANCE_SECONDS) -> int:
    """Return the signed timestamp; InvalidSignature if no v1 matches or the time is outside the tolerance."""
    if not secret:
        raise InvalidSignature("no signing secret configured")
    if not header:
        raise InvalidSignature(f"missing {SIGNATURE_HEADER} header")
    timestamp, signatures = _parse(header)
    expected = digest(secret, body, timestamp).encode()
    # Every candidate is compared, in constant time, so the timing tells nothing about which one nearly matched.
    matched = [hmac.compare_digest(expected, candidate.encode(errors="replace")) for candidate in signatures]
    if not any(matched):
        raise InvalidSignature("signature does not match")
    if abs(now - timestamp) > tolerance:
        raise InvalidSignature(f"signature timestamp {timestamp} is more than {tolerance:.0f}s from now: "
                               "stale or replayed")
    return timestamp
