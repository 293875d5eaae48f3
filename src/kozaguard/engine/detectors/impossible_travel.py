"""Two logins from different countries closer in time than a person can travel.

A customer in Tokyo at 09:00 cannot log in from Frankfurt at 09:40; a relayed or stolen credential
can. From the customer's own known device and browser it is more likely a VPN switched on, so it
only adds risk. Addresses without a known country are left out.
"""

from __future__ import annotations

from kozaguard.engine.detector import Context, Detector, Window
from kozaguard.engine.outcome import Finding, Outcome
from kozaguard.events.schema import Event, Login


class ImpossibleTravel(Detector):
    name = "impossible_travel"
    assesses = (Login,)

    def __init__(self, hours: Window = 3.0) -> None:
        self.seconds = hours * 3600

    def assess(self, event: Event, ctx: Context) -> Finding | None:
        assert isinstance(event, Login)
        account, country = ctx.account, ctx.net.country
        last = account.last_login_country
        if event.result != "password_ok" or not last or "--" in (last, country) or last == country:
            return None
        if ctx.since(account.last_login_at) >= self.seconds:
            return None
        own_client = event.device_id in account.devices and event.user_agent in account.user_agents
        if own_client:
            return Finding(Outcome.ALLOW, 0.3, ("impossible_travel",))
        return Finding(Outcome.CHALLENGE_OTP, 0.6, ("impossible_travel",))
