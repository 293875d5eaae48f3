"""Withdrawals wait after a change of the registered e-mail address or phone number.

Attackers change the registered e-mail or phone so notices stop reaching the victim, then move the
money. Holding withdrawals for a cooling-off period after such a change gives the real customer
time to notice (the notice of the change went to the old contact).
"""

from __future__ import annotations

from kozaguard.account_security.cooling_off import DEFAULT_CONTACT_SECONDS, contacts_changed
from kozaguard.engine.detector import Context, Detector, Wait
from kozaguard.engine.outcome import Finding, Outcome
from kozaguard.events.schema import Event, Withdrawal


class CoolingOff(Detector):
    name = "cooling_off"
    assesses = (Withdrawal,)

    def __init__(self, hours: Wait = DEFAULT_CONTACT_SECONDS / 3600) -> None:
        self.seconds = hours * 3600

    def assess(self, event: Event, ctx: Context) -> Finding | None:
        assert isinstance(event, Withdrawal)
        recent = contacts_changed(ctx.account.changed, ctx.now, self.seconds)
        if not recent:
            return None
        return Finding(
            Outcome.HOLD, 0.7, tuple(f"{f}_changed_recently" for f in recent), ("notify_customer",)
        )
