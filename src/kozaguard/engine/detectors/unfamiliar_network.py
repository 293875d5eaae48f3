"""A login from a country, network or hosting provider the account has not used.

Takeovers in 2025 came from foreign hosting and from proxies; customers log in from home and mobile
networks in Japan. A foreign or hosting network the account has never used asks for a code — unless
the login comes from the customer's own known device and browser (a traveller, a VPN user), which
only adds half the risk: his session is not a stranger's, and his sales are not held for it. A new
network in Japan alone is ordinary (mobile lines, a new provider).
"""

from __future__ import annotations

from kozaguard.engine.detector import Context, Country, Detector
from kozaguard.engine.outcome import Finding, Outcome
from kozaguard.events.schema import Event, Login


class UnfamiliarNetwork(Detector):
    name = "unfamiliar_network"
    assesses = (Login,)

    def __init__(self, home_country: Country = "JP") -> None:
        self.home = home_country

    def assess(self, event: Event, ctx: Context) -> Finding | None:
        assert isinstance(event, Login)
        net, account = ctx.net, ctx.account
        if event.result != "password_ok" or net.network in account.networks:
            return None
        reasons: list[str] = ["new_network"] if account.logins else []
        score = 0.1 if account.logins else 0.0
        if net.country != self.home and net.country not in account.countries:
            reasons.append("foreign_ip")
            score += 0.35
        if net.hosting:
            reasons.append("hosting_network")
            score += 0.35
        if not reasons:
            return None
        own_client = event.device_id in account.devices and event.user_agent in account.user_agents
        if own_client:  # a traveller or a VPN user on his own device: weighed, not challenged
            return Finding(Outcome.ALLOW, min(score, 0.8) / 2, tuple(reasons))
        strong = "foreign_ip" in reasons or "hosting_network" in reasons
        outcome = Outcome.CHALLENGE_OTP if strong else Outcome.ALLOW
        return Finding(outcome, min(score, 0.8), tuple(reasons))
