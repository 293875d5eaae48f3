"""How unlike this customer, and how like a takeover, an order or a withdrawal is: a log-odds score.

Every takeover shares a shape whatever the tools: the session is a stranger's (a device, a network
and a place the account never used, or a customer's session suddenly driven from another client),
it often shares that infrastructure with other hijacked accounts within hours, it follows a change of
the registered contact, and it empties the account: holdings sold, cash spent on a thin symbol far
above the market, or sent to a new bank account. Each sign adds its weight in log-odds (a
likelihood ratio of takeover to customer); signs of the customer's own habits (his devices, his
markets, his usual order sizes, a habit of selling out) subtract. The weights only rank actions: how
high a score must be to hold an action is calibrated from the broker's own history
(`engine/budget.py`), never fixed here.

The per-customer baseline is learnt online, river style: `learn_one` after an action was let through,
`score_one` before deciding. An account the stream never showed trading (an existing customer, cold
start) is trusted for what it does ordinarily: only the signs above raise its score.
"""

from __future__ import annotations

import math

from msgspec import Struct

from kozaguard.engine import client
from kozaguard.engine.detectors._market import holdings_value, order_value, premium, volume_share
from kozaguard.engine.network import IpInfo
from kozaguard.engine.state import Account, Session, State
from kozaguard.engine.suspicion import stranger, suspected
from kozaguard.events.schema import Action, OrderNew, Withdrawal

CONTACT_SECONDS = 24 * 3600.0
PAYEE_SECONDS = 3 * 86400.0


class Weights(Struct, kw_only=True, frozen=True):
    """Log-odds of each sign; the defaults follow the shape of takeovers, not one stream."""

    new_device: float = 1.5
    new_network: float = 1.5
    new_place: float = 1.0
    stranger_network: float = 1.5
    first_login: float = 1.0
    shared: float = 3.0  # per other account sharing the client or place, up to `shared_max`
    shared_max: int = 3
    contact_changed: float = (
        2.5  # within a day; 1.5 within a week (attackers may wait for the notice to pass)
    )
    contact_changed_week: float = 1.5
    probation: float = 1.5
    client_changed: float = 8.0
    country_changed: float = 4.0
    moved: float = 2.5
    hops: float = 1.5  # per further change of network within the session, up to 2: rotating proxies
    stale_moved: float = 4.0  # a session turning up on another network many hours after its login
    stale_hours: float = 12.0
    unknown_client: float = 5.0
    sells_most: float = 1.5
    sells_all: float = 0.5
    sell_then_buy: float = 1.5
    far_above: float = 1.0
    very_far_above: float = 0.5
    large_vs_volume: float = 1.0
    very_large_vs_volume: float = 1.5  # a fifth of the symbol's usual daily volume or more
    fresh_funds: float = 1.0  # most of a deposit of the last hours spent on one thin symbol
    new_market: float = 0.5
    unusual_size: float = 0.5  # per standard deviation above the customer's usual order, up to 3
    habitual_seller: float = -1.0
    new_payee: float = 2.0
    suspect: float = 4.0  # a stranger's session on an account marked lately (engine/suspicion.py)
    suspect_days: float = 7.0


def session_log_odds(s: Session, w: Weights) -> float:
    """What the session's login said about who opened it."""
    x = 0.0
    if s.new_device:
        x += w.new_device
    if s.new_network:
        x += w.new_network
    if s.new_place:
        x += w.new_place
    if s.stranger_network:
        x += w.stranger_network
    if s.first_login:
        x += w.first_login
    if s.shared:
        x += w.shared * min(s.shared, w.shared_max)
    return x


def _client_changed(event: Action, s: Session) -> bool:
    return client.changed(s.device_id, s.user_agent, event.device_id, event.user_agent)


class Evidence:
    """`score_one(event, account, session, state, net, now)` in log-odds; `learn_one`
    learns the customer's habits from an action let through."""

    def __init__(self, weights: Weights | None = None, probation_days: float = 7.0) -> None:
        self.w = weights or Weights()
        self.probation = probation_days * 86400

    def on_probation(self, account: Account, key: str, now: float) -> bool:
        """Whether a device (or `net:`/`place:` key) was first seen lately on a risky login."""
        return now - account.probation.get(key, -math.inf) < self.probation

    def score_one(
        self,
        event: Action,
        account: Account,
        s: Session | None,
        state: State,
        net: IpInfo,
        now: float,
    ) -> float:
        w = self.w
        x = 0.0
        network = net.network
        if s is not None:
            x += session_log_odds(s, w)
            if s.by_login:
                if _client_changed(event, s):
                    x += w.client_changed
                elif net.country != s.country:
                    x += w.country_changed
                    if net.hosting or net.country not in account.countries:
                        x += w.stranger_network
                elif network != s.network:
                    if network not in account.networks:
                        x += w.moved + (w.stranger_network if net.hosting else 0.0)
                    if now - s.opened_at > w.stale_hours * 3600:
                        x += w.stale_moved
                if s.moves > 1:
                    x += w.hops * min(s.moves - 1, 2)
            elif (
                account.devices
                and event.device_id not in account.devices
                and event.user_agent not in account.user_agents
            ):
                x += w.unknown_client
            if s.device_id and not s.new_device and self.on_probation(account, s.device_id, now):
                x += w.probation
            if account.suspect and stranger(s) and suspected(account, now, w.suspect_days):
                x += w.suspect
        if account.contacts_changed(now, CONTACT_SECONDS):
            x += w.contact_changed
        elif account.contacts_changed(now, 7 * CONTACT_SECONDS):
            x += w.contact_changed_week
        if isinstance(event, OrderNew):
            x += self._order(event, account, s, state, now)
        elif isinstance(event, Withdrawal):
            fresh = now - account.changed.get("bank_account", -math.inf) < PAYEE_SECONDS
            if fresh and event.bank_account_id not in account.withdrawals:
                x += w.new_payee
        return x

    def _order(self, event: OrderNew, account: Account, s: Session | None, state: State, now: float) -> float:
        w = self.w
        x = 0.0
        sym = state.symbols.get(event.symbol)
        value = order_value(event, state)
        if sym is not None and sym.market and account.orders and sym.market not in account.markets:
            x += w.new_market
        n, (mean, var) = account.orders, account.order_size
        if n >= 5 and value > 0:
            z = (math.log10(value) - mean) / math.sqrt(max(var, 0.01))
            if z > 1:
                x += w.unusual_size * min(z, 3.0)
        if event.side == "sell":
            held = account.positions.get(event.symbol, 0.0)
            if s is not None and held > 0:
                found = holdings_value(account, state) + s.sold_jpy
                sold = s.sold_jpy + value
                if found > 0 and sold >= 0.5 * found:
                    x += w.sells_most + (w.sells_all if sold >= 0.9 * found else 0.0)
                    if account.sell_outs >= 2:
                        x += w.habitual_seller
            return x
        if sym is None:
            return x
        p = premium(event, sym)
        if p >= 0.05:
            x += w.far_above + (w.very_far_above if p >= 0.10 else 0.0)
        share = volume_share(event, sym)
        if share >= 0.05:
            x += w.large_vs_volume + (w.very_large_vs_volume if share >= 0.2 else 0.0)
            when, amount = account.deposited
            if amount > 0 and now - when < 6 * 3600 and value >= 0.5 * amount:
                x += w.fresh_funds
        if s is not None and s.sold_jpy > 0 and (p >= 0.05 or share >= 0.05):
            x += w.sell_then_buy
        return x

    def learn_one(self, event: Action, account: Account, state: State, now: float) -> None:
        """The action was let through: it is now part of what this customer does."""
        if not isinstance(event, OrderNew):
            return
        sym = state.symbols.get(event.symbol)
        if sym is not None and sym.market:
            account.markets[sym.market] = now
        value = order_value(event, state)
        if value > 0:
            v = math.log10(value)
            n = account.orders + 1  # `orders` is counted by the profile after this
            mean, var = account.order_size
            alpha = max(1.0 / n, 0.05)
            d = v - mean
            mean += alpha * d
            var = (1 - alpha) * (var + alpha * d * d) if n > 1 else 0.0
            account.order_size = (mean, var)
        if event.side == "sell" and event.qty >= 0.9 * account.positions.get(event.symbol, math.inf):
            account.sell_outs += 1


def probability(log_odds: float, prior: float = -6.0) -> float:
    """The score in [0, 1] a decision reports, from the log-odds over a rare-takeover prior.

    >>> round(probability(6.0), 2), probability(-50.0) < 1e-9
    (0.5, True)
    """
    z = prior + log_odds
    return 1.0 / (1.0 + math.exp(-z)) if z > -40 else 0.0
