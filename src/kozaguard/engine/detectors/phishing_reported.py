"""A customer who reported a phishing message or codes he did not ask for is a likely target.

The seed's customers noticed one-time codes arriving unasked and phishing SMS; in 2025 such
reports came before the takeover. For a while after the report, his logins from a new device or
network are challenged with the strongest factor he has. A reported URL goes through the phishing
checker: when it impersonates a broker, the customer has probably typed his password into it, and
the risk is higher still; the site is added to the watch list.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from kozaguard.engine.detector import Context, Detector, Window
from kozaguard.engine.outcome import Finding, Outcome
from kozaguard.events.schema import CustomerReport, Event, Login
from kozaguard.phishing import Verdict
from kozaguard.phishing.campaigns import CampaignMemory

_KINDS = ("phishing_message", "unsolicited_code", "unrecognized_login", "phishing_site")


class PhishingReported(Detector):
    name = "phishing_reported"
    assesses = (Login,)
    observes = (CustomerReport,)

    def __init__(self, days: Window = 30.0) -> None:
        self.seconds = days * 86400

    def assess(self, event: Event, ctx: Context) -> Finding | None:
        assert isinstance(event, Login)
        account = ctx.account
        if event.result != "password_ok" or not account.reports:
            return None
        recent = [k for k in _KINDS if ctx.since(account.reports.get(k)) < self.seconds]
        if not recent:
            return None
        reasons = ["customer_reported_phishing"]
        site = ctx.since(account.reports.get("phishing_site")) < self.seconds
        if site:
            reasons.append("reported_url_impersonates_broker")
        familiar = event.device_id in account.devices and ctx.net.network in account.networks
        if familiar:
            return Finding(Outcome.ALLOW, 0.3 if site else 0.2, tuple(reasons))
        return Finding(Outcome.CHALLENGE_OTP, 0.85 if site else 0.7, tuple(reasons))

    def observe(self, event: Event, ctx: Context | None) -> None:
        assert isinstance(event, CustomerReport) and ctx is not None
        if not event.url:
            return
        # Reported URLs form a stream: the campaign memory lives in the state's watch list.
        result = CampaignMemory(store=ctx.state.watch).check(event.url)
        if result.verdict == Verdict.IMPERSONATION:
            ctx.account.reports["phishing_site"] = ctx.now
            ctx.state.accounts.put(ctx.account.account_id, ctx.account)
            host = urlsplit(event.url if "//" in event.url else "//" + event.url).hostname or event.url
            seen = ctx.state.watch.get("phishing:" + host) or []
            seen.append([ctx.now, ctx.account.account_id])
            ctx.state.watch.put("phishing:" + host, seen[-64:])
