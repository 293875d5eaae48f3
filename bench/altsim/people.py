"""Customers: who they are, when they log in, what they do, and the shared order/ctx helpers that
attackers use too (an order is an order whoever types it)."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import clock
import netpool as net
from tape import Sym, Tape

PREFS = [
    "Hokkaido",
    "Miyagi",
    "Saitama",
    "Chiba",
    "Tokyo",
    "Kanagawa",
    "Niigata",
    "Aichi",
    "Shizuoka",
    "Kyoto",
    "Osaka",
    "Hyogo",
    "Hiroshima",
    "Fukuoka",
    "Kumamoto",
    "Okinawa",
    "Nagano",
    "Ibaraki",
]
PREF_W = [4, 2, 6, 5, 14, 9, 2, 6, 3, 2, 8, 4, 2, 4, 1, 1, 2, 2]

SPECIALS = [
    "sell_all",
    "thin_buyer",
    "traveller",
    "email_withdraw",
    "new_phone",
    "forgetful",
    "bank_withdraw",
]


@dataclass
class Device:
    kind: str
    channel: str
    phone: bool
    ua: str
    token: str


@dataclass
class Ctx:
    """One session's context; `ip` may move mid-session."""

    sid: str
    ip: str
    ua: str
    device_id: str | None
    channel: str
    cell: str | None = None  # carrier block when on a phone
    home: str | None = None

    def fields(self, acct: str) -> dict:
        return {
            "account_id": acct,
            "session_id": self.sid,
            "ip": self.ip,
            "user_agent": self.ua,
            "device_id": self.device_id,
            "channel": self.channel,
        }


@dataclass
class Cust:
    acct: str
    birth: int
    pref: str
    margin: bool
    foreign: bool
    factors: list[str]
    plan: str  # fee plan
    cash: float
    pos: dict[str, list[float]]
    home_ip: str
    home_v6: bool
    cell_block: str
    devices: list[Device]
    habits: list[tuple[float, float, float]]
    rate: float
    style: str
    special: str | None = None
    bank: str = ""
    opened_late: int | None = None  # ms when a new account opens mid-stream
    last: dict | None = None  # last session: sid, ua, device_id, channel, ip, end
    abroad: tuple[int, int, str] | None = None  # (from, to, country)
    n_logins: int = 0
    victim: bool = False


def poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    n, p, L = 0, rng.random(), math.exp(-lam)
    while p > L:
        n += 1
        p *= rng.random()
    return n


def make_customer(rng: random.Random, i: int, k, tape: Tape) -> Cust:
    acct = f"{rng.choice([101, 102, 105, 110, 201, 305]):03d}-{rng.randrange(10**7):07d}"
    f = rng.random()
    factors = (
        []
        if f < 0.09
        else ["sms"]
        if f < 0.33
        else ["email_otp"]
        if f < 0.58
        else ["totp"]
        if f < 0.68
        else ["sms", "passkey"]
        if f < 0.82
        else ["passkey"]
        if f < 0.9
        else ["email_otp", "totp"]
    )
    foreign = rng.random() < 0.35
    cash = float(int(math.exp(rng.gauss(13.2, 1.3)) // 100 * 100))
    pos: dict[str, list[float]] = {}
    pool = [s for s in tape.syms if foreign or not s.foreign]
    for s in rng.sample(pool, min(len(pool), poisson(rng, 3.0))):
        lots = max(1, int(math.exp(rng.gauss(1.2, 1.0))))
        if s.foreign and s.region == "US":
            lots = max(1, int(math.exp(rng.gauss(3.0, 1.0))))
        pos[s.symbol] = [lots * s.lot, round(s.base * math.exp(rng.gauss(0, 0.15)), 3)]
    v6 = rng.random() < k.v6_share
    if v6:
        _, blk = net.pick(rng, net.JP_HOME_V6)
    else:
        _, blk = net.pick(rng, net.JP_HOME_V4)
    home_ip = net.host_in(rng, blk)
    carrier, cell = net.pick(rng, net.JP_MOBILE_V4)
    if rng.random() < 0.25 and carrier in net.JP_MOBILE_V6:
        cell = rng.choice(net.JP_MOBILE_V6[carrier])
    devs: list[Device] = []
    kinds = []
    if rng.random() < k.phone_share:
        kinds.append(rng.choice(net.PHONE_KINDS))
        if rng.random() < 0.4:
            kinds.append(rng.choice(net.DESK_KINDS))
    else:
        kinds.append(rng.choice(net.DESK_KINDS))
        if rng.random() < 0.5:
            kinds.append(rng.choice(net.PHONE_KINDS))
    if rng.random() < 0.01:
        kinds.append("api")
    for kd in kinds:
        ch, phone = net.KINDS[kd]
        devs.append(Device(kd, ch, phone, net.ua_for(rng, kd), net.device_token(rng, ch)))
    habits = []
    for _ in range(rng.choice([1, 1, 2, 3])):
        habits.append(
            (
                rng.choice([7.5, 8.7, 9.2, 10.5, 12.3, 15.6, 19.0, 21.5, 23.2, 1.0, 5.5])
                + rng.uniform(-0.6, 0.6),
                rng.uniform(0.2, 1.6),
                rng.random() + 0.2,
            )
        )
    style = rng.choices(["holder", "active", "daytrader", "smallcap", "foreign"], [50, 30, 5, 8, 7])[0]
    if style == "foreign" and not foreign:
        style = "active"
    rate = {"holder": 0.25, "active": 0.8, "daytrader": 2.2, "smallcap": 0.9, "foreign": 0.7}[style]
    rate *= math.exp(rng.gauss(0, 0.6))
    c = Cust(
        acct,
        rng.randint(1940, 2004),
        rng.choices(PREFS, PREF_W)[0],
        rng.random() < 0.18,
        foreign,
        factors,
        rng.choice(["zero", "zero", "tier"]),
        cash,
        pos,
        home_ip,
        v6,
        cell,
        devs,
        habits,
        rate,
        style,
    )
    c.bank = f"bk{rng.getrandbits(40):010x}"
    u = rng.random()
    if u < 0.06:
        c.rate = 0.0  # dormant
        c.special = "dormant"
    elif u < 0.11:
        c.special = "single"
    return c


# --- shared helpers --------------------------------------------------------------------------
class Writer:
    """Per-account emission helpers bound to the global sink."""

    def __init__(self, out, tape: Tape) -> None:
        self.out, self.tape = out, tape
        self.order_seq = 0

    def act(self, ms: int, typ: str, c: Cust, ctx: Ctx, tag=None, **fields) -> None:
        obj = {"type": typ, **ctx.fields(c.acct), **fields}
        self.out.add(ms, obj, style=1 if ctx.channel == "app" else 0, tag=tag)

    def order(
        self,
        rng: random.Random,
        ms: int,
        c: Cust,
        ctx: Ctx,
        s: Sym,
        side: str,
        qty: int,
        kind: str,
        limit: float | None,
        acct_type: str,
        tag=None,
    ) -> str | None:
        if qty <= 0:
            return None
        self.order_seq += 1
        oid = f"{rng.randrange(10**9):09d}{self.order_seq % 100:02d}"
        self.act(
            ms,
            "order.new",
            c,
            ctx,
            tag,
            order_id=oid,
            symbol=s.symbol,
            side=side,
            qty=qty,
            order_type=kind,
            limit_price=limit,
            account_type=acct_type,
        )
        fills = self.tape.fills(rng, s, ms + 1, side, qty, kind, limit)
        for t, q, px in fills:
            fee = self.tape.fee(c.plan, s, q * px, t)
            fx = self.tape.fx_at(s.currency, t)
            self.out.add(
                t,
                {
                    "type": "order.fill",
                    "order_id": oid,
                    "account_id": c.acct,
                    "symbol": s.symbol,
                    "side": side,
                    "qty": q,
                    "price": px,
                    "fee_jpy": fee,
                },
                style=0,
                tag=tag,
            )
            if side == "buy":
                c.cash -= q * px * fx + fee
                p = c.pos.setdefault(s.symbol, [0, px])
                p[1] = round((p[0] * p[1] + q * px) / (p[0] + q), 3)
                p[0] += q
            else:
                c.cash += q * px * fx - fee
                p = c.pos.get(s.symbol)
                if p:
                    p[0] -= q
                    if p[0] <= 0:
                        del c.pos[s.symbol]
        if not fills and kind == "limit":
            return oid  # resting order, may be cancelled
        return None


def lots_for(budget_jpy: float, s: Sym, px: float, fx: float) -> int:
    per = px * fx * s.lot
    return max(0, int(budget_jpy // per)) * s.lot if per > 0 else 0


def ip_for(rng: random.Random, c: Cust, dev: Device, ms: int, k) -> tuple[str, str | None, str | None]:
    """(ip, cell_block, home_ip) at session start."""
    if c.abroad and c.abroad[0] <= ms < c.abroad[1]:
        if dev.phone and rng.random() < 0.3:  # roaming keeps a Japanese carrier address
            return net.host_in(rng, c.cell_block), None, None
        return net.host_in(rng, rng.choice(net.ABROAD[c.abroad[2]])), None, None
    home = c.home_ip
    if c.home_v6 and rng.random() < 0.5:
        home = net.v6_same_64(rng, c.home_ip)
    if dev.phone:
        if rng.random() < 0.55:
            return net.host_in(rng, c.cell_block), c.cell_block, home
        return home, c.cell_block, home
    return home, None, None


def maybe_switch(rng: random.Random, ctx: Ctx, k) -> None:
    """A phone hopping between carrier and home Wi-Fi mid-session."""
    if ctx.cell and rng.random() < k.ip_switch:
        if ctx.ip == ctx.home or rng.random() < 0.3:
            ctx.ip = net.host_in(rng, ctx.cell)
        else:
            ctx.ip = ctx.home


# --- customer sessions ---------------------------------------------------------------------------
def plan_sessions(rng: random.Random, c: Cust, days, k, from_ms: int) -> list[tuple[int, int, str | None]]:
    """[(start_ms, duration_ms, script)] for the whole stream."""
    plans: list[tuple[int, int, str | None]] = []
    if c.special == "dormant":
        return plans
    if c.special == "single":
        d = rng.choice(days)
        return [(_start(rng, c, d), _dur(rng, c), None)]
    for d in days:
        we = d.weekday() >= 5
        for _ in range(poisson(rng, c.rate * (k.weekend_mult if we else 1.0))):
            plans.append((_start(rng, c, d), _dur(rng, c), None))
    late_days = [d for d in days if clock.midnight(d) >= from_ms and d.weekday() < 5]
    if c.special in SPECIALS and late_days:
        d = rng.choice(late_days[:-1] or late_days)
        t = clock.midnight(d) + rng.randint(9 * 60, 14 * 60) * clock.MIN
        if c.special == "traveller":
            c.abroad = (
                clock.midnight(d) - clock.DAY,
                clock.midnight(d) + rng.randint(2, 4) * clock.DAY,
                rng.choice(sorted(net.ABROAD)),
            )
            plans.append((t, _dur(rng, c) + 20 * clock.MIN, "trade"))
        else:
            plans.append((t, 40 * clock.MIN, c.special))
        if c.special in ("email_withdraw", "sell_all"):
            plans.append((t + rng.randint(60, 26 * 60) * clock.MIN, 10 * clock.MIN, c.special + "_2"))
    plans.sort()
    out: list[tuple[int, int, str | None]] = []
    busy = 0
    for st, du, sc in plans:  # no overlapping sessions of one person
        if st < busy:
            st = busy + rng.randint(1, 30) * clock.MIN
        out.append((st, du, sc))
        busy = st + du
    return out


def _start(rng: random.Random, c: Cust, d) -> int:
    h, sd, _ = rng.choices(c.habits, [w for *_, w in c.habits])[0]
    x = (h + rng.gauss(0, sd)) % 24
    return clock.midnight(d) + int(x * clock.HOUR)


def _dur(rng: random.Random, c: Cust) -> int:
    if c.style == "daytrader" and rng.random() < 0.6:
        return int(rng.uniform(40, 240) * clock.MIN)
    return int(math.exp(rng.gauss(1.7, 0.9)) * clock.MIN) + 20_000


def choose_symbol(rng: random.Random, c: Cust, tape: Tape) -> Sym:
    syms = tape.syms
    if c.style == "foreign" or (c.foreign and rng.random() < 0.15):
        cand = [s for s in syms if s.foreign]
    elif c.style in ("smallcap",) or c.special == "thin_buyer":
        cand = [
            s for s in syms if s.market in ("TSE-STANDARD", "TSE-GROWTH") or (c.foreign and s.tier == "thin")
        ]
    else:
        cand = [s for s in syms if s.market == "TSE-PRIME" or (rng.random() < 0.25 and not s.foreign)]
    return rng.choice(cand)


def run_session(
    rng: random.Random, w: Writer, c: Cust, start: int, dur: int, script: str | None, k, end_ms: int
) -> None:
    tape = w.tape
    if c.special == "new_phone" and script == "new_phone":
        kd = "iphone_app" if rng.random() < 0.6 else "android_app"
        c.devices.insert(
            0, Device(kd, "app", True, net.ua_for(rng, kd, newer=True), net.device_token(rng, "app"))
        )
    dev = c.devices[0] if rng.random() < 0.75 or len(c.devices) == 1 else rng.choice(c.devices[1:])
    if dev.channel == "web" and rng.random() < k.cookie_clear:
        dev.token = net.device_token(rng, "web")
    if dev.channel == "web" and rng.random() < k.ua_upgrade:
        dev.ua = net.ua_for(rng, dev.kind, newer=True)
    ip, cell, home = ip_for(rng, c, dev, start, k)
    did = None if rng.random() < k.null_device else dev.token
    ctx = Ctx(net.session_token(rng, dev.channel), ip, dev.ua, did, dev.channel, cell, home)
    t = start
    if script == "forgetful":
        for _ in range(rng.randint(5, 8)):
            w.act(t, "auth.login", c, ctx, result="password_bad")
            t += rng.randint(8_000, 70_000)
        w.out.add(
            t + rng.randint(5, 90) * clock.MIN,
            {
                "type": "customer.report",
                "account_id": c.acct,
                "kind": "locked_out",
                "text": "パスワードを忘れてロックされました",
            },
            style=0,
        )
        c.special = None
        return
    if rng.random() < k.typo:
        for _ in range(rng.choice([1, 1, 2, 3])):
            w.act(t, "auth.login", c, ctx, result="password_bad")
            t += rng.randint(4_000, 40_000)
    w.act(t, "auth.login", c, ctx, result="password_ok")
    c.n_logins += 1
    end = min(start + dur, end_ms - 1)

    def step(lo=15_000, mean=150_000) -> int:
        nonlocal t
        t += lo + int(rng.expovariate(1 / mean))
        maybe_switch(rng, ctx, k)
        return t

    resting: list[tuple[str, Sym]] = []
    if script == "new_phone":
        w.act(
            step(),
            "auth.factor",
            c,
            ctx,
            factor="passkey" if rng.random() < 0.5 else "totp",
            action="enrolled",
        )
        s = choose_symbol(rng, c, tape)
        _, _, ask = tape.book(s, t)
        q = lots_for(max(c.cash, 0) * rng.uniform(0.4, 0.8), s, ask, tape.fx_at(s.currency, t))
        w.order(rng, step(), c, ctx, s, "buy", q, "market", None, "cash")
    elif script == "sell_all":
        for sym in sorted(c.pos):
            s = tape.by[sym]
            w.order(rng, step(5_000, 30_000), c, ctx, s, "sell", int(c.pos[sym][0]), "market", None, "cash")
    elif script in ("sell_all_2", "email_withdraw_2"):
        amt = int(max(c.cash, 0) * rng.uniform(0.5, 0.98)) or 10_000
        w.act(step(), "cash.withdrawal", c, ctx, amount_jpy=amt, bank_account_id=c.bank)
    elif script == "email_withdraw":
        w.act(step(), "profile.change", c, ctx, field="email")
    elif script == "bank_withdraw":
        w.act(step(), "profile.change", c, ctx, field="bank_account")
        c.bank = f"bk{rng.getrandbits(40):010x}"
        amt = int(max(c.cash, 0) * rng.uniform(0.3, 0.95)) or 10_000
        w.act(step(30_000, 60_000), "cash.withdrawal", c, ctx, amount_jpy=amt, bank_account_id=c.bank)
    elif script == "thin_buyer":
        for _ in range(rng.randint(2, 4)):
            s = choose_symbol(rng, c, tape)
            _, _, ask = tape.book(s, t)
            lim = tape_tick(ask * rng.uniform(1.04, 1.12), s)
            q = lots_for(max(c.cash, 0) * rng.uniform(0.2, 0.5), s, lim, tape.fx_at(s.currency, t))
            w.order(rng, step(), c, ctx, s, "buy", q, "limit", lim, "cash")
    # ordinary business
    n_orders = {"holder": 0.25, "active": 1.1, "daytrader": 4.5, "smallcap": 1.3, "foreign": 1.0}[c.style]
    if script == "trade":
        n_orders += 1.5
    if not clock.is_trading(clock_date(start), "JP"):
        n_orders *= 0.2
    for _ in range(poisson(rng, n_orders)):
        if step() >= end:
            break
        if c.pos and rng.random() < 0.42:
            sym = rng.choice(sorted(c.pos))
            s = tape.by[sym]
            held = int(c.pos[sym][0])
            q = held if rng.random() < 0.4 else max(s.lot, (held // 2) // s.lot * s.lot)
            q = min(q, held)
            side = "sell"
        else:
            s = choose_symbol(rng, c, tape)
            if s.foreign and not c.foreign:
                continue
            _, _, ask = tape.book(s, t)
            q = lots_for(max(c.cash, 0) * rng.uniform(0.04, 0.3), s, ask, tape.fx_at(s.currency, t))
            side = "buy"
        _last, bid, ask = tape.book(s, t)
        if rng.random() < 0.45:
            kind, lim = "market", None
        else:
            kind = "limit"
            ref = ask if side == "buy" else bid
            lim = tape_tick(ref * (1 + rng.uniform(-0.025, 0.004) * (1 if side == "buy" else -1)), s)
        acct_type = "cash"
        if not s.foreign and side == "buy" and rng.random() < 0.2:
            acct_type = "nisa"
        elif c.margin and rng.random() < 0.35:
            acct_type = "margin"
        oid = w.order(rng, t, c, ctx, s, side, q, kind, lim, acct_type)
        if oid:
            resting.append((oid, s))
    for oid, _s in resting:
        if rng.random() < 0.4 and step() < end:
            w.act(t, "order.cancel", c, ctx, order_id=oid)
    if rng.random() < 0.03 and step() < end:
        w.act(
            t, "profile.change", c, ctx, field=rng.choice(["notifications", "address", "phone", "password"])
        )
    if rng.random() < 0.012 and c.cash > 50_000 and step() < end:
        w.act(
            t,
            "cash.withdrawal",
            c,
            ctx,
            amount_jpy=int(c.cash * rng.uniform(0.05, 0.4)),
            bank_account_id=c.bank,
        )
    t = max(t, end)
    maybe_switch(rng, ctx, k)
    if rng.random() < 0.62 and t < end_ms:
        w.act(t, "auth.logout", c, ctx)
    c.last = {
        "sid": ctx.sid,
        "ua": ctx.ua,
        "device_id": ctx.device_id or dev.token,
        "channel": ctx.channel,
        "ip": ctx.ip,
        "end": t,
    }


def tape_tick(px: float, s: Sym) -> float:
    from tape import tick

    return tick(px, s.region)


def clock_date(ms: int):
    from datetime import datetime

    return datetime.fromtimestamp(ms / 1000, clock.JST).date()
