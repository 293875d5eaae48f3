"""Selling (nearly) everything of a holding on a session that opened with risk.

Attackers sell the victim's holdings to fund the pump buys. A customer selling out from a familiar
device is ordinary (a retiree cashing in); the same sale on a session whose login was risky — a new
device, a foreign or hosting network — is held for review.
"""

from __future__ import annotations

from kozaguard.engine.detector import Context, Detector
from kozaguard.engine.outcome import Finding, Outcome
from kozaguard.events.schema import Event, OrderNew


class Liquidation(Detector):
    name = "liquidation"
    assesses = (OrderNew,)

    def __init__(self, share: float = 0.9, risky_session: float = 0.45) -> None:
        self.share, self.risky = share, risky_session

    def assess(self, event: Event, ctx: Context) -> Finding | None:
        assert isinstance(event, OrderNew)
        if event.side != "sell":
            return None
        held = ctx.account.positions.get(event.symbol, 0.0)
        if held <= 0 or event.qty < self.share * held:
            return None
        if ctx.session_risk() >= self.risky:
            return Finding(Outcome.HOLD, 0.7, ("sell_out_on_risky_session",), ("notify_customer",))
        return Finding(Outcome.ALLOW, 0.1, ("sell_out",))
