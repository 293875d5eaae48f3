"""Rate limits on every identity door that can be hammered, with the `limits` library.

The storage is chosen by a URI: `memory://` (one process) or `redis://127.0.0.1:6379` (shared by
every worker and process). Password attempts are limited per address, per /24 (or /64), per hosting
provider and per account; passkey logins per address and per credential, never in one bucket that
every customer shares; codes sent, step-ups started, SMS enrolments and unlock attempts per customer
(SMS bombing costs the broker money and floods the victim). Rate limits slow guessing; the lock
stops it; the stuffing counters see the spread across accounts that neither of them sees.

A refusal says how long to wait (`retry_after`, seconds): the HTTP layer answers 429 with it.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, fields

from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from kozaguard.account_security.stuffing import Source


@dataclass(frozen=True)
class RateLimitPolicy:
    """`limits` notation, e.g. '20/minute' (defaults in docs/security.md)."""

    per_ip: str = "30/minute"
    per_account: str = "10/minute"
    storage_uri: str = "memory://"
    per_block: str = "120/minute"
    per_provider: str = "600/minute"
    passkey_per_ip: str = "30/minute"
    passkey_per_credential: str = "10/minute"
    code_sends: str = "5/15minutes"
    step_ups: str = "20/hour"
    sms_enrolments: str = "3/hour"
    unlocks: str = "10/hour"


@dataclass(frozen=True)
class Limited:
    """Which limit was exceeded (`ip`, `block`, `provider`, `account`, ...) and the wait in seconds."""

    which: str
    retry_after: int


class LoginRateLimiter:
    """`hit(kind, key)` counts one try; None when allowed, else the `Limited` refusal."""

    def __init__(self, policy: RateLimitPolicy | None = None) -> None:
        self.policy = policy or RateLimitPolicy()
        self.storage = storage_from_string(self.policy.storage_uri)
        self._limiter = MovingWindowRateLimiter(self.storage)
        self._limits = {
            f.name: parse(getattr(self.policy, f.name))
            for f in fields(self.policy)
            if f.name != "storage_uri"
        }

    def hit(self, kind: str, key: str) -> Limited | None:
        """One try against the limit named `kind` (a `RateLimitPolicy` field) for `key`."""
        limit = self._limits[kind]
        if self._limiter.hit(limit, kind, key):
            return None
        reset, _ = self._limiter.get_window_stats(limit, kind, key)
        return Limited(kind.removeprefix("per_"), max(1, math.ceil(reset - time.time())))

    def login(self, source: Source, account_key: str) -> Limited | None:
        """A password attempt: per address, block, hosting provider, then account."""
        tries = [("per_ip", source.ip)]
        if source.block:
            tries.append(("per_block", source.block))
        if source.provider and source.hosting:
            tries.append(("per_provider", source.provider))
        tries.append(("per_account", account_key))
        for kind, key in tries:
            limited = self.hit(kind, key)
            if limited:
                return limited
        return None

    def reset(self) -> None:
        self.storage.reset()
