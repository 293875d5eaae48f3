"""The campaign as an object: what a confirmed pump campaign's accounts share, and who profits.

Once a symbol is restricted because doubtful sessions of several accounts bought it above the
market (`pump_campaign`), every later such buy is the campaign's own: its session, its address and
its device are the crew's. Crews reuse their proxies and browsers across victims and days, so for
`keep_days` any other account's order, withdrawal or contact change from that address or device, or
on such a session, is held — on sessions opened before the campaign was seen, too — and a case
opened. The crew's own account bought the symbol before the pump and sells into it: an account that
sells a restricted symbol it bought within `bought_days` before the restriction (a stake of at least
`stake` of the symbol's usual daily volume) has its next stakes and its withdrawals held for
`keep_days` (a customer who happened to sell into the spike trades as before otherwise).

It is built from what attackers share, never from customers' buying alone: a customer who bought
the symbol on a session he opened without doubt is not a member, and a customer who held it for
longer than `bought_days` may sell into the spike.
"""

from __future__ import annotations

from kozaguard.engine import restriction
from kozaguard.engine.detector import Context, Detector, Ratio, Share, Window
from kozaguard.engine.detectors._market import premium, volume_share
from kozaguard.engine.outcome import Finding, Outcome
from kozaguard.events.schema import Event, FactorChange, OrderNew, ProfileChange, Withdrawal

_INFRA = "campaign:infra:"  # ip:<ip>|<ua> / device:<id> / session:<id> -> [[when, account_id], ...]
_BOUGHT = "campaign:bought:"  # <symbol> -> [[when, account_id], ...] buys of the symbol, recent
_SELLER = "campaign:seller:"  # <account_id> -> [when, symbol]: sold a campaign symbol it bought lately
_KEEP = 64


class Campaign(Detector):
    name = "campaign"
    assesses = (OrderNew, Withdrawal, ProfileChange, FactorChange)
    observes = (OrderNew,)

    def __init__(
        self,
        keep_days: Window = 3.0,
        bought_days: Window = 3.0,
        min_premium: Ratio = 0.03,
        doubt: Share = 0.2,
        stake: Ratio = 0.05,
    ) -> None:
        self.keep, self.bought = keep_days * 86400, bought_days * 86400
        self.stake = stake
        self.min_premium, self.doubt = min_premium, doubt

    @staticmethod
    def _keys(event: Event) -> list[str]:
        # an address only with its browser: residential proxies exit through customers' own lines
        keys = ["session:" + event.session_id, "ip:" + event.ip + "|" + event.user_agent]  # type: ignore[attr-defined]
        if event.device_id:  # type: ignore[attr-defined]
            keys.append("device:" + event.device_id)  # type: ignore[attr-defined]
        return keys

    def assess(self, event: Event, ctx: Context) -> Finding | None:
        watch, me, now = ctx.state.watch, ctx.account.account_id, ctx.now
        seller = watch.get(_SELLER + me)
        if seller is not None and now - seller[0] <= self.keep and self._stake(event, ctx):
            return Finding(Outcome.HOLD, 0.9, ("campaign_seller",), ("open_case", "notify_customer"))
        for key in self._keys(event):
            for when, acct in watch.get(_INFRA + key) or ():
                if now - when <= self.keep and (acct != me or key.startswith("session:")):
                    return Finding(
                        Outcome.HOLD, 0.9, ("campaign_infrastructure",), ("open_case", "notify_customer")
                    )
        return None

    def _stake(self, event: Event, ctx: Context) -> bool:
        """A buy of a stake worth pumping (the crew's next accumulation), or a withdrawal."""
        if isinstance(event, Withdrawal):
            return True
        if not isinstance(event, OrderNew) or event.side != "buy":
            return False
        sym = ctx.state.symbols.get(event.symbol)
        return sym is not None and volume_share(event, sym) >= self.stake

    def _doubtful(self, ctx: Context) -> bool:
        s = ctx.session
        return s is not None and (not s.by_login or ctx.session_risk() >= self.doubt)

    def observe(self, event: Event, ctx: Context | None) -> None:
        assert isinstance(event, OrderNew) and ctx is not None
        state, now, me = ctx.state, ctx.now, ctx.account.account_id
        sym = state.symbols.get(event.symbol)
        if sym is None:
            return
        if event.side == "buy":
            if sym.restricted and premium(event, sym) >= self.min_premium and self._doubtful(ctx):
                for key in self._keys(event):  # a campaign buy: its client is the crew's
                    self._append(state, _INFRA + key, now, me)
                restriction.evidence(sym, now)  # and the restriction is renewed
                state.symbols.put(sym.symbol, sym)
            elif not sym.restricted and volume_share(event, sym) >= self.stake:
                self._append(state, _BOUGHT + event.symbol, now, me)  # a stake worth pumping
            return
        if sym.restricted:
            bought = state.watch.get(_BOUGHT + event.symbol) or ()
            if any(acct == me and now - when <= self.bought for when, acct in bought):
                state.watch.put(_SELLER + me, [now, event.symbol])
                for key in self._keys(event):
                    self._append(state, _INFRA + key, now, me)

    def _append(self, state, key: str, now: float, account_id: str) -> None:
        entries = [e for e in state.watch.get(key) or () if now - e[0] <= self.keep and e[1] != account_id]
        entries = entries[-_KEEP:]
        entries.append([now, account_id])
        state.watch.put(key, entries)
