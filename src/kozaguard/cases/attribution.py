"""Which of a case's sessions the attacker opened or hijacked, and so which orders were unauthorized.

The system proposes; staff confirm or change it with a written reason. Evidence, per client on a
session (a *segment*), never from simulator labels:

- `reported_order`: the customer reported an order placed on it;
- `session_hijacked`: the engine found an action on it from another client than the session's own
  (`session_client_changed`, `session_unknown_client`, `stale_session_moved`, `session_country_changed`);
- `takeover_decision`: the engine challenged, held, denied or locked its login or an action on it for
  a takeover reason (not a routine step-up; reasons that only echo a risky login count when that
  login's risk was about who logged in, not just a first login);
- `shared_infrastructure`: its device or address was also used on another victim's account;
- `unfamiliar_client`: neither its device nor its address block was used by an earlier segment of the
  account that was not the attacker's (the customer's own history is the baseline; the account's
  first client is taken as its owner's);
- `same_client_as_attacker`: same device as a segment already attributed (same address when neither
  sent a device id);
- `same_session_as_attacker`: an unfamiliar client on a session where the attacker is already found
  (a proxy that changes address between actions);
- `unfamiliar_before_report`: the customer reported trades he did not make, and this unfamiliar
  client placed orders in the days before the report.

A segment is the attacker's when it has a reported order or was hijacked, or when it is unfamiliar
and carries a takeover decision, shared infrastructure, the attacker's client or precedes a report.
An unfamiliar login that did nothing else and was only challenged is left out (a customer's new
phone looks the same), unless the attacker's device or session links it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import timedelta

from kozaguard.cases.evidence import AccountFile, Segment

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

SHARED_REASONS = frozenset({"device_shared_across_accounts", "ip_shared_across_accounts"})
"""The engine's own finding that a device or address served several customers' accounts."""

ATTACK_WINDOW = timedelta(days=7)
"""How long before a case's first trigger (report, `open_case`) the attacker's sessions are looked for."""

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


def clients(seg: Segment, block: Callable[[str], str]) -> tuple[set[str], set[str]]:
    """The segment's device ids and address blocks."""
    return ({seg.device_id} if seg.device_id else set()), {block(ip) for ip in seg.ips}


def propose(
    file: AccountFile,
    *,
    block: Callable[[str], str],
    shared_devices: Collection[str] = (),
    shared_ips: Collection[str] = (),
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
    devices: set[str] = set()
    blocks: set[str] = set()
    unfamiliar: set[SegmentKey] = set()
    out = Attribution()
    for i, seg in enumerate(segs):
        d, b = clients(seg, block)
        inside = window is None or seg.last_ts >= window
        codes = []
        if any(o in file.reported_orders for o in seg.orders):
            codes.append("reported_order")
        if inside and hijacked(seg):
            codes.append("session_hijacked")
        if inside and takeover_decision(seg, seg.key[0] in risky_sessions):
            codes.append("takeover_decision")
        shared = (seg.device_id and seg.device_id in shared_devices) or any(
            ip in shared_ips for ip in seg.ips
        )
        if inside and (shared or any(r in SHARED_REASONS for _, _, rs in seg.decisions for r in rs)):
            codes.append("shared_infrastructure")
        # the account's first client is its owner's, unless it turns up only when the trouble starts
        first_is_owner = i == 0 and not inside
        if inside and not first_is_owner and not (d & devices) and not (b & blocks):
            unfamiliar.add(seg.key)
            codes.append("unfamiliar_client")
        certain = "reported_order" in codes or "session_hijacked" in codes
        if certain or ("unfamiliar_client" in codes and len(codes) > 1):
            if (
                not certain
                and codes == ["takeover_decision", "unfamiliar_client"]
                and only_challenged_login(seg)
            ):
                continue  # a new phone passing a one-time code: neither the attacker's nor yet familiar
            out.segments[seg.key] = codes
        else:
            devices |= d
            blocks |= b
    # a hijacker rides the victim's own session and may copy its device id: no propagation from there
    attacker_devices = {
        file.segments[k].device_id for k, c in out.segments.items() if "session_hijacked" not in c
    }
    attacker_devices.discard("")
    attacker_ips = {ip for k in out.segments for ip in file.segments[k].ips}
    attacker_sessions = {k[0] for k in out.segments}
    report_ts = [r.ts for r in file.reports if r.kind == "unrecognized_trade"]
    for seg in segs:
        if seg.key in out.segments or seg.key not in unfamiliar:
            continue
        same_device = seg.device_id and seg.device_id in attacker_devices
        if same_device or (not seg.device_id and attacker_ips.intersection(seg.ips)):
            out.segments[seg.key] = ["unfamiliar_client", "same_client_as_attacker"]
        elif seg.key[0] in attacker_sessions:
            out.segments[seg.key] = ["unfamiliar_client", "same_session_as_attacker"]
        elif seg.orders and any(seg.last_ts <= t and t - seg.first_ts <= REPORT_LOOKBACK for t in report_ts):
            out.segments[seg.key] = ["unfamiliar_client", "unfamiliar_before_report"]
    for order in file.orders.values():
        codes = out.segments.get(order.segment)
        if order.order_id in file.reported_orders:
            out.orders[order.order_id] = sorted({*(codes or ()), "reported_order"})
        elif codes is not None:
            out.orders[order.order_id] = list(codes)
    return out
