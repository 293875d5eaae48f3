"""Campaign plans: who is phished, which thin symbol is pumped, when, through which accounts.

A campaign (domain.md §2.4) has a crew with its infrastructure, a thin target symbol, an own account
that bought the target beforehand and sells into the spike, and victims taken from phished customers,
each with one capability (`password`, `otp_relay` or `session`) and one attack id. Plans are drawn
up front from the seed; `attackers.py` turns them into events on their day.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from kozaguard.sim.accounts import Account
from kozaguard.sim.calendar import session_minutes
from kozaguard.sim.config import SimConfig
from kozaguard.sim.customers import pick
from kozaguard.sim.devices import Device, UserAgents, new_device
from kozaguard.sim.instruments import InstrumentInfo
from kozaguard.sim.market import Move
from kozaguard.sim.networks import Networks

_TARGET_MARKETS = {"TSE": 0.55, "HKEX": 0.2, "CN": 0.15, "US": 0.1}


@dataclass
class Crew:
    """An attacker group's infrastructure, reused across its victims and campaigns."""

    crew_id: int
    hosting_ips: list[str]
    proxy_ips: list[str]  # Japanese residential proxies
    devices: list[Device]
    own_accounts: list[Account]


@dataclass
class Victim:
    account: Account
    attack_id: str
    capability: str
    email_first: bool
    withdraw: bool
    reports: bool
    buy_fraction: float  # where in the pump window this victim's buys land (0..1)


@dataclass
class Campaign:
    campaign_id: str
    crew: Crew
    day_index: int
    target: str
    start: int  # minute index of the target's session grid
    ramp: int
    peak: float
    volume_x: float
    own: Account
    own_attack_id: str
    ips: list[str]
    devices: list[Device]
    victims: list[Victim] = field(default_factory=list)

    def move(self) -> Move:
        return Move(self.target, self.start, self.ramp, self.peak, self.volume_x)


def phishing_url(rng: random.Random, broker_domain: str) -> str:
    """A look-alike of the broker's login page as seen in real lures."""
    brand = broker_domain.split(".")[0]
    dashed = broker_domain.replace(".", "-")
    junk = "".join(rng.choice("abcdefghijkmnpqrstuvwxyz0123456789") for _ in range(rng.randint(4, 6)))
    tld = rng.choice(["top", "cn", "xyz", "icu", "shop", "com", "vip", "sbs"])
    pattern = rng.randrange(5)
    if pattern == 0:
        return f"https://{broker_domain}.{junk}.{tld}/login"
    if pattern == 1:
        return f"https://www-{dashed}.{junk}.{tld}/"
    if pattern == 2:
        return f"https://{brand}-{rng.choice(['login', 'secure', 'account', 'verify'])}.{junk}.{tld}/"
    if pattern == 3:
        return f"https://{brand}{rng.choice(['sec', '-sec', 'secs'])}-jp.{tld}/ETGate/"
    return f"https://{junk}.{tld}/{brand}/login.html"


class Planner:
    """Draws crews, phished customers and campaign plans from the seed."""

    def __init__(
        self, cfg: SimConfig, universe: dict[str, InstrumentInfo], nets: Networks, uas: UserAgents
    ) -> None:
        self.cfg, self.universe, self.nets, self.uas = cfg, universe, nets, uas

    def crews(self, rng: random.Random, own_accounts: list[Account]) -> list[Crew]:
        crews = []
        for c in range(self.cfg.crews):
            hosting = [rng.choice(self.nets.foreign_hosting).address(rng) for _ in range(rng.randint(3, 8))]
            proxies = [rng.choice(self.nets.jp_home + self.nets.jp_mobile).address(rng) for _ in range(6)]
            devices = [
                new_device(rng, self.uas, rng.choice(["desktop", "desktop", "mobile"]), 0.0)
                for _ in range(rng.randint(2, 5))
            ]
            crews.append(Crew(c + 1, hosting, proxies, devices, []))
        for i, acct in enumerate(own_accounts):
            crews[i % len(crews)].own_accounts.append(acct)
            acct.own_of_campaign = f"crew{crews[i % len(crews)].crew_id}"
        return crews

    def plan(
        self,
        rng: random.Random,
        days: list,
        crews: list[Crew],
        phished: list[Account],
        others: list[Account],
    ) -> list[Campaign]:
        """Campaigns for every attack day (after warm-up), in time order."""
        cfg = self.cfg
        by_group: dict[str, list[str]] = {g: [] for g in _TARGET_MARKETS}
        for info in self.universe.values():
            if info.tier == "thin" and info.kind == "stock" and info.market != "TSE-PRIME":
                group = {"HKEX": "HKEX", "SSE": "CN", "SZSE": "CN", "NYSE": "US", "NASDAQ": "US"}.get(
                    info.market, "TSE"
                )
                by_group[group].append(info.symbol)
        pool = list(phished)
        rng.shuffle(pool)
        campaigns: list[Campaign] = []
        attack_no = 0
        used_targets: set[str] = set()
        for d in range(cfg.warmup_days, len(days) - cfg.quiet_days):
            for _ in range(_poisson(rng, cfg.attack_rate)):
                group = pick(rng, _TARGET_MARKETS)
                choices = [s for s in by_group[group] if s not in used_targets] or by_group["TSE"]
                target = rng.choice(choices)
                used_targets.add(target)
                info = self.universe[target]
                n_min = len(session_minutes(info.market, days[d]))
                ramp = min(rng.randint(*cfg.pump_minutes), n_min - 40)
                start = rng.randint(25, n_min - ramp - 10)
                crew = rng.choice(crews)
                own = rng.choice(crew.own_accounts)
                attack_no += 1
                camp = Campaign(
                    campaign_id=f"K{len(campaigns) + 1:03d}",
                    crew=crew,
                    day_index=d,
                    target=target,
                    start=start,
                    ramp=ramp,
                    peak=rng.uniform(*cfg.pump_peak),
                    volume_x=rng.uniform(*cfg.pump_volume_x),
                    own=own,
                    own_attack_id=f"A{attack_no:04d}",
                    ips=rng.sample(crew.hosting_ips, min(len(crew.hosting_ips), rng.randint(1, 3)))
                    + rng.sample(crew.proxy_ips, rng.randint(1, 3)),
                    devices=rng.sample(crew.devices, rng.randint(1, len(crew.devices))),
                )
                n_victims = rng.randint(*cfg.victims_per_campaign)
                for _ in range(n_victims):
                    if not pool:
                        pool = [a for a in others if not a.compromised and not a.tags]
                        rng.shuffle(pool)
                        if not pool:
                            break
                    acct = pool.pop()
                    acct.tags.append("victim")
                    attack_no += 1
                    cap = pick(rng, cfg.capability_mix)
                    if (
                        "passkey" in acct.factors
                        and cap != "session"
                        and cfg.passkey_victims == "session"
                        and cfg.capability_mix.get("session", 0) > 0
                    ):
                        cap = "session"
                    camp.victims.append(
                        Victim(
                            acct,
                            f"A{attack_no:04d}",
                            cap,
                            email_first=cap != "session" and rng.random() < cfg.email_change_first,
                            withdraw=rng.random() < cfg.bank_change_withdrawal,
                            reports=rng.random() < cfg.victim_report_rate,
                            buy_fraction=rng.random() * 0.85,
                        )
                    )
                if camp.victims:
                    campaigns.append(camp)
        return campaigns


def _poisson(rng: random.Random, mean: float) -> int:
    if mean <= 0:
        return 0
    limit, k, p = math.exp(-mean), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k
