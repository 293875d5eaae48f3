"""Error bodies: every refusal is JSON naming the field at fault and the fix."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from kozaguard.identity.errors import IdentityError


class ErrorBody(BaseModel):
    error: str
    message: str
    message_ja: str = ""
    field: str | None = None
    fix: str = ""
    details: dict = {}


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
        return JSONResponse(body.model_dump(), status_code=exc.status)

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
        return JSONResponse(body.model_dump(), status_code=422)


def _fix(error: dict) -> str:
    kind = error.get("type", "")
    if kind == "missing":
        return "Add this field."
    if kind.startswith("string_too"):
        return "Change the length as the message says."
    if kind in ("enum", "literal_error"):
        return f"Use one of the allowed values ({error.get('ctx', {}).get('expected', '')})."
    return "Send a value of the documented type (see /docs)."
