"""A policy rollout in the simulated brokerage: MFA (or passkeys) required at login from a date.

The `[rollout]` config section names the date, the level required at login (`registered`: a factor
the customer registered himself, SMS, an authenticator app or a passkey; `passkey`), a grace period
during which customers who lack it enrol now and then (`voluntary`, a chance per login), and after
which every such customer enrols at his next login. From the date a takeover gets past the login
only when its capability beats the victim's factors then: a password alone never does (the second
factor is mandatory and its enrolment needs the e-mail code); a relayed one-time code does unless
the victim holds a passkey; a stolen session skips the login. A stopped takeover leaves its login
in the stream (labelled) and nothing else.

Without the section nothing here runs and no random number is drawn: the stream is the same bytes.
Adoption draws from its own seeded generator, so it never shifts the customers' or attackers' draws.
"""

from __future__ import annotations

import random
from datetime import date
from typing import Literal

import msgspec

from kozaguard.sim.calendar import midnight_ms

_DAY = 86_400_000
REGISTERED = ("passkey", "totp", "sms")


class Rollout(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """The `[rollout]` section of the simulator config (docs/simulator.md)."""

    date: str
    login: Literal["registered", "passkey"] = "registered"
    grace_days: int = 10
    voluntary: float = 0.05
    passkey_share: float = 0.4

    @property
    def start_ms(self) -> int:
        return midnight_ms(date.fromisoformat(self.date))

    @property
    def deadline_ms(self) -> int:
        return self.start_ms + self.grace_days * _DAY


def meets(factors: list[str], level: str) -> bool:
    return "passkey" in factors if level == "passkey" else any(f in REGISTERED for f in factors)


def blocks(rollout: Rollout | None, capability: str, factors: list[str], ms: int) -> bool:
    """True when the policy in force at `ms` stops a takeover with `capability` at the login."""
    if rollout is None or ms < rollout.start_ms:
        return False
    if capability == "password":
        return True
    if capability == "otp_relay":
        return "passkey" in factors
    return False


class Adoption:
    """Customers who lack the level enrol: now and then in the grace period, surely after it."""

    def __init__(self, rollout: Rollout, seed: int) -> None:
        self.rollout = rollout
        self.rng = random.Random(f"{seed}/rollout")

    def enrol(self, factors: list[str], ms: int) -> str | None:
        """The factor enrolled at a login at `ms` (appended to `factors`), or None."""
        r = self.rollout
        if ms < r.start_ms or meets(factors, r.login):
            return None
        if ms < r.deadline_ms and self.rng.random() >= r.voluntary:
            return None
        if r.login == "passkey" or self.rng.random() < r.passkey_share:
            factor = "passkey"
        else:
            factor = self.rng.choice([f for f in ("totp", "sms") if f not in factors] or ["passkey"])
        factors.append(factor)
        return factor

    def delay(self) -> int:
        return self.rng.randint(20_000, 120_000)
