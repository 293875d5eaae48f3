"""The v1 event, decision and label types (docs/events.md) as msgspec structs.

One struct per event `type`, tagged on the `type` field, so a single decoder validates every line in
C. Unknown extra fields are accepted and ignored; the raw line is what the event log keeps.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec
from msgspec import Meta, Struct, field

Ts = Annotated[datetime, Meta(tz=True)]
"""RFC 3339 time that must carry an offset: a naive time is invalid input."""

NonEmpty = Annotated[str, Meta(min_length=1)]
Count = Annotated[int, Meta(gt=0)] | Annotated[float, Meta(gt=0)]
Money = Annotated[int, Meta(ge=0)] | Annotated[float, Meta(ge=0)]
Price = Money
Positive = Count

Market = Literal["TSE-PRIME", "TSE-STANDARD", "TSE-GROWTH", "HKEX", "SSE", "SZSE", "NYSE", "NASDAQ"]
Currency = Literal["JPY", "HKD", "CNY", "USD"]
Factor = Literal["totp", "sms", "email_otp", "passkey"]
Channel = Literal["web", "app", "api"]
ProfileField = Literal["email", "phone", "password", "address", "bank_account", "notifications"]
ReportKind = Literal[
    "unrecognized_trade", "unrecognized_login", "unsolicited_code", "phishing_message", "locked_out"
]
Side = Literal["buy", "sell"]
OrderType = Literal["market", "limit"]
AccountType = Literal["cash", "margin", "nisa"]
Capability = Literal["password", "otp_relay", "session"]

_EVENT = {"tag_field": "type", "kw_only": True, "frozen": True, "gc": False, "omit_defaults": True}


class Event(Struct, **_EVENT):
    """Fields every event has."""

    event_id: NonEmpty
    ts: Ts


class Action(Event, **_EVENT):
    """An event a person causes: it carries the session context (*ctx*)."""

    account_id: NonEmpty
    session_id: NonEmpty
    ip: NonEmpty
    user_agent: str
    channel: Channel
    device_id: str | None = None


# Reference and market data -------------------------------------------------------------------
class Instrument(Event, tag="instrument", **_EVENT):
    symbol: NonEmpty
    name: str
    market: Market
    currency: Currency
    lot_size: Count


class MarketQuote(Event, tag="market.quote", **_EVENT):
    symbol: NonEmpty
    last: Price
    bid: Price
    ask: Price
    prev_close: Price
    volume_today: Money


class MarketBar(Event, tag="market.bar", **_EVENT):
    symbol: NonEmpty
    date: Annotated[str, Meta(pattern=r"^\d{4}-\d{2}-\d{2}$")]
    open: Price
    high: Price
    low: Price
    close: Price
    volume: Money


class FxRate(Event, tag="fx.rate", **_EVENT):
    pair: Annotated[str, Meta(pattern=r"^[A-Z]{3}JPY$")]
    rate: Positive


# Accounts ------------------------------------------------------------------------------------
class Position(Struct, frozen=True, gc=False):
    symbol: NonEmpty
    qty: Count
    avg_cost: Price


class AccountOpened(Event, tag="account.opened", **_EVENT):
    account_id: NonEmpty
    birth_year: Annotated[int, Meta(ge=1900, le=2100)]
    prefecture: str
    margin_enabled: bool
    foreign_enabled: bool
    factors: list[Factor]


class AccountSnapshot(Event, tag="account.snapshot", **_EVENT):
    account_id: NonEmpty
    cash_jpy: int | float
    positions: list[Position]


# Decision-bearing actions --------------------------------------------------------------------
class Login(Action, tag="auth.login", **_EVENT):
    result: Literal["password_ok", "password_bad"]


class FactorChange(Action, tag="auth.factor", **_EVENT):
    factor: Factor
    action: Literal["enrolled", "removed"]


class ProfileChange(Action, tag="profile.change", **_EVENT):
    field: ProfileField


class Withdrawal(Action, tag="cash.withdrawal", **_EVENT):
    amount_jpy: Count
    bank_account_id: NonEmpty


class OrderNew(Action, tag="order.new", **_EVENT):
    order_id: NonEmpty
    symbol: NonEmpty
    side: Side
    qty: Count
    order_type: OrderType
    account_type: AccountType
    limit_price: Positive | None = None


# Other events ---------------------------------------------------------------------------------
class Logout(Action, tag="auth.logout", **_EVENT):
    pass


class OrderCancel(Action, tag="order.cancel", **_EVENT):
    order_id: NonEmpty


class Fill(Event, tag="order.fill", **_EVENT):
    order_id: NonEmpty
    account_id: NonEmpty
    symbol: NonEmpty
    side: Side
    qty: Count
    price: Price
    fee_jpy: Money


class Deposit(Event, tag="cash.deposit", **_EVENT):
    account_id: NonEmpty
    amount_jpy: Count


class CustomerReport(Event, tag="customer.report", **_EVENT):
    account_id: NonEmpty
    kind: ReportKind
    order_ids: list[str] | None = None
    url: str | None = None
    text: str | None = None


# Additions to v1: what kozaguard's own services and staff decide, so every part sees the same state.
UnlockedBy = Literal["recovery_code", "staff", "expiry"]
ReviewOutcome = Literal["released", "rejected"]
RestrictionAction = Literal["imposed", "lifted"]
RestrictedBy = Literal["engine", "staff", "expiry"]
Finding = Literal["unauthorized", "not_unauthorized"]


class AccountUnlocked(Event, tag="account.unlocked", **_EVENT):
    """A locked account was unlocked: by a recovery code, by staff, or because the lock expired."""

    account_id: NonEmpty
    by: UnlockedBy
    staff_id: str | None = None


class ReviewDecided(Event, tag="review.decided", **_EVENT):
    """Staff reviewed a held action: `released` proceeds as if allowed from this time."""

    account_id: NonEmpty
    reviewed_event_id: NonEmpty
    outcome: ReviewOutcome
    staff_id: NonEmpty


class SymbolRestriction(Event, tag="symbol.restriction", **_EVENT):
    """Buys of `symbol` stopped (`imposed`) or allowed again (`lifted`)."""

    symbol: NonEmpty
    action: RestrictionAction
    by: RestrictedBy
    staff_id: str | None = None
    reason: str | None = None


class CaseConcluded(Event, tag="case.concluded", **_EVENT):
    """What staff confirmed about an account's case: a label the engine may learn from."""

    account_id: NonEmpty
    finding: Finding
    event_ids: list[str] | None = None
    staff_id: str | None = None


AnyEvent = (
    Instrument
    | MarketQuote
    | MarketBar
    | FxRate
    | AccountOpened
    | AccountSnapshot
    | Login
    | FactorChange
    | ProfileChange
    | Withdrawal
    | OrderNew
    | Logout
    | OrderCancel
    | Fill
    | Deposit
    | CustomerReport
    | AccountUnlocked
    | ReviewDecided
    | SymbolRestriction
    | CaseConcluded
)

EVENT_TYPES: dict[str, type[Event]] = {
    cls.__struct_config__.tag: cls  # type: ignore[misc]
    for cls in AnyEvent.__args__  # type: ignore[attr-defined]
}

ADDITION_TYPES = frozenset(("account.unlocked", "review.decided", "symbol.restriction", "case.concluded"))
"""The optional types kozaguard's own services and staff add to v1 (a v1 stream need not have them)."""

V1_TYPES = frozenset(EVENT_TYPES) - ADDITION_TYPES
"""The `type`s of the original v1 contract, which every generator may write."""

ACTION_TYPES = frozenset(tag for tag, cls in EVENT_TYPES.items() if issubclass(cls, Action))
"""The `type`s of events a person causes, which carry the session context (spec: *ctx*)."""

DECISION_BEARING = (Login, FactorChange, ProfileChange, Withdrawal, OrderNew)
"""Types whose events get a decision (a failed login only when it locks the account)."""


# Decisions and labels ------------------------------------------------------------------------
Outcome = Literal["allow", "challenge", "hold", "deny", "lock"]
ChallengeFactor = Literal["otp", "passkey"]


class Decision(Struct, kw_only=True, omit_defaults=True, gc=False):
    """The engine's answer to one decision-bearing event."""

    event_id: NonEmpty
    decision: Outcome
    score: Annotated[float, Meta(ge=0, le=1)]
    reasons: list[str] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    factor: ChallengeFactor | None = None

    def __post_init__(self) -> None:
        if (self.decision == "challenge") != (self.factor is not None):
            raise msgspec.ValidationError(
                "`factor` is required with decision `challenge` and forbidden otherwise - at `$.factor`"
            )


class Label(Struct, kw_only=True, gc=False):
    """Ground truth from a simulator: this event was caused by an attacker."""

    event_id: NonEmpty
    actor: Literal["attacker"]
    attack_id: NonEmpty
    capability: Capability
