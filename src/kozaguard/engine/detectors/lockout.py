"""The automatic lock after repeated failed logins (JSDA: mandatory), by the account-security rules.

Failures counted against the account lock it temporarily, each lock in a row waiting longer, the
`permanent_after`-th for good (`account_security.lock`). A failure from an address already known to
be stuffing counts against that address, not the account. While locked, every action is locked,
except a right password from the customer's own device (one that completed logins and did not
fail) and what its session does afterwards. An `account.unlocked` event ends the lock.
"""

from __future__ import annotations

from kozaguard.account_security import lock
from kozaguard.account_security.stuffing import StuffingPolicy, StuffingWatch
from kozaguard.engine.detector import Context, Count, Detector, Window
from kozaguard.engine.detectors.credential_stuffing import source_of
from kozaguard.engine.outcome import Finding, Outcome
from kozaguard.events.schema import Event, FactorChange, Login, OrderNew, ProfileChange, Withdrawal


class Lockout(Detector):
    name = "lockout"
    assesses = (Login, FactorChange, ProfileChange, Withdrawal, OrderNew)
    observes = (Login,)

    def __init__(
        self,
        max_failures: Count = 5,
        lock_hours: Window = 1.0,
        max_lock_hours: Window = 24.0,
        permanent_after: Count = 4,
    ) -> None:
        self.policy = lock.LockPolicy(max_failures, lock_hours * 3600, max_lock_hours * 3600, permanent_after)
        self.max_failures = max_failures

    @staticmethod
    def _counts(event: Login, ctx: Context) -> bool:
        """Whether this failure counts against the account (not when its address is known bad)."""
        watch = StuffingWatch(ctx.state.watch, StuffingPolicy())
        return not watch.source_risk(source_of(event.ip, ctx.net), ctx.now, event.account_id).is_stuffing

    def assess(self, event: Event, ctx: Context) -> Finding | None:
        account = ctx.account
        state = lock.current(account.lock, ctx.now)
        if state.locked:
            if isinstance(event, Login):
                own = event.device_id is not None and event.device_id in account.devices
                if event.result == "password_ok" and lock.admits(state, event.device_id, own):
                    return None
            elif self._admitted_session(ctx, state):
                return None
            return Finding(Outcome.LOCK, 1.0, ("account_locked",))
        bad = isinstance(event, Login) and event.result == "password_bad"
        if bad and state.failures + 1 >= self.max_failures and self._counts(event, ctx):  # type: ignore[arg-type]
            return Finding(Outcome.LOCK, 0.9, ("too_many_failures",), ("notify_customer",))
        return None

    @staticmethod
    def _admitted_session(ctx: Context, state: lock.LockState) -> bool:
        """A session its own device opened by a login after the lock (the lock admitted it)."""
        s = ctx.session
        return s is not None and s.by_login and state.locked_at is not None and s.opened_at >= state.locked_at

    def observe(self, event: Event, ctx: Context | None) -> None:
        assert isinstance(event, Login) and ctx is not None
        account = ctx.account
        state = lock.current(account.lock, ctx.now)
        if event.result == "password_bad":
            counts = self._counts(event, ctx)
            StuffingWatch(ctx.state.watch, StuffingPolicy()).record_failure(
                source_of(event.ip, ctx.net), event.account_id, ctx.now
            )
            if counts and not state.locked:
                state = lock.record_failure(state, self.policy, ctx.now, event.device_id)
        account.lock = state
