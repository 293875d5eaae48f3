"""The crews: a phishing campaign's credential list, real-time code relays and stolen session
cookies; hijacked accounts whose e-mail is changed first, whose holdings are sold, whose cash
buys one thin symbol at a high limit within a couple of hours, while the crew's own account sells
into the spike; some cash withdrawn to new bank accounts; victims who notice and report.

Every event an attacker causes goes to the tape with its label `(attack_id, capability)`: one
attack per hijacked account (`C3-07`), one per account a credential list was merely tried on
(`C3-t012`), and the crew's own account (`C3-crew`, written to crew.jsonl).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from . import devices, networks
from .broker import Account, Broker, Ctx
from .customers import Customer, Customers
from .draws import about
from .instruments import Instrument
from .market import DayPath, Pump, limit_width, tick
from .market_hours import MS_HOUR, MS_MIN, ms
from .profiles import Profile
from .tape import Tape

PHISH_HOSTS = (
    "mirai-sec-login.com",
    "miraisec-account.net",
    "mirai-shoken.co-jp.top",
    "login-miraitrade.info",
    "mirai-sec.verify-jp.com",
    "xn--mirai-sec-9k4f.com",
    "miraitrade-support.cc",
)


@dataclass
class Victim:
    customer: Customer
    attack_id: str
    capability: str
    compromise_day: int
    compromise_ms: int = 0
    ctx: Ctx | None = None
    order_ids: list[str] = field(default_factory=list)
    email_changed: bool = False


@dataclass
class Campaign:
    cid: str
    pump_day: int
    target: Instrument
    capability: str
    infra: str
    slow: bool
    n_victims: int
    pool: list[tuple[str, str, str | None]] = field(default_factory=list)  # shared (ip, ua, device_id)
    ua_policy: str = "rotate"
    pump: Pump | None = None
    crew: Account | None = None
    crew_ctx: Ctx | None = None
    victims: list[Victim] = field(default_factory=list)
    attempts: int = 0
    phish_url: str = ""

    @property
    def days(self) -> range:
        return range(self.pump_day - (2 if self.slow else 0), self.pump_day + 1)


class Crews:
    def __init__(
        self,
        rng: random.Random,
        prof: Profile,
        tape: Tape,
        broker: Broker,
        people: Customers,
        days: list[date],
    ):
        self.rng, self.prof, self.tape, self.broker, self.people, self.days = (
            rng,
            prof,
            tape,
            broker,
            people,
            days,
        )
        self.campaigns: list[Campaign] = []
        self.taken: set[str] = set()

    # -- planning --------------------------------------------------------------------------------
    def plan(self, warmup: int, universe: list[Instrument], customers: int) -> None:
        rng, prof = self.rng, self.prof
        most = max(2, customers // 50)  # a small broker loses fewer accounts to one campaign
        attack_days = list(range(warmup, len(self.days)))
        if not attack_days:
            return
        n = max(1, round(prof.campaigns_per_day * len(attack_days) * rng.uniform(0.8, 1.2)))
        thin = [i for i in universe if i.tier == "thin"]
        rng.shuffle(thin)
        for k in range(n):
            domestic = rng.random() < 0.7  # mostly TSE Standard/Growth names, else HK, China A or US
            target = ([i for i in thin if i.domestic == domestic] or thin)[0]
            thin.remove(target)
            if not thin:  # more campaigns than thin names: a symbol is pumped again
                thin = [i for i in universe if i.tier == "thin"]
            cap = rng.choices(list(prof.capabilities), weights=list(prof.capabilities.values()))[0]
            slow = rng.random() < prof.slow and len(attack_days) > 2
            day = rng.choice(attack_days[2:] if slow else attack_days)
            infra = rng.choices(list(prof.infra), weights=list(prof.infra.values()))[0]
            c = Campaign(f"C{k + 1}", day, target, cap, infra, slow, min(most, rng.randint(*prof.victims)))
            c.ua_policy = rng.choice(("rotate", "rotate", "shared", "mimic"))
            c.phish_url = (
                f"https://{rng.choice(PHISH_HOSTS)}/{rng.choice(('login', 'auth', 'member/login', 'sp'))}"
            )
            if rng.random() < 0.5:  # a small pool of exits shared by all the crew's sessions
                c.pool = [self._exit(c, None) for _ in range(rng.randint(2, 5))]
            self.campaigns.append(c)
        self.campaigns.sort(key=lambda c: (c.pump_day, c.cid))

    def pumps(self, di: int) -> dict[str, Pump]:
        """Pumps on day `di`, drawn when the day opens (the market bends the target's path)."""
        out = {}
        for c in self.campaigns:
            if c.pump_day != di:
                continue
            rng, inst = self.rng, c.target
            if inst.market.startswith("TSE"):
                start = ms(self.days[di], rng.uniform(9.4, 13.2))
            elif inst.market == "HKEX":
                start = ms(self.days[di], rng.uniform(10.7, 15.0))
            elif inst.market in ("SSE", "SZSE"):
                start = ms(self.days[di], rng.uniform(10.7, 14.5))
            else:
                start = ms(self.days[di], rng.uniform(23.7, 26.5))
            peak = rng.uniform(1.22, 1.4) if inst.domestic else rng.uniform(1.3, 2.0)
            c.pump = Pump(start, rng.randint(70, 150), peak, int(inst.adv * rng.uniform(40, 300)))
            out[inst.symbol] = c.pump
        return out

    # -- the infrastructure --------------------------------------------------------------------
    def _exit(self, c: Campaign, victim: Customer | None) -> tuple[str, str, str | None]:
        rng = self.rng
        if c.infra == "victim_isp" and victim is not None:
            ip = (
                networks.nearby(rng, victim.home_ip, victim.home)
                if rng.random() < 0.4
                else networks.address(rng, victim.home)
            )
        elif c.infra in ("jp_residential", "victim_isp"):
            if rng.random() < 0.7:
                ip = networks.address(rng, networks.pick(rng, networks.HOME, networks.HOME_WEIGHTS))
            else:
                ip = networks.address(rng, networks.pick(rng, networks.MOBILE, networks.MOBILE_WEIGHTS))
        elif c.infra == "jp_hosting":
            ip = networks.address(rng, rng.choice(networks.HOSTING_JP))
        elif c.infra == "vpn":
            ip = networks.address(rng, rng.choice(networks.VPN))
        else:
            ip = networks.address(rng, rng.choice(networks.HOSTING_ABROAD + networks.ABROAD))
        dev = devices.computer(rng) if rng.random() < 0.75 else devices.phone(rng, False)
        dev.lag_days = 0
        return ip, dev.user_agent(self.days[c.pump_day]), dev.device_id if rng.random() < 0.8 else None

    def _ctx_for(self, c: Campaign, v: Victim, day: date) -> Ctx:
        rng, cust = self.rng, v.customer
        if c.pool and rng.random() < 0.85:
            ip, ua, dev_id = rng.choice(c.pool)
        else:
            ip, ua, dev_id = self._exit(c, cust)
        if c.ua_policy == "shared" and c.pool:
            ua = c.pool[0][1]
        channel = "web"
        if c.ua_policy == "mimic":  # the crew dresses as the victim's own phone or browser
            dev = cust.pc if cust.pc and rng.random() < 0.5 else cust.phone
            ua, channel = dev.user_agent(day), dev.channel
            dev_id = devices.new_id(rng, dev.kind)
        if c.infra == "victim_isp":
            ip = (
                networks.nearby(rng, cust.home_ip, cust.home)
                if rng.random() < 0.5
                else networks.address(rng, cust.home)
            )
        return Ctx(cust.account_id, self.tape.token("s", 96), ip, ua, dev_id, channel)

    # -- choosing victims ------------------------------------------------------------------------
    def choose(self, di: int, customers: list[Customer]) -> None:
        """Pick the victims of campaigns whose takeovers start today, before the customers' day."""
        for c in self.campaigns:
            first = c.days[0]
            if first != di:
                continue
            rng = self.rng
            pool = [x for x in customers if x.account_id not in self.taken and x.opened_day < di]
            rng.shuffle(pool)
            for cust in pool:
                if len(c.victims) >= c.n_victims:
                    break
                cap = c.capability if rng.random() < 0.8 else rng.choice(("password", "otp_relay", "session"))
                if not self._fits(cust, cap, di):
                    continue
                value = cust.account.cash + sum(q * a for q, a in cust.account.positions.values())
                if value < 150_000:
                    continue
                self.taken.add(cust.account_id)
                v = Victim(cust, f"{c.cid}-{len(c.victims) + 1:02d}", cap, first)
                hour = rng.uniform(8.3, 11.0) if not c.slow else rng.uniform(7.0, 23.0)
                v.compromise_ms = ms(self.days[first], hour)
                if c.pump and not c.slow:
                    v.compromise_ms = min(v.compromise_ms, c.pump.start + 20 * MS_MIN)
                cust.frozen_from = v.compromise_ms
                c.victims.append(v)

    def _fits(self, cust: Customer, cap: str, di: int) -> bool:
        if "passkey" in cust.factors and len(cust.factors) == 1:
            return cap == "session"  # a passkey cannot be relayed; a stolen cookie still works
        if cap == "password":
            return not cust.factors or self.rng.random() < 0.25
        if cap == "session":
            return bool(cust.open_sessions)
        return True

    # -- the day's attacks -----------------------------------------------------------------------
    def day(self, di: int, paths: dict[str, DayPath], customers: list[Customer]) -> None:
        for c in self.campaigns:
            if di not in c.days:
                continue
            if c.crew is None:
                self._crew_open(c, di)
            if di == c.days[0]:
                self._stuffing(c, di, customers)
                self._phish_reports(c, di, customers)
            if di < c.pump_day:
                for v in c.victims:
                    self._prepare(c, v, di)
                self._crew_accumulate(c, di, paths)
            else:
                self._crew_accumulate(c, di, paths)
                for v in c.victims:
                    self._use(c, v, di, paths)
                self._crew_sell(c, di, paths)
                self._chasers(c, di, paths, customers)

    def _label(self, v: Victim) -> tuple[str, str]:
        return v.attack_id, v.capability

    def _enter(self, c: Campaign, v: Victim, t: int, day: date) -> int:
        """The attacker's way in: a login with the phished password (relayed code), or a stolen cookie."""
        rng, tape = self.rng, self.tape
        cust = v.customer
        if v.capability == "session":
            web = [s for s in cust.open_sessions if s[1].channel == "web"]
            stolen = (web or cust.open_sessions)[-1][1]  # an infostealer on the PC takes the browser's cookie
            ctx = self._ctx_for(c, v, day)
            keep_dev = rng.random() < 0.5  # the infostealer took the whole cookie jar
            v.ctx = Ctx(
                cust.account_id,
                stolen.session_id,
                ctx.ip,
                stolen.user_agent if rng.random() < 0.5 else ctx.user_agent,
                stolen.device_id if keep_dev else ctx.device_id,
                stolen.channel,
            )
            return t
        v.ctx = self._ctx_for(c, v, day)
        for _ in range(rng.choices((0, 1, 2), weights=(75, 20, 5))[0]):
            tape.add(t, "auth.login", self._label(v), **v.ctx.fields(), result="password_bad")
            t += rng.randint(4_000, 40_000)
        tape.add(t, "auth.login", self._label(v), **v.ctx.fields(), result="password_ok")
        return t + rng.randint(20_000, 120_000)

    def _takeover_chores(self, c: Campaign, v: Victim, t: int) -> int:
        rng, tape = self.rng, self.tape
        if rng.random() < self.prof.email_first or c.slow:
            tape.add(t, "profile.change", self._label(v), **v.ctx.fields(), field="email")
            v.email_changed = True
            t += rng.randint(15_000, 180_000)
            if rng.random() < 0.3:
                tape.add(t, "profile.change", self._label(v), **v.ctx.fields(), field="notifications")
                t += rng.randint(10_000, 60_000)
            if rng.random() < 0.15:
                tape.add(t, "profile.change", self._label(v), **v.ctx.fields(), field="phone")
                t += rng.randint(10_000, 60_000)
        return t

    def _prepare(self, c: Campaign, v: Victim, di: int) -> None:
        """A slow campaign's first visit: in, e-mail changed, out; the account waits for the pump day."""
        if di != v.compromise_day:
            return
        t = self._enter(c, v, v.compromise_ms, self.days[di])
        t = self._takeover_chores(c, v, t)
        if self.rng.random() < 0.5:
            self.tape.add(t + 30_000, "auth.logout", self._label(v), **v.ctx.fields())

    def _use(self, c: Campaign, v: Victim, di: int, paths: dict[str, DayPath]) -> None:
        rng, tape, cust, acct = self.rng, self.tape, v.customer, v.customer.account
        day = self.days[di]
        pump_path = paths.get(c.target.symbol)
        if pump_path is None or c.pump is None:
            return
        night = c.pump.start > ms(day, 20.0)  # a US pump: sell in Tokyo's hours, buy in New York's
        if c.slow:  # back on the pump day, an hour or two before it starts
            t0 = ms(day, rng.uniform(9.3, 13.0)) if night else c.pump.start - rng.randint(20, 150) * MS_MIN
            if v.capability == "session":
                t = t0
            else:
                v.ctx = None
                t = self._enter(c, v, t0, day)
        else:
            t = self._enter(c, v, v.compromise_ms, day)
            t = self._takeover_chores(c, v, t)
        label = self._label(v)
        if rng.random() < self.prof.cashout and acct.cash > 50_000:
            tape.add(t, "profile.change", label, **v.ctx.fields(), field="bank_account")
            t += rng.randint(60_000, 600_000)
            amount = int(min(acct.cash * rng.uniform(0.5, 0.95), 3_000_000)) // 1000 * 1000
            tape.add(
                t,
                "cash.withdrawal",
                label,
                **v.ctx.fields(),
                amount_jpy=amount,
                bank_account_id=self.tape.token("bk_", 48),
            )
            acct.cash -= amount
            t += rng.randint(30_000, 300_000)
        # sell what trades now, biggest first
        held = sorted(
            (s for s in acct.positions if s in paths and s != c.target.symbol),
            key=lambda s: -acct.positions[s][0] * acct.positions[s][1],
        )
        if rng.random() < 0.4:
            held = held[: max(1, len(held) // 2)]
        for sym in held:
            path = paths[sym]
            when = max(t, path.open_ms + rng.randint(0, 10) * MS_MIN)
            if when > path.close_ms or when > c.pump.start + c.pump.rise_min * MS_MIN:
                continue
            oid, _ = self.broker.order(
                acct, v.ctx, when, path, "sell", acct.holding(sym), None, "cash", label
            )
            v.order_ids.append(oid)
            t = when + rng.randint(10_000, 90_000)
        if night:  # back in the evening, shortly before New York opens the pump
            t = c.pump.start - rng.randint(5, 40) * MS_MIN
            if v.capability != "session":
                t = self._enter(c, v, t, day)
        # the coordinated buy: inside the pump window, at a limit far above the market
        top = c.pump.start + c.pump.rise_min * MS_MIN
        when = max(t, c.pump.start + rng.randint(0, int((top - c.pump.start) * 0.85)))
        fx = 1.0 if pump_path.inst.domestic else self.broker.market.fx[pump_path.inst.currency]
        ask = pump_path.quote(when)[2]
        if pump_path.inst.domestic:  # near the day's limit-up price, never below what it trades at now
            low, high = pump_path.prev_close, pump_path.prev_close + limit_width(pump_path.prev_close)
            limit = tick(
                pump_path.inst, min(high, max(ask * 1.02, low + (high - low) * rng.uniform(0.85, 1.0)))
            )
        else:
            limit = tick(pump_path.inst, ask * rng.uniform(1.25, 1.8))
        budget = max(0.0, acct.cash) + (acct.cash * 2 if cust.margin and rng.random() < 0.6 else 0)
        lot = pump_path.inst.lot_size
        qty = int(budget / (limit * fx * lot)) * lot
        pieces = rng.randint(1, 3)
        for k in range(pieces):
            q = (
                qty // pieces // lot * lot
                if k < pieces - 1
                else qty - (qty // pieces // lot * lot) * (pieces - 1)
            )
            if q <= 0:
                continue
            atype = "margin" if cust.margin and k == pieces - 1 and budget > acct.cash else "cash"
            oid, _ = self.broker.order(acct, v.ctx, when, pump_path, "buy", q, limit, atype, label)
            v.order_ids.append(oid)
            when += rng.randint(20_000, 15 * MS_MIN)
        if rng.random() < 0.08:  # locks the owner out
            tape.add(when, "profile.change", label, **v.ctx.fields(), field="password")
            cust.locked_out = True
        if rng.random() < 0.3:
            tape.add(when + rng.randint(30_000, 600_000), "auth.logout", label, **v.ctx.fields())
        self._aftermath(c, v, when)

    def _aftermath(self, c: Campaign, v: Victim, t: int) -> None:
        """The owner notices (an execution notice, a login mail, the trade report) and tells the broker."""
        rng = self.rng
        if rng.random() >= self.prof.report:
            return
        delay = rng.uniform(0.5, 6) * MS_HOUR if not v.email_changed else rng.uniform(12, 72) * MS_HOUR
        when = t + int(delay)
        if when >= ms(self.days[-1], 23.9):
            return
        cust = v.customer
        if v.order_ids and rng.random() < 0.8:
            self.tape.add(
                when,
                "customer.report",
                account_id=cust.account_id,
                kind="unrecognized_trade",
                order_ids=list(v.order_ids),
                text="買った覚えのない銘柄が口座にあります",
            )
        elif cust.locked_out:
            self.tape.add(
                when,
                "customer.report",
                account_id=cust.account_id,
                kind="locked_out",
                text="ログインできません",
            )
        else:
            self.tape.add(when, "customer.report", account_id=cust.account_id, kind="unrecognized_login")

    def _chasers(self, c: Campaign, di: int, paths: dict[str, DayPath], customers: list[Customer]) -> None:
        """Customers' own buys into the spike: the pump's volume is not all the crew's."""
        path, rng = paths.get(c.target.symbol), self.rng
        if path is None or c.pump is None:
            return
        keen = [
            x
            for x in customers
            if x.persona in ("day_trader", "swing") and x.account_id not in self.taken and x.opened_day < di
        ]
        for cust in rng.sample(keen, min(len(keen), about(rng, rng.uniform(0.5, 3.0) * self.prof.noise))):
            t = c.pump.start + int(c.pump.rise_min * MS_MIN * rng.uniform(0.2, 1.3))
            self.people.chase(cust, di, self.days[di], t, paths, path)

    def _stuffing(self, c: Campaign, di: int, customers: list[Customer]) -> None:
        """The credential list tried on other accounts: wrong passwords; a few pass but meet a code."""
        rng = self.rng
        if rng.random() >= self.prof.stuffing:
            return
        day = self.days[di]
        start = ms(day, rng.uniform(1.0, 20.0))
        tried = rng.sample(customers, min(len(customers), rng.randint(10, 60)))
        for cust in tried:
            if cust.account_id in self.taken:
                continue
            c.attempts += 1
            aid = f"{c.cid}-t{c.attempts:03d}"
            ip, ua, dev_id = rng.choice(c.pool) if c.pool else self._exit(c, cust)
            ctx = Ctx(cust.account_id, self.tape.token("s", 96), ip, ua, dev_id, "web")
            t = start + rng.randint(0, 6 * MS_HOUR)
            if cust.factors and rng.random() < 0.15:  # the password is right; the code never comes back
                self.tape.add(t, "auth.login", (aid, "password"), **ctx.fields(), result="password_ok")
                if rng.random() < 0.5:
                    self.tape.add(
                        t + rng.randint(5, 90) * MS_MIN,
                        "customer.report",
                        account_id=cust.account_id,
                        kind="unsolicited_code",
                        text="身に覚えのない認証コードが届きました",
                    )
                continue
            for _ in range(rng.randint(1, 3)):
                self.tape.add(t, "auth.login", (aid, "password"), **ctx.fields(), result="password_bad")
                t += rng.randint(2_000, 60_000)

    def _phish_reports(self, c: Campaign, di: int, customers: list[Customer]) -> None:
        rng = self.rng
        for cust in rng.sample(customers, min(len(customers), rng.randint(0, 4))):
            when = ms(self.days[di], rng.uniform(7, 22))
            self.tape.add(
                when, "customer.report", account_id=cust.account_id, kind="phishing_message", url=c.phish_url
            )

    # -- the crew's own account ------------------------------------------------------------------
    def _crew_open(self, c: Campaign, di: int) -> None:
        rng = self.rng
        aid = f"{rng.choice((101, 205, 310))}-{rng.randrange(10**6, 10**7)}"
        c.crew = Account(aid, float(rng.choice((3, 5, 8, 12)) * 1_000_000))
        t = ms(self.days[c.days[0]], rng.uniform(7.0, 8.5))
        lab = (f"{c.cid}-crew", "password")
        self.tape.add(
            t,
            "account.opened",
            lab,
            crew=True,
            account_id=aid,
            birth_year=rng.randint(1975, 1998),
            prefecture=rng.choice(("東京都", "大阪府", "埼玉県", "千葉県")),
            margin_enabled=False,
            foreign_enabled=True,
            factors=["sms"],
        )
        self.tape.add(t + 5 * MS_MIN, "cash.deposit", lab, crew=True, account_id=aid, amount_jpy=c.crew.cash)
        net = networks.pick(self.rng, networks.HOME, networks.HOME_WEIGHTS)
        dev = devices.computer(rng)
        c.crew_ctx = Ctx(
            aid,
            self.tape.token("s", 96),
            networks.address(rng, net),
            dev.user_agent(self.days[di]),
            dev.device_id,
            "web",
        )
        self.tape.add(
            t + 8 * MS_MIN, "auth.login", lab, crew=True, **c.crew_ctx.fields(), result="password_ok"
        )

    def _crew_accumulate(self, c: Campaign, di: int, paths: dict[str, DayPath]) -> None:
        path = paths.get(c.target.symbol)
        if path is None or c.crew is None or c.crew_ctx is None:
            return
        rng = self.rng
        end = path.close_ms if di < c.pump_day else (c.pump.start if c.pump else path.close_ms)
        lab = (f"{c.cid}-crew", "password")
        fx = 1.0 if path.inst.domestic else self.broker.market.fx[path.inst.currency]
        for _ in range(rng.randint(2, 4)):
            when = rng.randint(path.open_ms, max(path.open_ms + 1, end - 10 * MS_MIN))
            px = path.at(when)
            lot = path.inst.lot_size
            qty = max(lot, int(c.crew.cash * 0.25 / (px * fx * lot)) * lot)
            qty = min(qty, max(lot, path.inst.adv // 10 // lot * lot))
            if qty * px * fx > c.crew.cash:
                break
            self.broker.order(
                c.crew,
                c.crew_ctx,
                when,
                path,
                "buy",
                qty,
                tick(path.inst, px * 1.003),
                "cash",
                lab,
                crew=True,
            )

    def _crew_sell(self, c: Campaign, di: int, paths: dict[str, DayPath]) -> None:
        path = paths.get(c.target.symbol)
        if path is None or c.crew is None or c.crew_ctx is None or c.pump is None:
            return
        rng = self.rng
        lab = (f"{c.cid}-crew", "password")
        held = c.crew.holding(c.target.symbol)
        top = c.pump.start + c.pump.rise_min * MS_MIN
        pieces = rng.randint(2, 4)
        lot = path.inst.lot_size
        for k in range(pieces):
            q = held // pieces // lot * lot if k < pieces - 1 else c.crew.holding(c.target.symbol)
            if q <= 0:
                continue
            when = (
                c.pump.start
                + int((top - c.pump.start) * (0.4 + 0.6 * (k + 1) / pieces))
                - rng.randint(0, 8) * MS_MIN
            )
            limit = tick(path.inst, path.at(when) * rng.uniform(0.97, 1.0))
            self.broker.order(c.crew, c.crew_ctx, when, path, "sell", q, limit, "cash", lab, crew=True)
