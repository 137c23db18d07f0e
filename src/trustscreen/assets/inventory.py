"""Technology inventories: the vendors, apps, carriers, clouds, cables, devices and network paths an
organisation depends on, as a compliance team writes them down, read into `Asset` records.

Two formats carry the same fields (docs/assets.md has the full reference and examples):

YAML (``.yaml`` / ``.yml``)::

    organisation:                   # optional; "organization" is accepted too
      name: Example Bank plc
      country: GB
    assets:
      - kind: app
        name: WeChat
        android_package: com.tencent.mm
        developer: Tencent
      - kind: cloud
        name: Alibaba Cloud Beijing
        prefix: [47.92.0.0/14, 47.93.0.0/16]

CSV (``.csv``, UTF-8): a header row naming the columns, then one row per asset. ``kind`` and
``name`` are required columns; every other column is one of the fields below. A cell may list several
values of a repeatable field separated by ``;``. Rows whose first cell starts with ``#`` are comments.

Every asset has ``kind`` (an `AssetKind` value) and ``name``. Identifier fields (`IDENTIFIER_FIELDS`)
are checked and normalised (IP addresses, prefixes, ASNs as ``AS4134``, lower-case domains, package
ids); attribute fields (`ATTRIBUTE_FIELDS`, plus any ``x_…`` field of your own) are kept as written,
except that countries become ISO 3166 alpha-2 codes. A network path lists its ``hops`` (IP addresses
in order, ``*`` for a hop that did not answer) or names a ``traceroute`` file next to the inventory.

Reading is all or nothing: any problem (unknown kind or field, missing name, wrong type, bad encoding,
a field over 10,000 characters) raises `SourceError` naming the file, the line, the asset and the field.
"""

from __future__ import annotations

import difflib
import ipaddress
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import yaml

from trustscreen.assets.model import Asset, AssetKind
from trustscreen.errors import SourceError
from trustscreen.sources._common import country_code, csv_rows, decode, load_strict_yaml, read_bytes
from trustscreen.sources.curated import ANDROID_PACKAGE_RE

YAML_SUFFIXES = (".yaml", ".yml")
CSV_SUFFIXES = (".csv",)
# Longer than any name, identifier or note a person types; longer is a broken or hostile file.
MAX_FIELD_CHARS = 10_000
# An inventory of even a large organisation is a few MB.
MAX_FILE_BYTES = 50 * 1024 * 1024

# Machine identifiers, in the order they are kept on the asset. All may repeat (a YAML list, or
# `;`-separated in a CSV cell) except where `SINGLE_FIELDS` says otherwise.
IDENTIFIER_FIELDS = (
    "android_package",
    "ios_bundle",
    "ip",
    "prefix",
    "asn",
    "domain",
    "cable_id",
    "brand",
    "model",
    "purl",
    "cpe",
    "hops",
)
# Free attributes, kept verbatim for the report (countries normalised to ISO codes).
ATTRIBUTE_FIELDS = (
    "vendor",
    "developer",
    "publisher",
    "owner",
    "operator",
    "supplier",
    "manufacturer",
    "carrier",
    "cloud",
    "region",
    "service",
    "country",
    "landing_countries",
    "location",
    "version",
    "category",
    "criticality",
    "business_owner",
    "ref",
    "url",
    "traceroute",
    "description",
    "notes",
)
REQUIRED_FIELDS = ("kind", "name")
SINGLE_FIELDS = frozenset({"kind", "name", "cable_id", "brand", "model", "traceroute"}) | (
    frozenset(ATTRIBUTE_FIELDS) - {"landing_countries"}
)
ORGANISATION_FIELDS = ("name", "country", "sector", "as_of", "prepared_by", "contact", "notes")
TOP_LEVEL_KEYS = frozenset({"organisation", "organization", "assets"})
CUSTOM_PREFIX = "x_"
NO_REPLY_HOP = "*"

IOS_BUNDLE_RE = re.compile(r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
PURL_RE = re.compile(r"pkg:[A-Za-z][A-Za-z0-9.+-]*/\S+")
CPE_RE = re.compile(r"cpe:(?:2\.3:[aho*-]:\S+|/[aho]:\S*)")
CABLE_ID_RE = re.compile(r"[a-z0-9][a-z0-9-]*|\d+")
ASN_RE = re.compile(r"(?:as\s*)?(\d{1,10})", re.IGNORECASE)
HOST_RE = re.compile(r"(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]")
MAX_ASN = 4_294_967_295


@dataclass(frozen=True, slots=True)
class Inventory:
    assets: tuple[Asset, ...]
    # The optional `organisation:` block of a YAML inventory, as (field, value) pairs.
    organisation: tuple[tuple[str, str], ...] = ()
    file: str = ""


def parse(path: Path) -> list[Asset]:
    """The assets of a YAML or CSV inventory file."""
    return list(read_inventory(path).assets)


def read_inventory(path: Path) -> Inventory:
    suffix = path.suffix.lower()
    if suffix not in YAML_SUFFIXES + CSV_SUFFIXES:
        raise SourceError(str(path), f"has suffix {suffix or '(none)'!r}; expected an inventory .yaml, .yml or .csv")
    data = read_bytes(path)
    if len(data) > MAX_FILE_BYTES:
        raise SourceError(str(path), f"is {len(data)} bytes; expected an inventory of at most {MAX_FILE_BYTES}")
    text = decode(path, data)
    return _read_yaml(path, text) if suffix in YAML_SUFFIXES else _read_csv(path, text)


def field_key(raw: str) -> str:
    """Field names as people type them ("Android Package", "android-package") → android_package."""
    return re.sub(r"[\s\-]+", "_", raw.strip().lower())


# --- shared: one asset from its fields ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Ctx:
    """Where an asset sits in its file, for error messages."""

    path: Path
    record: str
    line_of: Callable[[str | None], int | None]

    def fail(self, problem: str, field: str | None = None) -> NoReturn:
        raise SourceError(str(self.path), problem, line=self.line_of(field), record=self.record, field=field)


def _check_field_name(ctx: _Ctx, key: str) -> None:
    known = (*REQUIRED_FIELDS, *IDENTIFIER_FIELDS, *ATTRIBUTE_FIELDS)
    if key in known or (key.startswith(CUSTOM_PREFIX) and len(key) > len(CUSTOM_PREFIX)):
        return
    close = difflib.get_close_matches(key, known, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    ctx.fail(f"unknown field{hint}; expected one of {', '.join(known)} or a custom x_… field", key)


def _build_asset(ctx: _Ctx, fields: Mapping[str, list[str]], origin: str) -> Asset:
    """`fields` maps each normalised field name to its non-empty values, in file order."""
    for key, values in fields.items():
        _check_field_name(ctx, key)
        if len(values) > 1 and key in SINGLE_FIELDS:
            ctx.fail(f"has {len(values)} values; expected one", key)
        for value in values:
            if len(value) > MAX_FIELD_CHARS:
                ctx.fail(f"is {len(value)} characters long; expected at most {MAX_FIELD_CHARS}", key)
    kind = _kind(ctx, fields)
    name = _single(fields, "name")
    if name is None:
        ctx.fail("is missing or empty; every asset needs a name", "name")
    if kind is AssetKind.NETWORK_PATH and not fields.get("hops") and not fields.get("traceroute"):
        ctx.fail("is missing; a network_path needs its hops (IP addresses in order) or a traceroute file", "hops")
    if fields.get("hops") and kind is not AssetKind.NETWORK_PATH:
        ctx.fail(f"is only for kind network_path, not {kind.value}", "hops")
    # Both keep the order the file gives, so a report reads like the inventory.
    identifiers: list[tuple[str, str]] = []
    attributes: list[tuple[str, str]] = []
    for key, values in fields.items():
        if key in IDENTIFIER_FIELDS:
            identifiers.extend(_identifiers(ctx, key, values))
        if key == "hops":
            attributes.append(("hops", " > ".join(values)))
        elif key not in IDENTIFIER_FIELDS and key not in REQUIRED_FIELDS:
            attributes.append((key, _attribute(ctx, key, values)))
    identifiers.extend(_implied_identifiers(ctx, kind, name, identifiers))
    return Asset(kind=kind, name=name, origin=origin, identifiers=tuple(identifiers), attributes=tuple(attributes))


def _single(fields: Mapping[str, list[str]], key: str) -> str | None:
    values = fields.get(key)
    return values[0] if values else None


def _kind(ctx: _Ctx, fields: Mapping[str, list[str]]) -> AssetKind:
    raw = _single(fields, "kind")
    if raw is None:
        ctx.fail(f"is missing; expected one of {', '.join(kind.value for kind in AssetKind)}", "kind")
    try:
        return AssetKind(field_key(raw))
    except ValueError:
        ctx.fail(f"is {raw!r}; expected one of {', '.join(kind.value for kind in AssetKind)}", "kind")


def _identifiers(ctx: _Ctx, key: str, values: Sequence[str]) -> list[tuple[str, str]]:
    if key == "hops":
        # A hop that did not answer keeps its place in the `hops` attribute but has no address.
        return [("ip", _ip(ctx, "hops", value)) for value in values if value != NO_REPLY_HOP]
    return [(key, _IDENTIFIER_CHECKS[key](ctx, key, value)) for value in values]


def _implied_identifiers(
    ctx: _Ctx, kind: AssetKind, name: str, given: Sequence[tuple[str, str]]
) -> list[tuple[str, str]]:
    """An `ip` or `domain` asset is its own identifier: `- {kind: domain, name: example.cn}`."""
    schemes = {scheme for scheme, _ in given}
    if kind is AssetKind.IP and "ip" not in schemes:
        return [("ip", _ip(ctx, "name", name))]
    if kind is AssetKind.DOMAIN and "domain" not in schemes:
        return [("domain", _domain(ctx, "name", name))]
    if kind is AssetKind.COMPONENT and "purl" not in schemes and name.startswith("pkg:"):
        return [("purl", _purl(ctx, "name", name))]
    return []


def _attribute(ctx: _Ctx, key: str, values: Sequence[str]) -> str:
    if key in ("country", "landing_countries"):
        codes = []
        for value in values:
            code = country_code(value)
            if code is None:
                ctx.fail(f"is {value!r}; expected a country name or ISO 3166 code like CN or GB", key)
            codes.append(code)
        return ", ".join(dict.fromkeys(codes))
    if key == "traceroute":
        return _traceroute(ctx, values[0])
    return "; ".join(values)


def _traceroute(ctx: _Ctx, value: str) -> str:
    target = Path(value).expanduser()
    target = target if target.is_absolute() else ctx.path.parent / target
    if not target.is_file():
        ctx.fail(f"names {value!r}, which is not a file; expected a traceroute output file", "traceroute")
    return str(target.resolve())


def _ip(ctx: _Ctx, key: str, value: str) -> str:
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        ctx.fail(f"is {value!r}; expected an IPv4 or IPv6 address like 203.0.113.7", key)


def _prefix(ctx: _Ctx, key: str, value: str) -> str:
    try:
        return str(ipaddress.ip_network(value, strict=True))
    except ValueError as exc:
        problem = "has host bits set" if "host bits" in str(exc) else "is not a prefix"
        ctx.fail(f"is {value!r} and {problem}; expected a network in CIDR form like 47.92.0.0/14", key)


def _asn(ctx: _Ctx, key: str, value: str) -> str:
    match = ASN_RE.fullmatch(value.strip())
    number = int(match.group(1)) if match else 0
    if not 0 < number <= MAX_ASN:
        ctx.fail(f"is {value!r}; expected an AS number like AS4134 or 4134", key)
    return f"AS{number}"


def _domain(ctx: _Ctx, key: str, value: str) -> str:
    if "://" in value or "/" in value or "@" in value:
        ctx.fail(f"is {value!r}; expected a bare domain like example.cn, not a URL or e-mail address", key)
    host = value.strip().rstrip(".").lower()
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        ctx.fail(f"is {value!r}; expected a valid domain name", key)
    if not HOST_RE.fullmatch(host):
        ctx.fail(f"is {value!r}; expected a domain name like example.cn", key)
    return host


def _pattern(pattern: re.Pattern[str], example: str) -> Callable[[_Ctx, str, str], str]:
    def check(ctx: _Ctx, key: str, value: str) -> str:
        if not pattern.fullmatch(value):
            ctx.fail(f"is {value!r}; expected {example}", key)
        return value

    return check


def _text(ctx: _Ctx, key: str, value: str) -> str:
    return value


def _purl(ctx: _Ctx, key: str, value: str) -> str:
    return _pattern(PURL_RE, "a package URL like pkg:npm/left-pad@1.3.0")(ctx, key, value)


_IDENTIFIER_CHECKS: dict[str, Callable[[_Ctx, str, str], str]] = {
    "android_package": _pattern(ANDROID_PACKAGE_RE, "an Android package id like com.tencent.mm"),
    "ios_bundle": _pattern(IOS_BUNDLE_RE, "an iOS bundle id like com.tencent.xin"),
    "ip": _ip,
    "prefix": _prefix,
    "asn": _asn,
    "domain": _domain,
    "cable_id": _pattern(CABLE_ID_RE, "a TeleGeography cable id like seamewe-5 or 1559"),
    "brand": _text,
    "model": _text,
    "purl": _purl,
    "cpe": _pattern(CPE_RE, "a CPE like cpe:2.3:h:hikvision:ds-2cd2143g0-i:-:*:*:*:*:*:*:*"),
}


# --- YAML -----------------------------------------------------------------------------------


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps dates as text: `as_of: 2025-01-31` stays the string the user wrote."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _read_yaml(path: Path, text: str) -> Inventory:
    node, data = _load_yaml(path, text)
    keys = _key_lines(node)
    if not isinstance(data, dict):
        raise SourceError(str(path), f"top level is a {type(data).__name__}; expected a mapping with assets:", line=1)
    for key in data:
        if key not in TOP_LEVEL_KEYS:
            raise SourceError(
                str(path),
                f"unknown top-level key; expected {', '.join(sorted(TOP_LEVEL_KEYS))}",
                line=keys.get(field_key(str(key))),
                field=str(key),
            )
    if "organisation" in data and "organization" in data:
        raise SourceError(str(path), "both spellings given; expected one organisation block", field="organization")
    organisation = _organisation(path, data.get("organisation", data.get("organization")), keys)
    raw_assets = data.get("assets")
    if not isinstance(raw_assets, list) or not raw_assets:
        raise SourceError(
            str(path), "is missing or empty; expected a list of assets", line=keys.get("assets"), field="assets"
        )
    item_nodes = _asset_nodes(node)
    assets = tuple(
        _yaml_asset(path, index, raw, item_nodes[index] if index < len(item_nodes) else None)
        for index, raw in enumerate(raw_assets)
    )
    return Inventory(assets=assets, organisation=organisation, file=str(path))


def _load_yaml(path: Path, text: str) -> tuple[yaml.Node, Any]:
    return load_strict_yaml(path, text, _Loader, "a mapping with assets:", field_key)


def _key_lines(node: yaml.Node | None) -> dict[str, int]:
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {field_key(str(key.value)): key.start_mark.line + 1 for key, _ in node.value}


def _asset_nodes(root: yaml.Node) -> list[yaml.Node]:
    for key_node, value_node in root.value:
        if key_node.value == "assets" and isinstance(value_node, yaml.SequenceNode):
            return list(value_node.value)
    return []


def _organisation(path: Path, raw: Any, keys: Mapping[str, int]) -> tuple[tuple[str, str], ...]:
    if raw is None:
        return ()
    field = "organisation" if "organisation" in keys else "organization"
    if not isinstance(raw, dict):
        raise SourceError(
            str(path), f"is a {type(raw).__name__}; expected a mapping", line=keys.get(field), field=field
        )
    out = []
    for key, value in raw.items():
        name = field_key(str(key))
        where = f"{field}.{name}"
        if name not in ORGANISATION_FIELDS:
            raise SourceError(
                str(path),
                f"unknown field; expected {', '.join(ORGANISATION_FIELDS)}",
                line=keys.get(field),
                field=where,
            )
        text = _scalar_text(value)
        if text is None or len(text) > MAX_FIELD_CHARS:
            raise SourceError(
                str(path),
                f"is {_describe(value)}; expected text of at most {MAX_FIELD_CHARS} characters",
                line=keys.get(field),
                field=where,
            )
        if name == "country" and country_code(text) is None:
            raise SourceError(str(path), f"is {text!r}; expected a country", line=keys.get(field), field=where)
        out.append((name, country_code(text) or text if name == "country" else text))
    return tuple(out)


def asset_from_mapping(raw: Any, index: int, source: str = "request") -> Asset:
    """One asset from a mapping in the inventory's field vocabulary (an API request's `assets[i]`).

    Errors name `source`, the record `assets[i]` and the field. A `traceroute` field names a file
    on the reader's machine, so it is refused here: a request must give its `hops` instead."""
    if isinstance(raw, dict) and any(field_key(str(key)) == "traceroute" for key in raw):
        raise SourceError(
            source, "names a file; give the path's hops instead", record=f"assets[{index}]", field="traceroute"
        )
    return _yaml_asset(Path(source), index, raw, None)


def _yaml_asset(path: Path, index: int, raw: Any, node: yaml.Node | None) -> Asset:
    record = f"assets[{index}]"
    start = node.start_mark.line + 1 if node is not None else None
    key_lines = _key_lines(node)
    ctx = _Ctx(path, record, lambda field: key_lines.get(field, start) if field else start)
    if not isinstance(raw, dict):
        ctx.fail(f"is {_describe(raw)}; expected a mapping with kind: and name:")
    fields: dict[str, list[str]] = {}
    for key, value in raw.items():
        name = field_key(str(key))
        values = _yaml_values(ctx, name, value)
        if values:
            fields[name] = values
    return _build_asset(ctx, fields, f"{path.name}: {record}")


def _yaml_values(ctx: _Ctx, key: str, value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    if isinstance(value, list) and key in SINGLE_FIELDS:
        ctx.fail("is a list; expected a single value", key)
    out = []
    for item in items:
        if item is None and not isinstance(value, list):
            continue
        text = _scalar_text(item)
        if text is None:
            expected = "text" if key in SINGLE_FIELDS else "text or a list of text"
            ctx.fail(f"is {_describe(item)}; expected {expected}", key)
        if text:
            out.append(text)
    return out


def _scalar_text(value: Any) -> str | None:
    """Text of a YAML scalar; None for types a person did not mean (lists, maps, yes/no, 1.10 → 1.1)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, int):
        return str(value)
    return None


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"{str(value).lower()} (a yes/no value)"
    if isinstance(value, float):
        return f"the number {value!r} (quote it to keep it exactly as written)"
    if value is None:
        return "empty"
    return f"a {type(value).__name__}" if isinstance(value, dict | list) else repr(value)


# --- CSV ------------------------------------------------------------------------------------


def _read_csv(path: Path, text: str) -> Inventory:
    header: list[str] | None = None
    assets: list[Asset] = []
    for line, row in csv_rows(path, text):
        if not any(cell.strip() for cell in row) or row[0].lstrip().startswith("#"):
            continue
        if header is None:
            header = _csv_header(path, line, row)
            continue
        assets.append(_csv_asset(path, line, header, row))
    if header is None:
        raise SourceError(str(path), "has no header row; expected columns kind,name,…")
    if not assets:
        raise SourceError(str(path), "has a header but no assets; expected one row per asset")
    return Inventory(assets=tuple(assets), file=str(path))


def _csv_header(path: Path, line: int, row: list[str]) -> list[str]:
    header = [field_key(cell) for cell in row]
    if len(header) == 1 and ";" in row[0]:
        raise SourceError(str(path), "header is separated by ';'; expected comma-separated columns", line=line)
    ctx = _Ctx(path, "header", lambda field: line)
    for required in REQUIRED_FIELDS:
        if required not in header:
            ctx.fail(f"has no {required!r} column; expected at least columns kind,name", required)
    seen: set[str] = set()
    for key in header:
        if not key:
            ctx.fail("has an empty column name; expected a field name in every header cell")
        if key in seen:
            ctx.fail("names this column twice; expected each column once", key)
        seen.add(key)
        _check_field_name(ctx, key)
    return header


def _csv_asset(path: Path, line: int, header: list[str], row: list[str]) -> Asset:
    ctx = _Ctx(path, f"line {line}", lambda field: line)
    if len(row) != len(header):
        ctx.fail(f"has {len(row)} fields; expected {len(header)} like the header ({', '.join(header)})")
    fields: dict[str, list[str]] = {}
    for key, cell in zip(header, row, strict=True):
        if len(cell) > MAX_FIELD_CHARS:
            ctx.fail(f"is {len(cell)} characters long; expected at most {MAX_FIELD_CHARS}", key)
        parts = [cell] if key in SINGLE_FIELDS else cell.split(";")
        values = [" ".join(part.split()) for part in parts]
        if any(values):
            fields[key] = [value for value in values if value]
    return _build_asset(ctx, fields, f"{path.name} line {line}")
