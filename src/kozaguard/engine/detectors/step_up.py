"""Step-up for the actions the JSDA guideline names: withdrawals and the withdrawal bank account.

The guideline (effective 2025-10-15) asks for phishing-resistant authentication — a passkey — for
withdrawals and for changing the withdrawal bank account; a customer without one is asked for the
strongest factor he has. E-mail and phone changes are stepped up too, and the notice goes to the
old contact, because attackers change the e-mail first so that the victim hears nothing. Which
factor is asked for is the account-security rule (`account_security.step_up.required_factor`).
"""

from __future__ import annotations

from kozaguard.account_security.step_up import Action, Factor, required_factor
from kozaguard.engine.detector import Context, Detector
from kozaguard.engine.outcome import Finding, Outcome
from kozaguard.events.schema import Event, FactorChange, ProfileChange, Withdrawal

_STEP_UP_FIELDS = frozenset({"bank_account", "email", "phone", "password"})
_ACTION = {
    "bank_account": Action.BANK_ACCOUNT_CHANGE,
    "email": Action.EMAIL_CHANGE,
    "phone": Action.PHONE_CHANGE,
    "password": Action.PASSWORD_CHANGE,
}
_KNOWN = frozenset(Factor)


class StepUp(Detector):
    name = "step_up"
    assesses = (Withdrawal, ProfileChange, FactorChange)

    def assess(self, event: Event, ctx: Context) -> Finding | None:
        if isinstance(event, ProfileChange) and event.field not in _STEP_UP_FIELDS:
            return None
        if isinstance(event, FactorChange) and event.action == "enrolled":
            return None  # enrolling a factor strengthens the account; removing one is stepped up
        if isinstance(event, Withdrawal):
            reason = "withdrawal_step_up"
        elif isinstance(event, FactorChange):
            reason = "factor_removal_step_up"
        else:
            reason = f"{event.field}_change_step_up"  # type: ignore[attr-defined]
        action = _ACTION.get(getattr(event, "field", None), Action.FACTOR_REMOVAL)
        if isinstance(event, Withdrawal):
            action = Action.WITHDRAWAL
        factors = [Factor(f) for f in ctx.account.factors if f in _KNOWN]
        phishing_resistant = required_factor(action, factors).phishing_resistant
        outcome = Outcome.CHALLENGE_PASSKEY if phishing_resistant else Outcome.CHALLENGE_OTP
        contact = isinstance(event, ProfileChange) and event.field in ("email", "phone")
        return Finding(outcome, 0.2, (reason,), ("notify_old_contact" if contact else "notify_customer",))
