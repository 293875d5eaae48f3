"""How the findings of all detectors become one decision.

The strongest outcome asked for wins and risk adds up as a noisy-or. Then two rules about factors:
a one-time-code challenge becomes a passkey challenge when the customer has a passkey and the risk
is high (phishing-resistant where possible), and becomes a denial when no one-time code can be
trusted — the only channels left were changed moments ago, so the code would reach whoever changed
them.
"""

from __future__ import annotations

from kozaguard.engine.outcome import Finding, Outcome
from kozaguard.engine.state import Account

# The one-time-code channel that each contact field feeds.
OTP_CHANNEL = {"email": "email_otp", "phone": "sms"}


class Policy:
    def __init__(self, passkey_score: float = 0.7, contact_hours: float = 24.0) -> None:
        self.passkey_score = passkey_score
        self.contact_seconds = contact_hours * 3600

    def trusted_otp(self, account: Account, now: float) -> bool:
        """Whether some one-time-code channel can still be trusted (an e-mail code is always offered).

        >>> p, a = Policy(), Account(account_id="a", factors=["sms"])
        >>> p.trusted_otp(a, 0.0)
        True
        >>> a.changed = {"email": 0.0, "phone": 0.0}
        >>> p.trusted_otp(a, 3600.0)
        False
        """
        channels = {f for f in account.factors if f != "passkey"} | {"email_otp"}
        channels -= {OTP_CHANNEL[f] for f in account.contacts_changed(now, self.contact_seconds)}
        return bool(channels)

    def combine(self, findings: list[Finding], account: Account, now: float):
        """(outcome, score, reasons, actions) for one action."""
        outcome = Outcome.ALLOW
        keep = 1.0
        reasons: list[str] = []
        actions: list[str] = []
        for f in findings:
            outcome = max(outcome, f.outcome)
            keep *= 1.0 - f.score
            reasons.extend(r for r in f.reasons if r not in reasons)
            actions.extend(a for a in f.actions if a not in actions)
        score = round(1.0 - keep, 4)
        if outcome == Outcome.CHALLENGE_OTP:
            passkey = "passkey" in account.factors
            if passkey and (score >= self.passkey_score or not self.trusted_otp(account, now)):
                outcome = Outcome.CHALLENGE_PASSKEY
            elif not passkey and not self.trusted_otp(account, now):
                outcome = Outcome.DENY
                reasons.append("no_trusted_factor")
                if "notify_customer" not in actions:
                    actions.append("notify_customer")
        return outcome, score, reasons, actions
