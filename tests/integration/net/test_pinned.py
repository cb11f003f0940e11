"""The address checked is the address connected to: every connection is checked as it is made, redirects too."""

import ssl
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
import trustme

from aicmo.cam.outreach.domain import ErrorKind
from aicmo.cam.outreach.forms.fetch import FetchFailed, Limits, fetch
from aicmo.net.pinned import PinnedTransport
from aicmo.net.ssrf import PRIVATE_REFUSAL, AddressPolicy, Refused
from tests.integration.cam.outreach.forms import pages
from tests.support.form_site import FormSite

LOOPBACK_1 = AddressPolicy.of(False, ["127.0.0.1/32"])


@pytest.fixture
def other_site() -> Iterator[FormSite]:
    """A second site on 127.0.0.2: as reachable as the first, but outside a policy trusting only 127.0.0.1."""
    with FormSite(host="127.0.0.2") as running:
        yield running


@pytest.fixture
async def pinned_client() -> AsyncIterator[httpx.AsyncClient]:
    """A client that follows redirects itself: nothing but the transport checks addresses."""
    async with httpx.AsyncClient(transport=PinnedTransport(LOOPBACK_1), follow_redirects=True) as client:
        yield client


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "[::ffff:127.0.0.1]"])
async def test_a_host_resolving_to_loopback_is_refused_as_it_connects_with_no_check_before(
        site: FormSite, host: str) -> None:
    site.page("/contact", pages.PLAIN)
    async with httpx.AsyncClient(transport=PinnedTransport(AddressPolicy())) as client:
        with pytest.raises(Refused, match=PRIVATE_REFUSAL):
            await client.get(site.url("/contact", host=host))
    assert site.received == []


async def test_a_redirect_to_a_refused_address_is_refused_as_it_connects(
        site: FormSite, other_site: FormSite, pinned_client: httpx.AsyncClient) -> None:
    other_site.page("/internal", "<p>internal</p>")
    site.redirect("GET", "/contact", other_site.url("/internal"), status=302)

    with pytest.raises(Refused, match=r"127\.0\.0\.2 -> 127\.0\.0\.2"):
        await pinned_client.get(site.url("/contact"))

    assert [r.path for r in site.received] == ["/contact"] and other_site.received == []
    async with httpx.AsyncClient(transport=PinnedTransport(AddressPolicy(allow_private=True)),
                                 follow_redirects=True) as allowed:
        assert (await allowed.get(site.url("/contact"))).text == "<p>internal</p>"


async def test_fetch_reports_a_refusal_at_connect_time_as_a_failed_channel_even_when_the_early_check_passed(
        site: FormSite) -> None:
    site.page("/contact", pages.PLAIN)
    async with httpx.AsyncClient(transport=PinnedTransport(AddressPolicy())) as client:
        with pytest.raises(FetchFailed) as failed:
            # The early check is told loopback is fine, as a name that changes its answer would make it pass.
            await fetch(client, site.url("/contact", host="localhost"), AddressPolicy(allow_private=True), Limits())
    assert failed.value.kind is ErrorKind.CHANNEL_FAILED and failed.value.detail.startswith(PRIVATE_REFUSAL)
    assert site.received == []


async def test_an_allowed_address_is_fetched_and_keeps_its_connection_for_the_next_request(
        site: FormSite, pinned_client: httpx.AsyncClient) -> None:
    site.page("/contact", pages.PLAIN)
    first = await pinned_client.get(site.url("/contact", host="localhost"))
    second = await pinned_client.get(site.url("/contact", host="localhost"))
    assert (first.status_code, second.status_code) == (200, 200)
    assert [r.path for r in site.received] == ["/contact", "/contact"]


async def test_tls_checks_the_certificate_against_the_host_name_not_the_address_connected_to() -> None:
    ca = trustme.CA()
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("localhost").configure_cert(server)
    names: list[str | None] = []
    server.sni_callback = lambda _socket, name, _context: names.append(name)  # type: ignore[assignment,func-returns-value]
    trusting = ssl.create_default_context()
    ca.configure_trust(trusting)
    policy = AddressPolicy.of(False, ["127.0.0.1/32", "::1/128"])
    with FormSite(tls=server) as site:
        site.page("/contact", pages.PLAIN)
        async with httpx.AsyncClient(transport=PinnedTransport(policy, ssl_context=trusting)) as client:
            answer = await client.get(site.url("/contact", host="localhost"))
            with pytest.raises(httpx.ConnectError, match="certificate"):
                await client.get(site.url("/contact"))  # the certificate names localhost, not 127.0.0.1
    assert answer.status_code == 200 and answer.url.host == "localhost"
    assert names[0] == "localhost"
