"""Malformed lines never crash the decoder: each is rejected with its line number (and field)."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from kozaguard.events.codec import InvalidLine, read_events

with open(__file__.rsplit("/", 2)[0] + "/data/every_type.jsonl", "rb") as f:
    SAMPLES = [json.loads(line) for line in f]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)


OPTIONAL = {"staff_id", "reason", "event_ids", "device_id", "limit_price", "order_ids", "url", "text", "isin"}


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200))
def test_random_bytes_are_rejected_with_a_line(raw):
    try:
        got = list(read_events([b"", raw], "fuzz.jsonl"))
    except InvalidLine as err:
        assert err.line == 2 and str(err).startswith("fuzz.jsonl:2: ")
    else:
        assert got == [] and not raw.strip()  # only a blank line is skipped without a word


@settings(max_examples=500, deadline=None)
@given(st.sampled_from(SAMPLES), st.sampled_from(range(12)), json_values)
def test_one_field_replaced_is_located(sample, index, value):
    keys = sorted(sample)
    key = keys[index % len(keys)]
    mutated = dict(sample) | {key: value}
    raw = json.dumps(mutated, ensure_ascii=False).encode()
    try:
        got = list(read_events([raw], "fuzz.jsonl"))
    except InvalidLine as err:
        assert err.line == 1 and str(err).startswith("fuzz.jsonl:1")
        assert err.field is not None or "JSON" in err.problem or key == "type"
    else:
        assert len(got) == 1  # the new value happened to be valid for that field


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(SAMPLES), st.sampled_from(range(12)))
def test_one_field_removed_is_named(sample, index):
    keys = sorted(sample)
    key = keys[index % len(keys)]
    raw = json.dumps({k: v for k, v in sample.items() if k != key}, ensure_ascii=False).encode()
    try:
        list(read_events([raw], "fuzz.jsonl"))
    except InvalidLine as err:
        assert err.line == 1
        assert err.field == key or key == "type"
    else:
        assert key in OPTIONAL
