"""The FastAPI application: `create_app(settings)` wires the store, the serving index, keys and audit.

uvicorn --factory trustscreen.api.app:app_from_env      # what `trustscreen serve` runs per worker
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import sqlalchemy as sa
from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from trustscreen import __version__, catalog
from trustscreen.api import errors, health, native, yente
from trustscreen.api.auth import KeyVerifier
from trustscreen.api.middleware import AuditMiddleware, BodyLimitMiddleware, InFlightMiddleware
from trustscreen.api.recorder import AuditRecorder
from trustscreen.api.settings import ApiSettings
from trustscreen.api.state import ServingState
from trustscreen.store import Store

log = logging.getLogger("trustscreen.api")

DESCRIPTION = """
Screen names against sanctions, export-control and technology-trust lists.

* **Native API** (`/v1`): the CLI's commands, answering with the CLI's `--json` shapes.
* **yente-compatible API** (`/match`, `/search`, `/entities`, `/catalog`, `/algorithms`): existing
  yente / OpenSanctions clients work unchanged.

Every route but `/healthz` and `/readyz` needs an API key: `Authorization: ApiKey KEY` or
`Authorization: Bearer KEY` (`trustscreen keys create --role read|screen|admin`). Errors are JSON:
`{"error": {"code", "message", "field"}, "detail"}`.
"""

TAGS = [
    {"name": "Screening", "description": "Native screening routes (role `screen`)."},
    {"name": "Lists and entities", "description": "Read the stored lists (role `read`)."},
    {"name": "Administration", "description": "Role `admin`."},
    {"name": "yente", "description": "yente-compatible routes."},
    {"name": "System", "description": "Health and readiness, without a key."},
]


def create_app(settings: ApiSettings | None = None, *, store: Store | None = None) -> FastAPI:
    settings = settings or ApiSettings.from_env()
    store = store or Store(settings.database_url)
    serving = ServingState(store, settings)
    recorder = AuditRecorder(store.engine) if settings.audit else None

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await run_in_threadpool(prepare_store, store)
        serving.start()
        await run_in_threadpool(serving.wait_ready, settings.startup_wait_s)
        if recorder is not None:
            recorder.start()
        try:
            yield
        finally:
            serving.stop()
            if recorder is not None:
                recorder.stop()

    app = FastAPI(
        title="trustscreen",
        version=__version__,
        description=DESCRIPTION,
        openapi_tags=TAGS,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.store = store
    app.state.serving = serving
    app.state.recorder = recorder
    app.state.verifier = KeyVerifier(store.engine, settings.key_cache_s)
    errors.install(app)
    app.include_router(health.router)
    app.include_router(native.router)
    app.include_router(yente.router)
    # Added last = outermost: the audit also records requests refused for their size.
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(AuditMiddleware, recorder=recorder)
    app.add_middleware(InFlightMiddleware, state=serving)
    return app


def prepare_store(store: Store) -> None:
    """WAL on SQLite (list loads in another process then never block readers), and the curated bundle."""
    if store.engine.dialect.name == "sqlite":
        try:
            with store.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA journal_mode=WAL")
        except sa.exc.OperationalError as exc:
            log.warning("could not switch the SQLite store to WAL: %s", exc)
    try:
        catalog.ensure_curated(store)
    except (sa.exc.IntegrityError, sa.exc.OperationalError) as exc:
        # Another worker or process is loading the same bundle; its versions will be picked up.
        log.info("curated lists not loaded by this worker: %s", exc)


def app_from_env() -> FastAPI:
    return create_app(ApiSettings.from_env())
