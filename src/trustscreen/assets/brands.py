"""Equipment and software brands → the company behind them (own brands, subsidiaries, OEM, former owners).

The table is curated YAML (data/assets/equipment_brands.yaml) with a source for every entry; users
can add their own table in the same format (``--brands FILE``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from trustscreen.assets.model import Asset, AssetKind, Attribution
from trustscreen.errors import SourceError

RELATIONS = frozenset({"own", "subsidiary", "oem", "former"})
_KEYS = frozenset(
    {"brand", "aliases", "company", "relation", "country", "source_url", "unconfirmed", "notes", "until", "owners"}
)
# Inventory fields that may name a brand, in the order they are tried.
BRAND_FIELDS = ("brand", "manufacturer", "vendor", "supplier", "publisher", "developer", "owner", "author")


def brand_key(text: str) -> str:
    return re.sub(r"[^0-9a-z\u00c0-\uffff]+", "", text.casefold())


@dataclass(frozen=True, slots=True)
class Brand:
    brand: str
    company: str
    relation: str
    source_url: str
    country: str | None = None
    unconfirmed: bool = False
    notes: str | None = None
    until: str | None = None
    owners: tuple[tuple[str, float | None], ...] = ()

    def evidence(self) -> str:
        relation = {
            "own": f"{self.brand} is a brand of {self.company}",
            "subsidiary": f"{self.brand} is a brand of a {self.company} subsidiary",
            "oem": f"{self.brand} products are made by {self.company}",
            "former": f"{self.brand} was a {self.company} brand until {self.until}",
        }[self.relation]
        flag = " (unconfirmed)" if self.unconfirmed else ""
        return f"{relation}{flag}; source {self.source_url}"


class BrandTable:
    def __init__(self, brands: Iterable[Brand] = ()) -> None:
        self._by_key: dict[str, Brand] = {}
        for brand in brands:
            self.add(brand, (brand.brand,))

    def add(self, brand: Brand, names: Iterable[str]) -> None:
        for name in names:
            key = brand_key(name)
            if key:
                self._by_key[key] = brand

    def lookup(self, text: str) -> Brand | None:
        """Exact brand (any spelling), else a brand that is the first word of the text ("Hikvision DS-2CD")."""
        key = brand_key(text)
        if not key:
            return None
        if key in self._by_key:
            return self._by_key[key]
        first = brand_key(text.split()[0]) if text.split() else ""
        return self._by_key.get(first) if len(first) >= 3 else None

    def __len__(self) -> int:
        return len(self._by_key)


def load_table(path: Path | None = None) -> BrandTable:
    """The bundled table, or a user table (same format) when a path is given."""
    if path is None:
        return _bundled()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SourceError(str(path), f"cannot read brand table ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise SourceError(str(path), f"byte {exc.start} is not UTF-8; brand tables are UTF-8 YAML") from None
    return _parse(str(path), text)


@cache
def _bundled() -> BrandTable:
    text = resources.files("trustscreen.data.assets").joinpath("equipment_brands.yaml").read_text(encoding="utf-8")
    return _parse("trustscreen.data.assets/equipment_brands.yaml", text)


def _parse(path: str, text: str) -> BrandTable:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise SourceError(
            path, f"not valid YAML ({getattr(exc, 'problem', exc)})", line=mark.line + 1 if mark else None
        ) from None
    if not isinstance(data, Mapping) or not isinstance(data.get("brands"), list):
        raise SourceError(path, "expected a mapping with a 'brands' list")
    table = BrandTable()
    for index, raw in enumerate(data["brands"]):
        brand = _brand(path, index, raw)
        aliases = raw.get("aliases", []) if isinstance(raw, Mapping) else []
        table.add(brand, (brand.brand, *aliases))
    return table


def _brand(path: str, index: int, raw: Any) -> Brand:
    record = f"brands[{index}]"
    if not isinstance(raw, Mapping):
        raise SourceError(path, "expected a mapping", record=record)
    unknown = sorted(set(raw) - _KEYS)
    if unknown:
        raise SourceError(
            path, f"unknown key; expected one of {', '.join(sorted(_KEYS))}", record=record, field=unknown[0]
        )
    for field in ("brand", "company", "relation", "source_url"):
        if not isinstance(raw.get(field), str) or not raw[field].strip():
            raise SourceError(path, "missing; expected text", record=record, field=field)
    if raw["relation"] not in RELATIONS:
        raise SourceError(
            path,
            f"expected one of {', '.join(sorted(RELATIONS))}, got {raw['relation']!r}",
            record=record,
            field="relation",
        )
    if not str(raw["source_url"]).startswith(("https://", "http://")):
        raise SourceError(path, "expected an http(s) URL", record=record, field="source_url")
    if raw["relation"] == "former" and not raw.get("until"):
        raise SourceError(path, "a former brand needs the date it changed hands", record=record, field="until")
    aliases = raw.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise SourceError(path, "expected a list of names", record=record, field="aliases")
    owners = []
    for owner in raw.get("owners", []) or []:
        if not isinstance(owner, Mapping) or not isinstance(owner.get("company"), str):
            raise SourceError(path, "expected {company, share}", record=record, field="owners")
        share = owner.get("share")
        owners.append((owner["company"], float(share) if isinstance(share, int | float) else None))
    return Brand(
        brand=raw["brand"].strip(),
        company=raw["company"].strip(),
        relation=raw["relation"],
        source_url=raw["source_url"],
        country=raw.get("country"),
        unconfirmed=bool(raw.get("unconfirmed", False)),
        notes=" ".join(str(raw["notes"]).split()) if raw.get("notes") else None,
        until=str(raw["until"]) if raw.get("until") else None,
        owners=tuple(owners),
    )


_BRAND_KINDS = frozenset({AssetKind.DEVICE, AssetKind.VENDOR, AssetKind.COMPONENT, AssetKind.CABLE, AssetKind.APP})


def resolve_brand(asset: Asset, table: BrandTable) -> list[Attribution]:
    """Attributions from brand-like fields of an asset (brand, manufacturer, vendor, supplier …)."""
    if asset.kind not in _BRAND_KINDS:
        return []
    found: dict[str, Attribution] = {}
    candidates = [(field, asset.attribute(field) or asset.identifier(field)) for field in BRAND_FIELDS]
    if asset.kind in (AssetKind.DEVICE, AssetKind.VENDOR):
        candidates.append(("name", asset.name))
    for field, value in candidates:
        if not value:
            continue
        brand = table.lookup(value)
        if brand is None or brand.company in found:
            continue
        role = "manufacturer" if brand.relation in ("own", "subsidiary", "former") else "oem"
        details = tuple((k, v) for k, v in (("notes", brand.notes), ("relation", brand.relation)) if v)
        found[brand.company] = Attribution(
            party=brand.company,
            role=role,
            evidence=f"{field} {value!r}: {brand.evidence()}",
            country=brand.country,
            details=details,
        )
    return list(found.values())
