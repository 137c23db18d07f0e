"""Who operates an IP address, prefix or AS number: carrier and cloud tables with longest-prefix match.

Tables are files the user points at (nothing from the shared snapshots is bundled, for licence and
staleness reasons): per-operator CIDR lists (gaoyifan/china-operator-ip, SM443 cloud lists), ASN name
lists (missuo/ASN-China, "IP-ASN,<asn> // <name>") and AWS ip-ranges.json. A CIDR list does not name
its operator, so its file name is looked up in trustscreen/data/network/operators.yaml (or a user's
file of the same shape); the organisations are data, never code.

Modules: `records` (shared records), `operators` (the file → organisation map), `tables` (file
loaders), `addresses` (IP parsing, batched with numpy), `prefixes` (longest-prefix match), `asn`
(AS numbers), `resolver` (assets → attributions).
"""

from trustscreen.assets.network.asn import AsnTable, parse_asn
from trustscreen.assets.network.operators import load_operators
from trustscreen.assets.network.prefixes import PrefixTable
from trustscreen.assets.network.records import (
    AsnEntry,
    AsnListInfo,
    IPInput,
    IPNetwork,
    NetworkTable,
    Operator,
    OperatorMap,
    PrefixEntry,
    PrefixHit,
)
from trustscreen.assets.network.resolver import NetworkResolver, resolve_asset
from trustscreen.assets.network.tables import (
    ASN_LIST,
    AWS_IP_RANGES,
    CIDR_LIST,
    load_asn_list,
    load_aws_ranges,
    load_cidr_list,
    load_tables,
    parse_prefix,
    sniff,
)

__all__ = [
    "ASN_LIST",
    "AWS_IP_RANGES",
    "CIDR_LIST",
    "AsnEntry",
    "AsnListInfo",
    "AsnTable",
    "IPInput",
    "IPNetwork",
    "NetworkResolver",
    "NetworkTable",
    "Operator",
    "OperatorMap",
    "PrefixEntry",
    "PrefixHit",
    "PrefixTable",
    "load_asn_list",
    "load_aws_ranges",
    "load_cidr_list",
    "load_operators",
    "load_tables",
    "parse_asn",
    "parse_prefix",
    "resolve_asset",
    "sniff",
]
