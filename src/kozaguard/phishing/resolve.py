"""Which lookalikes exist: DNS look-ups of generated variants, the way dnstwist's users check them.

A variant *exists* when its name resolves: an address (A or AAAA), a mail exchanger (MX) or a
delegation (NS). A name that does not exist (NXDOMAIN, or no answer of any of those types) does
not; a server that fails or does not answer gives an ``error`` instead, never a silent "no". Look-ups
run on a few threads with dnspython against the system's resolver or a named server.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import dns.exception
import dns.resolver

from kozaguard.phishing.variants import Variant

RECORD_TYPES = ("A", "AAAA", "MX", "NS")


@dataclass(frozen=True, slots=True)
class Resolved:
    """A variant and what DNS says of it."""

    variant: Variant
    records: dict[str, tuple[str, ...]] = field(default_factory=dict)
    error: str | None = None

    @property
    def exists(self) -> bool:
        return any(self.records.values())

    def to_dict(self) -> dict:
        out: dict = {**self.variant.to_dict(), "exists": self.exists}
        out.update({t.lower(): list(self.records.get(t, ())) for t in RECORD_TYPES})
        if self.error is not None:
            out["error"] = self.error
        return out


def parse_nameserver(text: str) -> tuple[str, int]:
    """``IP`` or ``IP:PORT`` (``[IPv6]:PORT``) of a DNS server; ``ValueError`` says what to pass.

    >>> parse_nameserver("127.0.0.1:5353"), parse_nameserver("::1"), parse_nameserver("[::1]:53")
    (('127.0.0.1', 5353), ('::1', 53), ('::1', 53))
    """
    import ipaddress

    host, port = text.strip(), "53"
    if host.startswith("["):
        host, _, rest = host[1:].partition("]")
        port = rest.lstrip(":") or "53"
    elif host.count(":") == 1:
        host, _, port = host.partition(":")
    try:
        ipaddress.ip_address(host)
        number = int(port)
        if not 0 < number < 65536:
            raise ValueError
    except ValueError:
        raise ValueError(
            f"nameserver {text!r}: pass an IP address, optionally with :PORT (127.0.0.1:53)"
        ) from None
    return host, number


def make_resolver(nameserver: str | None = None, timeout: float = 2.0) -> dns.resolver.Resolver:
    """A resolver for the system's servers, or for ``nameserver`` (``IP[:PORT]``) alone."""
    if nameserver is None:
        resolver = dns.resolver.Resolver()
    else:
        host, port = parse_nameserver(nameserver)
        resolver = dns.resolver.Resolver(configure=False)
        resolver.nameservers = [host]
        resolver.port = port
    resolver.timeout = resolver.lifetime = timeout
    return resolver


def lookup(variant: Variant, resolver: dns.resolver.Resolver) -> Resolved:
    """Ask for every record type of one variant; NXDOMAIN stops early (the name does not exist)."""
    records: dict[str, tuple[str, ...]] = {}
    for rtype in RECORD_TYPES:
        try:
            answer = resolver.resolve(variant.domain, rtype, raise_on_no_answer=False)
        except dns.resolver.NXDOMAIN:
            return Resolved(variant, {})
        except dns.resolver.NoNameservers as exc:
            return Resolved(variant, records, f"{rtype}: no server answered ({exc.msg.split(':')[0]})")
        except dns.exception.Timeout:
            return Resolved(variant, records, f"{rtype}: timed out")
        except dns.exception.DNSException as exc:
            return Resolved(variant, records, f"{rtype}: {type(exc).__name__}")
        if answer.rrset is not None:
            records[rtype] = tuple(sorted(r.to_text() for r in answer.rrset))
    return Resolved(variant, records)


def resolve_all(
    variants: Iterable[Variant], resolver: dns.resolver.Resolver, threads: int = 8
) -> list[Resolved]:
    """Look every variant up, results in the order given."""
    items = list(variants)
    with ThreadPoolExecutor(max_workers=max(1, threads)) as pool:
        return list(pool.map(lambda v: lookup(v, resolver), items))
