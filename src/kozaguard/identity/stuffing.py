"""Credential-stuffing detection: one source failing logins across many accounts.

A stuffing run tries leaked ID/password pairs against many accounts from a few addresses, often
rotating inside one /24 or one hosting provider (ASN). The detector counts, per source, the
distinct accounts with a failed login in a sliding window. A source over its threshold is a
stuffing source; every account it touched carries that risk, even where its password was right.

Pure and in-memory: time is passed in, the ASN lookup is an injected function, so the service,
the engine's detectors and replays of event files all get the same answers.
"""

from __future__ import annotations

import ipaddress
from collections import Counter, defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class StuffingPolicy:
    """Distinct failed accounts per source within `window` that make a source a stuffing source."""

    window: timedelta = timedelta(minutes=15)
    accounts_per_ip: int = 5
    accounts_per_network: int = 10
    accounts_per_asn: int = 30
    ipv4_prefix: int = 24
    ipv6_prefix: int = 48


@dataclass(frozen=True)
class SourceRisk:
    """Risk of one address in [0, 1] and the reasons (`stuffing_ip`, `stuffing_network`, `stuffing_asn`)."""

    score: float
    reasons: tuple[str, ...]

    @property
    def is_stuffing(self) -> bool:
        return self.score >= 1.0


class StuffingDetector:
    """Count failed logins by source and answer which sources and accounts are at risk.

    >>> from datetime import UTC, datetime
    >>> d, t = StuffingDetector(StuffingPolicy(accounts_per_ip=3)), datetime(2025, 4, 1, tzinfo=UTC)
    >>> for account in ("a", "b", "c"):
    ...     d.record_failure("203.0.113.9", account, t)
    >>> d.is_stuffing_source("203.0.113.9", t), d.account_risk("b", t), d.risk("198.51.100.1", t)
    (True, 1.0, 0.0)
    """

    def __init__(
        self, policy: StuffingPolicy | None = None, asn_of: Callable[[str], str | None] | None = None
    ) -> None:
        self.policy = policy or StuffingPolicy()
        self._asn_of = asn_of
        # source key -> deque of (time, account_id), oldest first
        self._failures: dict[str, deque[tuple[datetime, str]]] = defaultdict(deque)
        # source key -> failures per account still in the window (len = distinct accounts)
        self._accounts: dict[str, Counter[str]] = defaultdict(Counter)
        # account -> deque of (time, ip) of failures on it
        self._touched: dict[str, deque[tuple[datetime, str]]] = defaultdict(deque)

    def _keys(self, ip: str) -> list[tuple[str, str, int]]:
        """(kind, key, threshold) for each source the address belongs to."""
        p = self.policy
        try:
            addr = ipaddress.ip_address(ip)
        except ValueError:
            return [("stuffing_ip", f"ip:{ip}", p.accounts_per_ip)]
        prefix = p.ipv4_prefix if addr.version == 4 else p.ipv6_prefix
        net = ipaddress.ip_network(f"{addr}/{prefix}", strict=False)
        keys = [
            ("stuffing_ip", f"ip:{addr}", p.accounts_per_ip),
            ("stuffing_network", f"net:{net}", p.accounts_per_network),
        ]
        asn = self._asn_of(str(addr)) if self._asn_of else None
        if asn:
            keys.append(("stuffing_asn", f"asn:{asn}", p.accounts_per_asn))
        return keys

    def _prune(self, q: deque, now: datetime, counts: Counter | None = None) -> None:
        horizon = now - self.policy.window
        while q and q[0][0] < horizon:
            _, who = q.popleft()
            if counts is not None:
                counts[who] -= 1
                if counts[who] <= 0:
                    del counts[who]

    def record_failure(self, ip: str, account_id: str, at: datetime) -> None:
        """A failed login (wrong password, or unknown login ID) on `account_id` from `ip`."""
        for _, key, _ in self._keys(ip):
            q, counts = self._failures[key], self._accounts[key]
            q.append((at, account_id))
            counts[account_id] += 1
            self._prune(q, at, counts)
        t = self._touched[account_id]
        t.append((at, ip))
        self._prune(t, at)

    def distinct_accounts(self, key: str, now: datetime) -> int:
        q = self._failures.get(key)
        if not q:
            return 0
        counts = self._accounts[key]
        self._prune(q, now, counts)
        return len(counts)

    def source_risk(self, ip: str, now: datetime) -> SourceRisk:
        """The strongest of the address's own, its network's and its ASN's risk."""
        score, reasons = 0.0, []
        for kind, key, threshold in self._keys(ip):
            ratio = min(1.0, self.distinct_accounts(key, now) / max(1, threshold))
            if ratio >= 1.0:
                reasons.append(kind)
            score = max(score, ratio)
        return SourceRisk(round(score, 3), tuple(reasons))

    def risk(self, ip: str, now: datetime) -> float:
        return self.source_risk(ip, now).score

    def is_stuffing_source(self, ip: str, now: datetime) -> bool:
        return self.source_risk(ip, now).is_stuffing

    def account_risk(self, account_id: str, now: datetime) -> float:
        """The highest risk among the sources that failed on this account within the window."""
        t = self._touched.get(account_id)
        if not t:
            return 0.0
        self._prune(t, now)
        return max((self.risk(ip, now) for ip in {ip for _, ip in t}), default=0.0)
