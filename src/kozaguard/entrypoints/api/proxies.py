"""The client's address behind a reverse proxy, believed only from proxies the settings trust.

`TrustedProxyMiddleware` rewrites the request's client address (and scheme) from
`X-Forwarded-For` (and `X-Forwarded-Proto`) when, and only when, the connection comes from one of
the configured proxy networks. The forwarded chain is read from the right: the first address that
is not itself a trusted proxy is the client. Anyone else's `X-Forwarded-For` is ignored, so a
caller cannot pick the address that rate limits and risk rules see.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(values: Iterable[str]) -> tuple[Network, ...]:
    """Networks from text (`10.0.0.0/8`, `127.0.0.1`); ValueError names the bad entry."""
    out = []
    for v in values:
        try:
            out.append(ipaddress.ip_network(v.strip(), strict=False))
        except ValueError:
            raise ValueError(
                f"trusted_proxies: {v!r} is not an address or network (e.g. 10.0.0.0/8)"
            ) from None
    return tuple(out)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip().removeprefix("[").split("]")[0])
    except ValueError:
        return None


def trusted(address: str, networks: tuple[Network, ...]) -> bool:
    ip = _address(address)
    return ip is not None and any(ip in n for n in networks)


def forwarded_client(peer: str, forwarded_for: str, networks: tuple[Network, ...]) -> str:
    """The client address: the peer, unless the peer is a trusted proxy that forwarded for someone.

    >>> nets = parse_networks(["10.0.0.0/8"])
    >>> forwarded_client("10.0.0.5", "203.0.113.7, 10.0.0.9", nets)
    '203.0.113.7'
    >>> forwarded_client("198.51.100.1", "203.0.113.7", nets)
    '198.51.100.1'
    """
    if not networks or not trusted(peer, networks):
        return peer
    client = peer
    for hop in reversed([h for h in forwarded_for.split(",") if h.strip()]):
        ip = _address(hop)
        if ip is None:
            break
        client = str(ip)
        if not any(ip in n for n in networks):
            break
    return client


class TrustedProxyMiddleware:
    def __init__(self, app: ASGIApp, networks: tuple[Network, ...]) -> None:
        self.app, self.networks = app, networks

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and self.networks and scope.get("client"):
            peer, port = scope["client"]
            if trusted(peer, self.networks):
                headers = dict(scope["headers"])
                forwarded = headers.get(b"x-forwarded-for", b"").decode("latin-1")
                scope = dict(scope, client=(forwarded_client(peer, forwarded, self.networks), port))
                proto = headers.get(b"x-forwarded-proto", b"").decode("latin-1").strip().lower()
                if proto in ("http", "https"):
                    scope["scheme"] = proto
        await self.app(scope, receive, send)


def client_ip(request: Request) -> str:
    """The client address every rule should see (already resolved by `TrustedProxyMiddleware`)."""
    return request.client.host if request.client else "0.0.0.0"
