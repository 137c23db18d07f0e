"""The Store: immutable list versions, their entities and names, and diffs between versions."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection, Engine

from trustscreen.errors import StoreError
from trustscreen.model import Entity, ParsedList
from trustscreen.store.schema import entities, list_versions, names

_INSERT_CHUNK = 2000


@dataclass(frozen=True, slots=True)
class ListVersion:
    id: int
    list_id: str
    version: int
    title: str
    jurisdiction: str | None
    publisher: str
    source_format: str
    source_url: str | None
    as_of: str | None
    licence: str | None
    content_hash: str
    loaded_at: datetime
    entity_count: int
    name_count: int
    listing_count: int
    files: list[str]

    def to_dict(self) -> dict[str, Any]:
        data = {field: getattr(self, field) for field in self.__slots__}
        data["loaded_at"] = self.loaded_at.isoformat()
        return data


@dataclass(frozen=True, slots=True)
class LoadResult:
    version: ListVersion
    # False when the same bytes were already loaded for this list: nothing was written.
    created: bool


@dataclass(frozen=True, slots=True)
class EntityChange:
    entity_id: str
    name: str
    fields: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ListDiff:
    list_id: str
    old: ListVersion
    new: ListVersion
    added: tuple[Entity, ...]
    removed: tuple[Entity, ...]
    changed: tuple[EntityChange, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "list_id": self.list_id,
            "old_version": self.old.version,
            "new_version": self.new.version,
            "added": [{"entity_id": e.id, "name": e.primary_name} for e in self.added],
            "removed": [{"entity_id": e.id, "name": e.primary_name} for e in self.removed],
            "changed": [{"entity_id": c.entity_id, "name": c.name, "fields": list(c.fields)} for c in self.changed],
        }


def lookup_key(value: str) -> str:
    """Fold case, accents and punctuation so 'HUAWEI TECHNOLOGIES CO., LTD.' == 'Huawei Technologies Co Ltd'."""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(re.findall(r"\w+", unicodedata.normalize("NFKC", stripped)))


def content_hash(source_format: str, files: Iterable[str]) -> str:
    """Hash of the input bytes (and file names, so a renamed companion file in a set counts as a change)."""
    digest = hashlib.sha256(source_format.encode())
    for path in sorted(files, key=lambda p: Path(p).name):
        digest.update(Path(path).name.encode() + b"\0")
        digest.update(Path(path).read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


class Store:
    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        if url.startswith("sqlite:///"):
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        self.engine: Engine = sa.create_engine(url, echo=echo, future=True)
        if self.engine.dialect.name == "sqlite":
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
        self._migrate()

    def _migrate(self) -> None:
        config = Config()
        config.set_main_option("script_location", str(resources.files("trustscreen.store").joinpath("migrations")))
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    def close(self) -> None:
        self.engine.dispose()

    # ---- writing -------------------------------------------------------------------------

    def load(self, parsed: ParsedList, *, digest: str | None = None) -> LoadResult:
        """Write `parsed` as a new immutable version in one transaction; same bytes twice is a no-op."""
        digest = digest or content_hash(parsed.info.source_format, parsed.files)
        info = parsed.info
        with self.engine.begin() as conn:
            existing = conn.execute(
                sa.select(list_versions).where(
                    list_versions.c.list_id == info.list_id, list_versions.c.content_hash == digest
                )
            ).first()
            if existing is not None:
                return LoadResult(_version_from_row(existing._mapping), created=False)
            latest = conn.execute(
                sa.select(sa.func.max(list_versions.c.version)).where(list_versions.c.list_id == info.list_id)
            ).scalar()
            row = {
                "list_id": info.list_id,
                "version": (latest or 0) + 1,
                "title": info.title,
                "jurisdiction": info.jurisdiction,
                "publisher": info.publisher,
                "source_format": info.source_format,
                "source_url": info.source_url,
                "as_of": info.as_of,
                "licence": info.licence,
                "content_hash": digest,
                "loaded_at": datetime.now(UTC),
                "entity_count": len(parsed.entities),
                "name_count": sum(len(e.names) for e in parsed.entities),
                "listing_count": sum(len(e.listings) for e in parsed.entities),
                "files": [str(Path(p).name) for p in parsed.files],
            }
            inserted = conn.execute(sa.insert(list_versions).values(**row)).inserted_primary_key
            if inserted is None:  # pragma: no cover - every supported dialect returns the key
                raise StoreError("database did not return the new list version's id")
            version_id = int(inserted[0])
            self._insert_entities(conn, version_id, parsed.entities)
            stored = conn.execute(sa.select(list_versions).where(list_versions.c.id == version_id)).one()
            return LoadResult(_version_from_row(stored._mapping), created=True)

    def _insert_entities(self, conn: Connection, version_id: int, items: tuple[Entity, ...]) -> None:
        entity_rows: list[dict[str, Any]] = []
        name_rows: list[dict[str, Any]] = []
        for entity in items:
            entity_rows.append(
                {
                    "version_id": version_id,
                    "entity_id": entity.id,
                    "kind": entity.kind.value,
                    "primary_name": entity.primary_name,
                    "data": entity.to_dict(),
                }
            )
            for name in entity.names:
                name_rows.append(
                    {
                        "version_id": version_id,
                        "entity_id": entity.id,
                        "value": name.value,
                        "kind": name.kind.value,
                        "lookup_key": lookup_key(name.value),
                    }
                )
            if len(entity_rows) >= _INSERT_CHUNK:
                conn.execute(sa.insert(entities), entity_rows)
                entity_rows = []
            if len(name_rows) >= _INSERT_CHUNK:
                conn.execute(sa.insert(names), name_rows)
                name_rows = []
        if entity_rows:
            conn.execute(sa.insert(entities), entity_rows)
        if name_rows:
            conn.execute(sa.insert(names), name_rows)

    # ---- reading -------------------------------------------------------------------------

    def versions(self, list_id: str | None = None) -> list[ListVersion]:
        query = sa.select(list_versions).order_by(list_versions.c.list_id, list_versions.c.version)
        if list_id is not None:
            query = query.where(list_versions.c.list_id == list_id)
        with self.engine.connect() as conn:
            return [_version_from_row(row._mapping) for row in conn.execute(query)]

    def latest_versions(self) -> list[ListVersion]:
        latest: dict[str, ListVersion] = {}
        for version in self.versions():
            latest[version.list_id] = version
        return list(latest.values())

    def version(self, list_id: str, number: int | None = None) -> ListVersion:
        found = self.versions(list_id)
        if not found:
            known = ", ".join(sorted({v.list_id for v in self.versions()})) or "none loaded"
            raise StoreError(f"unknown list {list_id!r}; loaded lists: {known}")
        if number is None:
            return found[-1]
        for version in found:
            if version.version == number:
                return version
        raise StoreError(
            f"list {list_id!r} has no version {number}; versions: {', '.join(str(v.version) for v in found)}"
        )

    def entities(self, version_id: int) -> Iterator[Entity]:
        query = sa.select(entities.c.data).where(entities.c.version_id == version_id).order_by(entities.c.entity_id)
        with self.engine.connect() as conn:
            for (data,) in conn.execute(query):
                yield Entity.from_dict(data)

    def current_entities(self) -> Iterator[tuple[ListVersion, Entity]]:
        for version in self.latest_versions():
            for entity in self.entities(version.id):
                yield version, entity

    def entity(self, entity_id: str) -> tuple[ListVersion, Entity]:
        """The entity as it stands in the latest version of its list that contains it."""
        latest_ids = {v.id: v for v in self.latest_versions()}
        query = (
            sa.select(entities.c.version_id, entities.c.data)
            .where(entities.c.entity_id == entity_id)
            .order_by(entities.c.version_id.desc())
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        if not rows:
            raise StoreError(f"no entity with id {entity_id!r}")
        for version_id, data in rows:
            if version_id in latest_ids:
                return latest_ids[version_id], Entity.from_dict(data)
        # Only in superseded versions: the entity was removed from its list; still show it.
        version_id, data = rows[0]
        return self._version_by_id(version_id), Entity.from_dict(data)

    def has_content(self, digest: str) -> bool:
        with self.engine.connect() as conn:
            found = conn.execute(
                sa.select(list_versions.c.id).where(list_versions.c.content_hash == digest).limit(1)
            ).first()
        return found is not None

    def _version_by_id(self, version_id: int) -> ListVersion:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(list_versions).where(list_versions.c.id == version_id)).one()
        return _version_from_row(row._mapping)

    def find_by_name(self, value: str) -> list[tuple[ListVersion, Entity]]:
        """Exact lookup on the folded name over the latest version of every list."""
        key = lookup_key(value)
        latest = {v.id: v for v in self.latest_versions()}
        if not key or not latest:
            return []
        # DISTINCT on the key columns only: PostgreSQL has no equality operator for JSON.
        hits = (
            sa.select(names.c.version_id, names.c.entity_id)
            .where(names.c.lookup_key == key, names.c.version_id.in_(list(latest)))
            .distinct()
            .subquery()
        )
        query = (
            sa.select(entities.c.version_id, entities.c.data)
            .join(
                hits,
                sa.and_(hits.c.version_id == entities.c.version_id, hits.c.entity_id == entities.c.entity_id),
            )
            .order_by(entities.c.entity_id)
        )
        with self.engine.connect() as conn:
            return [(latest[vid], Entity.from_dict(data)) for vid, data in conn.execute(query)]

    def diff(self, list_id: str, old: int | None = None, new: int | None = None) -> ListDiff:
        versions = self.versions(list_id)
        if not versions:
            self.version(list_id)  # raises the helpful "unknown list" error
        if old is None and new is None:
            if len(versions) < 2:
                raise StoreError(f"list {list_id!r} has only one version; nothing to compare")
            old_v, new_v = versions[-2], versions[-1]
        else:
            if old is None or new is None:
                raise StoreError("give both versions to compare, or neither for the latest two")
            old_v, new_v = self.version(list_id, old), self.version(list_id, new)
        before = {e.id: e for e in self.entities(old_v.id)}
        after = {e.id: e for e in self.entities(new_v.id)}
        changed = []
        for entity_id in sorted(before.keys() & after.keys()):
            a, b = before[entity_id].to_dict(), after[entity_id].to_dict()
            if a != b:
                fields = tuple(sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k)))
                changed.append(EntityChange(entity_id, after[entity_id].primary_name, fields))
        return ListDiff(
            list_id=list_id,
            old=old_v,
            new=new_v,
            added=tuple(after[k] for k in sorted(after.keys() - before.keys())),
            removed=tuple(before[k] for k in sorted(before.keys() - after.keys())),
            changed=tuple(changed),
        )


def _version_from_row(row: Any) -> ListVersion:
    loaded_at = row["loaded_at"]
    if loaded_at.tzinfo is None:
        loaded_at = loaded_at.replace(tzinfo=UTC)
    return ListVersion(
        id=row["id"],
        list_id=row["list_id"],
        version=row["version"],
        title=row["title"],
        jurisdiction=row["jurisdiction"],
        publisher=row["publisher"],
        source_format=row["source_format"],
        source_url=row["source_url"],
        as_of=row["as_of"],
        licence=row["licence"],
        content_hash=row["content_hash"],
        loaded_at=loaded_at,
        entity_count=row["entity_count"],
        name_count=row["name_count"],
        listing_count=row["listing_count"],
        files=list(row["files"]),
    )


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
