"""Addresses, user agents and client identifiers.

Every Japanese block below was checked to geolocate to JP (geoip2fast ASN database); the foreign
blocks to the country named. Fixed lines and mobile carriers are kept apart: a phone on the
carrier network gets a new carrier-grade NAT address often, a home line keeps its address for days.
"""

from __future__ import annotations

import ipaddress
import random

JP_HOME_V4 = {
    "ntt-ocn": ["153.144.0.0/12", "153.240.0.0/13", "180.0.0.0/10"],
    "kddi-au-hikari": ["111.86.0.0/15", "111.236.0.0/14"],
    "softbank-bb": ["126.0.0.0/9", "60.64.0.0/10"],
    "so-net": ["118.240.0.0/15"],
}
JP_HOME_V6 = {
    "ntt-ocn": ["2400:4051::/34"],
    "biglobe": ["2404:7a80::/29"],
    "kddi-au-hikari": ["240b::/26"],
}
JP_MOBILE_V4 = {
    "docomo": ["49.96.0.0/12", "1.72.0.0/13", "110.160.0.0/14"],
    "au": ["106.128.0.0/10"],
    "softbank-mobile": ["114.48.0.0/14", "126.208.0.0/16"],
}
JP_MOBILE_V6 = {"au": ["2001:268::/32"], "softbank-mobile": ["2400:2000::/20"]}

ABROAD = {  # consumer networks a traveller would use
    "US": ["73.12.0.0/15", "2601:1c0::/34"],
    "TW": ["1.160.0.0/13", "118.163.0.0/18"],
    "KR": ["121.128.0.0/11"],
    "TH": ["171.96.0.0/13"],
    "SG": ["116.88.0.0/16"],
    "FR": ["82.64.0.0/14", "2a01:e0a::/37"],
    "HK": ["58.152.0.0/15"],
}
HOSTING = {  # rented servers and VPN exits
    "US": ["45.77.0.0/21", "23.94.0.0/19", "139.180.0.0/21"],
    "HK": ["175.45.0.0/18"],
    "VN": ["14.160.0.0/12", "113.160.0.0/11"],
    "CN": ["36.96.0.0/11", "223.96.0.0/12"],
    "DE": ["185.220.101.0/26"],
}

_NETS: dict[str, ipaddress.IPv4Network | ipaddress.IPv6Network] = {}


def _net(cidr: str):
    n = _NETS.get(cidr)
    if n is None:
        n = _NETS[cidr] = ipaddress.ip_network(cidr)
    return n


def host_in(rng: random.Random, cidr: str) -> str:
    n = _net(cidr)
    if n.version == 4:
        size = n.num_addresses
        while True:
            off = rng.randrange(1, size - 1)
            last = (int(n.network_address) + off) & 0xFF
            if 0 < last < 255:
                return str(ipaddress.IPv4Address(int(n.network_address) + off))
    # IPv6: a random /64 inside the block, then a random interface id
    bits = 64 - n.prefixlen
    prefix = int(n.network_address) | (rng.getrandbits(bits) << 64 if bits > 0 else 0)
    return str(ipaddress.IPv6Address(prefix | rng.getrandbits(64) | 1))


def v6_same_64(rng: random.Random, addr: str) -> str:
    """A new privacy address in the same /64 (what a home IPv6 client shows after a day)."""
    base = int(ipaddress.IPv6Address(addr)) >> 64 << 64
    return str(ipaddress.IPv6Address(base | rng.getrandbits(64) | 1))


def pick(rng: random.Random, table: dict[str, list[str]], key: str | None = None) -> tuple[str, str]:
    """(key, cidr) from a table, with `key` fixed or drawn."""
    k = key if key is not None else rng.choice(sorted(table))
    return k, rng.choice(table[k])


# ---------------------------------------------------------------------------------------------
# User agents: (kind, channel, is_phone, template). Templates take a version tuple.
IOS = [("17_4_1", "17.4.1"), ("17_5", "17.5"), ("18_3_2", "18.3.1"), ("18_4", "18.4")]
ANDROID = ["13", "14", "15"]
CHROME = ["133", "134", "135"]
APP_VER = ["5.1.9", "5.2.0", "5.2.1"]
ANDROID_MODELS = ["SH-M26", "SO-51D", "SC-53E", "Pixel 8a", "A302ZT"]


def ua_for(rng: random.Random, kind: str, newer: bool = False) -> str:
    pick_v = (lambda xs: xs[-1]) if newer else rng.choice
    if kind == "iphone_safari":
        a, b = pick_v(IOS)
        return (
            f"Mozilla/5.0 (iPhone; CPU iPhone OS {a} like Mac OS X) AppleWebKit/605.1.15 "
            f"(KHTML, like Gecko) Version/{b} Mobile/15E148 Safari/604.1"
        )
    if kind == "android_chrome":
        return (
            f"Mozilla/5.0 (Linux; Android {pick_v(ANDROID)}; K) AppleWebKit/537.36 (KHTML, like Gecko) "
            f"Chrome/{pick_v(CHROME)}.0.0.0 Mobile Safari/537.36"
        )
    if kind == "win_chrome":
        return (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            f"Chrome/{pick_v(CHROME)}.0.0.0 Safari/537.36"
        )
    if kind == "win_edge":
        v = pick_v(CHROME)
        return (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            f"Chrome/{v}.0.0.0 Safari/537.36 Edg/{v}.0.0.0"
        )
    if kind == "win_firefox":
        v = pick_v(["136", "137"])
        return f"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:{v}.0) Gecko/20100101 Firefox/{v}.0"
    if kind == "mac_safari":
        v = pick_v(["17.6", "18.3", "18.4"])
        return (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            f"Version/{v} Safari/605.1.15"
        )
    if kind == "mac_chrome":
        return (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
            f"Chrome/{pick_v(CHROME)}.0.0.0 Safari/537.36"
        )
    if kind == "iphone_app":
        _, b = pick_v(IOS)
        return f"KabuApp/{pick_v(APP_VER)} (iPhone; iOS {b})"
    if kind == "ipad_app":
        return f"KabuApp/{pick_v(APP_VER)} (iPad; iPadOS 17.5)"
    if kind == "android_app":
        return f"KabuApp/{pick_v(APP_VER)} (Android {pick_v(ANDROID)}; {rng.choice(ANDROID_MODELS)})"
    if kind == "api":
        return f"KabuAPI-Client/1.{rng.randint(2, 4)} python/3.{rng.choice([10, 11, 12])}"
    if kind == "linux_chrome":
        return (
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            f"Chrome/{pick_v(CHROME)}.0.0.0 Safari/537.36"
        )
    raise ValueError(kind)


KINDS = {  # kind -> (channel, is_phone)
    "iphone_safari": ("web", True),
    "android_chrome": ("web", True),
    "win_chrome": ("web", False),
    "win_edge": ("web", False),
    "win_firefox": ("web", False),
    "mac_safari": ("web", False),
    "mac_chrome": ("web", False),
    "iphone_app": ("app", True),
    "ipad_app": ("app", False),
    "android_app": ("app", True),
    "api": ("api", False),
    "linux_chrome": ("web", False),
}
PHONE_KINDS = ["iphone_app", "iphone_app", "android_app", "iphone_safari", "android_chrome"]
DESK_KINDS = ["win_chrome", "win_chrome", "win_edge", "mac_safari", "mac_chrome", "win_firefox", "ipad_app"]


def device_token(rng: random.Random, channel: str) -> str:
    """An app install id (UUID-shaped) or a web cookie (base32-ish)."""
    if channel == "app":
        h = f"{rng.getrandbits(128):032x}"
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}".upper()
    alphabet = "abcdefghijkmnpqrstuvwxyz23456789"
    return "ck_" + "".join(rng.choice(alphabet) for _ in range(22))


def session_token(rng: random.Random, channel: str) -> str:
    if channel == "app":
        return f"m{rng.getrandbits(96):024x}"
    return f"{rng.getrandbits(128):032X}"
