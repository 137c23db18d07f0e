"""The audit trail: one row per screening request (who, when, what was asked, which entities came back)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from trustscreen.store.schema import audit


@dataclass(frozen=True, slots=True)
class AuditRecord:
    at: datetime
    key_id: int | None
    key_prefix: str | None
    method: str
    route: str
    status: int
    client: str | None
    duration_ms: float | None
    # The queries as the server understood them (JSON-serialisable).
    request: dict[str, Any]
    # One list of entity ids per query, in the order they were returned.
    result_ids: list[Any]


def record(engine: Engine, records: Sequence[AuditRecord]) -> None:
    """Write the records in one transaction: all of them or (on error) none."""
    if not records:
        return
    with engine.begin() as conn:
        conn.execute(sa.insert(audit), [asdict(r) for r in records])


def recent(
    engine: Engine,
    *,
    limit: int = 100,
    before_id: int | None = None,
    key_prefix: str | None = None,
) -> list[dict[str, Any]]:
    """Newest first; `before_id` pages back through older rows."""
    query = sa.select(audit).order_by(audit.c.id.desc()).limit(limit)
    if before_id is not None:
        query = query.where(audit.c.id < before_id)
    if key_prefix is not None:
        query = query.where(audit.c.key_prefix == key_prefix)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return [_row_dict(row._mapping) for row in rows]


def _row_dict(row: Any) -> dict[str, Any]:
    data = dict(row)
    at = data["at"]
    data["at"] = (at if at.tzinfo is not None else at.replace(tzinfo=UTC)).isoformat()
    return data
