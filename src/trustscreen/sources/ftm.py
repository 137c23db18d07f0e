"""FollowTheMoney (FtM) entity JSON lines, as OpenSanctions exports them (`entities.ftm.json`).

One entity per line: {"id", "schema", "properties": {prop: [str, …]}, "datasets", "target", "last_change" …}.
Parties (Person, Company, Organization, PublicBody, LegalEntity, Vessel, Airplane) become entities;
Sanction, Address, Identification/Passport and Ownership lines are folded into the parties they point to.
Entities exported with "target": false are context (owners, relatives) rather than listed parties; they
name relations but are not screened. Only the flat line format is read: the nested
`targets.nested.json` export is refused with a clear message.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from trustscreen.errors import SourceError
from trustscreen.model import (
    Address,
    Entity,
    EntityKind,
    Identifier,
    ListInfo,
    Listing,
    Name,
    NameKind,
    ParsedList,
    Relation,
    RelationKind,
)
from trustscreen.sources._common import clean, country_code, decode, json_objects, read_bytes, unique_ids
from trustscreen.text.scripts import detect_script

FORMAT = "ftm"

_KINDS = {
    "Person": EntityKind.PERSON,
    "Company": EntityKind.ORGANIZATION,
    "Organization": EntityKind.ORGANIZATION,
    "PublicBody": EntityKind.ORGANIZATION,
    # FtM's own description: "used when raw data does not specify if something is a person or company".
    "LegalEntity": EntityKind.UNKNOWN,
    "Vessel": EntityKind.VESSEL,
    "Airplane": EntityKind.AIRCRAFT,
}
_NAME_PROPS = (
    ("name", NameKind.PRIMARY),
    ("alias", NameKind.ALIAS),
    ("weakAlias", NameKind.WEAK_ALIAS),
    ("previousName", NameKind.FORMER),
)
# FtM identifier properties → the scheme label shown to users.
_ID_PROPS = {
    "registrationNumber": "registration number",
    "idNumber": "ID number",
    "passportNumber": "passport",
    "taxNumber": "tax number",
    "vatCode": "VAT",
    "innCode": "INN",
    "ogrnCode": "OGRN",
    "okpoCode": "OKPO",
    "leiCode": "LEI",
    "swiftBic": "SWIFT/BIC",
    "uscCode": "USCC",
    "dunsCode": "DUNS",
    "uniqueEntityId": "UEI",
    "npiCode": "NPI",
    "bvdId": "BvD ID",
    "socialSecurityNumber": "SSN",
    "imoNumber": "IMO",
    "mmsi": "MMSI",
    "callSign": "call sign",
    "serialNumber": "serial number",
    "icaoCode": "ICAO",
    "wikidataId": "Wikidata",
}
_COUNTRY_PROPS = ("country", "nationality", "citizenship", "jurisdiction", "mainCountry", "flag")
_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")


@dataclass(frozen=True)
class _Line:
    number: int
    id: str
    schema: str
    props: dict[str, list[str]]
    raw: dict[str, Any]

    def first(self, prop: str) -> str | None:
        values = self.props.get(prop, [])
        return values[0] if values else None


def sniff(path: Path) -> bool:
    if not path.is_file():
        return False
    with path.open("rb") as handle:
        head = handle.read(8192).decode("utf-8", errors="ignore").lstrip("\ufeff \t\r\n")
    first = head.split("\n", 1)[0]
    return first.startswith("{") and '"schema"' in first and '"properties"' in first and '"id"' in first


def parse(path: Path) -> ParsedList:
    text = decode(path, read_bytes(path))
    lines = _lines(path, text)
    by_id = {line.id: line for line in lines}
    parties = [line for line in lines if _is_party(line)]
    if not parties:
        raise SourceError(
            str(path), "no listed parties (Person, Company, Organization, Vessel …); expected FtM entities"
        )
    list_id = _list_id(path, parties)
    links = _Links.build(path, lines, by_id)
    entities = [_entity(line, list_id, links, by_id) for line in parties]
    changes = [e.as_of for e in entities if e.as_of]
    info = ListInfo(
        list_id=list_id,
        title=f"{list_id} (FollowTheMoney export)",
        jurisdiction=None,
        publisher="OpenSanctions" if list_id.startswith("os-") else "FollowTheMoney export",
        source_format=FORMAT,
        as_of=max(changes) if changes else None,
    )
    return ParsedList(info=info, entities=tuple(entities), files=(str(path.resolve()),))


def _is_party(line: _Line) -> bool:
    return line.schema in _KINDS and line.raw.get("target", True) is not False


def _lines(path: Path, text: str) -> list[_Line]:
    lines = [_line(path, number, data) for number, data in json_objects(path, text, "one FtM entity per line")]
    if not lines:
        raise SourceError(str(path), "file is empty; expected FtM entity JSON lines")
    unique_ids(path, ((line.number, line.id) for line in lines), "entity id")
    return lines


def _line(path: Path, number: int, data: dict[str, Any]) -> _Line:
    entity_id, schema, props = data.get("id"), data.get("schema"), data.get("properties", {})
    if not isinstance(entity_id, str) or not entity_id.strip():
        raise SourceError(str(path), "entity has no id", line=number, field="id")
    if not isinstance(schema, str) or not schema:
        raise SourceError(str(path), "entity has no schema", line=number, record=entity_id, field="schema")
    if not isinstance(props, dict):
        raise SourceError(str(path), "expected an object", line=number, record=entity_id, field="properties")
    for prop, values in props.items():
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise SourceError(
                str(path),
                "expected a list of strings (flat entities.ftm.json; nested exports are not supported)",
                line=number,
                record=entity_id,
                field=f"properties.{prop}",
            )
    return _Line(number, entity_id, schema, props, data)


def _list_id(path: Path, parties: list[_Line]) -> str:
    """One OpenSanctions dataset → os-<dataset>; a collection or plain FtM file → ftm-<file name>."""
    common: set[str] | None = None
    for line in parties:
        datasets = {d for d in line.raw.get("datasets", []) if isinstance(d, str)}
        common = datasets if common is None else common & datasets
    if common and len(common) == 1:
        return "os-" + common.pop().replace("_", "-").lower()
    stem = path.name.split(".")[0]
    return "ftm-" + (re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-") or "entities")


@dataclass
class _Links:
    sanctions: dict[str, list[_Line]]
    identifications: dict[str, list[_Line]]
    ownerships: dict[str, list[tuple[RelationKind, _Line, str]]]

    @classmethod
    def build(cls, path: Path, lines: list[_Line], by_id: dict[str, _Line]) -> _Links:
        links = cls({}, {}, {})
        for line in lines:
            if line.schema == "Sanction":
                for target in _refs(path, line, "entity", by_id):
                    links.sanctions.setdefault(target, []).append(line)
            elif line.schema in ("Identification", "Passport"):
                for target in _refs(path, line, "holder", by_id):
                    links.identifications.setdefault(target, []).append(line)
            elif line.schema == "Ownership":
                owners = _refs(path, line, "owner", by_id)
                assets = _refs(path, line, "asset", by_id)
                for owner in owners:
                    for asset in assets:
                        links.ownerships.setdefault(asset, []).append((RelationKind.OWNER, line, owner))
                        links.ownerships.setdefault(owner, []).append((RelationKind.OWNED, line, asset))
        return links


def _refs(path: Path, line: _Line, prop: str, by_id: dict[str, _Line]) -> list[str]:
    targets = line.props.get(prop, [])
    for target in targets:
        if target not in by_id:
            raise SourceError(
                str(path),
                f"{line.schema} refers to entity {target!r}, which is not in the file; expected a complete export",
                line=line.number,
                record=line.id,
                field=f"properties.{prop}",
            )
    return targets


def _entity(line: _Line, list_id: str, links: _Links, by_id: dict[str, _Line]) -> Entity:
    extra: dict[str, Any] = {"schema": line.schema}
    topics = line.props.get("topics", [])
    if topics:
        extra["topics"] = topics
    datasets = [d for d in line.raw.get("datasets", []) if isinstance(d, str)]
    if datasets:
        extra["datasets"] = datasets
    countries, unmapped = _countries(line)
    if unmapped:
        extra["unmapped_countries"] = unmapped
    births = [d for d in line.props.get("birthDate", []) if _DATE.fullmatch(d)]
    odd_births = [d for d in line.props.get("birthDate", []) if not _DATE.fullmatch(d)]
    if odd_births:
        extra["unparsed_birth_dates"] = odd_births
    listings = [_listing(s, list_id) for s in links.sanctions.get(line.id, [])]
    last_change = line.raw.get("last_change") or line.raw.get("last_seen")
    notes = [clean(n) for n in line.props.get("notes", [])]
    return Entity(
        id=f"{list_id}:{line.id}",
        kind=_KINDS[line.schema],
        names=_names(line),
        listings=tuple(listings) or (Listing(list_id=list_id, remarks=", ".join(topics) or None),),
        identifiers=tuple(dict.fromkeys(_identifiers(line, links))),
        addresses=tuple(dict.fromkeys(_addresses(line, by_id))),
        countries=tuple(dict.fromkeys(countries)),
        birth_dates=tuple(dict.fromkeys(births)),
        relations=tuple(_relations(line, list_id, links, by_id)),
        remarks=" | ".join(n for n in notes if n) or None,
        source_url=line.first("sourceUrl"),
        as_of=str(last_change)[:10] if last_change else None,
        extra=extra,
    )


def _names(line: _Line) -> tuple[Name, ...]:
    names: list[Name] = []
    seen: set[str] = set()
    for prop, kind in _NAME_PROPS:
        for value in line.props.get(prop, []):
            text = clean(value)
            if not text or text.casefold() in seen:
                continue
            seen.add(text.casefold())
            # FtM allows several "name" values; one is primary, the rest are matched like aliases.
            if kind is NameKind.PRIMARY and names:
                kind = NameKind.ALIAS
            names.append(Name(text, kind, detect_script(text)))
    if not names:
        caption = clean(line.raw.get("caption")) if isinstance(line.raw.get("caption"), str) else None
        names.append(Name(caption or line.id, NameKind.PRIMARY, detect_script(caption or line.id)))
    return tuple(names)


def _countries(line: _Line) -> tuple[list[str], list[str]]:
    codes: list[str] = []
    unmapped: list[str] = []
    for prop in _COUNTRY_PROPS:
        for value in line.props.get(prop, []):
            # FtM stores ISO codes in lower case; a few are not ISO 3166-1 (e.g. "suhh" for the USSR).
            code = value.upper() if re.fullmatch(r"[a-zA-Z]{2}", value) else country_code(value)
            if code:
                codes.append(code)
            else:
                unmapped.append(value)
    return codes, unmapped


def _identifiers(line: _Line, links: _Links) -> Iterable[Identifier]:
    for prop, scheme in _ID_PROPS.items():
        for value in line.props.get(prop, []):
            if clean(value):
                yield Identifier(scheme=scheme, value=value.strip())
    for doc in links.identifications.get(line.id, []):
        number = clean(doc.first("number"))
        if number:
            scheme = clean(doc.first("type")) or ("passport" if doc.schema == "Passport" else "ID number")
            country = doc.first("country")
            note = "; ".join(
                f"{label} {value}"
                for label, value in (("issued", doc.first("startDate")), ("expires", doc.first("endDate")))
                if value
            )
            yield Identifier(
                scheme=scheme, value=number, country=country.upper() if country else None, note=note or None
            )


def _addresses(line: _Line, by_id: dict[str, _Line]) -> Iterable[Address]:
    for value in line.props.get("address", []):
        if clean(value):
            yield Address(full=clean(value))
    for ref in line.props.get("addressEntity", []):
        target = by_id.get(ref)
        if target is None or target.schema != "Address":
            continue
        country = target.first("country")
        parts = [target.first(p) for p in ("street", "city", "postalCode", "region", "state")]
        yield Address(
            full=target.first("full") or ", ".join(p for p in parts if p) or None,
            street=target.first("street"),
            city=target.first("city"),
            region=target.first("region") or target.first("state"),
            postal_code=target.first("postalCode"),
            country=country.upper() if country else None,
        )


def _listing(sanction: _Line, fallback_list_id: str) -> Listing:
    datasets = [d for d in sanction.raw.get("datasets", []) if isinstance(d, str)]
    list_id = "os-" + datasets[0].replace("_", "-").lower() if datasets else fallback_list_id
    country = sanction.first("country")
    authority, reason = sanction.first("authority"), sanction.first("reason")
    remarks = "; ".join(p for p in (authority, f"reason: {reason}" if reason else None) if p)
    return Listing(
        list_id=list_id,
        program=sanction.first("program") or sanction.first("programId"),
        jurisdiction=country.upper() if country else None,
        listed_on=sanction.first("startDate") or sanction.first("listingDate"),
        ended_on=sanction.first("endDate"),
        source_url=sanction.first("sourceUrl") or sanction.first("programUrl"),
        citation=sanction.first("authorityId") or sanction.first("unscId"),
        status=sanction.first("status"),
        scope=sanction.first("provisions"),
        remarks=remarks or None,
    )


def _relations(line: _Line, list_id: str, links: _Links, by_id: dict[str, _Line]) -> Iterable[Relation]:
    for kind, link, other_id in links.ownerships.get(line.id, []):
        other = by_id[other_id]
        share = _share(link.first("percentage"))
        yield Relation(
            kind=kind,
            target_name=_names(other)[0].value,
            target_id=f"{list_id}:{other_id}" if _is_party(other) else None,
            share=share,
            source_url=link.first("sourceUrl"),
        )


def _share(value: str | None) -> float | None:
    try:
        share = float(str(value).rstrip("%")) if value else None
    except ValueError:
        return None
    return share if share is not None and 0 <= share <= 100 else None
