"""Operations: health, readiness, Prometheus metrics, JSON logs, offline docs, served origins."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

from fastapi.testclient import TestClient

from doors import app_settings, key_header
from kozaguard.apikeys import Scope
from kozaguard.entrypoints import serving
from kozaguard.entrypoints.api.app import create_app
from kozaguard.entrypoints.api.ops import JsonFormatter

ORDER = {
    "type": "order.new",
    "event_id": "o1",
    "ts": "2025-04-21T10:00:00+09:00",
    "account_id": "A1",
    "session_id": "S1",
    "ip": "203.0.113.7",
    "user_agent": "UA",
    "device_id": "d9",
    "channel": "web",
    "order_id": "O1",
    "symbol": "7203",
    "side": "buy",
    "qty": 100,
    "order_type": "market",
    "account_type": "cash",
}


def _app(tmp_path):
    return create_app(
        app_settings(
            tmp_path,
            cases_db=f"sqlite:{tmp_path / 'cases.sqlite'}",
            console_db=str(tmp_path / "console.sqlite"),
        )
    )


def _sample(text: str, name: str, **labels) -> float:
    want = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    pattern = rf"^{re.escape(name)}{re.escape('{' + want + '}') if want else ''} (\S+)$"
    found = re.search(pattern, text, re.M)
    assert found, f"{name}{labels} not in /metrics"
    return float(found.group(1))


def test_health_and_readiness(tmp_path):
    app = _app(tmp_path)
    c = TestClient(app)
    assert c.get("/healthz").json() == {"status": "ok"}
    r = c.get("/readyz")
    assert r.status_code == 200 and set(r.json()["checks"].values()) == {"ok"}, r.json()
    app.state.ledger.close()  # a store that stops answering makes the app not ready, and says which
    r = c.get("/readyz")
    assert r.status_code == 503 and r.json()["checks"]["console"] != "ok"
    assert r.json()["checks"]["identity"] == "ok"


def test_metrics_count_decisions_time_requests_and_show_queues(tmp_path):
    app = _app(tmp_path)
    c = TestClient(app, headers=key_header(app, Scope.EVENTS_BACKFILL))
    before = c.get("/metrics").text
    assert "kozaguard_decisions_total{" not in before
    assert _sample(before, "kozaguard_alert_queue") == 0
    for n in range(3):
        r = c.post("/v1/events", json={**ORDER, "event_id": f"o{n}", "order_id": f"O{n}"})
        assert r.status_code == 200
    text = c.get("/metrics").text
    total = sum(
        _sample(text, "kozaguard_decisions_total", outcome=o)
        for o in ("allow", "challenge", "hold", "deny", "lock")
        if f'kozaguard_decisions_total{{outcome="{o}"}}' in text
    )
    assert total == 3
    assert _sample(text, "kozaguard_decision_seconds_count") == 3
    assert (
        _sample(text, "kozaguard_http_request_seconds_count", route="/v1/events", method="POST", status="2xx")
        == 3
    )
    import msgspec

    from kozaguard.events.codec import decode_event
    from kozaguard.events.schema import Decision

    event = decode_event(msgspec.json.encode({**ORDER, "event_id": "held"}))
    app.state.ledger.record(event, Decision(event_id="held", decision="hold", score=0.9, reasons=["x"]))
    assert _sample(c.get("/metrics").text, "kozaguard_alert_queue") == 1
    assert c.get("/metrics").headers["content-type"].startswith("text/plain")


def test_two_apps_keep_their_own_figures(tmp_path):
    a, b = _app(tmp_path / "a"), _app(tmp_path / "b")
    ca = TestClient(a, headers=key_header(a, Scope.EVENTS_BACKFILL))
    assert ca.post("/v1/events", json=ORDER).status_code == 200
    assert _sample(TestClient(b).get("/metrics").text, "kozaguard_decision_seconds_count") == 0


def test_docs_are_served_from_the_package(tmp_path):
    c = TestClient(_app(tmp_path))
    page = c.get("/docs").text
    sources = re.findall(r"(?:src|href)='([^']+)'", page)
    assert sources and all(s.startswith("/static/docs/") for s in sources)
    for s in sources:
        assert c.get(s).status_code == 200 and len(c.get(s).content) > 100
    assert "http" not in "".join(sources)
    assert c.get("/openapi.json").json()["paths"]["/v1/events"]


def test_log_lines_are_json(capsys):
    f = JsonFormatter()
    access = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("1.2.3.4:5", "GET", "/healthz", "1.1", 200),
        None,
    )
    line = json.loads(f.format(access))
    assert (line["event"], line["method"], line["path"], line["status"]) == (
        "http.request",
        "GET",
        "/healthz",
        200,
    )
    other = logging.LogRecord("kozaguard", logging.WARNING, __file__, 1, "outbox key %s", ("missing",), None)
    assert json.loads(f.format(other))["message"] == "outbox key missing"


def test_served_origins_follow_host_and_port_unless_set(tmp_path):
    settings = app_settings(tmp_path)
    s = serving.served_settings(settings, "127.0.0.1", 8123, None, env={})
    assert (
        s.identity.origins == ("http://localhost:8123", "http://127.0.0.1:8123")
        and s.identity.rp_id == "localhost"
    )
    s = serving.served_settings(settings, "broker.example", 443, None, env={})
    assert s.identity.origins == ("http://broker.example:443",) and s.identity.rp_id == "broker.example"
    config = Path(tmp_path / "k.toml")
    config.write_text('[identity]\norigins = ["https://kozaguard.example"]\nrp_id = "kozaguard.example"\n')
    s = serving.served_settings(settings, "127.0.0.1", 8123, config, env={})
    assert s.identity.origins == settings.identity.origins  # explicit settings win
    s = serving.served_settings(settings, "127.0.0.1", 8123, None, env={"KOZAGUARD_IDENTITY_ORIGINS": "x"})
    assert s.identity.origins == settings.identity.origins
