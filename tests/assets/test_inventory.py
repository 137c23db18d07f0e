"""Inventory files (YAML and CSV): the shipped examples parse into the expected assets, identifiers are
normalised, and every kind of bad input is refused with the file, line, record and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from trustscreen.assets.inventory import MAX_FIELD_CHARS, Inventory, parse, read_inventory
from trustscreen.assets.model import Asset, AssetKind
from trustscreen.errors import SourceError

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def by_name(assets: list[Asset], name: str) -> Asset:
    return next(asset for asset in assets if asset.name == name)


# --- the examples ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def example() -> Inventory:
    return read_inventory(EXAMPLES / "inventory.yaml")


def test_yaml_example_covers_every_kind(example: Inventory) -> None:
    # 19 entries under `assets:` (grep -c '^  - kind:' examples/inventory.yaml).
    assert len(example.assets) == 19
    assert {asset.kind for asset in example.assets} == set(AssetKind)
    assert example.assets[0].origin == "inventory.yaml: assets[0]"
    assert example.assets[18].origin == "inventory.yaml: assets[18]"
    assert example.organisation == (
        ("name", "Example Bank plc"),
        ("country", "GB"),
        ("sector", "retail banking"),
        ("as_of", "2025-01-31"),  # a YAML date stays the text written
        ("prepared_by", "Third-party risk team"),
    )


def test_yaml_example_spot_checks(example: Inventory) -> None:
    assets = list(example.assets)
    huawei = by_name(assets, "Huawei Technologies Co., Ltd.")
    assert huawei.kind is AssetKind.VENDOR and huawei.attribute("country") == "CN"
    assert huawei.attribute("ref") == "CMDB-1001"
    tiktok = by_name(assets, "TikTok")
    assert tiktok.identifier("android_package") == "com.zhiliaoapp.musically"
    assert tiktok.attribute("developer") == "ByteDance"
    wechat = by_name(assets, "WeChat")
    assert wechat.identifiers == (("android_package", "com.tencent.mm"), ("ios_bundle", "com.tencent.xin"))
    assert by_name(assets, "China Telecom").identifier("asn") == "AS4134"
    assert by_name(assets, "BT").identifier("asn") == "AS2856"  # written as the number 2856
    aws = by_name(assets, "AWS China (Beijing) cn-north-1")
    assert aws.kind is AssetKind.CLOUD and aws.identifier("ip") == "52.80.12.34"
    assert aws.attribute("region") == "cn-north-1"
    assert by_name(assets, "Alibaba Cloud North China 2").identifier("prefix") == "47.92.0.0/14"
    cable = by_name(assets, "SEA-ME-WE 5")
    assert cable.kind is AssetKind.CABLE and cable.attribute("landing_countries") == "SG, FR, EG"
    assert by_name(assets, "MAREA").identifier("cable_id") == "marea"
    cameras = by_name(assets, "Lobby CCTV cameras")
    assert cameras.identifiers == (("brand", "Hikvision"), ("model", "DS-2CD2143G2-I"))
    path = by_name(assets, "London to Shanghai branch VPN")
    assert [value for scheme, value in path.identifiers if scheme == "ip"] == [
        "192.168.1.1",
        "203.0.113.1",
        "202.97.33.21",
        "1.80.1.2",
    ]
    assert path.attribute("hops") == "192.168.1.1 > 203.0.113.1 > * > 202.97.33.21 > 1.80.1.2"
    assert by_name(assets, "1.80.1.2").identifiers == (("ip", "1.80.1.2"),)
    assert by_name(assets, "weixin.qq.com").identifiers == (("domain", "weixin.qq.com"),)
    assert by_name(assets, "Client portal").identifier("domain") == "portal.example.com"
    push = by_name(assets, "pkg:maven/com.huawei.hms/push@6.11.0.300")
    assert push.identifier("purl") == push.name
    openssl = by_name(assets, "OpenSSL")
    assert openssl.identifier("cpe") == "cpe:2.3:a:openssl:openssl:3.0.13:*:*:*:*:*:*:*"
    assert openssl.attribute("x_licence") == "Apache-2.0"


def test_csv_example() -> None:
    assets = parse(EXAMPLES / "inventory.csv")
    # 11 data rows after one comment line and the header.
    assert len(assets) == 11
    assert assets[0].origin == "inventory.csv line 3" and assets[-1].origin == "inventory.csv line 13"
    assert {asset.kind for asset in assets} == set(AssetKind) - {
        AssetKind.NETWORK_PATH,
        AssetKind.IP,
        AssetKind.COMPONENT,
    }
    wechat = by_name(assets, "WeChat")
    assert wechat.attribute("notes") == "Used by the HK desk, to reach clients"
    alibaba = by_name(assets, "Alibaba Cloud North China 2")
    assert alibaba.identifiers == (("prefix", "47.92.0.0/14"), ("prefix", "47.96.0.0/14"))
    assert by_name(assets, "China Telecom").identifier("asn") == "AS4134"
    assert by_name(assets, "Lobby CCTV cameras").identifier("brand") == "Hikvision"
    assert by_name(assets, "SeaMeWe-5").kind is AssetKind.CABLE


# --- normalisation --------------------------------------------------------------------------


def write(tmp_path: Path, text: str, name: str = "inv.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


@pytest.mark.parametrize("written", ["AS4134", "as4134", "AS 4134", "4134", "'4134'"])
def test_asn_forms(tmp_path: Path, written: str) -> None:
    (asset,) = parse(write(tmp_path, f"assets:\n  - {{kind: carrier, name: CT, asn: {written}}}\n"))
    assert asset.identifier("asn") == "AS4134"


def test_loose_spellings_of_kinds_and_fields(tmp_path: Path) -> None:
    text = "assets:\n  - Kind: Network Path\n    Name: p\n    Hops: [2001:DB8::1]\n"
    (asset,) = parse(write(tmp_path, text))
    assert asset.kind is AssetKind.NETWORK_PATH and asset.identifiers == (("ip", "2001:db8::1"),)
    csv_path = write(tmp_path, "Kind,Name,Android Package\napp,WeChat,com.tencent.mm\n", "inv.csv")
    assert parse(csv_path)[0].identifier("android_package") == "com.tencent.mm"


def test_domain_normalised(tmp_path: Path) -> None:
    text = "assets:\n  - {kind: domain, name: Portal, domain: [WWW.Example.COM., bücher.example]}\n"
    (asset,) = parse(write(tmp_path, text))
    assert asset.identifiers == (("domain", "www.example.com"), ("domain", "xn--bcher-kva.example"))


def test_traceroute_file_next_to_inventory(tmp_path: Path) -> None:
    (tmp_path / "trace.txt").write_text("traceroute to 1.80.1.2\n", "utf-8")
    (asset,) = parse(write(tmp_path, "assets:\n  - {kind: network_path, name: p, traceroute: trace.txt}\n"))
    assert asset.attribute("traceroute") == str((tmp_path / "trace.txt").resolve())


def test_blank_optional_fields_are_absent(tmp_path: Path) -> None:
    (asset,) = parse(write(tmp_path, "assets:\n  - kind: vendor\n    name: ZTE\n    notes:\n    country: China\n"))
    assert asset.attributes == (("country", "CN"),)
    (row,) = parse(write(tmp_path, "kind,name,notes,country\nvendor,ZTE,,\n", "inv.csv"))
    assert row.attributes == ()


# --- bad input ------------------------------------------------------------------------------


def fails(path: Path, *words: str) -> SourceError:
    with pytest.raises(SourceError) as info:
        read_inventory(path)
    message = str(info.value)
    assert message.startswith(str(path)), message
    for word in words:
        assert word in message, message
    return info.value


def yaml_asset(tmp_path: Path, body: str) -> Path:
    """One asset, starting on line 3 (line 1 is a comment, line 2 `assets:`)."""
    lines = body.strip("\n").split("\n")
    text = "# test\nassets:\n  - " + "\n    ".join(lines) + "\n"
    return write(tmp_path, text)


@pytest.mark.parametrize(
    ("body", "field", "line", "words"),
    [
        ("kind: router\nname: x", "kind", 3, ("'router'", "vendor, app")),
        ("name: x", "kind", 3, ("missing",)),
        ("kind: vendor", "name", 3, ("missing",)),
        ("kind: vendor\nname: ''", "name", 4, ("missing",)),
        ("kind: vendor\nname: [a, b]", "name", 4, ("is a list",)),
        ("kind: vendor\nname: {a: b}", "name", 4, ("a dict",)),
        ("kind: vendor\nname: yes", "name", 4, ("yes/no",)),
        ("kind: vendor\nname: x\nversion: 1.10", "version", 5, ("1.1", "quote it")),
        ("kind: app\nname: x\nandriod_package: com.a.b", "andriod_package", 5, ("did you mean 'android_package'",)),
        ("kind: app\nname: x\nandroid_package: WeChat", "android_package", 5, ("Android package id",)),
        ("kind: cloud\nname: x\nip: 300.1.1.1", "ip", 5, ("IPv4 or IPv6",)),
        ("kind: cloud\nname: x\nprefix: 47.92.1.0/14", "prefix", 5, ("host bits set",)),
        ("kind: cloud\nname: x\nprefix: [47.92.0.0/14, nonsense]", "prefix", 5, ("'nonsense'",)),
        ("kind: carrier\nname: x\nasn: AS0", "asn", 5, ("AS number",)),
        ("kind: carrier\nname: x\nasn: China Telecom", "asn", 5, ("AS number",)),
        ("kind: domain\nname: x\ndomain: https://example.cn/a", "domain", 5, ("not a URL",)),
        ("kind: domain\nname: not a domain", "name", 4, ("domain name",)),
        ("kind: ip\nname: Shanghai office", "name", 4, ("IPv4 or IPv6",)),
        ("kind: component\nname: x\npurl: npm/left-pad", "purl", 5, ("package URL",)),
        ("kind: device\nname: x\ncpe: hikvision", "cpe", 5, ("CPE",)),
        ("kind: cable\nname: x\ncable_id: SEA ME WE", "cable_id", 5, ("TeleGeography cable id",)),
        ("kind: device\nname: x\nbrand: [Hikvision, Dahua]", "brand", 5, ("is a list",)),
        ("kind: vendor\nname: x\ncountry: Narnia", "country", 5, ("country name",)),
        ("kind: network_path\nname: x", "hops", 3, ("needs its hops",)),
        ("kind: network_path\nname: x\nhops: [1.2.3.4, router-1]", "hops", 5, ("'router-1'",)),
        ("kind: ip\nname: 1.2.3.4\nhops: [1.2.3.4]", "hops", 5, ("only for kind network_path",)),
        ("kind: network_path\nname: x\ntraceroute: missing.txt", "traceroute", 5, ("not a file",)),
        ("kind: vendor\nname: x\nnotes: [[a]]", "notes", 5, ("is a list",)),
        ("kind: vendor\nname: x\nprefix: [~]", "prefix", 5, ("empty",)),
    ],
)
def test_bad_asset_fields(tmp_path: Path, body: str, field: str, line: int, words: tuple[str, ...]) -> None:
    error = fails(yaml_asset(tmp_path, body), *words)
    assert (error.record, error.field, error.line) == ("assets[0]", field, line)


def test_error_in_a_later_asset_names_it(tmp_path: Path) -> None:
    text = "assets:\n  - {kind: vendor, name: ZTE}\n  - {kind: vendor, name: Huawei}\n  - {kind: vendr, name: x}\n"
    error = fails(write(tmp_path, text), "'vendr'")
    assert (error.record, error.line, error.field) == ("assets[2]", 4, "kind")


def test_asset_not_a_mapping(tmp_path: Path) -> None:
    error = fails(write(tmp_path, "assets:\n  - Huawei\n"), "expected a mapping")
    assert (error.record, error.line) == ("assets[0]", 2)


def test_huge_field_yaml(tmp_path: Path) -> None:
    long = "x" * (MAX_FIELD_CHARS + 1)
    error = fails(yaml_asset(tmp_path, f"kind: vendor\nname: x\nnotes: {long}"), f"{MAX_FIELD_CHARS + 1} characters")
    assert error.field == "notes"
    assert parse(yaml_asset(tmp_path, f"kind: vendor\nname: x\nnotes: {'x' * MAX_FIELD_CHARS}"))


@pytest.mark.parametrize(
    ("text", "words", "line", "field"),
    [
        ("", ("empty",), None, None),
        ("# only a comment\n", ("no YAML document",), None, None),
        ("- kind: vendor\n", ("expected a mapping",), 1, None),
        ("assets: []\n", ("expected a list of assets",), 1, "assets"),
        ("assets:\n", ("expected a list of assets",), 1, "assets"),
        ("organisation: {name: X}\n", ("expected a list of assets",), None, "assets"),
        ("assets:\n  - {kind: vendor, name: x}\ninventory: 1\n", ("unknown top-level key",), 3, "inventory"),
        ("assets:\n  - kind: vendor\n    name: x\n    name: y\n", ("twice",), 4, "name"),
        ("assets:\n  - kind: vendor\n    name: [x\n", ("malformed YAML",), 4, None),
        ("assets:\n  - kind: vendor\n   name: x\n", ("malformed YAML",), 3, None),
        (
            "organisation: {name: X}\norganization: {name: Y}\nassets:\n  - {kind: vendor, name: x}\n",
            ("both",),
            None,
            "organization",
        ),
        (
            "organisation: {name: X, size: 3}\nassets:\n  - {kind: vendor, name: x}\n",
            ("unknown field",),
            1,
            "organisation.size",
        ),
        ("organisation: {name: [X]}\nassets:\n  - {kind: vendor, name: x}\n", ("a list",), 1, "organisation.name"),
        (
            "organisation: {country: Narnia}\nassets:\n  - {kind: vendor, name: x}\n",
            ("country",),
            1,
            "organisation.country",
        ),
        ("organisation: Example\nassets:\n  - {kind: vendor, name: x}\n", ("expected a mapping",), 1, "organisation"),
    ],
)
def test_bad_yaml_documents(
    tmp_path: Path, text: str, words: tuple[str, ...], line: int | None, field: str | None
) -> None:
    error = fails(write(tmp_path, text), *words)
    assert (error.line, error.field) == (line, field)


def test_bad_encoding_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "inv.yaml"
    path.write_bytes("assets:\n  - kind: vendor\n    name: Telefónica\n".encode("latin-1"))
    error = fails(path, "byte 0xf3", "not valid utf-8")
    assert error.line == 3
    csv_path = tmp_path / "inv.csv"
    csv_path.write_bytes("kind,name\nvendor,Telefónica\n".encode("cp1252"))
    assert fails(csv_path, "not valid utf-8").line == 2


def test_wrong_suffix(tmp_path: Path) -> None:
    fails(write(tmp_path, "assets: []", "inv.json"), "'.json'", ".yaml, .yml or .csv")


@pytest.mark.parametrize(
    ("text", "words", "line", "field"),
    [
        ("kind,name,colour\nvendor,x,red\n", ("unknown field",), 1, "colour"),
        ("kind,name,andriod_package\napp,x,com.a.b\n", ("did you mean 'android_package'",), 1, "andriod_package"),
        ("name,country\nZTE,CN\n", ("no 'kind' column",), 1, "kind"),
        ("kind,country\nvendor,CN\n", ("no 'name' column",), 1, "name"),
        ("kind,name,name\nvendor,x,y\n", ("twice",), 1, "name"),
        ("kind,name,\nvendor,x,\n", ("empty column name",), 1, None),
        ("kind;name\nvendor;x\n", ("separated by ';'",), 1, None),
        ("kind,name\nvendor,x,extra\n", ("has 3 fields; expected 2",), 2, None),
        ("kind,name,country\nvendor,x\n", ("has 2 fields; expected 3",), 2, None),
        ("kind,name\nvendor,\n", ("missing or empty",), 2, "name"),
        ("kind,name\nrouter,x\n", ("'router'",), 2, "kind"),
        ("kind,name,asn\ncarrier,x,AS4134;Telecom\n", ("AS number",), 2, "asn"),
        ("kind,name\n", ("no assets",), None, None),
        ("# nothing but a comment\n", ("no header",), None, None),
        ('kind,name,notes\nvendor,x,"unclosed\n', ("malformed CSV",), None, None),
    ],
)
def test_bad_csv(tmp_path: Path, text: str, words: tuple[str, ...], line: int | None, field: str | None) -> None:
    error = fails(write(tmp_path, text, "inv.csv"), *words)
    if line is not None:
        assert error.line == line
    assert error.field == field


def test_csv_single_valued_column_keeps_semicolons(tmp_path: Path) -> None:
    (asset,) = parse(write(tmp_path, "kind,name,brand,notes\ndevice,x,Hikvision;Dahua,a; b\n", "inv.csv"))
    assert asset.identifier("brand") == "Hikvision;Dahua" and asset.attribute("notes") == "a; b"


def test_csv_error_names_the_row(tmp_path: Path) -> None:
    text = "kind,name,ip\ncloud,a,1.2.3.4\n\n# comment\ncloud,b,1.2.3.999\n"
    error = fails(write(tmp_path, text, "inv.csv"), "'1.2.3.999'")
    assert (error.line, error.record, error.field) == (5, "line 5", "ip")


def test_huge_field_csv(tmp_path: Path) -> None:
    text = f"kind,name,notes\nvendor,x,{'y' * (MAX_FIELD_CHARS + 1)}\n"
    error = fails(write(tmp_path, text, "inv.csv"), f"at most {MAX_FIELD_CHARS}")
    assert (error.line, error.field) == (2, "notes")


def test_missing_file_and_directory(tmp_path: Path) -> None:
    fails(tmp_path / "none.yaml", "not found")
    folder = tmp_path / "dir.yaml"
    folder.mkdir()
    fails(folder, "directory")
