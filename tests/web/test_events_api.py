"""`POST /v1/events`: the engine's HTTP door decides events exactly as replay does."""

from __future__ import annotations

import io
import json

import pytest
from fastapi.testclient import TestClient

from doors import app_settings, key_header
from kozaguard.apikeys import Scope
from kozaguard.bootstrap import build_engine
from kozaguard.config import Settings
from kozaguard.engine.detectors import default_detectors
from kozaguard.engine.engine import Engine
from kozaguard.entrypoints.api.app import create_app
from kozaguard.replay import replay


@pytest.fixture
def client(tmp_path):
    settings = app_settings(tmp_path)
    app = create_app(settings)
    return TestClient(app, headers=key_header(app, Scope.EVENTS_BACKFILL, Scope.PHISHING_CHECK))


def test_events_one_by_one_get_the_decisions_replay_gives(client, data_dir):
    lines = (data_dir / "every_type.jsonl").read_bytes().splitlines()
    out = io.BytesIO()
    replay(build_engine(Settings()), lines, out)  # the engine replay builds
    expected = [json.loads(x) for x in out.getvalue().splitlines()]
    got = []
    for line in lines:
        r = client.post("/v1/events", content=line, headers={"content-type": "application/json"})
        assert r.status_code == 200, r.text
        got += [d for d in r.json() if d is not None]
    assert got == expected


def test_a_batch_and_its_repeat_get_the_same_answers(client, data_dir):
    lines = (data_dir / "every_type.jsonl").read_bytes().splitlines()
    batch = "[" + ",".join(x.decode() for x in lines) + "]"
    first = client.post("/v1/events", content=batch).json()
    assert len(first) == len(lines) and sum(d is not None for d in first) == 6
    assert client.post("/v1/events", content=batch).json() == first


def test_an_invalid_event_is_refused_with_its_place(client):
    bad = [
        {
            "type": "fx.rate",
            "event_id": "f1",
            "ts": "2025-04-01T08:00:00+09:00",
            "pair": "USDJPY",
            "rate": 150,
        },
        {"type": "fx.rate", "event_id": "f2", "ts": "2025-04-01T08:00:00", "pair": "USDJPY", "rate": 150},
    ]
    r = client.post("/v1/events", json=bad)
    assert r.status_code == 422
    body = r.json()
    assert (body["error"], body["field"], body["details"]["position"]) == ("invalid_event", "ts", 2)
    assert body["details"]["event_id"] == "f2" and body["details"]["decided"] == [None]
    assert "f2" in body["message"] and body["fix"] and body["message_ja"]
    r = client.post("/v1/events", content=b"{nope")
    assert r.status_code == 422 and r.json()["error"] == "invalid_json" and r.json()["field"] == "body"


def test_openapi_documents_the_door(client):
    assert "/v1/events" in client.get("/openapi.json").json()["paths"]


def test_the_app_serves_the_phishing_checker(client):
    r = client.get("/phishing/check", params={"url": "https://site1.sbisec.co.jp.login-secure.top/ETGate"})
    assert r.status_code == 200 and r.json()["verdict"] == "impersonation"
    assert (
        client.get("/phishing/check", params={"url": "https://site1.sbisec.co.jp/ETGate"}).json()["verdict"]
        == "official"
    )


def test_the_door_writes_each_event_through_to_sqlite(tmp_path, data_dir):
    from kozaguard.adapters.sqlite import SqliteState
    from kozaguard.engine.door import EngineDoor
    from kozaguard.events.codec import decode_event

    line = (data_dir / "every_type.jsonl").read_bytes().splitlines()[7]  # a successful login
    door = EngineDoor(Engine(SqliteState(tmp_path / "s.db"), default_detectors()))
    first = door.decide(decode_event(line))
    again = SqliteState(tmp_path / "s.db")  # a restart, without closing the first
    assert again.ledger.seen("l2") and again.ledger.decision("l2") == first
