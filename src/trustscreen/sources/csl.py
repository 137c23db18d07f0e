"""trade.gov Consolidated Screening List (CSL): the CSV download and the JSON the CSL API publishes.

The CSL merges thirteen Commerce, State and Treasury lists. Each row is one entry on one of them; the
long "source" string says which, and becomes a short list code (EL, SDN, MEU …) on the Listing.

Treasury rows carry the OFAC entity number as `_id`, so one OFAC entity on two Treasury lists (SDN and
NS-PLC, SSI and NS-MBS) appears twice under the same `_id`. Those rows describe one party: they are
merged into one Entity with one Listing per row. The same `_id` twice on the *same* list, or with two
different party types, is a broken file and is refused.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
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
)
from trustscreen.sources._common import (
    clean,
    country_code,
    csv_rows,
    decode,
    iso_date,
    partial_date,
    read_bytes,
    split_multi,
    unique_names,
)
from trustscreen.text.scripts import detect_script

FORMAT = "csl"
LIST_ID = "us-csl"
TITLE = "US Consolidated Screening List (trade.gov)"
PUBLISHER = "US Department of Commerce, International Trade Administration"
SOURCE_URL = "https://www.trade.gov/consolidated-screening-list"

COLUMNS = (
    "_id",
    "source",
    "entity_number",
    "type",
    "programs",
    "name",
    "title",
    "addresses",
    "federal_register_notice",
    "start_date",
    "end_date",
    "standard_order",
    "license_requirement",
    "license_policy",
    "call_sign",
    "vessel_type",
    "gross_tonnage",
    "gross_registered_tonnage",
    "vessel_flag",
    "vessel_owner",
    "remarks",
    "source_list_url",
    "alt_names",
    "citizenships",
    "dates_of_birth",
    "nationalities",
    "places_of_birth",
    "source_information_url",
    "ids",
)
# Without these a row cannot become an entity; the others may be dropped by a future CSL layout.
REQUIRED_COLUMNS = ("_id", "source", "name")

# Long "source" strings as the CSL spells them → the codes its API's `sources` filter uses.
# The order is the preference for the primary name when one OFAC entity is on several lists.
SOURCE_CODES: dict[str, str] = {
    "Specially Designated Nationals (SDN) - Treasury Department": "SDN",
    "Sectoral Sanctions Identifications List (SSI) - Treasury Department": "SSI",
    "Foreign Sanctions Evaders (FSE) - Treasury Department": "FSE",
    "Non-SDN Menu-Based Sanctions List (NS-MBS List) - Treasury Department": "MBS",
    "Non-SDN Chinese Military-Industrial Complex Companies List (CMIC) - Treasury Department": "CMIC",
    "Palestinian Legislative Council List (PLC) - Treasury Department": "PLC",
    "Capta List (CAP) - Treasury Department": "CAP",
    "Entity List (EL) - Bureau of Industry and Security": "EL",
    "Military End User (MEU) List - Bureau of Industry and Security": "MEU",
    "Unverified List (UVL) - Bureau of Industry and Security": "UVL",
    "Denied Persons List (DPL) - Bureau of Industry and Security": "DPL",
    "ITAR Debarred (DTC) - State Department": "DTC",
    "Nonproliferation Sanctions (ISN) - State Department": "ISN",
}
_CODE_RANK = {code: rank for rank, code in enumerate(SOURCE_CODES.values())}
# Older and newer spellings of the same lists, by the abbreviation in parentheses.
_CODE_ALIASES = {"NS-MBS": "MBS", "NS-MBS LIST": "MBS", "NS-CMIC": "CMIC", "NS-PLC": "PLC", "CAPTA": "CAP"}

_KINDS = {
    "individual": EntityKind.PERSON,
    "entity": EntityKind.ORGANIZATION,
    "vessel": EntityKind.VESSEL,
    "aircraft": EntityKind.AIRCRAFT,
    "": EntityKind.UNKNOWN,
}

# State and BIS append the reach of a designation to the name; it is scope, not part of the name.
_SCOPE_SUFFIX = re.compile(
    r"[;,]?\s*(and any successors?, sub-units?,? or subsidiar(?:y|ies) thereof"
    r"|and its sub-units and successors)\s*$",
    re.IGNORECASE,
)

# OFAC "ids" entries that describe the designation or the party rather than identify it.
_FEATURE_TYPES = frozenset(
    {"Gender", "Target Type", "Issuer Name", "Nationality of Registration", "Nationality Country"}
)


@dataclass
class _Row:
    """One CSL row, normalised from either layout."""

    line: int | None
    record: str
    raw_id: str
    code: str
    source_name: str
    kind: EntityKind
    name: str
    scope: str | None
    aliases: list[str]
    programs: list[str]
    addresses: list[Address]
    identifiers: list[Identifier]
    features: list[dict[str, str]]
    countries: list[str]
    birth_dates: list[str]
    extra: dict[str, Any]
    listing: Listing
    remarks: str | None
    source_url: str | None


def sniff(path: Path) -> bool:
    if not path.is_file():
        return False
    with path.open("rb") as handle:
        head = handle.read(65536)
    text = head.decode("utf-8", errors="ignore").lstrip("\ufeff \t\r\n")
    if text.startswith("{"):
        return '"results"' in text and ('"source_list_url"' in text or '"entity_number"' in text)
    first = text.split("\n", 1)[0].strip().replace('"', "")
    return first.startswith("_id,source,entity_number,")


def parse(path: Path) -> ParsedList:
    data = read_bytes(path)
    text = decode(path, data)
    as_of: str | None
    if text.lstrip().startswith("{"):
        rows, as_of = _json_rows(path, text)
    else:
        rows, as_of = list(_csv_rows(path, text)), None
    entities = _merge(path, rows, as_of)
    if not entities:
        raise SourceError(str(path), "no list entries found; expected at least one CSL row")
    info = ListInfo(
        list_id=LIST_ID,
        title=TITLE,
        jurisdiction="US",
        publisher=PUBLISHER,
        source_format=FORMAT,
        source_url=SOURCE_URL,
        as_of=as_of,
        licence="US Government work (public domain)",
    )
    return ParsedList(info=info, entities=tuple(entities), files=(str(path.resolve()),))


# --- CSV layout -------------------------------------------------------------------------------


def _csv_rows(path: Path, text: str) -> Iterator[_Row]:
    rows = _strict_csv(path, text)
    try:
        header_line, header = next(rows)
    except StopIteration:
        raise SourceError(str(path), "file is empty; expected a CSL header row") from None
    header = [h.strip().lstrip("\ufeff") for h in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise SourceError(
            str(path),
            f"header lacks column(s) {', '.join(missing)}; expected the CSL header ({','.join(COLUMNS[:4])},…)",
            line=header_line,
        )
    for line, values in rows:
        if values == header or (values and values[0] == "_id"):
            # The CSL download repeats its header as a data row; it is not an entity.
            continue
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            raise SourceError(
                str(path),
                f"row has {len(values)} fields; expected {len(header)} (one per header column)",
                line=line,
            )
        yield _row_from_csv(path, line, dict(zip(header, values, strict=True)))


def _strict_csv(path: Path, text: str) -> Iterator[tuple[int, list[str]]]:
    try:
        yield from csv_rows(path, text)
    except SourceError as exc:
        if "unexpected end of data" in exc.problem:
            raise SourceError(
                str(path),
                "file ends inside a quoted field; expected a closing quote (truncated download?)",
                line=exc.line,
            ) from None
        raise


def _row_from_csv(path: Path, line: int, row: Mapping[str, str]) -> _Row:
    raw_id = clean(row.get("_id")) or clean(row.get("entity_number"))
    record = raw_id or f"at line {line}"
    if not raw_id:
        raise SourceError(str(path), "row has no _id or entity_number; expected a stable row id", line=line)
    where = _Where(path, line, record)
    ids, features = _ids_from_csv(row.get("ids", ""))
    addresses = [_address_from_text(a) for a in _multi(row, "addresses")]
    return _build_row(where, raw_id, row, ids, features, addresses, _multi(row, "programs"))


def _ids_from_csv(value: str) -> tuple[list[Identifier], list[dict[str, str]]]:
    """'Passport, U00242309, TR; Gender, Male' → identifiers and descriptive features."""
    identifiers: list[Identifier] = []
    features: list[dict[str, str]] = []
    for part in split_multi(value, "; "):
        bits = [b.strip() for b in part.split(", ")]
        scheme = bits[0]
        country = None
        rest: list[str] = []
        if len(bits) >= 3 and re.fullmatch(r"[A-Z]{2}", bits[2]):
            number, country, rest = bits[1], bits[2], bits[3:]
        else:
            # Free text (regulation names, URLs) contains ", " too: keep it whole.
            number = ", ".join(bits[1:])
        _add_id(identifiers, features, scheme, number, country, ", ".join(rest) or None)
    return identifiers, features


def _address_from_text(text: str) -> Address:
    """'street, city, state, postal, CC': the CSV drops empty parts, so only the country is sure."""
    last = text.rsplit(", ", 1)[-1].strip()
    # Postal codes end some addresses; only letters can be a country (and "100" is Bulgaria's ISO number).
    country = country_code(last) if last and not any(ch.isdigit() for ch in last) else None
    return Address(full=text, country=country)


# --- JSON layout ------------------------------------------------------------------------------


def _json_rows(path: Path, text: str) -> tuple[list[_Row], str | None]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(str(path), f"invalid JSON: {exc.msg}; expected the CSL API JSON", line=exc.lineno) from None
    if not isinstance(document, dict) or not isinstance(document.get("results"), list):
        raise SourceError(str(path), 'expected a JSON object with a "results" list (CSL API v1)')
    results: list[Any] = document["results"]
    total = document.get("total")
    if isinstance(total, int) and total != len(results):
        raise SourceError(
            str(path),
            f'"total" says {total} entries but "results" holds {len(results)}; expected the whole list, '
            "not one page of an API search",
            field="total",
        )
    rows = [_row_from_json(path, index, item) for index, item in enumerate(results)]
    return rows, _json_as_of(document.get("sources_used"))


def _row_from_json(path: Path, index: int, item: Any) -> _Row:
    record = f"results[{index}]"
    if not isinstance(item, dict):
        raise SourceError(str(path), "expected a JSON object", record=record)
    raw_id = _scalar(item.get("id")) or _scalar(item.get("_id")) or _scalar(item.get("entity_number"))
    if not raw_id:
        raise SourceError(str(path), "entry has no id, _id or entity_number", record=record, field="id")
    where = _Where(path, None, f"{raw_id} ({record})")
    row = {key: _joined(value) for key, value in item.items() if key not in ("addresses", "ids")}
    identifiers: list[Identifier] = []
    features: list[dict[str, str]] = []
    for entry in _objects(where, item.get("ids"), "ids"):
        note = "; ".join(
            f"{label} {value}"
            for label, value in (
                ("issued", entry.get("issue_date")),
                ("expires", entry.get("expiration_date")),
            )
            if _scalar(value)
        )
        _add_id(
            identifiers,
            features,
            _scalar(entry.get("type")) or "",
            _scalar(entry.get("number")) or "",
            _scalar(entry.get("country")),
            note or None,
        )
    addresses = [_address_from_json(entry) for entry in _objects(where, item.get("addresses"), "addresses")]
    programs = [p for p in (_scalar(v) for v in _as_list(item.get("programs"))) if p]
    return _build_row(where, raw_id, row, identifiers, features, [a for a in addresses if a], programs)


def _address_from_json(entry: Mapping[str, Any]) -> Address | None:
    street = _scalar(entry.get("address"))
    city = _scalar(entry.get("city"))
    region = _scalar(entry.get("state"))
    postal = _scalar(entry.get("postal_code"))
    country = _scalar(entry.get("country"))
    parts = [p for p in (street, city, region, postal, country) if p]
    if not parts:
        return None
    return Address(
        full=", ".join(parts),
        street=street,
        city=city,
        region=region,
        postal_code=postal,
        country=country_code(country),
    )


def _json_as_of(sources_used: Any) -> str | None:
    dates = []
    for entry in sources_used if isinstance(sources_used, list) else []:
        if isinstance(entry, dict):
            stamp = _scalar(entry.get("last_imported")) or _scalar(entry.get("source_last_updated"))
            if stamp and iso_date(stamp[:10]):
                dates.append(stamp[:10])
    return max(dates) if dates else None


def _objects(where: _Where, value: Any, name: str) -> list[Mapping[str, Any]]:
    items = _as_list(value)
    for item in items:
        if not isinstance(item, dict):
            raise where.error(f"expected a list of objects, found {type(item).__name__}", name)
    return items


def _as_list(value: Any) -> list[Any]:
    if value is None or value == "":
        return []
    return value if isinstance(value, list) else [value]


def _scalar(value: Any) -> str | None:
    if value is None or isinstance(value, list | dict):
        return None
    return clean(str(value))


def _joined(value: Any) -> str:
    """JSON multi-values may be lists or '; '-joined strings (as in the CSV); unify on the latter."""
    if isinstance(value, list):
        return "; ".join(s for s in (_scalar(v) for v in value) if s)
    return _scalar(value) or ""


# --- Shared row building ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Where:
    path: Path
    line: int | None
    record: str

    def error(self, problem: str, field: str | None = None) -> SourceError:
        return SourceError(str(self.path), problem, line=self.line, record=self.record, field=field)


def _build_row(
    where: _Where,
    raw_id: str,
    row: Mapping[str, str],
    identifiers: list[Identifier],
    features: list[dict[str, str]],
    addresses: list[Address],
    programs: list[str],
) -> _Row:
    source_name = clean(row.get("source")) or ""
    code = _source_code(where, source_name)
    kind = _kind(where, row.get("type", ""))
    raw_name = clean(row.get("name"))
    if not raw_name:
        raise where.error("entry has no name", "name")
    name, scope = _split_scope(raw_name)
    call_sign = clean(row.get("call_sign"))
    if call_sign:
        identifiers.append(Identifier(scheme="Call Sign", value=call_sign))
    countries = [a.country for a in addresses if a.country]
    for column in ("nationalities", "citizenships"):
        countries.extend(c for c in (country_code(v) for v in _multi(row, column)) if c)
    listing = _listing(row, code, source_name, programs, scope)
    return _Row(
        line=where.line,
        record=where.record,
        raw_id=raw_id,
        code=code,
        source_name=source_name,
        kind=kind,
        name=name,
        scope=scope,
        aliases=_multi(row, "alt_names"),
        programs=programs,
        addresses=addresses,
        identifiers=identifiers,
        features=features,
        countries=countries,
        birth_dates=_birth_dates(row)[0],
        extra=_extra(row),
        listing=listing,
        remarks=clean(row.get("remarks")),
        source_url=clean(row.get("source_information_url")) or clean(row.get("source_list_url")),
    )


def _listing(row: Mapping[str, str], code: str, source_name: str, programs: list[str], scope: str | None) -> Listing:
    standard = (clean(row.get("standard_order")) or "").upper()
    scopes = [s for s in (scope, "standard denial order terms" if standard == "Y" else None) if s]
    start, end = clean(row.get("start_date")), clean(row.get("end_date"))
    odd_dates = [
        f"{label} as given: {raw}" for label, raw in (("start", start), ("end", end)) if raw and not iso_date(raw)
    ]
    return Listing(
        list_id=code,
        program="; ".join(programs) or None,
        jurisdiction="US",
        listed_on=iso_date(start),
        ended_on=iso_date(end),
        source_url=clean(row.get("source_information_url")) or clean(row.get("source_list_url")),
        citation=clean(row.get("federal_register_notice")),
        licence_requirement=clean(row.get("license_requirement")),
        licence_review_policy=clean(row.get("license_policy")),
        scope="; ".join(scopes) or None,
        remarks="; ".join([source_name, *odd_dates]),
    )


def _source_code(where: _Where, source_name: str) -> str:
    if source_name in SOURCE_CODES:
        return SOURCE_CODES[source_name]
    upper = source_name.upper()
    if upper in _CODE_RANK:
        return upper
    if upper in _CODE_ALIASES:
        return _CODE_ALIASES[upper]
    # A list the CSL adds later still names its abbreviation in parentheses: "New List (NL) - Agency".
    match = re.search(r"\(([A-Z][A-Z0-9-]*(?: List)?)\)", source_name)
    if match:
        abbreviation = match.group(1).upper()
        return _CODE_ALIASES.get(abbreviation, abbreviation.removesuffix(" LIST"))
    raise where.error(
        f"unknown source {source_name!r}; expected a CSL list name such as "
        "'Entity List (EL) - Bureau of Industry and Security'",
        "source",
    )


def _kind(where: _Where, value: str) -> EntityKind:
    key = (clean(value) or "").lower()
    if key not in _KINDS:
        raise where.error(f"unknown type {value!r}; expected Individual, Entity, Vessel, Aircraft or empty", "type")
    return _KINDS[key]


def _split_scope(name: str) -> tuple[str, str | None]:
    match = _SCOPE_SUFFIX.search(name)
    if not match or match.start() == 0:
        return name, None
    return name[: match.start()].rstrip(" ,;"), match.group(1)


def _add_id(
    identifiers: list[Identifier],
    features: list[dict[str, str]],
    scheme: str,
    number: str,
    country: str | None,
    note: str | None,
) -> None:
    scheme, number = scheme.strip(), number.strip()
    if not number:
        return
    if _is_feature(scheme):
        features.append({"type": scheme, "value": number})
        return
    identifiers.append(Identifier(scheme=scheme, value=number, country=country_code(country), note=note))


def _is_feature(scheme: str) -> bool:
    # "Secondary sanctions risk:", "Listing Date (CMIC)", "Executive Order 13662 Directive Determination -" …
    return scheme in _FEATURE_TYPES or scheme.endswith((":", "-")) or "Date" in scheme or "Directive" in scheme


def _birth_dates(row: Mapping[str, str]) -> tuple[list[str], list[str]]:
    """Parsed dates, and the raw values no date format fits (kept verbatim, never guessed)."""
    dates, unparsed = [], []
    for value in _multi(row, "dates_of_birth"):
        parsed = partial_date(value) or partial_date(re.sub(r"^(circa|approximately)\s+", "", value, flags=re.I))
        if parsed:
            dates.append(parsed)
        else:
            unparsed.append(value)
    return dates, unparsed


def _extra(row: Mapping[str, str]) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    for column in (
        "title",
        "vessel_type",
        "vessel_flag",
        "vessel_owner",
        "gross_tonnage",
        "gross_registered_tonnage",
    ):
        value = clean(row.get(column))
        if value:
            extra[column] = value
    places = _multi(row, "places_of_birth")
    if places:
        extra["places_of_birth"] = places
    unparsed = _birth_dates(row)[1]
    if unparsed:
        extra["unparsed_birth_dates"] = unparsed
    return extra


def _multi(row: Mapping[str, str], column: str) -> list[str]:
    # BIS writes lists as prose ("A; B; and C"): the last item's "and " is not part of the value.
    return [re.sub(r"^and\s+", "", part) for part in split_multi(row.get(column), "; ")]


# --- Merging rows into entities ---------------------------------------------------------------


def _merge(path: Path, rows: Iterable[_Row], as_of: str | None) -> list[Entity]:
    groups: dict[str, list[_Row]] = {}
    for row in rows:
        group = groups.setdefault(row.raw_id, [])
        for other in group:
            if other.code == row.code:
                raise SourceError(
                    str(path),
                    f"duplicate _id {row.raw_id!r} on list {row.code} (first at {_place(other)}); "
                    "expected each id once per list",
                    line=row.line,
                    record=row.record,
                    field="_id",
                )
        group.append(row)
    return [_entity(path, group, as_of) for group in groups.values()]


def _place(row: _Row) -> str:
    return f"line {row.line}" if row.line is not None else row.record


def _entity(path: Path, group: list[_Row], as_of: str | None) -> Entity:
    group = sorted(group, key=lambda r: _CODE_RANK.get(r.code, len(_CODE_RANK)))
    first = group[0]
    kinds = {r.kind for r in group if r.kind is not EntityKind.UNKNOWN}
    if len(kinds) > 1:
        raise SourceError(
            str(path),
            f"_id {first.raw_id!r} is a {' and a '.join(sorted(kinds))} on different lists; "
            "expected one party type per id",
            line=group[-1].line,
            record=first.record,
            field="type",
        )
    names = [Name(first.name, NameKind.PRIMARY, detect_script(first.name))]
    for row in group:
        for value in (row.name, *row.aliases):
            names.append(Name(value, NameKind.ALIAS, detect_script(value)))
    extra: dict[str, Any] = {}
    for row in group:
        for key, value in row.extra.items():
            extra.setdefault(key, value)
    features = _unique(f for r in group for f in r.features)
    if features:
        extra["features"] = features
    if len(group) > 1:
        extra["csl_sources"] = [r.code for r in group]
    remarks = _unique(r.remarks for r in group if r.remarks)
    return Entity(
        id=f"{LIST_ID}:{first.raw_id}",
        kind=kinds.pop() if kinds else EntityKind.UNKNOWN,
        names=unique_names(names),
        listings=tuple(r.listing for r in group),
        identifiers=tuple(_unique(i for r in group for i in r.identifiers)),
        addresses=tuple(_unique(a for r in group for a in r.addresses)),
        countries=tuple(_unique(c for r in group for c in r.countries)),
        birth_dates=tuple(_unique(d for r in group for d in r.birth_dates)),
        remarks=" | ".join(remarks) or None,
        source_url=first.source_url,
        as_of=as_of,
        extra=extra,
    )


def _unique(items: Iterable[Any]) -> list[Any]:
    out: list[Any] = []
    for item in items:
        if item not in out:
            out.append(item)
    return out
