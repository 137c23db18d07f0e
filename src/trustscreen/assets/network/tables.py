"""Loaders for network table files: CIDR lists, ASN lists, AWS ip-ranges.json."""

from __future__ import annotations

import json
import re
import socket
from collections.abc import Iterator
from ipaddress import IPv4Network, IPv6Network
from pathlib import Path
from typing import Any

from trustscreen.assets.network.operators import load_operators
from trustscreen.assets.network.records import (
    MAX_ASN,
    AsnEntry,
    IPNetwork,
    NetworkTable,
    Operator,
    OperatorMap,
    PrefixEntry,
)
from trustscreen.errors import SourceError
from trustscreen.sources._common import decode, read_bytes

CIDR_LIST = "cidr-list"
ASN_LIST = "asn-list"
AWS_IP_RANGES = "aws-ip-ranges"

# Inside a directory the extension decides the format, so a corrupt table is an error instead of
# being skipped as "not a table"; anything else (gaoyifan's `stat`, its operators.yaml, READMEs)
# is not a table.
_DIRECTORY_FORMATS = {".txt": CIDR_LIST, ".list": ASN_LIST, ".json": AWS_IP_RANGES}
_ASN_LINE = re.compile(r"IP-ASN,(\d+)\s*//\s*(.*?)\s*")
_AWS_KEY = re.compile(r'"(ip_prefix|ipv6_prefix)"\s*:')


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
        if not 0 < asn <= MAX_ASN:
            raise SourceError(str(path), f"AS number {asn} out of range; expected 1 to {MAX_ASN}", line=number)
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
