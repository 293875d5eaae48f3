""" "This wasn't me": the customer's own report of a trade, a login or a code he did not ask for.

A customer who reports a trade or a login he does not recognise has told the broker the account is
in someone else's hands: it is locked (every action refused, sessions included), a case opened and
the customer told, until he is verified out of band (a later `locked_out` report) or staff review it
(`review_hours`). A one-time code he did not ask for means someone has his password: the next login
from a device he never used must pass a passkey, or is refused when he has none. These are floors:
no friction budget lowers them.
"""

from __future__ import annotations

from kozaguard.engine.detector import Context, Detector, Wait, Window
from kozaguard.engine.outcome import Finding, Outcome
from kozaguard.events.schema import Event, FactorChange, Login, OrderNew, ProfileChange, Withdrawal

UNRECOGNIZED = ("unrecognized_trade", "unrecognized_login")
_CASE = ("notify_customer", "open_case")


class CustomerReported(Detector):
    name = "customer_reported"
    assesses = (Login, FactorChange, ProfileChange, Withdrawal, OrderNew)

    def __init__(self, review_hours: Wait = 4.0, code_days: Window = 7.0) -> None:
        self.review, self.code = review_hours * 3600, code_days * 86400

    def assess(self, event: Event, ctx: Context) -> Finding | None:
        reports = ctx.account.reports
        if not reports:
            return None
        cleared = reports.get("locked_out", float("-inf"))
        for kind in UNRECOGNIZED:
            when = reports.get(kind)
            if when is not None and when > cleared and ctx.since(when) < self.review:
                return Finding(Outcome.LOCK, 1.0, ("account_reported_unrecognized",), _CASE)
        if not isinstance(event, Login) or event.result != "password_ok":
            return None
        when = reports.get("unsolicited_code")
        if when is None or ctx.since(when) >= self.code or event.device_id in ctx.account.devices:
            return None
        if "passkey" in ctx.account.factors:
            return Finding(
                Outcome.CHALLENGE_PASSKEY, 0.8, ("reported_code_new_device",), ("notify_customer",)
            )
        return Finding(Outcome.DENY, 0.9, ("reported_code_new_device",), _CASE)
