"""A lead's website must not make us call into our own network: refused on the first URL and on every hop."""

import pytest

from aicmo.cam.outreach.domain import ErrorKind, SendStatus
from aicmo.net.ssrf import PRIVATE_REFUSAL
from tests.integration.cam.outreach.forms import pages
from tests.integration.cam.outreach.forms.factories import ServiceFactory, make_lead, make_message
from tests.support.form_site import FormSite, Reply


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:{port}/contact", "http://localhost:{port}/contact", "http://[::1]:{port}/contact",
    "http://10.0.0.1/contact", "http://169.254.169.254/latest/meta-data/", "http://[::ffff:127.0.0.1]:{port}/",
])
async def test_private_addresses_are_refused_by_default_without_a_request(
        site: FormSite, service_factory: ServiceFactory, url: str) -> None:
    site.page("/contact", pages.PLAIN)
    service = service_factory(allow_private_network=False)
    result = await service.send(make_message(), make_lead(contact_form_url=url.format(port=site.port)))
    assert (result.status, result.error_kind) == (SendStatus.FAILED, ErrorKind.CHANNEL_FAILED)
    assert result.detail.startswith(PRIVATE_REFUSAL)
    assert site.received == []


@pytest.mark.parametrize("to", ["http://169.254.169.254/latest/meta-data/", "http://10.1.2.3/", "http://[::1]:{port}/",
                                "http://100.64.0.1/"])
async def test_a_redirect_from_an_allowed_site_to_a_private_address_is_refused(
        site: FormSite, service_factory: ServiceFactory, to: str) -> None:
    site.redirect("GET", "/contact", to.format(port=site.port), status=302)
    service = service_factory(allow_private_network=False, trusted_networks=["127.0.0.1/32"])
    result = await service.send(make_message(), make_lead(contact_form_url=site.url("/contact")))
    assert result.error_kind is ErrorKind.CHANNEL_FAILED and result.detail.startswith(PRIVATE_REFUSAL)
    assert [r.path for r in site.received] == ["/contact"]


async def test_a_307_after_the_post_is_checked_before_the_post_is_repeated(
        site: FormSite, service_factory: ServiceFactory) -> None:
    site.page("/contact", pages.PLAIN)
    site.route("POST", "/contact", lambda _: Reply(307, "", headers={"Location": "http://10.0.0.9/collect"}))
    service = service_factory(allow_private_network=False, trusted_networks=["127.0.0.1/32"])
    result = await service.send(make_message(), make_lead(contact_form_url=site.url("/contact")))
    assert result.error_kind is ErrorKind.CHANNEL_FAILED and result.detail.startswith(PRIVATE_REFUSAL)


async def test_a_trusted_network_is_fetched_even_when_private_networks_are_not_allowed(
        site: FormSite, service_factory: ServiceFactory) -> None:
    site.page("/contact", pages.PLAIN)
    site.route("POST", "/contact", lambda _: Reply(body=pages.THANK_YOU))
    service = service_factory(allow_private_network=False, trusted_networks=["127.0.0.1/32"])
    result = await service.send(make_message(), make_lead(contact_form_url=site.url("/contact")))
    assert result.status is SendStatus.SENT, result.detail
