"""Initial schema: list versions, entities, names.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "list_versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("list_id", sa.String(200), nullable=False),
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
    op.create_index("ix_list_versions_list_id", "list_versions", ["list_id"])
    op.create_table(
        "entities",
        sa.Column("version_id", sa.Integer, sa.ForeignKey("list_versions.id"), primary_key=True),
        sa.Column("entity_id", sa.String(300), primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("primary_name", sa.Text, nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
    )
    op.create_index("ix_entities_entity_id", "entities", ["entity_id"])
    op.create_table(
        "names",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("version_id", sa.Integer, sa.ForeignKey("list_versions.id"), nullable=False),
        sa.Column("entity_id", sa.String(300), nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("lookup_key", sa.Text, nullable=False),
    )
    op.create_index("ix_names_lookup_key", "names", ["lookup_key"])
    op.create_index("ix_names_version", "names", ["version_id"])


def downgrade() -> None:
    op.drop_table("names")
    op.drop_table("entities")
    op.drop_table("list_versions")
