"""A large share of the account traded on a session that opened with risk.

Whatever the symbol, a takeover turns the account over: the holdings are sold and the cash spent
within a session or two. An order worth a large share of the account's value, on a session whose
login was risky (new device, new network) or which has moved since, is held until the customer
confirms it.
"""

from __future__ import annotations

from kozaguard.engine.detector import Context, Detector, Ratio, Share
from kozaguard.engine.detectors._market import account_value, order_value
from kozaguard.engine.outcome import Finding, Outcome
from kozaguard.events.schema import Event, OrderNew


class LargeOrder(Detector):
    name = "large_order"
    assesses = (OrderNew,)

    def __init__(self, share: Ratio = 0.3, risky_session: Share = 0.4) -> None:
        self.share, self.risky = share, risky_session

    def assess(self, event: Event, ctx: Context) -> Finding | None:
        assert isinstance(event, OrderNew)
        if ctx.session_risk() < self.risky:
            return None
        value = account_value(ctx.account, ctx.state)
        if value <= 0 or order_value(event, ctx.state) < self.share * value:
            return None
        return Finding(Outcome.HOLD, 0.6, ("large_order_on_risky_session",), ("notify_customer",))
