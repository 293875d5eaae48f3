"""Buy orders priced far above the market, large against the symbol's usual volume.

The pump buys of 2025 were limit orders well above the market on thinly traded stocks, from
hijacked accounts. Brokers answered with order checks that reject orders priced far from the
reference price or large against recent average volume (Rakuten's US-stock rule). One of the two
alone is a customer being eager; both together, or either on a risky session, is held.
"""

from __future__ import annotations

from kozaguard.engine.detector import Context, Detector, Ratio, Share
from kozaguard.engine.detectors._market import premium, volume_share
from kozaguard.engine.outcome import Finding, Outcome
from kozaguard.events.schema import Event, OrderNew


class AggressiveBuy(Detector):
    name = "aggressive_buy"
    assesses = (OrderNew,)

    def __init__(
        self, far: Ratio = 0.05, very_far: Ratio = 0.10, large: Ratio = 0.05, risky_session: Share = 0.4
    ) -> None:
        self.far, self.very_far, self.large, self.risky = far, very_far, large, risky_session

    def assess(self, event: Event, ctx: Context) -> Finding | None:
        assert isinstance(event, OrderNew)
        if event.side != "buy":
            return None
        sym = ctx.state.symbols.get(event.symbol)
        if sym is None:
            return None
        p, share = premium(event, sym), volume_share(event, sym)
        reasons: list[str] = []
        if p >= self.far:
            reasons.append("limit_far_above_market")
        if share >= self.large:
            reasons.append("large_vs_volume")
        if not reasons:
            return None
        risky = ctx.session_risk() >= self.risky
        hold = (len(reasons) == 2 and p >= self.very_far) or risky
        if risky:
            reasons.append("risky_session")
        score = min(0.3 * len(reasons) + (0.2 if p >= self.very_far else 0.0), 0.95)
        return Finding(Outcome.HOLD if hold else Outcome.ALLOW, score, tuple(reasons))
