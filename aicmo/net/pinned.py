"""Connections only to addresses the policy allows, checked as they are made: the address checked is the one used.

A name looked up before a request is looked up again when httpx connects, and may then answer 127.0.0.1 where it
answered a public address before (DNS rebinding). Here the connection does the one lookup itself, is refused unless
every address it got is allowed, and connects to exactly those addresses. Every connection passes through it, so
every redirect hop does too. TLS still speaks to the name: httpcore hands start_tls the origin's host for SNI and
the certificate check, never the address connected to.
"""

import socket
import ssl
from collections.abc import Iterable
from typing import Any

import anyio
import httpcore
import httpx

from aicmo.net.ssrf import AddressPolicy, IPAddress, ensure_allowed, ip_of, literal_address

# httpx's own defaults (httpx.AsyncClient() uses these).
LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20, keepalive_expiry=5.0)


async def lookup(host: str, port: int, timeout: float | None) -> list[tuple[IPAddress, str]]:
    """Every address of the host, once each, in the resolver's order: as checked, and as given to connect."""
    literal = literal_address(host)
    if literal is not None:  # nothing to look up, and a lookup costs a thread hand-off
        return [(literal, str(literal))]
    try:
        with anyio.fail_after(timeout):
            infos = await anyio.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except TimeoutError:
        raise httpcore.ConnectTimeout(f"name lookup for {host} timed out") from None
    except OSError as exc:
        raise httpcore.ConnectError(f"name lookup failed for {host}: {exc}") from None
    found = dict.fromkeys(str(info[4][0]) for info in infos)
    return [(ip_of(address), address) for address in found]


class PinnedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's AnyIO backend, connecting only to looked-up addresses the policy allows; Refused otherwise."""

    def __init__(self, policy: AddressPolicy, inner: httpcore.AsyncNetworkBackend | None = None) -> None:
        self.policy = policy
        self._inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                          socket_options: Iterable[Any] | None = None) -> httpcore.AsyncNetworkStream:
        if self.policy.allow_private:  # every address is allowed: nothing to pin
            return await self._inner.connect_tcp(host, port, timeout=timeout, local_address=local_address,
                                                 socket_options=socket_options)
        addresses = await lookup(host, port, timeout)
        ensure_allowed(host, [ip for ip, _ in addresses], self.policy)
        failure: httpcore.ConnectError | httpcore.ConnectTimeout | None = None
        for _, address in addresses:
            try:
                return await self._inner.connect_tcp(address, port, timeout=timeout, local_address=local_address,
                                                     socket_options=socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc  # as a browser would: the host's next address
        assert failure is not None  # ensure_allowed refuses a host without addresses
        raise failure

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class PinnedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport on a PinnedBackend; no proxy from the environment, which would connect past the check."""

    def __init__(self, policy: AddressPolicy, limits: httpx.Limits = LIMITS,
                 ssl_context: ssl.SSLContext | None = None) -> None:
        """`ssl_context`: the certificates to trust, if not the system's."""
        super().__init__(trust_env=False, limits=limits)
        # httpx (0.28) takes no network backend, so its pool is replaced by the same pool on ours.
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context or httpx.create_ssl_context(trust_env=False),
            max_connections=limits.max_connections, max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry, network_backend=PinnedBackend(policy))
