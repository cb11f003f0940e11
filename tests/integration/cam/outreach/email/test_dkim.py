"""DKIM: what arrives verifies with dkimpy against the public key in "DNS"; weak or broken keys are refused."""

import base64
import email
import email.policy
import secrets
from collections.abc import Callable
from math import gcd

import dkim
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from hypothesis import given, settings
from hypothesis import strategies as st

from aicmo.cam.outreach.domain import SendStatus, SmtpSecurity
from aicmo.cam.outreach.email.compose import compose, html_body, html_unsubscribe, text_body, text_unsubscribe
from aicmo.cam.outreach.email.dkim_signing import DkimKeyError, DkimSigner
from aicmo.cam.outreach.email.mailbox import DkimSettings, Mailbox
from tests.integration.cam.outreach.email.builders import lead, mailbox, message, service
from tests.support.smtp_server import ScriptedSmtpServer

PKCS8, PKCS1 = serialization.PrivateFormat.PKCS8, serialization.PrivateFormat.TraditionalOpenSSL


def pem(key: rsa.RSAPrivateKey, form: serialization.PrivateFormat = PKCS8) -> str:
    return key.private_bytes(serialization.Encoding.PEM, form, serialization.NoEncryption()).decode()


def dns_for(key: rsa.RSAPrivateKey, name: bytes = b"s1._domainkey.seller.example.") -> Callable[..., bytes | None]:
    """A dnsfunc for dkim.verify: the TXT record publishing this key's public half at this name."""
    public = key.public_key().public_bytes(serialization.Encoding.DER,
                                           serialization.PublicFormat.SubjectPublicKeyInfo)

    def lookup(queried: bytes, timeout: int = 5) -> bytes | None:
        return b"v=DKIM1; k=rsa; p=" + base64.b64encode(public) if queried == name else None

    return lookup


def weak_key(bits: int) -> rsa.RSAPrivateKey:
    """An RSA key shorter than cryptography will generate, built from primes found here."""

    def prime(size: int) -> int:
        while True:
            candidate = secrets.randbits(size) | (3 << (size - 2)) | 1  # top two bits: p*q has 2*size bits
            if all(pow(witness, candidate - 1, candidate) == 1 for witness in (2, 3, 5, 7, 11, 13, 17, 19, 23)):
                return candidate

    while True:
        p, q = prime(bits // 2), prime(bits // 2)
        if p != q and gcd(65537, (p - 1) * (q - 1)) == 1:
            break
    d = pow(65537, -1, (p - 1) * (q - 1))
    numbers = rsa.RSAPrivateNumbers(p, q, d, d % (p - 1), d % (q - 1), pow(q, -1, p),
                                    rsa.RSAPublicNumbers(65537, p * q))
    return numbers.private_key(unsafe_skip_rsa_key_validation=True)


@pytest.fixture(scope="module")
def key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


async def test_a_signed_message_verifies_against_the_published_key(smtp_server: ScriptedSmtpServer,
                                                                   key: rsa.RSAPrivateKey) -> None:
    signing = mailbox(smtp_server, from_name="Jöhn Sëller", dkim=DkimSettings("seller.example", "s1", pem(key)))
    channel = service(signing)
    result = await channel.send(message(subject="Grüße aus Köln", html_body="<p>Hallo</p>"),
                                lead(first_name="Zoë"))
    await channel.aclose()

    assert result.status is SendStatus.SENT
    raw = smtp_server.envelopes[0].content
    assert raw.startswith(b"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=seller.example;")
    assert dkim.verify(raw, dnsfunc=dns_for(key))
    fields = dict(dkim.util.parse_tag_value(raw.split(b"\r\n\r\n")[0].split(b"\r\nFrom:")[0][len(b"DKIM-Signature:"):]))
    signed = [name.strip() for name in fields[b"h"].split(b":")]
    assert signed == [b"from", b"to", b"subject", b"date", b"message-id", b"list-unsubscribe",
                      b"list-unsubscribe-post", b"mime-version", b"content-type", b"from"]
    assert all(len(line) <= 78 for line in raw.split(b"\r\nFrom:")[0].split(b"\r\n"))


async def test_an_altered_subject_or_body_no_longer_verifies(smtp_server: ScriptedSmtpServer,
                                                            key: rsa.RSAPrivateKey) -> None:
    channel = service(mailbox(smtp_server, dkim=DkimSettings("seller.example", "s1", pem(key))))
    await channel.send(message(subject="Original", body="Price: 100 EUR"), lead())
    await channel.aclose()

    raw = smtp_server.envelopes[0].content
    assert dkim.verify(raw, dnsfunc=dns_for(key))
    assert not dkim.verify(raw.replace(b"Subject: Original", b"Subject: Altered"), dnsfunc=dns_for(key))
    assert not dkim.verify(raw.replace(b"Price: 100 EUR", b"Price: 900 EUR"), dnsfunc=dns_for(key))
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert not dkim.verify(raw, dnsfunc=dns_for(other))


@pytest.mark.parametrize("use_openssl", [True, False], ids=["openssl", "pure-python"])
@pytest.mark.parametrize("form", [PKCS8, PKCS1], ids=["pkcs8", "pkcs1"])
def test_both_rsa_backends_and_both_key_formats_sign_alike(key: rsa.RSAPrivateKey, use_openssl: bool,
                                                           form: serialization.PrivateFormat) -> None:
    signer = DkimSigner("seller.example", "s1", pem(key, form), use_openssl=use_openssl)
    raw = b"From: a@seller.example\r\nTo: b@acme.io\r\nSubject: Hi\r\n\r\nHello  there \r\n\r\n\r\n"
    assert signer.uses_openssl is use_openssl
    assert dkim.verify(signer.sign(raw) + raw, dnsfunc=dns_for(key))


def test_a_1024_bit_key_is_accepted(key: rsa.RSAPrivateKey) -> None:
    small = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    raw = b"From: a@seller.example\r\n\r\nHi\r\n"
    assert dkim.verify(DkimSigner("seller.example", "s1", pem(small)).sign(raw) + raw, dnsfunc=dns_for(small)) is True


def test_a_key_shorter_than_1024_bits_is_refused_when_the_service_is_built(smtp_server: ScriptedSmtpServer) -> None:
    weak = mailbox(smtp_server, dkim=DkimSettings("seller.example", "s1", pem(weak_key(768))))
    with pytest.raises(DkimKeyError, match=r"has 768 bits; DKIM keys need at least 1024"):
        service(weak)


@pytest.mark.parametrize("text", ["", "not a key", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"])
def test_an_unreadable_key_is_refused_with_the_selector_and_domain(text: str) -> None:
    with pytest.raises(DkimKeyError, match=r"selector 's1' for 'seller.example' is not a readable RSA private key"):
        DkimSigner("seller.example", "s1", text)


BODIES = st.text(st.characters(blacklist_categories=("Cs",)), max_size=600)
SUBJECTS = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=120)


@settings(max_examples=150, deadline=None)
@given(BODIES, st.one_of(st.none(), BODIES), st.one_of(st.none(), SUBJECTS), st.sampled_from(["Jane", "Zoë", "Ø"]))
def test_any_composed_message_signed_from_its_parts_verifies_and_reads_back(
        key: rsa.RSAPrivateKey, body: str, html: str | None, subject: str | None, first_name: str) -> None:
    sender = Mailbox(name="sales", from_address="sales@seller.example", from_name="John Seller",
                     smtp_host="127.0.0.1", smtp_port=25, smtp_security=SmtpSecurity.NONE,
                     dkim=DkimSettings("seller.example", "s1", pem(key)), signature_text="John\nSeller")
    composed = compose(sender, message(body=body, html_body=html, subject=subject), lead(first_name=first_name),
                       unsubscribe_url="https://app.example.com/u/token")
    content = composed.content
    signer = DkimSigner("seller.example", "s1", pem(key))
    raw = signer.sign_fields(content.fields, content.body) + content.to_bytes()

    assert dkim.verify(raw, dnsfunc=dns_for(key))
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert parsed["Message-ID"] == composed.envelope.message_id
    assert (parsed["Subject"] is None) if subject is None else " ".join(parsed["Subject"].split()) == " ".join(
        subject.split())
    plain = parsed.get_body(("plain",))
    unsubscribe = "https://app.example.com/u/token"
    # With an HTML part, both parts carry the unsubscribe link.
    text = text_body(body, "John\nSeller") + ("" if html is None else text_unsubscribe(unsubscribe))
    assert plain is not None and plain.get_content().replace("\r\n", "\n") == text
    if html is not None:
        part = parsed.get_body(("html",))
        assert part is not None
        assert part.get_content().replace("\r\n", "\n") == html_body(html, None, "John\nSeller",
                                                                         footer=html_unsubscribe(unsubscribe))
