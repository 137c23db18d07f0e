from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from trustscreen.errors import SourceError
from trustscreen.model import EntityKind, NameKind, ParsedList, RelationKind
from trustscreen.sources import ftm

OFAC = "Office of Foreign Assets Control"

# There is no FtM export in shared/data. These lines follow OpenSanctions' entities.ftm.json shape (one
# entity per line: id, schema, properties of string lists, datasets, target, first_seen/last_change) and
# the followthemoney schema (Sanction.entity, Passport.holder, Ownership.owner/asset, Thing.addressEntity).
# The facts are copied from real rows: OFAC 52291, 18300 and 4238 from the trade.gov CSL files in
# shared/data/csl, CDe.001 from un/UN_consolidated.xml. Ids mimic OpenSanctions' "ofac-<number>" style;
# the timestamps are illustrative.
FIXTURE: list[dict[str, Any]] = [
    {
        "id": "ofac-52291",
        "caption": "RIM, Ryong Nam",
        "schema": "Person",
        "properties": {
            "name": ["RIM, Ryong Nam"],
            "birthDate": ["1978-12-05"],
            "gender": ["male"],
            "country": ["cn", "kp"],
            "topics": ["sanction"],
            "addressEntity": ["addr-shenyang", "addr-pyongyang"],
            "sourceUrl": ["https://sanctionssearch.ofac.treas.gov/Details.aspx?id=52291"],
        },
        "datasets": ["us_ofac_sdn"],
        "target": True,
        "first_seen": "2024-01-03T10:00:00",
        "last_seen": "2025-06-24T10:00:00",
        "last_change": "2024-01-03T10:00:00",
    },
    {
        "id": "ofac-52291-passport",
        "schema": "Passport",
        "properties": {
            "holder": ["ofac-52291"],
            "number": ["836238033"],
            "country": ["kp"],
            "type": ["Passport"],
        },
        "datasets": ["us_ofac_sdn"],
        "target": False,
    },
    {
        "id": "addr-shenyang",
        "schema": "Address",
        "properties": {"full": ["Shenyang"], "city": ["Shenyang"], "country": ["cn"]},
        "datasets": ["us_ofac_sdn"],
        "target": False,
    },
    {
        "id": "addr-pyongyang",
        "schema": "Address",
        "properties": {"full": ["Pyongyang"], "city": ["Pyongyang"], "country": ["kp"]},
        "datasets": ["us_ofac_sdn"],
        "target": False,
    },
    {
        "id": "ofac-52291-sanction",
        "schema": "Sanction",
        "properties": {
            "entity": ["ofac-52291"],
            "program": ["NPWMD"],
            "authority": [OFAC],
            "country": ["us"],
            "sourceUrl": ["https://sanctionssearch.ofac.treas.gov/Details.aspx?id=52291"],
        },
        "datasets": ["us_ofac_sdn"],
        "target": False,
    },
    {
        "id": "ofac-18300",
        "schema": "Company",
        "properties": {
            "name": ["ROSNEFT TRADE LIMITED"],
            "alias": ["TNK TRADE LIMITED"],
            "registrationNumber": ["C122790"],
            "email": ["hrm@rosneft-sh.com.cy"],
            "country": ["cy"],
            "address": ["Elenion Building 5 Themistokli Dervi, 2nd floor, Lefkosia, Nicosia, 1066, CY"],
            "topics": ["sanction"],
        },
        "datasets": ["us_ofac_cons"],
        "target": True,
        "last_change": "2023-11-30T10:00:00",
    },
    {
        "id": "ofac-18300-sanction",
        "schema": "Sanction",
        "properties": {
            "entity": ["ofac-18300"],
            "program": ["UKRAINE-EO13662"],
            "authority": [OFAC],
            "provisions": ["Subject to Directive 2"],
            "country": ["us"],
        },
        "datasets": ["us_ofac_cons"],
        "target": False,
    },
    {
        "id": "ofac-4238",
        "schema": "Vessel",
        "properties": {
            "name": ["MAR AZUL"],
            "callSign": ["CL2192"],
            "type": ["Tug"],
            "flag": ["cu"],
            "grossRegisteredTonnage": ["212"],
            "topics": ["sanction"],
        },
        "datasets": ["us_ofac_sdn"],
        "target": True,
        "last_change": "2025-06-24T10:00:00",
    },
    {
        "id": "ofac-4238-owner",
        "schema": "Company",
        "properties": {"name": ["Samir de Navegacion S.A."]},
        "datasets": ["us_ofac_sdn"],
        "target": False,
    },
    {
        "id": "ofac-4238-ownership",
        "schema": "Ownership",
        "properties": {"owner": ["ofac-4238-owner"], "asset": ["ofac-4238"]},
        "datasets": ["us_ofac_sdn"],
        "target": False,
    },
    {
        "id": "ofac-4238-sanction",
        "schema": "Sanction",
        "properties": {"entity": ["ofac-4238"], "program": ["CUBA"], "authority": [OFAC], "country": ["us"]},
        "datasets": ["us_ofac_sdn"],
        "target": False,
    },
    {
        "id": "unsc-6908421",
        "schema": "Organization",
        "properties": {
            "name": ["ADF"],
            "alias": ["Allied Democratic Forces"],
            "previousName": [
                "Forces Démocratiques Alliées-Armée Nationale de Libération de l’Ouganda",
                "ADF/NALU",
                "NALU",
            ],
            "country": ["cd"],
            "topics": ["sanction"],
        },
        "datasets": ["un_sc_sanctions"],
        "target": True,
        "last_change": "2026-02-27T00:00:09",
    },
    {
        "id": "unsc-6908421-sanction",
        "schema": "Sanction",
        "properties": {
            "entity": ["unsc-6908421"],
            "program": ["DRC"],
            "unscId": ["CDe.001"],
            "startDate": ["2014-06-30"],
            "authority": ["United Nations Security Council"],
        },
        "datasets": ["un_sc_sanctions"],
        "target": False,
    },
]


def write(tmp_path: Path, lines: list[dict[str, Any]], name: str = "entities.ftm.json") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def parsed(tmp_path: Path) -> ParsedList:
    return ftm.parse(write(tmp_path, FIXTURE))


def test_counts(parsed: ParsedList) -> None:
    # 13 lines: 4 parties with target true (Person, Company, Vessel, Organization); the vessel owner is
    # target false; Passport, 2 Address, 4 Sanction and 1 Ownership lines fold into the parties.
    assert [e.id for e in parsed.entities] == [
        "ftm-entities:ofac-52291",
        "ftm-entities:ofac-18300",
        "ftm-entities:ofac-4238",
        "ftm-entities:unsc-6908421",
    ]
    # Three datasets in one file: a collection, so the list is named after the file.
    assert parsed.info.list_id == "ftm-entities"
    assert parsed.info.as_of == "2026-02-27"
    assert [len(e.listings) for e in parsed.entities] == [1, 1, 1, 1]


def test_person(parsed: ParsedList) -> None:
    rim = parsed.entities[0]
    assert rim.kind is EntityKind.PERSON
    assert [(n.value, n.kind) for n in rim.names] == [("RIM, Ryong Nam", NameKind.PRIMARY)]
    assert rim.birth_dates == ("1978-12-05",)
    assert rim.countries == ("CN", "KP")
    assert [(i.scheme, i.value, i.country) for i in rim.identifiers] == [("Passport", "836238033", "KP")]
    assert [(a.city, a.country) for a in rim.addresses] == [("Shenyang", "CN"), ("Pyongyang", "KP")]
    (listing,) = rim.listings
    assert listing.list_id == "os-us-ofac-sdn"
    assert listing.program == "NPWMD"
    assert listing.jurisdiction == "US"
    assert listing.remarks == OFAC
    assert listing.source_url == "https://sanctionssearch.ofac.treas.gov/Details.aspx?id=52291"
    assert rim.extra["topics"] == ["sanction"]
    assert rim.as_of == "2024-01-03"


def test_company_and_vessel(parsed: ParsedList) -> None:
    rosneft, mar_azul = parsed.entities[1], parsed.entities[2]
    assert rosneft.kind is EntityKind.ORGANIZATION
    assert [(n.value, n.kind) for n in rosneft.names] == [
        ("ROSNEFT TRADE LIMITED", NameKind.PRIMARY),
        ("TNK TRADE LIMITED", NameKind.ALIAS),
    ]
    assert [(i.scheme, i.value) for i in rosneft.identifiers] == [("registration number", "C122790")]
    assert rosneft.addresses[0].full == "Elenion Building 5 Themistokli Dervi, 2nd floor, Lefkosia, Nicosia, 1066, CY"
    assert rosneft.listings[0].list_id == "os-us-ofac-cons"
    assert rosneft.listings[0].scope == "Subject to Directive 2"
    assert mar_azul.kind is EntityKind.VESSEL
    assert mar_azul.countries == ("CU",)  # flag
    assert [(i.scheme, i.value) for i in mar_azul.identifiers] == [("call sign", "CL2192")]
    (owner,) = mar_azul.relations
    assert owner.kind is RelationKind.OWNER
    assert owner.target_name == "Samir de Navegacion S.A."
    assert owner.target_id is None  # target false: context, not on the list


def test_former_names_and_un_sanction(parsed: ParsedList) -> None:
    adf = parsed.entities[3]
    assert [n.kind for n in adf.names] == [
        NameKind.PRIMARY,
        NameKind.ALIAS,
        NameKind.FORMER,
        NameKind.FORMER,
        NameKind.FORMER,
    ]
    (listing,) = adf.listings
    assert listing.list_id == "os-un-sc-sanctions"
    assert listing.citation == "CDe.001"
    assert listing.listed_on == "2014-06-30"


def test_single_dataset_names_the_list(tmp_path: Path) -> None:
    lines = [line for line in FIXTURE if line["datasets"] == ["us_ofac_sdn"]]
    parsed = ftm.parse(write(tmp_path, lines))
    assert parsed.info.list_id == "os-us-ofac-sdn"
    assert [e.id for e in parsed.entities] == ["os-us-ofac-sdn:ofac-52291", "os-us-ofac-sdn:ofac-4238"]


def test_weak_alias_and_legal_entity(tmp_path: Path) -> None:
    line = {"id": "x", "schema": "LegalEntity", "properties": {"name": ["A"], "weakAlias": ["B"]}}
    (entity,) = ftm.parse(write(tmp_path, [line])).entities
    assert entity.kind is EntityKind.UNKNOWN
    assert [n.kind for n in entity.names] == [NameKind.PRIMARY, NameKind.WEAK_ALIAS]


def test_sniff(tmp_path: Path, shared_data: Path) -> None:
    assert ftm.sniff(write(tmp_path, FIXTURE))
    assert not ftm.sniff(shared_data / "negatives" / "opensanctions_us_congress_peps_senzing.jsonl")
    assert not ftm.sniff(shared_data / "un" / "UN_consolidated.xml")


# --- Bad input --------------------------------------------------------------------------------


def test_duplicate_id(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as error:
        ftm.parse(write(tmp_path, [*FIXTURE, FIXTURE[0]]))
    assert error.value.line == 14
    assert error.value.record == "ofac-52291"
    assert "first on line 1" in error.value.problem


def test_sanction_for_missing_entity(tmp_path: Path) -> None:
    # A file cut before the party it sanctions: half an export.
    with pytest.raises(SourceError) as error:
        ftm.parse(write(tmp_path, FIXTURE[1:]))
    assert error.value.record == "ofac-52291-passport"
    assert error.value.field == "properties.holder"


def test_truncated_line(tmp_path: Path) -> None:
    path = write(tmp_path, FIXTURE)
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    with pytest.raises(SourceError) as error:
        ftm.parse(path)
    assert error.value.line == text[: len(text) // 2].count("\n") + 1


def test_nested_export_is_refused(tmp_path: Path) -> None:
    nested = dict(FIXTURE[0], properties={"name": ["A"], "sanctions": [{"id": "s", "schema": "Sanction"}]})
    with pytest.raises(SourceError) as error:
        ftm.parse(write(tmp_path, [nested]))
    assert error.value.field == "properties.sanctions"


def test_line_without_schema(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as error:
        ftm.parse(write(tmp_path, [{"id": "a", "properties": {}}]))
    assert error.value.field == "schema"


def test_no_parties(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no listed parties"):
        ftm.parse(write(tmp_path, [FIXTURE[2]]))


def test_empty_file(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="empty"):
        ftm.parse(write(tmp_path, []))


def test_wrong_encoding(tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes("\n".join(json.dumps(line, ensure_ascii=False) for line in FIXTURE).encode("cp1252"))
    with pytest.raises(SourceError) as error:
        ftm.parse(path)
    assert error.value.line == 12  # "Forces Démocratiques …" on the ADF line
