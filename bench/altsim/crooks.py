"""Takeover campaigns: who is hit, with what capability, and what the attacker does.

A campaign shares a pump target, a time window and its habits (proxy kind, device and user-agent
policy, price style); each victim account is one attack with its own `attack_id`.
"""

from __future__ import annotations

import ipaddress
import random
from dataclasses import dataclass, field

import clock
import netpool as net
from people import Ctx, Cust, Writer, lots_for, poisson, tape_tick
from tape import Pump, Sym, Tape


@dataclass
class Campaign:
    cid: str
    target: Sym
    alt: Sym  # domestic fallback for victims without foreign trading
    window: tuple[int, int]
    proxy: str  # jp_resi | jp_near | foreign_dc
    device: str  # fresh | reuse | null
    ua: str  # fixed | pool | victim
    rotate: bool
    style: str  # subtle | classic
    token: str
    fixed_ua: str


@dataclass
class Attack:
    aid: str
    cust: Cust
    cap: str
    camp: Campaign
    tactic: str  # pump | slow | email_first | cashout
    steps: list[tuple[int, str]] = field(default_factory=list)
    token: str | None = None
    ua: str | None = None

    def summary(self) -> dict:
        return {
            "attack_id": self.aid,
            "account_id": self.cust.acct,
            "capability": self.cap,
            "campaign": self.camp.cid,
            "tactic": self.tactic,
            "target": self.camp.target.symbol,
            "proxy": self.camp.proxy,
            "device": self.camp.device,
            "ua": self.camp.ua,
            "style": self.camp.style,
            "start": self.steps[0][0] if self.steps else None,
        }


def _window(rng: random.Random, s: Sym, d) -> tuple[int, int] | None:
    sess = clock.sessions_on(d, s.region)
    if not sess:
        return None
    a, _b = sess[0]
    t0 = a + rng.randint(5, 60) * clock.MIN
    return t0, t0 + rng.randint(80, 150) * clock.MIN


def plan(
    rng: random.Random, custs: list[Cust], plans: dict[str, list], tokyo: list, from_ms: int, tape: Tape, k
) -> list[Attack]:
    attack_days = [d for d in tokyo if clock.midnight(d) >= from_ms]
    if not attack_days:
        return []
    pump_days = attack_days[:-1] or attack_days
    n = max(3, poisson(rng, len(custs) * len(tokyo) * k.attack_rate))
    n_camp = max(1, min(5, 1 + n // 6))
    camps: list[Campaign] = []
    # habits rotate over campaigns so that a run mixes them rather than drawing one by chance
    proxies = rng.sample(["jp_resi", "jp_near", "foreign_dc", "jp_resi"], 4)
    devices = rng.sample(["fresh", "reuse", "null"], 3)
    uas = rng.sample(["fixed", "pool", "victim"], 3)
    for j in range(n_camp):
        style = rng.choice(["subtle", "classic"])
        want_tier = "thin" if style == "classic" else "mid"
        region_pick = rng.random()
        if region_pick < 0.25:
            cand = [
                s for s in tape.syms if s.market in ("HKEX", "SZSE", "SSE") and s.tier in (want_tier, "thin")
            ]
        else:
            cand = [
                s for s in tape.syms if s.market in ("TSE-STANDARD", "TSE-GROWTH") and s.tier == want_tier
            ]
        cand = cand or [s for s in tape.syms if s.market == "TSE-STANDARD"]
        alts = [s for s in tape.syms if s.market in ("TSE-STANDARD", "TSE-GROWTH") and s.tier == want_tier]
        alts = alts or [s for s in tape.syms if s.market == "TSE-STANDARD"]
        for _ in range(20):
            target = rng.choice(cand)
            day = rng.choice(pump_days)
            win = _window(rng, target, day)
            if win and all(c.target is not target for c in camps):
                break
        else:
            continue
        alt = rng.choice(alts)
        win_alt = _window(rng, alt, day) or win
        peak = rng.uniform(1.22, 1.5) if style == "classic" else rng.uniform(1.07, 1.16)
        for s, w in ((target, win), (alt, win_alt)):
            if any(p.start == w[0] for p in s.pumps):
                continue
            s.pumps.append(
                Pump(
                    w[0] - 20 * clock.MIN,
                    w[1] + 10 * clock.MIN,
                    peak,
                    rng.uniform(0.72, 0.92),
                    rng.randint(3, 9) * clock.HOUR,
                )
            )
        kd = rng.choice(["win_chrome", "win_edge", "mac_safari", "linux_chrome", "iphone_safari"])
        proxy = proxies[j % len(proxies)]
        camps.append(
            Campaign(
                f"C{j + 1}",
                target,
                alt,
                win,
                proxy,
                devices[j % len(devices)],
                uas[j % len(uas)],
                proxy == "jp_resi" and rng.random() < 0.5,
                style,
                net.device_token(rng, "web"),
                net.ua_for(rng, kd),
            )
        )
    if not camps:
        return []

    pool = [
        c
        for c in custs
        if c.special in (None, "dormant") and c.opened_late is None and (c.pos or c.cash > 300_000)
    ]
    rng.shuffle(pool)
    attacks: list[Attack] = []
    used: set[str] = set()
    for c in pool:
        if len(attacks) >= n:
            break
        if c.acct in used:
            continue
        camp = rng.choice(camps)
        if camp.target.foreign and not c.foreign and rng.random() < 0.5:
            continue  # prefer foreign-enabled victims for foreign targets
        t_buy = rng.randint(camp.window[0], camp.window[1])
        prior = [
            p
            for p in plans.get(c.acct, [])
            if p[0] + p[1] < t_buy - 10 * clock.MIN and p[0] > t_buy - 5 * clock.DAY
        ]
        if "passkey" in c.factors:
            cap = "session"
        elif not c.factors:
            cap = "password" if rng.random() < 0.85 or not prior else "session"
        else:
            cap = "otp_relay" if rng.random() < 0.65 or not prior else "session"
        if cap == "session" and not prior:
            continue
        tactic = rng.choices(["pump", "slow", "email_first", "cashout"], [50, 17, 15, 18])[0]
        a = Attack(f"AT-{len(attacks) + 1:03d}", c, cap, camp, tactic)
        if cap == "session":
            ref = prior[-1][0] + prior[-1][1]
            if tactic == "cashout":
                t_buy = ref + rng.randint(20, 300) * clock.MIN
            tactic = tactic if tactic in ("pump", "cashout") else "pump"
            a.tactic = tactic
        if tactic == "cashout":
            base = (
                t_buy
                if cap == "session"
                else clock.midnight(rng.choice(attack_days)) + rng.randint(0, 24 * 3600_000 - 30 * clock.MIN)
            )
            a.steps = [(max(base, from_ms + clock.MIN), "cashout")]
        else:
            sell_at = t_buy - rng.randint(15, 70) * clock.MIN
            if tactic == "slow":
                a.steps.append((sell_at - clock.DAY - rng.randint(0, 6 * 60) * clock.MIN, "recon"))
            elif tactic == "email_first":
                a.steps.append(
                    (sell_at - rng.randint(2, 4) * clock.DAY + rng.randint(-300, 300) * clock.MIN, "email")
                )
            a.steps.append((sell_at, f"trade:{t_buy}"))
            if a.steps[0][0] < from_ms:  # keep the warm-up free of attacks
                a.steps = a.steps[1:]
                a.tactic = "pump"
        used.add(c.acct)
        c.victim = True
        attacks.append(a)
    return attacks


# --- execution -------------------------------------------------------------------------------------
def _ip(rng: random.Random, a: Attack) -> str:
    p = a.camp.proxy
    if p == "foreign_dc":
        return net.host_in(rng, rng.choice(net.HOSTING[rng.choice(sorted(net.HOSTING))]))
    if p == "jp_near":  # an exit in the victim's own provider
        home = a.cust.home_ip
        if ":" in home:
            return net.host_in(rng, str(ipaddress.ip_network(home + "/48", strict=False)))
        o = home.split(".")
        return f"{o[0]}.{o[1]}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
    table = net.JP_HOME_V4 if rng.random() < 0.6 else net.JP_MOBILE_V4
    return net.host_in(rng, net.pick(rng, table)[1])


def _ctx(rng: random.Random, a: Attack) -> Ctx:
    c, camp = a.cust, a.camp
    if a.ua is None:
        if camp.ua == "fixed":
            a.ua = camp.fixed_ua
        elif camp.ua == "victim" and (c.last or c.devices):
            a.ua = c.last["ua"] if c.last else c.devices[0].ua
        else:
            a.ua = net.ua_for(
                rng,
                rng.choice(
                    ["win_chrome", "win_edge", "mac_safari", "android_chrome", "iphone_safari", "mac_chrome"]
                ),
            )
    if a.token is None:
        a.token = {"fresh": net.device_token(rng, "web"), "reuse": camp.token, "null": ""}[camp.device]
    channel = "app" if a.ua.startswith("KabuApp") else "web"
    dev = a.token or None
    if a.cap == "session" and c.last:
        if camp.ua == "victim" and rng.random() < 0.5:
            dev = c.last["device_id"]  # the stolen cookie jar carries the device cookie too
        return Ctx(c.last["sid"], _ip(rng, a), a.ua, dev, channel)
    return Ctx(net.session_token(rng, "web"), _ip(rng, a), a.ua, dev, channel)


def run_step(rng: random.Random, w: Writer, a: Attack, ms: int, step: str, k, end_ms: int) -> None:
    c = a.cust
    tag = (a.aid, a.cap)
    tape = w.tape
    ctx = _ctx(rng, a)
    t = ms

    def nxt(lo=4_000, mean=40_000) -> int:
        nonlocal t
        t += lo + int(rng.expovariate(1 / mean))
        if a.camp.rotate:
            ctx.ip = _ip(rng, a)
        return t

    if a.cap != "session":
        if a.cap == "password" and rng.random() < 0.3:
            for _ in range(rng.randint(1, 3)):
                w.act(t, "auth.login", c, ctx, tag, result="password_bad")
                nxt(1_000, 5_000)
        w.act(t, "auth.login", c, ctx, tag, result="password_ok")
    if step == "recon":
        nxt(60_000, 300_000)
        if rng.random() < 0.5:
            w.act(t, "auth.logout", c, ctx, tag)
        return
    if step == "email":
        w.act(nxt(), "profile.change", c, ctx, tag, field="email")
        if a.cap == "otp_relay" and rng.random() < 0.5:
            w.act(nxt(), "auth.factor", c, ctx, tag, factor="totp", action="enrolled")
        return
    if step == "cashout":
        w.act(nxt(), "profile.change", c, ctx, tag, field="bank_account")
        amt = int(max(c.cash, 0) * rng.uniform(0.7, 0.99))
        if amt < 10_000:
            amt = rng.randint(10, 50) * 10_000
        w.act(
            nxt(30_000, 120_000),
            "cash.withdrawal",
            c,
            ctx,
            tag,
            amount_jpy=amt,
            bank_account_id=f"bk{rng.getrandbits(40):010x}",
        )
        c.cash -= amt
        return
    # trade
    t_buy = int(step.split(":")[1])
    syms = sorted(c.pos, key=lambda s: -c.pos[s][0] * tape.by[s].base * tape.fx_at(tape.by[s].currency, t))
    if a.camp.style == "subtle" and syms:
        s = tape.by[syms[0]]
        q = max(s.lot, int(c.pos[syms[0]][0] * 0.1) // s.lot * s.lot)
        q = min(q, int(c.pos[syms[0]][0]))
        w.order(rng, nxt(), c, ctx, s, "sell", q, "market", None, "cash", tag)
        nxt(5 * clock.MIN, 10 * clock.MIN)
    for sym in syms:
        if sym not in c.pos:
            continue
        s = tape.by[sym]
        q = int(c.pos[sym][0])
        if rng.random() < 0.3:
            _, bid, _ = tape.book(s, t)
            w.order(rng, nxt(), c, ctx, s, "sell", q, "limit", tape_tick(bid * 0.99, s), "cash", tag)
        else:
            w.order(rng, nxt(), c, ctx, s, "sell", q, "market", None, "cash", tag)
    target = a.camp.target if (c.foreign or not a.camp.target.foreign) else a.camp.alt
    t = max(t + 30_000, t_buy)
    fx = tape.fx_at(target.currency, t)
    budget = max(c.cash, 0) * (2.5 if c.margin else 0.97)
    acct_type = "margin" if c.margin else "cash"
    parts = rng.randint(2, 4) if a.camp.style == "subtle" else rng.randint(1, 2)
    for _ in range(parts):
        _, _, ask = tape.book(target, t)
        up = rng.uniform(1.03, 1.08) if a.camp.style == "subtle" else rng.uniform(1.15, 1.35)
        lim = tape_tick(ask * up, target)
        q = lots_for(budget / parts, target, lim, fx)
        if q <= 0:
            q = target.lot if c.cash > lim * fx * target.lot else 0
        if q:
            w.order(rng, t, c, ctx, target, "buy", q, "limit", lim, acct_type, tag)
        nxt(30_000, 6 * clock.MIN)
    if rng.random() < 0.3:
        w.act(nxt(), "auth.logout", c, ctx, tag)
    # the customer notices later (their own report: never labelled)
    if rng.random() < 0.6:
        kind = "unsolicited_code" if a.cap == "otp_relay" and rng.random() < 0.3 else "unrecognized_trade"
        w.out.add(
            t + rng.randint(2, 30) * clock.HOUR,
            {
                "type": "customer.report",
                "account_id": c.acct,
                "kind": kind,
                "text": "身に覚えのない取引があります",
            },
            style=0,
        )
