"""Selling holdings on a session that opened with risk.

Attackers sell the victim's holdings to fund the pump buys: all of a holding at once, or a small
part first to see whether the sale goes through. A customer selling out from a familiar device is
ordinary (a retiree cashing in); any sale on a session whose login was risky (a device first seen
and passed only with a one-time code, which a real-time phishing site relays; a foreign or hosting
network) is held until the customer confirms it.
"""

from __future__ import annotations

from kozaguard.engine.detector import Context, Detector, Share
from kozaguard.engine.outcome import Finding, Outcome
from kozaguard.events.schema import Event, OrderNew


class Liquidation(Detector):
    name = "liquidation"
    assesses = (OrderNew,)

    def __init__(self, share: Share = 0.9, risky_session: Share = 0.45) -> None:
        self.share, self.risky = share, risky_session

    def assess(self, event: Event, ctx: Context) -> Finding | None:
        assert isinstance(event, OrderNew)
        if event.side != "sell":
            return None
        held = ctx.account.positions.get(event.symbol, 0.0)
        if held <= 0:
            return None
        sell_out = event.qty >= self.share * held
        if ctx.session_risk() >= self.risky:
            reason = "sell_out_on_risky_session" if sell_out else "sale_on_risky_session"
            return Finding(Outcome.HOLD, 0.7, (reason,), ("notify_customer",))
        return Finding(Outcome.ALLOW, 0.1, ("sell_out",)) if sell_out else None
