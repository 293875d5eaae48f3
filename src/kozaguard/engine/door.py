"""The engine behind a lock, for the doors that call it from many threads (HTTP API, login service).

Events from a live system arrive in their own time: each is stamped and decoded by the same codec
as replay, then decided by the one engine. A login seen by the identity service becomes an
`auth.login` event, so the HTTP login and a replayed stream are judged by the same detectors.
"""

from __future__ import annotations

import itertools
import threading
import uuid
from datetime import datetime

import msgspec

from kozaguard.engine.engine import Engine
from kozaguard.events.codec import decode_event
from kozaguard.events.schema import Decision, Event


class EngineDoor:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._prefix = uuid.uuid4().hex[:8]

    def decide(self, event: Event, source: str | None = None) -> Decision | None:
        """The decision on one decoded event (idempotent on its event_id within its source).

        A `source` (the API key that sent it) makes the event's id its own: the engine keeps it as
        `source/event_id`, so one source cannot pre-empt another's events with the same id, and the
        answer carries the id the source sent. State is written through before the answer goes out:
        a live caller has no later batch to wait for, so a restart must not forget an answered event.
        """
        own_id = event.event_id
        if source is not None:
            event = msgspec.structs.replace(event, event_id=f"{source}/{own_id}")
        with self._lock:
            decision = self.engine.process(event)
            self.engine.state.flush()
        if decision is not None and decision.event_id != own_id:
            decision = msgspec.structs.replace(decision, event_id=own_id)
        return decision

    def decide_raw(self, raw: bytes) -> Decision | None:
        """Decode one JSON event with the codec (raises `InvalidLine`) and decide it."""
        return self.decide(decode_event(raw))

    def login(
        self,
        account_id: str,
        session_id: str,
        ip: str,
        user_agent: str,
        device_id: str | None,
        ok: bool,
        when: datetime,
        channel: str = "web",
    ) -> Decision | None:
        """The engine's decision on a password check the login service just made."""
        event = {
            "type": "auth.login",
            "event_id": f"login-{self._prefix}-{next(self._ids)}",
            "ts": when.isoformat(),
            "account_id": account_id,
            "session_id": session_id,
            "ip": ip,
            "user_agent": user_agent,
            "device_id": device_id,
            "channel": channel,
            "result": "password_ok" if ok else "password_bad",
        }
        return self.decide_raw(msgspec.json.encode(event))

    def position(self):
        """Where the state's replay stands (None: never replayed), read under the lock like every
        other use of the state: `/readyz` asks it to see that the state answers."""
        with self._lock:
            return self.engine.state.ledger.position()

    def close(self) -> None:
        with self._lock:
            self.engine.state.close()
