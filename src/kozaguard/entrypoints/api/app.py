"""`create_app(settings)`: a thin assembly of routers; each domain brings its own APIRouter."""

from __future__ import annotations

from fastapi import FastAPI

from kozaguard.entrypoints.api import errors
from kozaguard.entrypoints.api.bootstrap import engine_door, identity_service
from kozaguard.entrypoints.api.events import router as events_router
from kozaguard.entrypoints.api.identity import router as identity_router
from kozaguard.entrypoints.api.settings import Settings
from kozaguard.entrypoints.web import pages
from kozaguard.phishing.api import router as phishing_router


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app: services from settings, then routers, error handlers and static files."""
    settings = settings or Settings.from_env()
    app = FastAPI(
        title="kozaguard",
        summary="Account-takeover defence for online brokerages.",
        version="0.1.0",
    )
    app.state.settings = settings
    app.state.engine = engine_door(settings)
    app.state.identity = identity_service(settings, app.state.engine)
    errors.install(app)
    app.include_router(identity_router)
    app.include_router(events_router)
    app.include_router(phishing_router)
    pages.install(app)
    return app
