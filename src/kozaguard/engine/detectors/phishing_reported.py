"""A customer who reported a phishing message or codes he did not ask for is a likely target.

The seed's customers noticed one-time codes arriving unasked and phishing SMS; in 2025 such
reports came before the takeover. For a while after the report, his logins from a new device or
network are challenged with the strongest factor he has.
"""

from __future__ import annotations

from kozaguard.engine.detector import Context, Detector
from kozaguard.engine.outcome import Finding, Outcome
from kozaguard.events.schema import Event, Login

_KINDS = ("phishing_message", "unsolicited_code", "unrecognized_login")


class PhishingReported(Detector):
    name = "phishing_reported"
    assesses = (Login,)

    def __init__(self, days: float = 30.0) -> None:
        self.seconds = days * 86400

    def assess(self, event: Event, ctx: Context) -> Finding | None:
        assert isinstance(event, Login)
        account = ctx.account
        if event.result != "password_ok" or not account.reports:
            return None
        recent = [k for k in _KINDS if ctx.since(account.reports.get(k)) < self.seconds]
        if not recent:
            return None
        familiar = event.device_id in account.devices and ctx.net.network in account.networks
        if familiar:
            return Finding(Outcome.ALLOW, 0.2, ("customer_reported_phishing",))
        return Finding(Outcome.CHALLENGE_OTP, 0.7, ("customer_reported_phishing",))
