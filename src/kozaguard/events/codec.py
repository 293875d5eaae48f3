"""Decode and encode v1 JSON Lines: events, decisions and labels, with errors that name the place.

Every reader yields `(line_number, raw_line, value)`; an invalid line raises `InvalidLine`, whose
message names the source and line, the `event_id` where one could be read, the field, and what was
expected. A caller that wants to go on past bad lines catches it and keeps the raw line.

>>> line = b'{"type":"fx.rate","event_id":"f1","ts":"2025-03-17T09:00:00+09:00","pair":"USDJPY","rate":149.5}'
>>> [(n, e.pair) for n, _, e in read_events([line])]
[(1, 'USDJPY')]
>>> list(read_events([line.replace(b'+09:00', b'')]))
Traceback (most recent call last):
...
kozaguard.events.codec.InvalidLine: <events>:1: event f1: field `ts`: Expected `datetime` with a timezone \
component; write an RFC 3339 time with its offset, e.g. 2025-03-17T09:05:12+09:00
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Iterator
from datetime import datetime
from functools import lru_cache
from typing import TypeVar

import msgspec

from kozaguard.events.schema import (
    Action,
    AnyEvent,
    Decision,
    Event,
    Label,
    OrderNew,
)

T = TypeVar("T")

_event_decoder = msgspec.json.Decoder(AnyEvent)
_decision_decoder = msgspec.json.Decoder(Decision)
_label_decoder = msgspec.json.Decoder(Label)
_loose = msgspec.json.Decoder()
_encoder = msgspec.json.Encoder()

_AT = re.compile(r"^(?P<msg>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.S)
_HINTS = {
    "ts": "write an RFC 3339 time with its offset, e.g. 2025-03-17T09:05:12+09:00",
    "type": "use one of the v1 types listed in spec/events.md",
}


class InvalidLine(ValueError):
    """A line that does not follow the v1 format; the message says where and what to fix."""

    def __init__(
        self, source: str, line: int, problem: str, *, event_id: str | None = None, field: str | None = None
    ) -> None:
        self.source, self.line, self.problem = source, line, problem
        self.event_id, self.field = event_id, field
        where = f"{source}:{line}"
        if event_id:
            where += f": event {event_id}"
        if field:
            where += f": field `{field}`"
        super().__init__(f"{where}: {problem}")


def _event_id_of(raw: bytes) -> str | None:
    """Best effort: the event_id of a line that failed validation (only on the error path)."""
    try:
        obj = _loose.decode(raw)
    except (msgspec.DecodeError, UnicodeDecodeError, RecursionError):
        return None
    if isinstance(obj, dict) and isinstance(obj.get("event_id"), str):
        return obj["event_id"]
    return None


def _explain(
    source: str, n: int, raw: bytes, err: msgspec.MsgspecError | UnicodeDecodeError | RecursionError
) -> InvalidLine:
    if isinstance(err, RecursionError):
        return InvalidLine(
            source, n, "JSON nested too deeply; an event is one flat object (its fields hold no deep nesting)"
        )
    if isinstance(err, UnicodeDecodeError):
        return InvalidLine(source, n, f"not valid UTF-8 (byte {err.start}); files must be UTF-8 text")
    if isinstance(err, msgspec.ValidationError):
        m = _AT.match(str(err))
        assert m is not None
        msg, path = m["msg"], (m["path"] or "").lstrip(".")
        missing = re.match(r"Object missing required field `([^`]+)`", msg)
        field = f"{path}.{missing[1]}".lstrip(".") if missing else path or None
        hint = _HINTS.get(field or "")
        problem = f"{msg}; {hint}" if hint else msg
        return InvalidLine(source, n, problem, event_id=_event_id_of(raw), field=field)
    return InvalidLine(source, n, f"not valid JSON ({err}); each line must be one JSON object")


_IPV4 = re.compile(r"(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)")


def _valid_ip(text: str) -> bool:
    """IPv4 dotted quad (checked by one compiled pattern: the common case), else IPv6 text."""
    if _IPV4.fullmatch(text):
        return True
    return _valid_ipv6(text)


@lru_cache(maxsize=65536)
def _valid_ipv6(text: str) -> bool:
    try:
        ipaddress.IPv6Address(text)
    except ValueError:
        return False
    return True


def check_event(event: Event) -> str | None:
    """Rules the schema cannot say: returns `"field: problem"` or None when the event is sound."""
    if isinstance(event, Action) and not _valid_ip(event.ip):
        return f"ip: {event.ip!r} is not an IPv4 or IPv6 address"
    if isinstance(event, OrderNew) and event.order_type == "limit" and event.limit_price is None:
        return "limit_price: a limit order needs a positive limit_price"
    return None


def _decode(raw: bytes, source: str, n: int) -> Event:
    try:
        event = _event_decoder.decode(raw)
    except (msgspec.MsgspecError, UnicodeDecodeError, RecursionError) as err:
        raise _explain(source, n, raw, err) from None
    problem = check_event(event)
    if problem:
        field, _, what = problem.partition(": ")
        raise InvalidLine(source, n, what, event_id=event.event_id, field=field)
    return event


def read_events(
    lines: Iterable[bytes],
    source: str = "<events>",
    *,
    lenient: bool = False,
    start: int = 1,
    last: datetime | None = None,
) -> Iterator[tuple[int, bytes, Event | InvalidLine]]:
    """Yield `(line_number, raw, event)` for each non-blank line.

    A bad line raises `InvalidLine`, or with `lenient` is yielded as an `InvalidLine` in place of the
    event so the caller can keep it. Events must be ordered by `ts` (ties keep file order): a time
    going backwards is invalid input, and a rejected line does not move the clock. A reader that
    continues a stream part-way numbers from `start`, with `last` the time of the event before.
    """
    for n, raw in enumerate(lines, start):
        if not raw or raw.isspace():  # blank (isspace copies nothing, unlike strip)
            continue
        try:
            event = _decode(raw, source, n)
            if last is not None and event.ts < last:
                raise InvalidLine(
                    source,
                    n,
                    f"time goes backwards ({event.ts.isoformat()} is before "
                    f"{last.isoformat()}); events must be ordered by ts",
                    event_id=event.event_id,
                    field="ts",
                )
        except InvalidLine as bad:
            if not lenient:
                raise
            yield n, raw, bad
            continue
        last = event.ts
        yield n, raw, event


def _read(decoder: msgspec.json.Decoder, lines: Iterable[bytes], source: str) -> Iterator[tuple[int, T]]:
    for n, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        try:
            yield n, decoder.decode(raw)
        except (msgspec.MsgspecError, UnicodeDecodeError, RecursionError) as err:
            raise _explain(source, n, raw, err) from None


def read_decisions(lines: Iterable[bytes], source: str = "<decisions>") -> Iterator[tuple[int, Decision]]:
    """Yield `(line_number, decision)`; raise `InvalidLine` on a bad line."""
    return _read(_decision_decoder, lines, source)


def read_labels(lines: Iterable[bytes], source: str = "<labels>") -> Iterator[tuple[int, Label]]:
    """Yield `(line_number, label)`; raise `InvalidLine` on a bad line."""
    return _read(_label_decoder, lines, source)


def encode(value: Event | Decision | Label) -> bytes:
    """One JSON line (without the newline) for an event, a decision or a label."""
    return _encoder.encode(value)


def decode_event(raw: bytes | str) -> Event:
    """Decode and check one event, e.g. from the HTTP API or the bus; raises `InvalidLine` (line 1)."""
    return _decode(raw.encode() if isinstance(raw, str) else raw, "<event>", 1)
