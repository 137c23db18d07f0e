"""Submarine cables from TeleGeography's Submarine Cable Map data, and who owns them.

The data (api v2, as in github.com/telegeography/www.submarinecablemap.com) is a folder::

    <dataset>/cable/all.json           index: [{"id", "cable_id", "name"}, …]
    <dataset>/cable/<id>.json          one cable: id, cable_id, name, landing_points[], owners,
                                       rfs, length, url, notes (later versions add suppliers)

It is licensed CC BY-NC-SA, so trustscreen does not bundle it: the user points `load_cables` at a
copy. The loader is strict about what it reads (a malformed cable file is an error naming the file),
and tolerant of fields it does not use, because later versions of the data add fields.

Quirks handled here, all seen in the 2021-06 snapshot:

* `owners` is one comma-joined string, and TeleGeography also splits legal-form suffixes off
  ("Blackburn Technologies,  LLC.", "Kakike,  Lda.", "Ocean Specialists,  Inc (OSI)"), so a part that
  is only a legal form is glued back onto the owner before it; "n.a." means no owner is known.
* A landing point's country is the tail of its name ("Muanda, Congo, Dem. Rep.",
  "Gallows Bay, Bonaire, Sint Eustatius and Saba"), so the last two comma parts are tried before
  the last one, and TeleGeography's own spellings are mapped here.
* US territories are written like states ("Tanguisson Point, GU, United States"); they get their
  own ISO codes (GU, PR, VI), as "Pago Pago, American Samoa" and "…, Virgin Islands (U.S.)" do.
* Hong Kong and Macau landings are named "…, China" ("Tseung Kwan O, China", "Taipa, China"); they
  get HK and MO here (`SAR_LANDING_POINTS`), so ask `cables_touching(["CN", "HK", "MO"])` for all.
* The index and the files can disagree on a cable's slug (all.json says
  "sabastatia-cable-system-sscs", the file is saba-statia-cable-system-sscs.json), so they are
  matched by the numeric `cable_id`.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from trustscreen.assets.model import Asset, AssetKind, Attribution
from trustscreen.errors import SourceError
from trustscreen.sources._common import country_code, decode, read_bytes

INDEX_FILE = "all.json"
# One cable file is a few kB; the largest in the 2021-06 snapshot (2Africa) is under 20 kB.
MAX_CABLE_FILE_BYTES = 2_000_000
# "n.a." is TeleGeography's "not available"; it is not an owner.
NULL_VALUES = frozenset({"", "n.a.", "n/a", "tbd", "t.b.d."})
# Spellings TeleGeography uses that neither ISO 3166 (pycountry) nor the shared alias table know.
TELEGEOGRAPHY_COUNTRIES = {
    "congo dem rep": "CD",
    "congo rep": "CG",
    "virgin islands u s": "VI",
    "virgin islands u k": "VG",
    "saint martin": "MF",
    "sint maarten": "SX",
}
# TeleGeography files Hong Kong and Macau landings under "China"; these are their landing point ids.
SAR_LANDING_POINTS = {
    "cape-daguilar-china": "HK",
    "chung-hom-kok-china": "HK",
    "deep-water-bay-china": "HK",
    "lantau-island-china": "HK",
    "tong-fuk-china": "HK",
    "tseung-kwan-o-china": "HK",
    "taipa-china": "MO",
}
# US territories that TeleGeography writes like states ("Tanguisson Point, GU, United States") have
# their own ISO 3166-1 codes, the codes other landing names of the same places already get.
US_TERRITORIES = frozenset({"AS", "GU", "MP", "PR", "UM", "VI"})
# A comma-separated part that is only one of these belongs to the owner before it.
_LEGAL_FORM = re.compile(
    r"(?:inc|llc|l\.l\.c|ltd|limited|lda|co|corp|plc|s\.?a|s\.?a\.?s|s\.?a\.? de c\.?v|s\.?r\.?l|s\.?p\.?a"
    r"|gmbh|ag|n\.?v|b\.?v|a/?s|ab|oy|pte\.? ltd|l\.?p|llp|jsc|pjsc|ooo|sdn\.? bhd|bhd|k\.?k)\.?"
    r"(?:\s*\([^)]*\))?",
    re.IGNORECASE,
)
_YEAR = re.compile(r"(19|20)\d{2}")


@dataclass(frozen=True, slots=True)
class LandingPoint:
    id: str
    name: str
    # ISO 3166-1 alpha-2.
    country: str
    # TeleGeography marks planned landings whose site is not decided ("t.b.d., United States").
    tbd: bool = False


@dataclass(frozen=True, slots=True)
class Cable:
    id: str
    cable_id: int
    name: str
    owners: tuple[str, ...]
    landing_points: tuple[LandingPoint, ...]
    # Ready-for-service as given ("2016 December", "2022 Q4", "2013") and its year.
    rfs: str | None = None
    rfs_year: int | None = None
    length: str | None = None
    url: str | None = None
    notes: str | None = None
    # Only in later versions of the data (HMN Tech, SubCom, NEC, ASN …).
    suppliers: tuple[str, ...] = ()
    file: str = ""

    @property
    def countries(self) -> tuple[str, ...]:
        return tuple(sorted({point.country for point in self.landing_points}))


class CableIndex:
    """All cables of one dataset, with lookups by slug, numeric id or (loosely) by name."""

    def __init__(self, cables: Iterable[Cable], source: str = "") -> None:
        self.cables: tuple[Cable, ...] = tuple(sorted(cables, key=lambda cable: cable.id))
        self.source = source
        self._by_id = {cable.id: cable for cable in self.cables}
        self._exact: dict[str, set[str]] = {}
        self._loose: dict[str, set[str]] = {}
        for cable in self.cables:
            for key in (cable.id, str(cable.cable_id), cable.name):
                self._exact.setdefault(name_key(key), set()).add(cable.id)
            for key in _loose_keys(cable.name):
                self._loose.setdefault(key, set()).add(cable.id)

    def __len__(self) -> int:
        return len(self.cables)

    def get(self, cable_id: str) -> Cable | None:
        return self._by_id.get(cable_id)

    def find(self, text: str) -> list[Cable]:
        """Cables whose slug, numeric id or name equals `text` ignoring case, spaces and punctuation
        ("SEA-ME-WE 5" finds SeaMeWe-5); failing that, whose name without or inside its parentheses
        does ("AAG" finds "Asia-America Gateway (AAG) Cable System"). Several when ambiguous."""
        key = name_key(text)
        if not key:
            return []
        ids = self._exact.get(key) or self._loose.get(key) or set()
        return [self._by_id[cable_id] for cable_id in sorted(ids)]

    def lookup(self, text: str) -> Cable | None:
        """The one cable `text` names, or None when it names none or several (see `find`)."""
        found = self.find(text)
        return found[0] if len(found) == 1 else None

    def cable_for(self, asset: Asset) -> Cable | None:
        """The cable an inventory asset names: by its cable_id identifier when given, else by name."""
        if asset.kind is not AssetKind.CABLE:
            return None
        given = asset.identifier("cable_id")
        return self.lookup(given) if given is not None else self.lookup(asset.name)

    def resolve_cable(self, asset: Asset) -> list[Attribution]:
        """Owners (and suppliers, where the data has them) of the cable `asset` names.

        Empty when the asset is not a cable, names no known cable or several (call `find` to tell
        which), or the data gives no owner."""
        cable = self.cable_for(asset)
        if cable is None:
            return []
        details = (
            ("cable_id", cable.id),
            ("landing_countries", ", ".join(cable.countries)),
            *((("rfs", cable.rfs),) if cable.rfs else ()),
        )
        where = f"TeleGeography cable {cable.id}" + (f", {self.source}" if self.source else "")
        return [
            Attribution(
                party=party,
                role=role,
                evidence=f"{cable.name} ({where}): {role}s include {party}",
                details=details,
            )
            for role, parties in (("owner", cable.owners), ("supplier", cable.suppliers))
            for party in parties
        ]

    def cables_touching(self, countries: Iterable[str]) -> list[Cable]:
        """Cables with a landing point in any of `countries` (ISO codes or names)."""
        wanted = set()
        for country in countries:
            code = country_code(country)
            if code is None:
                raise ValueError(f"unknown country {country!r}; expected an ISO 3166 code or name")
            wanted.add(code)
        return [cable for cable in self.cables if wanted.intersection(cable.countries)]

    def cables_owned_by(self, predicate: Callable[[str], bool]) -> list[Cable]:
        """Cables where `predicate(owner)` holds for at least one owner."""
        return [cable for cable in self.cables if any(predicate(owner) for owner in cable.owners)]


def resolve_cable(asset: Asset, index: CableIndex) -> list[Attribution]:
    return index.resolve_cable(asset)


def name_key(text: str) -> str:
    """Case-, accent-, space- and punctuation-free form used to compare cable names."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in folded if char.isalnum())


def _loose_keys(name: str) -> set[str]:
    inner = re.findall(r"\(([^)]*)\)", name)
    outer = re.sub(r"\([^)]*\)", " ", name)
    return {key for key in (name_key(outer), *(name_key(part) for part in inner)) if key}


def split_owners(text: str | None) -> tuple[str, ...]:
    """Split TeleGeography's comma-joined owner list, keeping "Name, Inc." style names whole."""
    if text is None:
        return ()
    owners: list[str] = []
    for raw in text.split(","):
        part = " ".join(raw.split())
        if part.casefold() in NULL_VALUES:
            continue
        if owners and _LEGAL_FORM.fullmatch(part):
            owners[-1] = f"{owners[-1]}, {part}"
        else:
            owners.append(part)
    return tuple(dict.fromkeys(owners))


def landing_country(name: str) -> str | None:
    """ISO code of the country at the end of a landing point name ("Dumai, Indonesia" → ID)."""
    parts = [part.strip() for part in name.split(",")]
    if len(parts) >= 3 and parts[-2] in US_TERRITORIES and country_code(parts[-1]) == "US":
        return parts[-2]
    for size in (2, 1):
        if len(parts) > size:
            tail = ", ".join(parts[-size:])
            code = TELEGEOGRAPHY_COUNTRIES.get(_country_key(tail)) or country_code(tail)
            if code is not None:
                return code
    return None


def _country_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", name.lower()).strip()


# --- loading --------------------------------------------------------------------------------


def load_cables(path: Path) -> CableIndex:
    """Load a TeleGeography dataset folder (or its `cable/` folder). All files parse or it raises."""
    folder = _cable_folder(path)
    index_path = folder / INDEX_FILE
    if not index_path.is_file():
        raise SourceError(
            str(folder),
            f"has no {INDEX_FILE}; expected the full cable/ folder of a TeleGeography dataset (half a file set?)",
        )
    files = sorted(file for file in folder.glob("*.json") if file.name != INDEX_FILE)
    if not files:
        raise SourceError(str(folder), "has no cable files; expected cable/<id>.json files")
    cables = [parse_cable_file(file) for file in files]
    _check_unique(cables)
    _check_index(index_path, _read_index(index_path), cables)
    # The dataset folder's name carries its date ("telegeography_2021-06"): enough to cite in evidence.
    return CableIndex(cables, source=folder.resolve().parent.name)


def _cable_folder(path: Path) -> Path:
    if not path.exists():
        raise SourceError(str(path), "not found; expected a TeleGeography dataset folder")
    if not path.is_dir():
        raise SourceError(str(path), "is a file; expected a TeleGeography dataset folder with cable/")
    return path / "cable" if (path / "cable").is_dir() else path


def _load_json(path: Path) -> Any:
    if path.stat().st_size > MAX_CABLE_FILE_BYTES:
        raise SourceError(str(path), f"is larger than {MAX_CABLE_FILE_BYTES} bytes; expected one cable")
    text = decode(path, read_bytes(path))
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(
            str(path), f"invalid JSON ({exc.msg} at column {exc.colno}); truncated file?", line=exc.lineno
        ) from None


def parse_cable_file(path: Path) -> Cable:
    data = _load_json(path)
    if not isinstance(data, dict):
        raise SourceError(str(path), f"top level is a {type(data).__name__}; expected a cable object")
    cable_slug = _required(path, data, "id", None)
    if path.stem != cable_slug:
        raise SourceError(
            str(path), f"file is named {path.name} but holds cable {cable_slug!r}; expected <id>.json", field="id"
        )
    numeric = data.get("cable_id")
    if isinstance(numeric, bool) or not isinstance(numeric, int):
        raise SourceError(str(path), f"is {numeric!r}; expected an integer", record=cable_slug, field="cable_id")
    name = _required(path, data, "name", cable_slug)
    rfs = _known(_text(path, data, "rfs", cable_slug))
    year = _YEAR.search(rfs) if rfs else None
    return Cable(
        id=cable_slug,
        cable_id=numeric,
        name=name,
        owners=split_owners(_text(path, data, "owners", cable_slug)),
        landing_points=_landing_points(path, data, cable_slug),
        rfs=rfs,
        rfs_year=int(year.group()) if year else None,
        length=_known(_text(path, data, "length", cable_slug)),
        url=_text(path, data, "url", cable_slug),
        notes=_text(path, data, "notes", cable_slug),
        suppliers=split_owners(_text(path, data, "suppliers", cable_slug)),
        file=str(path),
    )


def _text(path: Path, data: Mapping[str, Any], key: str, record: str | None) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise SourceError(str(path), f"is {value!r}; expected a string or null", record=record, field=key)
    return " ".join(value.split()) or None


def _known(value: str | None) -> str | None:
    return None if value is None or value.casefold() in NULL_VALUES else value


def _required(path: Path, data: Mapping[str, Any], key: str, record: str | None) -> str:
    value = _text(path, data, key, record)
    if value is None:
        raise SourceError(str(path), "is missing or empty; expected a non-empty string", record=record, field=key)
    return value


def _landing_points(path: Path, data: Mapping[str, Any], record: str) -> tuple[LandingPoint, ...]:
    raws = data.get("landing_points")
    if not isinstance(raws, list):
        raise SourceError(str(path), f"is {raws!r}; expected a list", record=record, field="landing_points")
    points = []
    for index, raw in enumerate(raws):
        field = f"landing_points[{index}]"
        if not isinstance(raw, dict):
            raise SourceError(str(path), f"is {raw!r}; expected an object", record=record, field=field)
        point_id = _required(path, raw, "id", record)
        name = _required(path, raw, "name", record)
        country = SAR_LANDING_POINTS.get(point_id) or landing_country(name)
        if country is None:
            raise SourceError(
                str(path),
                f"landing point {name!r} does not end in a known country; expected 'Place, Country'",
                record=record,
                field=f"{field}.name",
            )
        tbd = raw.get("is_tbd", "false")
        if tbd not in ("true", "false", True, False):
            raise SourceError(
                str(path), f"is {tbd!r}; expected 'true' or 'false'", record=record, field=f"{field}.is_tbd"
            )
        points.append(LandingPoint(point_id, name, country, tbd in ("true", True)))
    return tuple(points)


def _check_unique(cables: list[Cable]) -> None:
    seen: dict[int, Cable] = {}
    for cable in cables:
        if cable.cable_id in seen:
            raise SourceError(
                cable.file,
                f"cable_id {cable.cable_id} is also used by {seen[cable.cable_id].file}; expected unique ids",
                record=cable.id,
                field="cable_id",
            )
        seen[cable.cable_id] = cable


def _read_index(path: Path) -> dict[int, str]:
    data = _load_json(path)
    if not isinstance(data, list):
        raise SourceError(str(path), f"top level is a {type(data).__name__}; expected a list of cables")
    index: dict[int, str] = {}
    for position, item in enumerate(data):
        record = f"[{position}]"
        if not isinstance(item, dict):
            raise SourceError(str(path), f"is {item!r}; expected an object", record=record)
        numeric = item.get("cable_id")
        if isinstance(numeric, bool) or not isinstance(numeric, int):
            raise SourceError(str(path), f"is {numeric!r}; expected an integer", record=record, field="cable_id")
        index[numeric] = str(item.get("id"))
    return index


def _check_index(index_path: Path, index: dict[int, str], cables: list[Cable]) -> None:
    """The files and the index must describe the same set of cables (matched by numeric id)."""
    by_number = {cable.cable_id: cable for cable in cables}
    missing = sorted(set(index) - set(by_number))
    if missing:
        listed = ", ".join(f"{index[number]} ({number})" for number in missing[:5])
        raise SourceError(
            str(index_path),
            f"lists {len(missing)} cable(s) with no file: {listed}; expected every indexed cable's file "
            "(half a file set?)",
        )
    extra = sorted(set(by_number) - set(index))
    if extra:
        listed = ", ".join(by_number[number].file for number in extra[:5])
        raise SourceError(
            str(index_path), f"does not list {len(extra)} cable file(s): {listed}; expected an index of every file"
        )
