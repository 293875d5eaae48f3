"""Credential stuffing: one source failing across many accounts raises risk for all it touched."""

from __future__ import annotations

from datetime import timedelta

from kozaguard.identity.models import LoginContext
from kozaguard.identity.service import IdentityService
from kozaguard.identity.stuffing import StuffingDetector, StuffingPolicy

PASSWORD = "kumo-hashiru-7-sakana"


def test_single_ip_across_accounts(clock):
    d = StuffingDetector(StuffingPolicy(accounts_per_ip=5))
    for i in range(4):
        d.record_failure("203.0.113.5", f"acct{i}", clock())
    assert not d.is_stuffing_source("203.0.113.5", clock()) and d.risk("203.0.113.5", clock()) == 0.8
    d.record_failure("203.0.113.5", "acct4", clock())
    assert d.is_stuffing_source("203.0.113.5", clock())
    assert d.account_risk("acct0", clock()) == 1.0
    assert d.account_risk("never-touched", clock()) == 0.0


def test_many_failures_on_one_account_are_not_stuffing(clock):
    d = StuffingDetector(StuffingPolicy(accounts_per_ip=3))
    for _ in range(20):
        d.record_failure("203.0.113.5", "same", clock())
    assert not d.is_stuffing_source("203.0.113.5", clock())


def test_rotation_inside_a_slash_24(clock):
    d = StuffingDetector(StuffingPolicy(accounts_per_ip=5, accounts_per_network=6))
    for i in range(6):
        d.record_failure(f"203.0.113.{10 + i}", f"acct{i}", clock())
    r = d.source_risk("203.0.113.200", clock())
    assert r.is_stuffing and r.reasons == ("stuffing_network",)
    assert not d.is_stuffing_source("203.0.114.1", clock())


def test_ipv6_groups_by_slash_48(clock):
    d = StuffingDetector(StuffingPolicy(accounts_per_network=3))
    for i in range(3):
        d.record_failure(f"2001:db8:1:{i}::1", f"a{i}", clock())
    assert d.is_stuffing_source("2001:db8:1:ffff::9", clock())


def test_asn_via_lookup(clock):
    asn = {"192.0.2.1": "HOSTER", "198.51.100.1": "HOSTER", "203.0.113.1": "HOSTER"}.get
    d = StuffingDetector(StuffingPolicy(accounts_per_asn=3), asn_of=asn)
    for i, ip in enumerate(asn.__self__):
        d.record_failure(ip, f"a{i}", clock())
    assert d.source_risk("203.0.113.1", clock()).reasons == ("stuffing_asn",)


def test_window_expires(clock):
    d = StuffingDetector(StuffingPolicy(window=timedelta(minutes=15), accounts_per_ip=2))
    d.record_failure("203.0.113.5", "a", clock())
    d.record_failure("203.0.113.5", "b", clock())
    assert d.is_stuffing_source("203.0.113.5", clock())
    clock.advance(minutes=16)
    assert not d.is_stuffing_source("203.0.113.5", clock())
    assert d.account_risk("a", clock()) == 0.0


def test_geoip2fast_asn_lookup():
    from kozaguard.entrypoints.api.bootstrap import asn_lookup

    asn_of = asn_lookup()
    assert asn_of("8.8.8.8") and asn_of("127.0.0.1") is None


def test_service_flags_logins_touched_by_a_stuffing_source(store, notifier, settings, clock):
    svc = IdentityService(
        store, notifier, settings, clock=clock, stuffing=StuffingDetector(StuffingPolicy(accounts_per_ip=3))
    )
    svc.register("victim", PASSWORD, "v@example.jp", "090-3333-4444")
    bot = LoginContext("203.0.113.66", "python-requests/2.32", None)
    for login_id in ("victim", "nobody1", "nobody2"):
        assert svc.login(login_id, "leaked-password", bot).decision == "deny"
    d = svc.login("victim", PASSWORD, bot)
    assert d.decision == "challenge" and "stuffing_ip" in d.reasons and d.risk == 1.0
    assert svc.stuffing.is_stuffing_source("203.0.113.66", clock())
    # the real customer, from home, still sees the account flagged
    d = svc.login("victim", PASSWORD, LoginContext("198.51.100.8", "", "home"))
    assert "account_targeted_by_stuffing" in d.reasons and d.decision == "challenge"
