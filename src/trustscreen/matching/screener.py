"""Screener (query → ranked matches) and compare (name ↔ name), the library's matching entry points."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from trustscreen.matching.index import NameIndex
from trustscreen.matching.scorer import (
    DEFAULT_THRESHOLD,
    Feature,
    Query,
    entity_name_forms,
    query_forms,
    score_entity,
)
from trustscreen.matching.weights import prior_weight
from trustscreen.model import Entity, EntityKind, Identifier
from trustscreen.store import ListVersion, Store


def version_ref(version: ListVersion | None) -> dict[str, Any] | None:
    """The list version a result comes from, as every JSON shape cites it."""
    if version is None:
        return None
    return {
        "list_id": version.list_id,
        "version": version.version,
        "title": version.title,
        "as_of": version.as_of,
        "content_hash": version.content_hash,
    }


@dataclass(frozen=True, slots=True)
class Match:
    entity: Entity
    score: float
    match: bool
    matched_name: str
    features: tuple[Feature, ...]
    list_version: ListVersion | None

    def to_dict(self) -> dict[str, Any]:
        data = self.entity.to_dict()
        version = self.list_version
        return {
            "entity_id": self.entity.id,
            "name": self.entity.primary_name,
            "kind": self.entity.kind.value,
            "score": self.score,
            "match": self.match,
            "matched_name": self.matched_name,
            "list": version_ref(version),
            "listings": data.get("listings", []),
            "countries": list(self.entity.countries),
            "unconfirmed": self.entity.unconfirmed,
            "explanation": [f.to_dict() for f in self.features],
        }


@dataclass(frozen=True, slots=True)
class Comparison:
    score: float
    match: bool
    threshold: float
    features: tuple[Feature, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "match": self.match,
            "threshold": self.threshold,
            "explanation": [f.to_dict() for f in self.features],
        }


class Screener:
    """Holds an in-memory index of entities (from the store or given directly) and screens queries."""

    def __init__(
        self,
        entities: Iterable[tuple[ListVersion | None, Entity]],
        *,
        threshold: float = DEFAULT_THRESHOLD,
    ) -> None:
        self.threshold = threshold
        # Indexes derived from this one (the scanner's phrase index …), built once and freed with it.
        self.derived: dict[str, Any] = {}
        self.index = NameIndex()
        self.versions: list[ListVersion | None] = []
        version_slot: dict[int | None, int] = {}
        for version, entity in entities:
            key = version.id if version is not None else None
            if key not in version_slot:
                version_slot[key] = len(self.versions)
                self.versions.append(version)
            self.index.add(entity, version_slot[key])
        self.index.finish()

    @classmethod
    def from_store(
        cls, store: Store, *, lists: Iterable[str] | None = None, threshold: float = DEFAULT_THRESHOLD
    ) -> Screener:
        wanted = set(lists) if lists else None
        versions = [v for v in store.latest_versions() if wanted is None or v.list_id in wanted]
        return cls(((v, e) for v in versions for e in store.entities(v.id)), threshold=threshold)

    def __len__(self) -> int:
        return len(self.index.items)

    def screen(
        self,
        query: Query | str,
        *,
        limit: int = 10,
        threshold: float | None = None,
        lists: Iterable[str] | None = None,
        candidates: int = 10,
    ) -> list[Match]:
        if isinstance(query, str):
            query = Query(query)
        cutoff = self.threshold if threshold is None else threshold
        wanted = set(lists) if lists else None
        forms = query_forms(query)
        found = self.index.candidates(forms, (i.value for i in query.identifiers), limit=candidates)
        matches = []
        for candidate in found:
            item = self.index.items[candidate.position]
            version = self.versions[item.source]
            if wanted is not None and (version is None or version.list_id not in wanted):
                continue
            names = [item.forms[i] for i in candidate.form_indexes]
            scored = score_entity(query, forms, item.entity, names, self.index.weigher)
            matches.append(
                Match(item.entity, scored.score, scored.score >= cutoff, scored.matched_name, scored.features, version)
            )
        matches.sort(key=lambda m: (-m.score, m.entity.id))
        return matches[:limit]


def compare(
    a: str,
    b: str,
    *,
    kind: EntityKind | str | None = None,
    threshold: float = DEFAULT_THRESHOLD,
) -> Comparison:
    """Score two names against each other with the screening scorer (token weights from priors only)."""
    entity_kind = EntityKind(kind) if isinstance(kind, str) else kind
    candidate = _as_entity(b, entity_kind)
    query = Query(a, kind=entity_kind)
    scored = score_entity(query, query_forms(query), candidate, entity_name_forms(candidate), prior_weight)
    return Comparison(scored.score, scored.score >= threshold, threshold, scored.features)


def _as_entity(name: str, kind: EntityKind | None) -> Entity:
    from trustscreen.model import Name

    return Entity("compare:b", kind or EntityKind.UNKNOWN, (Name(name),))


__all__ = ["Comparison", "Identifier", "Match", "Query", "Screener", "compare"]
