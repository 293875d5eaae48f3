"""A doubtful session that sold most of the holdings, then buys above the market: the whole takeover.

The hijacked accounts of 2025 were emptied first (holding after holding sold within minutes) and
the cash then spent on a thin symbol at a limit far above the market, where the crew sold into it.
Either half alone is something customers do; both on one session that carries doubt (a risky login,
a move to an unknown network, a session never seen logging in) is the attack's profit, and the
buy is held whatever the friction budget says (`buy_above_market_after_selloff` is a floor in
`engine/policy.py`): the loss the buy would do is most of the account.
"""

from __future__ import annotations

from kozaguard.engine.detector import Context, Detector, Ratio, Share
from kozaguard.engine.detectors._market import holdings_value, premium
from kozaguard.engine.outcome import Finding, Outcome
from kozaguard.events.schema import Event, OrderNew


class SellThenPump(Detector):
    name = "sell_then_pump"
    assesses = (OrderNew,)

    def __init__(self, sold: Share = 0.5, min_premium: Ratio = 0.05, doubt: Share = 0.2) -> None:
        self.sold, self.min_premium, self.doubt = sold, min_premium, doubt

    def assess(self, event: Event, ctx: Context) -> Finding | None:
        assert isinstance(event, OrderNew)
        s = ctx.session
        if event.side != "buy" or s is None or s.sold_jpy <= 0:
            return None
        sym = ctx.state.symbols.get(event.symbol)
        if sym is None or premium(event, sym) < self.min_premium:
            return None
        if s.by_login and ctx.session_risk() < self.doubt:
            return None
        found = holdings_value(ctx.account, ctx.state) + s.sold_jpy  # what the session found
        if s.sold_jpy < self.sold * found:
            return None
        return Finding(
            Outcome.HOLD, 0.9, ("buy_above_market_after_selloff",), ("open_case", "notify_customer")
        )
