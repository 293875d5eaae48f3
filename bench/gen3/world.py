"""One run: the universe, the customers, a month of attack-free trading days, then days with
campaigns; the market feed (fx, quotes, bars) around them; everything onto one tape.
"""

from __future__ import annotations

import json
import random
from datetime import date
from pathlib import Path

from . import instruments
from .broker import Broker
from .crews import Crews
from .customers import Customers
from .draws import about
from .market import Market
from .market_hours import MS_MIN, iso, ms, trading_days
from .profiles import Profile
from .tape import Tape

START = date(2025, 3, 3)


def run(
    customers: int,
    days: int,
    warmup: int,
    seed: int,
    prof: Profile,
    out: Path,
    crew_labels: bool = False,
    start: date = START,
) -> dict:
    rng = random.Random(f"gen3:{seed}:{prof.name}")
    tape = Tape(random.Random(f"gen3-ids:{seed}"))
    universe = instruments.tse(rng, prof.universe) + instruments.foreign(rng, prof.thin_foreign)
    market = Market(random.Random(f"gen3-market:{seed}"), universe)
    broker = Broker(tape, market, prof.fees)
    cal = trading_days(start, days)
    people = Customers(random.Random(f"gen3-people:{seed}"), prof, tape, broker, universe)
    crews = Crews(random.Random(f"gen3-crews:{seed}:{prof.name}"), prof, tape, broker, people, cal)

    t0 = ms(cal[0], 6.0)
    for k, inst in enumerate(universe):
        tape.add(
            t0 + k,
            "instrument",
            symbol=inst.symbol,
            name=inst.name,
            market=inst.market,
            currency=inst.currency,
            lot_size=inst.lot_size,
        )
    pop = [people.make(days) for _ in range(customers)]
    for c in pop:
        people.opened(c, t0 + 10 * MS_MIN)
        people.snapshot(c, t0 + 10 * MS_MIN)
    crews.plan(warmup, universe, customers)

    newcomers = 0
    for di, day in enumerate(cal):
        for _ in range(about(rng, prof.new_accounts * customers)):
            c = people.make(days, opened_day=di)
            pop.append(c)
            c.opened_ms = ms(day, rng.uniform(5.0, 6.5))  # the overnight batch opens the account
            people.opened(c, c.opened_ms)
            tape.add(
                c.opened_ms + 3 * 3_600_000,
                "cash.deposit",
                account_id=c.account_id,
                amount_jpy=round(c.account.cash),
            )
            newcomers += 1
        paths = market.open_day(day, crews.pumps(di))
        for hour in (7.0, 10.0, 13.0, 16.0, 19.0, 22.0):
            for cur in ("USD", "HKD", "CNY"):
                tape.add(
                    ms(day, hour),
                    "fx.rate",
                    pair=f"{cur}JPY",
                    rate=round(market.fx[cur], 4 if cur != "USD" else 3),
                )
        for path in paths.values():  # the feed: hourly quotes, every ten minutes during a pump, the bar
            t = path.open_ms
            while t <= path.close_ms:
                broker.quote(path, t)
                t += (10 if path.pump and path.pump.start - 30 * MS_MIN <= t else 60) * MS_MIN
            tape.add(
                path.close_ms + 15 * MS_MIN,
                "market.bar",
                symbol=path.inst.symbol,
                date=day.isoformat(),
                open=path.prices[0],
                high=path.high,
                low=path.low,
                close=path.prices[-1],
                volume=path.volume,
            )
        crews.choose(di, pop)
        for c in pop:
            if c.opened_day <= di:
                people.day(c, di, day, paths)
        crews.day(di, paths, pop)

    out.mkdir(parents=True, exist_ok=True)
    counts = tape.write(out, crew_labels)
    summary = {
        "generator": "gen3",
        "profile": prof.name,
        "seed": seed,
        "customers": customers,
        "new_accounts": newcomers,
        "days": days,
        "warmup_days": warmup,
        "first_day": cal[0].isoformat(),
        "from": iso(ms(cal[warmup], 0.0)) if warmup < days else None,
        "to": cal[-1].isoformat(),
        **counts,
        "crew_labels_in_labels": crew_labels,
        "takeovers": {
            cap: sum(1 for c in crews.campaigns for v in c.victims if v.capability == cap)
            for cap in ("password", "otp_relay", "session")
        },
        "attempts": sum(c.attempts for c in crews.campaigns),
        "campaigns": [
            {
                "campaign": c.cid,
                "pump_day": cal[c.pump_day].isoformat(),
                "symbol": c.target.symbol,
                "market": c.target.market,
                "capability": c.capability,
                "infra": c.infra,
                "slow": c.slow,
                "ua": c.ua_policy,
                "victims": {v.attack_id: v.capability for v in c.victims},
                "attempts": c.attempts,
                "crew_account": c.crew.account_id if c.crew else None,
            }
            for c in crews.campaigns
        ],
    }
    (out / "summary.json").write_text(
        json.dumps(summary, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return summary
