"""Many doubtful sessions buying the same symbol above the market within hours: a pump campaign.

In 2025 hijacked accounts bought the same thin symbol within minutes to hours while the attackers'
own account sold into the spike. When enough distinct accounts buy one symbol at a premium within a
window, each from a session that carries some doubt (a risky login, a move to an unknown network, a
session never seen logging in), the buy is held and the symbol restricted (買付停止), as brokers did;
later buys are denied until staff lift the restriction. Customers on sessions they opened without
doubt are not counted: eager buyers of a rising stock are not a campaign, and a restriction on
their evidence would deny every later buyer of it.

A doubtful session's buy of a restricted symbol above the market, and the buy that completes the
campaign, keep their stop whatever the friction budget says (`restricted_symbol_doubtful_session`
and `coordinated_buying` are floors in `engine/policy.py`); a customer's buy on a session opened
without doubt is denied only as far as the budget allows.
"""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta

from kozaguard.engine import restriction
from kozaguard.engine.detector import Context, Detector, Share, Window
from kozaguard.engine.detectors._market import premium
from kozaguard.engine.outcome import Finding, Outcome
from kozaguard.events.schema import Event, OrderNew


class PumpCampaign(Detector):
    name = "pump_campaign"
    assesses = (OrderNew,)
    observes = (OrderNew,)

    def __init__(
        self,
        accounts: Annotated[int, Meta(ge=2, le=1_000_000)] = 3,
        window_hours: Window = 6.0,
        min_premium: Annotated[float, Meta(ge=0, le=10)] = 0.03,
        doubt: Share = 0.2,
    ) -> None:
        self.accounts, self.window, self.min_premium = accounts, window_hours * 3600, min_premium
        self.doubt = doubt

    def _doubtful(self, ctx: Context) -> bool:
        s = ctx.session
        return s is not None and (not s.by_login or ctx.session_risk() >= self.doubt)

    def _buyers(self, event: OrderNew, ctx: Context) -> list:
        """The symbol's recent doubtful buyers, a new list (assess must leave state as it found it)."""
        buyers = ctx.state.watch.get("buyers:" + event.symbol) or ()
        return [b for b in buyers if ctx.now - b[0] <= self.window]

    def assess(self, event: Event, ctx: Context) -> Finding | None:
        assert isinstance(event, OrderNew)
        if event.side != "buy":
            return None
        sym = ctx.state.symbols.get(event.symbol)
        if sym is None:
            return None
        if sym.restricted:
            if premium(event, sym) >= self.min_premium and self._doubtful(ctx):
                # the campaign's shape: a doubtful session paying above the market for its symbol
                return Finding(Outcome.DENY, 0.9, ("restricted_symbol_doubtful_session",), ("open_case",))
            return Finding(Outcome.DENY, 0.8, ("symbol_restricted",))
        if premium(event, sym) < self.min_premium or not self._doubtful(ctx):
            return None
        others = {a for _, a in self._buyers(event, ctx) if a != event.account_id}
        if len(others) + 1 < self.accounts:
            return None
        return Finding(
            Outcome.HOLD,
            0.9,
            ("coordinated_buying",),
            (f"restrict_symbol:{event.symbol}", "open_case"),
        )

    def observe(self, event: Event, ctx: Context | None) -> None:
        assert isinstance(event, OrderNew) and ctx is not None
        if event.side != "buy":
            return
        sym = ctx.state.symbols.get(event.symbol)
        if sym is None or premium(event, sym) < self.min_premium or not self._doubtful(ctx):
            return
        buyers = self._buyers(event, ctx)
        buyers.append([ctx.now, event.account_id])
        ctx.state.watch.put("buyers:" + event.symbol, buyers)
        if len({a for _, a in buyers}) >= self.accounts and not sym.restricted:
            restriction.impose(sym, "engine", ctx.now)
            ctx.state.symbols.put(sym.symbol, sym)
