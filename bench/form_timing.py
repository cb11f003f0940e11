"""Median time of one contact-form send (fetch the page, find and fill the form, POST, read the answer).

    python bench/form_timing.py [--n 200]

Runs against the local test site (tests/support/form_site.py) on 127.0.0.1, so it measures our own work plus
two loopback HTTP round trips, not the internet. Target: under 20 ms.
"""

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aicmo.cam.leads.schemas import LeadRead
from aicmo.cam.outreach.domain import Channel, OutreachMessage, SendStatus
from aicmo.cam.outreach.forms.channel import ContactFormOutreachService
from aicmo.settings import Settings
from tests.integration.cam.outreach.forms import pages
from tests.integration.cam.outreach.forms.factories import SENDER, make_lead
from tests.support.form_site import FormSite, Reply

WARM_UP = 10


async def _timed_sends(site: FormSite, n: int) -> list[float]:
    settings = Settings(allow_private_network=True, form_submissions_per_domain=n + WARM_UP + 1)
    service = ContactFormOutreachService(SENDER, settings=settings)
    lead: LeadRead = make_lead(contact_form_url=site.url("/contact"))
    times: list[float] = []
    try:
        for i in range(n + WARM_UP):
            message = OutreachMessage(lead_id=lead.id, subject="Hello", body="A short note.",
                                      channel=Channel.CONTACT_FORM)
            started = time.perf_counter()
            result = await service.send(message, lead)
            elapsed = (time.perf_counter() - started) * 1000
            if result.status is not SendStatus.SENT:
                raise RuntimeError(f"send {i} failed: {result.detail}")
            if i >= WARM_UP:
                times.append(elapsed)
    finally:
        await service.aclose()
    return times


async def median_form_roundtrip_ms(n: int = 200) -> float:
    """Median milliseconds of one verify + fill + submit through ContactFormOutreachService, on a local site."""
    with FormSite() as site:
        site.page("/contact", pages.GERMAN_LABELS_ONLY)
        site.route("POST", "/kontakt/senden", lambda _got: Reply(body=pages.THANK_YOU))
        return statistics.median(await _timed_sends(site, n))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=200, help="timed sends (after 10 warm-up sends)")
    args = parser.parse_args()
    median = asyncio.run(median_form_roundtrip_ms(args.n))
    print(f"contact form: median {median:.2f} ms per verify+submit over {args.n} sends (target < 20 ms)")


if __name__ == "__main__":
    main()
