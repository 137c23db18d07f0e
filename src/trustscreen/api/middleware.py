"""ASGI middleware: a cap on request bodies, and the audit record of every screening request."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from trustscreen.api.errors import error_body
from trustscreen.api.recorder import AuditRecorder
from trustscreen.api.state import ServingState
from trustscreen.store.audit import AuditRecord

# Routes whose requests are screening requests (recorded with what was asked and what came back).
AUDITED_PREFIXES = ("/v1/screen", "/v1/compare", "/v1/scan", "/match/", "/search/")


async def _send_json(send: Send, status: int, body: dict[str, Any]) -> None:
    payload = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": payload})


class InFlightMiddleware:
    """Counts the requests being handled, so a background index build can give way to them."""

    def __init__(self, app: ASGIApp, state: ServingState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # Only the event loop thread changes the counter: no lock needed.
        self.state.in_flight += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.state.in_flight -= 1


class BodyLimitMiddleware:
    """Refuse bodies over `max_bytes` with 413 before any of it is parsed.

    The body is read here (up to the cap) and handed on whole, so a chunked upload without a
    Content-Length is held to the same limit.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS", "DELETE"):
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await self._too_large(send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._too_large(send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _too_large(self, send: Send) -> None:
        await _send_json(
            send,
            413,
            error_body(
                "body_too_large",
                f"request body is larger than {self.max_bytes} bytes; split the batch",
                "body",
            ),
        )


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


class AuditMiddleware:
    """After each screening request, queue who asked, when, what and which entities came back.

    The route puts what was asked and the result ids in `request.state.audit`; the auth dependency
    puts the key in `request.state.principal`. Requests refused before that (bad key, invalid body)
    are recorded too, with what is known.
    """

    def __init__(self, app: ASGIApp, recorder: AuditRecorder | None) -> None:
        self.app = app
        self.recorder = recorder

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if self.recorder is None or not path.startswith(AUDITED_PREFIXES):
            await self.app(scope, receive, send)
            return
        state: dict[str, Any] = scope.setdefault("state", {})
        status = 500
        started = time.perf_counter()

        async def send_and_watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_and_watch)
        finally:
            self.recorder.add(_record(scope, state, status, time.perf_counter() - started))


def _record(scope: Scope, state: dict[str, Any], status: int, seconds: float) -> AuditRecord:
    principal = state.get("principal")
    asked, result_ids = state.get("audit", (None, []))
    if asked is None:
        query_string = scope.get("query_string", b"").decode("latin-1")[:2000]
        asked = {"query_string": query_string} if query_string else {}
    client = scope.get("client")
    return AuditRecord(
        at=datetime.now(UTC),
        key_id=getattr(principal, "key_id", None),
        key_prefix=getattr(principal, "prefix", None),
        method=str(scope.get("method", "")),
        route=str(scope.get("path", ""))[:1000],
        status=status,
        client=f"{client[0]}"[:100] if client else None,
        duration_ms=round(seconds * 1000, 3),
        request=asked,
        result_ids=result_ids,
    )
