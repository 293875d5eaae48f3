"""A login from a country, network or hosting provider the account has not used.

Takeovers in 2025 came from foreign hosting and from proxies; customers log in from home and mobile
networks in Japan. A foreign or hosting network that the account has never used asks for a code.
"""

from __future__ import annotations

from kozaguard.engine.detector import Context, Detector
from kozaguard.engine.outcome import Finding, Outcome
from kozaguard.events.schema import Event, Login


class UnfamiliarNetwork(Detector):
    name = "unfamiliar_network"
    assesses = (Login,)

    def __init__(self, home_country: str = "JP") -> None:
        self.home = home_country

    def assess(self, event: Event, ctx: Context) -> Finding | None:
        assert isinstance(event, Login)
        net, account = ctx.net, ctx.account
        if event.result != "password_ok" or net.network in account.networks:
            return None
        reasons: list[str] = ["new_network"]
        score = 0.1
        if net.country != self.home and net.country not in account.countries:
            reasons.append("foreign_ip")
            score += 0.35
        if net.hosting:
            reasons.append("hosting_network")
            score += 0.35
        outcome = Outcome.CHALLENGE_OTP if len(reasons) > 1 else Outcome.ALLOW
        return Finding(outcome, min(score, 0.8), tuple(reasons))
