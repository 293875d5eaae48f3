"""A case's evidence, assembled from the event log: the timeline, the sessions, orders and fills.

`AccountFile` collects everything one account did or had done to it, in stream order: logins with
address, country, network and device, the engine's decisions, factor and contact changes, orders
and fills, notices the engine asked for and the customer's reports. Beside it sits the customer's
security posture at the time, which a policy weighs. Pure: addresses are placed by the `locate`
function the caller passes (the engine's `ip_info`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

import msgspec

from kozaguard.events.schema import (
    AccountOpened,
    AccountSnapshot,
    Action,
    CustomerReport,
    Decision,
    Event,
    FactorChange,
    Fill,
    Login,
    Logout,
    OrderNew,
    ProfileChange,
    Withdrawal,
)

DAMAGE_REPORTS = frozenset({"unrecognized_trade", "unrecognized_login", "unsolicited_code"})
"""Reports that say someone else was in the account: each opens a case."""

Locate = Callable[[str], tuple[str, str, bool]]
"""An address's (country, network, hosting) — the engine's `ip_info` in production."""


def client_key(event: Action) -> tuple[str, str, str, str]:
    """Which client on which session: session, device, browser; the address too when no device id.

    A session hijacked with a stolen cookie keeps the victim's session id but comes from another
    client, so the attacker's actions land in a key of their own.
    """
    return (event.session_id, event.device_id or "", event.user_agent, "" if event.device_id else event.ip)


@dataclass(slots=True)
class Segment:
    """One client on one session of the account: the unit attribution decides."""

    key: tuple[str, str, str, str]
    first_ts: datetime
    last_ts: datetime
    device_id: str
    user_agent: str
    ips: list[str] = field(default_factory=list)
    event_ids: list[str] = field(default_factory=list)
    login: bool = False
    decisions: list[tuple[str, str, tuple[str, ...]]] = field(
        default_factory=list
    )  # (event, outcome, reasons)
    orders: list[str] = field(default_factory=list)
    withdrawals: list[str] = field(default_factory=list)
    changes: int = 0  # factor and profile changes made on it
    new_payees: int = 0  # withdrawals to a bank account the account had not withdrawn to before
    # (when, address, the session's addresses until then) of actions on a session after it was
    # logged out and before a new login on it
    after_logout: list[tuple[datetime, str, tuple[str, ...]]] = field(default_factory=list)


@dataclass(slots=True)
class Order:
    order_id: str
    event_id: str
    ts: datetime
    segment: tuple[str, str, str, str]
    symbol: str
    side: str
    qty: float


@dataclass(slots=True)
class FillRecord:
    """A fill with the yen rate of its moment (the latest fx.rate at or before it)."""

    fill_id: str
    order_id: str
    ts: datetime
    symbol: str
    currency: str
    side: str
    qty: float
    price: float
    fee: float
    fx: Decimal


@dataclass(slots=True)
class WithdrawalRecord:
    event_id: str
    ts: datetime
    amount: float
    segment: tuple[str, str, str, str]


@dataclass(slots=True)
class AccountFile:
    """Everything the stream says about one account, for its case."""

    account_id: str
    holdings: dict[str, float] = field(default_factory=dict)
    cash: float | None = None
    factors: set[str] = field(default_factory=set)
    factors_at_opening: list[str] = field(default_factory=list)
    opened_ts: datetime | None = None  # when the stream shows the account being opened, if it does
    triggers: list[tuple[datetime, str]] = field(default_factory=list)  # (when, opened_by)
    reports: list[CustomerReport] = field(default_factory=list)
    reported_orders: set[str] = field(default_factory=set)
    segments: dict[tuple[str, str, str, str], Segment] = field(default_factory=dict)
    orders: dict[str, Order] = field(default_factory=dict)
    fills: list[FillRecord] = field(default_factory=list)
    withdrawals: list[WithdrawalRecord] = field(default_factory=list)
    payees: set[str] = field(default_factory=set)  # bank accounts withdrawn to so far
    timeline: list[dict] = field(default_factory=list)
    notices: int = 0  # notices the engine asked to send the customer
    factor_log: list[tuple[datetime, str, str]] = field(default_factory=list)  # (when, factor, action)
    session_ips: dict[str, list[str]] = field(default_factory=dict)  # addresses each session used
    logged_out: set[str] = field(default_factory=set)  # sessions logged out and not logged in again

    @property
    def reported(self) -> bool:
        return any(r.kind in DAMAGE_REPORTS for r in self.reports)

    def report_ts(self) -> datetime | None:
        times = [r.ts for r in self.reports if r.kind in DAMAGE_REPORTS]
        return min(times) if times else None

    def add(
        self,
        event: Event,
        decision: Decision | None,
        locate: Locate,
        fx: Decimal | None = None,
        currency: str = "JPY",
    ) -> None:
        """Take one event of this account (and the engine's decision on it, if any) into the file."""
        entry: dict = {"ts": event.ts.isoformat(), "event_id": event.event_id, "type": _type(event)}
        if isinstance(event, AccountOpened):
            self.factors = set(event.factors)
            self.factors_at_opening = list(event.factors)
            self.opened_ts = event.ts
            entry["factors"] = list(event.factors)
        elif isinstance(event, AccountSnapshot):
            self.cash = float(event.cash_jpy)
            self.holdings = {p.symbol: float(p.qty) for p in event.positions}
            entry["positions"] = {p.symbol: p.qty for p in event.positions}
        elif isinstance(event, Action):
            self._action(event, decision, locate, entry)
        elif isinstance(event, Fill):
            assert fx is not None
            self.fills.append(
                FillRecord(
                    event.event_id,
                    event.order_id,
                    event.ts,
                    event.symbol,
                    currency,
                    event.side,
                    float(event.qty),
                    float(event.price),
                    float(event.fee_jpy),
                    fx,
                )
            )
            entry.update(
                order_id=event.order_id,
                symbol=event.symbol,
                side=event.side,
                qty=event.qty,
                price=event.price,
                fee_jpy=event.fee_jpy,
            )
        elif isinstance(event, CustomerReport):
            self.reports.append(event)
            self.reported_orders.update(event.order_ids or ())
            entry.update(kind=event.kind, order_ids=event.order_ids, text=event.text, url=event.url)
        else:
            entry.update(_plain(event))
        self.timeline.append(entry)

    def _action(self, event: Action, decision: Decision | None, locate: Locate, entry: dict) -> None:
        key = client_key(event)
        seg = self.segments.get(key)
        if seg is None:
            seg = self.segments[key] = Segment(
                key, event.ts, event.ts, event.device_id or "", event.user_agent
            )
        seg.last_ts = event.ts
        seg.event_ids.append(event.event_id)
        if event.ip not in seg.ips:
            seg.ips.append(event.ip)
        used = self.session_ips.setdefault(event.session_id, [])
        if isinstance(event, Login):
            self.logged_out.discard(event.session_id)
        elif isinstance(event, Logout):
            self.logged_out.add(event.session_id)
        elif event.session_id in self.logged_out:
            seg.after_logout.append((event.ts, event.ip, tuple(used)))
        if event.ip not in used:
            used.append(event.ip)
        country, network, hosting = locate(event.ip)
        entry.update(
            session_id=event.session_id,
            ip=event.ip,
            country=country,
            network=network,
            hosting=hosting,
            device_id=event.device_id,
            user_agent=event.user_agent,
            channel=event.channel,
        )
        if isinstance(event, Login):
            entry["result"] = event.result
            seg.login = seg.login or event.result == "password_ok"
        elif isinstance(event, FactorChange):
            entry.update(factor=event.factor, action=event.action)
            self.factor_log.append((event.ts, event.factor, event.action))
            (self.factors.add if event.action == "enrolled" else self.factors.discard)(event.factor)
            seg.changes += 1
        elif isinstance(event, ProfileChange):
            entry["field"] = event.field
            seg.changes += 1
        elif isinstance(event, Withdrawal):
            entry.update(amount_jpy=event.amount_jpy, bank_account_id=event.bank_account_id)
            seg.withdrawals.append(event.event_id)
            if event.bank_account_id not in self.payees:
                self.payees.add(event.bank_account_id)
                seg.new_payees += 1
            self.withdrawals.append(WithdrawalRecord(event.event_id, event.ts, float(event.amount_jpy), key))
        elif isinstance(event, OrderNew):
            entry.update(
                order_id=event.order_id,
                symbol=event.symbol,
                side=event.side,
                qty=event.qty,
                order_type=event.order_type,
                limit_price=event.limit_price,
            )
            seg.orders.append(event.order_id)
            self.orders.setdefault(
                event.order_id,
                Order(
                    event.order_id, event.event_id, event.ts, key, event.symbol, event.side, float(event.qty)
                ),
            )
        elif hasattr(event, "order_id"):
            entry["order_id"] = event.order_id
        if decision is not None:
            entry["decision"] = {
                "outcome": decision.decision,
                "score": decision.score,
                "reasons": list(decision.reasons),
                "actions": list(decision.actions),
                "factor": decision.factor,
            }
            seg.decisions.append((event.event_id, decision.decision, tuple(decision.reasons)))
            if "notify_customer" in decision.actions:
                self.notices += 1

    def posture(self, at: datetime | None) -> dict:
        """The customer's security at `at` (the first unauthorized event): factors, warnings, reports."""
        factors = set(self.factors_at_opening)
        for when, factor, action in self.factor_log:
            if at is not None and when >= at:
                break
            (factors.add if action == "enrolled" else factors.discard)(factor)
        earlier = [r for r in self.reports if at is None or r.ts < at]
        return {
            "factors": sorted(factors),
            "passkey": "passkey" in factors,
            "mfa": bool(factors),
            "notices_sent": self.notices,
            "phishing_reported_before": any(r.kind == "phishing_message" for r in earlier),
            "mfa_offered_and_refused": None,  # not in the event stream: staff record it as a reduction
        }


def _type(event: Event) -> str:
    return type(event).__struct_config__.tag  # type: ignore[attr-defined]


def _plain(event: Event) -> dict:
    raw = msgspec.to_builtins(event)
    return {k: v for k, v in raw.items() if k not in ("event_id", "ts", "type")}
