"""DKIM-Signature (RFC 6376, rsa-sha256, relaxed/relaxed) for a mailbox, its key read and checked once.

dkimpy parses the message and the key, canonicalises, and does the RSA itself when nothing faster is installed.
Its own `dkim.sign` re-parses the PEM and runs RSA in pure Python on every call (about 6 ms for a 2048-bit key,
more than the whole send budget), so the signature is assembled here from its parts and the RSA step goes to
OpenSSL through `cryptography` whenever that is importable.

Signing comes in two steps, `canonical` and `signature`, so a sender can take the RSA step (about 0.25 ms for
2048 bits, most of a signature's cost) at a moment it would only be waiting for its SMTP server anyway.
"""

import base64
import hashlib
import time
from collections.abc import Sequence
from dataclasses import dataclass

import dkim
import dkim.crypto
from dkim.canonicalization import Relaxed

from aicmo.cam.outreach.email.compose import HeaderField
from aicmo.cam.outreach.email.mailbox import ascii_domain
from aicmo.errors import AicmoError

try:
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    HAVE_OPENSSL = True
except ImportError:  # pragma: no cover - cryptography is optional; dkimpy's pure-Python RSA stands in
    HAVE_OPENSSL = False

MIN_KEY_BITS = 1024
# Signed when present; From once more so that a second From added on the way breaks the signature.
SIGNED_HEADERS = (b"from", b"to", b"subject", b"date", b"message-id", b"in-reply-to", b"references", b"reply-to",
                  b"list-unsubscribe",
                  b"list-unsubscribe-post", b"mime-version", b"content-type", b"content-transfer-encoding")
_WIDTH = 76


class DkimKeyError(AicmoError):
    """The mailbox's DKIM key cannot be used: unreadable, not RSA, or too short."""


class DkimSigner:
    def __init__(self, domain: str, selector: str, private_key_pem: str, *, use_openssl: bool | None = None) -> None:
        where = f"DKIM key of selector {selector!r} for {domain!r}"
        try:
            self.domain, self.selector = ascii_domain(domain).encode("ascii"), selector.strip().encode("ascii")
            pem = private_key_pem.strip().replace("\r\n", "\n").encode("ascii") + b"\n"
            self._key = dkim.crypto.parse_pem_private_key(pem)
        except (dkim.crypto.UnparsableKeyError, ValueError, IndexError) as exc:
            raise DkimKeyError(f"{where} is not a readable RSA private key in PEM form: {exc}") from exc
        bits = int(self._key["modulus"]).bit_length()
        if bits < MIN_KEY_BITS:
            raise DkimKeyError(f"{where} has {bits} bits; DKIM keys need at least {MIN_KEY_BITS} (use 2048)")
        self._openssl_key: rsa.RSAPrivateKey | None = None
        if HAVE_OPENSSL and use_openssl is not False:
            try:
                key = serialization.load_pem_private_key(pem, password=None)
            except (ValueError, TypeError) as exc:  # pragma: no cover - dkimpy would have refused it already
                raise DkimKeyError(f"{where} cannot be loaded: {exc}") from exc
            if not isinstance(key, rsa.RSAPrivateKey):  # pragma: no cover - dkimpy already refused it
                raise DkimKeyError(f"{where} is not an RSA key")
            self._openssl_key = key

    @property
    def uses_openssl(self) -> bool:
        return self._openssl_key is not None

    def sign(self, message: bytes) -> bytes:
        """The DKIM-Signature header line (CRLF-terminated) to put in front of this serialised message."""
        headers, body = dkim.rfc822_parse(message)
        return self.sign_fields(headers, body)

    def sign_fields(self, headers: Sequence[HeaderField], body: bytes) -> bytes:
        """`sign` for a message given as its header fields and body, as a composer has them: nothing to parse."""
        return self.signature(self.canonical(headers, body))

    def signature(self, unsigned: "Unsigned") -> bytes:
        """The DKIM-Signature header line (CRLF-terminated): the RSA step."""
        return _with_signature(unsigned.header, self._rsa_sha256(unsigned.signed_data))

    def canonical(self, headers: Sequence[HeaderField], body: bytes) -> "Unsigned":
        """Everything of the signature but the RSA step: the header up to its empty b= tag, and what it covers."""
        body_hash = base64.b64encode(hashlib.sha256(Relaxed.canonicalize_body(body)).digest())
        present = {name.lower() for name, _ in headers}
        signed = [name for name in SIGNED_HEADERS if name in present] + [b"from"]
        tags = (b"v=1; a=rsa-sha256; c=relaxed/relaxed; d=" + self.domain + b"; s=" + self.selector
                + b"; t=" + str(int(time.time())).encode("ascii") + b"; h=" + b" : ".join(signed)
                + b"; bh=" + body_hash + b";")
        unsigned = _fold(b"DKIM-Signature: " + tags) + b"\r\n b="
        to_sign = b"".join(name + b":" + value
                           for name, value in Relaxed.canonicalize_headers(dkim.select_headers(headers, signed)))
        _, own = Relaxed.canonicalize_headers([(b"DKIM-Signature", unsigned[len(b"DKIM-Signature:"):])])[0]
        return Unsigned(unsigned, to_sign + b"dkim-signature:" + own.rstrip(b"\r\n"))

    def _rsa_sha256(self, data: bytes) -> bytes:
        if self._openssl_key is not None:
            return self._openssl_key.sign(data, padding.PKCS1v15(), hashes.SHA256())
        return bytes(dkim.crypto.RSASSA_PKCS1_v1_5_sign(hashlib.sha256(data), self._key))


@dataclass(frozen=True)
class Unsigned:
    header: bytes  # the DKIM-Signature header up to its empty b= tag
    signed_data: bytes  # the canonical bytes the signature covers


def _with_signature(unsigned: bytes, signature: bytes) -> bytes:
    encoded = base64.b64encode(signature)
    chunks = [encoded[i:i + _WIDTH - 1] for i in range(0, len(encoded), _WIDTH - 1)]
    return unsigned + b"".join(b"\r\n " + chunk for chunk in chunks) + b"\r\n"


def _fold(line: bytes) -> bytes:
    """Fold at spaces so no line passes the width; relaxed canonicalisation reads it back unchanged."""
    lines, current = [], b""
    for word in line.split(b" "):
        if current and len(current) + 1 + len(word) > _WIDTH:
            lines.append(current)
            current = b" " + word
        else:
            current = current + b" " + word if current else word
    return b"\r\n".join([*lines, current])
