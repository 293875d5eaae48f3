"""Error bodies: every refusal is JSON naming the field at fault and the fix.

One shape (`ErrorBody`) for every 4xx and 5xx the app sends: refusals of the identity service, of
API keys, of request validation, of the request guards (size, depth, encoding, origin), and the
framework's own (404, 405). An unexpected exception is logged and answered with a generic 500 in
the same shape, never a traceback.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from webauthn.helpers.exceptions import WebAuthnException

from kozaguard.apikeys import KeyRefused
from kozaguard.identity.errors import IdentityError

log = logging.getLogger("kozaguard.api")


class ErrorBody(BaseModel):
    error: str
    message: str
    message_ja: str = ""
    field: str | None = None
    fix: str = ""
    details: dict = {}


class ApiError(Exception):
    """A refusal raised by the HTTP layer itself (request guards, the events door)."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        message_ja: str = "",
        field: str | None = None,
        fix: str = "",
        details: dict | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.message_ja, self.field, self.fix = message_ja, field, fix
        self.details, self.headers = details or {}, headers

    def response(self) -> JSONResponse:
        return error_response(
            self.status,
            ErrorBody(
                error=self.code,
                message=self.message,
                message_ja=self.message_ja,
                field=self.field,
                fix=self.fix,
                details=self.details,
            ),
            self.headers,
        )


def error_response(status: int, body: ErrorBody, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(body.model_dump(), status_code=status, headers=headers)


#: Error responses to declare on a route, so the OpenAPI (and clients generated from it) know the shape.
def responses(*statuses: int) -> dict[int | str, dict]:
    return {s: {"model": ErrorBody, "description": _REASONS.get(s, "refused")} for s in statuses}


_REASONS = {
    400: "bad request",
    401: "no valid credential",
    403: "credential lacks the right",
    404: "not found",
    409: "conflict",
    413: "request body too large",
    415: "unsupported media type",
    422: "invalid request",
    423: "locked",
    429: "too many requests",
}
_HTTP_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "body_too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
}


def install(app: FastAPI) -> None:
    @app.exception_handler(IdentityError)
    async def identity_error(_: Request, exc: IdentityError) -> JSONResponse:
        body = ErrorBody(
            error=exc.code,
            message=exc.message,
            message_ja=exc.message_ja,
            field=exc.field,
            fix=exc.fix,
            details=exc.details,
        )
        retry = exc.details.get("retry_after")
        return error_response(exc.status, body, {"Retry-After": str(retry)} if retry else None)

    @app.exception_handler(KeyRefused)
    async def key_refused(_: Request, exc: KeyRefused) -> JSONResponse:
        challenge = 'ApiKey realm="kozaguard", header="X-API-Key"'
        if exc.status == 403:
            challenge += f', error="insufficient_scope", scope="{" ".join(s.value for s in exc.wanted)}"'
        body = ErrorBody(
            error=exc.code,
            message=exc.message,
            message_ja=exc.message_ja,
            field="X-API-Key",
            fix=exc.fix,
            details={"scopes": [s.value for s in exc.wanted]},
        )
        return error_response(exc.status, body, {"WWW-Authenticate": challenge})

    @app.exception_handler(ApiError)
    async def api_error(_: Request, exc: ApiError) -> JSONResponse:
        return exc.response()

    @app.exception_handler(WebAuthnException)
    async def passkey_unreadable(_: Request, exc: WebAuthnException) -> JSONResponse:
        body = ErrorBody(
            error="passkey_invalid",
            message=f"The passkey answer cannot be used: {exc}.",
            message_ja="パスキーの応答を読み取れませんでした。もう一度お試しください。",
            field="credential",
            fix="Send the authenticator's answer (navigator.credentials result) as JSON, unchanged.",
        )
        return error_response(422, body)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else "refused"
        body = ErrorBody(
            error=_HTTP_CODES.get(exc.status_code, "http_error"),
            message=detail,
            fix="See /docs for the routes, methods and bodies the API takes.",
        )
        return error_response(exc.status_code, body, getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            {
                "field": ".".join(str(p) for p in e.get("loc", ()) if p != "body"),
                "message": e.get("msg", ""),
                "fix": _fix(e),
            }
            for e in exc.errors()
        ]
        first = problems[0] if problems else {"field": None, "message": "invalid request", "fix": ""}
        body = ErrorBody(
            error="invalid_request",
            message=f"{first['field']}: {first['message']}",
            message_ja="入力内容に誤りがあります。",
            field=first["field"],
            fix=first["fix"],
            details={"problems": problems},
        )
        return error_response(422, body)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
        body = ErrorBody(
            error="internal_error",
            message="The server could not handle this request.",
            message_ja="処理できませんでした。時間をおいて再度お試しください。",
            fix="Try again later; if it persists, report the time and path to the operator.",
        )
        return error_response(500, body)


def _fix(error: dict) -> str:
    kind = error.get("type", "")
    if kind == "missing":
        return "Add this field."
    if kind.startswith("string_too"):
        return "Change the length as the message says."
    if kind in ("enum", "literal_error"):
        return f"Use one of the allowed values ({error.get('ctx', {}).get('expected', '')})."
    if kind == "json_invalid":
        return "Send a valid JSON document encoded in UTF-8."
    return "Send a value of the documented type (see /docs)."
