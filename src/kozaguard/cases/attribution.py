"""Which of a case's sessions the attacker opened or hijacked, and so which orders were unauthorized.

The system proposes; staff confirm or change it with a written reason. Evidence, per client on a
session (a *segment*), never from simulator labels:

- `reported_order`: the customer reported an order placed on it;
- `session_hijacked`: the engine found an action on it from another client than the session's own
  (`session_client_changed`, `session_unknown_client`, `stale_session_moved`, `session_country_changed`);
- `takeover_decision`: the engine challenged, held, denied or locked its login or an action on it for
  a takeover reason (not a routine step-up);
- `shared_infrastructure`: its device or address was also used on another victim's account;
- `unfamiliar_client`: neither its device nor its address block was used by an earlier segment of the
  account that was not the attacker's (the customer's own history is the baseline; the account's
  first client is taken as its owner's);
- `same_client_as_attacker`: same device or address as a segment already attributed;
- `unfamiliar_before_report`: the customer reported trades he did not make, and this unfamiliar
  client placed orders in the days before the report.

A segment is the attacker's when it has a reported order or was hijacked, or when it is unfamiliar
and carries a takeover decision, shared infrastructure, the attacker's client or precedes a report.
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


def takeover_decision(seg: Segment) -> bool:
    """The engine stopped or questioned something on this segment for a takeover reason."""
    return any(
        outcome != "allow" and any(r not in ROUTINE_REASONS for r in reasons)
        for _, outcome, reasons in seg.decisions
    )


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
    """
    segs = sorted(file.segments.values(), key=lambda s: (s.first_ts, s.key))
    devices: set[str] = set()
    blocks: set[str] = set()
    unfamiliar: set[SegmentKey] = set()
    out = Attribution()
    for i, seg in enumerate(segs):
        codes = []
        if any(o in file.reported_orders for o in seg.orders):
            codes.append("reported_order")
        if hijacked(seg):
            codes.append("session_hijacked")
        if takeover_decision(seg):
            codes.append("takeover_decision")
        if (seg.device_id and seg.device_id in shared_devices) or any(ip in shared_ips for ip in seg.ips):
            codes.append("shared_infrastructure")
        d, b = clients(seg, block)
        if i > 0 and not (d & devices) and not (b & blocks):  # the account's first client is its owner's
            unfamiliar.add(seg.key)
            codes.append("unfamiliar_client")
        certain = "reported_order" in codes or "session_hijacked" in codes
        if certain or ("unfamiliar_client" in codes and len(codes) > 1):
            out.segments[seg.key] = codes
        else:
            devices |= d
            blocks |= b
    attacker_devices = {file.segments[k].device_id for k in out.segments} - {""}
    attacker_ips = {ip for k in out.segments for ip in file.segments[k].ips}
    report_ts = [r.ts for r in file.reports if r.kind == "unrecognized_trade"]
    for seg in segs:
        if seg.key in out.segments or seg.key not in unfamiliar:
            continue
        if (seg.device_id and seg.device_id in attacker_devices) or attacker_ips.intersection(seg.ips):
            out.segments[seg.key] = ["unfamiliar_client", "same_client_as_attacker"]
        elif seg.orders and any(seg.last_ts <= t and t - seg.first_ts <= REPORT_LOOKBACK for t in report_ts):
            out.segments[seg.key] = ["unfamiliar_client", "unfamiliar_before_report"]
    for order in file.orders.values():
        codes = out.segments.get(order.segment)
        if order.order_id in file.reported_orders:
            out.orders[order.order_id] = sorted({*(codes or ()), "reported_order"})
        elif codes is not None:
            out.orders[order.order_id] = list(codes)
    return out
