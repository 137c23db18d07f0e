"""FollowTheMoney-style shapes for the yente-compatible routes.

Queries arrive as FtM examples (`schema` + `properties`) and become trustscreen Queries, one per
name. Entities leave as FtM entities: `schema` from the entity kind, `properties` from names,
countries, birth dates, identifiers and listings, `datasets` = the list they come from.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from trustscreen.api.errors import ApiError
from trustscreen.api.schemas import EntityExample
from trustscreen.errors import ConfigError
from trustscreen.matching import Match, Query
from trustscreen.matching.queries import build_query
from trustscreen.model import Entity, EntityKind, Listing, NameKind
from trustscreen.sources._common import country_code
from trustscreen.store import ListVersion

# The FtM schemata a query may use, and the trustscreen kind each one means (None: any kind).
SCHEMA_KINDS: dict[str, EntityKind | None] = {
    "Thing": None,
    "LegalEntity": None,
    "Person": EntityKind.PERSON,
    "Organization": EntityKind.ORGANIZATION,
    "Company": EntityKind.ORGANIZATION,
    "PublicBody": EntityKind.ORGANIZATION,
    "Vehicle": None,
    "Vessel": EntityKind.VESSEL,
    "Airplane": EntityKind.AIRCRAFT,
}
# Each schema with its ancestors, so a filter on LegalEntity also keeps Persons and Organizations.
SCHEMA_ANCESTORS: dict[str, frozenset[str]] = {
    "Thing": frozenset({"Thing"}),
    "LegalEntity": frozenset({"LegalEntity", "Thing"}),
    "Person": frozenset({"Person", "LegalEntity", "Thing"}),
    "Organization": frozenset({"Organization", "LegalEntity", "Thing"}),
    "Company": frozenset({"Company", "Organization", "LegalEntity", "Thing"}),
    "PublicBody": frozenset({"PublicBody", "Organization", "LegalEntity", "Thing"}),
    "Vehicle": frozenset({"Vehicle", "Thing"}),
    "Vessel": frozenset({"Vessel", "Vehicle", "Thing"}),
    "Airplane": frozenset({"Airplane", "Vehicle", "Thing"}),
}
_KIND_SCHEMA = {
    EntityKind.PERSON: "Person",
    EntityKind.ORGANIZATION: "Organization",
    EntityKind.VESSEL: "Vessel",
    EntityKind.AIRCRAFT: "Airplane",
}
_NAME_PROPS = ("name", "alias", "previousName")
_NAME_PART_PROPS = ("firstName", "secondName", "middleName", "fatherName", "lastName")
_COUNTRY_PROPS = ("nationality", "citizenship", "country", "jurisdiction", "mainCountry", "flag")
_ID_PROPS = (
    "idNumber",
    "registrationNumber",
    "taxNumber",
    "passportNumber",
    "imoNumber",
    "mmsi",
    "leiCode",
    "innCode",
    "ogrnCode",
    "okpoCode",
    "swiftBic",
    "vatCode",
    "dunsCode",
    "uniqueEntityId",
    "permId",
    "bvdId",
    "serialNumber",
)
_NAME_KIND_PROPS = {
    NameKind.PRIMARY: "name",
    NameKind.ALIAS: "alias",
    NameKind.NATIVE: "alias",
    NameKind.WEAK_ALIAS: "weakAlias",
    NameKind.FORMER: "previousName",
}
# A query with many names costs one screening per name; more than this is not a name but a list.
MAX_NAMES_PER_QUERY = 10
_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")


@dataclass(frozen=True, slots=True)
class ParsedExample:
    key: str
    schema: str
    queries: tuple[Query, ...]
    # The example as understood: every property as a list, cleaned of empty values.
    echo: dict[str, Any]


def entity_schema(entity: Entity) -> str:
    return _KIND_SCHEMA.get(entity.kind, "LegalEntity")


def parse_example(key: str, example: EntityExample) -> ParsedExample:
    field = f"queries.{key}"
    schema = example.schema_
    if schema not in SCHEMA_KINDS:
        raise ApiError(
            400,
            "bad_request",
            f"Cannot parse example entity {key!r}: schema {schema!r} cannot be matched; "
            f"expected one of {', '.join(SCHEMA_KINDS)}",
            f"{field}.schema",
        )
    props = {name: [v.strip() for v in values if v.strip()] for name, values in example.properties.items()}
    props = {name: values for name, values in props.items() if values}
    names = _unique(v for p in _NAME_PROPS for v in props.get(p, ()))
    if not names:
        parts = [v for p in _NAME_PART_PROPS for v in props.get(p, ())]
        names = [" ".join(parts)] if parts else []
    if not names:
        raise ApiError(
            400,
            "bad_request",
            f"Cannot parse example entity {key!r}: it has no name (properties name, alias or firstName/lastName); "
            "trustscreen matches by name",
            f"{field}.properties.name",
        )
    # Values FtM would not accept are dropped, as FtM's cleaning does, rather than refused.
    countries = _unique(code for v in _values(props, _COUNTRY_PROPS) if (code := country_code(v)))
    dob = next((d[:10] for d in props.get("birthDate", ()) if _DATE.fullmatch(d[:10])), None)
    identifiers = _unique(_values(props, _ID_PROPS))[:20]
    kind = SCHEMA_KINDS[schema]
    queries = []
    for name in names[:MAX_NAMES_PER_QUERY]:
        try:
            queries.append(
                build_query(
                    name,
                    kind=kind.value if kind else None,
                    countries=countries[:20],
                    dob=dob,
                    identifiers=identifiers,
                )
            )
        except ConfigError as exc:
            raise ApiError(
                400, "bad_request", f"Cannot parse example entity {key!r}: {exc}", f"{field}.properties.name"
            ) from None
    echo: dict[str, Any] = {"id": example.id, "schema": schema, "properties": props}
    return ParsedExample(key, schema, tuple(queries), echo)


def entity_properties(entity: Entity) -> dict[str, list[str]]:
    props: dict[str, list[str]] = {}

    def add(prop: str, values: Iterable[str | None]) -> None:
        for value in values:
            if value and value not in props.setdefault(prop, []):
                props[prop].append(value)

    add("name", [entity.primary_name])
    for name in entity.names:
        if name.value != entity.primary_name:
            add(_NAME_KIND_PROPS.get(name.kind, "alias"), [name.value])
    add("country", (c.lower() for c in entity.countries))
    if entity.kind is EntityKind.PERSON:
        add("birthDate", entity.birth_dates)
    for ident in entity.identifiers:
        add("imoNumber" if "IMO" in ident.scheme.upper() else "idNumber", [ident.value])
    add("address", (_address(a) for a in entity.addresses))
    add("topics", topics(entity))
    add("program", (listing.program for listing in entity.listings))
    add("sourceUrl", [entity.source_url, *(listing.source_url for listing in entity.listings)])
    add("notes", [entity.remarks])
    return {prop: values for prop, values in props.items() if values}


def topics(entity: Entity) -> list[str]:
    # Every list trustscreen loads restricts dealings with its entries; export-control entries say so
    # by carrying a licence requirement.
    found = ["sanction"]
    if any(listing.licence_requirement for listing in entity.listings):
        found.append("export.control")
    return found


def entity_to_ftm(entity: Entity, version: ListVersion | None, *, nested: bool = False) -> dict[str, Any]:
    properties: dict[str, list[Any]] = dict(entity_properties(entity))
    if nested and entity.listings:
        properties["sanctions"] = [_sanction(entity, i, listing, version) for i, listing in enumerate(entity.listings)]
    return {
        "id": entity.id,
        "caption": entity.primary_name,
        "schema": entity_schema(entity),
        "properties": properties,
        "datasets": [version.list_id] if version is not None else [],
        "referents": [],
        "target": True,
        "first_seen": None,
        "last_seen": version.loaded_at.isoformat() if version is not None else None,
        "last_change": None,
    }


def scored_to_ftm(match: Match, query_name: str, threshold: float) -> dict[str, Any]:
    data = entity_to_ftm(match.entity, match.list_version)
    data["score"] = match.score
    data["match"] = match.score >= threshold
    data["explanations"] = explanations(match, query_name)
    return data


def explanations(match: Match, query_name: str) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for feature in match.features:
        key = feature.name
        n = 2
        while key in out:
            key, n = f"{feature.name}_{n}", n + 1
        is_name = feature.name == "name"
        out[key] = {
            "score": round(feature.delta, 4),
            "detail": feature.detail,
            "query": query_name if is_name else None,
            "candidate": match.matched_name if is_name else None,
        }
    return out


def _sanction(entity: Entity, index: int, listing: Listing, version: ListVersion | None) -> dict[str, Any]:
    jurisdiction = (listing.jurisdiction or "").lower()
    props = {
        "program": [listing.program],
        "authority": [version.publisher if version is not None and version.list_id == listing.list_id else None],
        "country": [jurisdiction if len(jurisdiction) == 2 and jurisdiction not in ("un", "eu") else None],
        "listingDate": [listing.listed_on],
        "endDate": [listing.ended_on],
        "sourceUrl": [listing.source_url],
        "status": [listing.status],
        "provisions": [listing.licence_requirement, listing.licence_review_policy],
        "reason": [listing.citation, listing.remarks],
        "summary": [listing.scope],
    }
    return {
        "id": f"{entity.id}#listing-{index + 1}",
        "caption": listing.program or listing.list_id,
        "schema": "Sanction",
        "properties": {k: [v for v in values if v] for k, values in props.items() if any(values)},
        "datasets": [listing.list_id],
        "referents": [],
        "target": False,
        "first_seen": None,
        "last_seen": None,
        "last_change": None,
    }


def _address(address: Any) -> str | None:
    if address.full:
        return str(address.full)
    parts = [address.street, address.city, address.region, address.postal_code, address.country]
    joined = ", ".join(p for p in parts if p)
    return joined or None


def _values(props: dict[str, list[str]], names: Iterable[str]) -> list[str]:
    return [v for p in names for v in props.get(p, ())]


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))
