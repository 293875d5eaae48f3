"""A new authentication factor added from a session that cannot be trusted.

An attacker who got in with a relayed code adds his own authenticator app or passkey so that he can
come back without the victim. Enrolling a factor is usually good news, so it is held for review only
on a risky session (new device and network, a recent contact change, a moved session).
"""

from __future__ import annotations

from kozaguard.engine.detector import Context, Detector, Share
from kozaguard.engine.outcome import Finding, Outcome
from kozaguard.events.schema import Event, FactorChange


class FactorEnrolment(Detector):
    name = "factor_enrolment"
    assesses = (FactorChange,)

    def __init__(self, risky_session: Share = 0.4) -> None:
        self.risky = risky_session

    def assess(self, event: Event, ctx: Context) -> Finding | None:
        assert isinstance(event, FactorChange)
        if event.action != "enrolled" or ctx.session_risk() < self.risky:
            return None
        return Finding(Outcome.HOLD, 0.6, ("factor_added_on_risky_session",), ("notify_customer",))
