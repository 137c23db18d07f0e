"""TeleGeography submarine cables: the real 2021-06 snapshot loads whole, owners split right, landing
countries resolve, lookups find cables by loose names, and malformed datasets are refused by file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from trustscreen.assets.cables import CableIndex, load_cables, resolve_cable, split_owners
from trustscreen.assets.inventory import parse as parse_inventory
from trustscreen.assets.model import Asset, AssetKind
from trustscreen.errors import SourceError

REPO = Path(__file__).resolve().parents[2]
DATASET = "cables/telegeography_2021-06"

# Counted independently of the loader, in ../shared/data/cables/telegeography_2021-06/cable:
#   ls | grep -vc '^all.json$'                                  → 484 cable files
#   grep -o '"landing_point_id"' *.json | wc -l                 → 2144 landing points (all.json has none)
CABLES = 484
LANDING_POINTS = 2144
# Splitting every owners string at "," gives 409 distinct parts (python: set of p.strip()); five of
# them are legal forms TeleGeography split off ("LLC.", "Lda.", "Inc (OSI)", "Inc.") or "n.a.", and
# five are the names those forms belong to (Blackburn Technologies, Kakike, KumoxiCom, Ocean
# Specialists, Virgin Islands Next Generation Networks), which never occur alone. Gluing yields five
# names with commas: 409 - 5 - 5 + 5 = 404.
DISTINCT_OWNERS = 404
# grep -l '"owners": *"n\.a\."' *.json → alonso-de-ojeda, colombian-festoon,
# senegal-horn-of-africa-regional-express-share-cable, uk-channel-islands-8.
NO_OWNER = 4
# grep -l 'China Telecom\|China Unicom\|China Mobile' *.json (without all.json) → 21; no other owner
# name starts with "China".
CHINESE_CARRIER_OWNED = 21
# grep -l '"name": *"[^"]*, China"' *.json → 18 cables land somewhere TeleGeography calls China. Of
# those, 13 land in mainland China (Chongming, Dadeng Island, Fuzhou, Guanyin Mountain, Lingang,
# Nanhui, Qingdao, Shanghai, Shantou, Wenchang, Zhuhai), 14 in Hong Kong (Cape D'Aguilar, Chung Hom
# Kok, Deep Water Bay, Lantau Island, Tong Fuk, Tseung Kwan O) and 1 (seamewe-3) in Macau (Taipa).
# US territories written like states count as their own countries:
#   grep -l ', GU, United States"\|, Guam"' *.json → 12; grep -l ', PR, United States"\|, Puerto Rico"' → 13.
TOUCHING = {("CN",): 13, ("HK",): 14, ("MO",): 1, ("CN", "HK", "MO"): 18, ("GU",): 12, ("PR",): 13}


@pytest.fixture(scope="module")
def cables(shared_data: Path) -> CableIndex:
    return load_cables(shared_data / DATASET)


# --- the real snapshot ----------------------------------------------------------------------


def test_snapshot_counts(cables: CableIndex) -> None:
    assert len(cables) == CABLES
    assert sum(len(cable.landing_points) for cable in cables.cables) == LANDING_POINTS
    assert len({owner for cable in cables.cables for owner in cable.owners}) == DISTINCT_OWNERS
    assert sorted(cable.id for cable in cables.cables if not cable.owners) == [
        "alonso-de-ojeda",
        "colombian-festoon",
        "senegal-horn-of-africa-regional-express-share-cable",
        "uk-channel-islands-8",
    ]
    assert len(cables.cables_owned_by(lambda owner: owner.startswith("China"))) == CHINESE_CARRIER_OWNED
    for countries, count in TOUCHING.items():
        assert len(cables.cables_touching(countries)) == count, countries


def test_loads_the_cable_folder_itself(shared_data: Path) -> None:
    assert len(load_cables(shared_data / DATASET / "cable")) == CABLES


def test_seamewe5_field_by_field(cables: CableIndex) -> None:
    cable = cables.get("seamewe-5")
    assert cable is not None
    assert (cable.cable_id, cable.name, cable.rfs, cable.rfs_year) == (1559, "SeaMeWe-5", "2016 December", 2016)
    assert (cable.length, cable.url, cable.notes) == ("20,000 km", "http://www.seamewe5.com", None)
    assert len(cable.owners) == 19
    assert cable.owners[:4] == (
        "Telekom Malaysia",
        "Bangladesh Submarine Cable Company Limited (BSCCL)",
        "China Mobile",
        "China Telecom",
    )
    assert "China Unicom" in cable.owners and cable.owners[-1] == "Djibouti Telecom"
    assert len(cable.landing_points) == 18
    first = cable.landing_points[0]
    assert (first.id, first.name, first.country, first.tbd) == ("abu-talat-egypt", "Abu Talat, Egypt", "EG", False)
    assert cable.countries == (
        "AE", "BD", "DJ", "EG", "FR", "ID", "IT", "LK", "MM", "MY", "OM", "PK", "SA", "SG", "TR", "YE",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("cable_id", "owners"),
    [
        # "Ocean Specialists,  Inc (OSI)" in the file.
        ("poseidon", ("Ocean Specialists, Inc (OSI)",)),
        # "Kakike,  Lda.,  KumoxiCom,  Lda.": the same suffix twice must not merge the owners.
        ("nzadi-cable-system", ("Kakike, Lda.", "KumoxiCom, Lda.")),
        ("st-thomas-st-croix-system", ("Virgin Islands Next Generation Networks, Inc.",)),
        ("marea", ("Facebook", "Microsoft", "Telxius")),
    ],
)
def test_owner_names_with_commas_stay_whole(cables: CableIndex, cable_id: str, owners: tuple[str, ...]) -> None:
    cable = cables.get(cable_id)
    assert cable is not None and cable.owners == owners


def test_boriken_owner_with_llc(cables: CableIndex) -> None:
    cable = cables.get("boriken-submarine-cable-system-bscs")
    assert cable is not None and "Blackburn Technologies, LLC." in cable.owners
    assert "LLC." not in cable.owners


def test_repeated_owner_listed_once(cables: CableIndex) -> None:
    # seamewe-3's owners string has 53 parts; "Singtel Optus" appears three times.
    cable = cables.get("seamewe-3")
    assert cable is not None
    assert len(cable.owners) == 51 and cable.owners.count("Singtel Optus") == 1


@pytest.mark.parametrize(
    ("cable_id", "point_name", "country"),
    [
        ("2africa", "Muanda, Congo, Dem. Rep.", "CD"),
        ("2africa", "Pointe-Noire, Congo, Rep.", "CG"),
        ("saba-statia-cable-system-sscs", "Gallows Bay, Bonaire, Sint Eustatius and Saba", "BQ"),
        ("saba-statia-cable-system-sscs", "Great Bay Beach, Saint Martin", "MF"),
        ("sint-maarten-puerto-rico-network-one-smpr-1", "Philipsburg, Sint Maarten", "SX"),
        ("equiano", "Rupert's Bay, Saint Helena, Ascension and Tristan da Cunha", "SH"),
        ("boriken-submarine-cable-system-bscs", "Frederiksted, Virgin Islands (U.S.)", "VI"),
        ("east-west", "Nanny Cay, Virgin Islands (U.K.)", "VG"),
        ("marea", "Virginia Beach, VA, United States", "US"),
        ("global-caribbean-network-gcn", "Saint Martin, Guadeloupe", "GP"),
        ("seamewe-3", "Taipa, China", "MO"),
        ("seamewe-3", "Shantou, China", "CN"),
        ("asia-america-gateway-aag-cable-system", "Lantau Island, China", "HK"),
        ("asia-america-gateway-aag-cable-system", "Tanguisson Point, GU, United States", "GU"),
        ("asia-america-gateway-aag-cable-system", "Keawaula, HI, United States", "US"),
    ],
)
def test_landing_countries(cables: CableIndex, cable_id: str, point_name: str, country: str) -> None:
    cable = cables.get(cable_id)
    assert cable is not None
    assert {point.name: point.country for point in cable.landing_points}[point_name] == country


def test_index_and_file_slug_disagree_but_load(cables: CableIndex) -> None:
    # all.json says "sabastatia-cable-system-sscs"; the file and its id say saba-statia-…; same cable_id.
    cable = cables.get("saba-statia-cable-system-sscs")
    assert cable is not None and cable.cable_id == 1807
    assert cable.owners == ("Government of the Netherlands",)
    assert cable.countries == ("BL", "BQ", "KN", "MF")


def test_unknown_rfs_and_length(cables: CableIndex) -> None:
    equiano = cables.get("equiano")
    assert equiano is not None and equiano.length is None and equiano.rfs_year == 2021
    assert sum(cable.rfs_year is None for cable in cables.cables) == 3  # rfs "n.a." in 3 files


# --- lookups and resolution -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "cable_id"),
    [
        ("SEA-ME-WE 5", "seamewe-5"),
        ("seamewe5", "seamewe-5"),
        ("SeaMeWe-5", "seamewe-5"),
        ("seamewe-5", "seamewe-5"),
        ("1559", "seamewe-5"),
        ("AAG", "asia-america-gateway-aag-cable-system"),
        ("Asia-America Gateway Cable System", "asia-america-gateway-aag-cable-system"),
        ("2Africa", "2africa"),
        ("Saba Statia Cable System", "saba-statia-cable-system-sscs"),
    ],
)
def test_lookup(cables: CableIndex, text: str, cable_id: str) -> None:
    cable = cables.lookup(text)
    assert cable is not None and cable.id == cable_id


def test_ambiguous_and_unknown_names(cables: CableIndex) -> None:
    # "(BSCS)" ends both Batam-Singapore Cable System and Boriken Submarine Cable System.
    assert cables.lookup("BSCS") is None
    assert [cable.id for cable in cables.find("BSCS")] == [
        "batam-singapore-cable-system-bscs",
        "boriken-submarine-cable-system-bscs",
    ]
    assert cables.lookup("No Such Cable") is None and cables.find("  ") == []


def test_resolve_inventory_cable_by_name(cables: CableIndex) -> None:
    asset = next(a for a in parse_inventory(REPO / "examples" / "inventory.yaml") if a.kind is AssetKind.CABLE)
    assert asset.name == "SEA-ME-WE 5"
    found = resolve_cable(asset, cables)
    assert len(found) == 19 and {item.role for item in found} == {"owner"}
    by_party = {item.party: item for item in found}
    assert {"China Telecom", "China Unicom", "China Mobile"} <= set(by_party)
    telecom = by_party["China Telecom"]
    assert telecom.evidence == (
        "SeaMeWe-5 (TeleGeography cable seamewe-5, telegeography_2021-06): owners include China Telecom"
    )
    assert dict(telecom.details)["landing_countries"].startswith("AE, BD, DJ")
    assert dict(telecom.details)["rfs"] == "2016 December"


def test_resolve_by_cable_id_identifier(cables: CableIndex) -> None:
    asset = Asset(AssetKind.CABLE, "Transatlantic link", "t", identifiers=(("cable_id", "marea"),))
    assert [item.party for item in cables.resolve_cable(asset)] == ["Facebook", "Microsoft", "Telxius"]


def test_resolve_returns_nothing_for_other_assets(cables: CableIndex) -> None:
    assert cables.resolve_cable(Asset(AssetKind.VENDOR, "SeaMeWe-5", "t")) == []
    assert cables.resolve_cable(Asset(AssetKind.CABLE, "No Such Cable", "t")) == []
    assert cables.resolve_cable(Asset(AssetKind.CABLE, "BSCS", "t")) == []  # ambiguous
    assert cables.resolve_cable(Asset(AssetKind.CABLE, "Alonso de Ojeda", "t")) == []  # owners n.a.


def test_cables_touching_rejects_unknown_country(cables: CableIndex) -> None:
    with pytest.raises(ValueError, match="Atlantis"):
        cables.cables_touching(["Atlantis"])
    assert len(cables.cables_touching(["China"])) == TOUCHING[("CN",)]


@pytest.mark.parametrize(
    ("text", "owners"),
    [
        ("Acme Telecom Co.,  Ltd.,  Beta Networks", ("Acme Telecom Co., Ltd.", "Beta Networks")),
        ("Gamma, S.A., Delta GmbH", ("Gamma, S.A.", "Delta GmbH")),
        ("n.a.", ()),
        ("", ()),
        (None, ()),
        ("BT,  BT", ("BT",)),
    ],
)
def test_split_owners(text: str | None, owners: tuple[str, ...]) -> None:
    assert split_owners(text) == owners


# --- malformed datasets ---------------------------------------------------------------------


def cable_json(slug: str = "test-cable", number: int = 1, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": slug,
        "name": "Test Cable",
        "cable_id": number,
        "landing_points": [
            {"landing_point_id": 1, "id": "a-china", "name": "Shantou, China", "is_tbd": "false"},
            {"landing_point_id": 2, "id": "b-sg", "name": "Tuas, Singapore", "is_tbd": "false"},
        ],
        "length": "1,000 km",
        "rfs": "2022 Q4",
        "owners": "China Unicom,  Singtel",
        "url": None,
        "notes": None,
    }
    data.update(changes)
    return data


def make_dataset(root: Path, cables: list[dict[str, Any]], index: list[dict[str, Any]] | None = None) -> Path:
    folder = root / "cable"
    folder.mkdir(parents=True)
    for cable in cables:
        (folder / f"{cable['id']}.json").write_text(json.dumps(cable), "utf-8")
    if index is None:
        index = [{"id": c["id"], "cable_id": c["cable_id"], "name": c["name"]} for c in cables]
    (folder / "all.json").write_text(json.dumps(index), "utf-8")
    return root


def test_small_dataset_with_suppliers(tmp_path: Path) -> None:
    index = load_cables(make_dataset(tmp_path, [cable_json(suppliers="HMN Tech")]))
    found = index.resolve_cable(Asset(AssetKind.CABLE, "test cable", "t"))
    assert [(item.party, item.role) for item in found] == [
        ("China Unicom", "owner"),
        ("Singtel", "owner"),
        ("HMN Tech", "supplier"),
    ]
    cable = index.get("test-cable")
    assert cable is not None and cable.rfs_year == 2022 and cable.countries == ("CN", "SG")


def expect_error(path: Path, *words: str) -> SourceError:
    with pytest.raises(SourceError) as info:
        load_cables(path)
    message = str(info.value)
    for word in words:
        assert word in message, message
    return info.value


def test_truncated_cable_file(tmp_path: Path) -> None:
    root = make_dataset(tmp_path, [cable_json()])
    target = root / "cable" / "test-cable.json"
    target.write_text('{"id": "test-cable",\n "name": "Te', "utf-8")
    error = expect_error(root, "test-cable.json", "invalid JSON")
    assert error.line == 2


def test_wrong_encoding(tmp_path: Path) -> None:
    root = make_dataset(tmp_path, [cable_json()])
    target = root / "cable" / "test-cable.json"
    target.write_bytes(json.dumps(cable_json(owners="Telef\u00f3nica"), ensure_ascii=False).encode("latin-1"))
    expect_error(root, "test-cable.json", "not valid utf-8")


def test_file_name_must_match_id(tmp_path: Path) -> None:
    root = make_dataset(tmp_path, [cable_json()])
    (root / "cable" / "test-cable.json").rename(root / "cable" / "other.json")
    error = expect_error(root, "other.json", "holds cable 'test-cable'")
    assert error.field == "id"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"cable_id": "1"}, "cable_id"),
        ({"cable_id": True}, "cable_id"),
        ({"name": ""}, "name"),
        ({"owners": ["China Unicom"]}, "owners"),
        ({"landing_points": "Shantou"}, "landing_points"),
        ({"landing_points": ["Shantou"]}, "landing_points[0]"),
        ({"landing_points": [{"id": "x", "name": "Atlantis City, Atlantis"}]}, "landing_points[0].name"),
        ({"landing_points": [{"id": "x", "name": "Tuas, Singapore", "is_tbd": "maybe"}]}, "landing_points[0].is_tbd"),
        ({"landing_points": [{"name": "Tuas, Singapore"}]}, "id"),
    ],
)
def test_malformed_cable_fields(tmp_path: Path, changes: dict[str, Any], field: str) -> None:
    root = make_dataset(tmp_path, [cable_json(**changes)])
    error = expect_error(root, "test-cable.json")
    assert error.field == field


def test_top_level_not_object(tmp_path: Path) -> None:
    root = make_dataset(tmp_path, [cable_json()])
    (root / "cable" / "test-cable.json").write_text("[1, 2]", "utf-8")
    expect_error(root, "test-cable.json", "expected a cable object")


def test_missing_index_is_half_a_file_set(tmp_path: Path) -> None:
    root = make_dataset(tmp_path, [cable_json()])
    (root / "cable" / "all.json").unlink()
    expect_error(root, "all.json", "half a file set")


def test_index_lists_a_missing_file(tmp_path: Path) -> None:
    index = [{"id": "test-cable", "cable_id": 1, "name": "T"}, {"id": "gone", "cable_id": 2, "name": "Gone"}]
    root = make_dataset(tmp_path, [cable_json()], index)
    expect_error(root, "all.json", "gone (2)", "no file")


def test_file_missing_from_index(tmp_path: Path) -> None:
    root = make_dataset(tmp_path, [cable_json(), cable_json("second", 2)], [{"id": "test-cable", "cable_id": 1}])
    expect_error(root, "all.json", "second.json", "does not list")


def test_duplicate_cable_id(tmp_path: Path) -> None:
    root = make_dataset(tmp_path, [cable_json(), cable_json("second", 1)])
    error = expect_error(root, "cable_id 1 is also used by")
    assert error.field == "cable_id"


def test_empty_file_and_empty_folder(tmp_path: Path) -> None:
    root = make_dataset(tmp_path / "a", [cable_json()])
    (root / "cable" / "test-cable.json").write_text("", "utf-8")
    expect_error(root, "test-cable.json", "empty")
    empty = make_dataset(tmp_path / "b", [], [])
    expect_error(empty, "no cable files")


def test_bad_index_shape(tmp_path: Path) -> None:
    root = make_dataset(tmp_path, [cable_json()], [{"id": "test-cable", "cable_id": "1"}])
    error = expect_error(root, "all.json")
    assert error.field == "cable_id"


def test_path_not_a_dataset(tmp_path: Path) -> None:
    expect_error(tmp_path / "nowhere", "not found")
    file = tmp_path / "cables.json"
    file.write_text("{}", "utf-8")
    expect_error(file, "is a file")
