"""UN Security Council Consolidated List, official XML (scsanctions.un.org consolidated.xml).

Root CONSOLIDATED_LIST (attribute dateGenerated) holds INDIVIDUALS/INDIVIDUAL and ENTITIES/ENTITY.
REFERENCE_NUMBER (QDi.001, KPe.023 …) is the permanent UN identifier, so entity ids are
`un:<REFERENCE_NUMBER>`; the file pads some with a trailing space, which is not part of the id.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from lxml import etree

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
from trustscreen.sources._common import clean, country_code, decode, iso_date, partial_date, read_bytes, unique_names
from trustscreen.text.scripts import detect_script

FORMAT = "un-xml"
LIST_ID = "un-sc"
TITLE = "UN Security Council Consolidated List"
PUBLISHER = "United Nations Security Council"
SOURCE_URL = "https://scsanctions.un.org/resources/xml/en/consolidated.xml"

_ALIAS_KINDS = {
    "good": NameKind.ALIAS,
    "a.k.a.": NameKind.ALIAS,
    "n.k.a.": NameKind.ALIAS,
    "low": NameKind.WEAK_ALIAS,
    "f.k.a.": NameKind.FORMER,
}
_NAME_PARTS = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
# Longer "between" ranges are vaguer than "born in the 1950s"; they are kept as a note, not as years.
_MAX_YEAR_SPAN = 10


def sniff(path: Path) -> bool:
    if not path.is_file():
        return False
    with path.open("rb") as handle:
        head = handle.read(4096)
    return b"<CONSOLIDATED_LIST" in head


def parse(path: Path) -> ParsedList:
    root = _root(path, read_bytes(path))
    as_of = _date_generated(path, root)
    entities: list[Entity] = []
    seen: dict[str, int] = {}
    for element in root.iterfind("INDIVIDUALS/INDIVIDUAL"):
        entities.append(_entity(path, element, EntityKind.PERSON, as_of))
    for element in root.iterfind("ENTITIES/ENTITY"):
        entities.append(_entity(path, element, EntityKind.ORGANIZATION, as_of))
    for entity, line in zip(entities, _lines(root), strict=True):
        if entity.id in seen:
            raise SourceError(
                str(path),
                f"duplicate REFERENCE_NUMBER (first at line {seen[entity.id]}); expected each once",
                line=line,
                record=entity.id,
                field="REFERENCE_NUMBER",
            )
        seen[entity.id] = line
    if not entities:
        raise SourceError(str(path), "no INDIVIDUAL or ENTITY records; expected the UN consolidated list")
    info = ListInfo(
        list_id=LIST_ID,
        title=TITLE,
        jurisdiction="UN",
        publisher=PUBLISHER,
        source_format=FORMAT,
        source_url=SOURCE_URL,
        as_of=as_of,
        licence="UN public information",
    )
    return ParsedList(info=info, entities=tuple(entities), files=(str(path.resolve()),))


def _root(path: Path, data: bytes) -> Any:
    declared = re.match(rb"\s*<\?xml[^>]*encoding=[\"']([\w.-]+)", data.lstrip(b"\xef\xbb\xbf"))
    if declared is None or declared.group(1).lower() in (b"utf-8", b"utf8"):
        # Same wording and line number as every other source, instead of libxml2's own message.
        decode(path, data)
    # No DTDs, entities or network: the file comes from outside and must not reach anything else.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if isinstance(exc.lineno, int) else None
        raise SourceError(
            str(path), f"malformed XML ({exc.msg}); expected a complete UN consolidated list", line=line
        ) from None
    if root.tag != "CONSOLIDATED_LIST":
        raise SourceError(
            str(path), f"root element is <{root.tag}>; expected <CONSOLIDATED_LIST>", line=root.sourceline
        )
    return root


def _date_generated(path: Path, root: Any) -> str | None:
    stamp = clean(root.get("dateGenerated"))
    if stamp is None:
        return None
    day = iso_date(stamp[:10])
    if day is None:
        raise SourceError(str(path), f"dateGenerated {stamp!r} is not a date; expected ISO 8601", line=root.sourceline)
    return day


def _lines(root: Any) -> list[int]:
    return [e.sourceline for e in root.iterfind("INDIVIDUALS/INDIVIDUAL")] + [
        e.sourceline for e in root.iterfind("ENTITIES/ENTITY")
    ]


def _text(element: Any, tag: str) -> str | None:
    return clean(element.findtext(tag))


def _entity(path: Path, element: Any, kind: EntityKind, as_of: str | None) -> Entity:
    reference = _text(element, "REFERENCE_NUMBER")
    if not reference:
        raise SourceError(
            str(path),
            f"{element.tag} has no REFERENCE_NUMBER; expected the UN reference (e.g. QDi.001)",
            line=element.sourceline,
            record=f"DATAID {_text(element, 'DATAID')}",
            field="REFERENCE_NUMBER",
        )
    names = _names(path, element, reference, kind)
    prefix = "INDIVIDUAL" if kind is EntityKind.PERSON else "ENTITY"
    addresses = [a for a in (_address(a) for a in element.iterfind(f"{prefix}_ADDRESS")) if a]
    nationalities = [v for v in _values(element, "NATIONALITY")]
    countries = [country_code(v) for v in nationalities] + [a.country for a in addresses]
    extra = _extra(element, nationalities)
    birth_dates, dob_notes = _birth_dates(element)
    if dob_notes:
        extra["birth_date_notes"] = dob_notes
    identifiers, document_notes = _documents(element)
    if document_notes:
        extra["document_notes"] = document_notes
    return Entity(
        id=f"un:{reference}",
        kind=kind,
        names=names,
        listings=(_listing(element, reference),),
        identifiers=tuple(identifiers),
        addresses=tuple(addresses),
        countries=tuple(dict.fromkeys(c for c in countries if c)),
        birth_dates=tuple(dict.fromkeys(birth_dates)),
        as_of=as_of,
        extra=extra,
    )


def _names(path: Path, element: Any, reference: str, kind: EntityKind) -> tuple[Name, ...]:
    parts = _NAME_PARTS if kind is EntityKind.PERSON else _NAME_PARTS[:1]
    primary = clean(" ".join(p for p in (_text(element, tag) for tag in parts) if p))
    if not primary:
        raise SourceError(
            str(path),
            f"{element.tag} has no name; expected FIRST_NAME",
            line=element.sourceline,
            record=reference,
            field="FIRST_NAME",
        )
    names = [Name(primary, NameKind.PRIMARY, detect_script(primary))]
    for native in element.iterfind("NAME_ORIGINAL_SCRIPT"):
        value = clean(native.text)
        if value:
            names.append(Name(value, NameKind.NATIVE, detect_script(value)))
    tag = "INDIVIDUAL_ALIAS" if kind is EntityKind.PERSON else "ENTITY_ALIAS"
    for alias in element.iterfind(tag):
        value = _text(alias, "ALIAS_NAME")
        if value:
            quality = (_text(alias, "QUALITY") or "").lower()
            names.append(Name(value, _ALIAS_KINDS.get(quality, NameKind.ALIAS), detect_script(value)))
    return unique_names(names)


def _values(element: Any, tag: str) -> list[str]:
    return [v for v in (clean(e.text) for e in element.iterfind(f"{tag}/VALUE")) if v]


def _address(element: Any) -> Address | None:
    street = _text(element, "STREET")
    city = _text(element, "CITY")
    region = _text(element, "STATE_PROVINCE")
    postal = _text(element, "ZIP_CODE")
    country = _text(element, "COUNTRY")
    note = _text(element, "NOTE")
    parts = [p for p in (street, city, region, postal, country) if p]
    if not parts and not note:
        return None
    full = ", ".join(parts)
    if note:
        full = f"{full} ({note})" if full else note
    return Address(
        full=full, street=street, city=city, region=region, postal_code=postal, country=country_code(country)
    )


def _birth_dates(element: Any) -> tuple[list[str], list[str]]:
    """DATE, YEAR or FROM_YEAR..TO_YEAR; a bare NOTE ('Nov. 1973') is parsed when it is a date."""
    dates: list[str] = []
    notes: list[str] = []
    for dob in element.iterfind("INDIVIDUAL_DATE_OF_BIRTH"):
        note = _text(dob, "NOTE")
        found = _dob_values(dob)
        if not found and note:
            parsed = partial_date(note.replace(".", ""))
            if parsed:
                found = [parsed]
        dates.extend(found)
        if note and not (found and partial_date(note.replace(".", ""))):
            notes.append(note)
    for alias in element.iterfind("INDIVIDUAL_ALIAS"):
        # A date of birth given with an alias belongs to the person who uses that alias.
        parsed = partial_date(_text(alias, "DATE_OF_BIRTH"))
        if parsed:
            dates.append(parsed)
    return dates, notes


def _dob_values(dob: Any) -> list[str]:
    exact = iso_date(_text(dob, "DATE"))
    if exact:
        return [exact]
    year = _text(dob, "YEAR")
    if year and re.fullmatch(r"\d{4}", year):
        return [year]
    start, end = _text(dob, "FROM_YEAR"), _text(dob, "TO_YEAR")
    if start and end and start.isdigit() and end.isdigit() and 0 <= int(end) - int(start) <= _MAX_YEAR_SPAN:
        return [str(y) for y in range(int(start), int(end) + 1)]
    return [y for y in (start, end) if y and re.fullmatch(r"\d{4}", y)]


def _documents(element: Any) -> tuple[list[Identifier], list[str]]:
    identifiers: list[Identifier] = []
    notes: list[str] = []
    for doc in element.iterfind("INDIVIDUAL_DOCUMENT"):
        number = _text(doc, "NUMBER")
        scheme = _text(doc, "TYPE_OF_DOCUMENT") or _text(doc, "TYPE_OF_DOCUMENT2") or "document"
        note_parts = [
            _text(doc, "TYPE_OF_DOCUMENT2") if _text(doc, "TYPE_OF_DOCUMENT") else None,
            _prefixed("issued", _text(doc, "DATE_OF_ISSUE")),
            _prefixed("in", _text(doc, "CITY_OF_ISSUE")),
            _text(doc, "NOTE"),
        ]
        note = "; ".join(p for p in note_parts if p) or None
        if number:
            country = _text(doc, "ISSUING_COUNTRY") or _text(doc, "COUNTRY_OF_ISSUE")
            identifiers.append(Identifier(scheme=scheme, value=number, country=country_code(country), note=note))
        elif note:
            # Numbers the UN only mentions in prose ("Libyan passport number 347834 …") stay prose.
            notes.append(f"{scheme}: {note}")
    return identifiers, notes


def _prefixed(label: str, value: str | None) -> str | None:
    return f"{label} {value}" if value else None


def _extra(element: Any, nationalities: list[str]) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    for key, tag in (("titles", "TITLE"), ("designations", "DESIGNATION")):
        values = _values(element, tag)
        if values:
            extra[key] = values
    unmapped = [n for n in nationalities if not country_code(n)]
    if unmapped:
        extra["unmapped_countries"] = unmapped
    places = []
    for place in element.iterfind("INDIVIDUAL_PLACE_OF_BIRTH"):
        parts = [_text(place, t) for t in ("STREET", "CITY", "STATE_PROVINCE", "COUNTRY", "NOTE")]
        text = ", ".join(p for p in parts if p)
        if text:
            places.append(text)
    if places:
        extra["places_of_birth"] = places
    for key, tag in (("gender", "GENDER"), ("dataid", "DATAID"), ("version", "VERSIONNUM")):
        value = _text(element, tag)
        if value:
            extra[key] = value
    updated = _values(element, "LAST_DAY_UPDATED")
    if updated:
        extra["last_updated"] = updated
    return extra


def _listing(element: Any, reference: str) -> Listing:
    listed = _text(element, "LISTED_ON")
    odd_date = f"LISTED_ON as given: {listed}" if listed and not iso_date(listed) else None
    remarks = [r for r in (_text(element, "COMMENTS1"), odd_date) if r]
    return Listing(
        list_id=LIST_ID,
        program=_text(element, "UN_LIST_TYPE"),
        jurisdiction="UN",
        listed_on=iso_date(listed),
        source_url=SOURCE_URL,
        citation=reference,
        remarks=" | ".join(remarks) or None,
    )
