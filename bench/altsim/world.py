"""Puts the brokerage together: reference data, accounts, each account's timeline (customer sessions
and attacker steps, in time order so holdings stay consistent), market data; then sorts, numbers and
writes the stream."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

import clock
import crooks
import msgspec
import people
from profiles import knobs as get_knobs
from tape import Tape


class Out:
    def __init__(self, start_ms: int, end_ms: int) -> None:
        self.start, self.end = start_ms, end_ms
        self.recs: list[tuple[int, int, dict, int, tuple | None]] = []

    def add(self, ms: int, obj: dict, style: int = 0, tag: tuple | None = None) -> None:
        if self.start <= ms < self.end:
            self.recs.append((ms, len(self.recs), obj, style, tag))


@dataclass
class Stream:
    events: list[dict]  # final objects, in file order
    truth: dict[str, tuple[str, str]]  # event_id -> (attack_id, capability)
    attacks: list[dict]
    meta: dict


def build(
    seed: int, customers: int = 2000, days: int = 8, profile: str = "default", warmup: int | None = None
) -> Stream:
    k = get_knobs(profile)
    base = f"altsim:{seed}:{profile}"
    tokyo = clock.tokyo_days(days)
    cal = clock.calendar(tokyo[0], tokyo[-1])
    start_ms = clock.midnight(tokyo[0])
    end_ms = clock.midnight(tokyo[-1]) + clock.DAY + 6 * clock.HOUR
    warmup = days // 2 if warmup is None else warmup
    if not 0 <= warmup < days:
        raise SystemExit(f"--warmup-days {warmup}: must be at least 0 and less than --days {days}")
    from_ms = clock.midnight(tokyo[warmup]) if days > 1 else start_ms
    out = Out(start_ms, end_ms)
    tape = Tape(random.Random(base + ":tape"), cal, end_ms, k)
    tape.emit_reference(out, start_ms)

    rc = random.Random(base + ":people")
    custs = [people.make_customer(rc, i, k, tape) for i in range(customers)]
    seen: set[str] = set()
    for c in custs:  # account numbers are unique
        while c.acct in seen:
            c.acct = f"{c.acct[:4]}{rc.randrange(10**7):07d}"
        seen.add(c.acct)
    for c in custs:
        if rc.random() < 0.02:
            c.opened_late = clock.midnight(rc.choice(tokyo)) + rc.randint(8 * 60, 20 * 60) * clock.MIN
            c.pos, c.cash = {}, 0.0
            if c.special == "dormant":
                c.special, c.rate = None, 0.5
    # customers flagged for one legitimate hard case each, in the measured part of the stream
    hard = [c for c in custs if c.special is None and c.opened_late is None]
    rc.shuffle(hard)
    n_hard = max(len(people.SPECIALS), customers // 60)
    for j, c in enumerate(hard[:n_hard]):
        c.special = people.SPECIALS[j % len(people.SPECIALS)]
        if c.special == "traveller" and rc.random() < 0.5:
            c.special = "traveller"
    for c in custs:
        if c.special is None and rc.random() < k.travel_share:
            c.special = "traveller"

    plans = {}
    for i, c in enumerate(custs):
        pr = random.Random(f"{base}:plan:{i}")
        p = [x for x in people.plan_sessions(pr, c, cal, k, from_ms) if x[0] > start_ms + 5 * clock.MIN]
        if c.opened_late is not None:
            p = [x for x in p if x[0] > c.opened_late + 20 * clock.MIN]
        plans[c.acct] = p
    attacks = crooks.plan(random.Random(base + ":crooks"), custs, plans, tokyo, from_ms, tape, k)
    by_victim = {a.cust.acct: a for a in attacks}

    for i, c in enumerate(custs):
        t = start_ms + 2_000 + i * 3 if c.opened_late is None else c.opened_late
        out.add(
            t,
            {
                "type": "account.opened",
                "account_id": c.acct,
                "birth_year": c.birth,
                "prefecture": c.pref,
                "margin_enabled": c.margin,
                "foreign_enabled": c.foreign,
                "factors": list(c.factors),
            },
        )
        if c.opened_late is None:
            out.add(
                start_ms + 30_000 + i * 3,
                {
                    "type": "account.snapshot",
                    "account_id": c.acct,
                    "cash_jpy": int(c.cash),
                    "positions": [
                        {"symbol": s, "qty": int(q), "avg_cost": ac} for s, (q, ac) in sorted(c.pos.items())
                    ],
                },
            )
        else:
            amt = rc.randint(10, 300) * 10_000
            c.cash = float(amt)
            out.add(
                t + rc.randint(5, 15) * clock.MIN,
                {"type": "cash.deposit", "account_id": c.acct, "amount_jpy": amt},
            )

    w = people.Writer(out, tape)
    for i, c in enumerate(custs):
        r = random.Random(f"{base}:run:{i}")
        items: list[tuple[int, int, object]] = [(st, 0, (du, sc)) for st, du, sc in plans[c.acct]]
        a = by_victim.get(c.acct)
        if a:
            items += [(ms, 1, step) for ms, step in a.steps]
        items.sort(key=lambda x: (x[0], x[1]))
        for ms, kind, item in items:
            if kind == 0:
                du, sc = item
                people.run_session(r, w, c, ms, du, sc, k, end_ms)
            else:
                crooks.run_step(r, w, a, ms, item, k, end_ms)
        for d in cal:
            if d.weekday() < 5 and r.random() < 0.012:
                out.add(
                    clock.midnight(d) + r.randint(6 * 60, 22 * 60) * clock.MIN,
                    {"type": "cash.deposit", "account_id": c.acct, "amount_jpy": r.randint(1, 100) * 10_000},
                    style=1,
                )
    tape.emit_market(out, start_ms, tokyo[-1])

    out.recs.sort(key=lambda r: (r[0], r[1]))
    ri = random.Random(base + ":ids")
    ids: set[str] = set()
    events, truth = [], {}
    for ms, _, obj, style, tag in out.recs:
        while True:
            eid = f"{ri.getrandbits(48):012x}"
            if eid not in ids:
                ids.add(eid)
                break
        ev = {"type": obj["type"], "event_id": eid, "ts": clock.render(ms, style)}
        ev.update((kk, v) for kk, v in obj.items() if kk != "type")
        events.append(ev)
        if tag:
            truth[eid] = tag
    meta = {
        "seed": seed,
        "profile": profile,
        "customers": customers,
        "days": days,
        "start": clock.render(start_ms, 0),
        "end": clock.render(end_ms, 0),
        "from": clock.render(from_ms, 0),
        "trading_days": [d.isoformat() for d in tokyo],
        "events": len(events),
        "labels": len(truth),
    }
    return Stream(
        events,
        truth,
        [a.summary() | {"start": clock.render(a.steps[0][0], 0)} for a in attacks if a.steps],
        meta,
    )


def write(stream: Stream, out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    enc = msgspec.json.Encoder()
    with open(out_dir / "events.jsonl", "wb") as f:
        for ev in stream.events:
            f.write(enc.encode(ev) + b"\n")
    with open(out_dir / "labels.jsonl", "wb") as f:
        for ev in stream.events:
            tag = stream.truth.get(ev["event_id"])
            if tag:
                f.write(
                    enc.encode(
                        {
                            "event_id": ev["event_id"],
                            "actor": "attacker",
                            "attack_id": tag[0],
                            "capability": tag[1],
                        }
                    )
                    + b"\n"
                )
    counts: dict[str, int] = {}
    for ev in stream.events:
        counts[ev["type"]] = counts.get(ev["type"], 0) + 1
    summary = {**stream.meta, "types": dict(sorted(counts.items())), "attacks": stream.attacks}
    (out_dir / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1) + "\n")
