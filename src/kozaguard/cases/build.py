"""Find the cases in an event stream and assemble their evidence: what `kozaguard cases build` runs.

Reads the stream in passes over the same lines (a file can be read again; memory stays bounded by
the victims, not the broker): the first finds the accounts that need a case (a customer's report,
the engine's `open_case`) and indexes which devices and addresses each account used; the second
assembles those accounts' files and the prices; a third takes in accounts that share the attacker's
infrastructure (a campaign) when there are any.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from kozaguard.cases.attribution import Attribution, SegmentKey, propose
from kozaguard.cases.evidence import DAMAGE_REPORTS, AccountFile, Locate
from kozaguard.cases.prices import PriceBook, dec, tokyo_day
from kozaguard.cases.pump import PumpWatch
from kozaguard.events.codec import read_decisions, read_events, read_labels
from kozaguard.events.schema import (
    Action,
    CustomerReport,
    Decision,
    Event,
    Fill,
    FxRate,
    Instrument,
    MarketBar,
    MarketQuote,
)

Lines = Callable[[], Iterable[bytes]]
"""Opens the event stream again for each pass."""

CAMPAIGN_REASONS = frozenset({"coordinated_buying", "symbol_restricted"})

CAMPAIGN_PASSES = 3
"""Passes over the stream for accounts the attacker's infrastructure reached (each pass can find
more of his devices and addresses)."""


@dataclass(slots=True)
class Built:
    """The stream's cases before they are stored: files, proposed attribution, who opened them."""

    files: dict[str, AccountFile]
    attribution: dict[str, Attribution]
    opened_by: dict[str, list[str]]
    opened_at: dict[str, datetime]
    prices: PriceBook
    labelled: bool = False
    events: int = 0
    unresolved_fx: list[str] = field(default_factory=list)


def _account_of(event: Event) -> str | None:
    return getattr(event, "account_id", None)


def load_decisions(lines: Iterable[bytes], source: str) -> dict[str, Decision]:
    """The decisions that say something (not a plain allow without reasons), by event id."""
    out: dict[str, Decision] = {}
    for _, d in read_decisions(lines, source):
        if d.decision != "allow" or d.reasons or d.actions:
            out[d.event_id] = d
    return out


def load_labels(lines: Iterable[bytes], source: str) -> set[str]:
    """Event ids a simulator says the attacker caused."""
    return {label.event_id for _, label in read_labels(lines, source)}


def _triggers(events: Iterable[tuple[int, bytes, Event]], decisions: dict[str, Decision]):
    """Pass 1: why each account needs a case, which accounts each device and address served, and
    every account's pump orders (`cases.pump`)."""
    triggers: dict[str, list[tuple[datetime, str]]] = defaultdict(list)
    by_device: dict[str, set[str]] = defaultdict(set)
    by_ip: dict[str, set[str]] = defaultdict(set)
    pumps = PumpWatch()
    n = 0
    for _, _, e in events:
        n += 1
        pumps.observe(e)
        if isinstance(e, CustomerReport) and e.kind in DAMAGE_REPORTS:
            triggers[e.account_id].append((e.ts, "customer_report"))
        elif isinstance(e, Action):
            if e.device_id:
                by_device[e.device_id].add(e.account_id)
            by_ip[e.ip].add(e.account_id)
            d = decisions.get(e.event_id)
            if d is None:
                continue
            if CAMPAIGN_REASONS.intersection(d.reasons) and d.decision != "allow":
                triggers[e.account_id].append((e.ts, "campaign"))
            elif "open_case" in d.actions:
                triggers[e.account_id].append((e.ts, "engine"))
    return triggers, by_device, by_ip, pumps, n


def _collect(
    events: Iterable[tuple[int, bytes, Event]],
    decisions: dict[str, Decision],
    accounts: set[str],
    locate: Locate,
    prices: PriceBook | None,
) -> tuple[dict[str, AccountFile], list[str]]:
    """Pass 2: the files of `accounts`; the prices too when `prices` is given (first time only)."""
    files = {a: AccountFile(a) for a in accounts}
    rates: dict[str, Decimal] = {}
    currency: dict[str, str] = prices.currency if prices is not None else {}
    quotes: dict[tuple[str, object], float] = {}
    pending: list[tuple[AccountFile, int]] = []
    for _, _, e in events:
        if isinstance(e, FxRate):
            rates[e.pair[:3]] = dec(e.rate)
            if prices is not None:
                prices.add_fx(e.pair[:3], tokyo_day(e.ts), e.rate)
            continue
        if isinstance(e, MarketBar):
            if prices is not None:
                prices.add_close(e.symbol, datetime.fromisoformat(e.date).date(), e.close)
            continue
        if isinstance(e, MarketQuote):
            if prices is not None:
                quotes[(e.symbol, tokyo_day(e.ts))] = e.last
            continue
        if isinstance(e, Instrument):
            currency[e.symbol] = e.currency
            continue
        account = _account_of(e)
        f = files.get(account) if account else None
        if f is None:
            continue
        if isinstance(e, Fill):
            cur = currency.get(e.symbol, "JPY")
            fx = Decimal(1) if cur == "JPY" else rates.get(cur)
            f.add(e, None, locate, fx=fx if fx is not None else Decimal(0), currency=cur)
            if fx is None:
                pending.append((f, len(f.fills) - 1))
        else:
            f.add(e, decisions.get(e.event_id), locate)
    unresolved = []
    if prices is not None:
        for (symbol, day), last in quotes.items():
            series = prices.closes.get(symbol)
            if series is None or day not in series.days:
                prices.add_close(symbol, day, last)  # type: ignore[arg-type]
    for f, i in pending:  # a fill before the first rate of its currency: that day's rate
        fill = f.fills[i]
        series = prices.rates.get(fill.currency) if prices is not None else None
        if series and series.values:
            fill.fx = series.on_or_before(tokyo_day(fill.ts)) or series.values[0]
        else:
            unresolved.append(fill.fill_id)
    return files, unresolved


def _label_attribution(file: AccountFile, labelled: set[str]) -> Attribution:
    out = Attribution()
    for key, seg in file.segments.items():
        if labelled.intersection(seg.event_ids):
            out.segments[key] = ["labels"]
    for order in file.orders.values():
        if order.event_id in labelled:
            out.orders[order.order_id] = ["labels"]
    return out


def build(
    lines: Lines,
    decisions: dict[str, Decision],
    *,
    locate: Locate,
    block: Callable[[str], str],
    source: str = "<events>",
    labels: set[str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> Built:
    """Every case the stream calls for, with evidence and attribution (system, or labels if given)."""

    def passes(name: str):
        if progress:
            progress(name)
        return read_events(lines(), source)

    triggers, by_device, by_ip, pumps, n = _triggers(passes("find cases"), decisions)
    pump_orders, pump_days, far_bids = pumps.orders(), pumps.days(), pumps.far_bids()
    accounts = set(triggers)
    prices = PriceBook()
    files, unresolved = _collect(passes("assemble evidence"), decisions, accounts, locate, prices)
    opened_by = {a: _ordered(w for _, w in triggers[a]) for a in accounts}
    opened_at = {a: min(t for t, _ in triggers[a]) for a in accounts}
    for a, f in files.items():
        f.triggers = sorted(triggers[a])

    def attribute(a: str, f: AccountFile, devices=(), ips=()) -> Attribution:
        return propose(
            f,
            block=block,
            shared_devices=devices,
            shared_ips=ips,
            pump_orders=pump_orders.get(a, ()),
            pump_days=pump_days,
            far_bids=far_bids.get(a, ()),
        )

    # What each account's own evidence shows (reports, pump orders, ...); then the attacker's
    # devices and addresses found there, on every account they served: the campaign. Accounts
    # without a case yet that placed pump orders or that the attacker's infrastructure served are
    # read in (a pass each time the infrastructure grows) and kept when a client they never used
    # carries that evidence.
    attribution = {a: attribute(a, files[a]) for a in sorted(files)}
    bad_devices, bad_ips = _infrastructure(files, attribution)
    looked = set(accounts)
    candidates = set(pump_orders) - looked
    for _ in range(CAMPAIGN_PASSES):
        for d in bad_devices:
            candidates |= by_device[d]
        for ip in bad_ips:
            candidates |= by_ip[ip]
        candidates -= looked
        if not candidates:
            break
        looked |= candidates
        more, unresolved_more = _collect(passes("campaign accounts"), decisions, candidates, locate, None)
        unresolved += unresolved_more
        candidates = set()
        for a in sorted(more):
            f = more[a]
            pumped = [f.orders[o].ts for o in pump_orders.get(a, ()) if o in f.orders]
            if pumped:
                f.triggers = [(min(pumped), "campaign")]
            at = attribute(a, f, bad_devices, bad_ips)
            hit = [
                k for k, codes in at.segments.items() if {"shared_infrastructure", "pump_buy"} & set(codes)
            ]
            if not hit:
                continue
            for fill in f.fills:  # the prices pass did not know these accounts
                if fill.fx == 0:
                    fill.fx = prices.fx_on(fill.currency, tokyo_day(fill.ts))
            files[a], attribution[a] = f, at
            when = min(f.segments[k].first_ts for k in hit)
            f.triggers = [(when, "campaign")]
            opened_by[a], opened_at[a] = ["campaign"], when
        bad_devices, bad_ips = _infrastructure(files, attribution)
    attribution = {a: attribute(a, files[a], bad_devices, bad_ips) for a in sorted(files)}
    if labels is not None:
        attribution = {a: _label_attribution(f, labels) for a, f in files.items()}
    return Built(files, attribution, opened_by, opened_at, prices, labels is not None, n, unresolved)


def _infrastructure(
    files: dict[str, AccountFile], attribution: dict[str, Attribution]
) -> tuple[set[str], set[str]]:
    """The devices and addresses of the attacker's segments. A hijacker rides the victim's own
    session and may copy its device id, so hijacked segments give their addresses only."""
    devices: set[str] = set()
    ips: set[str] = set()
    for a, at in attribution.items():
        for key, codes in at.segments.items():
            seg = files[a].segments[key]
            ips.update(seg.ips)
            if seg.device_id and "session_hijacked" not in codes:
                devices.add(seg.device_id)
    return devices, ips


def _ordered(items: Iterable[str]) -> list[str]:
    seen: list[str] = []
    for i in items:
        if i not in seen:
            seen.append(i)
    return seen


def segment_label(key: SegmentKey) -> str:
    """A segment key as one string (for storage and display): session|device|browser|address."""
    return "|".join(key)
