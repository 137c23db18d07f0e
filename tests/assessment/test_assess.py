"""`trustscreen assess` on the repo's examples and real network, cable and app data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from trustscreen import catalog
from trustscreen.assessment.engine import Assessor
from trustscreen.assessment.inputs import detect_type, read_assets
from trustscreen.assessment.resolve import Resolvers
from trustscreen.assets.cables import load_cables
from trustscreen.assets.model import Asset, AssetKind
from trustscreen.assets.network import NetworkResolver
from trustscreen.cli.main import app
from trustscreen.errors import SourceError
from trustscreen.matching import Screener
from trustscreen.policy import make_context
from trustscreen.policy.graph import relation_index
from trustscreen.store import Store

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def screener(tmp_path_factory: pytest.TempPathFactory) -> Screener:
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('assess') / 'a.db'}")
    catalog.ensure_curated(store)
    return Screener.from_store(store)


@pytest.fixture(scope="module")
def resolvers(screener: Screener, shared_data: Path) -> Resolvers:
    network = shared_data / "network"
    found = Resolvers.for_entities(entity for _, entity in relation_index(screener).by_id.values())
    found.network = NetworkResolver(
        [network / "china_operator_ip", network / "asn_china" / "ASN.China.list", network / "cloud"]
    )
    found.cables = load_cables(shared_data / "cables" / "telegeography_2021-06")
    return found


def by_name(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["asset"]["name"]: f for f in data["findings"]}


def test_every_asset_kind_in_the_example_inventory_is_assessed(screener: Screener, resolvers: Resolvers) -> None:
    assets, described = read_assets(EXAMPLES / "inventory.yaml")
    assert described["type"] == "inventory"
    assert {a.kind for a in assets} == set(AssetKind)
    context = make_context(["US", "IN"], on="2026-11-29")
    data = (
        Assessor(screener, context, resolvers=resolvers, flag_landings=["CN", "HK"]).assess(assets, described).to_dict()
    )
    assert set(data) == {"input", "context", "summary", "paths", "findings"}
    findings = by_name(data)
    summary = data["summary"]
    assert summary["assets"] == len(assets) == len(data["findings"])
    assert sum(summary["by_verdict"].values()) == len(assets)
    assert summary["worst"] == "prohibited"

    tiktok = findings["TikTok"]
    assert tiktok["verdicts"] == {"IN": "prohibited", "US": "advisory"}
    assert tiktok["recommended_action"].startswith("IN prohibited (in-it-69a-app-block)")
    assert {"in-it-69a:tiktok", "us-eo-apps:tiktok"} <= {a["entity_id"] for a in tiktok["attributions"]}

    cameras = findings["Lobby CCTV cameras"]
    assert cameras["verdicts"]["US"] == "restricted"  # FCC Covered List; 889 needs a federal role
    assert {"Hikvision", "Hangzhou Hikvision Digital Technology Co., Ltd."} <= {
        a["party"] for a in cameras["attributions"]
    }

    # 1.80.1.2 is in China Telecom's prefixes (chinanet.txt); its Clean Network listing is advisory.
    address = findings["1.80.1.2"]
    assert [a["party"] for a in address["attributions"]] == ["China Telecom"]
    assert "chinanet.txt" in address["attributions"][0]["evidence"]
    assert address["verdict"] == "advisory"
    # The path's private and documentation hops resolve to nothing; the China Telecom hop does.
    path = findings["London to Shanghai branch VPN"]
    assert {a["party"] for a in path["attributions"]} == {"China Telecom"}
    [vpn] = [p for p in data["paths"] if p["path"] == "London to Shanghai branch VPN"]
    assert vpn["clean"] is False and vpn["flagged_hops"][0]["party"] == "China Telecom"

    cable = findings["SEA-ME-WE 5"]
    assert {"China Mobile", "China Telecom", "Orange"} <= {a["party"] for a in cable["attributions"]}
    signal = findings["Signal"]
    assert signal["verdict"] == "clear" and signal["rules"] == []


def test_federal_contractor_role_makes_hikvision_prohibited(screener: Screener, resolvers: Resolvers) -> None:
    assets, _ = read_assets(EXAMPLES / "inventory.yaml")
    cameras = [a for a in assets if a.name == "Lobby CCTV cameras"]
    context = make_context(["US"], roles=["federal-contractor"], on="2026-11-29")
    [finding] = Assessor(screener, context, resolvers=resolvers).assess(cameras).to_dict()["findings"]
    assert finding["verdict"] == "prohibited"
    assert finding["rules"][0]["rule_id"] in {"us-ndaa-889-part-a", "us-ndaa-889-part-b"}


def test_cable_landing_in_flagged_countries(screener: Screener, resolvers: Resolvers) -> None:
    # SeaMeWe-3 lands in China, Hong Kong and Macao among 30+ countries (TeleGeography 2021-06).
    cable = Asset(AssetKind.CABLE, "SeaMeWe-3", "test")
    data = (
        Assessor(screener, make_context(["US"]), resolvers=resolvers, flag_landings=["CN", "MO"])
        .assess([cable])
        .to_dict()
    )
    [finding] = data["findings"]
    assert finding["flagged_landings"] == ["CN", "MO"]
    assert "Lands in CN, MO" in finding["recommended_action"]
    assert data["summary"]["flagged_landings"] == 1


def test_sbom_components_resolve_suppliers(screener: Screener, resolvers: Resolvers) -> None:
    assets, described = read_assets(EXAMPLES / "sbom.cdx.json")
    assert described["type"] == "sbom" and described["spec_version"] == "1.5"
    data = Assessor(screener, make_context(["US"], on="2026-11-29"), resolvers=resolvers).assess(assets).to_dict()
    findings = by_name(data)
    assert findings["HCNetSDK"]["verdicts"]["US"] == "restricted"
    assert findings["commons-lang3"]["verdict"] == "clear"


def test_android_package_list(screener: Screener, resolvers: Resolvers, shared_data: Path) -> None:
    from trustscreen.assets.android import load_community_list

    assets, described = read_assets(EXAMPLES / "packages.txt")
    assert described["type"] == "packages"
    data = Assessor(screener, make_context(["IN"], on="2026-11-29"), resolvers=resolvers).assess(assets).to_dict()
    findings = by_name(data)
    assert findings["com.zhiliaoapp.musically"]["verdict"] == "prohibited"
    assert findings["com.tencent.mm"]["verdict"] == "prohibited"
    assert findings["com.android.chrome"]["verdict"] == "clear"
    # SHAREit's package id is on India's list via the curated bundle too.
    assert findings["com.lenovo.anyshare.gps"]["verdict"] == "prohibited"
    # The community list (not official) names apps the curated lists do not carry.
    community = load_community_list(shared_data / "tech" / "china_apps_android_packages_remove-china-apps.json")
    assert "com.zhiliaoapp.musically" in community.apps


def test_traceroute_input_is_a_clean_path_check(screener: Screener, resolvers: Resolvers, tmp_path: Path) -> None:
    trace = tmp_path / "trace.txt"
    trace.write_text(
        "traceroute to 1.80.1.2 (1.80.1.2), 30 hops max, 60 byte packets\n"
        " 1  192.168.1.1  0.512 ms  0.401 ms  0.388 ms\n"
        " 2  * * *\n"
        " 3  202.97.33.21  180.2 ms  181.0 ms  180.7 ms\n"
        " 4  1.80.1.2  190.1 ms  189.9 ms  190.4 ms\n",
        encoding="utf-8",
    )
    assert detect_type(trace) == "traceroute"
    assets, _ = read_assets(trace)
    assert [a.identifier("hop") for a in assets] == ["1", "3", "4"]
    data = Assessor(screener, make_context(["US"]), resolvers=resolvers).assess(assets).to_dict()
    hops = by_name(data)
    assert hops["192.168.1.1"]["attributions"] == []
    assert hops["1.80.1.2"]["attributions"][0]["party"] == "China Telecom"
    # 192.168.1.1 is private (resolves to nobody); 202.97.33.21 is China Telecom's backbone.
    assert data["summary"]["unresolved"] == 1
    assert hops["202.97.33.21"]["attributions"][0]["party"] == "China Telecom"
    [path] = data["paths"]
    assert path["path"] == "1.80.1.2" and path["hops"] == 3 and path["clean"] is False
    flagged = {(h["hop"], h["party"], h["verdict"]) for h in path["flagged_hops"]}
    assert flagged == {("3", "China Telecom", "advisory"), ("4", "China Telecom", "advisory")}
    assert (data["summary"]["paths"], data["summary"]["clean_paths"]) == (1, 0)


def test_a_path_through_unlisted_networks_is_clean(screener: Screener, resolvers: Resolvers, tmp_path: Path) -> None:
    trace = tmp_path / "tracert.txt"
    trace.write_text(
        "\nTracing route to example.org [93.184.216.34]\nover a maximum of 30 hops:\n\n"
        "  1    <1 ms    <1 ms    <1 ms  192.168.0.1\n"
        "  2     9 ms     8 ms     9 ms  93.184.216.34\n\nTrace complete.\n",
        encoding="utf-8",
    )
    assets, described = read_assets(trace)
    assert described["type"] == "traceroute" and len(assets) == 2
    data = Assessor(screener, make_context(["US"]), resolvers=resolvers).assess(assets).to_dict()
    assert [p["clean"] for p in data["paths"]] == [True]


def test_unknown_input_is_refused(tmp_path: Path) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_text("Dear team,\nplease review.\n", encoding="utf-8")
    with pytest.raises(SourceError, match="cannot tell what this is"):
        read_assets(junk)
    with pytest.raises(SourceError, match="is not a file"):
        read_assets(tmp_path / "missing.yaml")


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("TRUSTSCREEN_DB", str(tmp_path / "cli.db"))
    return CliRunner()


def test_cli_json_md_html_and_fail_on(cli: CliRunner, tmp_path: Path) -> None:
    inventory = str(EXAMPLES / "inventory.csv")
    result = cli.invoke(app, ["assess", inventory, "--as", "US,IN", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {"findings", "summary"} <= set(data) and data["summary"]["worst"] == "prohibited"

    result = cli.invoke(app, ["assess", inventory, "--as", "US,IN", "--fail-on", "prohibited"])
    assert result.exit_code == 1
    result = cli.invoke(app, ["assess", str(EXAMPLES / "sbom.cdx.json"), "--as", "IN", "--fail-on", "restricted"])
    assert result.exit_code == 0, result.output  # nothing in the SBOM is restricted in India

    markdown = tmp_path / "report.md"
    result = cli.invoke(app, ["assess", inventory, "--as", "US,IN", "--format", "md", "-o", str(markdown)])
    assert result.exit_code == 0, result.output
    text = markdown.read_text(encoding="utf-8")
    assert text.startswith("# Technology stack assessment") and "| Prohibited | app | TikTok |" in text

    html = tmp_path / "report.html"
    result = cli.invoke(app, ["assess", inventory, "--as", "US,IN", "--format", "html", "-o", str(html)])
    assert result.exit_code == 0, result.output
    page = html.read_text(encoding="utf-8")
    assert '<table id="assets">' in page and "Assets by verdict" in page and "in-it-69a-app-block" in page


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "pdf"], "--format 'pdf'"),
        (["--fail-on", "everything"], "--fail-on 'everything'"),
        (["--type", "spreadsheet"], "--type 'spreadsheet'"),
        (["--flag-landing", "Atlantis"], "'Atlantis' is not a country"),
        (["--as", "XX"], "jurisdiction 'XX' has no rule pack"),
    ],
)
def test_cli_bad_options(cli: CliRunner, args: list[str], message: str) -> None:
    result = cli.invoke(app, ["assess", str(EXAMPLES / "inventory.csv"), *args])
    assert result.exit_code == 2
    assert message in " ".join(result.stderr.split())


def test_ios_bundle_ids_resolve_like_android_packages() -> None:
    from trustscreen.model import Entity, EntityKind, Identifier, Listing, Name, Relation, RelationKind

    app_entity = Entity(
        "custom:chatapp",
        EntityKind.APP,
        (Name("ChatApp"),),
        listings=(Listing("custom-apps"),),
        identifiers=(
            Identifier("ios_bundle", "com.example.chat"),
            Identifier("android_package", "com.example.chat.android"),
        ),
        relations=(Relation(RelationKind.DEVELOPER, "Example Chat Ltd"),),
    )
    resolvers = Resolvers.for_entities([app_entity])
    ios = Asset(AssetKind.APP, "Chat", "inv", identifiers=(("ios_bundle", "com.example.chat"),))
    found = resolvers.attribute(ios)
    assert [(a.party, a.role, a.entity_id) for a in found][-2:] == [
        ("ChatApp", "app", "custom:chatapp"),
        ("Example Chat Ltd", "developer", None),
    ]
    assert "iOS bundle com.example.chat is listed app custom:chatapp" in found[-2].evidence
    android = Asset(AssetKind.APP, "Chat", "inv", identifiers=(("android_package", "com.example.chat"),))
    assert all(a.entity_id is None for a in resolvers.attribute(android))  # the iOS id is not an Android id
