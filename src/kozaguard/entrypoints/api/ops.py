"""What operators and their tools read: health, readiness, Prometheus metrics, JSON logs, offline docs.

- `GET /healthz`: the process answers (liveness; touches nothing else).
- `GET /readyz`: every store the app needs answers a trivial query (engine state, identity, cases,
  console ledger, API keys); 503 naming the ones that do not.
- `GET /metrics`: Prometheus text format, from a registry of the app's own (two apps in one process
  never mix their figures): engine decisions by outcome, decision latency and HTTP latency per route
  (histograms), and queue sizes read when scraped (held actions waiting for staff, restricted
  symbols, cases by status).
- `GET /docs`: Swagger UI from files shipped in the package (static/docs), so it works offline.
- `json_log_config()`: a logging configuration for uvicorn whose every line is one JSON object.
"""

from __future__ import annotations

import json
import logging
import time
from datetime import UTC, datetime
from types import SimpleNamespace

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from starlette.types import ASGIApp, Message, Receive, Scope, Send

router = APIRouter(include_in_schema=False)

#: Buckets for latencies in seconds: the events door aims at p99 of 10 ms.
_BUCKETS = (0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)


class Metrics:
    """The app's registry and its instruments."""

    def __init__(self, app: FastAPI) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.decisions = Counter(
            "kozaguard_decisions",
            "Engine decisions by outcome (allow, challenge, hold, deny, lock).",
            ["outcome"],
            registry=self.registry,
        )
        self.decision_seconds = Histogram(
            "kozaguard_decision_seconds",
            "Time the engine took to decide one event (lock wait included).",
            buckets=_BUCKETS,
            registry=self.registry,
        )
        self.http_seconds = Histogram(
            "kozaguard_http_request_seconds",
            "HTTP request latency by route template, method and status class.",
            ["route", "method", "status"],
            buckets=_BUCKETS,
            registry=self.registry,
        )
        self.registry.register(_Queues(app))


class _Queues:
    """Queue sizes, read from the stores when Prometheus scrapes."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app

    def describe(self):
        return []

    def collect(self):
        state = self.app.state
        alerts = GaugeMetricFamily("kozaguard_alert_queue", "Held actions waiting for a staff review.")
        restricted = GaugeMetricFamily("kozaguard_restricted_symbols", "Symbols restricted now.")
        try:
            alerts.add_metric([], len(state.ledger.alerts(limit=100_000)))
            restricted.add_metric([], len(state.ledger.restrictions(active_only=True)))
        except Exception:  # a broken store shows in /readyz; the scrape still answers
            logging.getLogger("kozaguard.metrics").exception("console ledger unreadable")
        yield alerts
        yield restricted
        cases = GaugeMetricFamily("kozaguard_cases", "Cases by status.", labels=["status"])
        try:
            from kozaguard.cases import service as case_service
            from kozaguard.entrypoints.api.cases import cases_store

            counts: dict[str, int] = {}
            for row in case_service.list_cases(cases_store_of(state, cases_store)):
                counts[row["status"]] = counts.get(row["status"], 0) + 1
            for status, n in sorted(counts.items()):
                cases.add_metric([status], n)
        except Exception:
            logging.getLogger("kozaguard.metrics").exception("cases store unreadable")
        yield cases


def cases_store_of(state, cases_store):
    """The app's cases store (the same one the cases routes open), without a request."""
    return cases_store(SimpleNamespace(app=SimpleNamespace(state=state)))


def instrument(app: FastAPI) -> Metrics:
    """Count and time every decision of the app's engine door, and every HTTP request."""
    metrics = Metrics(app)
    door = app.state.engine
    decide = door.decide

    def measured(event, source=None):
        start = time.perf_counter()
        decision = decide(event, source)
        metrics.decision_seconds.observe(time.perf_counter() - start)
        if decision is not None:
            metrics.decisions.labels(decision.decision).inc()
        return decision

    door.decide = measured  # decide_raw and login call self.decide: every path is counted
    app.state.metrics = metrics
    app.add_middleware(TimingMiddleware, metrics=metrics)
    return metrics


class TimingMiddleware:
    """HTTP latency per route template (never the raw path: ids would make endless series)."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app, self.metrics = app, metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = [500]

        async def record(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, record)
        finally:
            route = scope.get("route")
            path = getattr(route, "path", None) or "unmatched"
            self.metrics.http_seconds.labels(path, scope["method"], f"{status[0] // 100}xx").observe(
                time.perf_counter() - start
            )


@router.get("/healthz")
def healthz() -> dict:
    return {"status": "ok"}


def _checks(app: FastAPI) -> dict[str, str]:
    """Each store's answer to a trivial query: "ok" or the error."""
    state = app.state
    probes = {
        "engine_state": lambda: state.engine.position(),
        "identity": lambda: state.identity.store.find_customer("readyz-probe"),
        "console": lambda: state.ledger.meta("readyz"),
        "api_keys": lambda: state.apikeys.list(),
        "cases": lambda: _cases_probe(state),
    }
    out = {}
    for name, probe in probes.items():
        try:
            probe()
            out[name] = "ok"
        except Exception as err:
            out[name] = f"{type(err).__name__}: {err}"[:300]
    return out


def _cases_probe(state) -> None:
    from kozaguard.entrypoints.api.cases import cases_store

    with cases_store_of(state, cases_store).unit() as u:
        u.case_id_of("readyz-probe")


@router.get("/readyz")
def readyz(request: Request) -> JSONResponse:
    checks = _checks(request.app)
    ready = all(v == "ok" for v in checks.values())
    return JSONResponse(
        {"status": "ready" if ready else "not_ready", "checks": checks}, 200 if ready else 503
    )


@router.get("/metrics")
def metrics(request: Request) -> Response:
    return Response(generate_latest(request.app.state.metrics.registry), media_type=CONTENT_TYPE_LATEST)


@router.get("/docs")
def docs() -> HTMLResponse:
    """Swagger UI from the package's own files (no CDN: works offline)."""
    return HTMLResponse(
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>kozaguard API</title>"
        "<link rel='stylesheet' href='/static/docs/swagger-ui.css'></head><body>"
        "<div id='swagger-ui'></div><script src='/static/docs/swagger-ui-bundle.js'></script>"
        "<script src='/static/docs/init.js'></script></body></html>"
    )


def install(app: FastAPI) -> None:
    app.include_router(router)
    instrument(app)


# ----- logs ----------------------------------------------------------------------------------------
class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, and the access log's fields."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
        }
        if record.name == "uvicorn.access" and isinstance(record.args, tuple) and len(record.args) == 5:
            client, method, path, version, status = record.args
            out.update(
                event="http.request", client=client, method=method, path=path, http=version, status=status
            )
        else:
            out["message"] = record.getMessage()
        if record.exc_info:
            out["error"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False)


def json_log_config(level: str = "info") -> dict:
    """`logging.config.dictConfig` input for uvicorn and kozaguard: JSON lines on stderr."""
    handler = {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {"json": handler},
        "loggers": {
            "uvicorn": {"handlers": ["json"], "level": level.upper(), "propagate": False},
            "uvicorn.error": {"handlers": ["json"], "level": level.upper(), "propagate": False},
            "uvicorn.access": {"handlers": ["json"], "level": level.upper(), "propagate": False},
            "kozaguard": {"handlers": ["json"], "level": level.upper(), "propagate": False},
        },
    }
