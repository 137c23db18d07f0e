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
