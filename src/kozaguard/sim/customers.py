"""Customers: Japanese retail investors with different habits, devices, networks and factors.

Each account is opened at the start of the stream (`account.opened` + `account.snapshot`). Each day a
customer may log in (more on trading days, at the hours their habit prefers), sometimes mistyping
the password, from one of their devices, at home, on a mobile network, abroad or through a VPN; then
trade in the way of their habit, move cash, change their profile or factors, and log out or not.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import math
import random
from dataclasses import dataclass
from datetime import date

from faker import Faker
from faker.providers.address.ja_JP import Provider as JaAddress

from kozaguard.sim.accounts import Account, Holding
from kozaguard.sim.config import SimConfig
from kozaguard.sim.devices import Device, UserAgents, new_device, new_session_id
from kozaguard.sim.drafts import Ctx, Label, Sink, randint
from kozaguard.sim.instruments import InstrumentInfo, round_to_tick
from kozaguard.sim.market import MarketDay
from kozaguard.sim.networks import Networks
from kozaguard.sim.oms import OrderDesk, Placed
from kozaguard.sim.rollout import Adoption

#: Population in millions (2020 census), to weight prefectures the way the customer base would be.
_POPULATION = {
    "北海道": 5.2, "青森": 1.2, "岩手": 1.2, "宮城": 2.3, "秋田": 0.96, "山形": 1.07, "福島": 1.8,
    "茨城": 2.9, "栃木": 1.9, "群馬": 1.9, "埼玉": 7.3, "千葉": 6.3, "東京": 14.0, "神奈川": 9.2,
    "新潟": 2.2, "富山": 1.0, "石川": 1.1, "福井": 0.77, "山梨": 0.81, "長野": 2.0, "岐阜": 2.0,
    "静岡": 3.6, "愛知": 7.5, "三重": 1.8, "滋賀": 1.4, "京都": 2.6, "大阪": 8.8, "兵庫": 5.5,
    "奈良": 1.3, "和歌山": 0.92, "鳥取": 0.55, "島根": 0.67, "岡山": 1.9, "広島": 2.8, "山口": 1.3,
    "徳島": 0.72, "香川": 0.95, "愛媛": 1.3, "高知": 0.69, "福岡": 5.1, "佐賀": 0.81, "長崎": 1.3,
    "熊本": 1.7, "大分": 1.1, "宮崎": 1.1, "鹿児島": 1.6, "沖縄": 1.5,
}  # fmt: skip


@dataclass(frozen=True)
class Habit:
    """How a kind of customer behaves."""

    login_rate: float  # chance of logging in on a trading day
    weekend_factor: float  # relative chance on a closed day
    hours: tuple[tuple[float, float, float], ...]  # (from_hour, to_hour, weight) of session starts
    order_chance: float  # chance a session places orders
    orders: tuple[int, int]
    birth_years: tuple[int, int]
    wealth_jpy: float  # median cash + holdings
    mobile_share: float


HABITS: dict[str, Habit] = {
    "long_term": Habit(0.13, 0.8, ((7, 9, 2), (9, 15, 1), (12, 13, 2), (19, 23.5, 5)), 0.22, (1, 1),
                       (1942, 1985), 6_000_000, 0.4),
    "nisa": Habit(0.08, 1.2, ((7, 9, 1), (12, 13, 2), (20, 24, 5)), 0.5, (1, 2), (1962, 2002),
                  1_800_000, 0.7),
    "active_trader": Habit(0.85, 0.3, ((8.5, 11.5, 5), (12.4, 15.5, 4), (7, 8.5, 1), (20, 23, 1)), 0.8,
                           (1, 6), (1955, 1995), 9_000_000, 0.45),
    "small_cap_speculator": Habit(0.55, 0.3, ((8.7, 11.5, 4), (12.4, 15.5, 3), (20, 24.5, 2)), 0.6, (1, 3),
                                  (1965, 2001), 3_000_000, 0.65),
    "foreign_investor": Habit(0.3, 0.8, ((21, 25.5, 4), (7, 9, 2), (10.5, 17, 2), (12, 13, 1)), 0.45,
                              (1, 2), (1965, 1998), 5_000_000, 0.5),
}  # fmt: skip
_WEEKEND_HOURS = ((9, 23.5, 1.0),)
_PROFILE_FIELDS = (("notifications", 35), ("password", 20), ("address", 15), ("email", 15), ("phone", 12),
                   ("bank_account", 3))  # fmt: skip


def pick(rng: random.Random, weighted: dict[str, float]) -> str:
    names = list(weighted)
    return rng.choices(names, [weighted[n] for n in names])[0]


def bank_account_id(rng: random.Random) -> str:
    """A bank code, branch and account number as a broker stores a withdrawal account."""
    bank = rng.choice(["0001", "0005", "0009", "0010", "0036", "0038", "0040", "0397", "9900", "0033"])
    return f"{bank}-{randint(rng, 1, 999):03d}-{randint(rng, 0, 9_999_999):07d}"


class Pools:
    """Symbols by the kind of customer who buys them."""

    def __init__(self, universe: dict[str, InstrumentInfo]) -> None:
        tse = [i for i in universe.values() if not i.foreign]
        stocks = [i for i in tse if i.kind == "stock"]
        self.blue = [i.symbol for i in stocks if i.tier in ("mega", "large")]
        self.mid = [i.symbol for i in stocks if i.tier == "mid"]
        self.small = [i.symbol for i in stocks if i.tier == "small"]
        self.thin = [i.symbol for i in stocks if i.tier == "thin" and i.market != "TSE-PRIME"]
        self.etf = [i.symbol for i in tse if i.kind == "etf" and i.tier != "thin"]
        self.reit = [i.symbol for i in tse if i.kind == "reit"]
        foreign = [i for i in universe.values() if i.foreign]
        self.us = [i.symbol for i in foreign if i.currency == "USD" and i.tier != "thin"]
        self.asia = [i.symbol for i in foreign if i.currency in ("HKD", "CNY") and i.tier != "thin"]
        self.foreign_thin = [i.symbol for i in foreign if i.tier == "thin"]

    def for_habit(self, rng: random.Random, habit: str, foreign_ok: bool) -> str:
        r = rng.random()
        if habit == "nisa":
            return rng.choice(self.etf if r < 0.55 else self.blue)
        if habit == "long_term":
            return rng.choice(
                self.blue if r < 0.55 else self.mid if r < 0.8 else self.reit if r < 0.9 else self.etf
            )
        if habit == "active_trader":
            return rng.choice(
                self.blue if r < 0.35 else self.mid if r < 0.7 else self.small if r < 0.92 else self.thin
            )
        if habit == "small_cap_speculator":
            return rng.choice(self.thin if r < 0.6 else self.small if r < 0.9 else self.mid)
        if foreign_ok:
            return rng.choice(self.us if r < 0.7 else self.asia if r < 0.95 else self.foreign_thin)
        return rng.choice(self.blue)


class Customers:
    """The customer base and what it does each day."""

    def __init__(
        self,
        cfg: SimConfig,
        universe: dict[str, InstrumentInfo],
        nets: Networks,
        uas: UserAgents,
        sink: Sink,
        desk: OrderDesk,
    ) -> None:
        self.cfg, self.universe, self.nets, self.uas = cfg, universe, nets, uas
        self.sink, self.desk = sink, desk
        self.adoption = None if cfg.rollout is None else Adoption(cfg.rollout, cfg.seed)
        self.pools = Pools(universe)
        self.accounts: list[Account] = []
        self.movers: list[str] = []  # today's news-driven small caps that speculators chase

    # opening --------------------------------------------------------------------------------
    def open_accounts(self, rng: random.Random, ms: int, count: int, prefix: str = "C") -> list[Account]:
        """Create `count` accounts and emit their `account.opened` and `account.snapshot`."""
        fake = Faker("ja_JP")
        fake.seed_instance(rng.getrandbits(32))
        prefs = list(JaAddress.prefectures)
        weights = [next((w for k, w in _POPULATION.items() if p.startswith(k)), 1.0) for p in prefs]
        created = []
        width = max(6, len(str(count)) + 1)
        start = len(self.accounts)
        for n in range(count):
            habit = pick(rng, self.cfg.habit_mix)
            acct = self._new_account(rng, fake, prefs, weights, f"{prefix}{start + n + 1:0{width}d}", habit)
            created.append(acct)
            self._emit_opening(ms, acct)
        self.accounts.extend(created)
        return created

    def _new_account(
        self,
        rng: random.Random,
        fake: Faker,
        prefs: list[str],
        weights: list[float],
        account_id: str,
        habit: str,
    ) -> Account:
        h = HABITS[habit]
        y0, y1 = h.birth_years
        birth = fake.date_between_dates(date(y0, 1, 1), date(y1, 12, 31)).year
        factors = self._initial_factors(rng)
        kinds = ["mobile" if rng.random() < h.mobile_share else "desktop"]
        for _ in range(rng.choices([0, 1, 2], [0.45, 0.4, 0.15])[0]):
            kinds.append(rng.choice(["desktop", "mobile", "tablet"]))
        devices = [new_device(rng, self.uas, k) for k in kinds]
        home = rng.randrange(len(self.nets.jp_home))
        wealth = rng.lognormvariate(math.log(h.wealth_jpy), 1.0)
        foreign = habit == "foreign_investor" or rng.random() < 0.45
        acct = Account(
            account_id=account_id,
            habit=habit,
            birth_year=birth,
            prefecture=rng.choices(prefs, weights)[0],
            margin_enabled=(habit == "active_trader" and rng.random() < 0.6) or rng.random() < 0.08,
            foreign_enabled=foreign,
            factors=factors,
            cash=0.0,
            positions={},
            devices=devices,
            home_ip=self.nets.jp_home[home].address(rng),
            home_net=home,
            login_rate=min(0.98, h.login_rate * rng.lognormvariate(0, 0.45)),
            vpn=rng.random() < self.cfg.vpn_share,
            bank_account_id=bank_account_id(rng),
        )
        invested = wealth * rng.uniform(0.3, 0.9)
        acct.cash = float(round(wealth - invested))
        for _ in range(randint(rng, 1, 8 if habit != "nisa" else 4)):
            symbol = self.pools.for_habit(rng, habit, foreign)
            info = self.universe[symbol]
            fx = {"USD": 147.0, "HKD": 18.9, "CNY": 20.2}.get(info.currency, 1.0)
            lots = max(1, int(invested / 4 / (info.price * fx * info.lot_size)))
            qty = lots * info.lot_size
            cost = round_to_tick(info.market, info.price * rng.uniform(0.6, 1.25))
            held = acct.positions.get(symbol)
            if held:
                held.qty += qty
            else:
                acct.positions[symbol] = Holding(qty, cost)
        return acct

    def _initial_factors(self, rng: random.Random) -> list[str]:
        first = pick(rng, self.cfg.factor_mix)
        if first == "none":
            return []
        factors = [first]
        if first != "passkey" and rng.random() < 0.15:
            factors.append(rng.choice([f for f in ("email_otp", "sms", "totp") if f != first]))
        if first == "passkey" and rng.random() < 0.5:
            factors.insert(0, "email_otp")
        return factors

    def _emit_opening(self, ms: int, acct: Account) -> None:
        self.sink.emit(
            ms,
            "account.opened",
            {
                "account_id": acct.account_id,
                "birth_year": acct.birth_year,
                "prefecture": acct.prefecture,
                "margin_enabled": acct.margin_enabled,
                "foreign_enabled": acct.foreign_enabled,
                "factors": list(acct.factors),
            },
        )
        self.sink.emit(
            ms,
            "account.snapshot",
            {
                "account_id": acct.account_id,
                "cash_jpy": int(acct.cash),
                "positions": [
                    {"symbol": s, "qty": h.qty, "avg_cost": h.avg_cost} for s, h in acct.positions.items()
                ],
            },
        )

    # sessions -------------------------------------------------------------------------------
    def network_for(
        self, rng: random.Random, acct: Account, device: Device, day_index: int, hour: float
    ) -> str:
        """The address a customer's session comes from."""
        if acct.travel_until >= day_index:
            return self.nets.abroad(rng, acct.travel_country)
        if acct.vpn and rng.random() < 0.7:
            return self.nets.vpn_exit(rng)
        at_home = device.kind != "mobile" or ((hour >= 19 or hour < 8) and rng.random() < 0.7)
        if at_home:
            if rng.random() < 0.01:  # the ISP hands out a new address now and then
                acct.home_ip = self.nets.jp_home[acct.home_net].address(rng)
            return acct.home_ip
        return self.nets.mobile(rng).address(rng)

    def login(
        self,
        rng: random.Random,
        acct: Account,
        ms: int,
        day_index: int,
        device: Device | None = None,
        ip: str | None = None,
        truth: str | None = None,
    ) -> tuple[Ctx, int]:
        """Emit the customer's login (with an occasional mistyped password); returns ctx and the time."""
        hour = (ms // 3_600_000 + 9) % 24
        device = device or self.choose_device(rng, acct, hour)
        ip = ip or self.network_for(rng, acct, device, day_index, hour)
        ctx = Ctx(
            acct.account_id, new_session_id(rng), ip, device.user_agent, device.channel, device.device_id
        )
        if rng.random() < self.cfg.typo_rate:
            for _ in range(rng.choices([1, 2, 3], [0.75, 0.2, 0.05])[0]):
                bad = ctx._replace(session_id=new_session_id(rng))
                self.sink.emit(ms, "auth.login", {**bad.fields(), "result": "password_bad"}, None, truth)
                ms += randint(rng, 4_000, 40_000)
        self.sink.emit(ms, "auth.login", {**ctx.fields(), "result": "password_ok"}, None, truth)
        acct.last_session = (ctx.session_id, ms, device, ip)
        return ctx, ms + randint(rng, 5_000, 90_000)

    def choose_device(self, rng: random.Random, acct: Account, hour: float) -> Device:
        if len(acct.devices) == 1:
            return acct.devices[0]
        mobile_bias = 0.7 if 8 <= hour < 19 else 0.45
        mobiles = [d for d in acct.devices if d.kind != "desktop"]
        if mobiles and rng.random() < mobile_bias:
            return rng.choice(mobiles)
        return rng.choice(acct.devices)

    def logout(self, rng: random.Random, ctx: Ctx, ms: int, chance: float = 0.55) -> None:
        if rng.random() < chance:
            self.sink.emit(ms + randint(rng, 10_000, 400_000), "auth.logout", ctx.fields())

    # a day ----------------------------------------------------------------------------------
    def run_day(
        self, rng: random.Random, day_index: int, mday: MarketDay, calendar_days: list[int], busy: set[str]
    ) -> None:
        """Every customer's own activity for the trading day and the closed days after it.

        `calendar_days` are the epoch-ms midnights of the days in this trading day's window;
        accounts in `busy` are scripted today (hard cases, victims) and skip their routine.
        """
        for c, midnight in enumerate(calendar_days):
            trading = c == 0
            for acct in self.accounts:
                if acct.compromised or acct.own_of_campaign or acct.account_id in busy:
                    continue
                habit = HABITS[acct.habit]
                p = acct.login_rate * (1.0 if trading else habit.weekend_factor * 0.5)
                if rng.random() >= p:
                    continue
                self._life_events(rng, acct, day_index)
                sessions = (
                    1 + (rng.random() < 0.5) + (rng.random() < 0.3) if acct.habit == "active_trader" else 1
                )
                for _ in range(sessions):
                    hour = _pick_hour(rng, habit.hours if trading else _WEEKEND_HOURS)
                    self.session(rng, acct, midnight + int(hour * 3_600_000), day_index, mday)
                if rng.random() < 0.04:
                    amount = rng.choice(
                        [10_000, 30_000, 50_000, 100_000, 200_000, 300_000, 500_000, 1_000_000]
                    )
                    amount = int(amount * rng.choice([1, 1, 1, 1.5, 2, 3]))
                    self.sink.emit(
                        midnight + randint(rng, 8 * 3_600_000, 22 * 3_600_000),
                        "cash.deposit",
                        {"account_id": acct.account_id, "amount_jpy": amount},
                    )
                    acct.cash += amount

    def _life_events(self, rng: random.Random, acct: Account, day_index: int) -> None:
        """Travel and new devices: things that change how a customer logs in."""
        if acct.travel_until < day_index and rng.random() < self.cfg.travel_rate * 5:
            acct.travel_until = day_index + randint(rng, 2, 9)
            acct.travel_country = rng.choice(self.nets.travel_countries)
        if rng.random() < self.cfg.new_device_rate * 3:
            kind = rng.choice(["mobile", "mobile", "desktop", "tablet"])
            old = [d for d in acct.devices if d.kind == kind]
            if old and rng.random() < 0.7:
                acct.devices.remove(old[0])  # replaced: a new phone
            acct.devices.append(new_device(rng, self.uas, kind))

    def session(self, rng: random.Random, acct: Account, ms: int, day_index: int, mday: MarketDay) -> None:
        """One routine session: login, what the habit does, maybe logout."""
        habit = HABITS[acct.habit]
        ctx, t = self.login(rng, acct, ms, day_index)
        if self.adoption is not None:
            factor = self.adoption.enrol(acct.factors, t)
            if factor is not None:  # enrolment at login, before anything else
                event = {**ctx.fields(), "factor": factor, "action": "enrolled"}
                t += self.adoption.delay()
                self.sink.emit(t, "auth.factor", event)
        if rng.random() < habit.order_chance:
            for _ in range(randint(rng, *habit.orders)):
                t = self.routine_order(rng, acct, ctx, t, mday)
        t = self._housekeeping(rng, acct, ctx, t)
        self.logout(rng, ctx, t)

    def _housekeeping(self, rng: random.Random, acct: Account, ctx: Ctx, t: int) -> int:
        if rng.random() < 0.004 and acct.cash > 50_000:
            amount = int(acct.cash * rng.uniform(0.05, 0.6))
            if amount > 0:
                self.sink.emit(
                    t,
                    "cash.withdrawal",
                    {**ctx.fields(), "amount_jpy": amount, "bank_account_id": acct.bank_account_id},
                )
                acct.cash -= amount
                t += randint(rng, 10_000, 120_000)
        if rng.random() < 0.004:
            field = rng.choices([f for f, _ in _PROFILE_FIELDS], [w for _, w in _PROFILE_FIELDS])[0]
            t = self.profile_change(rng, acct, ctx, t, field)
        if rng.random() < self.cfg.factor_change_rate:
            t = self.factor_change(rng, acct, ctx, t)
        return t

    def profile_change(
        self,
        rng: random.Random,
        acct: Account,
        ctx: Ctx,
        t: int,
        field: str,
        truth: str | None = None,
        label: Label | None = None,
    ) -> int:
        self.sink.emit(t, "profile.change", {**ctx.fields(), "field": field}, label, truth)
        if field == "bank_account":
            acct.bank_account_id = bank_account_id(rng)
        return t + randint(rng, 15_000, 180_000)

    def factor_change(self, rng: random.Random, acct: Account, ctx: Ctx, t: int) -> int:
        """Customers add passkeys and authenticator apps over time; a few drop a factor."""
        missing = [f for f in ("passkey", "totp", "sms", "email_otp") if f not in acct.factors]
        if acct.factors and (not missing or rng.random() < 0.12):
            factor, action = rng.choice(acct.factors), "removed"
            acct.factors.remove(factor)
        else:
            factor = "passkey" if "passkey" in missing and rng.random() < 0.6 else rng.choice(missing)
            action = "enrolled"
            acct.factors.append(factor)
        self.sink.emit(t, "auth.factor", {**ctx.fields(), "factor": factor, "action": action})
        return t + randint(rng, 20_000, 200_000)

    def routine_order(self, rng: random.Random, acct: Account, ctx: Ctx, t: int, mday: MarketDay) -> int:
        """A buy or sell in the customer's style, priced near the market."""
        sell = acct.positions and (rng.random() < 0.4 or acct.cash < 20_000)
        if sell:
            symbol = rng.choice(list(acct.positions))
            info = self.universe[symbol]
            held = acct.positions[symbol].qty
            lots = int(held // info.lot_size)
            if lots <= 0:
                return t
            qty = (lots if rng.random() < 0.4 else randint(rng, 1, lots)) * info.lot_size
            self.place(rng, acct, ctx, t, symbol, "sell", qty, mday)
        else:
            if acct.habit == "small_cap_speculator" and self.movers and rng.random() < 0.3:
                symbol = rng.choice(self.movers)
            else:
                symbol = self.pools.for_habit(rng, acct.habit, acct.foreign_enabled)
            info = self.universe[symbol]
            price = mday.last(symbol, t) * mday.fx_rate(info.currency, t)
            budget = min(acct.cash * rng.uniform(0.05, 0.4), rng.lognormvariate(math.log(400_000), 0.9))
            if acct.habit == "nisa":
                budget = min(budget, rng.choice([30_000, 50_000, 100_000, 200_000, 300_000]))
            lots = int(budget // (price * info.lot_size))
            if lots <= 0:
                return t
            self.place(rng, acct, ctx, t, symbol, "buy", lots * info.lot_size, mday)
        return t + randint(rng, 20_000, 300_000)

    def place(
        self,
        rng: random.Random,
        acct: Account,
        ctx: Ctx,
        t: int,
        symbol: str,
        side: str,
        qty: float,
        mday: MarketDay,
        *,
        markup: float | None = None,
        truth: str | None = None,
    ) -> Placed:
        """A customer order: market, or limit near the market (`markup` sets a buy limit above it)."""
        info = self.universe[symbol]
        last = mday.last(symbol, t)
        if markup is not None:
            limit: float | None = round_to_tick(info.market, last * (1 + markup))
        elif rng.random() < 0.35 and not info.foreign:
            limit = None
        else:
            drift = rng.uniform(-0.02, 0.004) if side == "buy" else rng.uniform(-0.004, 0.02)
            limit = round_to_tick(info.market, last * (1 + drift))
        account_type = "cash"
        if acct.habit == "nisa" or (side == "buy" and rng.random() < 0.15):
            account_type = "nisa"
        elif acct.margin_enabled and rng.random() < 0.4:
            account_type = "margin"
        placed = self.desk.order(rng, t, ctx, acct, symbol, side, qty, limit, account_type, truth=truth)
        if limit is not None and placed.filled == 0 and not placed.pending and rng.random() < 0.3:
            self.desk.cancel(t + randint(rng, 60_000, 1_800_000), ctx, placed.key, truth=truth)
        return placed


@functools.cache
def _cumulative(windows: tuple[tuple[float, float, float], ...]) -> list[float]:
    return list(itertools.accumulate(w for _, _, w in windows))


def _pick_hour(rng: random.Random, windows: tuple[tuple[float, float, float], ...]) -> float:
    cum = _cumulative(windows)
    lo, hi, _ = windows[bisect.bisect_left(cum, rng.random() * cum[-1])]
    return lo + (hi - lo) * rng.random()
