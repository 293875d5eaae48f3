"""Automatic lock after repeated failed logins, and the lock holding until it is lifted.

JSDA's 2025 guideline makes the automatic lock mandatory. The lock lasts until the customer is
verified out of band (a `customer.report` of kind `locked_out`) or `lock_hours` pass.
"""

from __future__ import annotations

from kozaguard.engine.detector import Context, Detector
from kozaguard.engine.outcome import Finding, Outcome
from kozaguard.events.schema import Event, FactorChange, Login, OrderNew, ProfileChange, Withdrawal


class Lockout(Detector):
    name = "lockout"
    assesses = (Login, FactorChange, ProfileChange, Withdrawal, OrderNew)

    def __init__(self, max_failures: int = 5, lock_hours: float = 24.0) -> None:
        self.max_failures = max_failures
        self.lock_seconds = lock_hours * 3600

    def assess(self, event: Event, ctx: Context) -> Finding | None:
        account = ctx.account
        if account.locked and ctx.since(account.changed.get("locked")) < self.lock_seconds:
            return Finding(Outcome.LOCK, 1.0, ("account_locked",))
        bad = isinstance(event, Login) and event.result == "password_bad"
        if bad and account.failures + 1 >= self.max_failures:
            return Finding(Outcome.LOCK, 0.9, ("too_many_failures",), ("notify_customer",))
        return None
