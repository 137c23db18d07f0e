from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from trustscreen.errors import SourceError
from trustscreen.model import EntityKind, NameKind, ParsedList
from trustscreen.sources import csl

HEADER = ",".join(csl.COLUMNS)
EL = "Entity List (EL) - Bureau of Industry and Security"
SDN = "Specially Designated Nationals (SDN) - Treasury Department"


@pytest.fixture(scope="module")
def csl_2023(shared_data: Path) -> Path:
    return shared_data / "csl" / "csl_2023-11.csv"


@pytest.fixture(scope="module")
def csl_2023_whole_rows(csl_2023: Path, tmp_path_factory: pytest.TempPathFactory) -> ParsedList:
    """The snapshot ends mid-row (see test_real_2023_snapshot_is_truncated_and_refused); drop that row."""
    data = csl_2023.read_bytes()
    path = tmp_path_factory.mktemp("csl") / "csl_2023-11_whole_rows.csv"
    path.write_bytes(data[: data.rindex(b"\n") + 1])
    return csl.parse(path)


@pytest.fixture(scope="module")
def fixture_2025(shared_data: Path) -> ParsedList:
    return csl.parse(shared_data / "csl" / "watchman_2025_fixture" / "consolidated_fixture.csv")


def by_id(parsed: ParsedList) -> dict[str, object]:
    return {e.id: e for e in parsed.entities}


def write(tmp_path: Path, text: str, name: str = "csl.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def csv_row(**values: str) -> str:
    return ",".join(f'"{values.get(c, "")}"' for c in csl.COLUMNS)


# --- Real files -------------------------------------------------------------------------------


def test_real_2023_snapshot_is_truncated_and_refused(csl_2023: Path) -> None:
    # The file stops inside the addresses field of SDN 11476 (BERMUDEZ SUAZA) on its last line, 4233
    # (`tail -c 300` shows no closing quote). A half row must not load as a shorter list.
    with pytest.raises(SourceError) as error:
        csl.parse(csl_2023)
    assert error.value.line == 4233
    assert "closing quote" in error.value.problem


def test_real_2023_counts(csl_2023_whole_rows: ParsedList) -> None:
    parsed = csl_2023_whole_rows
    # Independent check: python csv.DictReader gives 4228 rows after the header; minus the repeated
    # header row (_id == "_id") and the torn last row → 4226 list entries, one Listing each.
    assert sum(len(e.listings) for e in parsed.entities) == 4226
    # Seven _ids occur twice (17014, 17016, 17143, 17250, 17254 on SSI and NS-MBS; 9647, 9659 on SDN and
    # NS-PLC): same OFAC entity number, so 4226 - 7 = 4219 entities.
    assert len(parsed.entities) == 4219
    assert len({e.id for e in parsed.entities}) == 4219
    assert "us-csl:_id" not in by_id(parsed)
    # Counter(row["source"]) over the same rows (the torn row was SDN, 1738 → 1737).
    assert Counter(listing.list_id for e in parsed.entities for listing in e.listings) == {
        "SDN": 1737,
        "EL": 919,
        "DPL": 577,
        "SSI": 288,
        "UVL": 186,
        "ISN": 144,
        "DTC": 142,
        "PLC": 78,
        "MEU": 71,
        "CMIC": 68,
        "MBS": 14,
        "FSE": 1,
        "CAP": 1,
    }
    # type column: 2039 blank, 1124 Individual (2 duplicated), 1060 Entity (5 duplicated), 3 Vessel.
    assert Counter(e.kind for e in parsed.entities) == {
        EntityKind.UNKNOWN: 2039,
        EntityKind.PERSON: 1122,
        EntityKind.ORGANIZATION: 1055,
        EntityKind.VESSEL: 3,
    }
    # name + '; '-split alt_names per _id, de-duplicated case-insensitively (a separate stdlib script
    # gave 10326), of which one primary per entity.
    assert Counter(n.kind for e in parsed.entities for n in e.names) == {
        NameKind.PRIMARY: 4219,
        NameKind.ALIAS: 6107,
    }
    # 1052 rows have dates_of_birth; the two duplicated PLC/SDN people count once.
    assert sum(1 for e in parsed.entities if e.birth_dates) == 1050
    assert parsed.info.list_id == "us-csl"
    assert parsed.info.jurisdiction == "US"
    assert parsed.info.as_of is None  # the CSV carries no publication date


def test_real_2023_entity_list_row(csl_2023_whole_rows: ParsedList) -> None:
    # Line 2172: China Aerospace Science and Technology Corporation (CASC).
    entity = by_id(csl_2023_whole_rows)["us-csl:5fe80d5c6a5cbba1082e18adeef87f1135482f525aee0cfa52ff8dea"]
    assert entity.kind is EntityKind.UNKNOWN  # BIS leaves "type" blank
    assert entity.primary_name == "China Aerospace Science and Technology Corporation (CASC)"
    assert [n.value for n in entity.names if n.kind is NameKind.ALIAS] == [
        "13th Institute",
        "Beijing Institute of Aerospace Control Devices (BIACD)",
        "230 Factory",
        # BIS prose "…; and Beijing …": the "and " is not part of the name.
        "Beijing Aerospace Times Optical-Electronic Technology Co., Ltd.",
    ]
    (listing,) = entity.listings
    assert listing.list_id == "EL"
    assert listing.jurisdiction == "US"
    assert listing.citation == "66 FR 24265; 84 FR 40241"
    assert listing.listed_on == "2001-05-14"
    assert listing.licence_requirement == "For all items subject to the EAR (See §744.11 of the EAR)"
    assert listing.licence_review_policy == "See §744.3(d) of this part"
    assert listing.remarks == EL
    assert (
        listing.source_url
        == "https://www.bis.doc.gov/index.php/policy-guidance/lists-of-parties-of-concern/entity-list"
    )
    assert [a.full for a in entity.addresses] == ["No.1 Fengying East Road, Haidian District, Beijing, 100094, CN"]
    assert entity.countries == ("CN",)


def test_real_2023_merged_treasury_rows(csl_2023_whole_rows: ParsedList) -> None:
    entities = by_id(csl_2023_whole_rows)
    zahhar = entities["us-csl:9647"]  # lines 1089 (NS-PLC) and 3481 (SDN)
    assert [listing.list_id for listing in zahhar.listings] == ["SDN", "PLC"]
    assert zahhar.primary_name == "ZAHHAR, Mahmoud Khaled"  # the SDN spelling wins
    assert "Mahmoud Khaled ZAHHAR" in [n.value for n in zahhar.names if n.kind is NameKind.ALIAS]
    assert zahhar.extra["csl_sources"] == ["SDN", "PLC"]
    bank = entities["us-csl:17014"]  # lines 10 (NS-MBS) and 1012 (SSI)
    assert [listing.list_id for listing in bank.listings] == ["SSI", "MBS"]
    assert bank.primary_name == "JOINT STOCK COMPANY RUSSIAN AGRICULTURAL BANK"
    # The MBS spelling differs only in case, so it is not a second name.
    assert "Joint Stock Company Russian Agricultural Bank" not in [n.value for n in bank.names]


def test_real_2023_vessel_row(csl_2023_whole_rows: ParsedList) -> None:
    vessel = by_id(csl_2023_whole_rows)["us-csl:4238"]  # line 1003: MAR AZUL
    assert vessel.kind is EntityKind.VESSEL
    assert vessel.primary_name == "MAR AZUL"
    assert [(i.scheme, i.value) for i in vessel.identifiers] == [("Call Sign", "CL2192")]
    assert vessel.extra["vessel_flag"] == "Cuba"
    assert vessel.extra["vessel_owner"] == "Samir de Navegacion S.A."
    assert vessel.listings[0].program == "CUBA"


def test_fixture_2025_counts_and_rows(fixture_2025: ParsedList) -> None:
    # 13 data rows, no duplicate _id (checked with csv.DictReader).
    assert len(fixture_2025.entities) == 13
    assert Counter(e.listings[0].list_id for e in fixture_2025.entities) == {
        "SSI": 3,
        "PLC": 2,
        "ISN": 1,
        "UVL": 1,
        "MEU": 1,
        "SDN": 1,
        "DTC": 1,
        "DPL": 1,
        "FSE": 1,
        "EL": 1,
    }
    entities = by_id(fixture_2025)
    rim = entities["us-csl:52291"]
    assert rim.kind is EntityKind.PERSON
    assert rim.primary_name == "RIM, Ryong Nam"
    assert rim.birth_dates == ("1978-12-05",)
    assert [(i.scheme, i.value, i.country) for i in rim.identifiers] == [("Passport", "836238033", "KP")]
    # "Gender, Male" and the secondary-sanctions notes describe, they do not identify.
    assert {f["type"] for f in rim.extra["features"]} == {
        "Secondary sanctions risk:",
        "Gender",
        "Transactions Prohibited For Persons Owned or Controlled By U.S. Financial Institutions:",
    }
    assert rim.countries == ("CN", "KP")
    isn = entities["us-csl:233a4d725770c81fb561ffe3842c14010c2201971d6be62eca1e613b"]
    assert isn.primary_name == "Sinobright Import and Export Company"
    assert isn.listings[0].scope == "and any successor, sub-unit, or subsidiary thereof"
    assert isn.listings[0].citation == "Vol. 88, No. 151, 08/08/2023"
    assert isn.listings[0].listed_on == "2023-07-19"
    dpl = entities["us-csl:b601cbf2841d0aaedfe63661581ffbc3d54b6ba39d7e3a9027cff50e"]
    assert dpl.listings[0].ended_on == "2056-06-29"
    assert dpl.remarks == "50 YEAR DENIAL"
    plc = entities["us-csl:9673"]
    assert plc.birth_dates == ("1955",)
    assert plc.extra["places_of_birth"] == ["Izna, Hebron"]


def test_sniff(shared_data: Path, tmp_path: Path) -> None:
    assert csl.sniff(shared_data / "csl" / "csl_2023-11.csv")
    assert csl.sniff(shared_data / "csl" / "watchman_2025_fixture" / "consolidated_fixture.csv")
    assert csl.sniff(write(tmp_path, json.dumps(API_JSON), "csl.json"))
    assert not csl.sniff(shared_data / "un" / "UN_consolidated.xml")
    assert not csl.sniff(shared_data / "negatives" / "opensanctions_us_congress_peps_senzing.jsonl")
    assert not csl.sniff(shared_data / "tech" / "china_countersanctions_opensanctions.csv")
    assert not csl.sniff(tmp_path)


# --- JSON layout ------------------------------------------------------------------------------

# Three rows of csl/watchman_2025_fixture/consolidated_fixture.csv re-written in the CSL API v1 result
# shape (field names as in trade.gov's API: id, alt_names list, structured addresses, ids objects).
API_JSON = {
    "total": 3,
    "sources_used": [
        {
            "source": EL,
            "source_last_updated": "2025-06-20T14:01:00-04:00",
            "last_imported": "2025-06-24T09:00:11-04:00",
        },
        {
            "source": SDN,
            "source_last_updated": "2025-06-23T10:00:00-04:00",
            "last_imported": "2025-06-24T09:00:06-04:00",
        },
    ],
    "results": [
        {
            "id": "66f6ab3f26234b75a9093fce79ef0ce0",
            "source": "Military End User (MEU) List - Bureau of Industry and Security",
            "entity_number": None,
            "type": None,
            "programs": [],
            "name": "Academy of Aerospace Solid Propulsion Technology (AASPT)",
            "title": None,
            "addresses": [
                {
                    "address": "Tian Wang te Zi #1, Baqiao District",
                    "city": "Xian",
                    "state": None,
                    "postal_code": None,
                    "country": "CN",
                }
            ],
            "federal_register_notice": "85 FR 83799",
            "start_date": "2020-12-23",
            "end_date": None,
            "standard_order": None,
            "license_requirement": "For any item subject to the EAR listed in supplement no. 2 to part 744.",
            "license_policy": "The license application procedure and license review policy for entities "
            "specified in supplement no. 2 to part 744 is specified in §744.21(d) and (e).",
            "alt_names": [],
            "ids": [],
            "source_list_url": "https://www.bis.doc.gov/index.php/policy-guidance/lists-of-parties-of-concern",
            "source_information_url": "https://www.bis.doc.gov/index.php/policy-guidance/lists-of-parties-of-concern",
        },
        {
            "id": "52291",
            "source": SDN,
            "entity_number": "52291",
            "type": "Individual",
            "programs": ["NPWMD"],
            "name": "RIM, Ryong Nam",
            "addresses": [
                {"address": None, "city": "Shenyang", "state": None, "postal_code": None, "country": "CN"},
                {"address": None, "city": "Pyongyang", "state": None, "postal_code": None, "country": "KP"},
            ],
            "alt_names": [],
            "dates_of_birth": "1978-12-05",
            "nationalities": None,
            "citizenships": None,
            "places_of_birth": None,
            "ids": [
                {
                    "type": "Passport",
                    "number": "836238033",
                    "country": "KP",
                    "issue_date": None,
                    "expiration_date": None,
                },
                {
                    "type": "Gender",
                    "number": "Male",
                    "country": None,
                    "issue_date": None,
                    "expiration_date": None,
                },
            ],
            "source_list_url": "https://sanctionslist.ofac.treas.gov/Home/SdnList",
            "source_information_url": "https://home.treasury.gov/policy-issues/financial-sanctions/"
            "specially-designated-nationals-and-blocked-persons-list-sdn-human-readable-lists",
        },
        {
            "id": "99ed1b052fdb09695fae1ba87516d8a0882b0df04652e07aeb5ce7be",
            "source": EL,
            "type": None,
            "programs": [],
            "name": "China Electronics Technology Group Corporation 13th Research Institute (CETC 13)",
            "alt_names": [
                "Hebei Semiconductor Research Institute",
                "HSRI",
                "Hebei Institute of Semiconductors",
                "Hebei Semiconductor Institute",
                "Hebei Semiconductor",
                "and CETC Research Institute 13",
            ],
            "addresses": [
                {
                    "address": "113 Hezuo Road",
                    "city": "Shijiazhuang",
                    "state": "Hebei",
                    "postal_code": None,
                    "country": "CN",
                }
            ],
            "federal_register_notice": "83 FR 37423; 87 FR 77505",
            "start_date": "2018-08-01",
            "license_requirement": "For all items subject to the EAR. (See §§ 734.9(g),3 746.8(a)(3), and "
            "744.21(b) of the EAR)",
            "license_policy": "Policy of denial for all items subject to the EAR apart from food and "
            "medicine designated as EAR99, which will be reviewed on a case-by-case basis. "
            "See §§ 746.8(b) and 744.21(e).",
            "source_list_url": "https://www.bis.doc.gov/index.php/policy-guidance/lists-of-parties-of-concern/entity-list",
            "source_information_url": "https://www.bis.doc.gov/index.php/policy-guidance/lists-of-parties-of-concern/"
            "entity-list",
        },
    ],
}


def test_json_layout_matches_csv_rows(tmp_path: Path, fixture_2025: ParsedList) -> None:
    parsed = csl.parse(write(tmp_path, json.dumps(API_JSON), "consolidated.json"))
    assert parsed.info.as_of == "2025-06-24"  # latest last_imported of sources_used
    assert len(parsed.entities) == 3
    from_json, from_csv = by_id(parsed), by_id(fixture_2025)
    for entity_id in from_json:
        j, c = from_json[entity_id], from_csv[entity_id]
        assert j.kind == c.kind
        assert j.names == c.names
        assert j.listings == c.listings
        assert j.identifiers == c.identifiers
        assert j.birth_dates == c.birth_dates
        assert j.countries == c.countries
    meu = from_json["us-csl:66f6ab3f26234b75a9093fce79ef0ce0"]
    assert meu.addresses[0].street == "Tian Wang te Zi #1, Baqiao District"
    assert meu.addresses[0].city == "Xian"
    assert meu.addresses[0].country == "CN"
    assert from_json["us-csl:52291"].extra["features"] == [{"type": "Gender", "value": "Male"}]


def test_json_page_of_search_results_is_refused(tmp_path: Path) -> None:
    page = dict(API_JSON, total=4227)
    with pytest.raises(SourceError) as error:
        csl.parse(write(tmp_path, json.dumps(page), "page.json"))
    assert error.value.field == "total"


def test_json_truncated(tmp_path: Path) -> None:
    text = json.dumps(API_JSON, indent=1)
    path = write(tmp_path, text[: len(text) // 2], "cut.json")
    with pytest.raises(SourceError) as error:
        csl.parse(path)
    assert error.value.line is not None
    assert "invalid JSON" in error.value.problem


def test_json_entry_without_id(tmp_path: Path) -> None:
    broken = {"results": [{"source": EL, "name": "X"}]}
    with pytest.raises(SourceError) as error:
        csl.parse(write(tmp_path, json.dumps(broken), "c.json"))
    assert error.value.record == "results[0]"


def test_json_without_results(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match='"results"'):
        csl.parse(write(tmp_path, json.dumps({"total": 0}), "c.json"))


# --- Bad CSV input ----------------------------------------------------------------------------


def test_empty_file(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="empty"):
        csl.parse(write(tmp_path, ""))


def test_header_only(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no list entries"):
        csl.parse(write(tmp_path, HEADER + "\n"))


def test_missing_column(tmp_path: Path) -> None:
    header = HEADER.replace("name,", "")
    with pytest.raises(SourceError) as error:
        csl.parse(write(tmp_path, header + "\n"))
    assert error.value.line == 1
    assert "name" in error.value.problem


def test_row_with_extra_field(tmp_path: Path) -> None:
    row = csv_row(_id="1", source=SDN, name="A") + ',"surplus"'
    with pytest.raises(SourceError) as error:
        csl.parse(write(tmp_path, f"{HEADER}\n{row}\n"))
    assert error.value.line == 2
    assert "30 fields; expected 29" in error.value.problem


def test_row_with_missing_field(tmp_path: Path) -> None:
    row = csv_row(_id="1", source=SDN, name="A").rsplit(",", 1)[0]
    with pytest.raises(SourceError, match="28 fields; expected 29"):
        csl.parse(write(tmp_path, f"{HEADER}\n{row}\n"))


def test_duplicate_id_on_same_list(tmp_path: Path) -> None:
    rows = [csv_row(_id="7", source=SDN, name="A"), csv_row(_id="7", source=SDN, name="B")]
    with pytest.raises(SourceError) as error:
        csl.parse(write(tmp_path, "\n".join([HEADER, *rows]) + "\n"))
    assert error.value.line == 3
    assert error.value.field == "_id"
    assert "first at line 2" in error.value.problem


def test_duplicate_id_with_conflicting_types(tmp_path: Path) -> None:
    rows = [
        csv_row(_id="7", source=SDN, name="A", type="Individual"),
        csv_row(
            _id="7",
            source="Sectoral Sanctions Identifications List (SSI) - Treasury Department",
            name="A",
            type="Entity",
        ),
    ]
    with pytest.raises(SourceError, match="one party type per id"):
        csl.parse(write(tmp_path, "\n".join([HEADER, *rows]) + "\n"))


def test_unknown_type(tmp_path: Path) -> None:
    row = csv_row(_id="7", source=SDN, name="A", type="Spaceship")
    with pytest.raises(SourceError) as error:
        csl.parse(write(tmp_path, f"{HEADER}\n{row}\n"))
    assert error.value.field == "type"


def test_unknown_source(tmp_path: Path) -> None:
    row = csv_row(_id="7", source="Some other list", name="A")
    with pytest.raises(SourceError) as error:
        csl.parse(write(tmp_path, f"{HEADER}\n{row}\n"))
    assert error.value.field == "source"


def test_new_source_uses_its_abbreviation(tmp_path: Path) -> None:
    row = csv_row(_id="7", source="Brand New List (BNL) - Treasury Department", name="A")
    parsed = csl.parse(write(tmp_path, f"{HEADER}\n{row}\n"))
    assert parsed.entities[0].listings[0].list_id == "BNL"


def test_row_without_id(tmp_path: Path) -> None:
    row = csv_row(source=SDN, name="A")
    with pytest.raises(SourceError) as error:
        csl.parse(write(tmp_path, f"{HEADER}\n{row}\n"))
    assert error.value.line == 2


def test_wrong_encoding(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(f"{HEADER}\n{csv_row(_id='7', source=SDN, name='José')}\n".encode("latin-1"))
    with pytest.raises(SourceError) as error:
        csl.parse(path)
    assert error.value.line == 2
    assert "not valid utf-8" in error.value.problem


def test_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="directory"):
        csl.parse(tmp_path)
