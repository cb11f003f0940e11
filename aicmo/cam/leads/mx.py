"""Does an email domain accept mail? One DNS look-up (dnspython), never an exception."""

from __future__ import annotations

import re
from functools import lru_cache

import dns.exception
import dns.name
import dns.resolver
import idna

TIMEOUT = 3.0
LIFETIME = 5.0

_HOSTNAME = re.compile(r"(?=.{1,253}\Z)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}\Z")


@lru_cache(maxsize=1)
def _default_resolver() -> dns.resolver.Resolver:
    resolver = dns.resolver.Resolver()
    resolver.timeout = TIMEOUT
    resolver.lifetime = LIFETIME
    return resolver


def _ascii_name(domain: str) -> str | None:
    name = domain.strip().rstrip(".").lower()
    if not name.isascii():
        try:
            name = idna.encode(name, uts46=True).decode("ascii")
        except idna.IDNAError:
            return None
    return name if _HOSTNAME.match(name) else None


def _has_address(resolver: dns.resolver.Resolver, name: str) -> bool | None:
    """The RFC 5321 fallback: a domain without MX receives mail at its A/AAAA address."""
    unknown = False
    for rdtype in ("A", "AAAA"):
        try:
            resolver.resolve(name, rdtype)
            return True
        except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
            continue
        except dns.exception.DNSException:
            unknown = True
    return None if unknown else False


def check_mx(domain: str, *, resolver: dns.resolver.Resolver | None = None) -> bool | None:
    """True: the domain has an MX (or A/AAAA fallback) record. False: it cannot receive mail (no such
    domain, no records, a null MX, or not a domain name at all). None: unknown (time-out, no DNS server)."""
    name = _ascii_name(domain)
    if name is None:
        return False
    try:
        active = resolver or _default_resolver()
        answer = active.resolve(name, "MX")
    except dns.resolver.NXDOMAIN:
        return False
    except dns.resolver.NoAnswer:
        return _has_address(active, name)
    except dns.exception.DNSException:  # Timeout, LifetimeTimeout, NoNameservers, NoResolverConfiguration
        return None
    exchanges = [getattr(record, "exchange", None) for record in answer]
    return exchanges != [dns.name.root]  # RFC 7505 null MX: "this domain accepts no mail"
