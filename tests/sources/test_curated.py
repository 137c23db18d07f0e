"""The bundled curated tech-trust lists: whole-bundle schema validation, spot checks of the encoded
facts, and the loader's refusal of broken curated YAML."""

from __future__ import annotations

import csv
import re
from datetime import datetime
from pathlib import Path

import pytest

from trustscreen.errors import SourceError
from trustscreen.model import Entity, EntityKind, NameKind, ParsedList, RelationKind
from trustscreen.sources import curated

# Entries per bundled file, counted independently of the loader with
#   grep -c '^  - id: ' src/trustscreen/data/curated/<file>.yaml
# and justified against the fact sheet (shared/reference/policy-facts.md):
EXPECTED_COUNTS = {
    # s.4.2: 5 (2021-03-12) + 2 (Kaspersky, China Mobile Intl USA, China Telecom Americas = 3 on
    # 2022-03-25) + 3 (Pacific Networks and ComNet as two entities, China Unicom Americas, 2022-09-20)
    # + 3 (UAS category entry, DJI, Autel Robotics, 2025-12-22) + Kaspersky Lab, Inc. (unconfirmed).
    "us-fcc-covered": 15,
    # s.4.4: Huawei, ZTE, Hytera, Hikvision, Dahua.
    "us-ndaa-889": 5,
    # s.3: Huawei, HiSilicon (unconfirmed), Huawei Cloud Brazil, SMIC + 10 affiliates, DJI, QuantumCTek,
    # Hefei National Laboratory, AMMS, GMC, Jicun, Hikvision and Dahua (both unconfirmed).
    "us-bis-el": 22,
    # s.1.2: Huawei (Path + Apps), ZTE, 4 carriers, TikTok, WeChat, 5 cloud providers, HMN Tech.
    "us-clean-network": 14,
    # s.6.2: 59 + 5 + 38 + 31 + 19 apps named per tranche = 152 listings; Rise of Kingdoms is in two.
    "in-it-69a": 151,
    # s.5.1: ByteDance, TikTok, Tencent, WeChat + the 8 apps of EO 13971.
    "us-eo-apps": 12,
    # s.5.2: 20 CCMC (June 2020) + SMIC, CNOOC + DJI, BGI, CSCG + 9 added 2025 + YMTC + 3 other removals.
    "us-cmic-1260h": 38,
    # s.7.1: 2 (2023) + 2 (2025-02) + 10 (2025-03) + Skydio, BRINC + TechInsights, Strategy Analytics,
    # Halifax International Security Forum.
    "cn-uel": 19,
    # 10 persons of the 2021-01-20 MFA sanctions (unconfirmed) + 3 export-control listings of
    # 2025-09-25 + 4 of 2025-01-02 named by the cited source (unconfirmed).
    "cn-countermeasures": 17,
}


@pytest.fixture(scope="module")
def bundle() -> dict[str, ParsedList]:
    return {parsed.info.list_id: parsed for parsed in curated.parse_bundle()}


def entity(bundle: dict[str, ParsedList], entity_id: str) -> Entity:
    list_id = entity_id.split(":", 1)[0]
    return next(item for item in bundle[list_id].entities if item.id == entity_id)


# --- the whole bundle -------------------------------------------------------------------------


def test_bundle_ships_one_file_per_list() -> None:
    names = [path.name for path in curated.bundle_paths()]
    assert names == [
        "cn_countermeasures.yaml",
        "cn_unreliable_entity_list.yaml",
        "in_it_act_69a.yaml",
        "us_bis_entity_list.yaml",
        "us_clean_network.yaml",
        "us_cmic_1260h.yaml",
        "us_eo_apps.yaml",
        "us_fcc_covered_list.yaml",
        "us_ndaa_889.yaml",
    ]
    assert all(curated.sniff(path) for path in curated.bundle_paths())


def test_whole_bundle_validates_against_the_schema(bundle: dict[str, ParsedList]) -> None:
    assert {list_id: len(parsed.entities) for list_id, parsed in bundle.items()} == EXPECTED_COUNTS
    ids = [item.id for parsed in bundle.values() for item in parsed.entities]
    assert len(ids) == len(set(ids)) == sum(EXPECTED_COUNTS.values())
    for parsed in bundle.values():
        assert parsed.info.source_format == "curated"
        assert parsed.info.licence == "public facts, curated by trustscreen"
        assert len(parsed.files) == 1 and Path(parsed.files[0]).is_absolute()
        for item in parsed.entities:
            assert item.source_url and item.source_url.startswith("https://")
            assert item.as_of and datetime.strptime(item.as_of, "%Y-%m-%d")
            assert sum(name.kind is NameKind.PRIMARY for name in item.names) == 1
            for listing in item.listings:
                assert listing.list_id == parsed.info.list_id
                assert listing.source_url and listing.source_url.startswith("https://")
                assert listing.status in curated.STATUSES
                assert (listing.ended_on is not None) == (listing.status in curated.ENDED_STATUSES)


def test_relation_targets_resolve_across_the_bundle(bundle: dict[str, ParsedList]) -> None:
    ids = {item.id for parsed in bundle.values() for item in parsed.entities}
    targets = [
        relation.target_id
        for parsed in bundle.values()
        for item in parsed.entities
        for relation in item.relations
        if relation.target_id
    ]
    # 10 SMIC affiliates + GMC + Jicun + HiSilicon + Huawei Cloud Brazil (14), ComNet (FCC, Clean
    # Network), Kaspersky Lab Inc., WeChat (Clean Network, EO), TikTok (EO), Strategy Analytics (7).
    assert len(targets) == 21
    assert set(targets) <= ids


# --- spot checks against the fact sheet -------------------------------------------------------


def test_fcc_huawei_entry(bundle: dict[str, ParsedList]) -> None:
    huawei = entity(bundle, "us-fcc-covered:huawei")
    assert huawei.kind is EntityKind.ORGANIZATION
    assert huawei.primary_name == "Huawei Technologies Company"
    assert huawei.countries == ("CN",)
    native = [name for name in huawei.names if name.kind is NameKind.NATIVE]
    assert native[0].value == "华为技术有限公司" and native[0].script == "Hani" and native[0].lang == "zh"
    (listing,) = huawei.listings
    assert listing.listed_on == "2021-03-12"
    assert listing.status == "active"
    assert listing.jurisdiction == "US"
    assert "subsidiaries and affiliates" in (listing.scope or "")


def test_fcc_dates_and_scopes(bundle: dict[str, ParsedList]) -> None:
    dates = {item.id.split(":")[1]: item.listings[0].listed_on for item in bundle["us-fcc-covered"].entities}
    assert dates == {
        "huawei": "2021-03-12",
        "zte": "2021-03-12",
        "hytera": "2021-03-12",
        "hikvision": "2021-03-12",
        "dahua": "2021-03-12",
        "kaspersky": "2022-03-25",
        "kaspersky-lab-inc": "2024-07-23",
        "china-mobile-international-usa": "2022-03-25",
        "china-telecom-americas": "2022-03-25",
        "pacific-networks": "2022-09-20",
        "comnet-usa": "2022-09-20",
        "china-unicom-americas": "2022-09-20",
        "uas-foreign-produced": "2025-12-22",
        "dji": "2025-12-22",
        "autel-robotics": "2025-12-22",
    }
    for slug in ("hytera", "hikvision", "dahua"):
        assert (entity(bundle, f"us-fcc-covered:{slug}").listings[0].scope or "").startswith("Public-safety scope only")
    for slug in ("china-mobile-international-usa", "china-telecom-americas", "china-unicom-americas"):
        assert (entity(bundle, f"us-fcc-covered:{slug}").listings[0].scope or "").startswith("Services only")
    assert entity(bundle, "us-fcc-covered:uas-foreign-produced").kind is EntityKind.EQUIPMENT
    assert entity(bundle, "us-fcc-covered:kaspersky-lab-inc").unconfirmed is True
    kaspersky = entity(bundle, "us-fcc-covered:kaspersky")
    assert ("АО «Лаборатория Касперского»", "Cyrl") in [(name.value, name.script) for name in kaspersky.names]
    dji_names = {name.value for name in entity(bundle, "us-fcc-covered:dji").names}
    assert {"SZ DJI", "大疆", "深圳市大疆创新科技有限公司"} <= dji_names


def test_ndaa_889_parts(bundle: dict[str, ParsedList]) -> None:
    for item in bundle["us-ndaa-889"].entities:
        part_a, part_b = item.listings
        assert (part_a.listed_on, part_b.listed_on) == ("2019-08-13", "2020-08-13")
        assert "52.204-24" in (part_a.citation or "") and "52.204-25" in (part_b.citation or "")
        assert "889(a)(1)(A)" in (part_a.citation or "") and "889(a)(1)(B)" in (part_b.citation or "")


def test_smic_entity_list_review_policy(bundle: dict[str, ParsedList]) -> None:
    smic = entity(bundle, "us-bis-el:smic")
    (listing,) = smic.listings
    assert listing.listed_on == "2020-12-18"
    assert listing.licence_requirement == "For all items subject to the EAR"
    assert "10 nm and below" in (listing.licence_review_policy or "")
    assert "EUV" in (listing.licence_review_policy or "")
    assert "case-by-case" in (listing.licence_review_policy or "")
    assert (listing.citation or "").startswith("85 FR 83416")
    assert "中芯国际集成电路制造有限公司" in {name.value for name in smic.names}
    affiliates = [
        item
        for item in bundle["us-bis-el"].entities
        if any(rel.target_id == "us-bis-el:smic" for rel in item.relations)
        and item.listings[0].listed_on == "2020-12-18"
    ]
    assert len(affiliates) == 10


def test_huawei_entity_list_and_unconfirmed_hikvision(bundle: dict[str, ParsedList]) -> None:
    (listing,) = entity(bundle, "us-bis-el:huawei").listings
    assert listing.listed_on == "2019-05-16"
    assert listing.licence_review_policy == "Presumption of denial"
    assert "footnote 1" in (listing.licence_requirement or "")
    # The fact sheet gives no Entity List date for Hikvision or Dahua.
    assert entity(bundle, "us-bis-el:hikvision").unconfirmed is True
    assert entity(bundle, "us-bis-el:dahua").unconfirmed is True
    assert entity(bundle, "us-bis-el:smic").unconfirmed is False
    quantum = entity(bundle, "us-bis-el:quantumctek").listings[0]
    assert (quantum.listed_on, quantum.licence_review_policy) == ("2021-11-24", "Presumption of denial")
    gmc = entity(bundle, "us-bis-el:gmc-semiconductor-wuxi").listings[0]
    assert gmc.listed_on == "2025-09-12"


def test_pompeo_counter_sanction(bundle: dict[str, ParsedList]) -> None:
    pompeo = entity(bundle, "cn-countermeasures:pompeo")
    assert pompeo.kind is EntityKind.PERSON
    assert pompeo.primary_name == "Michael R. Pompeo"
    names = {(name.value, name.kind) for name in pompeo.names}
    assert ("蓬佩奥", NameKind.NATIVE) in names
    assert ("迈克尔·蓬佩奥", NameKind.NATIVE) in names
    assert ("Mike Pompeo", NameKind.ALIAS) in names
    (listing,) = pompeo.listings
    assert (listing.listed_on, listing.jurisdiction, listing.status) == ("2021-01-20", "CN", "active")
    # Not in the fact sheet, so encoded as unconfirmed.
    assert pompeo.unconfirmed is True
    hii = entity(bundle, "cn-countermeasures:huntington-ingalls").listings[0]
    assert (hii.listed_on, hii.citation) == ("2025-09-25", "MOFCOM Announcement No. 51 of 2025")


def test_tiktok_app_ids(bundle: dict[str, ParsedList]) -> None:
    tiktok = entity(bundle, "in-it-69a:tiktok")
    assert tiktok.kind is EntityKind.APP
    assert [(i.scheme, i.value) for i in tiktok.identifiers] == [("android_package", "com.zhiliaoapp.musically")]
    assert tiktok.identifiers[0].note == "community-compiled, not from the order"
    assert [(rel.kind, rel.target_name) for rel in tiktok.relations] == [(RelationKind.DEVELOPER, "ByteDance")]
    assert [listing.listed_on for listing in tiktok.listings] == ["2020-06-29"]
    lite = entity(bundle, "in-it-69a:tiktok-lite")
    assert [i.value for i in lite.identifiers] == [
        "com.zhiliaoapp.musically.go",
        "com.ss.android.ugc.trill.go",
    ]
    assert lite.listings[0].listed_on == "2020-07-24"
    assert entity(bundle, "us-eo-apps:tiktok").identifiers[0].value == "com.zhiliaoapp.musically"


def test_india_tranches(bundle: dict[str, ParsedList]) -> None:
    per_tranche: dict[str, int] = {}
    for item in bundle["in-it-69a"].entities:
        assert item.kind is EntityKind.APP
        for listing in item.listings:
            per_tranche[listing.listed_on or ""] = per_tranche.get(listing.listed_on or "", 0) + 1
    assert per_tranche == {
        "2020-06-29": 59,
        "2020-07-24": 5,
        "2020-09-02": 38,
        "2020-11-24": 31,
        "2022-02-14": 19,
    }
    rok = entity(bundle, "in-it-69a:rise-of-kingdoms-lost-crusade")
    assert [listing.listed_on for listing in rok.listings] == ["2020-09-02", "2022-02-14"]
    # The developer of SHAREit is general knowledge only; the block itself is in the fact sheet.
    shareit = entity(bundle, "in-it-69a:shareit")
    assert shareit.unconfirmed and shareit.relations[0].target_name == "Smart Media4U Technology"
    assert entity(bundle, "in-it-69a:pubg-mobile").relations[0].target_name == "Tencent Games"
    # Suspect community mappings (DU Battery Saver, WeSync, Mi Video Call, ES File Explorer) are left out.
    for slug in ("du-battery-saver", "wesync", "mi-video-call", "es-file-explorer"):
        assert entity(bundle, f"in-it-69a:{slug}").identifiers == ()


def test_executive_order_status_history(bundle: dict[str, ParsedList]) -> None:
    eo_13942, pafaca = entity(bundle, "us-eo-apps:bytedance").listings
    assert (eo_13942.listed_on, eo_13942.status, eo_13942.ended_on) == ("2020-08-06", "revoked", "2021-06-09")
    assert "14034" in (eo_13942.citation or "")
    assert (pafaca.listed_on, pafaca.status, pafaca.ended_on) == ("2025-01-19", "suspended", None)
    assert "14166" in (pafaca.remarks or "")
    wechat = entity(bundle, "us-eo-apps:wechat").listings[0]
    assert "13943" in (wechat.program or "")
    assert (wechat.listed_on, wechat.status, wechat.ended_on) == ("2020-08-06", "revoked", "2021-06-09")
    eo_13971 = [item for item in bundle["us-eo-apps"].entities if "13971" in (item.listings[0].program or "")]
    assert sorted(item.primary_name for item in eo_13971) == [
        "Alipay",
        "CamScanner",
        "QQ Wallet",
        "SHAREit",
        "Tencent QQ",
        "VMate",
        "WPS Office",
        "WeChat Pay",
    ]
    assert {(item.listings[0].listed_on, item.listings[0].ended_on) for item in eo_13971} == {
        ("2021-01-05", "2021-06-09")
    }


def test_cmic_and_1260h_status_changes(bundle: dict[str, ParsedList]) -> None:
    ccmc, h1260 = entity(bundle, "us-cmic-1260h:china-telecom").listings
    assert (ccmc.listed_on, ccmc.status, ccmc.ended_on) == ("2020-06", "superseded", "2021-06-03")
    assert (h1260.status, h1260.ended_on) == ("removed", "2025-01-07")
    nscmic, dji_1260h = entity(bundle, "us-cmic-1260h:dji").listings
    assert (nscmic.listed_on, dji_1260h.listed_on) == ("2021-12", "2022-10-05")
    added_2025 = ("tencent", "catl", "cxmt", "cosco-shipping", "quectel", "autel-robotics", "mgi-tech")
    for slug in (*added_2025, "sensetime", "origincell"):
        (listing,) = entity(bundle, f"us-cmic-1260h:{slug}").listings
        assert listing.listed_on == "2025-01-07"
    ccmc_2020_06 = [item for item in bundle["us-cmic-1260h"].entities if item.listings[0].listed_on == "2020-06"]
    assert len(ccmc_2020_06) == 20


def test_clean_network_is_advisory(bundle: dict[str, ParsedList]) -> None:
    statuses = {listing.status for item in bundle["us-clean-network"].entities for listing in item.listings}
    assert statuses == {"advisory"}
    programs = {listing.program for item in bundle["us-clean-network"].entities for listing in item.listings}
    assert programs == {
        f"Clean Network - {line}"
        for line in (
            "5G Clean Path",
            "Clean Carrier",
            "Clean Store",
            "Clean Apps",
            "Clean Cloud",
            "Clean Cable",
        )
    }
    path = entity(bundle, "us-clean-network:zte").listings[0]
    assert (path.listed_on, path.program) == ("2020-04-29", "Clean Network - 5G Clean Path")


def test_unreliable_entity_list(bundle: dict[str, ParsedList]) -> None:
    lockheed = entity(bundle, "cn-uel:lockheed-martin")
    assert lockheed.primary_name == "Lockheed Martin Corporation"
    assert lockheed.listings[0].listed_on == "2023-02-16" and lockheed.listings[0].jurisdiction == "CN"
    skydio = entity(bundle, "cn-uel:skydio").listings[0]
    assert (skydio.listed_on, skydio.status) == ("2025-04-04", "suspended")
    assert "2025-05-14" in (skydio.remarks or "")
    march = [item for item in bundle["cn-uel"].entities if item.listings[0].listed_on == "2025-03-04"]
    assert len(march) == 10


# --- cross-checks against independent transcriptions in ../shared/data --------------------------


def _normal(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


@pytest.mark.shared_data
def test_fcc_dates_match_the_opensanctions_transcription(shared_data: Path, bundle: dict[str, ParsedList]) -> None:
    with (shared_data / "tech" / "fcc_covered_list_table_opensanctions.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    checked = 0
    for item in bundle["us-fcc-covered"].entities:
        matches = [
            row
            for row in rows
            if any(
                f" {_normal(name.value)} " in f" {_normal(row['covered_equipment_or_services'])} "
                for name in item.names[:1]
            )
        ]
        if not matches:
            continue  # DJI and Autel are named only via NDAA s.1709 in that table
        (row,) = matches
        date = re.match(r"[A-Z][a-z]+ \d{1,2}, \d{4}", row["date_of_inclusion_on_covered_list"])
        assert date is not None
        assert datetime.strptime(date.group(0), "%B %d, %Y").date().isoformat() == item.listings[0].listed_on
        checked += 1
    # Every entry but DJI and Autel: 11 company entries from the fact sheet, Kaspersky Lab, Inc. and the
    # UAS category entry.
    assert checked == 13


@pytest.mark.shared_data
def test_section_889_names_match_the_statute_transcription(shared_data: Path, bundle: dict[str, ParsedList]) -> None:
    with (shared_data / "tech" / "us_special_leg_section_889.csv").open(encoding="utf-8") as handle:
        names = {row["name"] for row in csv.DictReader(handle)}
    assert {item.primary_name for item in bundle["us-ndaa-889"].entities} == names


# --- sniff and parse contract -----------------------------------------------------------------


def test_sniff_claims_only_curated_yaml(tmp_path: Path) -> None:
    aliases = Path(curated.__file__).parent.parent / "data" / "reference" / "country_aliases.yaml"
    assert curated.sniff(aliases) is False
    other = tmp_path / "list.csv"
    other.write_text("list_id,entries\nx,y\n", encoding="utf-8")
    assert curated.sniff(other) is False
    json_file = tmp_path / "list.json"
    json_file.write_text('{"list_id": "x", "entries": []}', encoding="utf-8")
    assert curated.sniff(json_file) is False
    assert curated.sniff(tmp_path) is False
    indented = tmp_path / "nested.yaml"
    indented.write_text("meta:\n  list_id: x\n  entries: []\n", encoding="utf-8")
    assert curated.sniff(indented) is False
    assert curated.sniff(write(tmp_path, VALID)) is True


def test_parse_refuses_a_directory() -> None:
    folder = curated.bundle_paths()[0].parent
    with pytest.raises(SourceError, match="is a directory"):
        curated.parse(folder)


# --- malformed input --------------------------------------------------------------------------

VALID = """\
list_id: xx-test
title: Test list
jurisdiction: US
publisher: Test publisher
source_url: https://example.gov/list
as_of: "2024-01-31"
licence: public facts, curated by trustscreen
description: A list for tests.
entries:
  - id: xx-test:acme
    kind: organization
    names:
      - {value: Acme Widgets Ltd., kind: primary}
      - {value: 阿克米, kind: native, script: Hani}
    countries: [CN]
    source_url: https://example.gov/acme
    as_of: "2024-01-31"
    relations:
      - {kind: parent, target_name: Acme Holdings, target_id: "xx-test:acme-holdings"}
    listings:
      - list_id: xx-test
        program: Test program
        jurisdiction: US
        listed_on: "2021-03-12"
        status: active
        source_url: https://example.gov/acme/listing
  - id: xx-test:acme-holdings
    kind: organization
    names:
      - {value: Acme Holdings, kind: primary}
    countries: []
    source_url: https://example.gov/holdings
    as_of: "2024-01-31"
    listings:
      - list_id: xx-test
        program: Test program
        jurisdiction: US
        listed_on: "2020"
        ended_on: "2023-05-01"
        status: removed
        source_url: https://example.gov/holdings/listing
"""


def write(tmp_path: Path, text: str, name: str = "test.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def parse_error(tmp_path: Path, text: str) -> SourceError:
    with pytest.raises(SourceError) as info:
        curated.parse(write(tmp_path, text))
    return info.value


def test_valid_file_parses(tmp_path: Path) -> None:
    parsed = curated.parse(write(tmp_path, VALID))
    assert [item.id for item in parsed.entities] == ["xx-test:acme", "xx-test:acme-holdings"]
    assert parsed.entities[0].names[0].script == "Latn"  # filled in from the text
    assert parsed.entities[1].listings[0].listed_on == "2020"


def test_missing_source_url_names_entry_and_field(tmp_path: Path) -> None:
    error = parse_error(tmp_path, VALID.replace("    source_url: https://example.gov/acme\n", ""))
    assert (error.record, error.field) == ("xx-test:acme", "source_url")
    assert error.line == 10
    assert "missing" in str(error)


def test_bad_date_names_entry_and_field(tmp_path: Path) -> None:
    error = parse_error(tmp_path, VALID.replace('listed_on: "2021-03-12"', 'listed_on: "2021-02-30"'))
    assert (error.record, error.field) == ("xx-test:acme", "listings[0].listed_on")
    error = parse_error(tmp_path, VALID.replace('listed_on: "2021-03-12"', "listed_on: 12/03/2021"))
    assert error.field == "listings[0].listed_on"
    error = parse_error(
        tmp_path,
        VALID.replace('    as_of: "2024-01-31"\n    relations', "    as_of: 2024-1-31\n    relations"),
    )
    assert (error.record, error.field) == ("xx-test:acme", "as_of")


def test_duplicate_id_names_entry_and_field(tmp_path: Path) -> None:
    error = parse_error(tmp_path, VALID.replace("id: xx-test:acme-holdings", "id: xx-test:acme"))
    assert (error.record, error.field) == ("xx-test:acme", "id")
    assert "duplicate" in str(error)


def test_malformed_url_names_entry_and_field(tmp_path: Path) -> None:
    for bad in ("htps://example.gov/x", "https://exa mple.gov/x", "example.gov/x", "https://localhost/x"):
        error = parse_error(tmp_path, VALID.replace("https://example.gov/acme/listing", bad))
        assert (error.record, error.field) == ("xx-test:acme", "listings[0].source_url"), bad


def test_truncated_yaml(tmp_path: Path) -> None:
    # Cut at a line boundary the YAML still parses, so the schema must notice the missing listings.
    cut = VALID[: VALID.rindex("    listings:")]
    error = parse_error(tmp_path, cut)
    assert (error.record, error.field) == ("xx-test:acme-holdings", "listings")
    # Cut inside a quoted scalar the YAML itself is broken: the error gives the line.
    error = parse_error(tmp_path, VALID[: VALID.index('2021-03-12"') + 5])
    assert error.line == 24 and "malformed YAML" in str(error)


def test_other_schema_violations(tmp_path: Path) -> None:
    cases = {
        "status: active": ("status: banned", "listings[0].status"),
        "kind: organization\n    names:\n      - {value: Acme Widgets": (
            "kind: company\n    names:\n      - {value: Acme Widgets",
            "kind",
        ),
        "countries: [CN]": ("countries: [China]", "countries[0]"),
        "{value: 阿克米, kind: native, script: Hani}": (
            "{value: 阿克米, kind: native, script: Cyrl}",
            "names[1].script",
        ),
        "{value: Acme Widgets Ltd., kind: primary}": (
            "{value: Acme Widgets Ltd., kind: primary, colour: red}",
            "names[0].colour",
        ),
        'target_id: "xx-test:acme-holdings"': ('target_id: "xx-test:nobody"', "relations[0].target_id"),
        "countries: [CN]\n    source_url": (
            "countries: [CN]\n    remarks: [1, 2]\n    source_url",
            "remarks",
        ),
        '        listed_on: "2021-03-12"\n        status: active': (
            '        listed_on: "2021-03-12"\n        status: revoked',
            "listings[0].ended_on",
        ),
    }
    for old, (new, field) in cases.items():
        assert old in VALID, old
        error = parse_error(tmp_path, VALID.replace(old, new, 1))
        assert error.record == "xx-test:acme" and error.field == field, (new, error)
    # An id outside the file's namespace is refused (ids are "<list_id>:<slug>").
    error = parse_error(tmp_path, VALID.replace("id: xx-test:acme\n", "id: yy-test:acme\n"))
    assert (error.record, error.field) == ("yy-test:acme", "id")


def test_duplicate_key_and_empty_and_encoding(tmp_path: Path) -> None:
    error = parse_error(tmp_path, VALID.replace("    countries: [CN]\n", "    countries: [CN]\n    countries: [US]\n"))
    assert (error.line, error.field) == (16, "countries")
    error = parse_error(tmp_path, VALID[: VALID.index("entries:")] + "entries: []\n")
    assert error.field == "entries"
    empty = write(tmp_path, "\n", "empty.yaml")
    with pytest.raises(SourceError, match="empty"):
        curated.parse(empty)
    latin1 = tmp_path / "latin1.yaml"
    latin1.write_bytes(VALID.replace("阿克米", "Acmé").encode("latin-1"))
    with pytest.raises(SourceError) as info:
        curated.parse(latin1)
    assert info.value.line == 14 and "utf-8" in str(info.value)
    error = parse_error(tmp_path, "- just\n- a list\n")
    assert "mapping" in str(error)


def test_validate_bundle_checks_ids_and_targets_across_lists(tmp_path: Path) -> None:
    first = curated.parse(write(tmp_path, VALID, "first.yaml"))
    other = VALID.replace("xx-test", "zz-test")
    second = curated.parse(write(tmp_path, other, "second.yaml"))
    assert len(curated.validate_bundle([first, second])) == 2
    dangling = other.replace('target_id: "zz-test:acme-holdings"', 'target_id: "xx-test:nobody"')
    third = curated.parse(write(tmp_path, dangling, "third.yaml"))
    with pytest.raises(SourceError) as info:
        curated.validate_bundle([first, third])
    assert (info.value.record, info.value.field) == ("zz-test:acme", "relations[0].target_id")
    with pytest.raises(SourceError) as info:
        curated.validate_bundle([first, first])
    assert (info.value.record, info.value.field) == ("xx-test:acme", "id")
