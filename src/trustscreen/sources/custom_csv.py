"""A user's own CSV watch list (or good-guy list), read through a column mapping.

Never auto-detected (`sniff` is always False): any CSV would look like one. With no mapping, common headers
are recognised (name, aliases, type/kind, country, dob/birth_date, program, listed_on, source_url, id …);
an explicit mapping reads exactly the columns it names.

Entity ids are `<list_id>:<id column>` when the list has ids. Without an id column the name is the
identity (`<list_id>:<name slug>`): rows repeating a name are the same party listed again, and are merged
with one Listing per row.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, fields, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from trustscreen.errors import ConfigError, SourceError
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
)
from trustscreen.sources._common import (
    clean,
    country_code,
    csv_rows,
    decode,
    iso_date,
    partial_date,
    read_bytes,
    unique_names,
)
from trustscreen.text.scripts import detect_script

FORMAT = "custom-csv"

_DATE_FORMATS = (
    "%Y-%m-%d",
    "%d.%m.%Y",
    "%d.%m.%y",
    "%m/%d/%Y",
    "%d/%m/%Y",
    "%d %b %Y",
    "%d %B %Y",
    "%B %d, %Y",
    "%b %d, %Y",
)

_KIND_WORDS = {
    EntityKind.PERSON: ("person", "individual", "natural person", "people"),
    EntityKind.ORGANIZATION: (
        "organization",
        "organisation",
        "company",
        "entity",
        "legal entity",
        "legalentity",
        "business",
        "firm",
        "org",
        "public body",
        "publicbody",
        "corporation",
    ),
    EntityKind.VESSEL: ("vessel", "ship"),
    EntityKind.AIRCRAFT: ("aircraft", "airplane", "plane"),
    EntityKind.APP: ("app", "application"),
    EntityKind.NETWORK: ("network", "asn"),
    EntityKind.EQUIPMENT: ("equipment", "device", "product"),
    EntityKind.UNKNOWN: ("", "unknown"),
}
_KINDS = {word: kind for kind, words in _KIND_WORDS.items() for word in words}


@dataclass(frozen=True, slots=True)
class CustomMapping:
    """Which CSV column holds which field. Only `name` is required; unset fields are not read."""

    name: str = "name"
    id: str | None = None
    aliases: str | None = None
    native_name: str | None = None
    kind: str | None = None
    countries: str | None = None
    birth_date: str | None = None
    identifiers: tuple[str, ...] = ()
    program: str | None = None
    listed_on: str | None = None
    ended_on: str | None = None
    source_url: str | None = None
    address: str | None = None
    remarks: str | None = None
    # Splits multi-valued cells (aliases, countries, identifiers, birth dates).
    separator: str = ";"
    # strptime format for listed_on / ended_on when the list uses one the defaults misread.
    date_format: str | None = None

    def columns(self) -> dict[str, str]:
        """field → column for every mapped column."""
        out = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if item.name in ("separator", "date_format") or not value:
                continue
            if isinstance(value, tuple):
                out.update({f"identifiers[{col}]": col for col in value})
            else:
                out[item.name] = value
        return out


# Header spellings the default mapping recognises, compared after folding case and punctuation to "_".
_DEFAULT_HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("name", "full_name", "entity_name", "company_name", "party_name"),
    "id": ("id", "ref", "reference", "record_id", "entity_id", "uid"),
    "aliases": ("aliases", "alias", "aka", "alt_names", "other_names"),
    "native_name": ("native_name", "original_name", "name_original_script", "local_name"),
    "kind": ("kind", "type", "entity_type", "schema"),
    "countries": ("countries", "country", "nationality", "nationalities"),
    "birth_date": ("birth_date", "dob", "date_of_birth", "birthdate"),
    "program": ("program", "programme", "programs", "list"),
    "listed_on": ("listed_on", "listing_date", "start_date", "date_listed", "date"),
    "ended_on": ("ended_on", "end_date"),
    "source_url": ("source_url", "url", "source_link"),
    "address": ("address", "addresses"),
    "remarks": ("remarks", "notes", "note", "comments"),
}
_SPEC_KEYS = {
    **{key: key for key in _DEFAULT_HEADERS},
    "country": "countries",
    "type": "kind",
    "dob": "birth_date",
    "native": "native_name",
    "alias": "aliases",
    "identifier": "identifiers",
    "identifiers": "identifiers",
    "url": "source_url",
    "sep": "separator",
    "separator": "separator",
    "date_format": "date_format",
    "list": "program",
    "notes": "remarks",
}


def parse_mapping(spec: str) -> CustomMapping:
    """'name=Company Name,aliases=AKA,country=Country,id=Ref' → CustomMapping (identifier may repeat)."""
    values: dict[str, Any] = {}
    identifiers: list[str] = []
    for item in (part.strip() for part in spec.split(",")):
        if not item:
            continue
        key, sep, column = item.partition("=")
        key, column = key.strip().lower(), column.strip()
        if not sep or not column:
            raise ConfigError(f"mapping item {item!r} is not key=column; expected e.g. 'name=Company Name'")
        if key not in _SPEC_KEYS:
            raise ConfigError(f"unknown mapping key {key!r}; expected one of: {', '.join(sorted(_SPEC_KEYS))}")
        target = _SPEC_KEYS[key]
        if target == "identifiers":
            identifiers.extend(c.strip() for c in column.split("|") if c.strip())
        elif target in values:
            raise ConfigError(f"mapping key {key!r} given twice; expected each field once")
        else:
            values[target] = column
    return CustomMapping(**values, identifiers=tuple(identifiers))


def sniff(path: Path) -> bool:
    return False


def parse(path: Path, mapping: CustomMapping | None = None, list_id: str | None = None) -> ParsedList:
    list_id = _check_list_id(list_id) if list_id else "custom-" + (_slug(path.stem) or "list")
    text = decode(path, read_bytes(path))
    rows = _rows(path, text)
    try:
        header_line, header = next(rows)
    except StopIteration:
        raise SourceError(str(path), "file is empty; expected a header row") from None
    header = [h.strip() for h in header]
    _check_header(path, header_line, header)
    mapping = _resolve(path, header_line, header, mapping)
    parsed = [
        _row(path, line, dict(zip(header, values, strict=True)), mapping, list_id)
        for line, values in _data_rows(path, rows, len(header))
    ]
    if not parsed:
        raise SourceError(str(path), "no data rows after the header; expected list entries")
    entities = _merge(path, parsed, by_id=mapping.id is not None)
    info = ListInfo(
        list_id=list_id,
        title=f"{path.stem} (custom list)",
        jurisdiction=None,
        publisher="user",
        source_format=FORMAT,
    )
    return ParsedList(info=info, entities=tuple(entities), files=(str(path.resolve()),))


def _check_list_id(list_id: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", list_id):
        raise ConfigError(f"list id {list_id!r} is not usable; expected letters, digits, '.', '_' or '-'")
    return list_id


def _rows(path: Path, text: str) -> Iterator[tuple[int, list[str]]]:
    try:
        yield from csv_rows(path, text, delimiter=_delimiter(text))
    except SourceError as exc:
        if "unexpected end of data" in exc.problem:
            raise SourceError(
                str(path),
                "file ends inside a quoted field; expected a closing quote (truncated?)",
                line=exc.line,
            ) from None
        raise


def _delimiter(text: str) -> str:
    """The header line decides: whichever of , ; TAB it uses most outside quotes (ties go to ',')."""
    header = re.sub(r'"[^"]*"', "", text.split("\n", 1)[0])
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > counts[","] else ","


def _check_header(path: Path, line: int, header: list[str]) -> None:
    seen: set[str] = set()
    for column in header:
        if column in seen:
            raise SourceError(
                str(path),
                "column appears twice in the header; expected unique names",
                line=line,
                field=column,
            )
        seen.add(column)


def _resolve(path: Path, line: int, header: list[str], mapping: CustomMapping | None) -> CustomMapping:
    if mapping is None:
        mapping = _default_mapping(path, line, header)
    for target, column in mapping.columns().items():
        if column not in header:
            raise SourceError(
                str(path),
                f"no column {column!r} (mapped to {target}); header has: {', '.join(header)}",
                line=line,
                field=column,
            )
    return mapping


def _default_mapping(path: Path, line: int, header: list[str]) -> CustomMapping:
    folded = {_fold(column): column for column in header}
    found: dict[str, Any] = {}
    for target, spellings in _DEFAULT_HEADERS.items():
        for spelling in spellings:
            if spelling in folded and folded[spelling] not in found.values():
                found[target] = folded[spelling]
                break
    if "name" not in found:
        raise SourceError(
            str(path),
            f"no name column; expected a header named 'name' (or pass a mapping such as name=<column>); "
            f"header has: {', '.join(header)}",
            line=line,
            field="name",
        )
    return CustomMapping(**found)


def _fold(header: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", header.lower()).strip("_")


def _data_rows(path: Path, rows: Iterator[tuple[int, list[str]]], width: int) -> Iterator[tuple[int, list[str]]]:
    for line, values in rows:
        if not any(v.strip() for v in values):
            continue
        if len(values) != width:
            raise SourceError(
                str(path),
                f"row has {len(values)} fields; expected {width} (one per header column)",
                line=line,
            )
        yield line, values


@dataclass(frozen=True)
class _Row:
    line: int
    key: str
    entity: Entity


def _row(path: Path, line: int, row: dict[str, str], mapping: CustomMapping, list_id: str) -> _Row:
    def cell(column: str | None) -> str | None:
        return clean(row.get(column)) if column else None

    def multi(column: str | None) -> list[str]:
        value = cell(column)
        return [p for p in (clean(v) for v in value.split(mapping.separator)) if p] if value else []

    name = cell(mapping.name)
    if not name:
        raise SourceError(str(path), "name is empty; expected a name on every row", line=line, field=mapping.name)
    raw_id = cell(mapping.id)
    if mapping.id and not raw_id:
        raise SourceError(str(path), "id is empty; expected an id on every row", line=line, field=mapping.id)
    key = raw_id or _slug(name) or hashlib.sha1(name.encode()).hexdigest()[:12]
    extra: dict[str, Any] = {}
    countries = [(v, country_code(v)) for v in multi(mapping.countries)]
    if any(code is None for _, code in countries):
        extra["unmapped_countries"] = [v for v, code in countries if code is None]
    births = [(v, partial_date(v)) for v in multi(mapping.birth_date)]
    if any(parsed is None for _, parsed in births):
        extra["unparsed_birth_dates"] = [v for v, parsed in births if parsed is None]
    address = cell(mapping.address)
    entity = Entity(
        id=f"{list_id}:{key}",
        kind=_kind(path, line, mapping.kind, cell(mapping.kind)),
        names=_names(name, multi(mapping.aliases), multi(mapping.native_name)),
        listings=(_listing(mapping, list_id, cell),),
        identifiers=tuple(
            Identifier(scheme=column, value=value) for column in mapping.identifiers for value in multi(column)
        ),
        addresses=(Address(full=address, country=None),) if address else (),
        countries=tuple(dict.fromkeys(code for _, code in countries if code)),
        birth_dates=tuple(dict.fromkeys(parsed for _, parsed in births if parsed)),
        remarks=cell(mapping.remarks),
        source_url=cell(mapping.source_url),
        extra=extra,
    )
    return _Row(line, key, entity)


def _kind(path: Path, line: int, column: str | None, value: str | None) -> EntityKind:
    word = " ".join((value or "").lower().split())
    if word not in _KINDS:
        raise SourceError(
            str(path),
            f"unknown type {value!r}; expected person, organization, vessel, aircraft, app, network, "
            "equipment or empty",
            line=line,
            field=column,
        )
    return _KINDS[word]


def _names(name: str, aliases: list[str], natives: list[str]) -> tuple[Name, ...]:
    names = [Name(name, NameKind.PRIMARY, detect_script(name))]
    names += [Name(v, NameKind.ALIAS, detect_script(v)) for v in aliases]
    names += [Name(v, NameKind.NATIVE, detect_script(v)) for v in natives]
    return unique_names(names)


def _listing(mapping: CustomMapping, list_id: str, cell: Any) -> Listing:
    listed, ended = cell(mapping.listed_on), cell(mapping.ended_on)
    listed_iso, ended_iso = _date(listed, mapping.date_format), _date(ended, mapping.date_format)
    odd = [
        f"{label} as given: {raw}"
        for label, raw, iso in (("listed", listed, listed_iso), ("ended", ended, ended_iso))
        if raw and not iso
    ]
    return Listing(
        list_id=list_id,
        program=cell(mapping.program),
        listed_on=listed_iso,
        ended_on=ended_iso,
        source_url=cell(mapping.source_url),
        remarks="; ".join(odd) or None,
    )


def _date(value: str | None, date_format: str | None) -> str | None:
    if not value:
        return None
    if date_format:
        try:
            return datetime.strptime(value, date_format).date().isoformat()
        except ValueError:
            return None
    return iso_date(value, _DATE_FORMATS) or partial_date(value)


def _slug(text: str) -> str:
    return re.sub(r"[\W_]+", "-", text.casefold()).strip("-")


def _merge(path: Path, rows: list[_Row], *, by_id: bool) -> list[Entity]:
    merged: dict[str, tuple[int, Entity]] = {}
    for row in rows:
        if row.key not in merged:
            merged[row.key] = (row.line, row.entity)
            continue
        first_line, first = merged[row.key]
        if by_id:
            raise SourceError(
                str(path),
                f"duplicate id {row.key!r} (first on line {first_line}); expected each id once",
                line=row.line,
                record=row.key,
            )
        merged[row.key] = (first_line, _combine(path, first_line, first, row))
    return [entity for _, entity in merged.values()]


def _combine(path: Path, first_line: int, first: Entity, row: _Row) -> Entity:
    other = row.entity
    kinds = {first.kind, other.kind} - {EntityKind.UNKNOWN}
    if len(kinds) > 1:
        raise SourceError(
            str(path),
            f"same name as line {first_line} but a different type ({first.kind} vs {other.kind}); "
            "expected one type per name (add an id column to tell them apart)",
            line=row.line,
            record=row.key,
        )
    extra = dict(first.extra)
    for key, values in other.extra.items():
        extra[key] = list(dict.fromkeys([*extra.get(key, []), *values]))
    return replace(
        first,
        kind=kinds.pop() if kinds else EntityKind.UNKNOWN,
        names=unique_names([*first.names, *(replace(n, kind=_demoted(n.kind)) for n in other.names)]),
        listings=(*first.listings, *other.listings),
        identifiers=tuple(dict.fromkeys((*first.identifiers, *other.identifiers))),
        addresses=tuple(dict.fromkeys((*first.addresses, *other.addresses))),
        countries=tuple(dict.fromkeys((*first.countries, *other.countries))),
        birth_dates=tuple(dict.fromkeys((*first.birth_dates, *other.birth_dates))),
        remarks=" | ".join(dict.fromkeys(r for r in (first.remarks, other.remarks) if r)) or None,
        source_url=first.source_url or other.source_url,
        extra=extra,
    )


def _demoted(kind: NameKind) -> NameKind:
    return NameKind.ALIAS if kind is NameKind.PRIMARY else kind
