"""Japanese retail customers and their days: who they are, where they connect from, what they trade,
and the innocent surprises of a month (a new phone, a trip, a VPN, a forgotten password, a move,
a new bank, selling everything, a small cap bought on a tip).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from . import devices, networks
from .broker import Account, Broker, Ctx
from .devices import Device
from .draws import poisson
from .instruments import Instrument
from .market import DayPath, tick
from .market_hours import MS_HOUR, MS_MIN, ms
from .networks import Network
from .profiles import Profile
from .tape import Tape

PREFECTURES = (  # weighted roughly by population
    ("東京都", 14),
    ("神奈川県", 9),
    ("大阪府", 9),
    ("愛知県", 7),
    ("埼玉県", 7),
    ("千葉県", 6),
    ("兵庫県", 5),
    ("北海道", 4),
    ("福岡県", 4),
    ("静岡県", 3),
    ("茨城県", 2),
    ("広島県", 2),
    ("京都府", 2),
    ("宮城県", 2),
    ("新潟県", 2),
    ("長野県", 2),
    ("岐阜県", 2),
    ("栃木県", 2),
    ("群馬県", 2),
    ("岡山県", 2),
    ("三重県", 1),
    ("熊本県", 1),
    ("鹿児島県", 1),
    ("沖縄県", 1),
    ("滋賀県", 1),
    ("山口県", 1),
    ("愛媛県", 1),
    ("奈良県", 1),
    ("長崎県", 1),
    ("青森県", 1),
    ("岩手県", 1),
    ("石川県", 1),
    ("大分県", 1),
    ("宮崎県", 1),
    ("山形県", 1),
    ("富山県", 1),
    ("秋田県", 1),
    ("香川県", 1),
    ("和歌山県", 1),
    ("佐賀県", 1),
    ("山梨県", 1),
    ("福井県", 1),
    ("徳島県", 1),
    ("高知県", 1),
    ("島根県", 1),
    ("鳥取県", 1),
    ("福島県", 1),
)

# persona: sessions per trading day, chance a session trades, birth years, trading hours (JST) weights
PERSONAS = {
    "holder": (0.2, 0.15, (1960, 1990), {7: 2, 8: 2, 12: 3, 19: 3, 21: 3, 22: 2}),
    "nisa": (0.12, 0.35, (1975, 2002), {7: 1, 12: 3, 20: 3, 21: 4, 22: 3, 23: 1}),
    "swing": (0.6, 0.35, (1970, 1998), {8: 3, 9: 3, 10: 1, 12: 4, 14: 2, 19: 2, 21: 2}),
    "foreign": (0.35, 0.3, (1975, 2000), {7: 2, 12: 1, 21: 2, 22: 4, 23: 4, 0: 2}),
    "retiree": (0.4, 0.3, (1940, 1962), {8: 3, 9: 4, 10: 4, 11: 2, 13: 3, 14: 2, 16: 1}),
    "dormant": (0.03, 0.1, (1955, 2000), {12: 1, 20: 2, 21: 2}),
    "day_trader": (3.0, 0.9, (1968, 2000), {8: 2, 9: 6, 10: 4, 11: 2, 12: 2, 13: 3, 14: 4, 15: 1}),
}


@dataclass
class Customer:
    account: Account
    persona: str
    birth_year: int
    prefecture: str
    margin: bool
    foreign: bool
    factors: list[str]
    home: Network
    home_ip: str
    mobile: Network
    office: Network | None
    vpn: Network | None
    phone: Device
    pc: Device | None
    typo: float
    events: dict[str, int] = field(default_factory=dict)  # life event -> day index
    open_sessions: list[tuple[int, Ctx, Device]] = field(default_factory=list)  # (opened ms, ctx, device)
    frozen_from: int | None = None  # an attacker owns the account from here: the customer stops trading
    locked_out: bool = False
    opened_day: int = 0
    opened_ms: int = 0
    travel_net: Network | None = None
    travel_days: int = 4

    @property
    def account_id(self) -> str:
        return self.account.account_id


class Customers:
    """Makes the population and writes each customer's trading days."""

    def __init__(
        self, rng: random.Random, prof: Profile, tape: Tape, broker: Broker, universe: list[Instrument]
    ):
        self.rng, self.prof, self.tape, self.broker = rng, prof, tape, broker
        self.universe = universe
        self.pick = {
            tier: [i for i in universe if i.tier == tier and i.domestic]
            for tier in ("core", "large", "mid", "small", "thin", "etf")
        }
        self.abroad = [i for i in universe if not i.domestic and i.tier != "thin"]
        self.ids: set[str] = set()

    # -- the population -------------------------------------------------------------------------
    def make(self, n_days: int, opened_day: int = 0) -> Customer:
        rng, prof = self.rng, self.prof
        persona = rng.choices(list(prof.personas), weights=list(prof.personas.values()))[0]
        _, _, (y0, y1), _ = PERSONAS[persona]
        while True:
            aid = f"{rng.choice((101, 102, 105, 110, 201, 301))}-{rng.randrange(10**6, 10**7)}"
            if aid not in self.ids:
                self.ids.add(aid)
                break
        f = rng.choices(list(prof.factors), weights=list(prof.factors.values()))[0]
        factors = [] if f == "none" else [f]
        if f == "passkey" and rng.random() < 0.6:
            factors.append("email_otp")
        older = y0 < 1963
        home = networks.pick(rng, networks.HOME, networks.HOME_WEIGHTS)
        v6 = bool(home.v6) and rng.random() < 0.35
        office = rng.choice(networks.OFFICE) if not older and rng.random() < 0.45 else None
        vpn = rng.choice(networks.VPN[:2] + networks.VPN[2:]) if rng.random() < 0.04 * prof.noise else None
        pc = (
            devices.computer(rng)
            if rng.random() < (0.85 if older or persona == "day_trader" else 0.5)
            else None
        )
        cash = rng.lognormvariate(13.5 if persona != "day_trader" else 14.8, 1.0)
        acct = Account(aid, round(cash), bank=self.tape.token("bk_", 48))
        c = Customer(
            acct,
            persona,
            rng.randint(y0, y1),
            rng.choices(*zip(*PREFECTURES, strict=True))[0],
            persona == "day_trader" or rng.random() < 0.12,
            persona == "foreign" or rng.random() < 0.25,
            factors,
            home,
            networks.address(rng, home, v6),
            networks.pick(rng, networks.MOBILE, networks.MOBILE_WEIGHTS),
            office,
            vpn,
            devices.phone(rng, older),
            pc,
            rng.uniform(0.01, 0.08 if older else 0.04),
            opened_day=opened_day,
        )
        if opened_day == 0:
            self._portfolio(c)
        self._life(c, n_days)
        return c

    def _portfolio(self, c: Customer) -> None:
        rng = self.rng
        n = {"dormant": 2, "day_trader": 1, "nisa": 3, "retiree": 6, "holder": 5}.get(c.persona, 4)
        for _ in range(rng.randint(0, n) + (1 if c.persona != "day_trader" else 0)):
            if c.persona == "foreign" and self.abroad and rng.random() < 0.6:
                inst = rng.choice(self.abroad)
            else:
                tier = rng.choices(
                    ("core", "large", "mid", "small", "thin", "etf"), weights=(30, 25, 20, 12, 4, 9)
                )[0]
                inst = rng.choice(self.pick[tier])
            qty = inst.lot_size * rng.choice((1, 1, 1, 2, 3, 5, 10)) if inst.domestic else rng.randint(1, 60)
            if not inst.domestic and inst.currency in ("HKD", "CNY"):
                qty = inst.lot_size * rng.randint(1, 4)
            c.account.positions[inst.symbol] = [qty, tick(inst, inst.price * rng.uniform(0.6, 1.2))]

    def _life(self, c: Customer, n_days: int) -> None:
        """The month's innocent surprises, each on a random day (rates scale with the profile's noise)."""
        rng, k = self.rng, self.prof.noise
        rates = {
            "new_phone": 0.04,
            "travel": 0.025,
            "forgot": 0.03,
            "move": 0.01,
            "new_bank": 0.015,
            "email": 0.02,
            "phone_no": 0.01,
            "sell_all": 0.012,
            "tip": 0.03,
            "enrol": 0.04,
            "vpn_trial": 0.01,
            "withdraw": 0.08,
        }
        for what, p in rates.items():
            if rng.random() < min(0.9, p * k * n_days / 20):
                c.events[what] = rng.randrange(c.opened_day, n_days)
        if "travel" in c.events:
            c.travel_net = rng.choice(networks.ABROAD)
            c.travel_days = rng.randint(2, 7)

    def opened(self, c: Customer, t: int) -> None:
        self.tape.add(
            t,
            "account.opened",
            account_id=c.account_id,
            birth_year=c.birth_year,
            prefecture=c.prefecture,
            margin_enabled=c.margin,
            foreign_enabled=c.foreign,
            factors=list(c.factors),
        )

    def snapshot(self, c: Customer, t: int) -> None:
        pos = [{"symbol": s, "qty": q, "avg_cost": a} for s, (q, a) in sorted(c.account.positions.items())]
        self.tape.add(t, "account.snapshot", account_id=c.account_id, cash_jpy=c.account.cash, positions=pos)

    # -- a day --------------------------------------------------------------------------------
    def day(self, c: Customer, di: int, day: date, paths: dict[str, DayPath]) -> None:
        rng = self.rng
        rate, p_trade, _, hours = PERSONAS[c.persona]
        ev = {k for k, v in c.events.items() if v == di}
        abroad = "travel" in c.events and c.events["travel"] <= di < c.events["travel"] + c.travel_days
        payday = day.day == 25 or (day.day in (26, 27) and day.weekday() == 0)
        if payday and c.persona in ("nisa", "holder", "swing") and rng.random() < 0.3:
            amount = rng.choice((30_000, 50_000, 100_000, 200_000))
            self.tape.add(
                ms(day, rng.uniform(9, 15)), "cash.deposit", account_id=c.account_id, amount_jpy=amount
            )
            c.account.cash += amount
        n = poisson(rng, rate * (0.5 if abroad else 1.0)) + (1 if ev - {"travel"} else 0)
        if di == c.opened_day and c.opened_day > 0:
            n = max(n, 1)
        hrs, wts = list(hours), list(hours.values())
        starts = sorted(ms(day, h + rng.random()) for h in rng.choices(hrs, weights=wts, k=n))
        starts = [t for t in starts if t > c.opened_ms + 4 * MS_HOUR]
        for i, t in enumerate(starts):
            self.visit(
                c,
                di,
                day,
                t,
                paths,
                trade=rng.random() < p_trade,
                events=ev if i == 0 else set(),
                abroad=abroad,
            )

    def visit(
        self,
        c: Customer,
        di: int,
        day: date,
        t: int,
        paths: dict,
        trade: bool,
        events: set,
        abroad: bool,
        chase: DayPath | None = None,
    ) -> None:
        rng, tape = self.rng, self.tape
        if "new_phone" in events:
            old = c.phone
            c.phone = devices.phone(rng, c.birth_year < 1963)
            if rng.random() < 0.3:
                c.mobile = networks.pick(rng, networks.MOBILE, networks.MOBILE_WEIGHTS)  # moved carrier too
            c.open_sessions = [s for s in c.open_sessions if s[2] is not old]
        use_pc = (
            c.pc is not None
            and (c.persona in ("day_trader", "retiree") or rng.random() < 0.35)
            and not abroad
        )
        dev = c.pc if use_pc and c.pc else c.phone
        if dev.cookie_days and dev.last_used and (day - dev.last_used).days > dev.cookie_days:
            dev.device_id = devices.new_id(rng, dev.kind)  # Safari dropped the cookie
        dev_id = None if dev.channel == "web" and rng.random() < 0.02 else dev.device_id  # private browsing
        dev.last_used = day
        ip = self._ip(c, dev, t, abroad)
        ua = dev.user_agent(day)
        # a sign-in lasts an hour, or days on an app that stays signed in
        reuse = None
        for opened, ctx, d in reversed(c.open_sessions):
            if d is dev and t - opened < dev.session_hours * MS_HOUR and ctx.device_id == dev_id:
                reuse = ctx
                break
        if reuse is not None:
            ctx = Ctx(c.account_id, reuse.session_id, ip, ua, dev_id, dev.channel)
        else:
            if c.locked_out:
                for k in range(rng.randint(2, 4)):
                    tape.add(
                        t + k * 20_000,
                        "auth.login",
                        **self._ctx(c, ip, ua, dev_id, dev).fields(),
                        result="password_bad",
                    )
                return
            ctx = self._ctx(c, ip, ua, dev_id, dev)
            t = self.login(c, ctx, t, forgot="forgot" in events)
            c.open_sessions = [*c.open_sessions[-3:], (t, ctx, dev)]
        t += rng.randint(5_000, 90_000)
        t = self.chores(c, ctx, t, events, day)
        frozen = c.frozen_from is not None and t >= c.frozen_from
        if not frozen and chase is not None:
            t = self._chase(c, ctx, t, chase)
        elif not frozen and ("sell_all" in events or "tip" in events or trade):
            t = self.trade(c, ctx, t, day, paths, events)
        if rng.random() < (0.5 if dev.channel == "web" else 0.1):
            tape.add(t + rng.randint(20_000, 900_000), "auth.logout", **ctx.fields())

    def _ctx(self, c: Customer, ip: str, ua: str, dev_id: str | None, dev: Device) -> Ctx:
        return Ctx(c.account_id, self.tape.token("s", 96), ip, ua, dev_id, dev.channel)

    def _ip(self, c: Customer, dev: Device, t: int, abroad: bool) -> str:
        rng = self.rng
        hour = (t // MS_HOUR + 9) % 24
        if abroad and c.travel_net:
            if dev.mobile and rng.random() < 0.4:
                return networks.address(rng, c.mobile)  # roaming: data leaves through the home carrier
            return networks.address(rng, c.travel_net)
        if rng.random() < 0.03:  # the home line reconnected: a new address from the same ISP
            c.home_ip = networks.nearby(rng, c.home_ip, c.home)
        if c.vpn and (not dev.mobile or rng.random() < 0.3):
            return networks.address(rng, c.vpn)
        if "vpn_trial" in c.events and rng.random() < 0.5:
            return networks.address(rng, networks.VPN[0])
        at_work = c.office is not None and 9 <= hour < 18 and rng.random() < 0.6
        if dev.mobile:
            if at_work and rng.random() < 0.3:
                return networks.address(rng, c.office)
            return (
                c.home_ip
                if (hour >= 19 or hour < 8) and rng.random() < 0.6
                else networks.address(rng, c.mobile)
            )
        return networks.address(rng, c.office) if at_work and c.office else c.home_ip

    def login(self, c: Customer, ctx: Ctx, t: int, forgot: bool) -> int:
        rng, tape = self.rng, self.tape
        if forgot:  # tries old passwords, then resets by e-mail link and signs in
            for _ in range(rng.randint(2, 5)):
                tape.add(t, "auth.login", **ctx.fields(), result="password_bad")
                t += rng.randint(8_000, 60_000)
            t += rng.randint(60_000, 600_000)
            tape.add(t, "profile.change", **ctx.fields(), field="password")
            t += rng.randint(20_000, 120_000)
        elif rng.random() < c.typo:
            tape.add(t, "auth.login", **ctx.fields(), result="password_bad")
            t += rng.randint(3_000, 25_000)
        tape.add(t, "auth.login", **ctx.fields(), result="password_ok")
        return t

    def chores(self, c: Customer, ctx: Ctx, t: int, events: set, day: date) -> int:
        """Profile changes, factor enrolments and withdrawals a customer does himself."""
        rng, tape = self.rng, self.tape
        for what, fld in (("move", "address"), ("email", "email"), ("phone_no", "phone")):
            if what in events:
                tape.add(t, "profile.change", **ctx.fields(), field=fld)
                t += rng.randint(30_000, 300_000)
        if "enrol" in events:
            f = rng.choice(("passkey", "passkey", "totp", "sms")) if "passkey" not in c.factors else "totp"
            if f not in c.factors:
                tape.add(t, "auth.factor", **ctx.fields(), factor=f, action="enrolled")
                c.factors.append(f)
                t += rng.randint(20_000, 200_000)
        if "new_phone" in events and ctx.channel == "app" and "totp" in c.factors and rng.random() < 0.5:
            tape.add(t, "auth.factor", **ctx.fields(), factor="totp", action="removed")
            tape.add(
                t + rng.randint(30_000, 200_000),
                "auth.factor",
                **ctx.fields(),
                factor="totp",
                action="enrolled",
            )
            t += 240_000
        if "new_bank" in events:
            tape.add(t, "profile.change", **ctx.fields(), field="bank_account")
            c.account.bank = tape.token("bk_", 48)
            t += rng.randint(60_000, 3 * MS_HOUR)
            if c.account.cash > 20_000:
                t = self.withdraw(c, ctx, t, c.account.cash * rng.uniform(0.3, 0.95))
        elif "withdraw" in events and c.account.cash > 30_000:
            t = self.withdraw(c, ctx, t, c.account.cash * rng.uniform(0.1, 0.7))
        return t

    def withdraw(self, c: Customer, ctx: Ctx, t: int, amount: float) -> int:
        amount = max(1000, int(amount) // 1000 * 1000)
        self.tape.add(t, "cash.withdrawal", **ctx.fields(), amount_jpy=amount, bank_account_id=c.account.bank)
        c.account.cash -= amount
        return t + self.rng.randint(20_000, 200_000)

    # -- trading -------------------------------------------------------------------------------
    def trade(self, c: Customer, ctx: Ctx, t: int, day: date, paths: dict[str, DayPath], events: set) -> int:
        rng, acct = self.rng, self.account_of(c)
        if "sell_all" in events:  # a house, a wedding, a scare: everything goes
            for sym in sorted(acct.positions):
                path = paths.get(sym)
                if path and acct.holding(sym) > 0:
                    t = self._order(
                        c, ctx, max(t, path.open_ms + 60_000), path, "sell", acct.holding(sym), None
                    )
            return t
        if "tip" in events:  # a small cap someone on X or YouTube was sure about, bought at a stretch
            thin = [p for p in paths.values() if p.inst.tier == "thin" and p.inst.domestic]
            if thin:
                path = rng.choice(thin)
                when = max(t, path.open_ms + rng.randint(0, 3 * MS_HOUR))
                px = path.at(when)
                qty = path.inst.lot_size * max(
                    1, int(min(acct.cash, 600_000) * rng.uniform(0.2, 0.8) / (px * 100))
                )
                limit = tick(path.inst, px * rng.uniform(1.03, 1.15))
                t = self._order(c, ctx, when, path, "buy", qty, limit)
        n = {"day_trader": rng.randint(2, 8)}.get(c.persona, 1 if rng.random() < 0.8 else 2)
        for _ in range(n):
            t = self._one_trade(c, ctx, t, day, paths)
        return t

    def _one_trade(self, c: Customer, ctx: Ctx, t: int, day: date, paths: dict[str, DayPath]) -> int:
        rng, acct = self.rng, c.account
        held = [s for s in sorted(acct.positions) if s in paths and acct.holding(s) > 0]
        sell = held and rng.random() < (0.5 if c.persona in ("day_trader", "swing") else 0.25)
        if c.persona == "day_trader":
            return self._round_trip(c, ctx, t, paths)
        if sell:
            path = paths[rng.choice(held)]
            qty = acct.holding(path.inst.symbol)
            if qty > path.inst.lot_size and rng.random() < 0.5:
                qty = max(path.inst.lot_size, (qty // 2) // path.inst.lot_size * path.inst.lot_size)
            return self._order(c, ctx, self._when(t, path), path, "sell", qty, self._limit(path, t, "sell"))
        path = self._choose(c, paths)
        if path is None:
            return t
        when = self._when(t, path)
        fx = 1.0 if path.inst.domestic else self.broker.market.fx[path.inst.currency]
        px = path.at(when) * fx
        budget = min(acct.cash, rng.lognormvariate(12.3, 0.8))
        lot = path.inst.lot_size
        qty = int(budget / (px * lot)) * lot
        if qty <= 0:
            if acct.cash < 50_000 and rng.random() < 0.5:
                amount = rng.choice((50_000, 100_000, 300_000))
                self.tape.add(t, "cash.deposit", account_id=c.account_id, amount_jpy=amount)
                acct.cash += amount
            return t
        atype = "nisa" if c.persona == "nisa" or (path.inst.tier == "etf" and rng.random() < 0.5) else "cash"
        return self._order(c, ctx, when, path, "buy", qty, self._limit(path, t, "buy"), atype)

    def _round_trip(self, c: Customer, ctx: Ctx, t: int, paths: dict[str, DayPath]) -> int:
        """A day trader's in-and-out on margin in a lively small name, closed before the bell."""
        rng = self.rng
        pool = [p for p in paths.values() if p.inst.domestic and p.inst.tier in ("small", "thin", "mid")]
        if not pool:
            return t
        path = rng.choice(pool)
        when = self._when(t, path)
        px = path.at(when)
        qty = path.inst.lot_size * max(1, int(rng.uniform(3e5, 3e6) / (px * path.inst.lot_size)))
        qty = min(
            qty, max(path.inst.lot_size, path.inst.adv // 200 // path.inst.lot_size * path.inst.lot_size)
        )
        t2 = self._order(c, ctx, when, path, "buy", qty, None, "margin" if c.margin else "cash")
        if c.account.holding(path.inst.symbol) >= qty:
            out = min(path.close_ms - 5 * MS_MIN, t2 + rng.randint(3 * MS_MIN, 3 * MS_HOUR))
            t2 = self._order(
                c, ctx, max(out, t2 + 1000), path, "sell", qty, None, "margin" if c.margin else "cash"
            )
        return t2

    def chase(
        self, c: Customer, di: int, day: date, t: int, paths: dict[str, DayPath], path: DayPath
    ) -> None:
        """A momentum trader sees a name top the gainers' ranking and buys into the rise himself."""
        self.visit(c, di, day, t, paths, trade=False, events=set(), abroad=False, chase=path)

    def _chase(self, c: Customer, ctx: Ctx, t: int, path: DayPath) -> int:
        rng = self.rng
        if not path.trading(t):
            return t
        fx = 1.0 if path.inst.domestic else self.broker.market.fx[path.inst.currency]
        px, lot = path.at(t), path.inst.lot_size
        qty = lot * max(
            1, int(min(max(c.account.cash, 100_000), 1_500_000) * rng.uniform(0.2, 0.7) / (px * fx * lot))
        )
        limit = None if rng.random() < 0.5 else tick(path.inst, px * rng.uniform(1.0, 1.04))
        atype = "margin" if c.margin and rng.random() < 0.7 else "cash"
        t2 = self._order(c, ctx, t, path, "buy", qty, limit, atype)
        if c.persona == "day_trader" and c.account.holding(path.inst.symbol) >= qty:
            out = min(path.close_ms - 5 * MS_MIN, t2 + rng.randint(5 * MS_MIN, 2 * MS_HOUR))
            t2 = self._order(c, ctx, max(out, t2 + 1000), path, "sell", qty, None, atype)
        return t2

    def _choose(self, c: Customer, paths: dict[str, DayPath]) -> DayPath | None:
        rng = self.rng
        if (c.persona == "foreign" or (c.foreign and rng.random() < 0.15)) and c.foreign:
            opts = [paths[i.symbol] for i in self.abroad if i.symbol in paths]
            if opts:
                return rng.choice(opts)
        weights = {
            "nisa": (20, 20, 5, 0, 0, 55),
            "holder": (35, 30, 20, 10, 2, 3),
            "retiree": (40, 35, 15, 7, 1, 2),
            "swing": (10, 15, 30, 30, 15, 0),
            "foreign": (30, 30, 20, 10, 3, 7),
            "dormant": (40, 30, 10, 10, 5, 5),
        }[c.persona]
        tier = rng.choices(("core", "large", "mid", "small", "thin", "etf"), weights=weights)[0]
        opts = [paths[i.symbol] for i in self.pick[tier] if i.symbol in paths]
        return rng.choice(opts) if opts else None

    def _when(self, t: int, path: DayPath) -> int:
        """When the customer actually sends the order: at the session, or queued for the open."""
        if t > path.close_ms:
            return path.close_ms - self.rng.randint(1, 30) * MS_MIN
        return max(t, path.open_ms - self.rng.randint(0, 40) * MS_MIN)

    def _limit(self, path: DayPath, t: int, side: str) -> float | None:
        rng = self.rng
        if rng.random() < 0.45:
            return None
        px = path.at(t)
        k = rng.uniform(-0.02, 0.004) if side == "buy" else rng.uniform(-0.004, 0.02)
        return tick(path.inst, px * (1 + k))

    def _order(
        self, c: Customer, ctx: Ctx, t: int, path: DayPath, side: str, qty: float, limit, atype="cash"
    ) -> int:
        oid, fills = self.broker.order(c.account, ctx, t, path, side, qty, limit, atype)
        if not fills and self.rng.random() < 0.4:  # an unfilled limit: some cancel it before the close
            self.tape.add(
                max(t + 1000, min(path.close_ms - 1000, t + self.rng.randint(MS_MIN, 2 * MS_HOUR))),
                "order.cancel",
                **ctx.fields(),
                order_id=oid,
            )
        return t + self.rng.randint(15_000, 240_000)

    def account_of(self, c: Customer) -> Account:
        return c.account
