"""The console's reading of what the engine and the event log recorded, kept in one SQLite file.

The engine has no review queue or campaign object of its own yet; what it does record is in its
decisions: `hold` (the action waits for staff), `restrict_symbol:<SYMBOL>` and `open_case` actions.
This module keeps those beside the events they answer, so the console can show:

- the **alert queue**: held actions not yet reviewed, with their reasons and evidence;
- **restrictions**: per symbol, imposed by the engine (its action) or staff, lifted by staff;
- **campaigns**: per restricted symbol, the accounts whose orders of it the engine stopped, the
  addresses and devices they share, and the timeline;
- an **account's timeline**: its logins, devices, changes, orders, fills, reports and decisions.

Events arrive from a stream and its decisions (`import_stream`, the demo) or live from the HTTP door
(`record`, for decisions other than a plain allow). Staff decisions (`review`, `restrict`) are kept
here and return to the engine as the contract's `review.decided` and `symbol.restriction` events
(the caller sends them). Everything here is the one place that reads the engine's records, so a real
campaign object in the engine can replace the inference below without touching the console's views.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO

import msgspec

from kozaguard.events.codec import encode, read_decisions, read_events
from kozaguard.events.schema import Decision, Event

_SCHEMA = """
CREATE TABLE IF NOT EXISTS activity (
    event_id TEXT PRIMARY KEY, ts TEXT NOT NULL, account_id TEXT, type TEXT NOT NULL,
    detail TEXT NOT NULL, decision TEXT, score REAL, reasons TEXT, actions TEXT
);
CREATE INDEX IF NOT EXISTS activity_account ON activity (account_id, ts);
CREATE INDEX IF NOT EXISTS activity_decision ON activity (decision, ts);
CREATE TABLE IF NOT EXISTS reviews (
    event_id TEXT PRIMARY KEY, outcome TEXT NOT NULL, staff_id TEXT NOT NULL, at TEXT NOT NULL,
    note TEXT
);
CREATE TABLE IF NOT EXISTS restrictions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, symbol TEXT NOT NULL, action TEXT NOT NULL,
    by TEXT NOT NULL, staff_id TEXT, reason TEXT, at TEXT NOT NULL, event_id TEXT
);
CREATE TABLE IF NOT EXISTS case_work (
    case_id TEXT PRIMARY KEY, owner TEXT, team TEXT, since TEXT
);
CREATE TABLE IF NOT EXISTS case_alerts (
    case_id TEXT NOT NULL, event_id TEXT NOT NULL, PRIMARY KEY (case_id, event_id)
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
#: Reference and market data: not about an account, not shown in a timeline.
_MARKET = frozenset(("instrument", "market.quote", "market.bar", "fx.rate"))
_COMMON = frozenset(("event_id", "type", "ts", "account_id"))
RESTRICT = "restrict_symbol:"
OUTCOMES = ("allow", "challenge", "hold", "deny", "lock")


class LedgerError(ValueError):
    """A refused console action (unknown alert, already reviewed, …), naming what to do instead."""


@dataclass(frozen=True)
class Alert:
    event_id: str
    ts: str
    account_id: str
    type: str
    detail: dict
    decision: str
    score: float
    reasons: list[str]
    actions: list[str]
    review: dict | None
    case_id: str | None = None


@dataclass(frozen=True)
class Restriction:
    symbol: str
    imposed: bool
    by: str
    staff_id: str | None
    reason: str | None
    at: str


class Ledger:
    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=30)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.executescript(_SCHEMA)
        self._lock = threading.RLock()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def _rows(self, sql: str, *args) -> list[sqlite3.Row]:
        with self._lock:
            cur = self._conn.execute(sql, args)
            names = [c[0] for c in cur.description]
            return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]

    def close(self) -> None:
        self._conn.close()

    # ----- what arrives ---------------------------------------------------------------------------
    def record(self, event: Event, decision: Decision | None) -> None:
        """Keep one event with its decision (and any restriction its decision imposes)."""
        self._insert([(event, decision)])

    def import_stream(
        self,
        events: IO[bytes],
        decisions: IO[bytes] | None = None,
        *,
        source: str = "<events>",
        batch: int = 5000,
    ) -> int:
        """Read a v1 stream and its decisions into the ledger (bad input: `InvalidLine` naming the line)."""
        answers = {d.event_id: d for _, d in read_decisions(decisions)} if decisions is not None else {}
        kept, pending = 0, []
        for _, _, event in read_events(events, source):
            if type(event).__struct_config__.tag in _MARKET:
                continue
            pending.append((event, answers.get(event.event_id)))
            if len(pending) >= batch:
                kept += self._insert(pending)
                pending = []
        kept += self._insert(pending)
        return kept

    def _insert(self, items: Iterable[tuple[Event, Decision | None]]) -> int:
        rows, restrictions = [], []
        for event, d in items:
            body = msgspec.to_builtins(event)
            kind = type(event).__struct_config__.tag
            if kind == "symbol.restriction":
                restrictions.append(
                    (
                        body["symbol"],
                        body["action"],
                        body["by"],
                        body.get("staff_id"),
                        body.get("reason"),
                        body["ts"],
                        event.event_id,
                    )
                )
            detail = {k: v for k, v in body.items() if k not in _COMMON}
            rows.append(
                (
                    event.event_id,
                    body["ts"],
                    body.get("account_id"),
                    kind,
                    json.dumps(detail, ensure_ascii=False),
                    None if d is None else d.decision,
                    None if d is None else d.score,
                    None if d is None else json.dumps(d.reasons),
                    None if d is None else json.dumps(d.actions),
                )
            )
            for action in () if d is None else d.actions:
                if action.startswith(RESTRICT):
                    restrictions.append(
                        (
                            action[len(RESTRICT) :],
                            "imposed",
                            "engine",
                            None,
                            ",".join(d.reasons),
                            body["ts"],
                            event.event_id,
                        )
                    )
        with self._tx() as c:
            c.executemany("INSERT OR IGNORE INTO activity VALUES (?,?,?,?,?,?,?,?,?)", rows)
            for r in restrictions:
                current = self._current(c, r[0])
                if current is None or (current[0] == "imposed") != (r[1] == "imposed"):
                    c.execute(
                        "INSERT INTO restrictions (symbol, action, by, staff_id, reason, at, event_id) "
                        "VALUES (?,?,?,?,?,?,?)",
                        r,
                    )
        return len(rows)

    @staticmethod
    def _current(c: sqlite3.Connection, symbol: str):
        return c.execute(
            "SELECT action, by FROM restrictions WHERE symbol = ? ORDER BY seq DESC LIMIT 1", (symbol,)
        ).fetchone()

    def set_meta(self, key: str, value: object) -> None:
        with self._tx() as c:
            c.execute(
                "INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, json.dumps(value, ensure_ascii=False))
            )

    def meta(self, key: str) -> object | None:
        rows = self._rows("SELECT value FROM meta WHERE key = ?", key)
        return json.loads(rows[0]["value"]) if rows else None

    # ----- alerts -----------------------------------------------------------------------------------
    def _alert(self, r: dict) -> Alert:
        review = None
        if r.get("outcome"):
            review = {"outcome": r["outcome"], "staff_id": r["staff_id"], "at": r["at"], "note": r["note"]}
        return Alert(
            event_id=r["event_id"],
            ts=r["ts"],
            account_id=r["account_id"],
            type=r["type"],
            detail=json.loads(r["detail"]),
            decision=r["decision"],
            score=r["score"],
            reasons=json.loads(r["reasons"] or "[]"),
            actions=json.loads(r["actions"] or "[]"),
            review=review,
            case_id=r.get("case_id"),
        )

    _ALERTS = (
        "SELECT a.*, r.outcome, r.staff_id, r.at, r.note, ca.case_id FROM activity a "
        "LEFT JOIN reviews r ON r.event_id = a.event_id "
        "LEFT JOIN case_alerts ca ON ca.event_id = a.event_id "
    )

    def alerts(self, *, open_only: bool = True, limit: int = 200) -> list[Alert]:
        """Held actions, oldest waiting first; with `open_only`, those no one has reviewed."""
        where = "WHERE a.decision = 'hold'" + (" AND r.outcome IS NULL" if open_only else "")
        order = "a.ts ASC" if open_only else "a.ts DESC"
        return [self._alert(r) for r in self._rows(f"{self._ALERTS}{where} ORDER BY {order} LIMIT ?", limit)]

    def alert(self, event_id: str) -> Alert:
        rows = self._rows(f"{self._ALERTS}WHERE a.event_id = ?", event_id)
        if not rows or rows[0]["decision"] != "hold":
            raise LedgerError(f"no held action {event_id!r}: pick one from the alert queue")
        return self._alert(rows[0])

    def review(
        self, event_id: str, outcome: str, staff_id: str, at: datetime, note: str | None = None
    ) -> Alert:
        """Record a staff review of a held action: `released`, `rejected` or `locked` (rejected + lock).

        A held action is reviewed once: a second review is refused (two staff cannot both decide it).
        """
        if outcome not in ("released", "rejected", "locked"):
            raise LedgerError(f"outcome {outcome!r}: use released, rejected or locked")
        with self._tx() as c:
            row = c.execute("SELECT decision FROM activity WHERE event_id = ?", (event_id,)).fetchone()
            if row is None or row[0] != "hold":
                raise LedgerError(f"no held action {event_id!r}: pick one from the alert queue")
            done = c.execute(
                "SELECT outcome, staff_id FROM reviews WHERE event_id = ?", (event_id,)
            ).fetchone()
            if done is not None:
                raise LedgerError(f"{event_id} was already {done[0]} by {done[1]}; reload the queue")
            c.execute(
                "INSERT INTO reviews VALUES (?,?,?,?,?)", (event_id, outcome, staff_id, at.isoformat(), note)
            )
        return self.alert(event_id)

    # ----- restrictions and campaigns ----------------------------------------------------------------
    def restrictions(self, *, active_only: bool = False) -> list[Restriction]:
        rows = self._rows(
            "SELECT r.* FROM restrictions r JOIN (SELECT symbol, MAX(seq) AS seq FROM restrictions "
            "GROUP BY symbol) last ON last.seq = r.seq ORDER BY r.at DESC"
        )
        out = [
            Restriction(r["symbol"], r["action"] == "imposed", r["by"], r["staff_id"], r["reason"], r["at"])
            for r in rows
        ]
        return [r for r in out if r.imposed] if active_only else out

    def restriction(self, symbol: str) -> Restriction | None:
        return next((r for r in self.restrictions() if r.symbol == symbol), None)

    def restrict(
        self, symbol: str, imposed: bool, staff_id: str, reason: str, at: datetime, event_id: str
    ) -> None:
        """Staff impose or lift a restriction; refused when it is already in that state."""
        symbol = symbol.strip().upper()
        if not symbol:
            raise LedgerError("name the symbol to restrict")
        if not reason or not reason.strip():
            raise LedgerError("a restriction change needs a written reason")
        with self._tx() as c:
            current = self._current(c, symbol)
            now_imposed = current is not None and current[0] == "imposed"
            if now_imposed == imposed:
                raise LedgerError(f"{symbol} is already {'restricted' if imposed else 'not restricted'}")
            c.execute(
                "INSERT INTO restrictions (symbol, action, by, staff_id, reason, at, event_id) "
                "VALUES (?,?,?,?,?,?,?)",
                (
                    symbol,
                    "imposed" if imposed else "lifted",
                    "staff",
                    staff_id,
                    reason.strip(),
                    at.isoformat(),
                    event_id,
                ),
            )

    def restriction_history(self, symbol: str) -> list[dict]:
        return self._rows("SELECT * FROM restrictions WHERE symbol = ? ORDER BY seq", symbol)

    def campaign(self, symbol: str) -> dict:
        """The accounts whose orders of `symbol` the engine did not simply allow, what they share, when."""
        orders = self._rows(
            "SELECT * FROM activity WHERE type = 'order.new' AND json_extract(detail, '$.symbol') = ? "
            "AND decision IS NOT NULL AND decision != 'allow' ORDER BY ts",
            symbol,
        )
        accounts = sorted({o["account_id"] for o in orders})
        ips: dict[str, set[str]] = defaultdict(set)
        devices: dict[str, set[str]] = defaultdict(set)
        for o in orders:
            d = json.loads(o["detail"])
            ips[d.get("ip") or "?"].add(o["account_id"])
            if d.get("device_id"):
                devices[d["device_id"]].add(o["account_id"])
        shared = [
            {"kind": kind, "value": value, "accounts": sorted(accs)}
            for kind, table in (("ip", ips), ("device", devices))
            for value, accs in table.items()
            if len(accs) > 1
        ]
        shared.sort(key=lambda s: -len(s["accounts"]))
        return {
            "symbol": symbol,
            "restriction": self.restriction(symbol),
            "history": self.restriction_history(symbol),
            "accounts": accounts,
            "shared": shared,
            "orders": [self._alert(o) for o in orders],
        }

    def campaigns(self) -> list[dict]:
        """Every symbol ever restricted, with the number of accounts involved and its state now."""
        out = []
        for r in self.restrictions():
            n = self._rows(
                "SELECT COUNT(DISTINCT account_id) AS n FROM activity WHERE type = 'order.new' "
                "AND json_extract(detail, '$.symbol') = ? AND decision IS NOT NULL AND decision != 'allow'",
                r.symbol,
            )[0]["n"]
            out.append({"symbol": r.symbol, "restriction": r, "accounts": n})
        return out

    # ----- accounts --------------------------------------------------------------------------------
    def timeline(self, account_id: str, limit: int = 500) -> list[Alert]:
        rows = self._rows(
            "SELECT a.*, r.outcome, r.staff_id, r.at, r.note, NULL AS case_id FROM activity a "
            "LEFT JOIN reviews r ON r.event_id = a.event_id WHERE a.account_id = ? "
            "ORDER BY a.ts DESC LIMIT ?",
            account_id,
            limit,
        )
        return [self._alert(r) for r in rows]

    def find_accounts(self, text: str, limit: int = 20) -> list[str]:
        like = text.strip().replace("%", "").replace("_", r"\_") + "%"
        rows = self._rows(
            "SELECT DISTINCT account_id FROM activity WHERE account_id LIKE ? ESCAPE '\\' "
            "ORDER BY account_id LIMIT ?",
            like,
            limit,
        )
        return [r["account_id"] for r in rows]

    # ----- cases: ownership and joined alerts ----------------------------------------------------------
    def take(self, case_id: str, staff_id: str, at: datetime, *, force: bool = False) -> None:
        """Make `staff_id` the case's owner; refused while someone else owns it (unless `force`)."""
        with self._tx() as c:
            row = c.execute("SELECT owner FROM case_work WHERE case_id = ?", (case_id,)).fetchone()
            if row and row[0] and row[0] != staff_id and not force:
                raise LedgerError(f"{case_id} is owned by {row[0]}; ask them or a supervisor to hand it over")
            c.execute(
                "INSERT OR REPLACE INTO case_work (case_id, owner, team, since) VALUES (?, ?, "
                "(SELECT team FROM case_work WHERE case_id = ?), ?)",
                (case_id, staff_id, case_id, at.isoformat()),
            )

    def release_case(self, case_id: str, staff_id: str) -> None:
        with self._tx() as c:
            row = c.execute("SELECT owner FROM case_work WHERE case_id = ?", (case_id,)).fetchone()
            if not row or row[0] != staff_id:
                raise LedgerError(f"{case_id} is not yours to hand back")
            c.execute("UPDATE case_work SET owner = NULL WHERE case_id = ?", (case_id,))

    def owners(self) -> dict[str, str]:
        return {r["case_id"]: r["owner"] for r in self._rows("SELECT * FROM case_work") if r["owner"]}

    def join(self, case_id: str, event_ids: Iterable[str]) -> list[str]:
        """Join alerts (held or otherwise decided actions) to a case; returns the ones newly joined."""
        ids = [e.strip() for e in event_ids if e.strip()]
        if not ids:
            raise LedgerError("pick at least one alert to join")
        with self._tx() as c:
            for e in ids:
                if (
                    c.execute(
                        "SELECT 1 FROM activity WHERE event_id = ? AND decision IS NOT NULL", (e,)
                    ).fetchone()
                    is None
                ):
                    raise LedgerError(f"no decided action {e!r}")
            before = {
                r[0] for r in c.execute("SELECT event_id FROM case_alerts WHERE case_id = ?", (case_id,))
            }
            c.executemany("INSERT OR IGNORE INTO case_alerts VALUES (?, ?)", [(case_id, e) for e in ids])
        return [e for e in ids if e not in before]

    def joined(self, case_id: str) -> list[Alert]:
        rows = self._rows(
            f"{self._ALERTS}WHERE a.event_id IN (SELECT event_id FROM case_alerts WHERE case_id = ?) "
            "ORDER BY a.ts",
            case_id,
        )
        return [self._alert(r) for r in rows]

    # ----- the dashboard's figures -----------------------------------------------------------------------
    def latest(self) -> datetime | None:
        rows = self._rows("SELECT MAX(ts) AS ts FROM activity WHERE decision IS NOT NULL")
        return datetime.fromisoformat(rows[0]["ts"]) if rows and rows[0]["ts"] else None

    def decisions_per_hour(self, hours: int = 48) -> tuple[list[datetime], dict[str, list[int]]]:
        """Decisions per hour by outcome over the last `hours` hours of data (UTC hours)."""
        end = self.latest()
        if end is None:
            return [], {o: [] for o in OUTCOMES}
        from datetime import UTC

        end = end.astimezone(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        start = end - timedelta(hours=hours)
        slots = [start + timedelta(hours=h) for h in range(hours)]
        counts: dict[str, Counter] = {o: Counter() for o in OUTCOMES}
        for r in self._rows("SELECT ts, decision FROM activity WHERE decision IS NOT NULL"):
            at = datetime.fromisoformat(r["ts"]).astimezone(UTC)
            if start <= at < end:
                counts[r["decision"]][int((at - start).total_seconds() // 3600)] += 1
        return slots, {o: [counts[o][h] for h in range(hours)] for o in OUTCOMES}

    def outcome_totals(self) -> dict[str, int]:
        rows = self._rows(
            "SELECT decision, COUNT(*) AS n FROM activity WHERE decision IS NOT NULL GROUP BY decision"
        )
        return {o: next((r["n"] for r in rows if r["decision"] == o), 0) for o in OUTCOMES}

    def accounts_seen(self) -> int:
        return self._rows(
            "SELECT COUNT(DISTINCT account_id) AS n FROM activity WHERE account_id IS NOT NULL"
        )[0]["n"]


def event_line(event: Event) -> bytes:
    """One event as its JSON line (what the console sends the engine)."""
    return encode(event)
