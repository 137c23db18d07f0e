"""Tables. Changing them means a new Alembic revision in store/migrations/versions."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

list_versions = sa.Table(
    "list_versions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("list_id", sa.String(200), nullable=False, index=True),
    # 1, 2, 3 … per list, in load order.
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("jurisdiction", sa.String(20)),
    sa.Column("publisher", sa.Text, nullable=False),
    sa.Column("source_format", sa.String(50), nullable=False),
    sa.Column("source_url", sa.Text),
    sa.Column("as_of", sa.String(32)),
    sa.Column("licence", sa.Text),
    sa.Column("content_hash", sa.String(64), nullable=False),
    sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("entity_count", sa.Integer, nullable=False),
    sa.Column("name_count", sa.Integer, nullable=False),
    sa.Column("listing_count", sa.Integer, nullable=False),
    sa.Column("files", sa.JSON, nullable=False),
    sa.UniqueConstraint("list_id", "version", name="uq_list_versions_list_version"),
    sa.UniqueConstraint("list_id", "content_hash", name="uq_list_versions_list_hash"),
)

entities = sa.Table(
    "entities",
    metadata,
    sa.Column("version_id", sa.Integer, sa.ForeignKey("list_versions.id"), primary_key=True),
    sa.Column("entity_id", sa.String(300), primary_key=True),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("primary_name", sa.Text, nullable=False),
    # The whole record as Entity.to_dict(); rows are immutable once their version is written.
    sa.Column("data", sa.JSON, nullable=False),
    sa.Index("ix_entities_entity_id", "entity_id"),
)

names = sa.Table(
    "names",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("version_id", sa.Integer, sa.ForeignKey("list_versions.id"), nullable=False),
    sa.Column("entity_id", sa.String(300), nullable=False),
    sa.Column("value", sa.Text, nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    # Case-, accent- and punctuation-folded form for exact lookups in SQL.
    sa.Column("lookup_key", sa.Text, nullable=False),
    sa.Index("ix_names_lookup_key", "lookup_key"),
    sa.Index("ix_names_version", "version_id"),
)

# ---- API keys and the audit trail (revision 0002) ---------------------------------------------

api_keys = sa.Table(
    "api_keys",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    # Shown in `keys ls` and audit rows, and used to find the row; never enough to authenticate.
    sa.Column("prefix", sa.String(16), nullable=False),
    # sha256 of the whole key: the key itself is shown once, at creation, and never stored.
    sa.Column("key_hash", sa.String(64), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("label", sa.Text),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("revoked_at", sa.DateTime(timezone=True)),
    sa.UniqueConstraint("prefix", name="uq_api_keys_prefix"),
)

audit = sa.Table(
    "audit",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    # No foreign key: a request with an unknown or revoked key is recorded too.
    sa.Column("key_id", sa.Integer),
    sa.Column("key_prefix", sa.String(16)),
    sa.Column("method", sa.String(10), nullable=False),
    sa.Column("route", sa.Text, nullable=False),
    sa.Column("status", sa.Integer, nullable=False),
    sa.Column("client", sa.String(100)),
    sa.Column("duration_ms", sa.Float),
    # What was asked (the queries as the server understood them) and which entities came back.
    sa.Column("request", sa.JSON, nullable=False),
    sa.Column("result_ids", sa.JSON, nullable=False),
    sa.Index("ix_audit_at", "at"),
)
