"""What a detector asks for, and how the asks of several detectors combine into one decision.

Outcomes carry their own priority: the strongest ask wins (lock > deny > hold > challenge with a
passkey > challenge with a one-time code > allow).

>>> max(Outcome.CHALLENGE_OTP, Outcome.HOLD) is Outcome.HOLD
True
>>> Outcome.CHALLENGE_PASSKEY.decision, Outcome.CHALLENGE_PASSKEY.factor
('challenge', 'passkey')
"""

from __future__ import annotations

from enum import IntEnum

from msgspec import Struct, field


class Outcome(IntEnum):
    ALLOW = 0
    CHALLENGE_OTP = 1
    CHALLENGE_PASSKEY = 2
    HOLD = 3
    DENY = 4
    LOCK = 5

    @property
    def decision(self) -> str:
        """The spec's `decision` word for this outcome."""
        return _DECISION[self]

    @property
    def factor(self) -> str | None:
        """The spec's `factor` for a challenge, else None."""
        return _FACTOR.get(self)


_DECISION = {
    Outcome.ALLOW: "allow",
    Outcome.CHALLENGE_OTP: "challenge",
    Outcome.CHALLENGE_PASSKEY: "challenge",
    Outcome.HOLD: "hold",
    Outcome.DENY: "deny",
    Outcome.LOCK: "lock",
}
_FACTOR = {Outcome.CHALLENGE_OTP: "otp", Outcome.CHALLENGE_PASSKEY: "passkey"}


class Finding(Struct, frozen=True, gc=False):
    """One detector's view of one action: how risky it is, why, and what it asks for.

    `score` is the detector's risk in [0, 1]; `reasons` are stable snake_case codes documented in
    docs/reasons.md; `actions` are side effects such as `notify_customer` or `restrict_symbol:X`.
    """

    outcome: Outcome
    score: float
    reasons: tuple[str, ...]
    actions: tuple[str, ...] = field(default_factory=tuple)
