"""Logins and actions soon after the registered e-mail or phone changed.

Attackers change the e-mail first so the victim gets no notices ("your e-mail address was changed
and a login occurred"). The change adds risk to what follows; the policy (`engine/policy.py`) also
stops trusting a one-time code sent to the new contact.
"""

from __future__ import annotations

from kozaguard.engine.detector import Context, Detector, Window
from kozaguard.engine.outcome import Finding, Outcome
from kozaguard.events.schema import Event, Login, OrderNew, ProfileChange, Withdrawal


class ContactChanged(Detector):
    name = "contact_changed"
    assesses = (Login, Withdrawal, OrderNew, ProfileChange)

    def __init__(self, hours: Window = 24.0) -> None:
        self.seconds = hours * 3600

    def assess(self, event: Event, ctx: Context) -> Finding | None:
        if isinstance(event, Login) and event.result != "password_ok":
            return None
        changed = ctx.account.contacts_changed(ctx.now, self.seconds)
        if not changed:
            return None
        return Finding(Outcome.ALLOW, 0.3, tuple(f"{f}_changed_recently" for f in changed))
