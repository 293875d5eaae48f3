"""gen3's address blocks are what an ASN/geo database says they are: real Japanese ISPs and carriers."""

from __future__ import annotations

import ipaddress
import random

import pytest
from bench.gen3 import networks
from geoip2fast import GeoIP2Fast

GEO = GeoIP2Fast(geoip2fast_data_file="geoip2fast-asn-ipv6.dat.gz", verbose=False)


@pytest.mark.parametrize("net", networks.ALL, ids=lambda n: n.name)
def test_block_belongs_to_its_operator(net):
    rng = random.Random(net.name)
    for v6 in (False, True) if net.v6 else (False,):
        for _ in range(5):
            ip = networks.address(rng, net, v6)
            found = GEO.lookup(ip)
            assert found.country_code == net.country, (ip, found.country_code)
            assert net.asn_hint.lower() in (found.asn_name or "").lower(), (ip, found.asn_name)


def test_a_reconnect_stays_on_the_same_isp():
    rng = random.Random(3)
    for net in networks.HOME:
        ip = networks.address(rng, net)
        for _ in range(20):
            ip = networks.nearby(rng, ip, net)
            assert any(ipaddress.ip_address(ip) in ipaddress.ip_network(b) for b in net.v4 + net.v6)
