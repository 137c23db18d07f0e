"""US Treasury OFAC legacy CSV files: the SDN list and the consolidated (non-SDN) list.

A *set* is one primary file plus companions joined on `ent_num`:

=============  ==================  =====================  ================================
role           SDN set             consolidated set       columns
=============  ==================  =====================  ================================
primary        sdn.csv             cons_prim.csv          ent_num, SDN_Name, SDN_Type, Program,
                                                          Title, Call_Sign, Vess_type, Tonnage,
                                                          GRT, Vess_flag, Vess_owner, Remarks
addresses      add.csv             cons_add.csv           ent_num, Add_num, Address,
                                                          City/State/Province/Postal Code,
                                                          Country, Add_remarks
aliases        alt.csv             cons_alt.csv           ent_num, alt_num, alt_type, alt_name,
                                                          alt_remarks
comments       sdn_comments.csv    cons_comments.csv      ent_num, Remarks_Extended
=============  ==================  =====================  ================================

`parse` takes the directory holding a set, or the primary file itself (its siblings in the same
directory are then picked up). File names are matched case-insensitively (OFAC serves
CONS_PRIM.CSV in upper case). A primary file under another name (a scraper's `data.csv`) is read
alone, as the consolidated list when its name contains "cons" and as the SDN list otherwise.

File quirks: no header row; `-0- ` means empty; CRLF line ends; a trailing 0x1A (DOS end of file);
7-bit ASCII. Program is multi-valued with the outer brackets missing ("SDGT] [IRGC"). SDN_Type is
"individual", "vessel", "aircraft" or empty (= organisation). Remarks are cut at 1000 characters;
the comments file holds the rest, which is glued on verbatim (it continues mid-word).

Rules for incomplete sets (OFAC publishes all four files together; mixing files of different
dates silently drops or misattaches aliases and addresses, so these are errors, not warnings):

- The primary file is required. Companion files without it (for example a directory with add.csv,
  alt.csv and sdn_comments.csv but no sdn.csv) fail with an error saying the primary is missing.
- The primary alone is accepted: some mirrors only keep sdn.csv. Strong aliases and addresses are
  then simply absent.
- add.csv and alt.csv come as a pair: one without the other fails (half a set).
- The comments file is optional. An entity whose remarks are exactly 1000 characters long and
  that has no comment row carries `extra["remarks_truncated"] = True`, and the last "; " part of
  its remarks (possibly cut mid-name or mid-number) is not parsed into names or identifiers.
- Every companion row must name an `ent_num` present in the primary file; one that does not means
  the files are from different dates, and the parse fails naming the file, line and ent_num.
- Duplicate `ent_num` in the primary or comments file, duplicate Add_num / alt_num, unknown
  SDN_Type or alt_type, and rows with the wrong number of columns fail.
- A directory holding both the SDN and the consolidated set is ambiguous and fails.

Mapping to records:

- Entity id `us-ofac-sdn:<ent_num>` / `us-ofac-cons:<ent_num>` (ent_num is OFAC's stable UID).
- SDN_Name is the primary name as given ("LAST, First" stays; the matcher handles order).
- alt.csv: aka and nka → ALIAS, fka → FORMER; an alt_remarks mentioning "weak" → WEAK_ALIAS.
- Remarks "a.k.a. 'X'" / "n.k.a. 'X'" → WEAK_ALIAS and "f.k.a. 'X'" → FORMER. OFAC keeps weak
  AKAs out of alt.csv and prints them in the remarks (FAQ 122/123); none of the 2417 remark
  a.k.a./n.k.a. names of sdn_2021 (69 in non_sdn_2025) is also in alt.csv, which bears this out.
- Remarks "DOB …" → birth_dates (partial ISO; "1955 to 1958" becomes each year when the span is
  at most 10 years, else both ends); "nationality …" / "citizen …" → countries; "POB …",
  "Gender …", "Organization Established Date …", aircraft and vessel particulars → `extra`;
  "Linked To: X" → an ASSOCIATE relation (with target_id when X is exactly one primary name in the
  same file); labelled numbers ("Passport 123 (Iran) issued …", "National ID No. …", "Website …",
  "Email Address …", "SWIFT/BIC …", "Digital Currency Address - XBT …") → identifiers whose scheme
  is the label, country from the trailing "(Country)", and "issued … expires …" as the note.
  Vessel IMO numbers become scheme "IMO" whatever label OFAC gives them. Everything else stays
  only in `remarks`, which always holds the full text.
- One Listing per program; Title goes to the listing remarks. Call_Sign → identifier "Call Sign";
  vessel type, tonnage, GRT, flag and owner → `extra["vessel"]`; flag state → countries; owner →
  an OWNER relation.
- countries: nationalities and citizenships first, then vessel flag, then address countries.
- The legacy CSVs carry no publication date, so ListInfo.as_of is None (the CLI takes --as-of).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cache, lru_cache
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
from trustscreen.sources._common import clean, country_code, csv_rows, decode, partial_date, read_bytes, unique_names
from trustscreen.text.scripts import detect_script

FORMAT = "ofac-csv"

PUBLISHER = "US Treasury OFAC"
SEARCH_URL = "https://sanctionssearch.ofac.treas.gov/"
LICENCE = "US Government work (public domain)"
NULLS = ("-0-",)
REMARKS_LIMIT = 1000

PRIMARY_COLUMNS = (
    "ent_num",
    "SDN_Name",
    "SDN_Type",
    "Program",
    "Title",
    "Call_Sign",
    "Vess_type",
    "Tonnage",
    "GRT",
    "Vess_flag",
    "Vess_owner",
    "Remarks",
)
ADDRESS_COLUMNS = (
    "ent_num",
    "Add_num",
    "Address",
    "City/State/Province/Postal Code",
    "Country",
    "Add_remarks",
)
ALIAS_COLUMNS = ("ent_num", "alt_num", "alt_type", "alt_name", "alt_remarks")
COMMENT_COLUMNS = ("ent_num", "Remarks_Extended")

KINDS = {
    None: EntityKind.ORGANIZATION,
    "individual": EntityKind.PERSON,
    "vessel": EntityKind.VESSEL,
    "aircraft": EntityKind.AIRCRAFT,
}
ALT_KINDS = {"aka": NameKind.ALIAS, "nka": NameKind.ALIAS, "fka": NameKind.FORMER}


@dataclass(frozen=True, slots=True)
class _SetSpec:
    list_id: str
    title: str
    primary: str
    addresses: str
    aliases: str
    comments: str
    download_url: str

    @property
    def companions(self) -> tuple[str, str, str]:
        return (self.addresses, self.aliases, self.comments)


SDN = _SetSpec(
    list_id="us-ofac-sdn",
    title="OFAC Specially Designated Nationals and Blocked Persons List (SDN)",
    primary="sdn.csv",
    addresses="add.csv",
    aliases="alt.csv",
    comments="sdn_comments.csv",
    download_url="https://www.treasury.gov/ofac/downloads/sdn.csv",
)
CONS = _SetSpec(
    list_id="us-ofac-cons",
    title="OFAC Consolidated Sanctions List (non-SDN)",
    primary="cons_prim.csv",
    addresses="cons_add.csv",
    aliases="cons_alt.csv",
    comments="cons_comments.csv",
    download_url="https://www.treasury.gov/ofac/downloads/consolidated/cons_prim.csv",
)
SETS = (SDN, CONS)


@dataclass(frozen=True, slots=True)
class _FileSet:
    spec: _SetSpec
    primary: Path
    addresses: Path | None = None
    aliases: Path | None = None
    comments: Path | None = None


# --- detection ---------------------------------------------------------------------------------

_ROW_START = re.compile(rb'^\d+,(?:"|-0-)')


def sniff(path: Path) -> bool:
    if path.is_dir():
        try:
            names = {child.name.lower() for child in path.iterdir() if child.is_file()}
        except OSError:
            return False
        return any(spec.primary in names or names & set(spec.companions) for spec in SETS)
    if not path.is_file():
        return False
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError:
        return False
    if _spec_for_name(path.name.lower()) is not None:
        # OFAC's own file names with headerless rows that start with an ent_num.
        return head[:1].isdigit()
    # Renamed primary files (a scraper's data.csv): the first row must be a full 12-column record.
    return bool(_ROW_START.match(head)) and _looks_like_primary_row(head)


def _looks_like_primary_row(head: bytes) -> bool:
    end = head.find(b"\n")
    if end < 0:
        return False
    try:
        first = head[:end].decode("ascii").rstrip("\r")
    except UnicodeDecodeError:
        return False
    rows = list(csv.reader([first]))
    if not rows or len(rows[0]) != len(PRIMARY_COLUMNS):
        return False
    return clean(rows[0][2], nulls=NULLS) in KINDS


def _spec_for_name(name: str) -> _SetSpec | None:
    for spec in SETS:
        if name == spec.primary or name in spec.companions:
            return spec
    return None


# --- file set resolution -----------------------------------------------------------------------


def _resolve(path: Path) -> _FileSet:
    if path.is_dir():
        return _resolve_directory(path)
    if not path.exists():
        raise SourceError(str(path), "file not found")
    name = path.name.lower()
    spec = _spec_for_name(name)
    if spec is None:
        fallback = CONS if "cons" in name else SDN
        return _FileSet(fallback, path)
    if name != spec.primary:
        raise SourceError(
            str(path),
            f"{path.name} is a companion file of the OFAC {spec.list_id} set; "
            f"pass {spec.primary} or the directory holding the set",
        )
    return _resolve_directory(path.parent, spec)


def _resolve_directory(directory: Path, spec: _SetSpec | None = None) -> _FileSet:
    try:
        entries = {child.name.lower(): child for child in directory.iterdir() if child.is_file()}
    except OSError as exc:
        raise SourceError(str(directory), f"cannot be listed: {exc.strerror}") from None
    if spec is None:
        present = [s for s in SETS if s.primary in entries or set(s.companions) & entries.keys()]
        if not present:
            expected = ", ".join(s.primary for s in SETS)
            raise SourceError(str(directory), f"no OFAC legacy CSV files here; expected {expected}")
        if len(present) > 1:
            raise SourceError(
                str(directory),
                "holds both the SDN set (sdn.csv …) and the consolidated set (cons_prim.csv …); pass one primary file",
            )
        spec = present[0]
    companions = [name for name in spec.companions if name in entries]
    if spec.primary not in entries:
        raise SourceError(
            str(directory),
            f"{spec.primary} is missing; found only {', '.join(companions)}, which cannot be read "
            f"without the primary file (half a file set)",
        )
    has_addresses = spec.addresses in entries
    has_aliases = spec.aliases in entries
    if has_addresses != has_aliases:
        found, missing = (spec.addresses, spec.aliases) if has_addresses else (spec.aliases, spec.addresses)
        raise SourceError(
            str(directory),
            f"half a file set: {found} is present but {missing} is missing; OFAC publishes them "
            f"together with {spec.primary}. Supply both, or {spec.primary} alone",
        )
    return _FileSet(
        spec,
        entries[spec.primary],
        entries.get(spec.addresses),
        entries.get(spec.aliases),
        entries.get(spec.comments),
    )


# --- reading tables ----------------------------------------------------------------------------


def _read_table(path: Path, columns: tuple[str, ...]) -> list[tuple[int, list[str]]]:
    text = decode(path, read_bytes(path), "utf-8")
    rows: list[tuple[int, list[str]]] = []
    for line, row in csv_rows(path, text):
        if not row or row == [""]:
            continue
        if len(row) != len(columns):
            raise SourceError(
                str(path),
                f"found {len(row)} fields; expected {len(columns)} ({', '.join(columns)})",
                line=line,
                record=row[0] if row else None,
            )
        rows.append((line, row))
    if not rows:
        raise SourceError(str(path), "holds no records; expected OFAC list rows")
    return rows


def _number(path: Path, line: int, value: str, column: str) -> int:
    text = value.strip()
    if not text.isdigit():
        raise SourceError(str(path), f"{column} is {value!r}; expected a whole number", line=line, field=column)
    return int(text)


def _value(raw: str) -> str | None:
    # Most cells are the null marker; skip the general clean-up for them (parse speed).
    if raw in ("-0- ", "-0-", ""):
        return None
    return clean(raw, nulls=NULLS)


# --- remarks -----------------------------------------------------------------------------------

# Labels OFAC puts before identifier values in remarks, as they appear in 2021-2025 files.
_ID_LABELS = (
    "Afghan Money Service Provider License Number",
    "Aircraft Construction Number (also called L/N or S/N or F/N)",
    "Aircraft Manufacturer's Serial Number (MSN)",
    "Aircraft Mode S Transponder Code",
    "Aircraft Serial Identification",
    "Aircraft Tail Number",
    "BIK (RU)",
    "Birth Certificate Number",
    "Bosnian Personal ID No.",
    "Branch Unit Number",
    "British National Overseas Passport",
    "Business Number",
    "Business Registration Document #",
    "Business Registration Number",
    "C.I.F.",
    "C.I.N.",
    "C.R. No.",
    "C.U.I.",
    "C.U.I.P.",
    "C.U.I.T.",
    "C.U.R.P.",
    "CNP (Personal Numerical Code)",
    "Cartilla de Servicio Militar Nacional",
    "Cedula No.",
    "Central Registration System Number",
    "Certificate of Incorporation Number",
    "Chamber of Commerce Number",
    "Chinese Commercial Code",
    "Citizen's Card Number",
    "Commercial Registry Number",
    "Company Number",
    "Credencial electoral",
    "D-U-N-S Number",
    "D.N.I.",
    "Diplomatic Passport",
    "Driver's License No.",
    "Dubai Chamber of Commerce Membership No.",
    "Economic Register Number (CBLS)",
    "Electoral Registry No.",
    "Email Address",
    "Email",
    "Enterprise Number",
    "Equity Ticker",
    "FAX",
    "Fax No.",
    "Fax",
    "File Number",
    "Fiscal Code",
    "Folio Mercantil No.",
    "Government Gazette Number",
    "I.F.E.",
    "ISIN",
    "Identification Number",
    "Immigration No.",
    "International Maritime Organization No.",
    "Istanbul Chamber of Comm. No.",
    "Italian Fiscal Code",
    "Kenyan ID No.",
    "LE Number",
    "Legal Entity Number",
    "License",
    "MMSI",
    "MSB Registration Number",
    "Matricula Mercantil No",
    "Military Registration Number",
    "Moroccan Personal ID No.",
    "N.I.E.",
    "N.I.F.",
    "NIT #",
    "National Foreign ID Number",
    "National ID No.",
    "Numero Unico de Identificacao Tributaria (NUIT)",
    "Numero de Identidad",
    "Organization Code",
    "Other Vessel Call Sign",
    "PHONE",
    "Paraguayan tax identification number",
    "Passport Booklet",
    "Passport No.",
    "Passport",
    "Permit Number",
    "Personal ID Card",
    "Phone No.",
    "Phone Number",
    "Pilot License Number",
    "Previous Aircraft Tail Number",
    "Public Registration Number",
    "Public Security and Immigration No.",
    "R.F.C.",
    "RFC",
    "RIF #",
    "RSIN",
    "RTN",
    "RUC #",
    "Refugee ID Card",
    "Registered Charity No.",
    "Registration Certificate Number (Dubai)",
    "Registration ID",
    "Registration Number",
    "Residency Number",
    "Romanian C.R.",
    "Romanian Permanent Resident CAN",
    "Romanian Tax Registration",
    "SRE Permit No.",
    "SSN",
    "SWIFT/BIC",
    "Seafarer's Identification Document",
    "Serial No.",
    "Stateless Person ID Card",
    "Stateless Person Passport",
    "Tarjeta Profesional",
    "Tax ID No.",
    "Tazkira National ID Card",
    "Telephone No.",
    "Telephone Number",
    "Telephone",
    "Tourism License No.",
    "Trade License No.",
    "Trademark number",
    "Travel Document Number",
    "Turkish Identification Number",
    "UAE Identification",
    "UK Company Number",
    "UN/LOCODE",
    "US FEIN",
    "Unified Social Credit Code (USCC)",
    "United Social Credit Code Certificate (USCCC)",
    "V.A.T. Number",
    "Vessel Registration Identification",
    "VisaNumberID",
    "Website",
)
# Particulars that describe rather than identify: kept in `extra` under these keys.
_ATTRIBUTE_LABELS = {
    "Aircraft Manufacture Date": "aircraft_manufacture_date",
    "Aircraft Model": "aircraft_model",
    "Aircraft Operator": "aircraft_operator",
    "Former Vessel Flag": "former_vessel_flag",
    "Issuer Name": "issuer_name",
    "Nationality of Registration": "nationality_of_registration",
    "Organization Type": "organization_type",
    "Other Vessel Flag": "other_vessel_flag",
    "Other Vessel Type": "other_vessel_type",
    "Target Type": "target_type",
    "Vessel Year of Build": "vessel_year_of_build",
}


def _label_index(labels: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Labels bucketed by first word, longest first ("Passport Booklet" before "Passport").

    A dict lookup on the first word is much faster than one regex alternation of 150 labels.
    """
    index: dict[str, list[str]] = {}
    for label in labels:
        index.setdefault(label.split(" ", 1)[0], []).append(label)
    return {word: tuple(sorted(group, key=len, reverse=True)) for word, group in index.items()}


_ID_INDEX = _label_index(_ID_LABELS)
_ATTRIBUTE_INDEX = _label_index(_ATTRIBUTE_LABELS)


def _labelled(part: str, index: dict[str, tuple[str, ...]]) -> tuple[str, str] | None:
    """Split "Label value" / "Label: value" / "Label # value" into (label, value)."""
    first = part.split(" ", 1)[0].rstrip(":")
    for label in index.get(first, ()):
        if part.startswith(label):
            rest = part[len(label) :]
            if rest[:1] in (" ", ":", "#"):
                value = rest.lstrip(" :#")
                if value:
                    return label, value
    return None


_CURRENCY_RE = re.compile(r"^(?P<label>Digital Currency Address - [A-Z0-9]+)\s+(?P<rest>\S+)$")
# Trailing "(Country)" then "issued …" / "expires …" after an identifier value.
_ID_TAIL_RE = re.compile(
    r"^(?P<value>.*?)(?:\s*\((?P<country>[^()]*)\))?"
    r"(?P<note>(?:[\s,;]+(?:issued|expires|expired)\b.*)?)$",
    re.IGNORECASE,
)
_IMO_RE = re.compile(r"^(?:IMO\s*)?\(?(?P<number>\d{7})\)?$")
_APPROX_RE = re.compile(r"^(?:circa|approximately|approx\.?)\s+", re.IGNORECASE)
_RANGE_RE = re.compile(r"^(?P<start>.+?)\s*(?:\bto\b|-)\s*(?P<end>\S.*)$")

# Country spellings OFAC uses that neither pycountry nor the shared alias table knows.
_OFAC_COUNTRIES = {
    "macedonia, the former yugoslav republic of": "MK",
    "north macedonia, the republic of": "MK",
    "man, isle of": "IM",
    "st. kitts & nevis": "KN",
    "st. kitts and nevis": "KN",
    "st. vincent and the grenadines": "VC",
    "crimea": "UA",
    "north gaza": "PS",
    "northern gaza": "PS",
    "northern mali": "ML",
}


def _script(value: str) -> str | None:
    # OFAC strips diacritics, so nearly every name is ASCII: skip per-character Unicode lookups.
    if value.isascii():
        return "Latn" if any(c.isalpha() for c in value) else None
    return detect_script(value)


@cache
def _country(value: str | None) -> str | None:
    if not value:
        return None
    text = re.sub(r"^(?:Region:\s*|possibly\s+)", "", value.strip(), flags=re.IGNORECASE)
    return _OFAC_COUNTRIES.get(text.lower()) or country_code(text)


# Enum member lookups are slow in Python 3.11; these run once per remark alias.
_FORMER = NameKind.FORMER
_WEAK = NameKind.WEAK_ALIAS


@dataclass(slots=True)
class _Facts:
    names: list[Name] = field(default_factory=list)
    birth_dates: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)
    linked: list[str] = field(default_factory=list)
    extra: dict[str, list[str]] = field(default_factory=dict)

    def add_extra(self, key: str, value: str) -> None:
        values = self.extra.setdefault(key, [])
        if value not in values:
            values.append(value)


def _remark_parts(remarks: str) -> list[str]:
    body = remarks[:-1] if remarks.endswith(".") else remarks
    return [part for part in (p.strip() for p in body.split(";")) if part]


def _parse_remarks(remarks: str | None, truncated: bool = False) -> _Facts:
    facts = _Facts()
    if not remarks:
        return facts
    parts = _remark_parts(remarks)
    if truncated:
        # The text was cut at 1000 characters with no comments file to finish it: the last part
        # may be half a passport number or name, so only the full text in `remarks` keeps it.
        parts = parts[:-1]
    for part in parts:
        if part[:5].lower() == "alt. ":
            part = part[5:].lstrip()
        _parse_part(part, facts)
    return facts


def _parse_part(part: str, facts: _Facts) -> None:
    head, _, rest = part.partition(" ")
    handler = _HANDLERS.get(head)
    if handler is not None and rest and handler(rest.strip(), facts):
        return
    if labelled := _labelled(part, _ATTRIBUTE_INDEX):
        facts.add_extra(_ATTRIBUTE_LABELS[labelled[0]], labelled[1])
    elif match := _CURRENCY_RE.match(part):
        facts.identifiers.append(_identifier(match["label"], match["rest"]))
    elif labelled := _labelled(part, _ID_INDEX):
        facts.identifiers.append(_identifier(*labelled))


def _on_alias(rest: str, facts: _Facts) -> bool:
    return _add_remark_name(_WEAK, rest, facts)


def _on_former(rest: str, facts: _Facts) -> bool:
    return _add_remark_name(_FORMER, rest, facts)


def _on_dob(rest: str, facts: _Facts) -> bool:
    _add_birth_dates(rest, facts)
    return True


def _on_pob(rest: str, facts: _Facts) -> bool:
    facts.add_extra("places_of_birth", rest)
    return True


def _on_nationality(rest: str, facts: _Facts) -> bool:
    _add_nationality(rest, facts)
    return True


def _on_linked(rest: str, facts: _Facts) -> bool:
    if not rest.startswith("To:"):
        return False
    target = rest[3:].strip().rstrip(".")
    if target:
        facts.linked.append(target)
    return True


def _on_gender(rest: str, facts: _Facts) -> bool:
    facts.add_extra("gender", rest)
    return True


def _on_organization(rest: str, facts: _Facts) -> bool:
    prefix = "Established Date "
    if not rest.startswith(prefix):
        return False
    value = rest[len(prefix) :].strip()
    facts.add_extra("established", _date(value) or value)
    return True


# Dispatch on a remark part's first word: one dict lookup instead of a chain of regexes.
# Lower-case "nationality": "Nationality of Registration" (of a vessel) is another field.
_HANDLERS: dict[str, Callable[[str, _Facts], bool]] = {
    "a.k.a.": _on_alias,
    "a.k.a.,": _on_alias,
    "n.k.a.": _on_alias,
    "f.k.a.": _on_former,
    "DOB": _on_dob,
    "POB": _on_pob,
    "POB:": _on_pob,
    "nationality": _on_nationality,
    "citizen": _on_nationality,
    "Linked": _on_linked,
    "Gender": _on_gender,
    "Organization": _on_organization,
}


def _add_remark_name(kind: NameKind, raw: str, facts: _Facts) -> bool:
    text = raw.strip()
    if text[:1] in ("'", '"'):
        if len(text) < 2 or text[-1] != text[0]:
            # No closing quote: remarks cut at 1000 characters mid-name ("a.k.a. 'snowsjo") when the
            # comments file is absent. Half a name would be a wrong name; the entity is flagged.
            return True
        text = text[1:-1]
    value = clean(text)
    if value:
        facts.names.append(Name(value, kind, _script(value)))
    return True


def _add_nationality(raw: str, facts: _Facts) -> None:
    code = _country(raw)
    if code:
        if code not in facts.countries:
            facts.countries.append(code)
    else:
        facts.add_extra("nationalities_unresolved", raw)


def _add_birth_dates(raw: str, facts: _Facts) -> None:
    dates = _birth_dates(raw)
    if not dates:
        facts.add_extra("birth_dates_unparsed", raw)
    for value in dates:
        if value not in facts.birth_dates:
            facts.birth_dates.append(value)


def _birth_dates(raw: str) -> list[str]:
    text = _APPROX_RE.sub("", raw.strip())
    single = _date(text)
    if single:
        return [single]
    match = _RANGE_RE.match(text)
    if not match:
        return []
    start, end = _date(match["start"]), _date(match["end"])
    if not start or not end:
        return []
    first, last = int(start[:4]), int(end[:4])
    whole_years = (len(start) == 4 or start.endswith("-01-01")) and (len(end) == 4 or end.endswith("-12-31"))
    if whole_years and 0 <= last - first <= 10:
        return [str(year) for year in range(first, last + 1)]
    return [start, end]


_MONTHS = {
    m: i for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)
}
_OFAC_DATE_RE = re.compile(r"^(?:(?P<day>\d{1,2}) )?(?:(?P<month>[A-Za-z]{3})[a-z]* )?(?P<year>\d{4})$")


@cache
def _date(text: str) -> str | None:
    """OFAC writes "12 Jan 1955", "Jan 1955" or "1955"; a regex is far faster than strptime."""
    match = _OFAC_DATE_RE.match(text)
    if not match:
        return partial_date(text)
    year, day, month_name = match["year"], match["day"], match["month"]
    if not month_name:
        return year if not day else None
    month = _MONTHS.get(month_name.lower())
    if month is None:
        return partial_date(text)
    if not day:
        return f"{year}-{month:02d}"
    try:
        return date(int(year), month, int(day)).isoformat()
    except ValueError:
        return None


def _identifier(label: str, rest: str) -> Identifier:
    match = _ID_TAIL_RE.match(rest)
    value, country, note = rest, None, None
    if match:
        value = match["value"]
        raw_country = match["country"]
        country = _country(raw_country) if raw_country else None
        if raw_country and not country:
            value = f"{value} ({raw_country})"
        note = clean(match["note"].lstrip(" ,;")) or None
    value = value.strip(" ,")
    imo = _IMO_RE.match(value)
    if imo and (value.startswith("IMO") or label == "International Maritime Organization No."):
        return Identifier("IMO", imo["number"], country, note or label)
    return Identifier(label, value or rest, country, note)


# --- companions --------------------------------------------------------------------------------


def _read_addresses(path: Path, known: set[int]) -> dict[int, list[Address]]:
    result: dict[int, list[Address]] = {}
    seen: dict[int, int] = {}
    for line, row in _read_table(path, ADDRESS_COLUMNS):
        ent_num = _companion_ent_num(path, line, row[0], known)
        _first_use(path, line, seen, _number(path, line, row[1], "Add_num"), ent_num, "Add_num", "address")
        address = _address(row)
        if address is not None:
            result.setdefault(ent_num, []).append(address)
    return result


def _first_use(path: Path, line: int, seen: dict[int, int], number: int, ent_num: int, field: str, what: str) -> None:
    """Companion files number their rows; a repeated number means a corrupt or concatenated file."""
    if number in seen:
        raise SourceError(
            str(path),
            f"{field} {number} repeats line {seen[number]}; expected unique {what} numbers",
            line=line,
            record=str(ent_num),
            field=field,
        )
    seen[number] = line


def _address(row: list[str]) -> Address | None:
    street, city, country_name, note = (_value(row[i]) for i in (2, 3, 4, 5))
    if not (street or city or country_name):
        return None
    full = ", ".join(part for part in (street, city, country_name) if part)
    if note:
        full = f"{full} ({note})"
    # OFAC merges city, state, province and postal code into one column; it stays whole in `city`.
    return Address(full=full, street=street, city=city, country=_country(country_name))


def _read_aliases(path: Path, known: set[int]) -> dict[int, list[Name]]:
    result: dict[int, list[Name]] = {}
    seen: dict[int, int] = {}
    for line, row in _read_table(path, ALIAS_COLUMNS):
        ent_num = _companion_ent_num(path, line, row[0], known)
        _first_use(path, line, seen, _number(path, line, row[1], "alt_num"), ent_num, "alt_num", "alias")
        result.setdefault(ent_num, []).append(_alias(path, line, row, ent_num))
    return result


def _alias(path: Path, line: int, row: list[str], ent_num: int) -> Name:
    alt_type = (_value(row[2]) or "").lower()
    if alt_type not in ALT_KINDS:
        raise SourceError(
            str(path),
            f"alt_type is {row[2]!r}; expected one of {', '.join(sorted(ALT_KINDS))}",
            line=line,
            record=str(ent_num),
            field="alt_type",
        )
    value = _value(row[3])
    if not value:
        raise SourceError(str(path), "alt_name is empty; expected a name", line=line, record=str(ent_num))
    kind = ALT_KINDS[alt_type]
    remarks = _value(row[4])
    if remarks and "weak" in remarks.lower() and kind is NameKind.ALIAS:
        kind = NameKind.WEAK_ALIAS
    return Name(value, kind, _script(value))


def _read_comments(path: Path, known: set[int]) -> dict[int, str]:
    result: dict[int, str] = {}
    lines: dict[int, int] = {}
    for line, row in _read_table(path, COMMENT_COLUMNS):
        ent_num = _companion_ent_num(path, line, row[0], known)
        if ent_num in result:
            raise SourceError(
                str(path),
                f"ent_num {ent_num} has a second comment (first on line {lines[ent_num]}); "
                "expected one overflow remark per entry",
                line=line,
                record=str(ent_num),
                field="ent_num",
            )
        lines[ent_num] = line
        result[ent_num] = row[1]
    return result


def _companion_ent_num(path: Path, line: int, value: str, known: set[int]) -> int:
    ent_num = _number(path, line, value, "ent_num")
    if ent_num not in known:
        raise SourceError(
            str(path),
            f"ent_num {ent_num} is not in the primary file; the companion files must come from the "
            "same publication as the primary file (half or mixed file set)",
            line=line,
            record=str(ent_num),
            field="ent_num",
        )
    return ent_num


# --- primary -----------------------------------------------------------------------------------


def _programs(raw: str) -> list[str | None]:
    value = _value(raw)
    if not value:
        return [None]
    parts = [clean(p.strip("[] ")) for p in value.split("] [")]
    unique = list(dict.fromkeys(p for p in parts if p))
    return list(unique) if unique else [None]


def _entity(
    spec: _SetSpec,
    row: list[str],
    kind: EntityKind,
    remarks_raw: str,
    truncated: bool,
    aliases: list[Name],
    addresses: list[Address],
) -> tuple[Entity, list[str]]:
    ent_num = int(row[0])
    primary = _value(row[1]) or ""
    remarks = _value(remarks_raw)
    facts = _parse_remarks(remarks, truncated)
    names = unique_names([Name(primary, NameKind.PRIMARY, _script(primary)), *aliases, *facts.names])
    title = _value(row[4])
    listings = _listings(spec.list_id, row[3], title)
    extra: dict[str, Any] = dict(facts.extra)
    identifiers = list(facts.identifiers)
    countries = list(facts.countries)
    relations: list[Relation] = []
    call_sign = _value(row[5])
    if call_sign:
        identifiers.insert(0, Identifier("Call Sign", call_sign))
    vessel = _vessel(row)
    if vessel:
        extra["vessel"] = vessel
        flag = _country(vessel.get("flag"))
        if flag:
            countries.append(flag)
        if "owner" in vessel:
            relations.append(Relation(RelationKind.OWNER, vessel["owner"]))
    if title:
        extra["title"] = title
    if truncated:
        extra["remarks_truncated"] = True
    countries.extend(a.country for a in addresses if a.country)
    entity = Entity(
        id=f"{spec.list_id}:{ent_num}",
        kind=kind,
        names=names,
        listings=listings,
        identifiers=tuple(dict.fromkeys(identifiers)),
        addresses=tuple(dict.fromkeys(addresses)),
        countries=tuple(dict.fromkeys(countries)),
        birth_dates=tuple(facts.birth_dates),
        relations=tuple(relations),
        remarks=remarks,
        source_url=f"{SEARCH_URL}Details.aspx?id={ent_num}",
        extra=extra,
    )
    return entity, facts.linked


@lru_cache(maxsize=4096)
def _listings(list_id: str, program_field: str, title: str | None) -> tuple[Listing, ...]:
    # Listings are immutable and thousands are identical (same program, no title): share them.
    return tuple(
        Listing(list_id=list_id, program=program, jurisdiction="US", source_url=SEARCH_URL, remarks=title)
        for program in _programs(program_field)
    )


_VESSEL_FIELDS = (("type", 6), ("tonnage", 7), ("grt", 8), ("flag", 9), ("owner", 10))


def _vessel(row: list[str]) -> dict[str, str]:
    result = {}
    for key, index in _VESSEL_FIELDS:
        value = _value(row[index])
        if value:
            result[key] = value
    return result


def _kind(path: Path, line: int, row: list[str]) -> EntityKind:
    raw = _value(row[2])
    key = raw.lower() if raw else None
    if key not in KINDS:
        raise SourceError(
            str(path),
            f"SDN_Type is {row[2]!r}; expected individual, vessel, aircraft or -0- (organisation)",
            line=line,
            record=row[0],
            field="SDN_Type",
        )
    return KINDS[key]


def _primary_ids(path: Path, rows: list[tuple[int, list[str]]]) -> set[int]:
    lines: dict[int, int] = {}
    for line, row in rows:
        ent_num = _number(path, line, row[0], "ent_num")
        if ent_num in lines:
            raise SourceError(
                str(path),
                f"ent_num {ent_num} repeats line {lines[ent_num]}; expected unique entry numbers",
                line=line,
                record=str(ent_num),
                field="ent_num",
            )
        if not _value(row[1]):
            raise SourceError(
                str(path),
                "SDN_Name is empty; expected a name",
                line=line,
                record=str(ent_num),
                field="SDN_Name",
            )
        lines[ent_num] = line
    return set(lines)


def _resolve_links(entities: list[tuple[Entity, list[str]]]) -> tuple[Entity, ...]:
    by_name: dict[str, str | None] = {}
    for entity, _ in entities:
        key = entity.primary_name.casefold()
        # A primary name used by two entries cannot be resolved to either.
        by_name[key] = None if key in by_name else entity.id
    result = []
    for entity, linked in entities:
        if linked:
            links = tuple(Relation(RelationKind.ASSOCIATE, name, by_name.get(name.casefold())) for name in linked)
            entity = _with_relations(entity, entity.relations + links)
        result.append(entity)
    return tuple(result)


def _with_relations(entity: Entity, relations: tuple[Relation, ...]) -> Entity:
    return Entity(
        id=entity.id,
        kind=entity.kind,
        names=entity.names,
        listings=entity.listings,
        identifiers=entity.identifiers,
        addresses=entity.addresses,
        countries=entity.countries,
        birth_dates=entity.birth_dates,
        relations=tuple(dict.fromkeys(relations)),
        remarks=entity.remarks,
        source_url=entity.source_url,
        as_of=entity.as_of,
        unconfirmed=entity.unconfirmed,
        extra=entity.extra,
    )


def parse(path: Path) -> ParsedList:
    files = _resolve(path)
    spec = files.spec
    primary_rows = _read_table(files.primary, PRIMARY_COLUMNS)
    known = _primary_ids(files.primary, primary_rows)
    addresses = _read_addresses(files.addresses, known) if files.addresses else {}
    aliases = _read_aliases(files.aliases, known) if files.aliases else {}
    comments = _read_comments(files.comments, known) if files.comments else {}
    built = []
    for line, row in primary_rows:
        ent_num = int(row[0])
        remarks_raw = row[11]
        if ent_num in comments:
            remarks_raw += comments[ent_num]
        truncated = ent_num not in comments and len(row[11]) >= REMARKS_LIMIT
        kind = _kind(files.primary, line, row)
        built.append(
            _entity(spec, row, kind, remarks_raw, truncated, aliases.get(ent_num, []), addresses.get(ent_num, []))
        )
    read = [p for p in (files.primary, files.addresses, files.aliases, files.comments) if p is not None]
    info = ListInfo(
        list_id=spec.list_id,
        title=spec.title,
        jurisdiction="US",
        publisher=PUBLISHER,
        source_format=FORMAT,
        source_url=spec.download_url,
        as_of=None,
        licence=LICENCE,
    )
    return ParsedList(
        info=info,
        entities=_resolve_links(built),
        files=tuple(str(p.resolve()) for p in read),
    )
