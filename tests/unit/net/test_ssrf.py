"""Addresses inside our own network are refused, on the first URL and on every redirect hop."""

import ipaddress

import pytest

from aicmo.net.ssrf import PRIVATE_REFUSAL, AddressPolicy, Refused, check_url, is_public


@pytest.mark.parametrize("address", [
    "127.0.0.1", "127.8.9.10", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "169.254.1.1",
    "100.64.0.1", "100.127.255.254", "0.0.0.0", "224.0.0.1", "239.255.255.250", "240.0.0.1", "255.255.255.255",
    "192.0.2.1", "::1", "::", "fe80::1", "fc00::1", "fd00:ec2::254", "ff02::1", "::ffff:127.0.0.1",
    "::ffff:10.0.0.1", "::ffff:169.254.169.254", "2002:7f00:1::1", "64:ff9b::a00:1", "100.100.100.200",
])
def test_private_loopback_link_local_cgnat_multicast_reserved_and_metadata_addresses_are_not_public(
        address: str) -> None:
    assert not is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["8.8.8.8", "93.184.216.34", "2606:4700:4700::1111", "::ffff:8.8.8.8"])
def test_global_unicast_addresses_are_public(address: str) -> None:
    assert is_public(ipaddress.ip_address(address)) is True


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/", "http://localhost:8080/contact", "http://10.0.0.5/", "http://169.254.169.254/latest/meta-data/",
    "http://[::1]:8000/", "http://[::ffff:127.0.0.1]/", "http://[fd00:ec2::254]/", "https://100.64.1.1/",
])
async def test_urls_resolving_to_private_addresses_are_refused_by_default(url: str) -> None:
    with pytest.raises(Refused, match=PRIVATE_REFUSAL):
        await check_url(url, AddressPolicy())


@pytest.mark.parametrize("url", ["ftp://acme.example/", "file:///etc/passwd", "gopher://127.0.0.1/", "http:///x",
                                 "http://[::1/", "http://acme.example:99999/"])
async def test_only_http_urls_with_a_host_are_fetched(url: str) -> None:
    with pytest.raises(Refused, match="refused: "):
        await check_url(url, AddressPolicy(allow_private=True))


async def test_private_addresses_pass_when_allowed_or_trusted() -> None:
    await check_url("http://127.0.0.1/", AddressPolicy(allow_private=True))
    await check_url("http://127.0.0.1/", AddressPolicy.of(False, ["127.0.0.0/8"]))
    with pytest.raises(Refused):
        await check_url("http://10.0.0.1/", AddressPolicy.of(False, ["127.0.0.0/8"]))
