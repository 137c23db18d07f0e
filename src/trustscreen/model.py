"""Plain typed records shared by every stage of the pipeline.

Records are frozen dataclasses with slots: they are created once by a source, then only read
by the store, the matcher and the policy engine, and tens of thousands of them sit in memory.
`to_dict` / `from_dict` give the stable JSON shape used by the store, the CLI's `--json` and the API.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any


class EntityKind(StrEnum):
    PERSON = "person"
    ORGANIZATION = "organization"
    VESSEL = "vessel"
    AIRCRAFT = "aircraft"
    APP = "app"
    NETWORK = "network"
    EQUIPMENT = "equipment"
    # Some official rows do not say what they are (e.g. blank CSL "type", DPL rows).
    UNKNOWN = "unknown"


class NameKind(StrEnum):
    PRIMARY = "primary"
    ALIAS = "alias"
    # OFAC "weak a.k.a.": too broad to block on alone, still worth showing.
    WEAK_ALIAS = "weak_alias"
    # Name as written in its own script (华为技术有限公司, АО «Лаборатория Касперского»).
    NATIVE = "native"
    FORMER = "former"


class RelationKind(StrEnum):
    PARENT = "parent"
    SUBSIDIARY = "subsidiary"
    OWNER = "owner"
    OWNED = "owned"
    BRAND = "brand"
    OEM = "oem"
    DEVELOPER = "developer"
    OPERATOR = "operator"
    ASSOCIATE = "associate"


@dataclass(frozen=True, slots=True)
class Name:
    value: str
    kind: NameKind = NameKind.PRIMARY
    # ISO 15924 code (Latn, Hans, Hant, Cyrl, Arab, Hang, Jpan …) or None when unknown.
    script: str | None = None
    lang: str | None = None


@dataclass(frozen=True, slots=True)
class Identifier:
    scheme: str
    value: str
    country: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Address:
    full: str | None = None
    street: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = None


@dataclass(frozen=True, slots=True)
class Listing:
    """One entry of an entity on one official list, program or regime."""

    list_id: str
    program: str | None = None
    jurisdiction: str | None = None
    # ISO dates as strings: sources give partial dates ("2019", "2019-05") and typos we keep verbatim
    # in `remarks` rather than invent a day.
    listed_on: str | None = None
    ended_on: str | None = None
    source_url: str | None = None
    citation: str | None = None
    licence_requirement: str | None = None
    licence_review_policy: str | None = None
    # active / revoked / suspended / removed / enjoined, as the source or curator states it.
    status: str | None = None
    scope: str | None = None
    remarks: str | None = None


@dataclass(frozen=True, slots=True)
class Relation:
    kind: RelationKind
    target_name: str
    target_id: str | None = None
    # Ownership share in percent (0–100) where the source states one.
    share: float | None = None
    source_url: str | None = None


@dataclass(frozen=True, slots=True)
class Entity:
    id: str
    kind: EntityKind
    names: tuple[Name, ...]
    listings: tuple[Listing, ...] = ()
    identifiers: tuple[Identifier, ...] = ()
    addresses: tuple[Address, ...] = ()
    # ISO 3166-1 alpha-2 codes, upper case.
    countries: tuple[str, ...] = ()
    # ISO dates, possibly partial ("1955", "1955-03").
    birth_dates: tuple[str, ...] = ()
    relations: tuple[Relation, ...] = ()
    remarks: str | None = None
    source_url: str | None = None
    as_of: str | None = None
    # True where the curator could not confirm the entry against a primary or reliable source.
    unconfirmed: bool = False
    extra: dict[str, Any] = field(default_factory=dict, hash=False, compare=True)

    @property
    def primary_name(self) -> str:
        for name in self.names:
            if name.kind is NameKind.PRIMARY:
                return name.value
        return self.names[0].value if self.names else self.id

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = _drop_empty(dataclasses.asdict(self))
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Entity:
        return cls(
            id=data["id"],
            kind=EntityKind(data["kind"]),
            names=tuple(
                Name(n["value"], NameKind(n.get("kind", "primary")), n.get("script"), n.get("lang"))
                for n in data.get("names", ())
            ),
            listings=tuple(Listing(**item) for item in data.get("listings", ())),
            identifiers=tuple(Identifier(**item) for item in data.get("identifiers", ())),
            addresses=tuple(Address(**item) for item in data.get("addresses", ())),
            countries=tuple(data.get("countries", ())),
            birth_dates=tuple(data.get("birth_dates", ())),
            relations=tuple(
                Relation(
                    kind=RelationKind(r["kind"]),
                    target_name=r["target_name"],
                    target_id=r.get("target_id"),
                    share=r.get("share"),
                    source_url=r.get("source_url"),
                )
                for r in data.get("relations", ())
            ),
            remarks=data.get("remarks"),
            source_url=data.get("source_url"),
            as_of=data.get("as_of"),
            unconfirmed=bool(data.get("unconfirmed", False)),
            extra=dict(data.get("extra", {})),
        )


@dataclass(frozen=True, slots=True)
class ListInfo:
    """What a source says about the list a file belongs to."""

    list_id: str
    title: str
    jurisdiction: str | None
    publisher: str
    source_format: str
    source_url: str | None = None
    # Date of the data itself (publish / generation date), not the load date.
    as_of: str | None = None
    licence: str | None = None


@dataclass(frozen=True, slots=True)
class ParsedList:
    info: ListInfo
    entities: tuple[Entity, ...]
    # The exact input bytes that produced this list, hashed by the store to detect repeat loads.
    files: tuple[str, ...] = ()


def _drop_empty(value: Any) -> Any:
    """Stable, compact JSON: drop None, empty containers and False flags; enums become strings."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            cleaned = _drop_empty(item)
            if cleaned is None or cleaned == () or cleaned == [] or cleaned == {} or cleaned is False:
                continue
            out[key] = cleaned
        return out
    if isinstance(value, list | tuple):
        return [_drop_empty(item) for item in value]
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    return value
