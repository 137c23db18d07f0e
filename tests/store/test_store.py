from __future__ import annotations

import hashlib
from importlib import resources
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory

from trustscreen.errors import StoreError
from trustscreen.model import Entity, EntityKind, ListInfo, Listing, Name, NameKind, ParsedList
from trustscreen.store import Store


def _parsed(tmp_path: Path, entities: list[Entity], content: str, list_id: str = "test-list") -> ParsedList:
    source = tmp_path / f"{list_id}-{hashlib.sha1(content.encode()).hexdigest()[:8]}" / "list.csv"
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_text(content)
    info = ListInfo(list_id, "Test list", "US", "tests", "test", as_of="2026-01-01")
    return ParsedList(info, tuple(entities), files=(str(source),))


def _org(entity_id: str, name: str, *aliases: str, program: str = "P1") -> Entity:
    names = (Name(name), *(Name(a, NameKind.ALIAS) for a in aliases))
    return Entity(entity_id, EntityKind.ORGANIZATION, names, listings=(Listing("test-list", program=program),))


def _snapshot(store: Store) -> list[tuple[object, ...]]:
    with store.engine.connect() as conn:
        rows: list[tuple[object, ...]] = []
        for table in ("list_versions", "entities", "names"):
            rows.extend(tuple(r) for r in conn.execute(sa.text(f"SELECT * FROM {table} ORDER BY 1, 2")))
        return rows


def test_load_creates_a_version_with_counts(store: Store, tmp_path: Path) -> None:
    parsed = _parsed(tmp_path, [_org("t:1", "Huawei Technologies Co., Ltd.", "华为"), _org("t:2", "ZTE")], "a")
    result = store.load(parsed)
    assert result.created
    version = result.version
    assert (version.list_id, version.version) == ("test-list", 1)
    assert (version.entity_count, version.name_count, version.listing_count) == (2, 3, 2)
    assert version.as_of == "2026-01-01"
    assert len(version.content_hash) == 64
    assert sorted(e.id for e in store.entities(version.id)) == ["t:1", "t:2"]


def test_loading_the_same_bytes_twice_is_a_no_op(store: Store, tmp_path: Path) -> None:
    parsed = _parsed(tmp_path, [_org("t:1", "Huawei")], "same bytes")
    first = store.load(parsed)
    before = _snapshot(store)
    second = store.load(parsed)
    assert not second.created
    assert second.version.id == first.version.id
    assert _snapshot(store) == before


def test_new_bytes_make_a_new_version_and_diff_names_changed_fields(store: Store, tmp_path: Path) -> None:
    store.load(_parsed(tmp_path, [_org("t:1", "Huawei"), _org("t:2", "ZTE"), _org("t:3", "Old Co")], "v1"))
    store.load(
        _parsed(
            tmp_path,
            [_org("t:1", "Huawei", program="P2"), _org("t:2", "ZTE"), _org("t:4", "New Co")],
            "v2",
        )
    )
    assert [v.version for v in store.versions("test-list")] == [1, 2]
    diff = store.diff("test-list")
    assert [e.id for e in diff.added] == ["t:4"]
    assert [e.id for e in diff.removed] == ["t:3"]
    assert [(c.entity_id, c.fields) for c in diff.changed] == [("t:1", ("listings",))]
    explicit = store.diff("test-list", 2, 1)
    assert [e.id for e in explicit.added] == ["t:3"]


def test_failed_load_leaves_the_store_exactly_as_it_was(store: Store, tmp_path: Path) -> None:
    store.load(_parsed(tmp_path, [_org("t:1", "Huawei")], "good"))
    before = _snapshot(store)
    # Enough rows to span several insert chunks before the duplicate primary key fails the load.
    many = [_org(f"t:{i}", f"Company {i}") for i in range(5000)]
    many.append(_org("t:17", "Duplicate id"))
    with pytest.raises(sa.exc.IntegrityError):
        store.load(_parsed(tmp_path, many, "bad"))
    assert _snapshot(store) == before
    assert [v.version for v in store.versions("test-list")] == [1]


def test_sqlite_file_is_byte_for_byte_unchanged_after_a_failed_load(tmp_path: Path) -> None:
    path = tmp_path / "bytes.db"
    store = Store(f"sqlite:///{path}")
    store.load(_parsed(tmp_path, [_org("t:1", "Huawei")], "good"))
    store.close()
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    store = Store(f"sqlite:///{path}")
    with pytest.raises(sa.exc.IntegrityError):
        store.load(_parsed(tmp_path, [_org("t:2", "A"), _org("t:2", "B")], "dup"))
    store.close()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_find_by_name_folds_case_accents_and_punctuation(store: Store, tmp_path: Path) -> None:
    store.load(_parsed(tmp_path, [_org("t:1", "HUAWEI TECHNOLOGIES CO., LTD.", "华为技术有限公司")], "x"))
    assert [e.id for _, e in store.find_by_name("huawei technologies co ltd")] == ["t:1"]
    assert [e.id for _, e in store.find_by_name("华为技术有限公司")] == ["t:1"]
    assert store.find_by_name("huawei") == []


def test_find_by_name_only_searches_the_latest_version(store: Store, tmp_path: Path) -> None:
    store.load(_parsed(tmp_path, [_org("t:1", "Removed Later Ltd")], "v1"))
    store.load(_parsed(tmp_path, [_org("t:2", "Still Listed Ltd")], "v2"))
    assert store.find_by_name("Removed Later Ltd") == []
    # An entity removed from its list can still be shown, from the version that had it.
    version, entity = store.entity("t:1")
    assert (version.version, entity.primary_name) == (1, "Removed Later Ltd")


def test_entity_round_trips_every_field(store: Store, tmp_path: Path) -> None:
    from trustscreen.model import Address, Identifier, Relation, RelationKind

    entity = Entity(
        "t:9",
        EntityKind.PERSON,
        (Name("Michael R. Pompeo"), Name("蓬佩奥", NameKind.NATIVE, "Hani", "zh")),
        listings=(
            Listing("cn-mfa", "countermeasures", "CN", "2021-01-20", status="active", source_url="https://x.cn/"),
        ),
        identifiers=(Identifier("passport", "123", "US"),),
        addresses=(Address(city="Washington", country="US"),),
        countries=("US",),
        birth_dates=("1963-12-30",),
        relations=(Relation(RelationKind.ASSOCIATE, "US Department of State", share=None),),
        remarks="r",
        source_url="https://example.gov/",
        as_of="2021-01-20",
        unconfirmed=True,
        extra={"k": [1, "二"]},
    )
    store.load(_parsed(tmp_path, [entity], "round"))
    assert store.entity("t:9")[1] == entity


def test_unknown_list_and_version_give_clear_errors(store: Store, tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="unknown list 'nope'"):
        store.version("nope")
    store.load(_parsed(tmp_path, [_org("t:1", "A")], "a"))
    with pytest.raises(StoreError, match="has no version 7; versions: 1"):
        store.version("test-list", 7)
    with pytest.raises(StoreError, match="only one version"):
        store.diff("test-list")
    with pytest.raises(StoreError, match="no entity with id"):
        store.entity("t:404")


def test_migrations_are_recorded(store: Store) -> None:
    with store.engine.connect() as conn:
        recorded = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    script = ScriptDirectory(str(resources.files("trustscreen.store").joinpath("migrations")))
    assert recorded == script.get_current_head()
    # Opening again must not re-run or fail the migrations.
    Store(store.url).close()
