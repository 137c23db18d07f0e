"""Records for technology assets (what an organisation runs) and who stands behind them.

An inventory reader turns a file into `Asset`s; a resolver turns an asset into `Attribution`s (the
organisations that own, operate, develop, supply or manufacture it, with the evidence for each);
the assessment screens each attributed party and hands the matches to the policy engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class AssetKind(StrEnum):
    VENDOR = "vendor"
    APP = "app"
    CARRIER = "carrier"
    CLOUD = "cloud"
    CABLE = "cable"
    DEVICE = "device"
    NETWORK_PATH = "network_path"
    IP = "ip"
    DOMAIN = "domain"
    COMPONENT = "component"


@dataclass(frozen=True, slots=True)
class Asset:
    kind: AssetKind
    # The asset as the inventory names it ("WeChat", "203.0.113.7", "SEA-ME-WE 6", "pkg:npm/left-pad").
    name: str
    # Where it came from, precise enough to find it again: "stack.yaml: assets[3]", "sbom.json:
    # components[12]", "packages.txt line 40".
    origin: str
    # Machine identifiers by scheme: android_package, ios_bundle, ip, prefix, asn, domain, cable_id,
    # purl, cpe, brand, model, hop (traceroute hop number).
    identifiers: tuple[tuple[str, str], ...] = ()
    # Free attributes from the inventory (vendor, developer, supplier, manufacturer, owner, country,
    # landing countries, notes …), kept verbatim for the report.
    attributes: tuple[tuple[str, str], ...] = ()

    def identifier(self, scheme: str) -> str | None:
        return next((value for key, value in self.identifiers if key == scheme), None)

    def attribute(self, key: str) -> str | None:
        return next((value for name, value in self.attributes if name == key), None)


@dataclass(frozen=True, slots=True)
class Attribution:
    """One organisation behind an asset, and how we know."""

    party: str
    # owner / operator / developer / publisher / supplier / manufacturer / oem / carrier / cloud
    role: str
    # Human-readable evidence: "1.80.1.2 in 1.80.0.0/13 (china_operator_ip/chinanet.txt: China Telecom)".
    evidence: str
    country: str | None = None
    # Entity id when the resolver already knows the listed entity (curated app ids, brand tables).
    entity_id: str | None = None
    details: tuple[tuple[str, str], ...] = field(default=())
