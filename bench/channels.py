"""Outreach channels against local servers, each measurement a function of its own, `main` printing them all.

    python bench/channels.py [--emails 5000] [--rounds 3] [--dkim-bits 2048 | --no-dkim | --both]

email  5,000 emails through EmailOutreachService (compose, List-Unsubscribe token, DKIM, SMTP, classification)
       into a local aiosmtpd sink that accepts everything; then the same messages, prepared beforehand, through
       bare aiosmtplib `sendmail` on one connection to the same sink. Prints messages/s of each, the ratio
       ours/bare (target >= 0.7) and the median time of one `send()` (target < 5 ms).
       Sends are awaited one after another (the headline numbers); within each, the message is composed while
       the server answers MAIL and signed while it answers RCPT. The service is also timed with
       a few sends in flight, as a worker would drive it: one connection still carries one transaction at a time.
The sink runs in a process of its own, as a real SMTP server would, so its work is not counted as ours.
"""

import argparse
import asyncio
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import aiosmtplib
from sqlalchemy.orm import sessionmaker

from aicmo.cam.leads.enums import EmailStatus, LeadStatus, LinkedInStatus
from aicmo.cam.leads.schemas import LeadRead
from aicmo.cam.outreach.domain import OutreachMessage, SendStatus, SmtpSecurity
from aicmo.cam.outreach.email.channel import EmailOutreachService, PreparedEmail
from aicmo.cam.outreach.email.mailbox import DkimSettings, Mailbox
from aicmo.settings import Settings

WARM_UP = 200
IN_FLIGHT = 4
SETTINGS = Settings(public_base_url="https://app.example.com", secret_key="bench-secret", smtp_timeout=10.0)
TEXT = ("Hi {first},\n\nI noticed {company} is hiring engineers in {country} and wondered whether our onboarding "
        "kit could save your team a few weeks. Teams like yours cut ramp-up time by a third last quarter.\n\n"
        "Would a 15-minute call next week be useful? If not, no worries — just let me know.\n")
HTML = ("<html><body><p>Hi {first},</p><p>I noticed <b>{company}</b> is hiring engineers in {country} and "
        "wondered whether our onboarding kit could save your team a few weeks. Teams like yours cut ramp-up "
        "time by a third last quarter.</p><p>Would a 15-minute call next week be useful? If not, no worries — "
        "just let me know.</p></body></html>")


@dataclass
class EmailNumbers:
    ours_per_s: float
    bare_per_s: float
    median_send_ms: float
    p95_send_ms: float
    signed_with: str
    concurrent_per_s: float


def start_sink() -> tuple[subprocess.Popen[str], int]:
    """An aiosmtpd server in its own process that accepts every message and keeps nothing."""
    process = subprocess.Popen([sys.executable, __file__, "--sink"], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    return process, int(process.stdout.readline())


async def _serve_sink() -> None:
    from aiosmtpd.smtp import SMTP

    class Sink:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            return "250 2.0.0 Ok"

    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(Sink(), hostname="sink.local"), "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    await asyncio.Event().wait()


def dkim_key(bits: int) -> DkimSettings:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    return DkimSettings("seller.example", "bench", pem)


def leads_and_messages(count: int) -> list[tuple[OutreachMessage, LeadRead]]:
    now = datetime.now(UTC)
    pairs = []
    for i in range(count):
        fields = {"first": f"Zoë{i}", "company": f"Acme {i}", "country": "Deutschland"}
        lead = LeadRead(
            id=i + 1, first_name=fields["first"], last_name="Ørsted", email=f"lead{i}@acme{i % 97}.example",
            email_status=EmailStatus.VALID_SYNTAX, title=None, seniority=None, department=None,
            company_name=fields["company"], company_domain=None, company_size=None, industry=None, website=None,
            linkedin_url=None, contact_form_url=None, phone=None, city=None, country="DE", time_zone=None,
            source=None, tags=[], custom_fields={}, status=LeadStatus.NEW, grade=None, score=None,
            grade_reasons=[], graded_at=None, last_outreach_at=None, linkedin_status=LinkedInStatus.NONE,
            created_at=now, updated_at=now)
        message = OutreachMessage(lead_id=lead.id, subject=f"Quick question about {fields['company']}’s hiring",
                                  body=TEXT.format(**fields), html_body=HTML.format(**fields))
        pairs.append((message, lead))
    return pairs


def email_service(port: int, dkim: DkimSettings | None) -> EmailOutreachService:
    mailbox = Mailbox(name="bench", from_address="john@seller.example", from_name="Jöhn Sëller",
                      smtp_host="127.0.0.1", smtp_port=port, smtp_security=SmtpSecurity.NONE,
                      signature_text="John Seller\nCEO, Seller Inc.", signature_html="<p>John Seller<br>CEO</p>",
                      dkim=dkim)
    return EmailOutreachService([mailbox], sessionmaker(), settings=SETTINGS, local_hostname="bench.local")


async def send_through_service(service: EmailOutreachService,
                               pairs: list[tuple[OutreachMessage, LeadRead]]) -> tuple[float, list[float]]:
    """Seconds for all sends, and the duration of each one."""
    durations = []
    started = time.perf_counter()
    for message, lead in pairs:
        one = time.perf_counter()
        result = await service.send(message, lead)
        durations.append(time.perf_counter() - one)
        if result.status is not SendStatus.SENT:
            raise RuntimeError(f"benchmark send failed: {result.detail}")
    return time.perf_counter() - started, durations


async def send_in_flight(service: EmailOutreachService, pairs: list[tuple[OutreachMessage, LeadRead]],
                         in_flight: int) -> float:
    """Seconds for all sends with this many awaiting at once."""
    queue = iter(pairs)

    async def worker() -> None:
        for message, lead in queue:
            if (await service.send(message, lead)).status is not SendStatus.SENT:
                raise RuntimeError("benchmark send failed")

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(in_flight)))
    return time.perf_counter() - started


async def send_bare(port: int, prepared: list[PreparedEmail]) -> float:
    """Seconds to send the prepared messages with bare aiosmtplib over one connection."""
    smtp = aiosmtplib.SMTP(hostname="127.0.0.1", port=port, start_tls=False, local_hostname="bench.local")
    await smtp.connect()
    started = time.perf_counter()
    for email in prepared:
        await smtp.sendmail(email.sender, [email.recipient], email.data)
    elapsed = time.perf_counter() - started
    await smtp.quit()
    return elapsed


async def measure_email(count: int, dkim_bits: int | None, rounds: int) -> EmailNumbers:
    """Bare and ours in alternating rounds of `count` messages each; the median round of each side counts."""
    process, port = start_sink()
    try:
        service = email_service(port, dkim_key(dkim_bits) if dkim_bits else None)
        await send_bare(port, prepare(service, leads_and_messages(WARM_UP)))
        await send_through_service(service, leads_and_messages(WARM_UP))
        bare, ours, concurrent, durations = [], [], [], []
        for _ in range(rounds):
            pairs = leads_and_messages(count)
            bare.append(count / await send_bare(port, prepare(service, pairs)))
            elapsed, each = await send_through_service(service, pairs)
            ours.append(count / elapsed)
            durations.extend(each)
            concurrent.append(count / await send_in_flight(service, leads_and_messages(count), IN_FLIGHT))
        await service.aclose()
    finally:
        process.terminate()
        process.wait()
    durations.sort()
    signed = f"DKIM rsa-{dkim_bits}" if dkim_bits else "no DKIM"
    return EmailNumbers(statistics.median(ours), statistics.median(bare), statistics.median(durations) * 1000,
                        durations[int(len(durations) * 0.95)] * 1000, signed, statistics.median(concurrent))


def prepare(service: EmailOutreachService, pairs: list[tuple[OutreachMessage, LeadRead]]) -> list[PreparedEmail]:
    """The messages the service would send, built (and signed) ahead, for the bare client."""
    prepared = [service.prepare(message, lead) for message, lead in pairs]
    return [email for email in prepared if isinstance(email, PreparedEmail)]


def print_email(numbers: EmailNumbers, count: int, rounds: int) -> None:
    ratio = numbers.ours_per_s / numbers.bare_per_s
    print(f"email ({count:,} messages a round, median of {rounds} alternating rounds, {numbers.signed_with}, "
          "text + HTML, into a local aiosmtpd sink)")
    print(f"  EmailOutreachService  {numbers.ours_per_s:9,.0f} msg/s")
    print(f"  bare aiosmtplib       {numbers.bare_per_s:9,.0f} msg/s  (same messages prepared beforehand)")
    print(f"  ratio ours/bare       {ratio:9.2f}      target >= 0.70  {'ok' if ratio >= 0.7 else 'BELOW TARGET'}")
    print(f"  one send: median {numbers.median_send_ms:.2f} ms, p95 {numbers.p95_send_ms:.2f} ms"
          f"   target median < 5 ms  {'ok' if numbers.median_send_ms < 5 else 'ABOVE TARGET'}")
    print(f"  {IN_FLIGHT} sends in flight    {numbers.concurrent_per_s:9,.0f} msg/s  "
          f"(ratio {numbers.concurrent_per_s / numbers.bare_per_s:.2f}; still one SMTP connection)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--emails", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--dkim-bits", type=int, default=2048)
    parser.add_argument("--no-dkim", action="store_true")
    parser.add_argument("--both", action="store_true", help="run with and without DKIM")
    parser.add_argument("--sink", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.sink:
        asyncio.run(_serve_sink())
        return
    variants = [args.dkim_bits, None] if args.both else [None if args.no_dkim else args.dkim_bits]
    for bits in variants:
        print_email(asyncio.run(measure_email(args.emails, bits, args.rounds)), args.emails, args.rounds)


if __name__ == "__main__":
    main()
