"""One address failing passwords across many accounts: credential stuffing.

Lists of stolen passwords are tried against thousands of accounts from a few addresses. Once an
address has failed on enough distinct accounts within the window, every login from it — right
password or not — carries the risk, for every account it touches.
"""

from __future__ import annotations

from kozaguard.engine.detector import Context, Detector
from kozaguard.engine.outcome import Finding, Outcome
from kozaguard.events.schema import Event, Login


class CredentialStuffing(Detector):
    name = "credential_stuffing"
    assesses = (Login,)
    observes = (Login,)

    def __init__(self, accounts: int = 5, window_hours: float = 24.0) -> None:
        self.accounts, self.window = accounts, window_hours * 3600

    def _failed(self, event: Login, ctx: Context) -> list:
        recent = ctx.state.watch.get("failed:" + event.ip) or []
        return [e for e in recent if ctx.now - e[0] <= self.window]

    def assess(self, event: Event, ctx: Context) -> Finding | None:
        assert isinstance(event, Login)
        if ctx.state.watch.get("failed:" + event.ip) is None:
            return None
        accounts = {a for _, a in self._failed(event, ctx) if a != event.account_id}
        if len(accounts) + 1 < self.accounts:
            return None
        if event.result == "password_bad":
            return Finding(Outcome.ALLOW, 0.6, ("credential_stuffing_source",))
        return Finding(Outcome.CHALLENGE_OTP, 0.8, ("credential_stuffing_source",), ("open_case",))

    def observe(self, event: Event, ctx: Context | None) -> None:
        assert isinstance(event, Login) and ctx is not None
        if event.result != "password_bad":
            return
        recent = self._failed(event, ctx)
        recent.append([ctx.now, event.account_id])
        ctx.state.watch.put("failed:" + event.ip, recent[-64:])
