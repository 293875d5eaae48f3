"""What the engine remembers between events, and the narrow interfaces that store it.

The records are plain msgspec structs so every backend stores them the same way (one encoded blob per
key). `Repository` is the one storage interface: the in-memory twin is a dict, the SQLite twin
(`kozaguard.adapters.sqlite`) keeps the same dict as an identity map and writes changed records on
`flush()`. The engine calls `put()` for every record it changed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Generic, Protocol, TypeVar

from msgspec import Struct, field

from kozaguard.account_security.cooling_off import contacts_changed
from kozaguard.account_security.lock import LockState
from kozaguard.events.schema import Decision

K = TypeVar("K")
R = TypeVar("R")

HOURS = 24


class Held(Struct, array_like=True):
    """A held action waiting for staff (`engine/review.py`): its session, its evidence score, and
    whether the friction budget (not a floor rule) held it."""

    session_id: str
    evidence: float
    by_budget: bool


class Account(Struct, kw_only=True):
    """A customer's account: what it holds, which factors it has, and the habits it has shown."""

    account_id: str
    factors: list[str] = field(default_factory=list)
    margin_enabled: bool = False
    foreign_enabled: bool = False
    birth_year: int | None = None
    cash_jpy: float = 0.0
    positions: dict[str, float] = field(default_factory=dict)
    # habits: key -> last seen (epoch seconds); bounded by `profile.remember`
    devices: dict[str, float] = field(default_factory=dict)
    probation: dict[str, float] = field(default_factory=dict)  # device -> first seen on a risky login
    user_agents: dict[str, float] = field(default_factory=dict)
    networks: dict[str, float] = field(default_factory=dict)  # providers (ASN names)
    blocks: dict[str, float] = field(default_factory=dict)  # address blocks (/24, /64): places
    countries: dict[str, float] = field(default_factory=dict)
    login_hours: list[int] = field(default_factory=lambda: [0] * HOURS)
    logins: int = 0
    orders: int = 0
    markets: dict[str, float] = field(default_factory=dict)  # markets traded -> last order
    order_size: tuple[float, float] = (0.0, 0.0)  # running mean and variance of log10 yen per order
    deposited: tuple[float, float] = (0.0, 0.0)  # the latest deposit: when, yen
    sell_outs: int = 0  # sales of a whole holding: some customers habitually sell everything
    buy_notional_jpy: float = 0.0
    withdrawals: dict[str, float] = field(default_factory=dict)  # bank_account_id -> last used
    last_login_at: float | None = None
    last_login_country: str | None = None
    failures: int = 0  # failed passwords since the last successful login, from anywhere
    lock: LockState = field(default_factory=LockState)  # the account lock (account_security.lock)
    changed: dict[str, float] = field(default_factory=dict)  # profile field or "factor" -> when
    reports: dict[str, float] = field(default_factory=dict)  # customer.report kind -> when
    suspect: dict[str, float] = field(default_factory=dict)  # engine/suspicion.py: mark -> when
    held: dict[str, Held] = field(default_factory=dict)  # event_id -> held action awaiting staff
    first_seen: float | None = None

    def contacts_changed(self, now: float, seconds: float) -> list[str]:
        """The registered contacts (`email`, `phone`) changed in the `seconds` before `now`: what
        attackers change first, so that notices and one-time codes stop reaching the victim.

        >>> Account(account_id="a", changed={"email": 0.0, "address": 0.0}).contacts_changed(3600.0, 86400)
        ['email']
        """
        return contacts_changed(self.changed, now, seconds)


class Session(Struct, kw_only=True):
    """A login session as it was opened: later actions on it must come from the same client."""

    session_id: str
    account_id: str
    ip: str
    network: str
    country: str
    user_agent: str
    device_id: str | None
    opened_at: float
    by_login: bool = True
    risk: float = 0.0  # the login's risk score: a risky session makes its orders riskier
    sold_jpy: float = 0.0  # sales ordered on this session so far, in yen
    # what was unlike the account at login (engine/evidence.py weighs it): a stranger's session
    new_device: bool = False
    new_network: bool = False
    new_place: bool = False  # an address block (/24, /64) the account never logged in from
    stranger_network: bool = False  # hosting, or a country the account never used
    first_login: bool = False  # the account had no login history
    shared: int = 0  # other accounts whose doubtful logins came from the same client or place lately
    last_network: str = ""  # the network of the session's latest action
    moves: int = 0  # times its actions changed network since the login
    verified: bool = False  # staff released a held action of it: the customer's (engine/review.py)
    rejected: bool = False  # staff rejected a held action of it: an attacker's


class Symbol(Struct, kw_only=True):
    """An instrument with its latest quote, its usual daily volume and recent aggressive buyers."""

    symbol: str
    market: str = ""
    currency: str = "JPY"
    lot_size: float = 1
    last: float | None = None
    bid: float | None = None
    ask: float | None = None
    prev_close: float | None = None
    volume_today: float = 0.0
    close: float | None = None
    avg_volume: float | None = None  # exponentially weighted daily volume
    bars: int = 0
    buyers: list[tuple[float, str]] = field(default_factory=list)  # (when, account_id), recent
    restricted: bool = False  # buys halted (engine/restriction.py: the status and its transitions)
    restricted_by: str = ""  # engine | staff
    campaign_seen: float = 0.0  # the latest campaign buy: an engine restriction expires without one


class Repository(Protocol, Generic[K, R]):
    """Keyed records: `get` returns None for an unknown key; `put` stores a new or changed record."""

    def get(self, key: K) -> R | None: ...

    def put(self, key: K, record: R) -> None: ...

    def __len__(self) -> int: ...


class ReplayPosition(Struct, kw_only=True):
    """How far a replay got, kept by the ledger and written in the same transaction as the state it
    produced: a replay restarted on that state continues from here, so its output is the same as
    one uninterrupted run. Offsets are bytes; each `*_tail` is the CRC-32 of the (at most
    `TAIL` bytes) before its offset, which tells a restart that the file is still the one recorded.
    """

    input: str
    input_offset: int
    input_line: int
    input_tail: int
    last_ts: datetime | None
    output: str
    output_offset: int
    output_tail: int
    rejects: str | None = None
    rejects_offset: int = 0


TAIL = 256


class Ledger(Protocol):
    """Processed event ids with the decision each got (None for events without one), where each was
    read first (a CRC-32 of its line and its line number, for repeats with other content), and the
    position of the replay that recorded them."""

    def seen(self, event_id: str) -> bool: ...

    def decision(self, event_id: str) -> Decision | None: ...

    def record(
        self, event_id: str, decision: Decision | None, fingerprint: int | None = None, line: int = 0
    ) -> None: ...

    def first_copy(self, event_id: str) -> tuple[int, int] | None:
        """`(fingerprint, line)` recorded with the event, or None (unseen, or recorded without)."""
        ...

    def position(self) -> ReplayPosition | None: ...

    def set_position(self, position: ReplayPosition) -> None:
        """Kept with the next `flush()`, in the same transaction as the records."""
        ...


class State:
    """Everything the engine keeps: accounts, sessions, symbols, fx rates, watch lists, the ledger.

    `watch` holds what detectors track across accounts (a device or network seen on several
    accounts, a symbol many accounts buy): key -> list of `[when, account_id]`.
    """

    def __init__(
        self,
        accounts: Repository[str, Account],
        sessions: Repository[str, Session],
        symbols: Repository[str, Symbol],
        fx: Repository[str, float],
        watch: Repository[str, list],
        ledger: Ledger,
    ) -> None:
        self.accounts, self.sessions, self.symbols, self.fx, self.watch, self.ledger = (
            accounts,
            sessions,
            symbols,
            fx,
            watch,
            ledger,
        )
        self._repos = (accounts, sessions, symbols, fx, watch, ledger)

    def account(self, account_id: str) -> Account:
        """The account's record, created empty when the stream has not introduced it."""
        acc = self.accounts.get(account_id)
        if acc is None:
            acc = Account(account_id=account_id)
            self.accounts.put(account_id, acc)
        return acc

    def symbol(self, symbol: str) -> Symbol:
        """The symbol's record, created empty when no `instrument` event has described it."""
        sym = self.symbols.get(symbol)
        if sym is None:
            sym = Symbol(symbol=symbol)
            self.symbols.put(symbol, sym)
        return sym

    def yen(self, currency: str, amount: float) -> float:
        """`amount` in yen at the latest known rate (unknown rate: counted at par, never dropped)."""
        if currency == "JPY":
            return amount
        rate = self.fx.get(currency + "JPY")
        return amount * rate if rate else amount

    def flush(self) -> None:
        """Write what changed to durable storage (no-op for memory)."""
        for repo in self._repos:
            flush = getattr(repo, "flush", None)
            if flush:
                flush()

    def close(self) -> None:
        self.flush()
        for repo in self._repos:
            close = getattr(repo, "close", None)
            if close:
                close()
