"""Where an IP address is: country, network (ASN) and whether it is a hosting provider.

Offline data from geoip2fast (country + ASN, IPv4 and IPv6), loaded once on first use and cached per
address. Takeovers come from foreign hosting and from proxies; customers come from home and mobile
networks, so the network an address belongs to matters more than the address itself.

>>> info = ip_info("8.8.8.8")
>>> info.country, info.hosting
('US', True)
>>> ip_info("192.168.1.10").country, ip_info("203.0.113.9").network
('--', '203.0.0.0/16')
"""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache

from msgspec import Struct

# Hosting, cloud and VPN/proxy operators: a login from one of these is not a person at home.
_HOSTING = re.compile(
    r"AMAZON|AWS|GOOGLE|MICROSOFT|AZURE|DIGITALOCEAN|\bOVH|HETZNER|LINODE|AKAMAI|VULTR|CHOOPA|"
    r"ALIBABA|ALICLOUD|TENCENT|HUAWEI CLOUD|CLOUDFLARE|ORACLE|CONTABO|LEASEWEB|M247|IONOS|SCALEWAY|"
    r"HOSTINGER|HOSTWINDS|COLOCROSSING|DATACAMP|PSYCHZ|QUADRANET|SERVERS\.COM|GCORE|G-CORE|"
    r"ZENLAYER|CDN77|LIQUIDWEB|RACKSPACE|SAKURA INTERNET|IDC FRONTIER|GMO INTERNET|XSERVER|"
    r"KAGOYA|CONOHA|HOSTING|DATACENTER|DATA CENTER|SERVER|CLOUD|VPS|VPN|PROXY",
    re.I,
)


class IpInfo(Struct, frozen=True, gc=False):
    country: str  # ISO 3166 alpha-2, or "--" when unknown / private
    network: str  # ASN name where known, else the routed prefix
    hosting: bool


_db = None


def _lookup(ip: str):
    global _db
    if _db is None:
        from geoip2fast import GeoIP2Fast

        _db = GeoIP2Fast(geoip2fast_data_file="geoip2fast-asn-ipv6.dat.gz")
    return _db.lookup(ip)


_wide: dict[str, IpInfo] = {}
"""IPv4 /16s that lie wholly inside one country block and one ASN block: one answer for all."""


def ip_info(ip: str) -> IpInfo:
    """Country, network and hosting flag of an address (unknown parts are '--').

    Registries assign addresses in blocks of at least a /24 (IPv4) or /48 (IPv6), so the answer is
    looked up and cached once per block, or once per /16 when the registry's block is that wide.
    """
    known = _seen.get(ip)
    if known is not None:
        return known
    if ":" in ip:
        info = _block_info(str(ipaddress.ip_network(f"{ip}/48", strict=False).network_address))
    else:
        block = ip.rpartition(".")[0]
        info = _wide.get(block.rpartition(".")[0]) or _block_info(block + ".0")
    if len(_seen) >= _SEEN_MAX:
        _seen.clear()
    _seen[ip] = info
    return info


_SEEN_MAX = 1 << 20
_seen: dict[str, IpInfo] = {}
"""Answers by exact address: a session's actions come from the address its login came from."""


@lru_cache(maxsize=4096)
def _is_hosting(asn_name: str) -> bool:
    return bool(_HOSTING.search(asn_name))


def _prefixlen(cidr: str) -> int:
    return int(cidr.rpartition("/")[2] or 32) if cidr else 32


@lru_cache(maxsize=1 << 18)
def _block_info(ip: str) -> IpInfo:
    wide = False
    try:
        r = _lookup(ip)
        name, country = getattr(r, "asn_name", "") or "", r.country_code or "--"
        wide = max(_prefixlen(r.cidr), _prefixlen(getattr(r, "asn_cidr", ""))) <= 16
    except Exception:  # geoip2fast raises on text it cannot place; the codec already checked the address
        name, country = "", "--"
    network = name if name and country != "--" else _prefix(ip)
    info = IpInfo(country, network, bool(name) and _is_hosting(name))
    if wide and ":" not in ip:
        _wide[ip.rsplit(".", 2)[0]] = info
    return info


@lru_cache(maxsize=1 << 16)
def address_block(ip: str) -> str:
    """The block an address shares with its neighbours: its /24 (IPv4) or /64 (IPv6).

    A home line keeps its address, or one of its neighbours, for weeks; a provider (an ASN) is shared
    by millions of customers, attackers' residential proxies among them. A login from a block the
    account already used is from the same place, not just the same provider.

    >>> address_block("203.0.113.7"), address_block("2001:db8:1:2:3::1")
    ('203.0.113.0/24', '2001:db8:1:2::/64')
    """
    if ":" not in ip:
        return ip.rpartition(".")[0] + ".0/24"
    return str(ipaddress.ip_network(f"{ip}/64", strict=False))


def _prefix(ip: str) -> str:
    """The address's /16 (IPv4) or /32 (IPv6): a stand-in network where no ASN is known.

    >>> _prefix("203.0.113.7"), _prefix("2001:db8::1")
    ('203.0.0.0/16', '2001:db8::/32')
    """
    addr = ipaddress.ip_address(ip)
    bits = 16 if addr.version == 4 else 32
    return str(ipaddress.ip_network(f"{addr}/{bits}", strict=False))
