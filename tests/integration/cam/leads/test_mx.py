import dns.resolver
import pytest

from aicmo.cam.leads.mx import check_mx


class NoNetwork(dns.resolver.Resolver):
    """A resolver that fails the test if a look-up is attempted."""

    def __init__(self) -> None:
        super().__init__(configure=False)

    def resolve(self, *args: object, **kwargs: object) -> dns.resolver.Answer:
        raise AssertionError("DNS look-up attempted")


@pytest.mark.parametrize("domain", [
    "invalid..domain", "", ".", "-acme.com", "acme", "a b.com", "x" * 64 + ".com", "bad_char.com",
])
def test_a_domain_that_is_not_a_domain_name_has_no_mx_without_any_lookup(domain: str) -> None:
    assert check_mx(domain, resolver=NoNetwork()) is False


def test_an_unreachable_dns_server_means_unknown_not_an_error() -> None:
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers = ["127.0.0.1"]
    resolver.port = 9  # discard: nothing answers DNS here
    resolver.timeout = 0.2
    resolver.lifetime = 0.5
    assert check_mx("acme.com", resolver=resolver) is None
