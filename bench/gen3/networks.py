"""Where logins come from: real address blocks of Japanese ISPs, mobile carriers, clouds and VPNs.

Every block below is what a public ASN/geo database says about it (the test checks each against
geoip2fast), so an engine that looks addresses up sees the networks a Japanese broker really sees.
"""

from __future__ import annotations

import ipaddress
import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Network:
    """One operator's address space: `kind` is home | mobile | office | hosting | vpn | abroad."""

    name: str
    kind: str
    country: str
    v4: tuple[str, ...]
    v6: tuple[str, ...] = ()
    asn_hint: str = ""  # a word of the operator's name in ASN databases


HOME = (
    Network(
        "OCN",
        "home",
        "JP",
        ("153.128.0.0/10", "180.0.0.0/10", "114.144.0.0/12", "60.32.0.0/12", "122.16.0.0/12"),
        ("2400:4050::/32",),
        "NTT Communications",
    ),
    Network(
        "SoftBank光",
        "home",
        "JP",
        ("60.64.0.0/10", "220.212.0.0/16", "61.200.0.0/18"),
        ("2400:2410::/32",),
        "SoftBank",
    ),
    Network(
        "auひかり",
        "home",
        "JP",
        ("27.80.0.0/12", "14.8.0.0/14", "124.208.0.0/13", "113.144.0.0/13"),
        ("240b:10::/32",),
        "KDDI",
    ),
    Network(
        "NURO光",
        "home",
        "JP",
        ("131.147.0.0/16", "219.104.0.0/16", "118.240.0.0/15", "121.2.0.0/15"),
        ("240d:1a::/32",),
        "Sony Network",
    ),
    Network("BIGLOBE", "home", "JP", ("133.200.0.0/13", "125.192.0.0/13"), ("2404:7a80::/32",), "BIGLOBE"),
    Network(
        "IIJmio",
        "home",
        "JP",
        ("210.138.0.0/16", "220.100.0.0/17"),
        ("2001:240::/32",),
        "Internet Initiative",
    ),
    Network("ARTERIA", "home", "JP", ("113.32.0.0/13",), ("2001:f70::/32",), "ARTERIA"),
    Network("WAKWAK", "home", "JP", ("61.125.0.0/18",), (), "NTT-ME"),
    Network("イッツコム", "home", "JP", ("219.110.0.0/16",), (), "its communications"),
)
HOME_WEIGHTS = (30, 20, 16, 10, 8, 5, 4, 3, 4)

MOBILE = (
    Network("docomo", "mobile", "JP", ("1.72.0.0/13", "49.96.0.0/12", "110.160.0.0/14"), (), "DOCOMO"),
    Network(
        "au",
        "mobile",
        "JP",
        ("106.128.0.0/10", "111.86.0.0/15", "182.248.0.0/14"),
        ("2001:268::/32",),
        "KDDI",
    ),
    Network("SoftBank", "mobile", "JP", ("126.64.0.0/10", "126.128.0.0/10"), ("2400:2200::/32",), "SoftBank"),
    Network(
        "楽天モバイル",
        "mobile",
        "JP",
        ("133.106.128.0/17", "101.102.0.0/18", "157.192.0.0/16"),
        (),
        "Rakuten",
    ),
)
MOBILE_WEIGHTS = (36, 30, 24, 10)

OFFICE = (
    Network("IIJ法人", "office", "JP", ("202.214.0.0/16", "210.149.0.0/16"), (), "Internet Initiative"),
    Network("NTT Com法人", "office", "JP", ("221.184.0.0/13",), ("2001:380::/32",), "NTT Communications"),
    Network("KDDI法人", "office", "JP", ("211.7.0.0/18", "61.114.0.0/18"), (), "KDDI"),
    Network("NTT PC", "office", "JP", ("116.80.0.0/16", "202.229.0.0/16"), (), "NTT PC"),
)

HOSTING_JP = (
    Network("AWS東京", "hosting", "JP", ("13.112.0.0/14", "52.68.0.0/15"), (), "AMAZON"),
    Network("さくらインターネット", "hosting", "JP", ("153.127.0.0/17",), (), "SAKURA"),
    Network("ConoHa", "hosting", "JP", ("160.251.0.0/17",), (), "GMO"),
    Network("Vultr東京", "hosting", "JP", ("198.13.32.0/19",), (), "CHOOPA"),
    Network("Linode東京", "hosting", "JP", ("172.104.64.0/18",), (), "Akamai"),
)

VPN = (  # consumer VPN exits: the ones customers use and the ones crews use are the same
    Network("VPN東京(Datacamp)", "vpn", "JP", ("89.187.160.0/23",), (), "Datacamp"),
    Network("VPN Gate", "vpn", "JP", ("219.100.37.0/24",), (), "SOFTETHER"),
    Network("VPN(M247 NL)", "vpn", "NL", ("37.120.192.0/24",), (), "M247"),
    Network("VPN(Datacamp DE)", "vpn", "DE", ("185.59.220.0/24",), (), "Datacamp"),
)

ABROAD = (  # hotel Wi-Fi and local SIMs where Japanese customers travel
    Network("HiNet台湾", "abroad", "TW", ("1.160.0.0/12", "36.224.0.0/16"), (), "Data Communication"),
    Network("KT韓国", "abroad", "KR", ("121.152.0.0/14", "121.148.0.0/15"), (), "Korea Telecom"),
    Network("AISタイ", "abroad", "TH", ("49.229.192.0/18",), (), "Advance Wireless"),
    Network("Singtel", "abroad", "SG", ("116.14.0.0/16",), (), "Singtel"),
    Network("ハワイ", "abroad", "US", ("72.234.0.0/16",), (), "HAWAIIAN"),
    Network("Comcast米国", "abroad", "US", ("73.96.0.0/12",), (), "COMCAST"),
    Network("FPTベトナム", "abroad", "VN", ("42.112.0.0/13",), (), "FPT"),
)

HOSTING_ABROAD = (
    Network("Vultr SG", "hosting", "SG", ("139.180.128.0/19",), (), "CHOOPA"),
    Network("DigitalOcean", "hosting", "US", ("128.199.0.0/20",), (), "DIGITALOCEAN"),
    Network("T-Mobile US", "abroad", "US", ("172.58.0.0/16",), (), "T-MOBILE"),
)

ALL = HOME + MOBILE + OFFICE + HOSTING_JP + VPN + ABROAD + HOSTING_ABROAD


def address(rng: random.Random, net: Network, v6: bool = False) -> str:
    """A random host address inside one of the network's blocks."""
    blocks = net.v6 if v6 and net.v6 else net.v4
    block = ipaddress.ip_network(rng.choice(blocks))
    span = block.num_addresses
    offset = rng.randrange(1, span - 1) if span > 4 else 1
    if block.version == 4:
        host = block[offset]
        if str(host).endswith((".0", ".255")):
            host = block[offset - 1 if offset > 2 else offset + 1]
        return str(host)
    # IPv6: a /64 of the customer line, then a random interface id
    prefix = int(block.network_address) + (rng.getrandbits(min(32, 64 - block.prefixlen)) << 64)
    return str(ipaddress.IPv6Address(prefix | rng.getrandbits(64)))


def nearby(rng: random.Random, ip: str, net: Network) -> str:
    """A new address on the same line after a reconnect: same /16 for IPv4 (often), new /64 suffix for v6."""
    parsed = ipaddress.ip_address(ip)
    if parsed.version == 6:
        return str(ipaddress.IPv6Address((int(parsed) >> 64 << 64) | rng.getrandbits(64)))
    if rng.random() < 0.6:
        base = int(parsed) & 0xFFFF0000
        for _ in range(8):
            cand = ipaddress.IPv4Address(base | rng.randrange(1, 0xFFFE))
            if any(cand in ipaddress.ip_network(b) for b in net.v4) and not str(cand).endswith(
                (".0", ".255")
            ):
                return str(cand)
    return address(rng, net)


def pick(rng: random.Random, nets: tuple[Network, ...], weights: tuple[int, ...] | None = None) -> Network:
    return rng.choices(nets, weights=weights)[0] if weights else rng.choice(nets)
