"""Login rate limits per IP address and per account, with the `limits` library.

The storage is chosen by a URI: `memory://` (one process) or `redis://127.0.0.1:6379` (shared by
every worker). Rate limits slow guessing; the lockout counter stops it; the stuffing detector sees
the spread across accounts that neither of them sees.
"""

from __future__ import annotations

from dataclasses import dataclass

from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter


@dataclass(frozen=True)
class RateLimitPolicy:
    """`limits` notation, e.g. '20/minute'."""

    per_ip: str = "30/minute"
    per_account: str = "10/minute"
    storage_uri: str = "memory://"


class LoginRateLimiter:
    """`hit(ip, account)` returns None when allowed, else the limit that was exceeded."""

    def __init__(self, policy: RateLimitPolicy | None = None) -> None:
        self.policy = policy or RateLimitPolicy()
        self.storage = storage_from_string(self.policy.storage_uri)
        self._limiter = MovingWindowRateLimiter(self.storage)
        self._per_ip = parse(self.policy.per_ip)
        self._per_account = parse(self.policy.per_account)

    def hit(self, ip: str, account: str) -> str | None:
        if not self._limiter.hit(self._per_ip, "login-ip", ip):
            return "ip"
        if not self._limiter.hit(self._per_account, "login-account", account):
            return "account"
        return None

    def reset(self) -> None:
        self.storage.reset()
