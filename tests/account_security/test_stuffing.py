"""Credential stuffing counters: one source failing across many accounts raises risk for all it touched."""

from __future__ import annotations

from kozaguard.account_security.stuffing import MemoryCounters, Source, StuffingPolicy, StuffingWatch

BOT = Source("203.0.113.5", "203.0.113.0/24")


def watch(**policy) -> StuffingWatch:
    return StuffingWatch(MemoryCounters(), StuffingPolicy(**policy))


def test_single_address_across_accounts():
    w = watch(accounts_per_address=5)
    for i in range(4):
        w.record_failure(BOT, f"acct{i}", 0.0)
    r = w.source_risk(BOT, 1.0)
    assert not r.is_stuffing and r.score == 0.8
    # the account being tried counts too: the fifth distinct account makes it a stuffing source
    assert w.source_risk(BOT, 1.0, account="acct4").is_stuffing
    w.record_failure(BOT, "acct4", 1.0)
    assert w.source_risk(BOT, 2.0).is_stuffing and w.source_risk(BOT, 2.0).reasons == ("stuffing_ip",)
    assert w.account_risk("acct0", 2.0) == 1.0 and w.account_risk("never-touched", 2.0) == 0.0


def test_many_failures_on_one_account_are_not_stuffing():
    w = watch(accounts_per_address=3)
    for i in range(20):
        w.record_failure(BOT, "same", float(i))
    assert not w.source_risk(BOT, 30.0).is_stuffing


def test_rotation_inside_a_block():
    w = watch(accounts_per_address=5, accounts_per_block=6)
    for i in range(6):
        w.record_failure(Source(f"203.0.113.{10 + i}", "203.0.113.0/24"), f"acct{i}", 0.0)
    r = w.source_risk(Source("203.0.113.200", "203.0.113.0/24"), 1.0)
    assert r.is_stuffing and r.reasons == ("stuffing_network",)
    assert not w.source_risk(Source("203.0.114.1", "203.0.114.0/24"), 1.0).is_stuffing


def test_hosting_providers_count_residential_ones_do_not():
    w = watch(accounts_per_provider=3)
    for i in range(3):
        w.record_failure(Source(f"192.0.{i}.1", f"192.0.{i}.0/24", "HOSTER", True), f"a{i}", 0.0)
        w.record_failure(Source(f"198.51.{i}.1", f"198.51.{i}.0/24", "HOME-ISP", False), f"b{i}", 0.0)
    assert w.source_risk(Source("192.0.9.9", "192.0.9.0/24", "HOSTER", True), 1.0).reasons == (
        "stuffing_asn",
    )
    assert not w.source_risk(Source("198.51.9.9", "198.51.9.0/24", "HOME-ISP", False), 1.0).is_stuffing


def test_window_expires():
    w = watch(window=900.0, accounts_per_address=2)
    w.record_failure(BOT, "a", 0.0)
    w.record_failure(BOT, "b", 0.0)
    assert w.source_risk(BOT, 1.0).is_stuffing
    assert not w.source_risk(BOT, 901.0).is_stuffing and w.account_risk("a", 901.0) == 0.0


def test_network_source_reads_the_offline_data():
    from kozaguard.bootstrap import network_source

    google = network_source("8.8.8.8")
    assert google.provider and google.hosting and google.block == "8.8.8.0/24"
    assert network_source("not-an-address") == Source("not-an-address")
