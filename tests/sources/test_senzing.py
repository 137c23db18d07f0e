from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from trustscreen.errors import SourceError
from trustscreen.model import EntityKind, Identifier, NameKind, ParsedList
from trustscreen.sources import senzing


@pytest.fixture(scope="module")
def congress_path(shared_data: Path) -> Path:
    return shared_data / "negatives" / "opensanctions_us_congress_peps_senzing.jsonl"


@pytest.fixture(scope="module")
def congress(congress_path: Path) -> ParsedList:
    return senzing.parse(congress_path)


def test_counts(congress: ParsedList) -> None:
    # 1319 lines (wc -l); 1317 have RECORD_TYPE PERSON, two (lines 106 and 567, Q13218630 "United States
    # representative" and Q4416090 "United States senator") have null: positions, not people.
    assert len(congress.entities) == 1317
    assert {e.kind for e in congress.entities} == {EntityKind.PERSON}
    assert "os-us-congress:Q13218630" not in {e.id for e in congress.entities}
    # NAMES: 1319 PRIMARY + 33 ALIAS entries, all on PERSON records (json.loads count), none repeated.
    assert Counter(n.kind for e in congress.entities for n in e.names) == {
        NameKind.PRIMARY: 1317,
        NameKind.ALIAS: 33,
    }
    # 1316 DATE_OF_BIRTH (all "YYYY"), 42 DATE_OF_DEATH.
    assert sum(len(e.birth_dates) for e in congress.entities) == 1316
    assert sum(1 for e in congress.entities if "date_of_death" in e.extra) == 42
    # Occupancy pointers to the two positions: 1108 representatives only, 160 senators only, 49 both.
    assert Counter(len(e.extra["positions"]) for e in congress.entities) == {1: 1268, 2: 49}
    assert congress.info.list_id == "os-us-congress"
    assert congress.info.as_of == "2025-12-08"  # max LAST_CHANGE 2025-12-08T08:44:02
    assert congress.info.publisher == "OpenSanctions"
    assert all(e.countries == ("US",) for e in congress.entities)


def test_record_field_by_field(congress: ParsedList) -> None:
    entity = {e.id: e for e in congress.entities}["os-us-congress:Q18631698"]
    assert [(n.value, n.kind) for n in entity.names] == [
        ('Jesús G. "Chuy" García', NameKind.PRIMARY),
        ("Jesus G. Garcia", NameKind.ALIAS),
        ('Jesus G. "Chuy" Garcia', NameKind.ALIAS),
    ]
    assert entity.birth_dates == ("1956",)
    assert entity.identifiers == (Identifier(scheme="WIKIDATA", value="Q18631698"),)
    assert entity.extra["topics"] == ["role.pep"]
    assert entity.extra["positions"] == ["United States representative"]
    assert entity.source_url == "https://www.opensanctions.org/entities/Q18631698"
    assert entity.listings[0].list_id == "os-us-congress"
    assert entity.as_of == "2025-07-19"

    first = congress.entities[0]  # line 1
    assert first.id == "os-us-congress:NK-AQ4HymsADSK2D63MkyTqfC"
    assert first.primary_name == "Jennifer L. McClellan"
    assert first.identifiers == (Identifier(scheme="OPEN_SANCTIONS", value="NK-AQ4HymsADSK2D63MkyTqfC"),)


def test_sniff(congress_path: Path, shared_data: Path) -> None:
    assert senzing.sniff(congress_path)
    assert not senzing.sniff(shared_data / "un" / "UN_consolidated.xml")
    assert not senzing.sniff(shared_data / "csl" / "csl_2023-11.csv")


# --- Bad input --------------------------------------------------------------------------------


def record(record_id: str, name: str = "A", source: str = "OS_TEST", **more: object) -> str:
    data = {
        "DATA_SOURCE": source,
        "RECORD_ID": record_id,
        "RECORD_TYPE": "ORGANIZATION",
        "NAMES": [{"NAME_TYPE": "PRIMARY", "NAME_ORG": name}],
        **more,
    }
    return json.dumps(data, ensure_ascii=False)


def write(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "senzing.json"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_organization_identifiers_and_addresses(tmp_path: Path) -> None:
    line = record(
        "NK-1",
        "Example Trading LLC",
        IDENTIFIERS=[
            {"NATIONAL_ID_NUMBER": "1027739609391", "NATIONAL_ID_TYPE": "ogrnCode"},
            {"LEI_NUMBER": "253400V1H6ART1UQ0N98"},
            {"PASSPORT_NUMBER": "X1", "PASSPORT_COUNTRY": "ru"},
        ],
        ADDRESSES=[{"ADDR_TYPE": "BUSINESS", "ADDR_FULL": "Moscow, Russia"}],
        COUNTRIES=[{"COUNTRY_OF_ASSOCIATION": "ru"}],
    )
    (entity,) = senzing.parse(write(tmp_path, line)).entities
    assert entity.kind is EntityKind.ORGANIZATION
    assert [(i.scheme, i.value, i.country) for i in entity.identifiers] == [
        ("ogrnCode", "1027739609391", None),
        ("LEI", "253400V1H6ART1UQ0N98", None),
        ("PASSPORT", "X1", "RU"),
    ]
    assert [a.full for a in entity.addresses] == ["Moscow, Russia"]
    assert entity.countries == ("RU",)


def test_bad_json_line_names_its_line(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as error:
        senzing.parse(write(tmp_path, record("1"), record("2")[:-5]))
    assert error.value.line == 2
    assert "invalid JSON" in error.value.problem


def test_truncated_real_file(congress_path: Path, tmp_path: Path) -> None:
    data = congress_path.read_bytes()
    path = tmp_path / "cut.json"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(SourceError) as error:
        senzing.parse(path)
    assert error.value.line == data[: len(data) // 2].count(b"\n") + 1


def test_duplicate_record_id(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as error:
        senzing.parse(write(tmp_path, record("1"), record("2"), record("1")))
    assert error.value.line == 3
    assert error.value.field == "RECORD_ID"
    assert "first on line 1" in error.value.problem


def test_mixed_data_sources(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as error:
        senzing.parse(write(tmp_path, record("1"), record("2", source="OTHER")))
    assert error.value.line == 2
    assert error.value.field == "DATA_SOURCE"


def test_missing_record_id(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as error:
        senzing.parse(write(tmp_path, json.dumps({"DATA_SOURCE": "OS_TEST", "NAMES": []})))
    assert error.value.field == "RECORD_ID"
    assert error.value.line == 1


def test_unknown_record_type(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as error:
        senzing.parse(write(tmp_path, record("1", RECORD_TYPE="SPACESHIP")))
    assert error.value.field == "RECORD_TYPE"


def test_record_without_name(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as error:
        senzing.parse(write(tmp_path, record("1", NAMES=[])))
    assert error.value.field == "NAMES"


def test_names_not_a_list(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as error:
        senzing.parse(write(tmp_path, record("1", NAMES="A")))
    assert error.value.field == "NAMES"


def test_empty_file(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="empty"):
        senzing.parse(write(tmp_path, ""))


def test_only_non_party_records(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no PERSON"):
        senzing.parse(write(tmp_path, record("1", RECORD_TYPE=None)))


def test_wrong_encoding(tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes((record("1") + "\n" + record("2", "José") + "\n").encode("latin-1"))
    with pytest.raises(SourceError) as error:
        senzing.parse(path)
    assert error.value.line == 2
