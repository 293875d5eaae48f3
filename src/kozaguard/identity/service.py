"""The identity service: registration, login decisions, factors, step-up and notices.

This is where policy lives. The pure modules say how a password, a TOTP code, a one-time code, a
passkey or a recovery code is checked, and `kozaguard.account_security` owns the lock, stuffing,
step-up, cooling-off and device rules; the use cases (`identity/use_cases/`, one module per area)
say which proof a customer must give, each inside a unit of work (`identity/unit_of_work.py`): one
store transaction, notices sent after it commits. Their only I/O is the injected store, notifier and
engine; time comes from `clock`.
"""

from __future__ import annotations

from kozaguard.identity.use_cases.base import (
    LoginDecision,
    StepUpChallenge,
    TotpProvisioning,
    describe_device,
    epoch,
    mask,
    plain_source,
    utc_now,
)
from kozaguard.identity.use_cases.customers import Customers
from kozaguard.identity.use_cases.factors import Factors
from kozaguard.identity.use_cases.locks import Locks
from kozaguard.identity.use_cases.logins import Logins
from kozaguard.identity.use_cases.phone_calls import PhoneCalls
from kozaguard.identity.use_cases.policies import Policies
from kozaguard.identity.use_cases.proofs import Proofs
from kozaguard.identity.use_cases.sessions import Sessions
from kozaguard.identity.use_cases.step_ups import StepUps

__all__ = [
    "IdentityService",
    "LoginDecision",
    "StepUpChallenge",
    "TotpProvisioning",
    "describe_device",
    "epoch",
    "mask",
    "plain_source",
    "utc_now",
]


class IdentityService(Customers, Logins, Locks, Sessions, Factors, StepUps, Proofs, Policies, PhoneCalls):
    """Every identity use case over one store, notifier, rate limiter and (optionally) the engine."""
