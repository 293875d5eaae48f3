"""Money sent to a new destination from a session that cannot be trusted.

A takeover that does not bother with a pump cashes out: it registers its own withdrawal bank account
and withdraws. Money can only leave to the registered bank account, so without a change of it a
withdrawal goes to the customer's own bank. A one-time code does not stop a real-time phishing
relay, so on a session whose login was risky (or that moved, or follows a contact change) the change
of the withdrawal account, and a withdrawal within days of such a change to an account never used
before, wait for staff, whatever factor was passed. So does that withdrawal, on any session, when the
customer has no passkey: the change was confirmed with a one-time code at best, which a phishing
relay passes and a thief riding a stolen session may read in the victim's mailbox.
"""

from __future__ import annotations

from kozaguard.engine.detector import Context, Detector, Share, Wait
from kozaguard.engine.outcome import Finding, Outcome
from kozaguard.events.schema import Event, ProfileChange, Withdrawal

_CASE = ("notify_customer", "open_case")


class NewPayee(Detector):
    name = "new_payee"
    assesses = (ProfileChange, Withdrawal)

    def __init__(self, risky_session: Share = 0.4, days: Wait = 3.0) -> None:
        self.risky, self.seconds = risky_session, days * 86400

    def assess(self, event: Event, ctx: Context) -> Finding | None:
        if isinstance(event, ProfileChange) and event.field != "bank_account":
            return None
        if isinstance(event, Withdrawal) and (
            event.bank_account_id in ctx.account.withdrawals
            or ctx.since(ctx.account.changed.get("bank_account")) >= self.seconds
        ):
            return None
        if ctx.session_risk() >= self.risky:
            reason = (
                "bank_change_on_risky_session"
                if isinstance(event, ProfileChange)
                else "new_payee_on_risky_session"
            )
            return Finding(Outcome.HOLD, 0.7, (reason,), _CASE)
        if isinstance(event, Withdrawal) and "passkey" not in ctx.account.factors:
            return Finding(Outcome.HOLD, 0.6, ("new_payee_without_passkey",), _CASE)
        return None
