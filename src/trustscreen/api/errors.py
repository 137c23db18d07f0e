"""Every error a client sees is JSON: {"error": {"code", "message", "field"}, "detail": message}.

`detail` repeats the message because yente clients read that key. Unexpected exceptions become a
500 with a reference the operator finds in the server log; a stack trace never reaches a client.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from trustscreen.errors import ConfigError, StoreError, TrustscreenError

log = logging.getLogger("trustscreen.api")

_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "body_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "too_many_requests",
    501: "not_implemented",
    503: "not_ready",
}


class ApiError(Exception):
    """An error the client caused or can act on, with the field it concerns when there is one."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        field: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.headers = headers


def error_body(code: str, message: str, field: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "field": field, **extra}, "detail": message}


def error_response(
    status: int, code: str, message: str, field: str | None = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(error_body(code, message, field), status_code=status, headers=headers)


def install(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(TrustscreenError, _trustscreen_error)
    app.add_exception_handler(Exception, _unexpected)


async def _api_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return error_response(exc.status, exc.code, exc.message, exc.field, exc.headers)


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = [_problem(err) for err in exc.errors()]
    if not problems:  # pragma: no cover - pydantic always says what failed
        return error_response(422, "validation_error", "request is not valid")
    first_field, first_message = problems[0]
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    message = f"{first_field}: {first_message}{more}" if first_field else f"{first_message}{more}"
    body = error_body(
        "validation_error",
        message,
        first_field,
        errors=[{"field": f, "message": m} for f, m in problems[:20]],
    )
    return JSONResponse(body, status_code=422)


def _problem(err: Any) -> tuple[str | None, str]:
    loc: Sequence[Any] = err.get("loc", ())
    kind = err.get("type", "")
    # The body's own fields are named as in the documentation; query and path fields keep their place.
    parts = [str(p) for p in (loc[1:] if loc and loc[0] == "body" else loc)]
    field = ".".join(parts) or ("body" if loc and loc[0] == "body" else None)
    if kind == "json_invalid":
        return "body", "request body is not valid JSON"
    if kind == "missing" and field == "body":
        return "body", "request body is missing; expected a JSON object"
    # Never echo the offending input back: it may be huge, or carry what the client sent by mistake.
    return field, str(err.get("msg", "invalid value"))


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _CODES.get(exc.status_code, "error")
    message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
    if exc.status_code == 404 and message == "Not Found":
        message = "no such route; see /docs for the routes this server has"
    return error_response(exc.status_code, code, message, None, dict(exc.headers or {}) or None)


async def _trustscreen_error(_request: Request, exc: Exception) -> JSONResponse:
    if isinstance(exc, StoreError):
        return error_response(404, "not_found", str(exc))
    if isinstance(exc, ConfigError):
        return error_response(400, "invalid_value", str(exc))
    return error_response(400, "bad_request", str(exc))


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    reference = uuid.uuid4().hex[:12]
    log.error("unexpected error %s on %s %s", reference, request.method, request.url.path, exc_info=exc)
    return error_response(500, "internal_error", f"internal error; the server log has reference {reference}")
