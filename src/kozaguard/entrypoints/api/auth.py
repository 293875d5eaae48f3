"""API-key authentication for the doors broker systems and staff tools call.

`require_scope("events:write")` is a FastAPI dependency: it returns the calling `Principal`, or
answers 401 (no valid key, with `WWW-Authenticate`) or 403 (valid key, wrong scope) in the API's
error shape. The key travels in the `X-API-Key` header, declared in the OpenAPI as `ApiKey`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Request, Security
from fastapi.security import APIKeyHeader

from kozaguard.apikeys import ApiKeys, Principal, Scope

HEADER = "X-API-Key"
api_key_header = APIKeyHeader(
    name=HEADER,
    scheme_name="ApiKey",
    description="A key from `kozaguard apikey create --scope …`; each route names the scope it needs.",
    auto_error=False,
)


def api_keys(request: Request) -> ApiKeys:
    return request.app.state.apikeys


def require_scope(*scopes: Scope | str) -> Callable[..., Principal]:
    """A dependency admitting keys that hold any one of `scopes`; it returns the caller."""
    wanted = tuple(Scope(s) for s in scopes)

    def caller(request: Request, key: Annotated[str | None, Security(api_key_header)] = None) -> Principal:
        return api_keys(request).authenticate(key, *wanted)

    caller.__doc__ = f"The caller, holding one of: {', '.join(s.value for s in wanted)}."
    return caller
