"""API keys: random secrets shown once at creation, stored only as a sha256 hash, each with a role.

A key reads `ts_<prefix>_<secret>`. The prefix (8 hex digits) finds the row and names the key in
listings and audit rows; the hash of the whole key authenticates it. Roles are ordered:
read < screen < admin, and a key may do everything a lower role may.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from trustscreen.errors import ConfigError, StoreError
from trustscreen.store.schema import api_keys

_PREFIX_TRIES = 5


class Role(StrEnum):
    READ = "read"
    SCREEN = "screen"
    ADMIN = "admin"

    def allows(self, needed: Role) -> bool:
        return _RANK[self] >= _RANK[needed]


_RANK = {Role.READ: 0, Role.SCREEN: 1, Role.ADMIN: 2}


def parse_role(value: str) -> Role:
    try:
        return Role(value.strip().lower())
    except ValueError:
        raise ConfigError(f"role {value!r} is not known; expected one of: read, screen, admin") from None


@dataclass(frozen=True, slots=True)
class ApiKey:
    id: int
    prefix: str
    role: Role
    label: str | None
    created_at: datetime
    revoked_at: datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "prefix": self.prefix,
            "role": self.role.value,
            "label": self.label,
            "created_at": self.created_at.isoformat(),
            "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
        }


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def key_prefix(key: str) -> str | None:
    """The prefix of a well-formed key, or None for anything else (so junk never reaches SQL)."""
    parts = key.split("_", 2)
    if len(parts) != 3 or parts[0] != "ts" or len(parts[1]) != 8 or not parts[2]:
        return None
    if any(ch not in "0123456789abcdef" for ch in parts[1]):
        return None
    return parts[1]


def create_key(engine: Engine, role: Role | str, label: str | None = None) -> tuple[ApiKey, str]:
    """A new key and its plaintext, which the caller shows once: it cannot be recovered later."""
    wanted = role if isinstance(role, Role) else parse_role(role)
    for _ in range(_PREFIX_TRIES):
        prefix = secrets.token_hex(4)
        key = f"ts_{prefix}_{secrets.token_urlsafe(32)}"
        row = {
            "prefix": prefix,
            "key_hash": hash_key(key),
            "role": wanted.value,
            "label": label,
            "created_at": datetime.now(UTC),
            "revoked_at": None,
        }
        try:
            with engine.begin() as conn:
                inserted = conn.execute(sa.insert(api_keys).values(**row)).inserted_primary_key
        except sa.exc.IntegrityError:
            continue  # two keys drew the same 32-bit prefix: draw again
        if inserted is None:  # pragma: no cover - every supported dialect returns the key
            raise StoreError("database did not return the new key's id")
        return _key_from_row({"id": int(inserted[0]), **row}), key
    raise StoreError("could not draw an unused key prefix; try again")  # pragma: no cover


def list_keys(engine: Engine) -> list[ApiKey]:
    with engine.connect() as conn:
        rows = conn.execute(sa.select(api_keys).order_by(api_keys.c.id)).all()
    return [_key_from_row(row._mapping) for row in rows]


def find_key(engine: Engine, ident: str) -> ApiKey:
    """A key by its id number or prefix (what `keys ls` shows)."""
    ident = ident.strip()
    row = None
    with engine.connect() as conn:
        # A prefix may be all digits ("20481632"): try it as a prefix first, then as an id.
        if len(ident) == 8:
            row = conn.execute(sa.select(api_keys).where(api_keys.c.prefix == ident)).first()
        if row is None and ident.isdigit() and len(ident) < 19:
            row = conn.execute(sa.select(api_keys).where(api_keys.c.id == int(ident))).first()
    if row is None:
        raise StoreError(f"no API key with id or prefix {ident!r}; see `trustscreen keys ls`")
    return _key_from_row(row._mapping)


def revoke_key(engine: Engine, ident: str) -> ApiKey:
    """Revoke a key for good; revoking a revoked key keeps its first revocation time."""
    key = find_key(engine, ident)
    if key.revoked_at is not None:
        return key
    with engine.begin() as conn:
        conn.execute(
            sa.update(api_keys)
            .where(api_keys.c.id == key.id, api_keys.c.revoked_at.is_(None))
            .values(revoked_at=datetime.now(UTC))
        )
    return find_key(engine, str(key.id))


def lookup_key(engine: Engine, prefix: str) -> tuple[ApiKey, str] | None:
    """The key with this prefix and its stored hash (for callers that cache verification)."""
    with engine.connect() as conn:
        row = conn.execute(sa.select(api_keys).where(api_keys.c.prefix == prefix)).first()
    if row is None:
        return None
    return _key_from_row(row._mapping), str(row._mapping["key_hash"])


def verify_key(engine: Engine, key: str) -> ApiKey | None:
    """The active key record for this plaintext key, or None (unknown, malformed or revoked)."""
    prefix = key_prefix(key)
    if prefix is None:
        return None
    found = lookup_key(engine, prefix)
    if found is None:
        return None
    record, stored_hash = found
    if not hmac.compare_digest(stored_hash, hash_key(key)) or not record.active:
        return None
    return record


def _key_from_row(row: Any) -> ApiKey:
    return ApiKey(
        id=row["id"],
        prefix=row["prefix"],
        role=Role(row["role"]),
        label=row["label"],
        created_at=_aware(row["created_at"]),
        revoked_at=_aware(row["revoked_at"]) if row["revoked_at"] is not None else None,
    )


def _aware(value: datetime) -> datetime:
    # SQLite hands back naive datetimes; every time the store writes is UTC.
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
