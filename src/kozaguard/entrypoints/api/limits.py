"""Request bodies the app will read: bounded in bytes while they arrive, and JSON bounded in depth.

An ASGI middleware in front of every route. A declared `Content-Length` over the limit is refused
before a byte of the body is read; a chunked body is counted as it arrives and refused as soon as
it passes the limit, so a 200 MB upload never sits in memory. A JSON body must be UTF-8 and nest at
most `max_json_depth` levels. Refusals are 413 / 400 in the API's error shape.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import accumulate

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kozaguard.entrypoints.api.errors import ApiError


@dataclass(frozen=True)
class BodyLimits:
    """`max_body_bytes` for one request (one event); the batch doors take `max_batch_bytes`."""

    max_body_bytes: int = 1 << 20
    max_batch_bytes: int = 8 << 20
    max_json_depth: int = 32
    batch_paths: tuple[str, ...] = ("/v1/events", "/phishing/check")

    def for_path(self, path: str) -> int:
        return self.max_batch_bytes if path in self.batch_paths else self.max_body_bytes


class _TooLarge(Exception):
    pass


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, limits: BodyLimits) -> None:
        self.app, self.limits = app, limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limits.for_path(scope["path"])
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await too_large(limit).response()(scope, receive, send)
            return
        kind = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
        if _is_json(kind) and scope["method"] in ("POST", "PUT", "PATCH", "DELETE"):
            try:
                body = await _read(receive, limit)
            except _TooLarge:
                await too_large(limit).response()(scope, receive, send)
                return
            problem = json_problem(body, self.limits.max_json_depth)
            if problem is not None:
                await problem.response()(scope, receive, send)
                return
            await self.app(scope, _replay(body, receive), send)
            return
        await self._streamed(scope, receive, send, limit)

    async def _streamed(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        """Pass the body through as it comes, counting; past the limit the app's answer is replaced."""
        seen, over, started = 0, False, False

        async def counted() -> Message:
            nonlocal seen, over
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    over = True
                    raise _TooLarge
            return message

        async def guarded(message: Message) -> None:
            nonlocal started
            if over:
                return
            started = True
            await send(message)

        try:
            await self.app(scope, counted, guarded)
        except Exception:
            if not over:
                raise
        if over and not started:
            await too_large(limit).response()(scope, receive, send)


async def _read(receive: Receive, limit: int) -> bytes:
    chunks, seen = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        seen += len(chunk)
        if seen > limit:
            raise _TooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def again() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return again


def _is_json(kind: bytes) -> bool:
    return kind == b"application/json" or kind.endswith(b"+json") or kind == b""


def too_large(limit: int) -> ApiError:
    return ApiError(
        413,
        "body_too_large",
        f"The request body is larger than {limit:,} bytes.",
        message_ja="送信データが大きすぎます。",
        field="body",
        fix="Send less per request (split a batch), or raise the limit in the settings (docs/security.md).",
        details={"limit_bytes": limit},
        headers={"Connection": "close"},  # the rest of the body is not wanted: the server hangs up
    )


_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = bytes(range(256)).translate(None, b"[]{}")
_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


def json_depth(body: bytes) -> int:
    """How deep the arrays and objects of a JSON text nest (brackets inside strings do not count).

    >>> json_depth(b'{"a": [1, {"b": "[[["}]}')
    3
    """
    brackets = _STRING.sub(b"", body).translate(None, _BRACKETS)
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)


def json_problem(body: bytes, max_depth: int) -> ApiError | None:
    """Why a JSON body cannot be read (not UTF-8, too deep), or None. Syntax is the parser's job."""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as err:
        return ApiError(
            400,
            "invalid_encoding",
            f"The body is not UTF-8 (byte {err.start}).",
            message_ja="文字コードが正しくありません(UTF-8で送信してください)。",
            field="body",
            fix="Encode the JSON body as UTF-8.",
            details={"offset": err.start},
        )
    depth = json_depth(body)
    if depth > max_depth:
        return ApiError(
            400,
            "json_too_deep",
            f"The JSON nests {depth} levels; at most {max_depth} are read.",
            message_ja="送信データの入れ子が深すぎます。",
            field="body",
            fix=f"Flatten the document to at most {max_depth} levels of arrays and objects.",
            details={"depth": depth, "limit": max_depth},
        )
    return None
