"""Where logins come from: Japanese home and mobile ranges, foreign homes, hosting and VPN exits.

The ranges in `data/networks.json` are real IPv4 prefixes of named networks (NTT, KDDI, SoftBank,
docomo, Rakuten Mobile, JCOM, ...; DigitalOcean, OVH, Hetzner, M247, Alibaba, ...), taken from the
geoip2fast ASN data and checked with iptocc, so addresses geolocate where the simulator says they are.
"""

from __future__ import annotations

import ipaddress
import json
import random
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Network:
    kind: str  # home | mobile | hosting | foreign_home
    isp: str
    country: str
    first: int
    size: int

    def address(self, rng: random.Random) -> str:
        """A usable host address in this prefix."""
        return str(ipaddress.IPv4Address(self.first + 1 + rng.randrange(self.size - 2)))


class Networks:
    """The ranges by kind and country, with samplers."""

    def __init__(self) -> None:
        rows = json.loads((Path(__file__).with_name("data") / "networks.json").read_text(encoding="utf-8"))
        self.all: list[Network] = []
        for r in rows:
            net = ipaddress.ip_network(r["cidr"])
            self.all.append(
                Network(r["kind"], r["isp"], r["country"], int(net.network_address), net.num_addresses)
            )
        self.jp_home = [n for n in self.all if n.kind == "home" and n.country == "JP"]
        self.jp_mobile = [n for n in self.all if n.kind == "mobile" and n.country == "JP"]
        self.foreign_home = [n for n in self.all if n.kind == "foreign_home"]
        self.hosting = [n for n in self.all if n.kind == "hosting"]
        self.foreign_hosting = [n for n in self.hosting if n.country != "JP"]
        self.travel_countries = sorted({n.country for n in self.foreign_home})

    def home(self, rng: random.Random) -> Network:
        return rng.choice(self.jp_home)

    def mobile(self, rng: random.Random) -> Network:
        return rng.choice(self.jp_mobile)

    def abroad(self, rng: random.Random, country: str) -> str:
        return rng.choice([n for n in self.foreign_home if n.country == country]).address(rng)

    def vpn_exit(self, rng: random.Random) -> str:
        """Commercial VPN exits sit in hosting ranges, in Japan and abroad."""
        return rng.choice(self.hosting).address(rng)
