"""Liveness and readiness: the only routes that never need a key."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from trustscreen.api.errors import error_body
from trustscreen.api.schemas import ErrorResponse, StatusResult
from trustscreen.api.state import ServingState

router = APIRouter(tags=["System"])


class ReadyResult(StatusResult):
    index: dict[str, Any]


@router.get("/healthz", summary="The process answers", response_model=StatusResult)
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get(
    "/readyz",
    summary="The screening index is built and serving",
    response_model=ReadyResult,
    responses={503: {"model": ErrorResponse, "description": "The index is still being built"}},
)
async def readyz(request: Request) -> JSONResponse:
    state: ServingState = request.app.state.serving
    described = state.describe()
    if not described["ready"]:
        body = error_body("not_ready", "the screening index is still being built", None, index=described)
        return JSONResponse(body, status_code=503)
    return JSONResponse({"status": "ok", "index": described})
