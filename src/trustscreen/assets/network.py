"""Who operates an IP address, prefix or AS number: carrier and cloud tables with longest-prefix match.

Tables are files the user points at (nothing from the shared snapshots is bundled, for licence and
staleness reasons): per-operator CIDR lists (gaoyifan/china-operator-ip, SM443 cloud lists), ASN name
lists (missuo/ASN-China, "IP-ASN,<asn> // <name>") and AWS ip-ranges.json. A CIDR list does not name
its operator, so its file name is looked up in trustscreen/data/network/operators.yaml (or a user's
file of the same shape); the organisations are data, never code.
"""

from __future__ import annotations

import bisect
import fnmatch
import json
import re
import socket
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from importlib import resources
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address
from itertools import compress
from pathlib import Path
from typing import Any, TypeAlias, cast

import numpy as np
import numpy.typing as npt
import yaml

from trustscreen.assets.model import Asset, AssetKind, Attribution
from trustscreen.errors import SourceError
from trustscreen.sources._common import decode, read_bytes

IPNetwork: TypeAlias = IPv4Network | IPv6Network
IPInput: TypeAlias = str | IPv4Address | IPv6Address

CIDR_LIST = "cidr-list"
ASN_LIST = "asn-list"
AWS_IP_RANGES = "aws-ip-ranges"

# Inside a directory the extension decides the format, so a corrupt table is an error instead of
# being skipped as "not a table"; anything else (gaoyifan's `stat`, its operators.yaml, READMEs)
# is not a table.
_DIRECTORY_FORMATS = {".txt": CIDR_LIST, ".list": ASN_LIST, ".json": AWS_IP_RANGES}
_ASN_LINE = re.compile(r"IP-ASN,(\d+)\s*//\s*(.*?)\s*")
_AWS_KEY = re.compile(r'"(ip_prefix|ipv6_prefix)"\s*:')
_ASN_TEXT = re.compile(r"(?:AS)?\s*(\d+)(?:\.(\d+))?", re.IGNORECASE)
_MAPPED = bytes(10) + b"\xff\xff"
_MAPPED_ROW = np.frombuffer(_MAPPED, dtype=np.uint8)
# Dotted-quad parsing: 0 digit, 1 ".", 2 "\n" (joins items), 3 anything else; an item is 1,1,1,2.
_CHAR_CLASS = np.full(256, 3, dtype=np.uint8)
_CHAR_CLASS[ord("0") : ord("9") + 1] = 0
_CHAR_CLASS[ord(".")] = 1
_CHAR_CLASS[ord("\n")] = 2
_QUAD_SHAPE = np.array([1, 1, 1, 2], dtype=np.uint8)
_MAX_ASN = 2**32 - 1


# ---------------------------------------------------------------------------------------------
# Records


@dataclass(frozen=True, slots=True)
class Operator:
    """Who stands behind a table (or an AWS region), and where that attribution comes from."""

    party: str
    role: str
    country: str | None
    source_url: str
    as_of: str
    # "operator": the party runs the addresses; "country": an aggregate naming only a country.
    scope: str = "operator"
    legal_name: str | None = None
    note: str | None = None

    def details(self) -> tuple[tuple[str, str], ...]:
        pairs = [
            ("legal_name", self.legal_name),
            ("mapping_note", self.note),
            ("mapping_source", self.source_url),
            ("mapping_as_of", self.as_of),
        ]
        return tuple((key, value) for key, value in pairs if value)


@dataclass(frozen=True, slots=True)
class AsnListInfo:
    patterns: tuple[str, ...]
    country: str | None
    source_url: str
    as_of: str


@dataclass(frozen=True, slots=True)
class OperatorMap:
    """operators.yaml: file-name patterns -> operator, AWS default and per-region operators."""

    origin: str
    prefix_lists: tuple[tuple[tuple[str, ...], Operator], ...]
    aws: Operator | None
    aws_regions: Mapping[str, Operator]
    asn_lists: tuple[AsnListInfo, ...]

    def before(self, other: OperatorMap) -> OperatorMap:
        """This map's entries first, then `other`'s: a user's file extends the bundled one (its
        aws_ip_ranges block, if any, replaces the bundled one whole, regions included)."""
        return OperatorMap(
            origin=f"{self.origin} + {other.origin}",
            prefix_lists=self.prefix_lists + other.prefix_lists,
            aws=self.aws or other.aws,
            aws_regions=self.aws_regions if self.aws else other.aws_regions,
            asn_lists=self.asn_lists + other.asn_lists,
        )

    def for_prefix_file(self, name: str) -> Operator | None:
        return next((op for patterns, op in self.prefix_lists if _matches(name, patterns)), None)

    def for_asn_file(self, name: str) -> AsnListInfo | None:
        return next((info for info in self.asn_lists if _matches(name, info.patterns)), None)


@dataclass(frozen=True, slots=True)
class PrefixEntry:
    """One line of one table: a prefix's operator and the evidence for it."""

    party: str
    role: str
    country: str | None
    scope: str
    # Short file name for evidence ("china_operator_ip/chinanet.txt"); `path` is the full one.
    source: str
    path: str
    line: int | None
    # What the line says, for the evidence ("China Telecom", "Amazon Web Services cn-north-1 EC2 …").
    label: str
    record: str | None = None
    details: tuple[tuple[str, str], ...] = ()

    def where(self) -> str:
        text = self.source if self.line is None else f"{self.source} line {self.line}"
        return text if self.record is None else f"{text}, {self.record}"


@dataclass(frozen=True, slots=True)
class PrefixHit:
    """The most specific table prefix holding an address, every entry for exactly that prefix, and
    the next less specific table prefix around it (walk `parent` for the whole chain)."""

    prefix: IPNetwork
    entries: tuple[PrefixEntry, ...]
    parent: PrefixHit | None = None


@dataclass(frozen=True, slots=True)
class AsnEntry:
    asn: int
    name: str
    country: str | None
    source: str
    path: str
    line: int


@dataclass(frozen=True, slots=True)
class NetworkTable:
    """One loaded file."""

    path: Path
    format: str
    prefixes: tuple[tuple[IPNetwork, PrefixEntry], ...] = ()
    asns: tuple[AsnEntry, ...] = ()


# ---------------------------------------------------------------------------------------------
# operators.yaml


def load_operators(path: Path | None = None) -> OperatorMap:
    """The bundled operators.yaml, or a user's file of the same shape."""
    if path is None:
        origin = "trustscreen/data/network/operators.yaml"
        text = resources.files("trustscreen.data.network").joinpath("operators.yaml").read_text("utf-8")
    else:
        origin = str(path)
        text = decode(path, read_bytes(path))
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise SourceError(origin, f"invalid YAML ({exc}); expected an operators table", line=line) from None
    if not isinstance(data, dict):
        raise SourceError(origin, "expected a mapping with prefix_lists, aws_ip_ranges and asn_lists")
    aws = _mapping(origin, data, "aws_ip_ranges")
    return OperatorMap(
        origin=origin,
        prefix_lists=tuple(
            (_patterns(origin, item, f"prefix_lists[{i}]"), _operator(origin, item, f"prefix_lists[{i}]"))
            for i, item in enumerate(_list(origin, data, "prefix_lists"))
        ),
        aws=_operator(origin, aws, "aws_ip_ranges") if aws else None,
        aws_regions={
            str(region): _operator(origin, value, f"aws_ip_ranges.regions.{region}")
            for region, value in _mapping(origin, aws or {}, "regions").items()
        },
        asn_lists=tuple(
            AsnListInfo(
                patterns=_patterns(origin, item, f"asn_lists[{i}]"),
                country=_text(origin, item, "country", f"asn_lists[{i}]", required=False),
                source_url=_text(origin, item, "source_url", f"asn_lists[{i}]") or "",
                as_of=_as_of(origin, item, f"asn_lists[{i}]"),
            )
            for i, item in enumerate(_list(origin, data, "asn_lists"))
        ),
    )


def _matches(name: str, patterns: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns)


def _list(origin: str, data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = data.get(key) or []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise SourceError(origin, "expected a list of mappings", field=key)
    return value


def _mapping(origin: str, data: dict[str, Any], key: str) -> dict[str, Any]:
    """An optional mapping: absent is empty."""
    value = data.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise SourceError(origin, "expected a mapping", field=key)
    return value


def _text(origin: str, item: dict[str, Any], key: str, record: str, *, required: bool = True) -> str | None:
    value = item.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise SourceError(origin, "expected a non-empty string", record=record, field=key)
    return value.strip()


def _as_of(origin: str, item: dict[str, Any], record: str) -> str:
    # YAML reads an unquoted 2026-02-16 as a date; either form is fine.
    value = item.get("as_of")
    if value is None or not str(value).strip():
        raise SourceError(origin, "expected the date the mapping was checked", record=record, field="as_of")
    return str(value).strip()


def _patterns(origin: str, item: dict[str, Any], record: str) -> tuple[str, ...]:
    files = item.get("files")
    if not isinstance(files, list) or not files or not all(isinstance(f, str) and f for f in files):
        raise SourceError(origin, "expected a non-empty list of file-name patterns", record=record, field="files")
    return tuple(files)


def _operator(origin: str, item: dict[str, Any], record: str) -> Operator:
    role = _text(origin, item, "role", record) or ""
    if role not in ("carrier", "cloud"):
        raise SourceError(origin, f"role {role!r}; expected carrier or cloud", record=record, field="role")
    scope = _text(origin, item, "scope", record, required=False) or "operator"
    if scope not in ("operator", "country"):
        raise SourceError(origin, f"scope {scope!r}; expected operator or country", record=record, field="scope")
    return Operator(
        party=_text(origin, item, "party", record) or "",
        role=role,
        country=_text(origin, item, "country", record, required=False),
        source_url=_text(origin, item, "source_url", record) or "",
        as_of=_as_of(origin, item, record),
        scope=scope,
        legal_name=_text(origin, item, "legal_name", record, required=False),
        note=_text(origin, item, "note", record, required=False),
    )


# ---------------------------------------------------------------------------------------------
# Loaders


def sniff(path: Path) -> str | None:
    """The table format of one file from its first bytes, or None when it is none of them."""
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError:
        return None
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    if text.lstrip().startswith("{"):
        return AWS_IP_RANGES if '"prefixes"' in text or '"syncToken"' in text else None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith(("IP-ASN,", "//")):
            return ASN_LIST
        return CIDR_LIST if "/" in line and re.fullmatch(r"[0-9A-Fa-f:.]+/\d+", line) else None
    return None


def load_tables(path: Path, operators: OperatorMap | None = None) -> list[NetworkTable]:
    """Every table in `path`: one file (format sniffed from its content) or a directory (walked
    recursively; the extension decides: .txt CIDR list, .list ASN list, .json AWS ip-ranges)."""
    operators = operators or load_operators()
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in _DIRECTORY_FORMATS)
        if not files:
            raise SourceError(
                str(path), "no network tables found; expected .txt CIDR lists, .list ASN lists or ip-ranges .json"
            )
        return [_load(file, _DIRECTORY_FORMATS[file.suffix], operators) for file in files]
    if not path.exists():
        raise SourceError(str(path), "file not found")
    kind = sniff(path) or _DIRECTORY_FORMATS.get(path.suffix)
    if kind is None:
        read_bytes(path)  # an empty file gets the "file is empty" message
        raise SourceError(
            str(path),
            "not a network table; expected one CIDR per line, 'IP-ASN,<asn> // <name>' lines or AWS ip-ranges.json",
            line=1,
        )
    return [_load(path, kind, operators)]


def _load(path: Path, kind: str, operators: OperatorMap) -> NetworkTable:
    if kind == CIDR_LIST:
        return load_cidr_list(path, operators)
    if kind == ASN_LIST:
        return load_asn_list(path, operators)
    return load_aws_ranges(path, operators)


def _short(path: Path) -> str:
    return f"{path.parent.name}/{path.name}" if path.parent.name else path.name


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    """(line number, stripped line) of a text table, skipping blanks and '#' comments."""
    text = decode(path, read_bytes(path))
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line and not line.startswith("#"):
            yield number, line


def load_cidr_list(path: Path, operators: OperatorMap | None = None) -> NetworkTable:
    """One CIDR per line ('#' comments allowed); the operator comes from the file name."""
    operators = operators or load_operators()
    operator = operators.for_prefix_file(path.name)
    if operator is None:
        raise SourceError(
            str(path),
            f"no operator known for a CIDR list named {path.name!r}; expected a file name listed in "
            f"{operators.origin} (prefix_lists[].files), or pass an operators file that names it",
        )
    source = _short(path)
    details = operator.details()
    seen: dict[IPNetwork, int] = {}
    items: list[tuple[IPNetwork, PrefixEntry]] = []
    for number, line in _lines(path):
        network = _parse_cidr(path, number, line)
        if network in seen:
            raise SourceError(
                str(path), f"duplicate prefix {line} (first on line {seen[network]}); expected each once", line=number
            )
        seen[network] = number
        entry = PrefixEntry(
            party=operator.party,
            role=operator.role,
            country=operator.country,
            scope=operator.scope,
            source=source,
            path=str(path),
            line=number,
            label=operator.party,
            details=details,
        )
        items.append((network, entry))
    if not items:
        raise SourceError(str(path), "no prefixes found; expected one CIDR per line such as 1.12.16.0/20")
    return NetworkTable(path=path, format=CIDR_LIST, prefixes=tuple(items))


def _parse_cidr(path: Path, number: int, text: str) -> IPNetwork:
    try:
        return parse_prefix(text)
    except ValueError as exc:
        raise SourceError(
            str(path), f"{exc}; expected one network per line such as 1.12.16.0/20 or 2001:c68::/32", line=number
        ) from None


def parse_prefix(text: str) -> IPNetwork:
    """Strict CIDR ('1.12.16.0/20'; host bits must be zero). ipaddress.ip_network parses the same
    but at ~5 µs a prefix it dominated loading the 36k-line tables; inet_pton plus the tuple
    constructor is about three times faster."""
    address, slash, length = text.partition("/")
    if not slash:
        raise ValueError(f"{text!r} has no prefix length")
    version = 6 if ":" in address else 4
    try:
        value = int.from_bytes(socket.inet_pton(socket.AF_INET6 if version == 6 else socket.AF_INET, address), "big")
    except (OSError, ValueError):
        raise ValueError(f"{text!r} is not a CIDR prefix ({address!r} is not an IPv{version} address)") from None
    width = 128 if version == 6 else 32
    if not (length.isascii() and length.isdigit() and int(length) <= width):
        raise ValueError(f"{text!r} is not a CIDR prefix (prefix length {length!r}; expected 0 to {width})")
    bits = int(length)
    if value & ((1 << (width - bits)) - 1):
        raise ValueError(f"{text!r} is not a CIDR prefix (host bits set)")
    return IPv6Network((value, bits)) if version == 6 else IPv4Network((value, bits))


def load_asn_list(path: Path, operators: OperatorMap | None = None) -> NetworkTable:
    """'IP-ASN,<asn> // <AS name>' lines (Surge rule format) with '//' comment lines."""
    operators = operators or load_operators()
    info = operators.for_asn_file(path.name)
    country = info.country if info else None
    source = _short(path)
    seen: dict[int, int] = {}
    entries: list[AsnEntry] = []
    for number, line in _lines(path):
        if line.startswith("//"):
            continue
        match = _ASN_LINE.fullmatch(line)
        if match is None or not match.group(2):
            raise SourceError(
                str(path),
                f"{line[:80]!r}; expected 'IP-ASN,<asn> // <AS name>' such as 'IP-ASN,4134 // …'",
                line=number,
            )
        asn = int(match.group(1))
        if not 0 < asn <= _MAX_ASN:
            raise SourceError(str(path), f"AS number {asn} out of range; expected 1 to {_MAX_ASN}", line=number)
        if asn in seen:
            raise SourceError(
                str(path), f"duplicate AS{asn} (first on line {seen[asn]}); expected each once", line=number
            )
        seen[asn] = number
        name = match.group(2) if match.group(2).isascii() else _repair_mojibake(match.group(2))
        entries.append(AsnEntry(asn, name, country, source, str(path), number))
    if not entries:
        raise SourceError(str(path), "no 'IP-ASN,<asn> // <name>' lines found; expected an ASN list")
    return NetworkTable(path=path, format=ASN_LIST, asns=tuple(entries))


def _repair_mojibake(name: str) -> str:
    """bgp.he.net scrapes carry UTF-8 read as Latin-1 ("China telecom â\\x80\\x93 …" for an en dash);
    undo it only when the round trip is clean, so genuine Latin-1 names stay as they are."""
    if not any("\x80" <= char <= "\xff" for char in name):
        return name
    try:
        return name.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return name


def load_aws_ranges(path: Path, operators: OperatorMap | None = None) -> NetworkTable:
    """AWS ip-ranges.json: `prefixes` (ip_prefix) and `ipv6_prefixes` (ipv6_prefix), each with region,
    service and network_border_group. The same prefix appears once per service; that is not an error."""
    operators = operators or load_operators()
    text = decode(path, read_bytes(path))
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(
            str(path), f"invalid JSON ({exc.msg}); expected AWS ip-ranges.json", line=exc.lineno
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("prefixes"), list):
        raise SourceError(str(path), "expected a JSON object with a 'prefixes' list (AWS ip-ranges.json)", line=1)
    if operators.aws is None:
        raise SourceError(
            str(path), f"no operator for AWS ip-ranges; expected aws_ip_ranges in {operators.origin}", line=1
        )
    reader = _AwsReader(path, operators.aws, operators)
    lines = _aws_lines(text)
    items: list[tuple[IPNetwork, PrefixEntry]] = []
    for key, field in (("prefixes", "ip_prefix"), ("ipv6_prefixes", "ipv6_prefix")):
        records = data.get(key, [])
        if not isinstance(records, list):
            raise SourceError(str(path), "expected a list", field=key)
        # Line numbers come from a scan of the raw text; if it disagrees with the parse (an odd
        # layout), evidence falls back to the record index alone rather than a wrong line.
        line_of: list[int | None] = lines[field] if len(lines[field]) == len(records) else [None] * len(records)
        for index, record in enumerate(records):
            items.append(reader.item(record, field, f"{key}[{index}]", line_of[index]))
    if not items:
        raise SourceError(str(path), "no prefixes found; expected AWS ip-ranges.json with prefixes")
    return NetworkTable(path=path, format=AWS_IP_RANGES, prefixes=tuple(items))


def _aws_lines(text: str) -> dict[str, list[int | None]]:
    """Line of each ip_prefix / ipv6_prefix key, in file order (json gives no positions)."""
    out: dict[str, list[int | None]] = {"ip_prefix": [], "ipv6_prefix": []}
    line, last = 1, 0
    for match in _AWS_KEY.finditer(text):
        line += text.count("\n", last, match.start())
        last = match.start()
        out[match.group(1)].append(line)
    return out


class _AwsReader:
    """One ip-ranges.json record -> (prefix, entry); caches what repeats across 17k records."""

    def __init__(self, path: Path, aws: Operator, operators: OperatorMap) -> None:
        self.path = path
        self.source = _short(path)
        self.aws = aws
        self.regions = operators.aws_regions
        self.networks: dict[str, IPNetwork] = {}
        self.details = {id(op): op.details() for op in (aws, *self.regions.values())}

    def item(self, record: object, field: str, where: str, line: int | None) -> tuple[IPNetwork, PrefixEntry]:
        if not isinstance(record, dict):
            raise SourceError(str(self.path), "expected an object", line=line, record=where)
        text, region, service = (self._text(record, name, where, line) for name in (field, "region", "service"))
        network = self.networks.get(text) or self._network(text, field, where, line)
        aws = self.aws
        operator = self.regions.get(region, aws)
        label = f"{aws.party} {region} {service}"
        details = [("region", region), ("service", service)]
        border = record.get("network_border_group")
        if isinstance(border, str) and border:
            details.append(("network_border_group", border))
        if operator is not aws:
            label += f", operated by {operator.party}"
            details.append(("cloud_brand", aws.party))
        entry = PrefixEntry(
            party=operator.party,
            role=operator.role,
            country=operator.country,
            scope=operator.scope,
            source=self.source,
            path=str(self.path),
            line=line,
            label=label,
            record=where,
            details=(*details, *self.details[id(operator)]),
        )
        return network, entry

    def _text(self, record: dict[str, Any], name: str, where: str, line: int | None) -> str:
        value = record.get(name)
        if not isinstance(value, str) or not value:
            raise SourceError(
                str(self.path), "missing or not a string; expected text", line=line, record=where, field=name
            )
        return value

    def _network(self, text: str, field: str, where: str, line: int | None) -> IPNetwork:
        try:
            network = parse_prefix(text)
        except ValueError as exc:
            raise SourceError(
                str(self.path), f"{exc}; expected a CIDR prefix", line=line, record=where, field=field
            ) from None
        self.networks[text] = network
        return network


# ---------------------------------------------------------------------------------------------
# Address parsing


def _bad_ip(ip: object, index: int | None = None) -> ValueError:
    where = f"item {index}: " if index is not None else ""
    return ValueError(
        f"{where}{ip!r} is not an IP address; expected IPv4 such as '203.0.113.7' or IPv6 such as '2001:db8::1'"
    )


def _pack(ip: IPInput, index: int | None = None) -> bytes:
    """4 bytes for IPv4 (and IPv4-mapped IPv6, which is the same host), else 16. inet_pton is strict
    (no leading zeros, no short forms such as '10.1') and a C call, unlike ipaddress."""
    if isinstance(ip, str):
        try:
            if ":" not in ip:
                return socket.inet_pton(socket.AF_INET, ip)
            packed = socket.inet_pton(socket.AF_INET6, ip)
        except (OSError, ValueError):
            packed = _pack_zoned(ip, index)
    elif isinstance(ip, IPv4Address | IPv6Address):
        packed = ip.packed
    else:
        raise _bad_ip(ip, index)
    return packed[12:] if len(packed) == 16 and packed[:12] == _MAPPED else packed


def _pack_zoned(ip: str, index: int | None) -> bytes:
    # "fe80::1%eth0": the zone only says which local link; it names no operator.
    address, _, zone = ip.partition("%")
    if zone and ":" in address:
        try:
            return socket.inet_pton(socket.AF_INET6, address)
        except (OSError, ValueError):
            pass
    raise _bad_ip(ip, index)


@dataclass(frozen=True, slots=True)
class _Batch:
    """A batch split by family: IPv4 as uint32, IPv6 as 16-byte big-endian strings, with the input
    position of each (None = every position, in order)."""

    count: int
    v4: npt.NDArray[np.uint32]
    v4_at: npt.NDArray[np.intp] | None
    v6: npt.NDArray[Any]
    v6_at: npt.NDArray[np.intp]


def _batch(items: Sequence[IPInput]) -> _Batch:
    """Vectorised parsing first (inet_pton alone costs ~0.45 µs an address, more than the whole
    search); anything it cannot take (objects, zone ids, a bad address) goes through the per-item
    path, which also names the offending item."""
    count = len(items)
    try:
        text = "\n".join(cast(Sequence[str], items))
    except TypeError:
        return _batch_slow(items)
    if ":" not in text:
        quads = _parse_quads(text, count)
        if quads is None:
            return _batch_slow(items)
        return _Batch(count, quads, None, np.empty(0, dtype="S16"), np.empty(0, dtype=np.intp))
    # Mixed families: an item holding a colon is IPv6, found from the joined text in one pass.
    chars = np.frombuffer(text.encode("utf-8", errors="replace"), dtype=np.uint8)
    ends = np.flatnonzero(chars == 10)
    if len(ends) != count - 1:  # an item with a newline of its own
        return _batch_slow(items)
    is_v6 = np.zeros(count, dtype=np.bool_)
    is_v6[np.searchsorted(ends, np.flatnonzero(chars == 58))] = True
    v4_items = list(compress(items, (~is_v6).tolist()))
    quads = _parse_quads("\n".join(cast(list[str], v4_items)), len(v4_items))
    try:
        packed = b"".join(map(partial(socket.inet_pton, socket.AF_INET6), compress(items, is_v6.tolist())))
    except (OSError, ValueError):
        return _batch_slow(items)
    if quads is None:
        return _batch_slow(items)
    return _split_mapped(count, quads, np.flatnonzero(~is_v6), _v6_rows(packed), np.flatnonzero(is_v6))


def _v6_rows(packed: bytes) -> npt.NDArray[np.uint8]:
    return np.frombuffer(packed, dtype=np.uint8).reshape(-1, 16)


def _split_mapped(
    count: int,
    v4: npt.NDArray[np.uint32],
    v4_at: npt.NDArray[np.intp],
    rows: npt.NDArray[np.uint8],
    v6_at: npt.NDArray[np.intp],
) -> _Batch:
    """IPv4-mapped IPv6 (::ffff:a.b.c.d) is the IPv4 host: move it to the IPv4 side."""
    mapped = (rows[:, :12] == _MAPPED_ROW).all(axis=1)
    if mapped.any():
        tails = np.ascontiguousarray(rows[mapped, 12:]).view(">u4").reshape(-1).astype(np.uint32)
        v4 = np.concatenate([v4, tails])
        v4_at = np.concatenate([v4_at, v6_at[mapped]])
        rows, v6_at = rows[~mapped], v6_at[~mapped]
    v6 = np.ascontiguousarray(rows).view("S16").reshape(-1)
    return _Batch(count, v4, v4_at, v6, v6_at)


def _batch_slow(items: Sequence[IPInput]) -> _Batch:
    v4: list[bytes] = []
    v4_at: list[int] = []
    v6: list[bytes] = []
    v6_at: list[int] = []
    for index, ip in enumerate(items):
        packed = _pack(ip, index)
        if len(packed) == 4:
            v4.append(packed)
            v4_at.append(index)
        else:
            v6.append(packed)
            v6_at.append(index)
    quads = np.frombuffer(b"".join(v4), dtype=">u4").astype(np.uint32)
    rows = _v6_rows(b"".join(v6))
    return _Batch(
        len(items), quads, np.asarray(v4_at, dtype=np.intp), rows.view("S16").reshape(-1), np.asarray(v6_at, np.intp)
    )


def _parse_quads(joined: str, count: int) -> npt.NDArray[np.uint32] | None:
    """`count` newline-joined dotted quads -> uint32, checked with inet_pton's rules (four decimal
    parts 0-255, no leading zeros) in a few array passes; None if any item breaks them."""
    if count == 0:
        return np.empty(0, dtype=np.uint32)
    try:
        chars = np.frombuffer((joined + "\n").encode("ascii"), dtype=np.uint8)
    except UnicodeEncodeError:
        return None
    classes = _CHAR_CLASS[chars]
    seps = np.flatnonzero(classes)
    if len(seps) != 4 * count or not (classes[seps].reshape(count, 4) == _QUAD_SHAPE).all():
        return None  # also catches any character other than digits, dots and the joining newlines
    starts = np.empty_like(seps)
    starts[0] = 0
    starts[1:] = seps[:-1] + 1
    lengths = seps - starts
    if lengths.min() < 1 or lengths.max() > 3 or ((lengths > 1) & (chars[starts] == 48)).any():
        return None
    # A field's last three characters; those before its start are masked out by its length.
    values = chars[seps - 1].astype(np.int32) - 48
    values += (lengths >= 2) * (chars[seps - 2].astype(np.int32) - 48) * 10
    values += (lengths >= 3) * (chars[seps - 3].astype(np.int32) - 48) * 100
    if values.max() > 255:
        return None
    octets = values.reshape(count, 4).astype(np.uint32)
    return ((octets[:, 0] << 24) | (octets[:, 1] << 16) | (octets[:, 2] << 8) | octets[:, 3]).astype(np.uint32)


# ---------------------------------------------------------------------------------------------
# Longest-prefix match
#
# Why not a trie library: pytricia (the usual choice) ships no wheels (a compiler is needed to
# install it) and answers one Python call per address, so a batch costs ~1 µs per IP in call
# overhead alone. CIDR blocks of one family never partially overlap (two blocks are disjoint or one
# holds the other), so the whole table flattens into disjoint address ranges, each owned by the most
# specific prefix covering it. A batch is then one numpy searchsorted over the range starts
# (uint32 for IPv4; 16-byte big-endian strings for IPv6, which numpy compares bytewise, i.e.
# numerically), and single lookups bisect a plain list. numpy is already a dependency.


class _Family:
    """Flattened ranges for one address family. Owner 0 = no prefix; owner k = hits[k]."""

    def __init__(self, version: int, groups: Sequence[tuple[IPNetwork, tuple[PrefixEntry, ...]]]) -> None:
        self.version = version
        self.max_address = 2 ** (32 if version == 4 else 128) - 1
        width = 32 if version == 4 else 128
        ordered = sorted(
            ((int(network.network_address), network.prefixlen, network, entries) for network, entries in groups),
            key=lambda item: (item[0], item[1]),
        )
        self.hits: list[PrefixHit | None] = [None]
        self.starts: list[int] = [0]
        self.owners: list[int] = [0]
        stack: list[tuple[int, int]] = []  # (last address, owner) of the prefixes holding the cursor
        for start, length, network, entries in ordered:
            while stack and stack[-1][0] < start:
                last, _ = stack.pop()
                self._emit(last + 1, stack[-1][1] if stack else 0)
            parent = self.hits[stack[-1][1]] if stack else None
            self.hits.append(PrefixHit(network, entries, parent))
            owner = len(self.hits) - 1
            self._emit(start, owner)
            stack.append((start + (1 << (width - length)) - 1, owner))
        while stack:
            last, _ = stack.pop()
            if last < self.max_address:
                self._emit(last + 1, stack[-1][1] if stack else 0)
        self.owner_array: npt.NDArray[np.int32] = np.asarray(self.owners, dtype=np.int32)
        self.hit_array: npt.NDArray[np.object_] = np.empty(len(self.hits), dtype=object)
        for index, hit in enumerate(self.hits):
            self.hit_array[index] = hit
        self.start_array: npt.NDArray[Any]
        if version == 4:
            self.start_array = np.asarray(self.starts, dtype=np.uint32)
        else:
            self.start_array = np.array([start.to_bytes(16, "big") for start in self.starts], dtype="S16")

    def _emit(self, start: int, owner: int) -> None:
        if self.starts[-1] == start:
            self.owners[-1] = owner
            if len(self.owners) > 1 and self.owners[-2] == owner:
                self.starts.pop()
                self.owners.pop()
        elif self.owners[-1] != owner:
            self.starts.append(start)
            self.owners.append(owner)

    def lookup(self, value: int) -> PrefixHit | None:
        return self.hits[self.owners[bisect.bisect_right(self.starts, value) - 1]]

    def lookup_array(self, queries: npt.NDArray[Any]) -> npt.NDArray[np.object_]:
        index = np.searchsorted(self.start_array, queries, side="right") - 1
        result: npt.NDArray[np.object_] = self.hit_array[self.owner_array[index]]
        return result


class PrefixTable:
    """IPv4 + IPv6 longest-prefix match over prefixes with `PrefixEntry` payloads. Several entries for
    the same prefix (AWS lists a prefix once per service; two tables may share a prefix) stay together
    in one hit."""

    def __init__(self, items: Iterable[tuple[IPNetwork, PrefixEntry]]) -> None:
        # Keyed by plain ints: hashing an IPv4Network costs several property lookups.
        grouped: dict[tuple[int, int, int], tuple[IPNetwork, list[PrefixEntry]]] = {}
        count = 0
        for network, entry in items:
            key = (network.version, int(network.network_address), network.prefixlen)
            if key in grouped:
                grouped[key][1].append(entry)
            else:
                grouped[key] = (network, [entry])
            count += 1
        self.entry_count = count
        groups = [(network, tuple(entries)) for network, entries in grouped.values()]
        self._v4 = _Family(4, [group for group in groups if group[0].version == 4])
        self._v6 = _Family(6, [group for group in groups if group[0].version == 6])
        self.prefix_count_v4 = len(self._v4.hits) - 1
        self.prefix_count_v6 = len(self._v6.hits) - 1

    def __len__(self) -> int:
        return self.prefix_count_v4 + self.prefix_count_v6

    def lookup(self, ip: IPInput) -> PrefixHit | None:
        """The most specific prefix holding `ip` (IPv4-mapped IPv6 is looked up as IPv4)."""
        packed = _pack(ip)
        family = self._v4 if len(packed) == 4 else self._v6
        return family.lookup(int.from_bytes(packed, "big"))

    def lookup_packed(self, packed: bytes) -> PrefixHit | None:
        """`lookup` for an address already in network byte order (4 or 16 bytes)."""
        family = self._v4 if len(packed) == 4 else self._v6
        return family.lookup(int.from_bytes(packed, "big"))

    def lookup_many(self, ips: Iterable[IPInput]) -> list[PrefixHit | None]:
        """`lookup` for a batch, in input order: one vectorised search per address family."""
        items = ips if isinstance(ips, list | tuple) else list(ips)
        batch = _batch(items)
        if batch.v4_at is None:
            return cast(list[PrefixHit | None], self._v4.lookup_array(batch.v4).tolist())
        out: npt.NDArray[np.object_] = np.empty(batch.count, dtype=object)
        if len(batch.v4):
            out[batch.v4_at] = self._v4.lookup_array(batch.v4)
        if len(batch.v6):
            out[batch.v6_at] = self._v6.lookup_array(batch.v6)
        return cast(list[PrefixHit | None], out.tolist())

    def lookup_ipv4_array(self, addresses: npt.ArrayLike) -> list[PrefixHit | None]:
        """`lookup_many` for IPv4 addresses already held as integers (flow logs, pcap exports): no
        text parsing, which is most of lookup_many's cost."""
        values = np.asarray(addresses)
        if values.size and (values.min() < 0 or values.max() > 0xFFFFFFFF or values.dtype.kind not in "iu"):
            raise ValueError("expected integer IPv4 addresses from 0 to 4294967295")
        return cast(list[PrefixHit | None], self._v4.lookup_array(values.astype(np.uint32)).tolist())

    def covering(self, network: IPNetwork | str) -> PrefixHit | None:
        """The most specific table prefix holding all of `network`."""
        net = network if isinstance(network, IPv4Network | IPv6Network) else _parse_network(network)
        if isinstance(net, IPv6Network) and net.prefixlen >= 96 and net.network_address.ipv4_mapped is not None:
            net = IPv4Network((net.network_address.ipv4_mapped, net.prefixlen - 96))
        family = self._v4 if net.version == 4 else self._v6
        hit = family.lookup(int(net.network_address))
        while hit is not None and hit.prefix.prefixlen > net.prefixlen:
            hit = hit.parent
        return hit


def _parse_network(text: str) -> IPNetwork:
    try:
        return parse_prefix(text.strip())
    except ValueError as exc:
        raise ValueError(f"{exc}; expected e.g. '1.80.0.0/13'") from None


# ---------------------------------------------------------------------------------------------
# ASN names


def parse_asn(value: str | int) -> int:
    """'AS4134', 'as4134', '4134', 4134 and asdot 'AS1.10' (= 65546) -> int."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and (match := _ASN_TEXT.fullmatch(value.strip())):
        high, low = int(match.group(1)), match.group(2)
        number = high if low is None else _asdot(value, high, int(low))
    else:
        raise ValueError(f"{value!r} is not an AS number; expected e.g. 'AS4134' or '4134'")
    if not 0 < number <= _MAX_ASN:
        raise ValueError(f"{value!r} is out of range; expected an AS number from 1 to {_MAX_ASN}")
    return number


def _asdot(value: str, high: int, low: int) -> int:
    if high > 65535 or low > 65535:
        raise ValueError(f"{value!r} is not an asdot AS number; expected two parts of at most 65535")
    return high * 65536 + low


class AsnTable:
    """AS number -> AS name. When two files name the same AS the first loaded wins."""

    def __init__(self, entries: Iterable[AsnEntry]) -> None:
        self._entries: dict[int, AsnEntry] = {}
        for entry in entries:
            self._entries.setdefault(entry.asn, entry)

    def __len__(self) -> int:
        return len(self._entries)

    def entry(self, asn: str | int) -> AsnEntry | None:
        return self._entries.get(parse_asn(asn))

    def lookup(self, asn: str | int) -> str | None:
        entry = self.entry(asn)
        return entry.name if entry else None


# ---------------------------------------------------------------------------------------------
# Resolver


class NetworkResolver:
    """The loaded tables and the attribution of IP / prefix / ASN identifiers to organisations.

    `paths`: files or directories of tables (see `load_tables`). `operators`: a user's operators
    file in the bundled file's shape, naming the user's own CIDR lists; its entries are tried first,
    then the bundled ones."""

    def __init__(self, paths: Iterable[Path | str], *, operators: Path | None = None) -> None:
        bundled = load_operators()
        operator_map = load_operators(operators).before(bundled) if operators else bundled
        seen: set[Path] = set()
        tables: list[NetworkTable] = []
        for path in paths:
            for table in load_tables(Path(path), operator_map):
                if table.path.resolve() not in seen:
                    seen.add(table.path.resolve())
                    tables.append(table)
        self.tables = tuple(tables)
        self.prefixes = PrefixTable(item for table in tables for item in table.prefixes)
        self.asns = AsnTable(entry for table in tables for entry in table.asns)

    @property
    def files(self) -> tuple[Path, ...]:
        """Absolute paths of every file read (for provenance hashing)."""
        return tuple(table.path.resolve() for table in self.tables)

    def resolve(self, asset: Asset) -> list[Attribution]:
        return resolve_asset(asset, self)

    def attribute_ip(self, ip: str) -> list[Attribution]:
        """Who routes `ip`. Non-global addresses (RFC 1918, CGNAT, loopback, link-local,
        documentation ranges) name nobody on the public internet, so they resolve to nothing."""
        packed = _pack(ip)
        hit = self.prefixes.lookup_packed(packed)
        if hit is None:
            return []
        address = ip_address(packed)
        return _attributions(hit, f"{ip} in", ("ip", str(address))) if address.is_global else []

    def attribute_prefix(self, prefix: str) -> list[Attribution]:
        network = _parse_network(prefix)
        hit = self.prefixes.covering(network)
        return _attributions(hit, f"{network} within", ("queried_prefix", str(network))) if hit else []

    def attribute_asn(self, asn: str | int, role: str = "carrier") -> list[Attribution]:
        entry = self.asns.entry(asn)
        if entry is None:
            return []
        where = f"{entry.source} line {entry.line}"
        country = f", {entry.country}" if entry.country else ""
        return [
            Attribution(
                party=entry.name,
                role=role,
                evidence=f"AS{entry.asn} ({where}: {entry.name}{country})",
                country=entry.country,
                details=(("asn", str(entry.asn)), ("source", entry.source), ("line", str(entry.line))),
            )
        ]


_RESOLVED_KINDS = frozenset({AssetKind.IP, AssetKind.NETWORK_PATH, AssetKind.CARRIER, AssetKind.CLOUD})


def resolve_asset(asset: Asset, resolver: NetworkResolver) -> list[Attribution]:
    """Attributions for the ip / prefix / asn identifiers of an IP, NETWORK_PATH, CARRIER or CLOUD
    asset (other kinds, and assets without such identifiers, get none). An IP asset without an `ip`
    identifier is looked up by its name. A malformed identifier is the inventory's error."""
    if asset.kind not in _RESOLVED_KINDS:
        return []
    identifiers = list(asset.identifiers)
    if asset.kind is AssetKind.IP and asset.identifier("ip") is None and asset.identifier("prefix") is None:
        identifiers.append(("ip", asset.name))
    asn_role = "cloud" if asset.kind is AssetKind.CLOUD else "carrier"
    out: list[Attribution] = []
    for scheme, value in identifiers:
        try:
            if scheme == "ip":
                out.extend(resolver.attribute_ip(value.strip()))
            elif scheme == "prefix":
                out.extend(resolver.attribute_prefix(value))
            elif scheme == "asn":
                out.extend(resolver.attribute_asn(value, asn_role))
        except ValueError as exc:
            raise SourceError(asset.origin, str(exc), field=f"identifiers.{scheme}") from None
    return out


def _attributions(hit: PrefixHit, lead: str, query: tuple[str, str]) -> list[Attribution]:
    """One attribution per party in the most specific prefix. A country-only aggregate adds nothing
    when a named operator holds the same prefix, so it is only reported alone."""
    named = [entry for entry in hit.entries if entry.scope != "country"]
    entries = named or list(hit.entries)
    by_party: dict[tuple[str, str, str | None], list[PrefixEntry]] = {}
    for entry in entries:
        by_party.setdefault((entry.party, entry.role, entry.country), []).append(entry)
    out: list[Attribution] = []
    for (party, role, country), group in by_party.items():
        lines = "; ".join(f"{entry.where()}: {entry.label}" for entry in group)
        suffix = f", {country}" if country else ""
        first = group[0]
        details = [query, ("prefix", str(hit.prefix))]
        details += [("source", first.source), ("line", str(first.line) if first.line is not None else "")]
        details += [("scope", first.scope), *_merged_details(group)]
        out.append(
            Attribution(
                party=party,
                role=role,
                evidence=f"{lead} {hit.prefix} ({lines}{suffix})",
                country=country,
                details=tuple((key, value) for key, value in details if value),
            )
        )
    return out


def _merged_details(group: list[PrefixEntry]) -> list[tuple[str, str]]:
    """Entry details with repeated keys joined (AWS: one prefix, several services)."""
    merged: dict[str, list[str]] = {}
    for entry in group:
        for key, value in entry.details:
            values = merged.setdefault(key, [])
            if value not in values:
                values.append(value)
    return [(key, ", ".join(values)) for key, values in merged.items()]
