"""The use cases staff and the case builder run, each in one unit of work with its audit entry.

Every change to a case, an attribution, a policy or a payout writes an audit entry in the same
transaction as the change. Functions take the store, the acting staff member and the clock time.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from kozaguard.cases import tables as t
from kozaguard.cases.build import Built, segment_label
from kozaguard.cases.case import Case, CaseError, Proposal
from kozaguard.cases.damage import Damage, Trade, assess
from kozaguard.cases.evidence import AccountFile
from kozaguard.cases.policy import (
    PRESETS,
    AppliedReduction,
    Policy,
    PolicyError,
    load_policy,
    parse_policy,
    preset,
)
from kozaguard.cases.prices import JST, PriceBook, dec, tokyo_day
from kozaguard.cases.status import Status
from kozaguard.cases.store import CaseStore, StoreError, Unit

SYSTEM = "system"
"""The actor of changes the case builder makes."""

FOUND = frozenset({"unauthorized"})


def _j(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _ts(x: datetime) -> str:
    return x.astimezone(JST).isoformat()


# build -----------------------------------------------------------------------------------------
@dataclass(slots=True)
class BuildSummary:
    opened: int = 0
    updated: int = 0
    unchanged: int = 0
    confirmed: int = 0


def _rows(case_id: str, f: AccountFile, built: Built, attributed: dict, source: str) -> dict[str, list[dict]]:
    at = built.attribution[f.account_id]
    days: dict[tuple, set[str]] = {}
    for e in f.timeline:
        if "session_id" not in e or (e["type"] == "auth.login" and e.get("result") != "password_ok"):
            continue
        key = (e["session_id"], e["device_id"] or "", e["user_agent"], "" if e["device_id"] else e["ip"])
        days.setdefault(key, set()).add(datetime.fromisoformat(e["ts"]).astimezone(JST).date().isoformat())
    sessions = [
        {
            "case_id": case_id,
            "segment": segment_label(s.key),
            "session_id": s.key[0],
            "device_id": s.device_id,
            "user_agent": s.user_agent,
            "ips": _j(s.ips),
            "first_ts": _ts(s.first_ts),
            "last_ts": _ts(s.last_ts),
            "access_days": _j(sorted(days.get(s.key, ()))),
            "unauthorized": s.key in at.segments,
            "evidence": _j(at.segments.get(s.key, [])),
        }
        for s in sorted(f.segments.values(), key=lambda s: (s.first_ts, s.key))
    ]
    orders = []
    for o in sorted(f.orders.values(), key=lambda o: (o.ts, o.order_id)):
        row = {
            "case_id": case_id,
            "order_id": o.order_id,
            "event_id": o.event_id,
            "ts": _ts(o.ts),
            "segment": segment_label(o.segment),
            "symbol": o.symbol,
            "side": o.side,
            "qty": str(dec(o.qty)),
            "unauthorized": o.order_id in at.orders,
            "source": source,
            "evidence": _j(at.orders.get(o.order_id, [])),
        }
        staff = attributed.get(o.order_id)
        if staff is not None:  # staff's own call survives a rebuild
            row.update(unauthorized=staff.unauthorized, source="staff", evidence=staff.evidence)
        orders.append(row)
    fills = [
        {
            "case_id": case_id,
            "fill_id": x.fill_id,
            "order_id": x.order_id,
            "ts": _ts(x.ts),
            "symbol": x.symbol,
            "currency": x.currency,
            "side": x.side,
            "qty": str(dec(x.qty)),
            "price": str(dec(x.price)),
            "fee": str(dec(x.fee)),
            "fx": str(x.fx),
        }
        for x in f.fills
    ]
    withdrawals = [
        {
            "case_id": case_id,
            "event_id": w.event_id,
            "ts": _ts(w.ts),
            "amount": str(dec(w.amount)),
            "segment": segment_label(w.segment),
        }
        for w in f.withdrawals
    ]
    timeline = [{"case_id": case_id, "seq": i, "entry": _j(e)} for i, e in enumerate(f.timeline)]
    return {
        "sessions": sessions,
        "orders": orders,
        "fills": fills,
        "withdrawals": withdrawals,
        "timeline": timeline,
    }


def _incident(f: AccountFile, built: Built) -> datetime | None:
    at = built.attribution[f.account_id]
    times = [f.segments[k].first_ts for k in at.segments]
    times += [f.orders[o].ts for o in at.orders if o in f.orders]
    return min(times) if times else None


def save_build(store: CaseStore, built: Built, *, actor: str = SYSTEM, at: datetime) -> BuildSummary:
    """Open or update the cases of a built stream; the same stream twice changes nothing."""
    summary = BuildSummary()
    source = "labels" if built.labelled else "system"
    with store.unit() as u:
        _save_prices(u, built.prices)
        if built.prices.last_day is not None:
            last = u.meta_get("last_close_day")
            if last is None or built.prices.last_day.isoformat() > last:
                u.meta_set("last_close_day", built.prices.last_day.isoformat())
    order = sorted(built.files, key=lambda a: (built.opened_at[a], a))
    for account in order:
        f = built.files[account]
        with store.unit() as u:
            _save_case(u, f, built, source, actor, at, summary)
    return summary


def _save_prices(u: Unit, prices: PriceBook) -> None:
    u.upsert(t.instruments, [{"symbol": s, "currency": c} for s, c in prices.currency.items()], ("symbol",))
    u.upsert(
        t.closes,
        [
            {"symbol": s, "day": d.isoformat(), "close": str(v)}
            for s, ser in prices.closes.items()
            for d, v in zip(ser.days, ser.values, strict=True)
        ],
        ("symbol", "day"),
    )
    u.upsert(
        t.rates,
        [
            {"currency": c, "day": d.isoformat(), "rate": str(v)}
            for c, ser in prices.rates.items()
            for d, v in zip(ser.days, ser.values, strict=True)
        ],
        ("currency", "day"),
    )


@dataclass(slots=True)
class _StaffCall:
    unauthorized: bool
    evidence: str


def _save_case(
    u: Unit, f: AccountFile, built: Built, source: str, actor: str, at: datetime, summary: BuildSummary
) -> None:
    case_id = u.case_id_of(f.account_id)
    new = case_id is None
    if new:
        case_id = u.next_case_id()
    staff = {
        r.order_id: _StaffCall(r.unauthorized, r.evidence)
        for r in ([] if new else u.rows(t.case_orders, case_id))
        if r.source == "staff"
    }
    rows = _rows(case_id, f, built, staff, source)
    incident = _incident(f, built)
    report = f.report_ts()
    digest = hashlib.sha256(_j([rows, built.opened_by[f.account_id]]).encode()).hexdigest()
    unauthorized = sorted(r["order_id"] for r in rows["orders"] if r["unauthorized"])
    attacker_sessions = [r["segment"] for r in rows["sessions"] if r["unauthorized"]]
    columns = {
        "opened_by": _j(built.opened_by[f.account_id]),
        "reported": f.reported,
        "report_at": _ts(report) if report else None,
        "incident_at": _ts(incident) if incident else None,
        "holdings": _j({s: str(dec(q)) for s, q in f.holdings.items()}),
        "posture": _j(f.posture(incident)),
        "evidence_sha": digest,
    }
    if new:
        u.conn.execute(
            t.cases.insert().values(
                case_id=case_id,
                account_id=f.account_id,
                status=str(Status.REPORTED),
                opened_at=_ts(built.opened_at[f.account_id]),
                attribution=source,
                version=0,
                **columns,
            )
        )
        u.audit(
            actor,
            "case.opened",
            case_id,
            {"account_id": f.account_id, "opened_by": built.opened_by[f.account_id]},
            at,
        )
        summary.opened += 1
    else:
        row = u.case_row(case_id)
        if row.evidence_sha == digest:
            summary.unchanged += 1
            return
        summary.updated += 1
    for name, table in (
        ("sessions", t.case_sessions),
        ("orders", t.case_orders),
        ("fills", t.case_fills),
        ("withdrawals", t.case_withdrawals),
        ("timeline", t.case_timeline),
    ):
        u.replace_rows(table, case_id, rows[name])
    u.audit(
        actor,
        "attribution.proposed",
        case_id,
        {"source": source, "unauthorized_order_ids": unauthorized, "attacker_sessions": attacker_sessions},
        at,
    )
    case = u.case(case_id)
    if staff:
        case.attribution = "staff"
    elif case.attribution != "staff":
        case.attribution = source
    moves = []
    if case.status == Status.REPORTED:
        case.move(Status.INVESTIGATING)
        moves.append(Status.INVESTIGATING)
    if case.status == Status.INVESTIGATING and (unauthorized or attacker_sessions):
        case.move(Status.CONFIRMED_UNAUTHORIZED)
        moves.append(Status.CONFIRMED_UNAUTHORIZED)
        summary.confirmed += 1
    before = case.status
    u.save(case, **columns)
    for target in moves:
        u.audit(actor, "case.moved", case_id, {"to": str(target), "by_rule": "evidence"}, at)
    del before


# reading a case --------------------------------------------------------------------------------
def prices_of(u: Unit, symbols: Iterable[str], currencies: Iterable[str]) -> PriceBook:
    book = PriceBook()
    symbols, currencies = set(symbols), set(currencies)
    for r in u.conn.execute(t.instruments.select().where(t.instruments.c.symbol.in_(sorted(symbols)))):
        book.currency[r.symbol] = r.currency
        currencies.add(r.currency)
    for r in u.conn.execute(t.closes.select().where(t.closes.c.symbol.in_(sorted(symbols)))):
        book.add_close(r.symbol, date.fromisoformat(r.day), Decimal(r.close))
    for r in u.conn.execute(t.rates.select().where(t.rates.c.currency.in_(sorted(currencies)))):
        book.add_fx(r.currency, date.fromisoformat(r.day), Decimal(r.rate))
    return book


def default_valuation_date(u: Unit) -> date:
    last = u.meta_get("last_close_day")
    if last is None:
        raise StoreError(
            "no closes in the database yet; run `kozaguard cases build` or give --valuation-date"
        )
    return date.fromisoformat(last)


def trades_of(u: Unit, case_id: str) -> list[Trade]:
    unauthorized = {r.order_id for r in u.rows(t.case_orders, case_id) if r.unauthorized}
    return [
        Trade(
            r.fill_id,
            r.order_id,
            datetime.fromisoformat(r.ts),
            r.symbol,
            r.side,
            Decimal(r.qty),
            Decimal(r.price),
            Decimal(r.fee),
            Decimal(r.fx),
            r.order_id in unauthorized,
        )
        for r in u.rows(t.case_fills, case_id)
    ]


def damage_of(
    u: Unit, case_id: str, valuation_date: date | None = None, book: PriceBook | None = None
) -> Damage:
    """The case's damage at `valuation_date` (else the staff's date on the proposal, else the last close).

    `book` holds the prices when the caller loaded them once for many cases (an export).
    """
    row = u.case_row(case_id)
    if valuation_date is None:
        p = u.conn.execute(t.proposals.select().where(t.proposals.c.case_id == case_id)).first()
        valuation_date = date.fromisoformat(p.valuation_date) if p else default_valuation_date(u)
    trades = trades_of(u, case_id)
    sessions = {r.segment for r in u.rows(t.case_sessions, case_id) if r.unauthorized}
    withdrawn = sum(
        (Decimal(w.amount) for w in u.rows(t.case_withdrawals, case_id) if w.segment in sessions), Decimal(0)
    )
    holdings = {s: Decimal(q) for s, q in json.loads(row.holdings).items()}
    if book is None:
        book = prices_of(u, {x.symbol for x in trades if x.unauthorized}, ())
    return assess(trades, holdings, book, valuation_date, withdrawn)


def policies(u: Unit) -> dict[str, Policy]:
    """Every policy known to the installation: the presets, then those staff added (which may replace one)."""
    known = {p: preset(p) for p in PRESETS}
    for r in u.conn.execute(t.policies.select().order_by(t.policies.c.policy_id)):
        known[r.policy_id] = parse_policy(r.source, f"policy {r.policy_id} in the database")
    return known


def incident_day(row) -> date | None:
    return datetime.fromisoformat(row.incident_at).astimezone(JST).date() if row.incident_at else None


def export_case(
    u: Unit, row, valuation_date: date | None, known: dict[str, Policy], book: PriceBook | None = None
) -> dict:
    """One line of the case export (docs/cases.md)."""
    orders = u.rows(t.case_orders, row.case_id)
    unauthorized = [o.order_id for o in sorted(orders, key=lambda o: (o.ts, o.order_id)) if o.unauthorized]
    p = u.conn.execute(t.proposals.select().where(t.proposals.c.case_id == row.case_id)).first()
    out = {
        "case_id": row.case_id,
        "account_id": row.account_id,
        "status": row.status,
        "opened_by": json.loads(row.opened_by),
        "opened_at": row.opened_at,
        "unauthorized_order_ids": unauthorized,
        "attribution": row.attribution,
    }
    if not unauthorized and not any(s.unauthorized for s in u.rows(t.case_sessions, row.case_id)):
        out["damage"], out["payouts"] = None, {}
        return out
    damage = damage_of(u, row.case_id, valuation_date, book)
    out["damage"] = damage.figures()
    incident = incident_day(row) or damage.valuation_date
    payouts = {}
    for pid, policy in known.items():
        applied = ()
        if p is not None and p.policy_id == pid:
            applied = tuple(AppliedReduction(r["id"], r["reason"]) for r in json.loads(p.reductions))
        payouts[pid] = policy.payout(damage, incident=incident, reported=row.reported, applied=applied)
    out["payouts"] = payouts
    if p is not None:
        out["proposal"] = {
            "policy_id": p.policy_id,
            "amount": p.amount,
            "settle": p.settle,
            "proposed_by": p.proposed_by,
            "approved_by": p.approved_by,
            "paid_by": p.paid_by,
        }
    return out


def export(store: CaseStore, valuation_date: date | None = None) -> list[dict]:
    with store.unit() as u:
        known = policies(u)
        symbols = u.conn.execute(t.case_fills.select().with_only_columns(t.case_fills.c.symbol).distinct())
        book = prices_of(u, symbols.scalars().all(), ())
        return [export_case(u, row, valuation_date, known, book) for row in u.case_rows()]


# staff use cases -------------------------------------------------------------------------------
def _need(text: str | None, what: str) -> str:
    if not text or not text.strip():
        raise CaseError(f"{what} needs a written reason (--reason)")
    return text.strip()


def _staff(actor: str) -> str:
    if not actor or not actor.strip() or actor == SYSTEM:
        raise CaseError("say who you are: --staff ID (a staff member's id, not 'system')")
    return actor.strip()


def move(
    store: CaseStore, case_id: str, target: str, *, actor: str, reason: str | None, at: datetime
) -> Case:
    """Move a case to another status (legal moves only)."""
    actor = _staff(actor)
    try:
        status = Status(target)
    except ValueError:
        raise CaseError(
            f"{target!r} is not a status; use one of: {', '.join(s.value for s in Status)}"
        ) from None
    with store.unit() as u:
        case = u.case(case_id, lock=True)
        before = case.status
        case.move(status, reason=reason)
        u.save(case)
        u.audit(actor, "case.moved", case_id, {"from": str(before), "to": str(status), "reason": reason}, at)
        return case


def attribute(
    store: CaseStore,
    case_id: str,
    order_ids: list[str],
    *,
    unauthorized: bool,
    actor: str,
    reason: str,
    at: datetime,
) -> Case:
    """Staff mark orders as unauthorized (or as the customer's own), with a written reason."""
    actor, reason = _staff(actor), _need(reason, "changing the attribution")
    with store.unit() as u:
        case = u.case(case_id, lock=True)
        if case.status not in (Status.REPORTED, Status.INVESTIGATING, Status.CONFIRMED_UNAUTHORIZED):
            raise CaseError(
                f"case {case_id} is {case.status}; attribution can change only before a payout is "
                "proposed (send the proposal back first)"
            )
        known = {r.order_id: r for r in u.rows(t.case_orders, case_id)}
        missing = [o for o in order_ids if o not in known]
        if missing:
            raise CaseError(
                f"case {case_id} has no order {', '.join(missing)}; see `kozaguard cases show {case_id}`"
            )
        for o in order_ids:
            u.conn.execute(
                t.case_orders.update()
                .where(t.case_orders.c.case_id == case_id, t.case_orders.c.order_id == o)
                .values(unauthorized=unauthorized, source="staff", evidence=_j([f"staff: {reason}"]))
            )
        case.attribution = "staff"
        u.save(case)
        u.audit(
            actor,
            "attribution.changed",
            case_id,
            {"order_ids": order_ids, "unauthorized": unauthorized, "reason": reason},
            at,
        )
        return case


def propose(
    store: CaseStore,
    case_id: str,
    policy_id: str,
    *,
    actor: str,
    at: datetime,
    reductions: list[tuple[str, str]] = (),
    settle: str | None = None,
    valuation_date: date | None = None,
) -> Case:
    """Propose the payout of a confirmed case under a policy (reductions each with a reason)."""
    actor = _staff(actor)
    with store.unit() as u:
        known = policies(u)
        if policy_id not in known:
            raise PolicyError(f"no policy `{policy_id}`; known: {', '.join(sorted(known))}")
        policy = known[policy_id]
        case = u.case(case_id, lock=True)
        row = u.case_row(case_id)
        way = settle or policy.settle[0]
        if way not in policy.settle:
            raise PolicyError(f"policy {policy_id} settles {' or '.join(policy.settle)}, not {way}")
        applied = tuple(AppliedReduction(i, r) for i, r in reductions)
        policy.reduction_rate(applied)  # unknown id or missing reason: refused before anything changes
        day = valuation_date or default_valuation_date(u)
        damage = damage_of(u, case_id, day)
        incident = incident_day(row) or day
        amount = policy.payout(damage, incident=incident, reported=row.reported, applied=applied)
        case.propose(
            Proposal(
                policy_id,
                amount,
                way,
                [{"id": a.id, "reason": a.reason} for a in applied],
                actor,
                at,
                day.isoformat(),
            )
        )
        u.save(case, valuation_date=day.isoformat())
        u.audit(
            actor,
            "payout.proposed",
            case_id,
            {
                "policy_id": policy_id,
                "amount": amount,
                "settle": way,
                "valuation_date": day.isoformat(),
                "reductions": case.proposal.reductions,
                "damage": damage.figures(),
                "not_covered": policy.coverage(incident, row.reported),
            },
            at,
        )
        return case


def approve(store: CaseStore, case_id: str, *, actor: str, at: datetime) -> Case:
    """Approve a proposed payout (four-eyes: not by its proposer)."""
    actor = _staff(actor)
    with store.unit() as u:
        case = u.case(case_id, lock=True)
        case.approve(actor, at)
        u.save(case)
        assert case.proposal is not None
        u.audit(
            actor,
            "payout.approved",
            case_id,
            {"amount": case.proposal.amount, "proposed_by": case.proposal.proposed_by},
            at,
        )
        return case


def send_back(store: CaseStore, case_id: str, *, actor: str, reason: str, at: datetime) -> Case:
    actor = _staff(actor)
    with store.unit() as u:
        case = u.case(case_id, lock=True)
        case.send_back(actor, reason)
        u.save(case)
        u.audit(actor, "payout.sent_back", case_id, {"reason": reason}, at)
        return case


def pay(store: CaseStore, case_id: str, *, actor: str, at: datetime, reference: str | None = None) -> Case:
    """Record that an approved payout was paid."""
    actor = _staff(actor)
    with store.unit() as u:
        case = u.case(case_id, lock=True)
        case.pay(actor, at, reference)
        u.save(case)
        assert case.proposal is not None
        u.audit(actor, "payout.paid", case_id, {"amount": case.proposal.amount, "reference": reference}, at)
        return case


def add_policy(store: CaseStore, path: Path, *, actor: str, at: datetime) -> Policy:
    """Install (or replace) a policy from its TOML file, validated first."""
    actor = _staff(actor)
    policy = load_policy(path)
    sha = hashlib.sha256(policy.source.encode()).hexdigest()
    with store.unit() as u:
        old = u.conn.execute(t.policies.select().where(t.policies.c.policy_id == policy.id)).first()
        if old is not None and old.sha256 == sha:
            return policy
        u.upsert(
            t.policies,
            [
                {
                    "policy_id": policy.id,
                    "source": policy.source,
                    "sha256": sha,
                    "added_by": actor,
                    "added_at": at.isoformat(),
                }
            ],
            ("policy_id",),
        )
        u.audit(
            actor,
            "policy.replaced" if old is not None or policy.id in PRESETS else "policy.added",
            policy.id,
            {"sha256": sha, "file": path.name, "previous_sha256": old.sha256 if old else None},
            at,
        )
    return policy


def show(store: CaseStore, case_id: str, valuation_date: date | None = None) -> dict:
    """Everything staff need about one case: the export line, sessions, orders, posture, timeline."""
    with store.unit() as u:
        row = u.case_row(case_id)
        out = export_case(u, row, valuation_date, policies(u))
        out["reported"] = row.reported
        out["posture"] = json.loads(row.posture)
        out["sessions"] = [
            {
                "segment": s.segment,
                "first_ts": s.first_ts,
                "last_ts": s.last_ts,
                "ips": json.loads(s.ips),
                "device_id": s.device_id,
                "user_agent": s.user_agent,
                "unauthorized": s.unauthorized,
                "evidence": json.loads(s.evidence),
            }
            for s in u.rows(t.case_sessions, case_id)
        ]
        out["orders"] = [
            {
                "order_id": o.order_id,
                "ts": o.ts,
                "symbol": o.symbol,
                "side": o.side,
                "qty": o.qty,
                "unauthorized": o.unauthorized,
                "source": o.source,
                "evidence": json.loads(o.evidence),
            }
            for o in u.rows(t.case_orders, case_id)
        ]
        out["timeline"] = [json.loads(r.entry) for r in u.rows(t.case_timeline, case_id)]
        out["audit"] = [
            {"seq": e.seq, "at": e.at, "actor": e.actor, "action": e.action, "detail": e.detail}
            for e in u.audit_entries()
            if e.subject == case_id
        ]
        return out


def tokyo(ts: datetime) -> date:
    return tokyo_day(ts)


def list_cases(store: CaseStore) -> list[dict]:
    with store.unit() as u:
        return [
            {
                "case_id": r.case_id,
                "account_id": r.account_id,
                "status": r.status,
                "opened_by": json.loads(r.opened_by),
            }
            for r in u.case_rows()
        ]
