"""Which of a case's sessions the attacker opened or hijacked, and so which orders were unauthorized.

The system proposes; staff confirm or change it with a written reason. Evidence, per client on a
session (a *segment*), never from simulator labels:

- `reported_order`: the customer reported an order placed on it;
- `session_hijacked`: the engine found an action on it from another client than the session's own
  (`session_client_changed`, `session_unknown_client`, `stale_session_moved`, `session_country_changed`);
- `resumed_after_logout`: it acted on a session after the session's logout, from an address block
  the session had not used (a replayed cookie that copies the device id and browser; only what it
  did from then on is attributed);
- `takeover_decision`: the engine challenged, held, denied or locked its login or an action on it for
  a takeover reason (not a routine step-up; reasons that only echo a risky login count when that
  login's risk was about who logged in, not just a first login);
- `shared_infrastructure`: its device or address was also used on another victim's account, or the
  engine held an action on it as a confirmed campaign's infrastructure;
- `pump_buy` / `pump_symbol`: a pump order (`cases.pump`), or a buy of the symbol pumped that day;
- `far_above_market`: it sold and then bid far above the market (a pump on this account alone);
- `unfamiliar_client`: neither its device nor its address block was used by an earlier segment of the
  account that was not the attacker's (the customer's own history is the baseline; the account's
  first client is taken as its owner's, and so is the one who logs in right after opening it; an
  account with no history before the trouble has no baseline, and a client seen only since then is
  the customer's when he goes on using it);
- `same_client_as_attacker`: same device as a segment already attributed (same address when neither
  sent a device id);
- `same_session_as_attacker`: an unfamiliar client on a session where the attacker is already found
  (a proxy that changes address between actions); on a hijacked session only from the first sign
  of another client on it, since it was the customer's until then;
- `unfamiliar_before_report`: the customer reported trades he did not make, and this unfamiliar
  client placed orders in the days before the report.

A segment is the attacker's as `attackers` says: a reported order, or a monetisation on a client
that is not the customer's (see there); then the segments of the attacker's client and session, and
unfamiliar clients that placed orders before a report.
An unfamiliar login that did nothing else and was only challenged is left out (a customer's new
phone looks the same), unless the attacker's device or session links it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from kozaguard.cases.evidence import AccountFile, Order, Segment
from kozaguard.cases.prices import tokyo_day

SegmentKey = tuple[str, str, str, str]


ROUTINE_REASONS = frozenset(
    {
        "withdrawal_step_up",
        "bank_account_change_step_up",
        "email_change_step_up",
        "phone_change_step_up",
        "password_change_step_up",
        "factor_removal_step_up",
        "unusual_hour",
        "session_network_changed",
        "too_many_failures",
        "account_locked",
        "symbol_restricted",
        "no_login_history",
    }
)
"""Reasons that say nothing about who is at the keyboard: step-ups every customer meets, locks."""

HIJACK_REASONS = frozenset(
    {"session_client_changed", "session_unknown_client", "stale_session_moved", "session_country_changed"}
)

SHARED_REASONS = frozenset(
    {"device_shared_across_accounts", "ip_shared_across_accounts", "campaign_infrastructure"}
)
"""The engine's own finding that a device or address served several customers' accounts (or a
confirmed campaign's buys on another account)."""

ATTACK_WINDOW = timedelta(days=7)
"""How long before a case's first trigger (report, `open_case`) the attacker's sessions are looked for."""

ADOPTED_DAYS = 3
"""Later days on which a device must come back to the account to be the customer's own."""

EARLIEST = datetime.min.replace(tzinfo=UTC)

OPENER_WINDOW = timedelta(days=1)
"""A first client this soon after the account was opened is the one who opened it: its owner."""

REPORT_LOOKBACK = timedelta(days=14)
"""How far before a report of unrecognised trades an unfamiliar client's orders are suspected."""


@dataclass(slots=True)
class Attribution:
    """The system's proposal for one account: attacker segments and unauthorized orders, with evidence."""

    segments: dict[SegmentKey, list[str]] = field(default_factory=dict)
    orders: dict[str, list[str]] = field(default_factory=dict)

    @property
    def found(self) -> bool:
        return bool(self.segments or self.orders)


RISKY_SESSION_REASONS = frozenset(
    {
        "risky_session",
        "sale_on_risky_session",
        "sell_out_on_risky_session",
        "large_order_on_risky_session",
        "session_sells_most_holdings",
        "bank_change_on_risky_session",
        "new_payee_on_risky_session",
        "factor_added_on_risky_session",
        "device_on_probation",
    }
)
"""Reasons that only repeat that the session's login was risky: they count when that risk does."""


def own_reasons(seg: Segment) -> set[str]:
    """Reasons on this segment that say something about who is there (not routine, not an echo)."""
    every = {r for _, _, reasons in seg.decisions for r in reasons}
    return every - ROUTINE_REASONS - RISKY_SESSION_REASONS


def takeover_decision(seg: Segment, risky_login: bool = False) -> bool:
    """The engine stopped or questioned something on this segment for a takeover reason.

    Reasons that only echo a risky login count when that risk is real: the segment has a reason of
    its own, or another client on the same session does (`risky_login`). A customer's first login
    (no history yet) makes his session "risky" without saying anything about who he is.
    """
    own = own_reasons(seg)
    counted = own | (RISKY_SESSION_REASONS if own or risky_login else set())
    return any(outcome != "allow" and counted.intersection(reasons) for _, outcome, reasons in seg.decisions)


def only_challenged_login(seg: Segment) -> bool:
    """A login that did nothing but log in, questioned with a challenge at most."""
    did = seg.orders or seg.withdrawals or seg.changes
    return not did and all(o in ("allow", "challenge") for _, o, _ in seg.decisions)


def hijacked(seg: Segment) -> bool:
    return any(r in HIJACK_REASONS for _, _, reasons in seg.decisions for r in reasons)


def resumed_elsewhere(seg: Segment, block: Callable[[str], str]) -> datetime | None:
    """When something was first done on the session after its logout from an address block the
    session had not used: its cookie replayed by another client (a logged-out session is no
    longer the customer's to use). What the segment did before that was the customer's."""
    for ts, ip, used in seg.after_logout:
        if block(ip) not in {block(x) for x in used}:
            return ts
    return None


def clients(seg: Segment, block: Callable[[str], str]) -> tuple[set[str], set[str]]:
    """The segment's device ids and address blocks."""
    return ({seg.device_id} if seg.device_id else set()), {block(ip) for ip in seg.ips}


def attackers(seg: Segment, codes: list[str]) -> bool:
    """Whether a segment with these evidence codes is the attacker's.

    A takeover is done for money: the segments the system attributes on its own carry a
    monetisation — a pump order on a client that is not the customer's or that the engine
    questioned (customers chase a rise on their own phones too); a sale followed by a bid far
    above the market; a withdrawal to a bank account never used before, or a buy of the
    symbol being pumped that day, that the engine stopped or questioned; or the devices and
    addresses of the attacker's monetised segments on other accounts — on a client that is not the
    customer's (unfamiliar, or another client on his session). A customer's report of the order
    is certain.
    Suspicion without a monetisation (a new phone questioned at login, a session that changed
    country) attributes nothing here: the segments of the attacker's session and client that only
    sold are found from the monetised ones (`same_client_as_attacker`, `same_session_as_attacker`).
    """
    if "reported_order" in codes:
        return True
    foreign = bool({"unfamiliar_client", "session_hijacked", "resumed_after_logout"}.intersection(codes))
    questioned = "takeover_decision" in codes
    if "pump_buy" in codes and (foreign or questioned):
        return True
    withdrew = seg.new_payees > 0 and questioned
    pumped = ("pump_symbol" in codes or "far_above_market" in codes) and questioned
    return foreign and (withdrew or pumped or "shared_infrastructure" in codes)


def _pumped(order: Order | None, pump_days: Collection[tuple[str, date]]) -> bool:
    return order is not None and order.side == "buy" and (order.symbol, tokyo_day(order.ts)) in pump_days


def _sold_then_bid_far(seg: Segment, file: AccountFile, far_bids: Collection[str]) -> bool:
    """The segment sold and then bid far above the market: the victim's holdings turned into a
    pump buy, even when the crew pumps on this one account alone."""
    sold = False
    for o in seg.orders:
        order = file.orders.get(o)
        if order is None:
            continue
        if sold and o in far_bids:
            return True
        sold = sold or order.side == "sell"
    return False


def adopted_later(segs: list[Segment]) -> set[SegmentKey]:
    """Segments whose device the customer went on using: it turns up on the account on at least
    `ADOPTED_DAYS` later days.

    The attacker's device serves a victim's account for the hours of the takeover; a customer's new
    phone becomes his phone. This is hindsight, which an investigation has and a real-time engine
    has not.
    """
    days: dict[str, list] = defaultdict(list)
    for s in segs:
        if s.device_id:
            days[s.device_id].append(s.first_ts.date())
    out = set()
    for seg in segs:
        if seg.device_id:
            later = {d for d in days[seg.device_id] if d > seg.last_ts.date()}
            if len(later) >= ADOPTED_DAYS:
                out.add(seg.key)
    return out


def propose(
    file: AccountFile,
    *,
    block: Callable[[str], str],
    shared_devices: Collection[str] = (),
    shared_ips: Collection[str] = (),
    pump_orders: Collection[str] = (),
    pump_days: Collection[tuple[str, date]] = (),
    far_bids: Collection[str] = (),
) -> Attribution:
    """The attacker's segments and orders in one account, from its evidence alone.

    `shared_devices` / `shared_ips` are the devices and addresses also seen on other victims' accounts.
    Only segments from `ATTACK_WINDOW` before the case's first trigger on are weighed (a reported
    order counts wherever it is): earlier trouble is the customer's own history.
    """
    segs = sorted(file.segments.values(), key=lambda s: (s.first_ts, s.key))
    risky_sessions = {
        seg.key[0]
        for seg in segs
        if any(o != "allow" and own_reasons(seg).intersection(r) for _, o, r in seg.decisions)
    }
    starts = [when for when, _ in file.triggers] + [r.ts for r in file.reports]
    window = min(starts) - ATTACK_WINDOW if starts else None
    adopted = adopted_later(segs)
    # with no history before the trouble there is no baseline: a client seen only since then is
    # the customer's when he goes on using it (`adopted_later`), not for having been seen once
    baseline = window is None or any(s.last_ts < window for s in segs)
    devices: set[str] = set()
    blocks: set[str] = set()
    unfamiliar: set[SegmentKey] = set()
    replayed: dict[SegmentKey, datetime] = {}  # segments whose cookie was replayed, from when
    out = Attribution()
    for i, seg in enumerate(segs):
        d, b = clients(seg, block)
        inside = window is None or seg.last_ts >= window
        codes = []
        if any(o in file.reported_orders for o in seg.orders):
            codes.append("reported_order")
        if inside and hijacked(seg):
            codes.append("session_hijacked")
        elif inside and (resumed := resumed_elsewhere(seg, block)) is not None:
            codes.append("resumed_after_logout")
            replayed[seg.key] = resumed
        if inside and takeover_decision(seg, seg.key[0] in risky_sessions):
            codes.append("takeover_decision")
        shared = (
            (seg.device_id and seg.device_id in shared_devices)
            or any(ip in shared_ips for ip in seg.ips)
            or any(SHARED_REASONS.intersection(r) for _, o, r in seg.decisions if o != "allow")
        )
        if inside and shared:
            codes.append("shared_infrastructure")
        if inside and any(o in pump_orders for o in seg.orders):
            codes.append("pump_buy")
        elif inside and any(_pumped(file.orders.get(o), pump_days) for o in seg.orders):
            codes.append("pump_symbol")
        elif inside and _sold_then_bid_far(seg, file, far_bids):
            codes.append("far_above_market")
        # the account's first client is its owner's, unless it turns up only when the trouble starts;
        # the client that logs in within a day of the account's opening is the opener's either way
        opener = file.opened_ts is not None and seg.first_ts - file.opened_ts <= OPENER_WINDOW
        first_is_owner = i == 0 and (not inside or opener)
        if inside and not first_is_owner and not (d & devices) and not (b & blocks):
            unfamiliar.add(seg.key)
            codes.append("unfamiliar_client")
        kept = "reported_order" not in codes and seg.key in adopted
        if kept:
            codes = []  # the customer's own new device: he went on using it
        if attackers(seg, codes):
            out.segments[seg.key] = codes
        elif (
            not inside
            or kept
            or (
                baseline
                and not ("unfamiliar_client" in codes and len(codes) > 1 and only_challenged_login(seg))
            )
        ):
            devices |= d  # a new phone that only passed a one-time code is not familiar yet either
            blocks |= b
    # a hijacker rides the victim's own session and may copy its device id: no propagation from there
    # to the session's other clients or the device
    attacker_devices = {
        file.segments[k].device_id for k, c in out.segments.items() if "session_hijacked" not in c
    }
    attacker_devices.discard("")
    attacker_ips = {ip for k in out.segments for ip in file.segments[k].ips}
    # the attacker's session from when he is on it: a hijacked one was the customer's until the
    # first sign of another client on it
    hijack_start: dict[str, datetime] = {}
    for seg in segs:
        if hijacked(seg) and seg.key[0] not in hijack_start:
            hijack_start[seg.key[0]] = seg.first_ts
    attacker_since: dict[str, datetime] = {}
    for k, c in out.segments.items():
        since = hijack_start.get(k[0], file.segments[k].first_ts) if "session_hijacked" in c else EARLIEST
        attacker_since[k[0]] = min(since, attacker_since.get(k[0], since))
    report_ts = [r.ts for r in file.reports if r.kind == "unrecognized_trade"]
    for seg in segs:
        if seg.key in out.segments or seg.key not in unfamiliar:
            continue
        same_device = seg.device_id and seg.device_id in attacker_devices
        if same_device or (not seg.device_id and attacker_ips.intersection(seg.ips)):
            out.segments[seg.key] = ["unfamiliar_client", "same_client_as_attacker"]
        elif seg.key[0] in attacker_since and seg.first_ts >= attacker_since[seg.key[0]]:
            out.segments[seg.key] = ["unfamiliar_client", "same_session_as_attacker"]
        elif seg.orders and any(seg.last_ts <= t and t - seg.first_ts <= REPORT_LOOKBACK for t in report_ts):
            out.segments[seg.key] = ["unfamiliar_client", "unfamiliar_before_report"]
    for order in file.orders.values():
        codes = out.segments.get(order.segment)
        if order.order_id in file.reported_orders:
            out.orders[order.order_id] = sorted({*(codes or ()), "reported_order"})
        elif codes is not None and not (
            order.segment in replayed
            and "unfamiliar_client" not in codes
            and order.ts < replayed[order.segment]
        ):
            out.orders[order.order_id] = list(codes)
    return out
