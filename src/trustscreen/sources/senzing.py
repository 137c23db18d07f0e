"""Senzing JSON lines as OpenSanctions exports them (`senzing.json`, one record per line).

Each line is {"DATA_SOURCE", "RECORD_ID", "RECORD_TYPE", "NAMES": [...], "DATES": [...], …}. The list id
is DATA_SOURCE lower-cased ("OS_US_CONGRESS" → "os-us-congress"), entity ids `<list>:<RECORD_ID>`.

OpenSanctions writes RECORD_TYPE null for matchable things that are not parties (positions such as
"United States senator" that PEP records point to). They are not screened as counterparties; their names
label the people who point to them (`extra["positions"]`).
"""

from __future__ import annotations

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
from trustscreen.sources._common import clean, country_code, decode, json_objects, partial_date, read_bytes, unique_ids
from trustscreen.text.scripts import detect_script

FORMAT = "senzing"

_KINDS = {
    "PERSON": EntityKind.PERSON,
    "ORGANIZATION": EntityKind.ORGANIZATION,
    "VESSEL": EntityKind.VESSEL,
    "AIRCRAFT": EntityKind.AIRCRAFT,
    "VEHICLE": EntityKind.UNKNOWN,
}


@dataclass(frozen=True)
class _Record:
    line: int
    data: dict[str, Any]

    @property
    def record_id(self) -> str:
        return str(self.data["RECORD_ID"])


def sniff(path: Path) -> bool:
    if not path.is_file():
        return False
    with path.open("rb") as handle:
        head = handle.read(8192).decode("utf-8", errors="ignore").lstrip("\ufeff \t\r\n")
    first = head.split("\n", 1)[0]
    return first.startswith("{") and '"DATA_SOURCE"' in first and '"RECORD_ID"' in first


def parse(path: Path) -> ParsedList:
    text = decode(path, read_bytes(path))
    records = _records(path, text)
    list_id = _list_id(path, records)
    names = {r.record_id: _primary_name(r) for r in records}
    parties = {r.record_id for r in records if _is_party(r)}
    entities = [_entity(path, r, list_id, names, parties) for r in records if r.record_id in parties]
    if not entities:
        raise SourceError(str(path), "no PERSON/ORGANIZATION/VESSEL/AIRCRAFT records; expected Senzing records")
    changes = [e.as_of for e in entities if e.as_of]
    info = ListInfo(
        list_id=list_id,
        title=f"{records[0].data['DATA_SOURCE']} (Senzing export)",
        jurisdiction=None,
        publisher="OpenSanctions" if list_id.startswith("os-") else str(records[0].data["DATA_SOURCE"]),
        source_format=FORMAT,
        as_of=max(changes) if changes else None,
    )
    return ParsedList(info=info, entities=tuple(entities), files=(str(path.resolve()),))


def _records(path: Path, text: str) -> list[_Record]:
    records = [_record(path, number, data) for number, data in json_objects(path, text, "one Senzing record per line")]
    if not records:
        raise SourceError(str(path), "file is empty; expected Senzing JSON lines")
    unique_ids(path, ((record.line, record.record_id) for record in records), "RECORD_ID")
    return records


def _record(path: Path, number: int, data: dict[str, Any]) -> _Record:
    for key in ("DATA_SOURCE", "RECORD_ID"):
        if not isinstance(data.get(key), str | int) or not str(data[key]).strip():
            raise SourceError(str(path), f"record has no {key}", line=number, field=key)
    for key in ("NAMES", "DATES", "COUNTRIES", "IDENTIFIERS", "ADDRESSES", "RISKS", "RELATIONSHIPS"):
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise SourceError(
                str(path), "expected a list of objects", line=number, record=str(data["RECORD_ID"]), field=key
            )
    record_type = data.get("RECORD_TYPE")
    if record_type is not None and record_type not in _KINDS:
        raise SourceError(
            str(path),
            f"unknown RECORD_TYPE {record_type!r}; expected one of {', '.join(_KINDS)} or null",
            line=number,
            record=str(data["RECORD_ID"]),
            field="RECORD_TYPE",
        )
    return _Record(number, data)


def _list_id(path: Path, records: list[_Record]) -> str:
    source = str(records[0].data["DATA_SOURCE"])
    for record in records:
        if record.data["DATA_SOURCE"] != source:
            raise SourceError(
                str(path),
                f"DATA_SOURCE {record.data['DATA_SOURCE']!r} differs from {source!r} "
                f"on line {records[0].line}; expected one data source per file",
                line=record.line,
                field="DATA_SOURCE",
            )
    return source.strip().lower().replace("_", "-")


def _is_party(record: _Record) -> bool:
    return record.data.get("RECORD_TYPE") is not None


def _name_value(item: dict[str, Any]) -> str | None:
    full = clean(_str(item.get("NAME_FULL"))) or clean(_str(item.get("NAME_ORG")))
    if full:
        return full
    parts = (item.get(k) for k in ("NAME_PREFIX", "NAME_FIRST", "NAME_MIDDLE", "NAME_LAST", "NAME_SUFFIX"))
    return clean(" ".join(_str(p) or "" for p in parts))


def _primary_name(record: _Record) -> str | None:
    values = [(item.get("NAME_TYPE"), _name_value(item)) for item in record.data.get("NAMES", [])]
    for kind, value in values:
        if kind == "PRIMARY" and value:
            return value
    return next((v for _, v in values if v), None)


def _entity(path: Path, record: _Record, list_id: str, names_by_id: dict[str, str | None], parties: set[str]) -> Entity:
    data = record.data
    names = _names(path, record)
    birth_dates, extra = _dates(data)
    countries = [country_code(_str(v)) for item in data.get("COUNTRIES", []) for v in item.values()]
    identifiers = [i for item in data.get("IDENTIFIERS", []) for i in _identifiers(item)]
    addresses, places = _addresses(data)
    if places:
        extra["places_of_birth"] = places
    topics = [t for t in (clean(_str(item.get("TOPIC"))) for item in data.get("RISKS", [])) if t]
    if topics:
        extra["topics"] = topics
    relations, positions = _relations(data, list_id, names_by_id, parties)
    if positions:
        extra["positions"] = positions
    url = clean(_str(data.get("URL")))
    last_change = clean(_str(data.get("LAST_CHANGE")))
    return Entity(
        id=f"{list_id}:{record.record_id}",
        kind=_KINDS[str(data["RECORD_TYPE"])],
        names=names,
        listings=(Listing(list_id=list_id, source_url=url, remarks=", ".join(topics) or None),),
        identifiers=tuple(dict.fromkeys(identifiers)),
        addresses=tuple(dict.fromkeys(addresses)),
        countries=tuple(dict.fromkeys(c for c in countries if c)),
        birth_dates=tuple(dict.fromkeys(birth_dates)),
        relations=tuple(relations),
        source_url=url,
        as_of=last_change[:10] if last_change else None,
        extra=extra,
    )


def _names(path: Path, record: _Record) -> tuple[Name, ...]:
    names: list[Name] = []
    seen: set[str] = set()
    items = sorted(record.data.get("NAMES", []), key=lambda item: item.get("NAME_TYPE") != "PRIMARY")
    for item in items:
        value = _name_value(item)
        if not value or value.casefold() in seen:
            continue
        seen.add(value.casefold())
        # One primary: a second "PRIMARY" (or any other NAME_TYPE) is matched like an alias.
        kind = NameKind.PRIMARY if not names else NameKind.ALIAS
        names.append(Name(value, kind, detect_script(value)))
    if not names:
        raise SourceError(
            str(path),
            "record has no name; expected NAME_FULL or NAME_ORG",
            line=record.line,
            record=record.record_id,
            field="NAMES",
        )
    return tuple(names)


def _dates(data: dict[str, Any]) -> tuple[list[str], dict[str, Any]]:
    births: list[str] = []
    extra: dict[str, Any] = {}
    for item in data.get("DATES", []):
        for key, value in item.items():
            parsed = partial_date(_str(value))
            if key == "DATE_OF_BIRTH" and parsed:
                births.append(parsed)
            elif _str(value):
                extra.setdefault(key.lower(), []).append(parsed or _str(value))
    return births, extra


def _identifiers(item: dict[str, Any]) -> list[Identifier]:
    """{"PASSPORT_NUMBER", "PASSPORT_COUNTRY"}, {"TRUSTED_ID_TYPE", "TRUSTED_ID_NUMBER"}, {"LEI_NUMBER"} …"""
    out = []
    for key, value in item.items():
        if key.endswith(("_TYPE", "_COUNTRY")) or not _str(value):
            continue
        base = key.removesuffix("_NUMBER")
        scheme = clean(_str(item.get(f"{base}_TYPE"))) or base
        country = country_code(_str(item.get(f"{base}_COUNTRY")))
        out.append(Identifier(scheme=scheme, value=str(_str(value)).strip(), country=country))
    return out


def _addresses(data: dict[str, Any]) -> tuple[list[Address], list[str]]:
    addresses: list[Address] = []
    places: list[str] = []
    for item in data.get("ADDRESSES", []):
        place = clean(_str(item.get("PLACE_OF_BIRTH")))
        if place:
            places.append(place)
        full = clean(_str(item.get("ADDR_FULL")))
        if full:
            addresses.append(Address(full=full, country=country_code(_str(item.get("ADDR_COUNTRY")))))
    return addresses, places


def _relations(
    data: dict[str, Any], list_id: str, names_by_id: dict[str, str | None], parties: set[str]
) -> tuple[list[Relation], list[str]]:
    relations: list[Relation] = []
    positions: list[str] = []
    for item in data.get("RELATIONSHIPS", []):
        key = _str(item.get("REL_POINTER_KEY"))
        if not key:
            continue
        target = names_by_id.get(key)
        if str(item.get("REL_POINTER_ROLE")) == "Occupancy":
            positions.append(target or key)
            continue
        relations.append(
            Relation(
                kind=RelationKind.ASSOCIATE,
                target_name=target or key,
                target_id=f"{list_id}:{key}" if key in parties else None,
            )
        )
    return relations, positions


def _str(value: Any) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    return str(value)
