"""Versioned list store (SQLAlchemy; SQLite by default, PostgreSQL by URL; Alembic migrations)."""

from trustscreen.store.db import ListDiff, ListVersion, LoadResult, Store

__all__ = ["ListDiff", "ListVersion", "LoadResult", "Store"]
