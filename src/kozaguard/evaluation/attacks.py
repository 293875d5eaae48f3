"""One record per attack: when it began, where the engine stopped it, and the damage it did.

An attack is the set of labelled events sharing an `attack_id`, plus the fills of its orders.
Damage starts at its first fill or withdrawal. It is *stopped* when one of its events before that
gets a decision the attacker cannot get past (docs/evaluation.md).
"""

from __future__ import annotations

from datetime import datetime

from msgspec import Struct, field

from kozaguard.evaluation.valuation import Damage
from kozaguard.events.schema import (
    Decision,
    Event,
    FactorChange,
    Login,
    OrderNew,
    ProfileChange,
    Withdrawal,
)

PLACES = ("login", "factor", "profile", "withdrawal", "order")
"""Where an attack can be stopped: the kind of event whose decision stopped it."""

PLACE_OF: dict[type[Event], str] = {
    Login: "login",
    FactorChange: "factor",
    ProfileChange: "profile",
    Withdrawal: "withdrawal",
    OrderNew: "order",
}

CAPABILITIES = ("password", "otp_relay", "session")


def stops(decision: Decision | None, capability: str) -> bool:
    """Whether `decision` stops an attacker who can pass what `capability` says.

    Holds, denies and locks stop everyone; a passkey challenge too (it cannot be relayed); a one-time
    code stops only an attacker who has nothing but the password.

    >>> stops(Decision(event_id="e", decision="challenge", factor="otp", score=0.5), "password")
    True
    >>> stops(Decision(event_id="e", decision="challenge", factor="otp", score=0.5), "otp_relay")
    False
    >>> stops(None, "session")
    False
    """
    if decision is None:
        return False
    outcome = decision.decision
    if outcome in ("hold", "deny", "lock"):
        return True
    if outcome == "challenge":
        return decision.factor == "passkey" or capability == "password"
    return False


class Attack(Struct, kw_only=True, gc=False):
    """What the evaluator learns about one attack while it streams the events."""

    attack_id: str
    capability: str
    label_line: int
    first_index: int
    first_ts: datetime
    accounts: list[str] = field(default_factory=list)
    damage_index: int | None = None
    damage_ts: datetime | None = None
    stop_index: int | None = None
    stop_ts: datetime | None = None
    stop_event_id: str | None = None
    stop_place: str | None = None
    damage: list[Damage] = field(default_factory=list)

    def saw(self, account_id: str | None) -> None:
        """Note an account the attack touched."""
        if account_id is not None and account_id not in self.accounts:
            self.accounts.append(account_id)

    def decided(self, index: int, event: Event, decision: Decision | None) -> None:
        """Record the first decision that stops the attack, wherever it falls."""
        if self.stop_index is None and stops(decision, self.capability):
            self.stop_index, self.stop_ts = index, event.ts
            self.stop_event_id = event.event_id
            self.stop_place = PLACE_OF[type(event)]

    def damaged(self, item: Damage, ts: datetime) -> None:
        """Record a fill or withdrawal; the first one is where damage starts."""
        if self.damage_index is None:
            self.damage_index, self.damage_ts = item.index, ts
        self.damage.append(item)

    @property
    def stopped(self) -> bool:
        """Stopped before any damage (a held withdrawal stops the attack before its own money moves)."""
        if self.stop_index is None:
            return False
        return self.damage_index is None or self.stop_index <= self.damage_index

    def prevented(self, item: Damage) -> bool:
        """Whether a damage item falls at or after the stop, so the stop would have prevented it."""
        return self.stop_index is not None and item.index >= self.stop_index
