"""The v1 codec: every type round-trips, extras are ignored, and every bad line is located."""

from __future__ import annotations

import json

import msgspec
import pytest

from kozaguard.events.codec import InvalidLine, decode_event, encode, read_decisions, read_events, read_labels
from kozaguard.events.schema import EVENT_TYPES, Decision


def test_every_type_round_trips(data_dir):
    lines = (data_dir / "every_type.jsonl").read_bytes().splitlines()
    events = [e for _, _, e in read_events(lines, "every_type.jsonl")]
    assert {type(e) for e in events} == set(EVENT_TYPES.values())
    for raw, event in zip(lines, events, strict=True):
        again = decode_event(encode(event))
        assert again == event
        original = json.loads(raw)
        original.pop("isin", None)  # an unknown extra field: accepted, not carried
        reencoded = json.loads(encode(event))
        assert {k: v for k, v in original.items() if v is not None} == {
            k: v for k, v in reencoded.items() if v is not None
        }


def test_extra_fields_are_ignored():
    raw = (
        b'{"type":"fx.rate","event_id":"f","ts":"2025-04-01T08:00:00+09:00","pair":"USDJPY","rate":150,'
        b'"source":"broker-feed","nested":{"a":[1,2]}}'
    )
    assert decode_event(raw).rate == 150


def _one(raw: bytes) -> InvalidLine:
    with pytest.raises(InvalidLine) as info:
        list(read_events([b"", raw], "in.jsonl"))
    return info.value


GOOD = {
    "type": "order.new",
    "event_id": "e9",
    "ts": "2025-04-01T09:00:00+09:00",
    "account_id": "A",
    "session_id": "S",
    "ip": "126.1.2.3",
    "user_agent": "ua",
    "device_id": "d",
    "channel": "web",
    "order_id": "O",
    "symbol": "7203",
    "side": "buy",
    "qty": 100,
    "order_type": "limit",
    "limit_price": 2500,
    "account_type": "cash",
}


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"ts": "2025-04-01T09:00:00"}, "ts", "timezone"),
        ({"qty": "100"}, "qty", "Expected"),
        ({"qty": -5}, "qty", ">="),
        ({"side": "short"}, "side", "Invalid enum value 'short'"),
        ({"type": "order.amend"}, "type", "Invalid value 'order.amend'"),
        ({"ip": "999.1.1.1"}, "ip", "not an IPv4 or IPv6 address"),
        ({"limit_price": None}, "limit_price", "limit order needs"),
        ({"session_id": None}, "session_id", "Expected `str`, got `null`"),
    ],
)
def test_bad_field_names_line_event_and_field(change, field, words):
    err = _one(msgspec.json.encode(GOOD | change))
    assert (err.source, err.line, err.event_id, err.field) == ("in.jsonl", 2, "e9", field)
    assert words in str(err)
    assert str(err).startswith(f"in.jsonl:2: event e9: field `{field}`: ")


def test_missing_field_is_named():
    err = _one(msgspec.json.encode({k: v for k, v in GOOD.items() if k != "symbol"}))
    assert err.field == "symbol" and "missing required field" in str(err)


def test_bad_json_names_line():
    err = _one(b'{"type": "order.new", ')
    assert err.line == 2 and err.event_id is None and "not valid JSON" in str(err)


def test_time_going_backwards_is_rejected():
    late = msgspec.json.encode(GOOD)
    early = msgspec.json.encode(GOOD | {"event_id": "e10", "ts": "2025-04-01T08:59:59+09:00"})
    with pytest.raises(InvalidLine, match="time goes backwards") as info:
        list(read_events([late, early]))
    assert (info.value.line, info.value.event_id, info.value.field) == (2, "e10", "ts")


def test_same_instant_in_another_offset_is_not_backwards():
    a = msgspec.json.encode(GOOD)
    b = msgspec.json.encode(GOOD | {"event_id": "e10", "ts": "2025-04-01T00:00:00Z"})
    assert len(list(read_events([a, b]))) == 2


def test_lenient_reading_keeps_bad_lines_and_the_clock():
    good = msgspec.json.encode(GOOD)
    lines = [good, b"nope", msgspec.json.encode(GOOD | {"event_id": "e2", "ts": "2025-04-01T08:00:00+09:00"})]
    got = list(read_events(lines, lenient=True))
    assert [type(e).__name__ for _, _, e in got] == ["OrderNew", "InvalidLine", "InvalidLine"]
    assert got[1][1] == b"nope"


def test_decisions_and_labels_codec():
    d = Decision(event_id="e1", decision="challenge", factor="passkey", score=0.9, reasons=["new_device"])
    assert [x for _, x in read_decisions([encode(d)])] == [d]
    with pytest.raises(InvalidLine, match="factor"):
        list(read_decisions([b'{"event_id":"e1","decision":"hold","factor":"otp","score":0.5}']))
    with pytest.raises(InvalidLine, match="capability"):
        list(read_labels([b'{"event_id":"e1","actor":"attacker","attack_id":"A","capability":"magic"}']))


def test_invalid_utf8_is_located():
    err = _one(b'{"type":"fx.rate","event_id":"\x80"}')
    assert err.line == 2 and "UTF-8" in str(err)
