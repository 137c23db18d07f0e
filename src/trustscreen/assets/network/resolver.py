"""NetworkResolver: loaded tables → attributions for IP, prefix and ASN identifiers."""

from __future__ import annotations

from collections.abc import Iterable
from ipaddress import ip_address
from pathlib import Path

from trustscreen.assets.model import Asset, AssetKind, Attribution
from trustscreen.assets.network.addresses import pack_ip
from trustscreen.assets.network.asn import AsnTable
from trustscreen.assets.network.operators import load_operators
from trustscreen.assets.network.prefixes import PrefixTable, parse_network
from trustscreen.assets.network.records import NetworkTable, PrefixEntry, PrefixHit
from trustscreen.assets.network.tables import load_tables
from trustscreen.errors import SourceError

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
        packed = pack_ip(ip)
        hit = self.prefixes.lookup_packed(packed)
        if hit is None:
            return []
        address = ip_address(packed)
        return _attributions(hit, f"{ip} in", ("ip", str(address))) if address.is_global else []

    def attribute_prefix(self, prefix: str) -> list[Attribution]:
        network = parse_network(prefix)
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
