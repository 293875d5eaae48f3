"""Factor strength and step-up: which factor an action needs, given the factors a customer has.

JSDA guideline (effective 2025-10-15): phishing-resistant MFA (passkey) for login, withdrawals and
changes of the withdrawal bank account. Changes of e-mail or phone need step-up too, notify the old
contact and start a cooling-off period during which withdrawals are held: the takeover pattern is
"change the e-mail so the victim hears nothing, then take the money". Pure functions, reusable by
the engine's detectors (`step_up`, the policy's passkey rule) and by the identity service.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from kozaguard.account_security import cooling_off


class Action(StrEnum):
    LOGIN = "login"
    TRADE = "trade"
    WITHDRAWAL = "withdrawal"
    BANK_ACCOUNT_CHANGE = "bank_account_change"
    EMAIL_CHANGE = "email_change"
    PHONE_CHANGE = "phone_change"
    PASSWORD_CHANGE = "password_change"
    FACTOR_REMOVAL = "factor_removal"
    FACTOR_ENROLMENT = "factor_enrolment"
    RECOVERY_CODES = "recovery_codes"


class Factor(StrEnum):
    """Enrolled factors, named as in the event contract (`account.opened.factors`)."""

    PASSKEY = "passkey"
    TOTP = "totp"
    SMS = "sms"
    EMAIL_OTP = "email_otp"
    #: Phone-number authentication (電話番号認証): a call from the registered phone; offered by a
    #: policy, never enrolled, as relayable as an SMS code (a phishing page can show the number).
    PHONE_CALL = "phone_call"


#: Higher is stronger. Only a passkey is phishing-resistant; TOTP beats codes sent over SMS/e-mail
#: because it needs the enrolled device, not only access to a mailbox or a phone number.
STRENGTH = {Factor.PASSKEY: 3, Factor.TOTP: 2, Factor.SMS: 1, Factor.PHONE_CALL: 1, Factor.EMAIL_OTP: 1}

#: Actions where the JSDA guideline asks for phishing-resistant authentication.
PHISHING_RESISTANT_ACTIONS = frozenset({Action.LOGIN, Action.WITHDRAWAL, Action.BANK_ACCOUNT_CHANGE})
#: Contact changes: step-up, notice to the old contact, cooling-off.
CONTACT_ACTIONS = frozenset({Action.EMAIL_CHANGE, Action.PHONE_CHANGE})
#: Actions held during the cooling-off that follows a contact change.
HELD_AFTER_CONTACT_CHANGE = frozenset({Action.WITHDRAWAL, Action.BANK_ACCOUNT_CHANGE})


@dataclass(frozen=True)
class Requirement:
    """Factors that satisfy an action (strongest first) and why.

    `challenge` uses the event contract's words: `passkey` or `otp` (any one-time code).
    """

    action: Action
    accepted: tuple[Factor, ...]
    reason: str

    @property
    def strongest(self) -> Factor:
        return self.accepted[0]

    @property
    def phishing_resistant(self) -> bool:
        return self.strongest is Factor.PASSKEY

    @property
    def challenge(self) -> str:
        return "passkey" if self.phishing_resistant else "otp"


def required_factor(action: Action, enrolled: Iterable[Factor]) -> Requirement:
    """The factor(s) that satisfy `action` for a customer with `enrolled` factors.

    The rule: the strongest factor enrolled, or anything as strong. A customer with nothing
    enrolled can still receive an e-mail code (the registered address is always known).

    >>> required_factor(Action.WITHDRAWAL, [Factor.SMS, Factor.PASSKEY]).accepted
    (<Factor.PASSKEY: 'passkey'>,)
    >>> r = required_factor(Action.EMAIL_CHANGE, [Factor.SMS, Factor.EMAIL_OTP])
    >>> r.challenge, r.reason
    ('otp', 'strongest_enrolled')
    """
    order = list(Factor)  # ties in the enum's order, so the answer never depends on set order
    factors = sorted(set(enrolled), key=lambda f: (-STRENGTH[f], order.index(f)))
    if not factors:
        return Requirement(action, (Factor.EMAIL_OTP,), "no_factor_enrolled")
    top = STRENGTH[factors[0]]
    accepted = tuple(f for f in factors if STRENGTH[f] >= top)
    if action in PHISHING_RESISTANT_ACTIONS:
        reason = "phishing_resistant_required" if top == 3 else "passkey_not_enrolled"
    else:
        reason = "strongest_enrolled"
    return Requirement(action, accepted, reason)


#: Actions a factor on probation (added on a risky session) cannot pass yet.
PROBATION_BARS = frozenset({Action.WITHDRAWAL, Action.BANK_ACCOUNT_CHANGE})


def first_factor(enrolled: Iterable[Factor]) -> bool:
    """Nothing enrolled beyond the e-mail code every customer has: the next factor is the first.

    Its proof is an e-mail code to the registered address; if the session was risky the new factor
    waits out a probation before it can pass a withdrawal step-up (`cooling_off.factor_probation`).
    """
    return not (set(enrolled) - {Factor.EMAIL_OTP})


def is_held(action: Action, contact_changed_at: float | None, now: float, seconds: float) -> bool:
    """True while a withdrawal (or bank-account change) waits out the cooling-off of a contact change.

    >>> hours = 3600.0
    >>> is_held(Action.WITHDRAWAL, 0.0, 71 * hours, 72 * hours), is_held(Action.TRADE, 0.0, 1.0, 72 * hours)
    (True, False)
    """
    return action in HELD_AFTER_CONTACT_CHANGE and cooling_off.is_held(contact_changed_at, now, seconds)


@dataclass(frozen=True)
class ActionDecision:
    """`allow`, `challenge` (with `factor`: passkey|otp) or `hold`, with stable reason codes."""

    decision: str
    requirement: Requirement
    reasons: tuple[str, ...]
    held_until: float | None = None

    @property
    def factor(self) -> str | None:
        return self.requirement.challenge if self.decision == "challenge" else None


def authorize(
    action: Action,
    enrolled: Iterable[Factor],
    *,
    stepped_up_with: Factor | None,
    contact_changed_at: float | None,
    now: float,
    cooling_off_seconds: float = cooling_off.DEFAULT_CONTACT_SECONDS,
    requirement: Requirement | None = None,
) -> ActionDecision:
    """Decide an action: hold during cooling-off, else challenge until a strong-enough step-up.

    `requirement` (from an authentication policy) replaces the strongest-enrolled rule; a grant
    counts when its factor is accepted, or stronger than every accepted one.
    """
    requirement = requirement or required_factor(action, enrolled)
    if is_held(action, contact_changed_at, now, cooling_off_seconds):
        return ActionDecision(
            "hold",
            requirement,
            ("contact_changed_cooling_off",),
            cooling_off.held_until(contact_changed_at, cooling_off_seconds),
        )
    if stepped_up_with is not None and (
        stepped_up_with in requirement.accepted or STRENGTH[stepped_up_with] > STRENGTH[requirement.strongest]
    ):
        return ActionDecision("allow", requirement, ("stepped_up",))
    return ActionDecision("challenge", requirement, ("step_up_required", requirement.reason))
