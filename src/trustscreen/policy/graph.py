"""Who a party is on the lists, and who owns it: the graph the policy evaluator walks.

A `PartyNode` is one party as screened: the matches that stand for it and its owners. Owners come
from what the user declares (``Party.owners``) and from relations in the loaded lists (a matched
entity's parent/owner relations, and entities that name it as their subsidiary). Owners named only by
a relation's text are screened by name, so a parent listed on another list (Huawei on the FCC list
behind a HiSilicon record from the Entity List) is found too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from trustscreen.matching.queries import build_query
from trustscreen.matching.screener import Match, Screener
from trustscreen.model import Entity, RelationKind
from trustscreen.store import ListVersion

# Deep enough for real holding chains (parent → intermediate → subsidiary → SPV), shallow enough that
# a relation cycle or a huge corporate family cannot blow up one check.
MAX_DEPTH = 4
_OWNER_KINDS = frozenset({RelationKind.PARENT, RelationKind.OWNER})
_OWNED_KINDS = frozenset({RelationKind.SUBSIDIARY, RelationKind.OWNED})


@dataclass(frozen=True, slots=True)
class Party:
    """A party to check, as the user describes it (owners optional)."""

    name: str
    kind: str | None = None
    countries: tuple[str, ...] = ()
    owners: tuple[Holding, ...] = ()


@dataclass(frozen=True, slots=True)
class Holding:
    party: Party
    # Percent of the owned party held, when known.
    share: float | None = None


@dataclass(slots=True)
class OwnerLink:
    owner: PartyNode
    share: float | None
    # "declared by the user" or "relation on us-bis-el:hisilicon (parent)".
    source: str


@dataclass(slots=True)
class PartyNode:
    label: str
    matches: list[Match]
    countries: tuple[str, ...] = ()
    owners: list[OwnerLink] = field(default_factory=list)

    def all_countries(self) -> set[str]:
        found = set(self.countries)
        for match in self.matches:
            found.update(match.entity.countries)
        return found


@dataclass(slots=True)
class _RelationIndex:
    by_id: dict[str, tuple[ListVersion | None, Entity]]
    # owned entity id → (owner entity id, share, source text)
    owners_of: dict[str, list[tuple[str, float | None, str]]]


def relation_index(screener: Screener) -> _RelationIndex:
    """Entities by id and reverse ownership edges, built once per screener (the index is immutable)."""
    cached = screener.derived.get("relations")
    if isinstance(cached, _RelationIndex):
        return cached
    by_id: dict[str, tuple[ListVersion | None, Entity]] = {}
    owners_of: dict[str, list[tuple[str, float | None, str]]] = {}
    for item in screener.index.items:
        by_id[item.entity.id] = (screener.versions[item.source], item.entity)
    for _, entity in by_id.values():
        for relation in entity.relations:
            if relation.kind in _OWNED_KINDS and relation.target_id:
                source = f"relation on {entity.id} ({relation.kind.value} {relation.target_name})"
                owners_of.setdefault(relation.target_id, []).append((entity.id, relation.share, source))
    index = _RelationIndex(by_id, owners_of)
    screener.derived["relations"] = index
    return index


class GraphBuilder:
    def __init__(self, screener: Screener) -> None:
        self.screener = screener
        self.relations = relation_index(screener)
        self._nodes: dict[str, PartyNode] = {}

    def from_party(self, party: Party, depth: int = 0) -> PartyNode:
        query = build_query(party.name, kind=party.kind, countries=party.countries)
        node = PartyNode(party.name, self._matches(self.screener.screen(query)), query.countries)
        for holding in party.owners:
            if depth >= MAX_DEPTH:
                break
            node.owners.append(
                OwnerLink(self.from_party(holding.party, depth + 1), holding.share, "declared by the user")
            )
        self._add_relation_owners(node, depth)
        return node

    def from_entity(self, entity: Entity, version: ListVersion | None, match: Match | None = None) -> PartyNode:
        found = match or Match(entity, 1.0, True, entity.primary_name, (), version)
        node = PartyNode(entity.primary_name, [found])
        self._add_relation_owners(node, 0)
        return node

    def _matches(self, matches: list[Match]) -> list[Match]:
        return [m for m in matches if m.match]

    def _add_relation_owners(self, node: PartyNode, depth: int) -> None:
        if depth >= MAX_DEPTH:
            return
        seen = {link.owner.label for link in node.owners}
        for owner_key, share, source, resolve in self._relation_owners(node):
            if owner_key in seen:
                continue
            seen.add(owner_key)
            owner = self._nodes.get(owner_key)
            if owner is None:
                owner = resolve()
                self._nodes[owner_key] = owner
                self._add_relation_owners(owner, depth + 1)
            node.owners.append(OwnerLink(owner, share, source))

    def _relation_owners(self, node: PartyNode) -> Iterator[tuple[str, float | None, str, Callable[[], PartyNode]]]:
        for match in node.matches:
            entity = match.entity
            for relation in entity.relations:
                if relation.kind not in _OWNER_KINDS:
                    continue
                source = f"relation on {entity.id} ({relation.kind.value} {relation.target_name})"
                yield (
                    relation.target_name.casefold(),
                    relation.share,
                    source,
                    self._resolver(relation.target_name, relation.target_id),
                )
            for owner_id, share, source in self.relations.owners_of.get(entity.id, []):
                owner_entity = self.relations.by_id[owner_id][1]
                yield (
                    owner_entity.primary_name.casefold(),
                    share,
                    source,
                    self._resolver(owner_entity.primary_name, owner_id),
                )

    def _resolver(self, name: str, entity_id: str | None) -> Callable[[], PartyNode]:
        def resolve() -> PartyNode:
            matches = self._matches(self.screener.screen(name))
            known = self.relations.by_id.get(entity_id) if entity_id else None
            if known is not None and all(m.entity.id != entity_id for m in matches):
                version, entity = known
                matches.insert(0, Match(entity, 1.0, True, entity.primary_name, (), version))
            return PartyNode(name, matches)

        return resolve
