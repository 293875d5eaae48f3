"""`POST /v1/events`: the engine's HTTP door. The same codec and engine as `kozaguard replay`."""

from __future__ import annotations

from typing import Any

import msgspec
from fastapi import APIRouter, HTTPException, Request

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


@router.post(
    "/v1/events",
    summary="Decide events",
    description=(
        "Send one v1 event (a JSON object) or several (a JSON array) as in spec/events.md. The answer "
        "is a JSON array with one entry per event: its decision, or null for events that take none. "
        "An invalid event is refused with 422 naming the event's position, id and field; events before "
        "it in the same array have been decided."
    ),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"type": ["object", "array"]}, "example": _EXAMPLE}},
        }
    },
    responses={200: {"description": "one decision (or null) per event, in order"}},
)
async def decide(request: Request) -> Any:
    door = request.app.state.engine
    body = await request.body()
    try:
        items = msgspec.json.decode(body)
    except msgspec.DecodeError as err:
        raise HTTPException(
            422, {"error": "invalid_json", "fix": f"send a JSON object or array ({err})"}
        ) from None
    events = items if isinstance(items, list) else [items]
    decided: list[Any] = []
    for n, item in enumerate(events, 1):
        try:
            event = decode_event(msgspec.json.encode(item))
        except InvalidLine as err:
            raise HTTPException(
                422,
                {
                    "error": "invalid_event",
                    "position": n,
                    "event_id": err.event_id,
                    "field": err.field,
                    "problem": err.problem,
                    "decided": decided,
                },
            ) from None
        decision = door.decide(event)
        decided.append(None if decision is None else msgspec.json.decode(encode(decision)))
    return decided
