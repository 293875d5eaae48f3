"""Two logins from different countries closer in time than a person can travel.

A customer in Tokyo at 09:00 cannot log in from Frankfurt at 09:40; a relayed or stolen credential
can. Addresses without a known country are left out.
"""

from __future__ import annotations

from kozaguard.engine.detector import Context, Detector
from kozaguard.engine.outcome import Finding, Outcome
from kozaguard.events.schema import Event, Login


class ImpossibleTravel(Detector):
    name = "impossible_travel"
    assesses = (Login,)

    def __init__(self, hours: float = 3.0) -> None:
        self.seconds = hours * 3600

    def assess(self, event: Event, ctx: Context) -> Finding | None:
        assert isinstance(event, Login)
        account, country = ctx.account, ctx.net.country
        last = account.last_login_country
        if event.result != "password_ok" or not last or "--" in (last, country) or last == country:
            return None
        if ctx.since(account.last_login_at) >= self.seconds:
            return None
        return Finding(Outcome.CHALLENGE_OTP, 0.6, ("impossible_travel",))
