"""API keys on requests: `Authorization: ApiKey KEY` (what yente clients send) or `Bearer KEY`.

Roles are ordered read < screen < admin. A verified key is trusted for `key_cache_s` seconds before
the store is asked again, so a revoked key stops working within that time in every worker.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import sqlalchemy as sa
from fastapi import Request, Security
from fastapi.security import APIKeyHeader
from starlette.concurrency import run_in_threadpool

from trustscreen.api.errors import ApiError
from trustscreen.store.keys import ApiKey, Role, hash_key, verify_key
from trustscreen.store.schema import api_keys

_SCHEMES = ("apikey", "bearer")
_MAX_HEADER = 512
_CACHE_MAX = 10_000

authorization_header = APIKeyHeader(
    name="Authorization",
    scheme_name="ApiKey",
    description="`ApiKey KEY` or `Bearer KEY`; create keys with `trustscreen keys create --role ROLE`.",
    auto_error=False,
)


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is asking: a key, or nobody (only on read routes opened by the open-read setting)."""

    key_id: int | None
    prefix: str | None
    role: Role | None


ANONYMOUS = Principal(None, None, None)


class KeyVerifier:
    def __init__(self, engine: sa.Engine, ttl_s: float) -> None:
        self.engine = engine
        self.ttl_s = ttl_s
        self._cache: dict[str, tuple[float, ApiKey]] = {}
        self._lock = threading.Lock()

    def cached(self, key: str) -> ApiKey | None:
        digest = hash_key(key)
        with self._lock:
            hit = self._cache.get(digest)
        if hit is not None and time.monotonic() - hit[0] < self.ttl_s:
            return hit[1]
        return None

    def verify(self, key: str) -> ApiKey | None:
        """Look the key up in the store (blocking); only valid keys are cached."""
        record = verify_key(self.engine, key)
        if record is not None:
            with self._lock:
                if len(self._cache) >= _CACHE_MAX:
                    self._cache.clear()
                self._cache[hash_key(key)] = (time.monotonic(), record)
        return record

    def any_keys(self) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(api_keys.c.id).limit(1)).first() is not None


def parse_authorization(value: str) -> str:
    scheme, _, key = value.strip().partition(" ")
    if scheme.lower() not in _SCHEMES or not key.strip():
        raise ApiError(
            401,
            "unauthorized",
            "Authorization header must be `ApiKey KEY` or `Bearer KEY`",
            "Authorization",
            {"WWW-Authenticate": "ApiKey"},
        )
    return key.strip()


def require(role: Role, *, may_open: bool = False) -> Callable[..., Awaitable[Principal]]:
    """A dependency that lets the request through only with a key of `role` or higher.

    `may_open`: the route only reads lists and entities, so the open-read setting may waive the key.
    """

    async def dependency(request: Request, authorization: str | None = Security(authorization_header)) -> Principal:
        principal = await _authenticate(request, authorization, role, may_open)
        request.state.principal = principal
        return principal

    return dependency


async def _authenticate(request: Request, header: str | None, role: Role, may_open: bool) -> Principal:
    if not header:
        if may_open and request.app.state.settings.open_read:
            return ANONYMOUS
        raise ApiError(
            401,
            "unauthorized",
            "this route needs an API key: send `Authorization: ApiKey KEY` (or `Bearer KEY`)",
            "Authorization",
            {"WWW-Authenticate": "ApiKey"},
        )
    if len(header) > _MAX_HEADER:
        raise ApiError(401, "unauthorized", "Authorization header is too long", "Authorization")
    key = parse_authorization(header)
    verifier: KeyVerifier = request.app.state.verifier
    record = verifier.cached(key)
    if record is None:
        try:
            record = await run_in_threadpool(verifier.verify, key)
        except sa.exc.OperationalError:
            raise ApiError(503, "store_unavailable", "the key store is busy or unreachable; retry shortly") from None
    if record is None:
        raise ApiError(
            401, "unauthorized", "API key is unknown or revoked", "Authorization", {"WWW-Authenticate": "ApiKey"}
        )
    principal = Principal(record.id, record.prefix, record.role)
    if not record.role.allows(role):
        request.state.principal = principal
        raise ApiError(403, "forbidden", f"this route needs the {role.value} role; this key has {record.role.value}")
    return principal
