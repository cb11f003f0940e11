"""Refuse URLs that point into our own network: a lead's "website" must not make us call an internal service.

A URL whose host is, or resolves to, a loopback, private, link-local, CGNAT, multicast, reserved or cloud-metadata
address is refused unless the AddressPolicy allows it (allow_private_network, or a trusted network). Two checks:

- check_url, before each request and each redirect hop, refuses early with a clear reason (not http(s), a
  private literal IP, a name that resolves to one). It is not the guarantee: the connection looks the name up
  again, and a name can answer differently the second time (DNS rebinding).
- pinned.PinnedBackend is the guarantee, under every client that fetches a lead's page or posts a webhook: each
  connection resolves the host once, is refused unless every address is allowed, and goes to those addresses.
"""

import asyncio
import ipaddress
import socket
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

PRIVATE_REFUSAL = "refused: resolves to a private address"
_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_METADATA = frozenset(ipaddress.ip_address(a) for a in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200"))


class Refused(Exception):
    """The URL may not be fetched; the message says why."""


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_public(address: IPAddress) -> bool:
    """True only for a globally routable unicast address (IPv4-mapped and 6to4 IPv6 judged by their IPv4)."""
    if isinstance(address, ipaddress.IPv6Address):
        inner = _embedded_ipv4(address)
        if inner is not None:
            return is_public(inner)
    return not (
        address in _METADATA or address.is_private or address.is_loopback or address.is_link_local
        or address.is_multicast or address.is_reserved or address.is_unspecified
        or (isinstance(address, ipaddress.IPv4Address) and address in _CGNAT) or not address.is_global
    )


@dataclass(frozen=True)
class AddressPolicy:
    """Which addresses may be fetched: public ones, plus private ones when allowed or explicitly trusted."""

    allow_private: bool = False
    trusted: tuple[IPNetwork, ...] = ()

    @classmethod
    def of(cls, allow_private: bool, trusted: Iterable[str] = ()) -> "AddressPolicy":
        return cls(allow_private, tuple(ipaddress.ip_network(n, strict=False) for n in trusted))

    def allows(self, address: IPAddress) -> bool:
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        return self.allow_private or is_public(address) or any(address in net for net in self.trusted)


def check_scheme(url: str) -> str:
    """The URL's host; Refused for anything but an http(s) URL with a host."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - parsing the port is what checks it
    except ValueError as exc:
        raise Refused(f"refused: not a valid URL ({exc})") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise Refused(f"refused: only http(s) URLs ({parts.scheme or 'no scheme'}:)")
    if not parts.hostname:
        raise Refused("refused: the URL has no host")
    return parts.hostname


def literal_address(host: str) -> IPAddress | None:
    """The address a host written as an IP literal is ("[::1]" too); None for a name."""
    try:
        return ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return None


async def resolve(host: str, port: int | None) -> list[IPAddress]:
    """Every address the host resolves to (getaddrinfo in the loop's thread pool)."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port or 443, type=socket.SOCK_STREAM)
    return [ip_of(str(info[4][0])) for info in infos]


def ip_of(address: str) -> IPAddress:
    """The address getaddrinfo gave, without an IPv6 scope ("fe80::1%eth0")."""
    return ipaddress.ip_address(address.split("%", 1)[0])


def ensure_allowed(host: str, addresses: Sequence[IPAddress], policy: AddressPolicy) -> None:
    """Refused unless the host has an address and the policy allows every one of them."""
    refused = [a for a in addresses if not policy.allows(a)]
    if refused or not addresses:
        shown = ", ".join(sorted({str(a) for a in refused})) or "no address"
        raise Refused(f"{PRIVATE_REFUSAL} ({host} -> {shown})")


async def check_url(url: str, policy: AddressPolicy) -> None:
    """Refused unless the URL is http(s) and every address its host resolves to is allowed by the policy.

    Run on the first URL and again on every redirect hop, for a clear early answer; the connection itself is
    checked again (see the module's docstring). socket.gaierror escapes for the caller to report.
    """
    host = check_scheme(url)
    if policy.allow_private:
        return
    literal = literal_address(host)
    ensure_allowed(host, [literal] if literal is not None else await resolve(host, urlsplit(url).port), policy)
