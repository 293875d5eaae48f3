"""Where an IP address is: country, network (ASN) and whether it is a hosting provider.

Offline data from geoip2fast (country + ASN, IPv4 and IPv6), loaded once on first use and cached per
address. Takeovers come from foreign hosting and from proxies; customers come from home and mobile
networks, so the network an address belongs to matters more than the address itself.

>>> info = ip_info("8.8.8.8")
>>> info.country, info.hosting
('US', True)
>>> ip_info("192.168.1.10").country
'--'
"""

from __future__ import annotations

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


@lru_cache(maxsize=1 << 18)
def ip_info(ip: str) -> IpInfo:
    """Country, network and hosting flag of an address (cached; unknown parts are '--')."""
    try:
        r = _lookup(ip)
    except Exception:  # geoip2fast raises on malformed text; the codec already checked the address
        return IpInfo("--", "--", False)
    name = getattr(r, "asn_name", "") or ""
    network = name or getattr(r, "asn_cidr", "") or getattr(r, "cidr", "") or "--"
    return IpInfo(r.country_code or "--", network, bool(name and _HOSTING.search(name)))
