"""A tiny builder for hand-made streams: one call per event, labels and decisions alongside.

Every event is written as a v1 JSON line and read back through the codec, so the streams the tests
score are valid input, not shortcuts around the format.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import msgspec
import pytest

from kozaguard.evaluation import Report, evaluate
from kozaguard.events.codec import read_decisions, read_events, read_labels

T0 = datetime.fromisoformat("2025-03-17T09:00:00+09:00")
NO_DECISION = object()
"""Pass as `decision` to leave a decision-bearing event without one."""


class StreamBuilder:
    """Builds events one minute apart (or at `at` minutes after 09:00), with labels and decisions.

    `by=("A1", "password")` labels the event as attack A1's; `decision` is `allow` by default on
    decision-bearing events, or e.g. `"challenge:otp"`, `"hold"`, `"lock"`, with reason codes after a
    bar: `"hold|sell_off,new_device"`.
    """

    NO_DECISION = NO_DECISION

    def __init__(self) -> None:
        self.events: list[bytes] = []
        self.labels: list[bytes] = []
        self.decisions: list[bytes] = []
        self.minute = -1
        self.n = 0

    # plumbing ---------------------------------------------------------------------------------
    def _add(self, type_: str, fields: dict, *, at: float | None, by: tuple[str, str] | None) -> str:
        self.minute = self.minute + 1 if at is None else at
        self.n += 1
        event_id = f"e{self.n}"
        ts = (T0 + timedelta(minutes=self.minute)).isoformat()
        self.events.append(msgspec.json.encode({"event_id": event_id, "type": type_, "ts": ts, **fields}))
        if by is not None:
            attack_id, capability = by
            label = {"event_id": event_id, "actor": "attacker", "attack_id": attack_id}
            self.labels.append(msgspec.json.encode({**label, "capability": capability}))
        return event_id

    def decide(self, event_id: str, decision: object) -> None:
        """Append a decision line (tests of duplicates and unknown ids call this directly)."""
        if decision is NO_DECISION or decision is None:
            return
        decision, _, reasons = str(decision).partition("|")
        outcome, _, factor = decision.partition(":")
        d = {"event_id": event_id, "decision": outcome, "score": 0.5}
        if reasons:
            d["reasons"] = reasons.split(",")
        if factor:
            d["factor"] = factor
        self.decisions.append(msgspec.json.encode(d))

    def _action(self, type_, account, fields, *, at, by, decision, session=None) -> str:
        ctx = {
            "account_id": account,
            "session_id": session or f"s-{account}",
            "ip": "203.0.113.9" if by else "192.0.2.10",
            "user_agent": "Mozilla/5.0",
            "device_id": "d-attacker" if by else f"d-{account}",
            "channel": "web",
        }
        event_id = self._add(type_, {**ctx, **fields}, at=at, by=by)
        self.decide(event_id, decision)
        return event_id

    # reference and market data ----------------------------------------------------------------
    def instrument(self, symbol, currency="JPY", market="TSE-STANDARD", *, at=None) -> str:
        fields = {"symbol": symbol, "name": symbol, "market": market, "currency": currency, "lot_size": 100}
        return self._add("instrument", fields, at=at, by=None)

    def fx(self, pair, rate, *, at=None) -> str:
        return self._add("fx.rate", {"pair": pair, "rate": rate}, at=at, by=None)

    def bar(self, symbol, close, *, at=None) -> str:
        fields = {"symbol": symbol, "date": "2025-03-17", "open": close, "high": close, "low": close}
        return self._add("market.bar", {**fields, "close": close, "volume": 1000}, at=at, by=None)

    def quote(self, symbol, last, *, at=None) -> str:
        fields = {"symbol": symbol, "last": last, "bid": last, "ask": last, "prev_close": last}
        return self._add("market.quote", {**fields, "volume_today": 1000}, at=at, by=None)

    # actions ----------------------------------------------------------------------------------
    def login(self, account, ok=True, *, at=None, by=None, decision="allow") -> str:
        if not ok and decision == "allow":
            decision = NO_DECISION
        result = "password_ok" if ok else "password_bad"
        return self._action("auth.login", account, {"result": result}, at=at, by=by, decision=decision)

    def profile(self, account, field="email", *, at=None, by=None, decision="allow") -> str:
        return self._action("profile.change", account, {"field": field}, at=at, by=by, decision=decision)

    def factor(self, account, factor="passkey", action="enrolled", *, at=None, by=None, decision="allow"):
        fields = {"factor": factor, "action": action}
        return self._action("auth.factor", account, fields, at=at, by=by, decision=decision)

    def withdraw(self, account, amount, *, at=None, by=None, decision="allow") -> str:
        fields = {"amount_jpy": amount, "bank_account_id": f"b-{account}"}
        return self._action("cash.withdrawal", account, fields, at=at, by=by, decision=decision)

    def order(self, account, order_id, symbol, side, qty, *, at=None, by=None, decision="allow") -> str:
        fields = {"order_id": order_id, "symbol": symbol, "side": side, "qty": qty}
        fields |= {"order_type": "market", "account_type": "cash"}
        return self._action("order.new", account, fields, at=at, by=by, decision=decision)

    def logout(self, account, *, at=None, by=None) -> str:
        return self._action("auth.logout", account, {}, at=at, by=by, decision=NO_DECISION)

    def fill(self, account, order_id, symbol, side, qty, price, fee=0, *, at=None, by=None) -> str:
        fields = {"order_id": order_id, "account_id": account, "symbol": symbol, "side": side}
        return self._add("order.fill", {**fields, "qty": qty, "price": price, "fee_jpy": fee}, at=at, by=by)

    # scoring ----------------------------------------------------------------------------------
    def evaluate(self, start: str | None = None) -> Report:
        return evaluate(
            read_events(self.events),
            read_labels(self.labels),
            read_decisions(self.decisions),
            datetime.fromisoformat(start) if start else None,
        )

    def write(self, folder) -> tuple:
        """Write the three files into `folder`; returns their paths (events, labels, decisions)."""
        paths = []
        for name, lines in (("events", self.events), ("labels", self.labels), ("decisions", self.decisions)):
            path = folder / f"{name}.jsonl"
            path.write_bytes(b"".join(line + b"\n" for line in lines))
            paths.append(path)
        return tuple(paths)


@pytest.fixture
def stream() -> StreamBuilder:
    return StreamBuilder()
