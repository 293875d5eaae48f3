"""How the findings of all detectors become one decision.

The strongest outcome asked for wins and risk adds up as a noisy-or. Then two rules about factors:
a one-time-code challenge becomes a passkey challenge when the customer has a passkey (it stops a
code relay, and costs the customer no more than a code), and becomes a denial when no one-time code can be
trusted — the only channels left were changed moments ago, so the code would reach whoever changed
them.

Orders and withdrawals then pass the friction budget (`gate`): a hold or denial that no floor rule
asked for stands only when the action's evidence (`engine/evidence.py`) reaches the threshold the
broker's own history allows (`engine/budget.py`); below it the softer answer comes first — a passkey
challenge where the customer has one and the evidence allows, else a notice to the customer. Evidence
strong enough holds an action even when no rule asked.
"""

from __future__ import annotations

from kozaguard.engine.budget import Budget
from kozaguard.engine.evidence import probability
from kozaguard.engine.outcome import Finding, Outcome
from kozaguard.engine.state import Account

# The one-time-code channel that each contact field feeds.
OTP_CHANNEL = {"email": "email_otp", "phone": "sms"}


FLOORS = frozenset(
    {
        "account_locked",
        "too_many_failures",
        "no_trusted_factor",
        "account_reported_unrecognized",
        "reported_code_new_device",
        "coordinated_buying",
        "restricted_symbol_doubtful_session",
        "campaign_infrastructure",
        "campaign_seller",
        "buy_above_market_after_selloff",
        "session_rejected_by_staff",
        "session_client_changed",
        "rejected_client_returns",
    }
)
"""Reasons whose stop no budget lowers: a lock, a code that cannot be trusted, the customer's report,
a campaign's buy (doubtful sessions of several accounts buying one symbol above the market), a
session staff found an attacker's, and a session suddenly driven from another device or browser (a
stolen cookie: a browser does not change its device cookie or its make in the middle of a session;
one customer action in several thousand does, measured on three generators)."""


def floored(outcome: Outcome, reasons: list[str]) -> bool:
    """Whether no budget may lower this outcome: a lock, or a floor reason among its reasons."""
    return outcome >= Outcome.LOCK or any(r in FLOORS for r in reasons)


class Policy:
    def __init__(self, contact_hours: float = 24.0, budget: Budget | None = None) -> None:
        """`budget` None: the rules alone decide (detector tests, the bench's rules-only row)."""
        self.contact_seconds = contact_hours * 3600
        self.budget = budget

    def gate(
        self, outcome: Outcome, reasons: list[str], actions: list[str], account: Account, evidence: float
    ) -> tuple[Outcome, float]:
        """The decision on an order or withdrawal under the friction budget, and its score."""
        budget = self.budget
        assert budget is not None, "gate needs a budget"
        score = probability(evidence)
        if floored(outcome, reasons):
            return outcome, max(score, 0.9)
        hold, challenge = budget.hold_threshold(), budget.challenge_threshold()
        stop = outcome >= Outcome.HOLD
        if evidence >= hold:
            if not stop:
                outcome = Outcome.HOLD
                reasons.append("takeover_evidence")
            for a in ("notify_customer", "open_case"):
                if a not in actions:
                    actions.append(a)
            budget.stopped()
            return outcome, score
        if evidence >= challenge and "passkey" in account.factors and outcome != Outcome.CHALLENGE_PASSKEY:
            reasons.append("passkey_for_unusual_action")
            budget.passkey_challenged(evidence)
            return Outcome.CHALLENGE_PASSKEY, score
        if outcome in (Outcome.CHALLENGE_OTP, Outcome.CHALLENGE_PASSKEY):
            budget.rule_challenged()
        if stop:
            reasons.append("unusual_action_notice")
            if "notify_customer" not in actions:
                actions.append("notify_customer")
            outcome = Outcome.ALLOW
        budget.learn(evidence, "passkey" in account.factors)
        return outcome, score

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
            if passkey:  # it cannot be relayed: the customer passes it, a phishing site does not
                outcome = Outcome.CHALLENGE_PASSKEY
            elif not passkey and not self.trusted_otp(account, now):
                outcome = Outcome.DENY
                reasons.append("no_trusted_factor")
                if "notify_customer" not in actions:
                    actions.append("notify_customer")
        return outcome, score, reasons, actions
