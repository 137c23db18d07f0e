"""UK HM Treasury / OFSI Consolidated List of Financial Sanctions Targets (ConList.csv).

Layout: an optional first line "Last Updated,dd/mm/yyyy", then a header row, then one row per name
variant. Columns: Name 6 (surname or entity name), Name 1-5 (given names), Title, DOB, Town of
Birth, Country of Birth, Nationality, Passport Details, NI Number, Position, Address 1-6,
Post/Zip Code, Country, Other Information, Group Type, Alias Type, Regime, Listed On,
Last Updated, Group ID. A header with one extra empty leading column (rows one shorter) is
accepted, as are rows that carry that empty column too, and trailing empty columns.

Rows are grouped by Group ID, OFSI's stable id of a target: one entity `uk-hmt-conlist:<Group ID>`.
Rows of a group repeat the whole record once per name spelling *and* once per date of birth or
address, so names, dates of birth, addresses, nationalities and identifiers are merged and
de-duplicated. Groups need not be contiguous (the file is sorted by name).

- Names: given names then surname ("Yasser Aziz ABBAS"), as the list reads. The row whose Alias
  Type is "Primary Name" (current files) or "Prime Alias" (files before 2021) gives the PRIMARY
  name; "Primary Name Variation" and "AKA" rows give ALIAS names; "FKA" rows give FORMER. A group
  without a primary-name row (an excerpt, or a cut file) keeps only aliases; nothing is promoted.
- Title and Position → `extra["titles"]`, `extra["positions"]`; Town/Country of Birth →
  `extra["places_of_birth"]`.
- DOB dd/mm/yyyy; "00/00/1980" means the year only, "00/05/1980" the month only.
- Nationality ("1) Saudi Arabia 2) Qatar", "Syrian") → countries, then the Country column(s).
- Passport Details and NI Number → identifiers "Passport" / "National ID No." (the same scheme
  names as the OFAC source), their numbered items split, the raw text otherwise kept.
- "UN Ref QDe.004" (also "UN REF:QE.A.146.14", "UN Ref.KPI.067") in Other Information →
  Identifier("UN Ref", "QDe.004"); current-style references are re-cased to the UN's own form
  ("KPI.067" → "KPi.067", "QDI.282" → "QDi.282") so they join with `un:` ids. "IMO: 8937675" →
  Identifier("IMO", "8937675").
- Other Information → remarks (distinct texts of a group joined with " | "). Each distinct Regime
  → a Listing with listed_on = Listed On.
- Group Type Individual → PERSON, Entity → ORGANIZATION, Ship → VESSEL; anything else fails.
- ListInfo.as_of: the "Last Updated" first line when present, else the latest Last Updated
  column value (a lower bound on the publication date; the excerpt lacks the first line).

Encoding: UTF-8 is tried first, then Windows-1252. OFSI has published cp1252; a re-saved copy may
be UTF-8. Trying UTF-8 first is safe because cp1252 text with any byte over 0x7F is practically
never valid UTF-8 (its accented letters and smart quotes do not form UTF-8 sequences), whereas
cp1252 decodes almost any bytes, so the reverse order would turn UTF-8 into mojibake. Bytes that
are neither (a NUL, a UTF-16 file, one of cp1252's five undefined bytes) fail with an error naming
the offset.

A Group ID whose rows disagree on Group Type is reported as a duplicate id; rows without a Group
ID or with a non-numeric one fail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

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
from trustscreen.sources._common import clean, country_code, csv_rows, decode, iso_date, read_bytes
from trustscreen.text.scripts import detect_script

FORMAT = "uk-conlist"

LIST_ID = "uk-hmt-conlist"
TITLE = "UK HM Treasury (OFSI) Consolidated List of Financial Sanctions Targets"
PUBLISHER = "HM Treasury, Office of Financial Sanctions Implementation (OFSI)"
SOURCE_URL = "https://ofsistorage.blob.core.windows.net/publishlive/ConList.csv"
PAGE_URL = "https://www.gov.uk/government/publications/financial-sanctions-consolidated-list-of-targets"
LICENCE = "Open Government Licence v3.0"

NAME_COLUMNS = ("Name 1", "Name 2", "Name 3", "Name 4", "Name 5", "Name 6")
ADDRESS_COLUMNS = ("Address 1", "Address 2", "Address 3", "Address 4", "Address 5", "Address 6")
REQUIRED = (
    "Name 6",
    "Name 1",
    "Title",
    "DOB",
    "Nationality",
    "Passport Details",
    "NI Number",
    "Position",
    "Country",
    "Other Information",
    "Group Type",
    "Alias Type",
    "Regime",
    "Listed On",
    "Group ID",
)
KINDS = {"individual": EntityKind.PERSON, "entity": EntityKind.ORGANIZATION, "ship": EntityKind.VESSEL}
PRIMARY_ALIAS_TYPES = ("primary name", "prime alias")
FORMER_ALIAS_TYPES = ("fka", "formerly known as")

_UN_REF_RE = re.compile(r"\bUN\s*Ref\b\s*[.:]?\s*([A-Z]{1,3}[a-z]?(?:\.[A-Z0-9]+)+)", re.IGNORECASE)
_IMO_RE = re.compile(r"\bIMO(?:\s*(?:number|no\.?))?\s*[:.]?\s*(\d{7})\b", re.IGNORECASE)
_DOB_RE = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")
_ITEM_RE = re.compile(r"(?:^|\s)\(?(?:\d{1,2}|[a-h])\)\s*")
_NUMBER_RE = re.compile(r"[^\s(]*\d[^\s,;]*")
_PAREN_RE = re.compile(r"\(([^()]+)\)")
_UN_NEW_STYLE_RE = re.compile(r"^([A-Z]{2})([ie])\.(\d+)$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _Layout:
    columns: tuple[str, ...]
    header_line: int
    as_of: str | None
    lead: int


@dataclass(slots=True)
class _Group:
    group_id: str
    kind: EntityKind
    kind_line: int
    names: list[Name] = field(default_factory=list)
    birth_dates: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    regimes: dict[str, str | None] = field(default_factory=dict)
    remarks: list[str] = field(default_factory=list)
    extra: dict[str, list[str]] = field(default_factory=dict)
    last_updated: str | None = None

    def add(self, items: list[str], value: str | None) -> None:
        if value and value not in items:
            items.append(value)

    def add_extra(self, key: str, value: str | None) -> None:
        if value:
            self.add(self.extra.setdefault(key, []), value)


# --- detection and decoding --------------------------------------------------------------------


def sniff(path: Path) -> bool:
    if not path.is_file():
        return False
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError:
        return False
    # Latin-1 never fails, and the markers are ASCII in every encoding this format comes in.
    lines = head.decode("latin-1").lstrip("\ufeff\xef\xbb\xbf").splitlines()[:2]
    return any("Name 6" in line and "Group ID" in line and "Alias Type" in line for line in lines)


def _decode(path: Path, data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data:
        offset = data.find(b"\x00")
        raise SourceError(
            str(path),
            "looks like UTF-16 or binary data (NUL bytes"
            + (f" from offset {offset})" if offset >= 0 else ")")
            + "; expected UTF-8 or Windows-1252 text",
        )
    try:
        return decode(path, data, "utf-8")
    except SourceError:
        pass
    try:
        return decode(path, data, "cp1252")
    except SourceError as exc:
        raise SourceError(str(path), f"is neither UTF-8 nor Windows-1252 text: {exc.problem}", line=exc.line) from None


# --- layout ------------------------------------------------------------------------------------


def _layout(path: Path, rows: list[tuple[int, list[str]]]) -> tuple[_Layout, int]:
    """Find the header (after an optional "Last Updated" line); return it and its row index."""
    as_of = None
    index = 0
    first_cells = [clean(c) or "" for c in rows[0][1]]
    if first_cells and first_cells[0].lower() == "last updated":
        raw = first_cells[1] if len(first_cells) > 1 else ""
        as_of = iso_date(raw, ("%d/%m/%Y",))
        if as_of is None:
            raise SourceError(
                str(path),
                f"Last Updated is {raw!r}; expected dd/mm/yyyy",
                line=rows[0][0],
                field="Last Updated",
            )
        index = 1
    if index >= len(rows):
        raise SourceError(str(path), "has no header row after the Last Updated line; expected the ConList header")
    line, header = rows[index]
    cells = [clean(c) or "" for c in header]
    lead = 0
    while lead < len(cells) and not cells[lead]:
        lead += 1
    while cells and not cells[-1]:
        cells.pop()
    columns = tuple(cells[lead:])
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise SourceError(
            str(path),
            f"header lacks column(s) {', '.join(missing)}; expected the OFSI ConList header "
            "(Name 6, Name 1 … Group ID)",
            line=line,
        )
    if len(set(columns)) != len(columns):
        raise SourceError(str(path), "header repeats a column name", line=line)
    return _Layout(columns, line, as_of, lead), index


def _record(path: Path, layout: _Layout, line: int, row: list[str]) -> dict[str, str]:
    width = len(layout.columns)
    values = row
    if len(values) > width and layout.lead and not any(v.strip() for v in values[: layout.lead]):
        values = values[layout.lead :]
    if len(values) > width and not any(v.strip() for v in values[width:]):
        values = values[:width]
    if len(values) != width:
        raise SourceError(
            str(path),
            f"found {len(row)} fields; expected {width} (as in the header on line {layout.header_line})",
            line=line,
        )
    return dict(zip(layout.columns, values, strict=True))


# --- field parsing -----------------------------------------------------------------------------


def _value(record: dict[str, str], column: str) -> str | None:
    return clean(record.get(column))


def _full_name(record: dict[str, str]) -> str | None:
    parts = [_value(record, column) for column in NAME_COLUMNS]
    return clean(" ".join(p for p in parts if p))


def _birth_date(raw: str | None) -> str | None:
    if not raw:
        return None
    match = _DOB_RE.match(raw)
    if not match:
        return None
    day, month, year = match.groups()
    if day == "00" and month == "00":
        return year
    if day == "00":
        return f"{year}-{month}" if "01" <= month <= "12" else None
    return iso_date(raw, ("%d/%m/%Y",))


def _items(raw: str | None) -> list[str]:
    """Split "1) A 2) B", "(1) A (2) B" or "a) A b) B" into ["A", "B"]."""
    if not raw:
        return []
    parts = [clean(p.strip(" ,;.")) for p in _ITEM_RE.split(raw)]
    return [p for p in parts if p]


# Nationalities the list writes as adjectives; pycountry only knows country names.
_DEMONYMS = {
    "afghan": "AF",
    "algerian": "DZ",
    "american": "US",
    "belarusian": "BY",
    "british": "GB",
    "burmese": "MM",
    "chinese": "CN",
    "congolese": "CD",
    "egyptian": "EG",
    "emirati": "AE",
    "eritrean": "ER",
    "french": "FR",
    "german": "DE",
    "indian": "IN",
    "indonesian": "ID",
    "iranian": "IR",
    "iraqi": "IQ",
    "jordanian": "JO",
    "kuwaiti": "KW",
    "lebanese": "LB",
    "libyan": "LY",
    "malian": "ML",
    "moroccan": "MA",
    "nigerian": "NG",
    "north korean": "KP",
    "pakistani": "PK",
    "palestinian": "PS",
    "qatari": "QA",
    "russian": "RU",
    "saudi": "SA",
    "saudi arabian": "SA",
    "somali": "SO",
    "sudanese": "SD",
    "syrian": "SY",
    "tunisian": "TN",
    "turkish": "TR",
    "ukrainian": "UA",
    "venezuelan": "VE",
    "yemeni": "YE",
    "zimbabwean": "ZW",
}


def _country(raw: str | None) -> str | None:
    if not raw:
        return None
    text = re.sub(r"\(.*?\)", "", raw).strip(" .,;")
    text = re.sub(r"^(?:possibly|probably)\s+", "", text, flags=re.IGNORECASE)
    return _DEMONYMS.get(text.lower()) or country_code(text)


def _identifiers(scheme: str, raw: str | None) -> list[Identifier]:
    """One identifier per numbered item: the first token with a digit is the number.

    "Passport No: 592667 (Qatari passport issued on 3 May 2007)" gives value "592667" and keeps the
    item as the note; a parenthesised country ("2255278 (Syria)") fills `country`.
    """
    result = []
    for item in _items(raw):
        match = _NUMBER_RE.search(item)
        if not match:
            # "Jordanian passport numbers:" heads a list; it is not a document number.
            continue
        value = match.group(0).rstrip(".,;:)")
        country = next((c for c in map(_country, _PAREN_RE.findall(item)) if c), None)
        result.append(Identifier(scheme, value, country, item if item != value else None))
    return result


def _un_ref(value: str) -> str:
    # "QDI.282" is a typo of the current UN style (two capitals, i/e for individual/entity).
    match = _UN_NEW_STYLE_RE.match(value)
    return f"{match[1].upper()}{match[2].lower()}.{match[3]}" if match else value


def _address(record: dict[str, str]) -> Address | None:
    lines = [_value(record, column) for column in ADDRESS_COLUMNS]
    postal = _value(record, "Post/Zip Code")
    country_raw = _value(record, "Country")
    parts = [p for p in (*lines, postal, country_raw) if p]
    if not parts:
        return None
    street = ", ".join(p for p in lines[:5] if p) or None
    return Address(
        full=", ".join(parts),
        street=street,
        # ConList puts the town in Address 6 when it gives one.
        city=lines[5],
        postal_code=postal,
        country=_country(country_raw),
    )


# --- grouping ----------------------------------------------------------------------------------


def _kind(path: Path, line: int, record: dict[str, str]) -> EntityKind:
    raw = _value(record, "Group Type") or ""
    kind = KINDS.get(raw.lower())
    if kind is None:
        raise SourceError(
            str(path),
            f"Group Type is {raw!r}; expected Individual, Entity or Ship",
            line=line,
            record=_value(record, "Group ID"),
            field="Group Type",
        )
    return kind


def _group_id(path: Path, line: int, record: dict[str, str]) -> str:
    value = _value(record, "Group ID")
    if not value or not value.isdigit():
        raise SourceError(str(path), f"Group ID is {value!r}; expected a number", line=line, field="Group ID")
    return value


def _name_kind(alias_type: str | None) -> NameKind:
    text = (alias_type or "").lower()
    if text in PRIMARY_ALIAS_TYPES:
        return NameKind.PRIMARY
    if text in FORMER_ALIAS_TYPES:
        return NameKind.FORMER
    return NameKind.ALIAS


def _add_row(path: Path, groups: dict[str, _Group], line: int, record: dict[str, str]) -> None:
    group_id = _group_id(path, line, record)
    kind = _kind(path, line, record)
    group = groups.get(group_id)
    if group is None:
        group = groups[group_id] = _Group(group_id, kind, line)
    elif group.kind is not kind:
        raise SourceError(
            str(path),
            f"Group ID {group_id} is a {kind.value} here but a {group.kind.value} on line {group.kind_line}; "
            "expected one target per Group ID (duplicate id)",
            line=line,
            record=group_id,
            field="Group Type",
        )
    name = _full_name(record)
    if not name:
        raise SourceError(str(path), "Name 6 and Name 1-5 are all empty; expected a name", line=line, record=group_id)
    group.names.append(Name(name, _name_kind(_value(record, "Alias Type")), detect_script(name)))
    group.add(group.birth_dates, _birth_date(_value(record, "DOB")))
    for nationality in _items(_value(record, "Nationality")):
        code = _country(nationality)
        if code:
            group.add(group.countries, code)
        else:
            group.add_extra("nationalities_unresolved", nationality)
    group.identifiers.extend(_identifiers("Passport", _value(record, "Passport Details")))
    group.identifiers.extend(_identifiers("National ID No.", _value(record, "NI Number")))
    address = _address(record)
    if address is not None and address not in group.addresses:
        group.addresses.append(address)
    other = _value(record, "Other Information")
    group.add(group.remarks, other)
    for ref in _UN_REF_RE.findall(other or ""):
        group.identifiers.append(Identifier("UN Ref", _un_ref(ref)))
    for imo in _IMO_RE.findall(other or ""):
        group.identifiers.append(Identifier("IMO", imo))
    regime = _value(record, "Regime")
    if regime and regime not in group.regimes:
        group.regimes[regime] = iso_date(_value(record, "Listed On"), ("%d/%m/%Y",))
    group.add_extra("titles", _value(record, "Title"))
    group.add_extra("positions", _value(record, "Position"))
    birthplace = ", ".join(p for p in (_value(record, "Town of Birth"), _value(record, "Country of Birth")) if p)
    group.add_extra("places_of_birth", birthplace)
    updated = iso_date(_value(record, "Last Updated"), ("%d/%m/%Y",))
    if updated and (group.last_updated is None or updated > group.last_updated):
        group.last_updated = updated


def _unique_names(names: list[Name]) -> tuple[Name, ...]:
    """Primary first; a spelling that is both primary and alias stays primary."""
    ordered = sorted(names, key=lambda n: n.kind is not NameKind.PRIMARY)
    seen: set[str] = set()
    result = []
    primary_seen = False
    for name in ordered:
        key = name.value.casefold()
        if key in seen:
            continue
        seen.add(key)
        if name.kind is NameKind.PRIMARY:
            # Rows repeat per date of birth; a second primary spelling is an alias of the first.
            if primary_seen:
                name = Name(name.value, NameKind.ALIAS, name.script)
            primary_seen = True
        result.append(name)
    return tuple(result)


def _entity(group: _Group) -> Entity:
    countries = list(group.countries)
    for address in group.addresses:
        if address.country and address.country not in countries:
            countries.append(address.country)
    extra: dict[str, object] = dict(group.extra)
    if group.last_updated:
        extra["last_updated"] = group.last_updated
    return Entity(
        id=f"{LIST_ID}:{group.group_id}",
        kind=group.kind,
        names=_unique_names(group.names),
        listings=tuple(
            Listing(
                list_id=LIST_ID,
                program=regime,
                jurisdiction="GB",
                listed_on=listed_on,
                source_url=PAGE_URL,
            )
            for regime, listed_on in group.regimes.items()
        ),
        identifiers=tuple(dict.fromkeys(group.identifiers)),
        addresses=tuple(group.addresses),
        countries=tuple(countries),
        birth_dates=tuple(group.birth_dates),
        remarks=" | ".join(group.remarks) or None,
        source_url=PAGE_URL,
        extra=extra,
    )


def parse(path: Path) -> ParsedList:
    text = _decode(path, read_bytes(path))
    rows = [(line, row) for line, row in csv_rows(path, text) if row and any(cell.strip() for cell in row)]
    if not rows:
        raise SourceError(str(path), "holds no rows; expected the OFSI ConList header and records")
    layout, header_index = _layout(path, rows)
    groups: dict[str, _Group] = {}
    for line, row in rows[header_index + 1 :]:
        _add_row(path, groups, line, _record(path, layout, line, row))
    if not groups:
        raise SourceError(str(path), "has a header but no records; expected sanctions targets")
    entities = tuple(_entity(group) for group in groups.values())
    updated = [g.last_updated for g in groups.values() if g.last_updated]
    info = ListInfo(
        list_id=LIST_ID,
        title=TITLE,
        jurisdiction="GB",
        publisher=PUBLISHER,
        source_format=FORMAT,
        source_url=SOURCE_URL,
        as_of=layout.as_of or (max(updated) if updated else None),
        licence=LICENCE,
    )
    return ParsedList(info=info, entities=entities, files=(str(path.resolve()),))
