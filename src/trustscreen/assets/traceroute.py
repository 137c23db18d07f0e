"""Traceroute output -> hops -> NETWORK_PATH assets, so each router on a path can be attributed.

Reads Linux/BSD/macOS `traceroute` (with or without -n, several responders per hop, `-A` AS
annotations), `mtr --report` / `--report-wide` (with or without -b / -z) and Windows `tracert`. A
file may hold several traces one after another; each header starts a new one. Anything else is
refused with the line that does not fit, never skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from ipaddress import ip_address
from pathlib import Path

from trustscreen.assets.model import Asset, AssetKind
from trustscreen.errors import SourceError
from trustscreen.sources._common import decode, read_bytes

LINUX = "traceroute"
MTR = "mtr-report"
TRACERT = "tracert"

_LINUX_HEADER = re.compile(r"traceroute6? to (\S+)(?: \(([^)]+)\))?,?.*", re.IGNORECASE)
_LINUX_WARNING = re.compile(r"traceroute6?: .*", re.IGNORECASE)
_LINUX_HOP = re.compile(r"\s*(\d+)\s+(\S.*)")
_RTT = re.compile(r"\d+(?:\.\d+)?")
_FLAG = re.compile(r"!\S*")
_AS_TAG = re.compile(r"\[(AS\d+(?:/AS\d+)*|\*)\]", re.IGNORECASE)

_MTR_START = re.compile(r"Start:\s.*")
_MTR_HEADER = re.compile(r"HOST:\s+(\S+)\s+(.*)")
_MTR_HOP = re.compile(
    r"\s*(\d+)\.(?:\|--|\s)\s*(?:(AS(?:\d+|\?+))\s+)?(\S+)(?:\s+\(([^)]+)\))?((?:\s+\d+(?:\.\d+)?%?)+)\s*"
)
_MTR_EXTRA = re.compile(r"\s*\|\s+`\|--\s+(\S+)(?:\s+\(([^)]+)\))?\s*")
_MTR_RTT_COLUMNS = ("Last", "Avg", "Best", "Wrst")

_TRACERT_HEADER = re.compile(r"Tracing route to (\S+)(?: \[([^\]]+)\])?\s*", re.IGNORECASE)
_TRACERT_PROBE = r"(<?\d+ ms|\*)"
_TRACERT_HOP = re.compile(rf"\s*(\d+)\s+{_TRACERT_PROBE}\s+{_TRACERT_PROBE}\s+{_TRACERT_PROBE}\s+(\S.*?)\s*")
# A router answering with an ICMP error instead of probe times: "  4  10.0.0.1  reports: Destination host unreachable."
_TRACERT_REPORT = re.compile(r"\s*(\d+)\s+(\S+)\s+reports:\s*(.*?)\s*", re.IGNORECASE)
_TRACERT_HOST = re.compile(r"(\S+) \[([^\]]+)\]")
_TRACERT_NOISE = re.compile(r"(over a maximum of \d+ hops:?|Trace complete\.)\s*", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Hop:
    """One responder at one hop. A hop answered by several routers (load balancing) gives several
    Hops with the same number; a hop where every probe timed out gives one Hop with ip None."""

    number: int
    ip: str | None
    hostname: str | None
    # Round-trip times in ms as printed: each probe for traceroute / tracert ("<1 ms" -> 1.0, an
    # upper bound); for mtr the Last/Avg/Best/Wrst columns present, in header order.
    rtts: tuple[float, ...]
    line: int
    format: str
    # Target of the trace the hop belongs to, as its header names it.
    destination: str | None = None
    asn: str | None = None
    # Probes that timed out ("*") on this line.
    lost: int = 0
    # traceroute annotations such as "!H" (host unreachable), "!N", "!X".
    flags: tuple[str, ...] = ()
    # mtr: every numeric column by its header name ("Loss%", "Snt", "Avg", …).
    stats: tuple[tuple[str, float], ...] = ()


def parse_traceroute(path: Path) -> list[Hop]:
    """Hops of every trace in `path`."""
    return parse_traceroute_text(_read(path), str(path))


def parse_traceroute_text(text: str, source: str = "<text>") -> list[Hop]:
    lines = text.splitlines()
    first = next(((n, line) for n, line in enumerate(lines, start=1) if line.strip()), None)
    if first is None:
        raise SourceError(source, "no traceroute output; expected traceroute, mtr --report or tracert output")
    kind = detect_format(first[1])
    if kind is None:
        raise SourceError(
            source,
            f"not traceroute output: {first[1].strip()[:80]!r}; expected a 'traceroute to …' header, an mtr "
            "--report table ('Start:' / 'HOST:') or tracert's 'Tracing route to …'",
            line=first[0],
        )
    parser = {LINUX: _parse_linux, MTR: _parse_mtr, TRACERT: _parse_tracert}[kind]
    hops = list(parser(lines, source))
    if not hops:
        raise SourceError(source, f"{kind} output without any hop lines; expected at least one hop")
    return hops


def detect_format(line: str) -> str | None:
    """Format of a trace from its first non-blank line (a header, or a first hop if the header
    was cut off)."""
    stripped = line.strip()
    if _LINUX_HEADER.fullmatch(stripped):
        return LINUX
    if _MTR_START.fullmatch(stripped) or _MTR_HEADER.fullmatch(stripped) or _MTR_HOP.fullmatch(line):
        return MTR
    if _TRACERT_HEADER.fullmatch(stripped) or _TRACERT_HOP.fullmatch(line):
        return TRACERT
    if _LINUX_HOP.fullmatch(line):
        return LINUX
    return None


def hops_to_assets(hops: list[Hop], source: str, kind: AssetKind = AssetKind.NETWORK_PATH) -> list[Asset]:
    """One asset per responding router: identifiers ("ip", …), ("hop", "3") and, when the output
    named them, ("asn", …); a router known only by hostname (mtr without -n/-b) gets ("domain", …).
    Timed-out hops identify nothing and give no asset."""
    assets: list[Asset] = []
    for hop in hops:
        if hop.ip is None and hop.hostname is None:
            continue
        identifiers = [("ip", hop.ip)] if hop.ip else [("domain", hop.hostname or "")]
        identifiers.append(("hop", str(hop.number)))
        if hop.asn:
            identifiers.append(("asn", hop.asn))
        attributes = [
            ("hostname", hop.hostname),
            ("destination", hop.destination),
            ("rtt_ms", " ".join(f"{rtt:g}" for rtt in hop.rtts)),
            ("flags", " ".join(hop.flags)),
            ("format", hop.format),
        ]
        assets.append(
            Asset(
                kind=kind,
                name=hop.ip or hop.hostname or "",
                origin=f"{source} line {hop.line}",
                identifiers=tuple(identifiers),
                attributes=tuple((key, value) for key, value in attributes if value),
            )
        )
    return assets


def read_traceroute_assets(path: Path) -> list[Asset]:
    return hops_to_assets(parse_traceroute(path), str(path))


def _read(path: Path) -> str:
    data = read_bytes(path)
    # PowerShell's `tracert … > file` writes UTF-16 with a byte-order mark.
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return decode(path, data, "utf-16")
    return decode(path, data)


# ---------------------------------------------------------------------------------------------
# Shared checks


class _Trace:
    """Hop-number order within one trace; a header starts the next trace."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.destination: str | None = None
        self.last = 0

    def start(self, destination: str | None) -> None:
        self.destination = destination
        self.last = 0

    def number(self, text: str, line: int) -> int:
        number = int(text)
        if number <= self.last:
            raise SourceError(
                self.source,
                f"hop {number} after hop {self.last}; expected increasing hop numbers (a new trace needs its header)",
                line=line,
            )
        self.last = number
        return number


def _ip(source: str, text: str, line: int) -> str:
    """Canonical form of an address printed by the tool ("fe80::1%eth0" keeps no zone)."""
    try:
        return str(ip_address(text.split("%", 1)[0]))
    except ValueError:
        raise SourceError(source, f"{text!r} is not an IP address; expected the hop's address", line=line) from None


def _is_ip(text: str) -> bool:
    try:
        ip_address(text.split("%", 1)[0])
    except ValueError:
        return False
    return True


# ---------------------------------------------------------------------------------------------
# Linux / BSD traceroute


def _parse_linux(lines: list[str], source: str) -> Iterator[Hop]:
    trace = _Trace(source)
    number = 0
    for line_no, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or _LINUX_WARNING.fullmatch(line):
            continue
        if header := _LINUX_HEADER.fullmatch(line):
            trace.start(header.group(2) or header.group(1))
            continue
        hop = _LINUX_HOP.fullmatch(raw)
        if hop is not None:
            number = trace.number(hop.group(1), line_no)
            yield from _linux_responders(source, trace, number, hop.group(2).split(), line_no)
        elif raw[:1].isspace() and number:
            # macOS / BSD print further responders of the same hop on indented lines of their own.
            yield from _linux_responders(source, trace, number, line.split(), line_no)
        else:
            raise SourceError(
                source, f"{line[:80]!r}; expected a hop line such as ' 3  host (203.0.113.5)  1.2 ms'", line=line_no
            )


@dataclass(slots=True)
class _Responder:
    ip: str
    hostname: str | None
    rtts: list[float] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    asn: str | None = None


def _linux_responders(source: str, trace: _Trace, number: int, tokens: list[str], line: int) -> Iterator[Hop]:
    """Split one hop line into responders: a host token, optionally "(ip)" and "[ASn]", then RTTs."""
    found: list[_Responder] = []
    lost = 0
    index = 0
    while index < len(tokens):
        token = tokens[index]
        current = found[-1] if found else None
        if token == "*":
            lost += 1
        elif _RTT.fullmatch(token) and index + 1 < len(tokens) and tokens[index + 1] == "ms":
            if current is None:
                raise SourceError(
                    source, f"round-trip time {token} ms before any host; expected a host first", line=line
                )
            current.rtts.append(float(token))
            index += 1
        elif current is not None and _FLAG.fullmatch(token):
            current.flags.append(token)
        elif current is not None and (tag := _AS_TAG.fullmatch(token)):
            current.asn = None if tag.group(1) == "*" else tag.group(1).split("/")[0][2:]
        elif not (token.startswith("<") and token.endswith(">")):  # <MPLS:…> extensions name nobody
            responder, used = _linux_host(source, tokens, index, line)
            found.append(responder)
            index += used - 1
        index += 1
    if not found:
        yield Hop(number, None, None, (), line, LINUX, trace.destination, lost=lost)
    for position, item in enumerate(found):
        yield Hop(
            number=number,
            ip=item.ip,
            hostname=item.hostname,
            rtts=tuple(item.rtts),
            line=line,
            format=LINUX,
            destination=trace.destination,
            asn=item.asn,
            lost=lost if position == 0 else 0,
            flags=tuple(item.flags),
        )


def _linux_host(source: str, tokens: list[str], index: int, line: int) -> tuple[_Responder, int]:
    """The responder starting at tokens[index] and how many tokens it takes."""
    token = tokens[index]
    following = tokens[index + 1] if index + 1 < len(tokens) else ""
    if following.startswith("(") and following.endswith(")"):
        address = following[1:-1]
        return _Responder(_ip(source, address, line), None if token == address else token), 2
    if _is_ip(token):
        return _Responder(_ip(source, token, line), None), 1
    raise SourceError(
        source, f"{token!r} is neither an IP address nor 'host (ip)'; expected traceroute's hop format", line=line
    )


# ---------------------------------------------------------------------------------------------
# mtr --report


def _parse_mtr(lines: list[str], source: str) -> Iterator[Hop]:
    trace = _Trace(source)
    columns: list[str] = []
    number = 0
    for line_no, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or _MTR_START.fullmatch(line):
            continue
        if header := _MTR_HEADER.fullmatch(line):
            columns = header.group(2).split()
            trace.start(None)
            continue
        if (hop := _MTR_HOP.fullmatch(raw)) is not None:
            if not columns:
                raise SourceError(source, "mtr hop before the 'HOST:' column header; expected the header", line=line_no)
            number = trace.number(hop.group(1), line_no)
            yield _mtr_hop(source, trace, number, hop, columns, line_no)
        elif (extra := _MTR_EXTRA.fullmatch(raw)) is not None and number:
            ip, hostname = _mtr_host(source, extra.group(1), extra.group(2), line_no)
            yield Hop(number, ip, hostname, (), line_no, MTR, trace.destination)
        else:
            raise SourceError(
                source,
                f"{line[:80]!r}; expected an mtr report line such as '  3.|-- 203.0.113.5  0.0%  10  1.2 …'",
                line=line_no,
            )


def _mtr_hop(source: str, trace: _Trace, number: int, hop: re.Match[str], columns: list[str], line: int) -> Hop:
    values = hop.group(5).split()
    if len(values) != len(columns):
        raise SourceError(
            source,
            f"{len(values)} numbers for {len(columns)} columns ({' '.join(columns)}); expected one each",
            line=line,
        )
    stats = tuple((name, float(value.rstrip("%"))) for name, value in zip(columns, values, strict=True))
    host, in_parens = hop.group(3), hop.group(4)
    ip, hostname = (None, None) if host == "???" else _mtr_host(source, host, in_parens, line)
    asn = hop.group(2)
    return Hop(
        number=number,
        ip=ip,
        hostname=hostname,
        rtts=tuple(value for name, value in stats if name in _MTR_RTT_COLUMNS) if ip or hostname else (),
        line=line,
        format=MTR,
        destination=trace.destination,
        asn=asn[2:] if asn and asn[2:].isdigit() else None,
        stats=stats,
    )


def _mtr_host(source: str, host: str, in_parens: str | None, line: int) -> tuple[str | None, str | None]:
    if in_parens is not None:
        return _ip(source, in_parens, line), host
    if _is_ip(host):
        return _ip(source, host, line), None
    return None, host  # mtr without -n / -b prints only the name


# ---------------------------------------------------------------------------------------------
# Windows tracert


def _parse_tracert(lines: list[str], source: str) -> Iterator[Hop]:
    trace = _Trace(source)
    for line_no, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or _TRACERT_NOISE.fullmatch(line):
            continue
        if header := _TRACERT_HEADER.fullmatch(line):
            trace.start(header.group(2) or header.group(1))
            continue
        if report := _TRACERT_REPORT.fullmatch(raw):
            number = trace.number(report.group(1), line_no)
            address = _ip(source, report.group(2), line_no)
            yield Hop(number, address, None, (), line_no, TRACERT, trace.destination, flags=(report.group(3),))
            continue
        hop = _TRACERT_HOP.fullmatch(raw)
        if hop is None:
            raise SourceError(
                source,
                f"{line[:80]!r}; expected a tracert hop such as '  3    12 ms    11 ms    13 ms  host [ip]'",
                line=line_no,
            )
        number = trace.number(hop.group(1), line_no)
        probes = hop.group(2, 3, 4)
        rtts = tuple(float(p.lstrip("<").removesuffix(" ms")) for p in probes if p != "*")
        lost = sum(p == "*" for p in probes)
        ip, hostname = _tracert_host(source, hop.group(5), line_no, all_lost=lost == 3)
        yield Hop(number, ip, hostname, rtts, line_no, TRACERT, trace.destination, lost=lost)


def _tracert_host(source: str, tail: str, line: int, *, all_lost: bool) -> tuple[str | None, str | None]:
    """The hop's address from the text after the probes: "host [ip]", "ip", or, when all probes
    timed out, a message in the system's language ("Request timed out.")."""
    if named := _TRACERT_HOST.match(tail):
        return _ip(source, named.group(2), line), named.group(1)
    first = tail.split()[0] if tail.split() else ""
    if _is_ip(first):
        return _ip(source, first, line), None
    if all_lost:
        return None, None
    raise SourceError(source, f"{tail[:80]!r}; expected the hop's address ('ip' or 'host [ip]')", line=line)
