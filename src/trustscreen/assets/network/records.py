"""Records and constants shared by the network tables."""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network
from pathlib import Path
from typing import TypeAlias

IPNetwork: TypeAlias = IPv4Network | IPv6Network
IPInput: TypeAlias = str | IPv4Address | IPv6Address
MAX_ASN = 2**32 - 1


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


def _matches(name: str, patterns: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns)
