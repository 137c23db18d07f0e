from __future__ import annotations

import ipaddress
import random
from pathlib import Path

import pytest

from trustscreen.assets.model import Asset, AssetKind
from trustscreen.assets.network import (
    ASN_LIST,
    AWS_IP_RANGES,
    CIDR_LIST,
    AsnTable,
    NetworkResolver,
    PrefixEntry,
    PrefixTable,
    load_operators,
    load_tables,
    parse_asn,
    parse_prefix,
    resolve_asset,
    sniff,
)
from trustscreen.errors import SourceError


@pytest.fixture(scope="module")
def network_dir(shared_data: Path) -> Path:
    return shared_data / "network"


@pytest.fixture(scope="module")
def resolver(network_dir: Path) -> NetworkResolver:
    return NetworkResolver([network_dir])


def _entry(party: str, line: int = 1, scope: str = "operator") -> PrefixEntry:
    return PrefixEntry(party, "carrier", "XX", scope, "test/list.txt", "/tmp/list.txt", line, party)


# --- real tables: counts ------------------------------------------------------------------------

# Entries = non-blank, non-'#' lines, each a valid prefix. Every total equals PROVENANCE.md
# "Entries (verified)"; the v4/v6 split is my own count (grep -cv '^#' plus ipaddress.ip_network on
# each line). The SM443 Alibaba list holds 200 IPv6 prefixes despite its "ipv4" file name; its
# header says "Total Prefixes: 1602", and Tencent's says 294.
CIDR_COUNTS = [
    ("china_operator_ip/chinanet.txt", 4164, 4164, 0),
    ("china_operator_ip/chinanet6.txt", 321, 0, 321),
    ("china_operator_ip/unicom.txt", 3894, 3894, 0),
    ("china_operator_ip/unicom6.txt", 1085, 0, 1085),
    ("china_operator_ip/cmcc.txt", 1154, 1154, 0),
    ("china_operator_ip/cmcc6.txt", 114, 0, 114),
    ("china_operator_ip/china.txt", 4604, 4604, 0),
    ("china_operator_ip/china6.txt", 1641, 0, 1641),
    ("china_operator_ip/cernet.txt", 94, 94, 0),
    ("china_operator_ip/cstnet.txt", 40, 40, 0),
    ("china_operator_ip/drpeng.txt", 36, 36, 0),
    ("cloud/alibaba_ipv4_prefixes_sm443.txt", 1602, 1402, 200),
    ("cloud/tencent_pubg_ipv4_prefixes_sm443.txt", 294, 294, 0),
]

PARTIES = {
    "chinanet": "China Telecom",
    "unicom": "China Unicom",
    "cmcc": "China Mobile",
    "china": "Unidentified network operator in mainland China",
    "cernet": "CERNET",
    "cstnet": "CSTNET",
    "drpeng": "Dr. Peng",
    "alibaba_ipv4_prefixes_sm443": "Alibaba Cloud",
    "tencent_pubg_ipv4_prefixes_sm443": "Tencent Cloud",
}


@pytest.mark.parametrize(("relative", "total", "v4", "v6"), CIDR_COUNTS)
def test_cidr_list_counts(network_dir: Path, relative: str, total: int, v4: int, v6: int) -> None:
    path = network_dir / relative
    assert sniff(path) == CIDR_LIST
    [table] = load_tables(path)
    assert table.format == CIDR_LIST
    assert len(table.prefixes) == total
    assert sum(network.version == 4 for network, _ in table.prefixes) == v4
    assert sum(network.version == 6 for network, _ in table.prefixes) == v6
    parties = {entry.party for _, entry in table.prefixes}
    assert parties == {PARTIES[Path(relative).stem.removesuffix("6")]}
    # Every entry points back at its own line: the first non-comment line of the file.
    text_lines = path.read_text("ascii").splitlines()
    network, entry = table.prefixes[0]
    assert entry.line is not None and text_lines[entry.line - 1] == str(network)


def test_country_aggregate_is_a_country_not_an_operator(network_dir: Path) -> None:
    [table] = load_tables(network_dir / "china_operator_ip/china.txt")
    assert {(entry.scope, entry.country) for _, entry in table.prefixes} == {("country", "CN")}
    [operator_table] = load_tables(network_dir / "china_operator_ip/chinanet.txt")
    assert {(entry.scope, entry.country, entry.role) for _, entry in operator_table.prefixes} == {
        ("operator", "CN", "carrier")
    }


def test_aws_counts_and_china_operators(network_dir: Path) -> None:
    path = network_dir / "cloud/aws_ip-ranges.json"
    assert sniff(path) == AWS_IP_RANGES
    [table] = load_tables(path)
    # PROVENANCE: 16826 entries (v4=10666 v6=6160), 257 IPv4 prefixes in cn-north-1/cn-northwest-1.
    assert len(table.prefixes) == 16826
    assert sum(network.version == 4 for network, _ in table.prefixes) == 10666
    regions: dict[tuple[int, str], int] = {}
    for network, entry in table.prefixes:
        key = (network.version, entry.party)
        regions[key] = regions.get(key, 0) + 1
    # My count (json + collections.Counter over region): IPv4 cn-north-1 132 + cn-northwest-1 125 =
    # 257; IPv6 82 + 84 = 166 (PROVENANCE gives only the IPv4 figure). All others are Amazon's.
    assert regions == {
        (4, "Beijing Sinnet Technology Co., Ltd."): 132,
        (4, "Ningxia Western Cloud Data Technology Co., Ltd."): 125,
        (4, "Amazon Web Services"): 10666 - 257,
        (6, "Beijing Sinnet Technology Co., Ltd."): 82,
        (6, "Ningxia Western Cloud Data Technology Co., Ltd."): 84,
        (6, "Amazon Web Services"): 6160 - 166,
    }
    # One prefix appears once per service: 7904 distinct IPv4 and 3108 distinct IPv6 prefixes.
    assert len({network for network, _ in table.prefixes if network.version == 4}) == 7904
    assert len({network for network, _ in table.prefixes if network.version == 6}) == 3108


@pytest.mark.parametrize(("name", "count", "country"), [("ASN.China.list", 5227, "CN"), ("ASN.US.list", 19134, "US")])
def test_asn_list_counts(network_dir: Path, name: str, count: int, country: str) -> None:
    # PROVENANCE: 5227 / 19134 'IP-ASN,' lines; 3 '//' comment lines and a blank line each (wc -l: +4).
    path = network_dir / "asn_china" / name
    assert sniff(path) == ASN_LIST
    [table] = load_tables(path)
    assert len(table.asns) == count
    assert {entry.country for entry in table.asns} == {country}


def test_whole_directory(resolver: NetworkResolver) -> None:
    # 13 CIDR lists + ip-ranges.json + 2 ASN lists; gaoyifan's `stat` and operators.yaml are skipped.
    assert len(resolver.tables) == 16
    names = {path.name for path in resolver.files}
    assert {"ASN.China.list", "ASN.US.list", "aws_ip-ranges.json", "chinanet6.txt"} <= names
    assert not names & {"stat", "operators.yaml"}
    # Entries: sum of the per-file counts above (19043 CIDR lines + 16826 AWS records).
    assert resolver.prefixes.entry_count == sum(total for _, total, _, _ in CIDR_COUNTS) + 16826 == 35869
    # Distinct prefixes, counted independently as a set of ipaddress networks over all files.
    assert (resolver.prefixes.prefix_count_v4, resolver.prefixes.prefix_count_v6) == (19570, 5509)
    assert len(resolver.prefixes) == 25079
    # No AS number is in both the China and the US list (comm -12 of the two sorted columns: 0).
    assert len(resolver.asns) == 5227 + 19134


# --- real tables: lookups -------------------------------------------------------------------------


def test_chinanet_ipv4(resolver: NetworkResolver) -> None:
    # chinanet.txt line 16: 1.80.0.0/13; china.txt line 12 holds the larger 1.80.0.0/12.
    hit = resolver.prefixes.lookup("1.80.1.2")
    assert hit is not None
    assert str(hit.prefix) == "1.80.0.0/13"
    assert [(e.party, e.source, e.line) for e in hit.entries] == [
        ("China Telecom", "china_operator_ip/chinanet.txt", 16)
    ]
    assert hit.parent is not None and str(hit.parent.prefix) == "1.80.0.0/12"
    assert hit.parent.entries[0].source == "china_operator_ip/china.txt" and hit.parent.entries[0].line == 12
    [attribution] = resolver.attribute_ip("1.80.1.2")
    assert attribution.party == "China Telecom"
    assert attribution.role == "carrier"
    assert attribution.country == "CN"
    assert attribution.evidence == "1.80.1.2 in 1.80.0.0/13 (china_operator_ip/chinanet.txt line 16: China Telecom, CN)"
    details = dict(attribution.details)
    assert details["legal_name"] == "China Telecommunications Corporation"
    assert details["prefix"] == "1.80.0.0/13"
    assert details["line"] == "16"


def test_more_specific_prefix_nested_in_another_operator(resolver: NetworkResolver) -> None:
    # unicom.txt line 12: 1.82.208.0/21 sits inside China Telecom's 1.80.0.0/13 (chinanet.txt line 16),
    # itself inside china.txt's 1.80.0.0/12: the most specific, China Unicom, wins.
    hit = resolver.prefixes.lookup("1.82.208.77")
    assert hit is not None and str(hit.prefix) == "1.82.208.0/21"
    assert [(e.party, e.line) for e in hit.entries] == [("China Unicom", 12)]
    chain = []
    node = hit.parent
    while node is not None:
        chain.append((str(node.prefix), node.entries[0].party))
        node = node.parent
    assert chain == [
        ("1.80.0.0/13", "China Telecom"),
        ("1.80.0.0/12", "Unidentified network operator in mainland China"),
    ]
    assert [a.party for a in resolver.attribute_ip("1.82.208.77")] == ["China Unicom"]
    # unicom.txt lines 12-19 carve several holes out of the /13; 1.82.219.0/24 lies between two of
    # them (1.82.218.0/24 line 14, 1.82.220.0/22 line 15), so the /13 applies there again.
    assert [a.party for a in resolver.attribute_ip("1.82.219.1")] == ["China Telecom"]
    assert [a.party for a in resolver.attribute_ip("1.82.218.255")] == ["China Unicom"]


def test_prefix_announced_by_two_operators(resolver: NetworkResolver) -> None:
    # 1.119.192.0/21 is both chinanet.txt line 21 and unicom.txt line 25 (same prefix, two lists).
    attributions = resolver.attribute_ip("1.119.192.1")
    assert [(a.party, dict(a.details)["line"]) for a in attributions] == [
        ("China Telecom", "21"),
        ("China Unicom", "25"),
    ]


def test_country_only_prefix(resolver: NetworkResolver) -> None:
    # china.txt line 35: 8.128.32.0/19; no operator or cloud list holds any of 8.128.0.0/16
    # (grep '^8\.128\.' over every list and '"8.128.' in ip-ranges.json: only china.txt lines 35-37).
    [attribution] = resolver.attribute_ip("8.128.40.1")
    assert attribution.party == "Unidentified network operator in mainland China"
    assert attribution.country == "CN"
    assert dict(attribution.details)["scope"] == "country"
    assert attribution.evidence.startswith("8.128.40.1 in 8.128.32.0/19 (china_operator_ip/china.txt line 35:")
    # china.txt line 9 (1.48.0.0/14) also holds chinanet.txt line 12's 1.48.0.0/15: the operator wins.
    assert [a.party for a in resolver.attribute_ip("1.48.0.1")] == ["China Telecom"]


def test_aws_china_regions_attributed_to_local_operators(resolver: NetworkResolver, network_dir: Path) -> None:
    raw = (network_dir / "cloud/aws_ip-ranges.json").read_text("utf-8").splitlines()
    # 54.222.88.0/24 is listed twice, cn-north-1 AMAZON (line 564) and EC2 (line 40692).
    assert '"54.222.88.0/24"' in raw[563] and '"AMAZON"' in raw[565]
    assert '"54.222.88.0/24"' in raw[40691] and '"EC2"' in raw[40693]
    [attribution] = resolver.attribute_ip("54.222.88.5")
    assert attribution.party == "Beijing Sinnet Technology Co., Ltd."
    assert attribution.role == "cloud"
    assert attribution.country == "CN"
    assert "cloud/aws_ip-ranges.json line 564, prefixes[93]" in attribution.evidence
    assert "line 40692, prefixes[6781]" in attribution.evidence
    details = dict(attribution.details)
    assert details["region"] == "cn-north-1"
    assert details["service"] == "AMAZON, EC2"
    assert details["cloud_brand"] == "Amazon Web Services"
    # cn-northwest-1, 52.82.169.16/28 (line 876): NWCD.
    [ningxia] = resolver.attribute_ip("52.82.169.17")
    assert ningxia.party == "Ningxia Western Cloud Data Technology Co., Ltd."
    assert "line 876" in ningxia.evidence


def test_aws_elsewhere_is_amazon(resolver: NetworkResolver) -> None:
    # prefixes[0]: 3.4.12.4/32, eu-west-1 AMAZON, line 6.
    [attribution] = resolver.attribute_ip("3.4.12.4")
    assert (attribution.party, attribution.country, attribution.role) == ("Amazon Web Services", "US", "cloud")
    assert "line 6, prefixes[0]" in attribution.evidence


def test_chinanet_ipv6_and_mapped_ipv4(resolver: NetworkResolver) -> None:
    # chinanet6.txt line 272: 240e::/20; china6.txt line 1233 lists the same prefix (country only,
    # so it adds no attribution next to the named operator).
    hit = resolver.prefixes.lookup("240e:3b4:38c:1::1")
    assert hit is not None and str(hit.prefix) == "240e::/20"
    assert sorted((e.source, e.line) for e in hit.entries) == [
        ("china_operator_ip/china6.txt", 1233),
        ("china_operator_ip/chinanet6.txt", 272),
    ]
    assert [a.party for a in resolver.attribute_ip("240e:3b4:38c:1::1")] == ["China Telecom"]
    # IPv4-mapped IPv6 is the IPv4 host.
    assert resolver.prefixes.lookup("::ffff:1.80.1.2") == resolver.prefixes.lookup("1.80.1.2")
    assert resolver.prefixes.lookup(ipaddress.ip_address("::ffff:1.80.1.2")) == resolver.prefixes.lookup("1.80.1.2")


def test_private_and_unlisted_addresses(resolver: NetworkResolver) -> None:
    for ip in ("10.0.0.1", "192.168.1.1", "172.16.5.4", "100.64.0.1", "127.0.0.1", "fe80::1", "fd00::1"):
        assert resolver.attribute_ip(ip) == []
    assert resolver.prefixes.lookup("10.0.0.1") is None
    assert resolver.attribute_ip("9.9.9.9") == []


def test_alibaba_and_tencent(resolver: NetworkResolver) -> None:
    # alibaba list lines 13-16: 8.208.0.0/16, /17, /18, /19 nested; 8.208.1.1 falls in the /19 (line 16).
    [alibaba] = resolver.attribute_ip("8.208.1.1")
    assert (alibaba.party, alibaba.role, alibaba.country) == ("Alibaba Cloud", "cloud", "CN")
    assert (dict(alibaba.details)["prefix"], dict(alibaba.details)["line"]) == ("8.208.0.0/19", "16")
    # 1.116.0.0/15 is in chinanet.txt (line 19), the Tencent list (line 12) and china.txt (line 13):
    # carrier and cloud both reported, the country-only line dropped.
    attributions = resolver.attribute_ip("1.116.5.5")
    assert [(a.party, a.role) for a in attributions] == [("China Telecom", "carrier"), ("Tencent Cloud", "cloud")]
    assert "cloud/tencent_pubg_ipv4_prefixes_sm443.txt line 12" in attributions[1].evidence


def test_covering_prefix(resolver: NetworkResolver) -> None:
    [attribution] = resolver.attribute_prefix("1.80.0.0/16")
    assert attribution.evidence.startswith("1.80.0.0/16 within 1.80.0.0/13 (china_operator_ip/chinanet.txt line 16")
    # 1.82.208.0/22 lies inside Unicom's /21; 1.80.0.0/12 is wider than any operator prefix.
    assert [a.party for a in resolver.attribute_prefix("1.82.208.0/22")] == ["China Unicom"]
    assert [a.party for a in resolver.attribute_prefix("1.80.0.0/12")] == [
        "Unidentified network operator in mainland China"
    ]
    assert resolver.attribute_prefix("1.0.0.0/8") == []


def test_asn_lookups(resolver: NetworkResolver) -> None:
    # ASN.China.list line 7: "IP-ASN,4134 // China Telecom Backbone".
    for form in ("AS4134", "as4134", "4134", " AS4134 ", 4134):
        assert resolver.asns.lookup(form) == "China Telecom Backbone"
    entry = resolver.asns.entry("AS4134")
    assert entry is not None and (entry.line, entry.country, entry.source) == (7, "CN", "asn_china/ASN.China.list")
    assert resolver.asns.lookup("AS4837") == "China Unicom Backbone"  # line 11
    assert resolver.asns.lookup("AS16509") == "Amazon.com, Inc."  # ASN.US.list line 36
    # Line 697 holds "â\x80\x93" (an en dash decoded as Latin-1 upstream); repaired on load.
    assert resolver.asns.lookup("AS59265") == "China telecom \u2013 China Next Generation Internet"
    assert resolver.asns.lookup("AS64512") is None  # private-use AS, in neither list
    [attribution] = resolver.attribute_asn("AS4134")
    assert attribution.evidence == "AS4134 (asn_china/ASN.China.list line 7: China Telecom Backbone, CN)"


def test_parse_asn_forms_and_errors() -> None:
    assert parse_asn("AS1.10") == 65546
    assert parse_asn("AS 4134") == 4134
    for bad in ("ASX", "", "AS-1", "AS0", "4294967296", "AS1.70000", "AS4134a"):
        with pytest.raises(ValueError, match="AS number"):
            parse_asn(bad)
    assert AsnTable([]).lookup("AS4134") is None


def test_lookup_many_agrees_with_lookup_and_brute_force(resolver: NetworkResolver) -> None:
    rng = random.Random(7)
    table = resolver.prefixes
    v4 = [str(ipaddress.IPv4Address(rng.getrandbits(32))) for _ in range(3000)]
    # Random addresses inside China Telecom / Unicom / AWS IPv6 space hit far more often than
    # uniformly random IPv6 would.
    v6 = [
        str(ipaddress.IPv6Address((rng.choice([0x240E, 0x2408, 0x2406, 0x2600]) << 112) | rng.getrandbits(112)))
        for _ in range(1000)
    ]
    mixed = v4 + v6 + ["::ffff:1.80.1.2", ipaddress.ip_address("1.82.208.77"), "fe80::1%eth0"]
    rng.shuffle(mixed)
    assert table.lookup_many(mixed) == [table.lookup(ip) for ip in mixed]
    assert table.lookup_many(v4) == [table.lookup(ip) for ip in v4]
    assert table.lookup_many(iter(v6)) == [table.lookup(ip) for ip in v6]
    assert table.lookup_many([]) == []
    as_ints = [int(ipaddress.IPv4Address(ip)) for ip in v4]
    assert table.lookup_ipv4_array(as_ints) == table.lookup_many(v4)
    for bad_ints in ([-1], [2**32], [1.5]):
        with pytest.raises(ValueError, match="integer IPv4 addresses"):
            table.lookup_ipv4_array(bad_ints)
    # Brute force: the longest of the 33 / 129 candidate networks that is a table prefix.
    prefixes = {network for t in resolver.tables for network, _ in t.prefixes}
    for ip in v4[:500] + v6[:300]:
        address = ipaddress.ip_address(ip)
        expected = next(
            (
                network
                for length in range(address.max_prefixlen, -1, -1)
                if (network := ipaddress.ip_network((address, length), strict=False)) in prefixes
            ),
            None,
        )
        hit = table.lookup(ip)
        assert (hit.prefix if hit else None) == expected
    assert sum(hit is not None for hit in table.lookup_many(v4)) > 0


def test_invalid_addresses() -> None:
    table = PrefixTable([(parse_prefix("10.0.0.0/8"), _entry("A"))])
    for bad in ("1.2.3", "256.1.1.1", "01.2.3.4", "1.2.3.4 ", "example.com", "", "2001:db8::g", "1.2.3.4/32"):
        with pytest.raises(ValueError, match="is not an IP address"):
            table.lookup(bad)
    with pytest.raises(ValueError, match=r"item 2: '10\.0\.0\.999' is not an IP address"):
        table.lookup_many(["10.0.0.1", "2001:db8::1", "10.0.0.999"])
    with pytest.raises(ValueError, match="item 1: 42 is not an IP address"):
        table.lookup_many(["10.0.0.1", 42])  # type: ignore[list-item]


# --- the table itself on hand-made prefixes ----------------------------------------------------


def test_prefix_table_nesting_boundaries_and_ties() -> None:
    names = [
        ("0.0.0.0/0", "default"),
        ("10.0.0.0/8", "A"),
        ("10.1.0.0/16", "B"),
        ("10.1.2.0/24", "C"),
        ("10.1.2.128/25", "D"),
        ("10.1.2.128/25", "D2"),
        ("255.255.255.255/32", "top"),
        ("::/0", "default6"),
        ("2001:db8::/32", "E"),
        ("2001:db8:1::/48", "F"),
        ("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128", "top6"),
    ]
    table = PrefixTable((parse_prefix(text), _entry(name)) for text, name in names)
    assert len(table) == 10 and table.entry_count == 11

    def party(ip: str) -> list[str]:
        hit = table.lookup(ip)
        return [entry.party for entry in hit.entries] if hit else []

    expected = {
        "0.0.0.0": ["default"],
        "9.255.255.255": ["default"],
        "10.0.0.0": ["A"],
        "10.1.1.255": ["B"],
        "10.1.2.0": ["C"],
        "10.1.2.127": ["C"],
        "10.1.2.128": ["D", "D2"],
        "10.1.2.255": ["D", "D2"],
        "10.1.3.0": ["B"],
        "10.2.0.0": ["A"],
        "11.0.0.0": ["default"],
        "255.255.255.254": ["default"],
        "255.255.255.255": ["top"],
        "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff": ["default6"],
        "2001:db8::": ["E"],
        "2001:db8:1:ffff::1": ["F"],
        "2001:db8:2::": ["E"],
        "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe": ["default6"],
        "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff": ["top6"],
    }
    assert {ip: party(ip) for ip in expected} == expected
    assert [[e.party for e in hit.entries] if hit else [] for hit in table.lookup_many(list(expected))] == list(
        expected.values()
    )
    hit = table.lookup("10.1.2.200")
    assert hit is not None and hit.parent is not None and hit.parent.parent is not None
    assert [str(hit.prefix), str(hit.parent.prefix), str(hit.parent.parent.prefix)] == [
        "10.1.2.128/25",
        "10.1.2.0/24",
        "10.1.0.0/16",
    ]
    covering = table.covering("10.1.2.0/23")
    assert covering is not None and str(covering.prefix) == "10.1.0.0/16"
    assert table.covering("::ffff:10.1.2.0/120") == table.lookup("10.1.2.0")


def test_empty_table() -> None:
    table = PrefixTable([])
    assert table.lookup("1.2.3.4") is None
    assert table.lookup_many(["1.2.3.4", "::1"]) == [None, None]


# --- malformed input -------------------------------------------------------------------------------


def _write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("content", "line", "message"),
    [
        ("1.2.3.0/24\n1.2.3.999/24\n", 2, "'1.2.3.999/24' is not a CIDR prefix"),
        ("# header\n1.2.3.4/24\n", 2, "host bits set"),
        ("1.2.3.0/24\n1.2.4.0\n", 2, "has no prefix length"),
        ("1.2.3.0/24\n1.2.4.0/33\n", 2, "prefix length '33'; expected 0 to 32"),
        ("2001:db8::/32\n2001:db8::/3x\n", 2, "prefix length '3x'"),
        ("1.2.3.0/24\n1.2.3.0/24\n", 2, "duplicate prefix 1.2.3.0/24 (first on line 1)"),
        ("1.2.3.0/24 China Telecom\n", 1, "not a CIDR prefix"),
    ],
)
def test_bad_cidr_lines(tmp_path: Path, content: str, line: int, message: str) -> None:
    path = _write(tmp_path, "chinanet.txt", content)
    with pytest.raises(SourceError) as error:
        load_tables(path)
    assert error.value.line == line
    assert error.value.path == str(path)
    assert message in error.value.problem
    assert "expected" in error.value.problem


def test_cidr_list_empty_comment_only_wrong_encoding_unknown_name(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="file is empty"):
        load_tables(_write(tmp_path, "chinanet.txt", ""))
    with pytest.raises(SourceError, match="no prefixes found"):
        load_tables(_write(tmp_path, "cmcc.txt", "# Total Prefixes: 0\n\n"))
    with pytest.raises(SourceError, match="not valid utf-8") as error:
        load_tables(_write(tmp_path, "unicom.txt", b"1.2.3.0/24\n1.2.4.0/24 \xe9\n"))
    assert error.value.line == 2
    with pytest.raises(SourceError, match=r"no operator known for a CIDR list named 'mystery\.txt'"):
        load_tables(_write(tmp_path, "mystery.txt", "1.2.3.0/24\n"))


@pytest.mark.parametrize(
    ("content", "line", "message"),
    [
        ("// header\nIP-ASN,4134 // A\nIP-ASN,abc // B\n", 3, "expected 'IP-ASN,<asn> // <AS name>'"),
        ("IP-ASN,4134\n", 1, "expected 'IP-ASN,<asn> // <AS name>'"),
        ("IP-ASN,4134 // \n", 1, "expected 'IP-ASN,<asn> // <AS name>'"),
        ("IP-ASN,4134 // A\nIP-ASN,4134 // B\n", 2, "duplicate AS4134 (first on line 1)"),
        ("IP-ASN,0 // A\n", 1, "out of range"),
    ],
)
def test_bad_asn_lines(tmp_path: Path, content: str, line: int, message: str) -> None:
    with pytest.raises(SourceError) as error:
        load_tables(_write(tmp_path, "ASN.Test.list", content))
    assert error.value.line == line
    assert message in error.value.problem


def test_asn_list_without_entries(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no 'IP-ASN,<asn> // <name>' lines"):
        load_tables(_write(tmp_path, "ASN.Test.list", "// only a comment\n"))


AWS_GOOD = """{
  "syncToken": "1",
  "createDate": "2026-01-01-00-00-00",
  "prefixes": [
    {
      "ip_prefix": "52.80.0.0/16",
      "region": "cn-north-1",
      "service": "AMAZON",
      "network_border_group": "cn-north-1"
    },
    {
      "ip_prefix": "%s",
      "region": "us-east-1",
      "service": "EC2",
      "network_border_group": "us-east-1"
    }
  ],
  "ipv6_prefixes": []
}
"""


def test_aws_malformed(tmp_path: Path) -> None:
    good = load_tables(_write(tmp_path, "ip-ranges.json", AWS_GOOD % "3.0.0.0/15"))[0]
    assert [(str(n), e.party, e.line, e.record) for n, e in good.prefixes] == [
        ("52.80.0.0/16", "Beijing Sinnet Technology Co., Ltd.", 6, "prefixes[0]"),
        ("3.0.0.0/15", "Amazon Web Services", 12, "prefixes[1]"),
    ]
    with pytest.raises(SourceError) as error:
        load_tables(_write(tmp_path, "bad-prefix.json", AWS_GOOD % "3.0.0.1/15"))
    assert (error.value.line, error.value.record, error.value.field) == (12, "prefixes[1]", "ip_prefix")
    assert "host bits set" in error.value.problem
    truncated = (AWS_GOOD % "3.0.0.0/15")[:200]
    with pytest.raises(SourceError, match="invalid JSON") as error:
        load_tables(_write(tmp_path, "truncated.json", truncated))
    assert error.value.line is not None and error.value.line > 1
    with pytest.raises(SourceError, match="'prefixes' list"):
        load_tables(_write(tmp_path, "other.json", '{"prefixes": {"a": 1}, "syncToken": "1"}'))
    no_region = (AWS_GOOD % "3.0.0.0/15").replace('"region": "us-east-1",', "")
    with pytest.raises(SourceError) as error:
        load_tables(_write(tmp_path, "no-region.json", no_region))
    assert (error.value.record, error.value.field) == ("prefixes[1]", "region")


def test_not_a_table_and_empty_directory(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="not a network table"):
        load_tables(_write(tmp_path, "notes.md", "hello\n"))
    with pytest.raises(SourceError, match="file is empty"):
        load_tables(_write(tmp_path, "empty.dat", ""))
    folder = tmp_path / "tables"
    folder.mkdir()
    (folder / "README.md").write_text("no tables here\n", encoding="utf-8")
    with pytest.raises(SourceError, match="no network tables found"):
        load_tables(folder)
    with pytest.raises(SourceError, match="file not found"):
        load_tables(tmp_path / "missing.txt")


def test_user_tables_with_own_operators_file(tmp_path: Path) -> None:
    operators = _write(
        tmp_path,
        "my_operators.yaml",
        """
prefix_lists:
  - files: ["acme_*.txt"]
    party: Acme Networks
    role: carrier
    country: DE
    source_url: https://example.org/acme
    as_of: 2026-01-01
""",
    )
    acme = _write(tmp_path, "acme_v4.txt", "# Acme\n198.18.0.0/15\n8.8.4.0/24\n")
    # A user's file extends the bundled one: chinanet.txt is still China Telecom.
    chinanet = _write(tmp_path, "chinanet.txt", "1.80.0.0/13\n")
    resolver = NetworkResolver([acme, chinanet], operators=operators)
    [attribution] = resolver.attribute_ip("8.8.4.4")
    assert (attribution.party, attribution.country) == ("Acme Networks", "DE")
    assert attribution.evidence == f"8.8.4.4 in 8.8.4.0/24 ({tmp_path.name}/acme_v4.txt line 3: Acme Networks, DE)"
    assert dict(attribution.details)["mapping_source"] == "https://example.org/acme"
    assert [a.party for a in resolver.attribute_ip("1.80.1.2")] == ["China Telecom"]
    # The bundled operators file alone does not know the name.
    with pytest.raises(SourceError, match="no operator known"):
        NetworkResolver([acme])
    # Nor does a user file without an aws_ip_ranges block lose AWS: the bundled one applies.
    aws = _write(tmp_path, "ip-ranges.json", AWS_GOOD % "3.0.0.0/15")
    assert [a.party for a in NetworkResolver([aws], operators=operators).attribute_ip("52.80.1.1")] == [
        "Beijing Sinnet Technology Co., Ltd."
    ]


def test_bad_operators_file(tmp_path: Path) -> None:
    bad_role = _write(
        tmp_path,
        "ops.yaml",
        "prefix_lists:\n  - files: [x.txt]\n    party: X\n    role: owner\n    source_url: u\n    as_of: 2026\n"
        "aws_ip_ranges: {party: A, role: cloud, source_url: u, as_of: 2026}\n",
    )
    with pytest.raises(SourceError, match="expected carrier or cloud") as error:
        load_operators(bad_role)
    assert (error.value.record, error.value.field) == ("prefix_lists[0]", "role")
    with pytest.raises(SourceError, match="invalid YAML"):
        load_operators(_write(tmp_path, "broken.yaml", "prefix_lists: [\n"))
    only_lists = load_operators(_write(tmp_path, "lists.yaml", "prefix_lists: []\n"))
    assert only_lists.aws is None
    with pytest.raises(SourceError, match="no operator for AWS ip-ranges"):
        load_tables(_write(tmp_path, "ip-ranges.json", AWS_GOOD % "3.0.0.0/15"), only_lists)


def test_bundled_operators_cover_every_shared_table() -> None:
    operators = load_operators()
    for name in ("chinanet.txt", "chinanet6.txt", "unicom6.txt", "cmcc.txt", "china6.txt", "drpeng.txt"):
        assert operators.for_prefix_file(name) is not None
    assert operators.for_prefix_file("stat") is None
    assert operators.aws_regions["cn-north-1"].party == "Beijing Sinnet Technology Co., Ltd."
    assert all(op.source_url and op.as_of for _, op in operators.prefix_lists)


# --- assets ----------------------------------------------------------------------------------------


def test_resolve_assets(resolver: NetworkResolver) -> None:
    hop = Asset(AssetKind.NETWORK_PATH, "1.80.1.2", "trace.txt line 7", (("ip", "1.80.1.2"), ("hop", "6")))
    assert [a.party for a in resolve_asset(hop, resolver)] == ["China Telecom"]
    bare_ip = Asset(AssetKind.IP, "54.222.88.5", "stack.yaml: assets[0]")
    assert [a.party for a in resolver.resolve(bare_ip)] == ["Beijing Sinnet Technology Co., Ltd."]
    carrier = Asset(AssetKind.CARRIER, "China Telecom", "stack.yaml: assets[1]", (("asn", "AS4134"),))
    [by_asn] = resolver.resolve(carrier)
    assert (by_asn.party, by_asn.role, by_asn.country) == ("China Telecom Backbone", "carrier", "CN")
    cloud = Asset(
        AssetKind.CLOUD, "AWS Beijing", "stack.yaml: assets[2]", (("prefix", "54.222.88.0/24"), ("asn", "16509"))
    )
    assert [(a.party, a.role) for a in resolver.resolve(cloud)] == [
        ("Beijing Sinnet Technology Co., Ltd.", "cloud"),
        ("Amazon.com, Inc.", "cloud"),
    ]
    private_hop = Asset(
        AssetKind.NETWORK_PATH, "192.168.1.1", "trace.txt line 2", (("ip", "192.168.1.1"), ("hop", "1"))
    )
    assert resolver.resolve(private_hop) == []
    app = Asset(AssetKind.APP, "WeChat", "stack.yaml: assets[3]", (("ip", "1.80.1.2"),))
    assert resolver.resolve(app) == []


def test_resolve_asset_with_bad_identifier(resolver: NetworkResolver) -> None:
    asset = Asset(AssetKind.IP, "router", "stack.yaml: assets[4]", (("ip", "1.80.1"),))
    with pytest.raises(SourceError) as error:
        resolver.resolve(asset)
    assert error.value.path == "stack.yaml: assets[4]"
    assert error.value.field == "identifiers.ip"
    assert "'1.80.1' is not an IP address" in error.value.problem
    with pytest.raises(SourceError, match="not an AS number"):
        resolver.resolve(Asset(AssetKind.CARRIER, "x", "inv line 3", (("asn", "ASX"),)))
    with pytest.raises(SourceError, match="not a CIDR prefix"):
        resolver.resolve(Asset(AssetKind.CLOUD, "x", "inv line 4", (("prefix", "1.2.3.4/24"),)))
