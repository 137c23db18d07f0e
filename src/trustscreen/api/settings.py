"""API settings, read from TRUSTSCREEN_API_* variables so every uvicorn worker sees the same ones."""

from __future__ import annotations

import os
from dataclasses import dataclass

from trustscreen.errors import ConfigError
from trustscreen.settings import database_url_from, load_settings

_TRUE = {"1", "true", "yes", "on"}
_MAX_BODY_BYTES = 2 * 1024 * 1024
_MAX_BATCH = 1000
_POLL_S = 2.0
_KEY_CACHE_S = 5.0
_FALSE = {"0", "false", "no", "off", ""}


@dataclass(frozen=True, slots=True)
class ApiSettings:
    database_url: str
    # True: GET routes that only read lists and entities answer without a key (screening never does).
    open_read: bool = False
    # Largest request body accepted; a batch of 1,000 queries with long names stays well below it.
    max_body_bytes: int = _MAX_BODY_BYTES
    max_batch: int = _MAX_BATCH
    max_limit: int = 100
    # How often each worker asks the store whether a new list version landed.
    poll_interval_s: float = _POLL_S
    # How long a verified key is trusted before it is looked up again (so revocation takes this long).
    key_cache_s: float = _KEY_CACHE_S
    audit: bool = True
    # Screen a few names in several scripts before serving, so the first real requests are not slow.
    warm_up: bool = True
    # A worker takes no connection until its index is built (or this long has passed): with several
    # workers on one socket, a worker still building never answers 503 while the others could answer.
    startup_wait_s: float = 600.0

    @classmethod
    def from_env(cls, database_url: str | None = None) -> ApiSettings:
        env = os.environ
        return cls(
            database_url=database_url_from(database_url) if database_url else load_settings().database_url,
            open_read=_flag(env, "TRUSTSCREEN_API_OPEN_READ", False),
            max_body_bytes=_int(env, "TRUSTSCREEN_API_MAX_BODY_BYTES", _MAX_BODY_BYTES, 1024),
            max_batch=_int(env, "TRUSTSCREEN_API_MAX_BATCH", _MAX_BATCH, 1),
            poll_interval_s=_float(env, "TRUSTSCREEN_API_POLL_S", _POLL_S, 0.05),
            key_cache_s=_float(env, "TRUSTSCREEN_API_KEY_CACHE_S", _KEY_CACHE_S, 0.0),
            audit=_flag(env, "TRUSTSCREEN_API_AUDIT", True),
            warm_up=_flag(env, "TRUSTSCREEN_API_WARM_UP", True),
        )


def _flag(env: os._Environ[str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError(f"{name}={raw!r}; expected 1/0, true/false, yes/no or on/off")


def _int(env: os._Environ[str], name: str, default: int, minimum: int) -> int:
    raw = env.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r}; expected a whole number") from None
    if value < minimum:
        raise ConfigError(f"{name}={value}; expected at least {minimum}")
    return value


def _float(env: os._Environ[str], name: str, default: float, minimum: float) -> float:
    raw = env.get(name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r}; expected a number") from None
    if value < minimum:
        raise ConfigError(f"{name}={value}; expected at least {minimum}")
    return value
