"""Most of the holdings sold within one session that carries some doubt.

A takeover empties the account in one sitting: holding after holding sold within minutes, each sale
small enough to look ordinary, all of them together most of what the customer owns. When the sales
ordered on one session add up to most of the holdings' value, and that session carries some doubt
(its login was never seen, as with a stolen session cookie, or it opened or moved with some risk),
the sale that crosses the line, and every later one on that session, waits for the customer to
confirm. A customer selling out on a session he opened without doubt is left alone.
"""

from __future__ import annotations

from kozaguard.engine.detector import Context, Detector, Share
from kozaguard.engine.detectors._market import holdings_value, order_value
from kozaguard.engine.outcome import Finding, Outcome
from kozaguard.events.schema import Event, OrderNew


class SellOff(Detector):
    name = "sell_off"
    assesses = (OrderNew,)  # the session's sales so far are the engine's (`Session.sold_jpy`)

    def __init__(self, share: Share = 0.5, doubt: Share = 0.2) -> None:
        self.share, self.doubt = share, doubt

    def assess(self, event: Event, ctx: Context) -> Finding | None:
        assert isinstance(event, OrderNew)
        s = ctx.session
        if event.side != "sell" or s is None or ctx.account.positions.get(event.symbol, 0.0) <= 0:
            return None
        if s.by_login and ctx.session_risk() < self.doubt:
            return None
        # what the session found: the holdings now plus what it has sold already (filled or not)
        found = holdings_value(ctx.account, ctx.state) + s.sold_jpy
        if s.sold_jpy + order_value(event, ctx.state) < self.share * found:
            return None
        return Finding(Outcome.HOLD, 0.6, ("session_sells_most_holdings",), ("notify_customer",))
