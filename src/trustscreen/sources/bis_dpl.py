"""US Commerce BIS Denied Persons List (dpl.txt): tab-separated, every field double-quoted, one header.

Columns: Name, Street_Address, City, State, Country, Postal_Code, Effective_Date, Expiration_Date,
Standard_Order, Last_Update, Action, FR_Citation. Effective/Expiration dates are MM/DD/YYYY,
Last_Update is ISO. The file has no ids, no aliases and no entity type.

One entity per denied *name*, not per row. The DPL repeats a name once per address (ZIMO SHENG has
a Milwaukee and a Changshu row under one order), so a row-per-entity reading would show one party
as several hits. Rows are grouped on the name with whitespace collapsed and upper-cased; their
addresses are merged (identical rows collapse, the file repeats two verbatim).

Entity id: `us-bis-dpl:` + the first 16 hex digits of SHA-256 of that normalised name. The
effective date and address are deliberately not in the key: temporary denial orders are renewed
every 180 days with a new Effective_Date, and addresses get corrected, and neither should turn
into a removal plus an addition in a list diff. Two rows can only share an id by sharing the
normalised name, in which case they are the same entity by construction, so ids cannot repeat;
distinct spellings ("AL NASER AIRLINES", "AL-NASER AIRLINES") stay distinct entities, as BIS lists
them separately. Two different people with the same name would merge; the DPL gives nothing (no
birth date, no id) to tell them apart, and for screening both hits would look identical anyway.

Listings: one per distinct Effective_Date of the name (a person can be under several orders).
Rows of one order often disagree in small ways (a typo in one row's FR citation or expiry); the
listing takes its values from the row with the latest believable Last_Update, keeps the latest
Expiration_Date any row gives (a denial is not assumed to end earlier than BIS says it might),
and notes the disagreement in the listing remarks.

Last_Update is believed only when it is an ISO date no earlier than the row's Effective_Date and
not in the future. The 2023-11 file has "3033-09-30", "1023-11-01" and "2001-12-06" (for an order
effective 2021-11-30); such values are kept in the entity remarks and ignored for ListInfo.as_of,
which is the latest believable Last_Update. An unreadable Effective/Expiration date is kept in the
listing remarks rather than guessed.

Country: the DPL leaves Country blank for US addresses and puts the state code in State, so a blank
Country with a US state/territory code becomes "US". Entity kind is UNKNOWN (the list does not say).

Errors: empty file, a header that is not the DPL header, rows with a different number of fields,
unclosed quotes (truncated file), non-UTF-8 bytes and rows without a name.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from trustscreen.errors import SourceError
from trustscreen.model import Address, Entity, EntityKind, ListInfo, Listing, Name, NameKind, ParsedList
from trustscreen.sources._common import clean, country_code, csv_rows, decode, iso_date, read_bytes, today
from trustscreen.text.scripts import detect_script

FORMAT = "bis-dpl"

LIST_ID = "us-bis-dpl"
TITLE = "BIS Denied Persons List"
PUBLISHER = "US Department of Commerce, Bureau of Industry and Security"
SOURCE_URL = "https://www.bis.doc.gov/dpl/dpl.txt"
PAGE_URL = "https://www.bis.doc.gov/index.php/policy-guidance/lists-of-parties-of-concern/denied-persons-list"
LICENCE = "US Government work (public domain)"
LICENCE_REQUIREMENT = "All export privileges denied (Denied Persons List order)"

COLUMNS = (
    "Name",
    "Street_Address",
    "City",
    "State",
    "Country",
    "Postal_Code",
    "Effective_Date",
    "Expiration_Date",
    "Standard_Order",
    "Last_Update",
    "Action",
    "FR_Citation",
)
_HEADER_LINE = "\t".join(COLUMNS)

# US states and territories: the DPL leaves Country blank for these.
# fmt: off
US_STATES = frozenset((
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL",
    "IN", "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE",
    "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD",
    "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "PR", "GU", "VI", "AS", "MP",
))
# fmt: on


@dataclass(frozen=True, slots=True)
class _Row:
    line: int
    name: str
    address: Address | None
    effective: str | None
    effective_raw: str
    expiration: str | None
    expiration_raw: str
    last_update: str | None
    last_update_raw: str
    standard_order: str | None
    action: str | None
    citation: str | None


def sniff(path: Path) -> bool:
    if not path.is_file():
        return False
    try:
        with path.open("rb") as handle:
            head = handle.read(1024)
    except OSError:
        return False
    first = head.split(b"\n", 1)[0].decode("utf-8", errors="replace").lstrip("\ufeff").rstrip("\r")
    return first.replace('"', "") == _HEADER_LINE


def _date(value: str) -> str | None:
    return iso_date(value, ("%m/%d/%Y",))


def _believable_update(raw: str, effective: str | None, now: str) -> str | None:
    value = iso_date(raw, ("%Y-%m-%d",))
    if value is None or value > now:
        return None
    if effective is not None and value < effective:
        return None
    return value


def _address(
    street: str | None, city: str | None, state: str | None, country: str | None, postal: str | None
) -> Address | None:
    if not (street or city or state or country or postal):
        return None
    code = country_code(country) if country else ("US" if state in US_STATES else None)
    full = ", ".join(part for part in (street, city, state, postal, country or code) if part)
    return Address(full=full, street=street, city=city, region=state, postal_code=postal, country=code)


def _read_rows(path: Path) -> list[_Row]:
    text = decode(path, read_bytes(path), "utf-8")
    rows = csv_rows(path, text, delimiter="\t")
    first = next(rows, None)
    if first is None or tuple(clean(cell) or "" for cell in first[1]) != COLUMNS:
        found = "\t".join(first[1]) if first else ""
        raise SourceError(
            str(path),
            f"header is {found[:200]!r}; expected the DPL header {_HEADER_LINE!r}",
            line=1,
        )
    now = today()
    result = []
    for line, fields in rows:
        if not fields or fields == [""]:
            continue
        result.append(_row(path, line, fields, now))
    if not result:
        raise SourceError(str(path), "has a header but no records; expected denied persons")
    return result


def _row(path: Path, line: int, fields: list[str], now: str) -> _Row:
    if len(fields) != len(COLUMNS):
        raise SourceError(
            str(path),
            f"found {len(fields)} fields; expected {len(COLUMNS)} tab-separated fields ({', '.join(COLUMNS)})",
            line=line,
            record=clean(fields[0]) if fields else None,
        )
    values = [clean(cell) for cell in fields]
    name = values[0]
    if not name:
        raise SourceError(str(path), "Name is empty; expected the denied party's name", line=line, field="Name")
    effective = _date(fields[6])
    return _Row(
        line=line,
        name=name,
        address=_address(values[1], values[2], values[3], values[4], values[5]),
        effective=effective,
        effective_raw=fields[6].strip(),
        expiration=_date(fields[7]),
        expiration_raw=fields[7].strip(),
        last_update=_believable_update(fields[9], effective, now),
        last_update_raw=fields[9].strip(),
        standard_order=values[8].upper() if values[8] else None,
        action=values[10],
        citation=values[11],
    )


def _entity_id(key: str) -> str:
    return f"{LIST_ID}:{hashlib.sha256(key.encode('utf-8')).hexdigest()[:16]}"


def _group(rows: Iterable[_Row]) -> dict[str, list[_Row]]:
    groups: dict[str, list[_Row]] = {}
    for row in rows:
        groups.setdefault(row.name.upper(), []).append(row)
    return groups


def _latest(rows: list[_Row]) -> _Row:
    # Rows without a believable Last_Update sort first; ties keep file order (max is stable).
    return max(rows, key=lambda r: r.last_update or "")


def _listing(rows: list[_Row]) -> Listing:
    main = _latest(rows)
    notes = []
    if main.effective is None and main.effective_raw:
        notes.append(f"Effective_Date {main.effective_raw!r} is not a MM/DD/YYYY date")
    expirations = sorted({r.expiration for r in rows if r.expiration})
    ended_on = expirations[-1] if expirations else None
    if len(expirations) > 1:
        notes.append(f"rows disagree on Expiration_Date: {', '.join(expirations)}; the latest is kept")
    if not expirations and main.expiration_raw:
        notes.append(f"Expiration_Date {main.expiration_raw!r} is not a MM/DD/YYYY date")
    citations = {r.citation for r in rows if r.citation}
    if len(citations) > 1:
        notes.append(f"rows give {len(citations)} different FR_Citation texts; the most recently updated is kept")
    return Listing(
        list_id=LIST_ID,
        jurisdiction="US",
        listed_on=main.effective,
        ended_on=ended_on,
        source_url=PAGE_URL,
        citation=main.citation,
        licence_requirement=LICENCE_REQUIREMENT,
        remarks="; ".join(notes) or None,
    )


def _entity(key: str, rows: list[_Row]) -> Entity:
    by_order: dict[str | None, list[_Row]] = {}
    for row in rows:
        by_order.setdefault(row.effective or row.effective_raw or None, []).append(row)
    listings = tuple(_listing(group) for group in by_order.values())
    addresses = tuple(dict.fromkeys(r.address for r in rows if r.address is not None))
    main = _latest(rows)
    doubtful = sorted({r.last_update_raw for r in rows if r.last_update is None and r.last_update_raw})
    remarks = (
        f"Last_Update {', '.join(repr(v) for v in doubtful)} is not a believable date and was ignored"
        if doubtful
        else None
    )
    extra: dict[str, object] = {}
    if main.action:
        extra["action"] = main.action
    if main.standard_order:
        extra["standard_order"] = main.standard_order
    if main.last_update:
        extra["last_update"] = main.last_update
    return Entity(
        id=_entity_id(key),
        kind=EntityKind.UNKNOWN,
        names=(Name(rows[0].name, NameKind.PRIMARY, detect_script(rows[0].name)),),
        listings=listings,
        addresses=addresses,
        countries=tuple(dict.fromkeys(a.country for a in addresses if a.country)),
        remarks=remarks,
        source_url=PAGE_URL,
        extra=extra,
    )


def _as_of(rows: Iterable[_Row]) -> str | None:
    dates = [r.last_update for r in rows if r.last_update]
    return max(dates) if dates else None


def parse(path: Path) -> ParsedList:
    rows = _read_rows(path)
    groups = _group(rows)
    entities = tuple(_entity(key, group) for key, group in groups.items())
    ids = {e.id for e in entities}
    if len(ids) != len(entities):
        # Only reachable through a SHA-256 prefix collision; refuse rather than merge silently.
        raise SourceError(str(path), "two different names hash to the same entity id")
    info = ListInfo(
        list_id=LIST_ID,
        title=TITLE,
        jurisdiction="US",
        publisher=PUBLISHER,
        source_format=FORMAT,
        source_url=SOURCE_URL,
        as_of=_as_of(rows),
        licence=LICENCE,
    )
    return ParsedList(info=info, entities=entities, files=(str(path.resolve()),))
