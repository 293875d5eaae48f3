"""What browsers are told and asked: security headers on every response, same-origin state changes.

`BrowserGuardMiddleware` does three things for every HTTP request:

- a state-changing request (POST, PUT, PATCH, DELETE) that a browser could send on its own
  (it carries a cookie, or a form / plain-text body) must come from the app's own origin:
  `Origin` must be the request's own origin or a configured one, and when a browser sends no
  `Origin`, `Sec-Fetch-Site` must be `same-origin` or `none`; otherwise 403 `cross_origin`;
- every response gets CSP, X-Frame-Options, X-Content-Type-Options, Referrer-Policy and
  Cross-Origin-Opener-Policy, plus HSTS when the request came over https;
- over https (or when every configured origin is https) every cookie set is marked `Secure`.

Broker systems calling with an API key and a JSON body carry no cookie, so they are not asked for
an Origin.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kozaguard.entrypoints.api.errors import ApiError

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
#: The interactive docs (Swagger UI, shipped in the package) set inline styles; scripts stay our own.
DOCS_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
HSTS = "max-age=63072000; includeSubDomains"
_FIXED = {
    b"x-frame-options": b"DENY",
    b"x-content-type-options": b"nosniff",
    b"referrer-policy": b"no-referrer",
    b"cross-origin-opener-policy": b"same-origin",
}
_STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
_BROWSER_BODIES = {b"application/x-www-form-urlencoded", b"multipart/form-data", b"text/plain"}
_DOCS = ("/docs", "/static/docs/")


class BrowserGuardMiddleware:
    def __init__(self, app: ASGIApp, origins: tuple[str, ...]) -> None:
        self.app = app
        self.origins = {o.rstrip("/").lower() for o in origins}
        self.always_secure = bool(origins) and all(o.startswith("https://") for o in origins)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        refusal = self._cross_origin(scope, headers)
        https = scope.get("scheme") == "https"
        secure = https or self.always_secure
        csp = (DOCS_CSP if scope["path"].startswith(_DOCS) else CSP).encode()

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                out = list(message.get("headers", []))
                present = {k.lower() for k, _ in out}
                out += [(k, v) for k, v in _FIXED.items() if k not in present]
                if b"content-security-policy" not in present:
                    out.append((b"content-security-policy", csp))
                if https and b"strict-transport-security" not in present:
                    out.append((b"strict-transport-security", HSTS.encode()))
                if secure:
                    out = [(k, _secure(v) if k.lower() == b"set-cookie" else v) for k, v in out]
                message = {**message, "headers": out}
            await send(message)

        if refusal is not None:
            await refusal.response()(scope, receive, with_headers)
            return
        await self.app(scope, receive, with_headers)

    def _cross_origin(self, scope: Scope, headers: dict[bytes, bytes]) -> ApiError | None:
        if scope["method"] not in _STATE_CHANGING:
            return None
        kind = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
        if b"cookie" not in headers and kind not in _BROWSER_BODIES:
            return None
        origin = headers.get(b"origin")
        site = headers.get(b"sec-fetch-site", b"").decode("latin-1").strip().lower()
        if origin is not None:
            text = origin.decode("latin-1").strip().rstrip("/").lower()
            if text in self.origins or text == _own_origin(scope, headers):
                return None
            # under `Referrer-Policy: no-referrer` a browser's own form post says `Origin: null`; the
            # browser's Sec-Fetch-Site (no page can set it) then tells whether it came from this site
            if text == "null" and site == "same-origin":
                return None
            return _refusal(f"Origin {text!r} is not this site.")
        if site and site not in ("same-origin", "none"):
            return _refusal(f"Sec-Fetch-Site is {site!r}: the request came from another site.")
        return None


def _own_origin(scope: Scope, headers: dict[bytes, bytes]) -> str:
    host = headers.get(b"host", b"").decode("latin-1").strip().lower()
    return f"{scope.get('scheme', 'http')}://{host}"


def _secure(cookie: bytes) -> bytes:
    attrs = {a.strip().split(b"=")[0].lower() for a in cookie.split(b";")[1:]}
    return cookie if b"secure" in attrs else cookie + b"; Secure"


def _refusal(why: str) -> ApiError:
    return ApiError(
        403,
        "cross_origin",
        f"{why} State changes are accepted only from the site's own pages.",
        message_ja="このページからの操作は受け付けられません。当社サイトから操作してください。",
        field="Origin",
        fix="Send the request from the site's own origin (configure others as identity.origins).",
    )
