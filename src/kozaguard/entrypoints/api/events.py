"""`POST /v1/events`: the engine's HTTP door. The same codec and engine as `kozaguard replay`.

Only broker systems holding an API key with `events:write` (live events) or `events:backfill`
(history) may call it. Each key is its own source: the engine keeps event ids per source, so one
source cannot answer another's events, and each answer carries the caller's own `event_id`. On the
live door an event whose `ts` is further from the server clock than the allowed skew is refused.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import msgspec
from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from kozaguard.apikeys import Principal, Scope
from kozaguard.entrypoints.api import errors
from kozaguard.entrypoints.api.auth import HEADER
from kozaguard.entrypoints.api.errors import ApiError
from kozaguard.entrypoints.api.schemas import DecisionOut
from kozaguard.events.codec import InvalidLine, decode_event, encode

router = APIRouter(tags=["engine"])

_EXAMPLE = {
    "type": "auth.login",
    "event_id": "e42",
    "ts": "2025-03-17T09:05:12.345+09:00",
    "account_id": "A1",
    "session_id": "S1",
    "ip": "126.10.20.30",
    "user_agent": "Mozilla/5.0",
    "device_id": "d1",
    "channel": "web",
    "result": "password_ok",
}

_SCOPES = (Scope.EVENTS_WRITE, Scope.EVENTS_BACKFILL)


@router.post(
    "/v1/events",
    summary="Decide events (API key: events:write, or events:backfill for history)",
    description=(
        "Send one v1 event (a JSON object) or several (a JSON array). The answer is a JSON array with "
        "one entry per event: its decision, or null for events that take none. An invalid event is "
        "refused with 422 naming the event's position, id and field; events before it in the same "
        "array have been decided (`details.decided`). With `events:write` an event's `ts` must be "
        "within the allowed clock skew of the server's clock; `events:backfill` may send history. "
        "Limits (one event, events per batch, bytes per batch) are in docs/security.md."
    ),
    openapi_extra={
        "security": [{"ApiKey": []}],
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"type": ["object", "array"]}, "example": _EXAMPLE}},
        },
    },
    responses={
        200: {"description": "one decision (or null) per event, in order", "model": list[DecisionOut | None]},
        **errors.responses(400, 401, 403, 413, 422),
    },
)
async def decide(request: Request) -> Response:
    # the key is checked here, not as a dependency: the busiest door skips FastAPI's dependency
    # resolution (about half of its time per request); the OpenAPI names the scheme all the same
    caller: Principal = request.app.state.apikeys.authenticate(request.headers.get(HEADER), *_SCOPES)
    body = await request.body()
    try:
        items = msgspec.json.decode(body)
    except msgspec.DecodeError as err:
        raise ApiError(
            422,
            "invalid_json",
            f"The body is not JSON: {err}.",
            message_ja="JSONとして読めません。",
            field="body",
            fix="Send one event as a JSON object, or several as a JSON array.",
        ) from None
    settings = request.app.state.settings.http
    events = items if isinstance(items, list) else [items]
    if len(events) > settings.max_batch_events:
        raise ApiError(
            413,
            "batch_too_large",
            f"The batch holds {len(events):,} events; at most {settings.max_batch_events:,} are taken.",
            message_ja="一度に送信できるイベント数を超えています。",
            field="body",
            fix=f"Split the batch into arrays of at most {settings.max_batch_events:,} events.",
            details={"events": len(events), "limit": settings.max_batch_events},
        )
    gate = _Gate(settings, backfill=Scope.EVENTS_BACKFILL in caller.scopes, now=request.app.state.clock())
    decided = await run_in_threadpool(
        _decide_all, request.app.state.engine, events, caller.source, gate, request.app.state.ledger
    )
    return Response(b"[" + b",".join(decided) + b"]", media_type="application/json")


class _Gate:
    """The checks one event passes before the engine sees it: size, format and (live) clock."""

    def __init__(self, settings, *, backfill: bool, now: datetime) -> None:
        self.max_event_bytes = settings.max_event_bytes
        self.skew = timedelta(seconds=settings.event_clock_skew_seconds)
        self.backfill, self.now = backfill, now

    def admit(self, n: int, item: Any, decided: list[bytes]) -> Any:
        raw = msgspec.json.encode(item)
        if len(raw) > self.max_event_bytes:
            raise _refused(
                413,
                "event_too_large",
                n,
                _event_id(item),
                "body",
                f"event {n} is {len(raw):,} bytes; at most {self.max_event_bytes:,} are taken",
                "Send smaller events (the limit is in docs/security.md).",
                decided,
            )
        try:
            event = decode_event(raw)
        except InvalidLine as err:
            raise _refused(
                422, "invalid_event", n, err.event_id, err.field, err.problem, _FIX_EVENT, decided
            ) from None
        if not self.backfill and abs(event.ts - self.now) > self.skew:
            raise _refused(
                422,
                "event_time_out_of_range",
                n,
                event.event_id,
                "ts",
                f"ts {event.ts.isoformat()} is more than {self.skew} from the server clock "
                f"({self.now.isoformat(timespec='seconds')})",
                "Send live events as they happen (check the sender's clock), or send history with a "
                "key holding the events:backfill scope.",
                decided,
            )
        return event


_FIX_EVENT = "Correct the field as the problem says (see the event format in the docs)."


def _decide_all(door, events: list, source: str, gate: _Gate, ledger) -> list[bytes]:
    """Decide each event; what staff must see (anything but a plain allow) goes to the console's ledger."""
    decided: list[bytes] = []
    for n, item in enumerate(events, 1):
        event = gate.admit(n, item, decided)
        decision = door.decide(event, source)
        if decision is not None and (decision.decision != "allow" or decision.actions):
            # kept under the engine's own id for it (`source/event_id`), which a review names
            ledger.record(msgspec.structs.replace(event, event_id=f"{source}/{event.event_id}"), decision)
        decided.append(b"null" if decision is None else encode(decision))
    return decided


def _event_id(item: Any) -> str | None:
    value = item.get("event_id") if isinstance(item, dict) else None
    return value if isinstance(value, str) else None


def _refused(
    status: int,
    code: str,
    n: int,
    event_id: str | None,
    field: str | None,
    problem: str,
    fix: str,
    decided: list[bytes],
) -> ApiError:
    return ApiError(
        status,
        code,
        f"event {n}" + (f" ({event_id})" if event_id else "") + f": {problem}",
        message_ja="イベントの内容に誤りがあります。",
        field=field,
        fix=fix,
        details={
            "position": n,
            "event_id": event_id,
            "problem": problem,
            "decided": [msgspec.json.decode(d) for d in decided],
        },
    )
