"""`create_app(settings)`: a thin assembly of routers; each domain brings its own APIRouter.

Middleware, outermost first: the client address behind trusted proxies, browser guards (security
headers, same-origin state changes, Secure cookies), then request-body limits; error handlers give
every refusal one JSON shape.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import Depends, FastAPI

from kozaguard.apikeys import Scope
from kozaguard.bootstrap import api_keys, engine_door, identity_service, staff_directory
from kozaguard.config import Settings, load_settings
from kozaguard.console.ledger import Ledger
from kozaguard.entrypoints.api import errors, ops
from kozaguard.entrypoints.api.auth import require_scope
from kozaguard.entrypoints.api.browser import BrowserGuardMiddleware
from kozaguard.entrypoints.api.cases import router as cases_router
from kozaguard.entrypoints.api.events import router as events_router
from kozaguard.entrypoints.api.identity import router as identity_router
from kozaguard.entrypoints.api.limits import BodyLimitMiddleware, BodyLimits
from kozaguard.entrypoints.api.phishing import router as phishing_router
from kozaguard.entrypoints.api.proxies import TrustedProxyMiddleware, parse_networks
from kozaguard.entrypoints.console import routes as console
from kozaguard.entrypoints.console.auth import new_csrf_key
from kozaguard.entrypoints.web import pages


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app: services from settings (by default the `KOZAGUARD_*` variables over the
    defaults), then routers, middleware, error handlers, static files."""
    settings = settings or load_settings()
    app = FastAPI(
        title="kozaguard",
        summary="Account-takeover defence for online brokerages.",
        version="0.1.0",
        # every route may meet the request guards: bad encoding or depth (400), a body too large (413)
        responses=errors.responses(400, 413),
        docs_url=None,  # /docs is ops.docs: Swagger UI from the package's own files
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.clock = lambda: datetime.now(UTC)
    app.state.engine = engine_door(settings)
    app.state.identity = identity_service(settings, app.state.engine)
    app.state.apikeys = api_keys(settings)
    app.state.staff = staff_directory(settings)
    app.state.csrf_key = new_csrf_key()
    app.state.ledger = Ledger(settings.http.console_store)
    app.state.phishing_recent = []
    errors.install(app)
    # the events door first: routes are matched in order, and it takes the most requests by far
    app.include_router(events_router)
    app.include_router(identity_router)
    app.include_router(cases_router)
    app.include_router(
        phishing_router,
        dependencies=[Depends(require_scope(Scope.PHISHING_CHECK))],
        responses=errors.responses(401, 403, 413, 422),
    )
    pages.install(app)
    console.install(app)
    ops.install(app)
    limits = BodyLimits(
        max_body_bytes=settings.http.max_body_bytes,
        max_batch_bytes=settings.http.max_batch_bytes,
        max_json_depth=settings.http.max_json_depth,
    )
    app.add_middleware(BodyLimitMiddleware, limits=limits)
    app.add_middleware(BrowserGuardMiddleware, origins=settings.identity.origins)
    app.add_middleware(TrustedProxyMiddleware, networks=parse_networks(settings.http.trusted_proxies))
    return app
