"""Credential stuffing: sources failing logins across many accounts, counted per address, /24, provider.

A stuffing run tries leaked ID/password pairs against many accounts from a few addresses, often
rotating inside one /24 (or /64) or one hosting provider. Each source keeps the recent failures as
`[when, account]` pairs; a source that failed on `accounts_per_*` distinct accounts within the
window (counting the account being tried now) is a stuffing source, and every login it makes carries
that risk, right password or not. Residential providers are shared by millions of customers and
are never counted as one source; hosting providers (where such runs live) are.

Per account, the sources that failed on it are kept too, so an account a stuffing source touched
carries the risk even when its own login comes from elsewhere.

The counters live in any mapping with `get`/`put` (the engine's state, the identity service's
memory or Redis), so both halves count the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


class Counters(Protocol):
    def get(self, key: str) -> list | None: ...

    def put(self, key: str, value: list) -> None: ...


@dataclass(frozen=True)
class StuffingPolicy:
    """Distinct failed accounts per source within `window` seconds that make a stuffing source."""

    window: float = 24 * 3600.0
    accounts_per_address: int = 5
    accounts_per_block: int = 10
    accounts_per_provider: int = 30
    keep: int = 64  # failures remembered per source (enough to see any threshold above)

    def __post_init__(self) -> None:
        thresholds = (self.accounts_per_address, self.accounts_per_block, self.accounts_per_provider)
        if self.window <= 0 or min(thresholds) < 1:
            raise ValueError("stuffing: window must be positive and every threshold at least 1")


@dataclass(frozen=True)
class Source:
    """Where a login comes from: the address, its block (/24 or /64) and its provider (ASN name)."""

    ip: str
    block: str | None = None
    provider: str | None = None
    hosting: bool = False


@dataclass(frozen=True)
class SourceRisk:
    """Risk of a source in [0, 1] and the reasons (`stuffing_ip`, `stuffing_network`, `stuffing_asn`)."""

    score: float
    reasons: tuple[str, ...]

    @property
    def is_stuffing(self) -> bool:
        return self.score >= 1.0


def recent(entries: list | None, now: float, window: float) -> list:
    """The entries (`[when, ...]`, oldest first) no older than `window` seconds."""
    if not entries:
        return []
    horizon = now - window
    return [e for e in entries if e[0] >= horizon]


class StuffingWatch:
    """Record failures by source and account; answer how risky a source or an account is.

    >>> w = StuffingWatch(MemoryCounters(), StuffingPolicy(accounts_per_address=3))
    >>> for account in ("a", "b", "c"):
    ...     w.record_failure(Source("203.0.113.9"), account, 0.0)
    >>> w.source_risk(Source("203.0.113.9"), 1.0).is_stuffing, w.account_risk("b", 1.0)
    (True, 1.0)
    """

    def __init__(self, counters: Counters, policy: StuffingPolicy | None = None) -> None:
        self.counters = counters
        self.policy = policy or StuffingPolicy()

    def _keys(self, source: Source) -> list[tuple[str, str, int]]:
        """(reason, counter key, threshold) of every source the address belongs to."""
        p = self.policy
        keys = [("stuffing_ip", "failed:" + source.ip, p.accounts_per_address)]
        if source.block:
            keys.append(("stuffing_network", "failed-block:" + source.block, p.accounts_per_block))
        if source.provider and source.hosting:
            keys.append(("stuffing_asn", "failed-provider:" + source.provider, p.accounts_per_provider))
        return keys

    def record_failure(self, source: Source, account: str, now: float) -> None:
        """A failed password (or an unknown login ID) on `account` from `source`.

        Recording the same failure twice (two detectors seeing one event) counts it once.
        """
        for _, key, _ in self._keys(source):
            self._append(key, [now, account], now)
        self._append(
            "failed-account:" + account,
            [now, source.ip, source.block or "", source.provider or "", source.hosting],
            now,
        )

    def _append(self, key: str, entry: list, now: float) -> None:
        entries = recent(self.counters.get(key), now, self.policy.window)
        if entries and entries[-1] == entry:
            return
        entries.append(entry)
        self.counters.put(key, entries[-self.policy.keep :])

    def distinct_accounts(self, key: str, now: float, account: str | None = None) -> int:
        """Distinct accounts failed on from the source `key`, counting `account` (being tried now)."""
        accounts = {e[1] for e in recent(self.counters.get(key), now, self.policy.window)}
        if account is not None:
            accounts.add(account)
        return len(accounts)

    def source_risk(self, source: Source, now: float, account: str | None = None) -> SourceRisk:
        """The strongest of the address's, its block's and its provider's risk."""
        score, reasons = 0.0, []
        for reason, key, threshold in self._keys(source):
            if self.counters.get(key) is None:
                continue
            ratio = min(1.0, self.distinct_accounts(key, now, account) / threshold)
            if ratio >= 1.0:
                reasons.append(reason)
            score = max(score, ratio)
        return SourceRisk(round(score, 3), tuple(reasons))

    def account_risk(self, account: str, now: float) -> float:
        """The highest risk among the sources that failed on this account within the window."""
        sources = {
            Source(e[1], e[2] or None, e[3] or None, bool(e[4]))
            for e in recent(self.counters.get("failed-account:" + account), now, self.policy.window)
        }
        return max((self.source_risk(s, now).score for s in sources), default=0.0)


class MemoryCounters(dict):
    """Counters in a dict, for one process (tests, the identity service without Redis)."""

    def put(self, key: str, value: list) -> None:
        self[key] = value
