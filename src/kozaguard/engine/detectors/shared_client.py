"""One device, or one hosting address, logging in to several customers' accounts.

Attackers reuse their browsers, devices and servers across victims; a customer's device cookie
belongs to one account (a family may share a home address, so plain residential addresses are
not counted, only device cookies and hosting or foreign networks).
"""

from __future__ import annotations

from kozaguard.engine.detector import Context, Count, Country, Detector, Window
from kozaguard.engine.outcome import Finding, Outcome
from kozaguard.events.schema import Event, Login


class SharedClient(Detector):
    name = "shared_client"
    assesses = (Login,)
    observes = (Login,)

    def __init__(self, accounts: Count = 2, window_days: Window = 30.0, home_country: Country = "JP") -> None:
        self.accounts, self.window, self.home = accounts, window_days * 86400, home_country

    def _keys(self, event: Login, ctx: Context) -> list[str]:
        keys = []
        if event.device_id:
            keys.append("device:" + event.device_id)
        if ctx.net.hosting or ctx.net.country != self.home:
            keys.append("ip:" + event.ip)
        return keys

    def assess(self, event: Event, ctx: Context) -> Finding | None:
        assert isinstance(event, Login)
        if event.result != "password_ok":
            return None
        reasons = []
        watch, me, now = ctx.state.watch, event.account_id, ctx.now
        for key in self._keys(event, ctx):
            seen = watch.get(key)
            if not seen:
                continue
            others = sum(1 for when, a in seen if a != me and now - when <= self.window)
            if others + 1 >= self.accounts:
                reasons.append(key.split(":", 1)[0] + "_shared_across_accounts")
        if not reasons:
            return None
        return Finding(Outcome.CHALLENGE_OTP, 0.7, tuple(reasons), ("open_case",))

    def observe(self, event: Event, ctx: Context | None) -> None:
        """Remember which accounts each key logged in to: one entry per account, latest time."""
        assert isinstance(event, Login) and ctx is not None
        watch, me, now = ctx.state.watch, event.account_id, ctx.now
        for key in self._keys(event, ctx):
            seen = watch.get(key) or []
            for entry in seen:
                if entry[1] == me:
                    entry[0] = now
                    break
            else:
                seen = [e for e in seen if now - e[0] <= self.window][-31:]
                seen.append([now, me])
            watch.put(key, seen)
