"""What attackers do on a campaign day: take over victims, sell their holdings, pump the target.

Written as the attacker would act if nothing stopped them (the stream is fixed; the engine's
decisions decide what would have been stopped). Every event an attacker causes carries a label with
the victim's attack id and the capability; fills of attacker orders too. The crew's own account is
labelled with its own attack id and capability `otp_relay` (its owner passes one-time codes; own
accounts have no passkey).
"""

from __future__ import annotations

import itertools
import math
import random

from kozaguard.sim import rollout
from kozaguard.sim.accounts import Account
from kozaguard.sim.campaigns import Campaign, Victim, phishing_url
from kozaguard.sim.config import SimConfig
from kozaguard.sim.customers import Customers
from kozaguard.sim.devices import new_device_id, new_session_id
from kozaguard.sim.drafts import Ctx, Label, OrderKey, Sink
from kozaguard.sim.instruments import round_to_tick
from kozaguard.sim.market import MarketDay
from kozaguard.sim.oms import OrderDesk

OWN_CAPABILITY = "otp_relay"
_MIN = 60_000
_HOUR = 3_600_000


class Attackers:
    """Runs campaign plans against the market and the customers' accounts."""

    def __init__(self, cfg: SimConfig, sink: Sink, desk: OrderDesk, customers: Customers) -> None:
        self.cfg, self.sink, self.desk, self.customers = cfg, sink, desk, customers
        self.universe = customers.universe
        self.victim_orders: dict[str, list[OrderKey]] = {}

    # phishing, before any campaign --------------------------------------------------------------
    def phishing_reports(self, rng: random.Random, phished: list[Account], window: tuple[int, int]) -> None:
        """Some phished customers tell the broker about the lure (with the site's address, often)."""
        for acct in phished:
            if rng.random() < self.cfg.phishing_report_rate:
                ms = rng.randint(*window)
                fields: dict = {"account_id": acct.account_id, "kind": "phishing_message"}
                if rng.random() < 0.6:
                    fields["url"] = phishing_url(rng, self.cfg.broker_domain)
                fields["text"] = rng.choice(
                    [
                        "【重要】お客様の口座で不審な取引を検知しました、というSMSが届きました",
                        "証券会社を名乗るメールでログインを求められました",
                        "取引制限の解除手続きというメールが来ました",
                        "本人確認のお願いというSMSのリンクを開いてしまいました",
                    ]
                )
                self.sink.emit(ms, "customer.report", fields)

    # a campaign day ---------------------------------------------------------------------------
    def prepare_day(self, rng: random.Random, camp: Campaign, mday: MarketDay, day_start: int) -> None:
        """The own account buys the target before the pump (on the previous day or early on the day)."""
        gd = mday.group(camp.target)
        own = camp.own
        t = gd.minute_ms[rng.randint(1, max(2, camp.start - 15))] + rng.randint(0, 50_000)
        t = max(t, day_start + 2 * _HOUR + 1)
        label = Label(camp.own_attack_id, OWN_CAPABILITY)
        ctx = self._own_ctx(rng, camp)
        t = self._login(rng, ctx, t, label)
        info = self.universe[camp.target]
        price = mday.last(camp.target, t) * mday.fx_rate(info.currency, t)
        budget = rng.uniform(3e6, 2e7)
        if own.cash < budget:  # the crew funds its account by bank transfer first
            amount = int(budget - max(own.cash, 0)) + rng.randint(0, 999_999)
            self.sink.emit(
                t - rng.randint(20 * _MIN, 2 * _HOUR),
                "cash.deposit",
                {"account_id": own.account_id, "amount_jpy": amount},
                label,
            )
            own.cash += amount
        lots = int(budget // (price * info.lot_size))
        for part in _split(rng, lots, rng.randint(1, 3)):
            limit = round_to_tick(info.market, mday.last(camp.target, t) * rng.uniform(1.0, 1.02))
            self.desk.order(rng, t, ctx, own, camp.target, "buy", part * info.lot_size, limit, "cash", label)
            t += rng.randint(20_000, 240_000)
        self._logout(rng, ctx, t, label, 0.5)

    def run(self, rng: random.Random, camp: Campaign, mday: MarketDay, day_start: int) -> None:
        gd = mday.group(camp.target)
        w0 = gd.minute_ms[camp.start]
        ramp_ms = camp.ramp * _MIN
        for v in camp.victims:
            t_buy = w0 + int(v.buy_fraction * ramp_ms) + rng.randint(0, 50_000)
            self._victim(rng, camp, v, mday, t_buy, day_start)
        self._own_sells(rng, camp, mday, w0 + int(ramp_ms * rng.uniform(0.55, 0.85)))

    def _own_ctx(self, rng: random.Random, camp: Campaign) -> Ctx:
        device = camp.devices[0] if rng.random() < 0.3 else camp.crew.devices[-1]
        return Ctx(
            camp.own.account_id,
            new_session_id(rng),
            rng.choice(camp.crew.proxy_ips),
            device.user_agent,
            "web",
            device.device_id,
        )

    def _own_sells(self, rng: random.Random, camp: Campaign, mday: MarketDay, t: int) -> None:
        held = camp.own.positions.get(camp.target)
        if held is None or held.qty <= 0:
            return
        info = self.universe[camp.target]
        label = Label(camp.own_attack_id, OWN_CAPABILITY)
        ctx = self._own_ctx(rng, camp)
        t = self._login(rng, ctx, t - rng.randint(60_000, 300_000), label)
        lots = int(held.qty // info.lot_size)
        for part in _split(rng, lots, rng.randint(2, 4)):
            limit = round_to_tick(info.market, mday.last(camp.target, t) * rng.uniform(0.97, 1.0))
            self.desk.order(
                rng, t, ctx, camp.own, camp.target, "sell", part * info.lot_size, limit, "cash", label
            )
            t += rng.randint(60_000, 900_000)
        self._logout(rng, ctx, t, label, 0.5)

    def _login(self, rng: random.Random, ctx: Ctx, t: int, label: Label) -> int:
        if rng.random() < 0.05:
            bad = ctx._replace(session_id=new_session_id(rng))
            self.sink.emit(t, "auth.login", {**bad.fields(), "result": "password_bad"}, label)
            t += rng.randint(4_000, 30_000)
        self.sink.emit(t, "auth.login", {**ctx.fields(), "result": "password_ok"}, label)
        return t + rng.randint(5_000, 60_000)

    def _logout(self, rng: random.Random, ctx: Ctx, t: int, label: Label, chance: float) -> None:
        if rng.random() < chance:
            self.sink.emit(t + rng.randint(5_000, 200_000), "auth.logout", ctx.fields(), label)

    def _victim(
        self, rng: random.Random, camp: Campaign, v: Victim, mday: MarketDay, t_buy: int, day_start: int
    ) -> None:
        acct = v.account
        label = Label(v.attack_id, v.capability)
        device = rng.choice(camp.devices)
        ip = rng.choice(camp.ips)
        # Fresh cookie jars now and then: the same browser, a new device id.
        device_id = device.device_id if rng.random() < 0.6 else new_device_id(rng)
        orders: list[OrderKey] = []
        t_login = max(day_start + 5 * _MIN, t_buy - rng.randint(3 * _MIN, 40 * _MIN))
        if rollout.blocks(self.cfg.rollout, v.capability, acct.factors, t_login):
            # the policy's second factor stops it: the right password, then nothing
            ctx = Ctx(acct.account_id, new_session_id(rng), ip, device.user_agent, "web", device_id)
            self._login(rng, ctx, t_login, label)
            return
        if v.capability == "session":
            # The victim logged in from their own browser earlier; an infostealer took the cookie.
            own_dev = next((d for d in acct.devices if d.channel == "web"), acct.devices[0])
            t_victim = max(day_start + 2 * _MIN, t_login - rng.randint(30 * _MIN, 6 * _HOUR))
            vctx, _ = self.customers.login(rng, acct, t_victim, camp.day_index, device=own_dev)
            stolen_id = own_dev.device_id if rng.random() < 0.7 else None
            ctx = Ctx(acct.account_id, vctx.session_id, ip, device.user_agent, vctx.channel, stolen_id)
            t = t_login
        else:
            if v.email_first:
                t_e = max(day_start + 2 * _MIN, t_login - rng.randint(20 * _MIN, 5 * _HOUR))
                ectx = Ctx(acct.account_id, new_session_id(rng), ip, device.user_agent, "web", device_id)
                te = self._login(rng, ectx, t_e, label)
                self.customers.profile_change(rng, acct, ectx, te, "email", label=label)
                self._logout(rng, ectx, te + 60_000, label, 0.6)
                self._report_unsolicited(rng, acct, t_e)
            ctx = Ctx(acct.account_id, new_session_id(rng), ip, device.user_agent, "web", device_id)
            t = self._login(rng, ctx, t_login, label)
            if not v.email_first and any(f in acct.factors for f in ("sms", "email_otp")):
                self._report_unsolicited(rng, acct, t_login)
        # Sell everything the victim holds, quickly.
        for symbol in list(acct.positions):
            if symbol == camp.target:
                continue
            info = self.universe[symbol]
            held = acct.positions[symbol]
            qty = held.qty
            if qty <= 0:
                continue
            limit = (
                None
                if rng.random() < 0.5 or info.foreign
                else round_to_tick(info.market, mday.last(symbol, t) * rng.uniform(0.96, 0.995))
            )
            account_type = "nisa" if acct.habit == "nisa" else "cash"
            placed = self.desk.order(rng, t, ctx, acct, symbol, "sell", qty, limit, account_type, label)
            orders.append(placed.key)
            t += rng.randint(8_000, 70_000)
        if v.withdraw and acct.cash > 100_000:
            t = self.customers.profile_change(rng, acct, ctx, t, "bank_account", label=label)
            amount = int(min(acct.cash * rng.uniform(0.3, 0.9), rng.uniform(1e6, 5e6)))
            self.sink.emit(
                t,
                "cash.withdrawal",
                {**ctx.fields(), "amount_jpy": amount, "bank_account_id": acct.bank_account_id},
                label,
            )
            acct.cash -= amount
            t += rng.randint(20_000, 120_000)
        # Buy the target well above the market, with margin where the account has it.
        t = max(t, t_buy)
        info = self.universe[camp.target]
        margin = acct.margin_enabled and rng.random() < self.cfg.margin_use
        power = max(acct.cash, 0.0) * (rng.uniform(2.0, 3.0) if margin else 0.98)
        for n in range(rng.randint(1, 3)):
            last = mday.last(camp.target, t)
            limit = round_to_tick(info.market, last * (1 + rng.uniform(*self.cfg.limit_markup)))
            price = limit * mday.fx_rate(info.currency, t)
            lots = (
                int(power * rng.uniform(0.5, 1.0) // (price * info.lot_size))
                if n < 2
                else int(power // (price * info.lot_size))
            )
            if lots <= 0:
                break
            placed = self.desk.order(
                rng,
                t,
                ctx,
                acct,
                camp.target,
                "buy",
                lots * info.lot_size,
                limit,
                "margin" if margin else "cash",
                label,
            )
            orders.append(placed.key)
            power -= placed.notional_jpy if placed.filled else lots * info.lot_size * price
            t += rng.randint(30_000, 8 * _MIN)
        self._logout(rng, ctx, t, label, 0.35)
        acct.compromised = True
        self.victim_orders[v.attack_id] = orders
        if v.reports and orders:
            delay = int(_HOUR * min(120.0, max(1.0, rng.lognormvariate(math.log(20), 1.0))))
            self.sink.emit(
                t + delay,
                "customer.report",
                {
                    "account_id": acct.account_id,
                    "kind": "unrecognized_trade",
                    "order_ids": orders,
                    "text": rng.choice(
                        [
                            "身に覚えのない取引があります",
                            "買った覚えのない中国株が口座にあります",
                            "保有株が勝手に売却されていました",
                            "取引報告書に知らない約定がありました",
                        ]
                    ),
                },
            )

    def _report_unsolicited(self, rng: random.Random, acct: Account, t: int) -> None:
        """A one-time code the customer did not ask for: some call the broker."""
        if rng.random() < 0.25:
            self.sink.emit(
                t + rng.randint(2 * _MIN, 6 * _HOUR),
                "customer.report",
                {
                    "account_id": acct.account_id,
                    "kind": "unsolicited_code",
                    "text": "ワンタイムパスワードのSMSが届いたが自分はログインしていない",
                },
            )


def _split(rng: random.Random, lots: int, parts: int) -> list[int]:
    """`lots` in up to `parts` uneven pieces (no piece empty)."""
    if lots <= 0:
        return []
    parts = max(1, min(parts, lots))
    cuts = sorted(rng.sample(range(1, lots), parts - 1)) if parts > 1 else []
    edges = [0, *cuts, lots]
    return [b - a for a, b in itertools.pairwise(edges)]
