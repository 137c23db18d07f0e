from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from trustscreen.errors import ConfigError, SourceError
from trustscreen.model import Entity, EntityKind, NameKind, ParsedList
from trustscreen.sources import custom_csv
from trustscreen.sources.custom_csv import CustomMapping, parse_mapping

CHINA_MAPPING = (
    "name=Name,aliases=Alias,native=Chinese name,type=Type,country=Country,listed_on=Date,"
    "ended_on=End date,source_url=Source URL,program=List,address=Address,remarks=Summary"
)


@pytest.fixture(scope="module")
def china_path(shared_data: Path) -> Path:
    return shared_data / "tech" / "china_countersanctions_opensanctions.csv"


@pytest.fixture(scope="module")
def china(china_path: Path) -> ParsedList:
    return custom_csv.parse(china_path, parse_mapping(CHINA_MAPPING), list_id="cn-countermeasures")


@pytest.fixture(scope="module")
def china_by_name(china: ParsedList) -> dict[str, Entity]:
    return {e.primary_name: e for e in china.entities}


def write(tmp_path: Path, text: str, name: str = "list.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


# --- Real files -------------------------------------------------------------------------------


def test_china_counts(china: ParsedList) -> None:
    # 610 rows (csv.DictReader), no id column: rows are grouped by name. A stdlib script folding names
    # (casefold, non-word runs → "-") finds 457 distinct names, 88 of them on 2–4 rows (e.g. Lockheed
    # Martin on the UEL in 2023 and the export-control list in 2025): 457 entities, 610 listings.
    assert len(china.entities) == 457
    assert sum(len(e.listings) for e in china.entities) == 610
    # Type of each name's first row: Company 254 + Organization 37 names → 291; Person → 166.
    assert Counter(e.kind for e in china.entities) == {EntityKind.ORGANIZATION: 291, EntityKind.PERSON: 166}
    # Same script: distinct names per group — 457 primary, 422 Chinese names, 41 ';'-split aliases plus 7
    # later rows that spell the name differently (case/punctuation) and become aliases.
    assert Counter(n.kind for e in china.entities for n in e.names) == {
        NameKind.PRIMARY: 457,
        NameKind.NATIVE: 422,
        NameKind.ALIAS: 48,
    }
    assert china.info.list_id == "cn-countermeasures"
    assert china.info.source_format == "custom-csv"
    assert {e.id.split(":")[0] for e in china.entities} == {"cn-countermeasures"}


def test_china_rows_field_by_field(china_by_name: dict[str, Entity]) -> None:
    lockheed = china_by_name["Lockheed Martin Corporation"]  # lines 102 and 454
    assert lockheed.id == "cn-countermeasures:lockheed-martin-corporation"
    assert lockheed.kind is EntityKind.ORGANIZATION
    assert [(n.value, n.kind, n.script) for n in lockheed.names] == [
        ("Lockheed Martin Corporation", NameKind.PRIMARY, "Latn"),
        ("洛克希德·马丁公司", NameKind.NATIVE, "Hani"),
    ]
    assert [(lst.program, lst.listed_on) for lst in lockheed.listings] == [
        ("UEL", "2023-02-16"),  # "16.02.23"
        ("List of Export Controls", "2025-01-02"),  # "02.01.2025"
    ]
    assert lockheed.countries == ("US",)
    rubio = china_by_name["Marco Rubio"]  # lines 9 and 12, "13.07.20" and "10.08.20"
    assert rubio.kind is EntityKind.PERSON
    assert [lst.listed_on for lst in rubio.listings] == ["2020-07-13", "2020-08-10"]
    skyla = china_by_name["Skyla"]  # line 83: ended "13.07.23"
    assert skyla.listings[0].ended_on == "2023-07-13"
    assert skyla.countries == ("TW",)
    # "EU" is not a country: kept aside rather than dropped silently.
    committee = china_by_name["Political and Security Committee of the Council of the European Union"]
    assert committee.countries == ()
    assert committee.extra["unmapped_countries"] == ["EU"]


def test_section_889_default_mapping(shared_data: Path) -> None:
    parsed = custom_csv.parse(shared_data / "tech" / "us_special_leg_section_889.csv")
    # 5 rows, headers schema,name,aliases,…,country,notes,source_url: recognised without a mapping.
    assert [e.primary_name for e in parsed.entities] == [
        "Dahua Technology Company",
        "Hangzhou Hikvision Digital Technology Company",
        "Huawei Technologies Company",
        "Hytera Communications Corporation",
        "ZTE Corporation",
    ]
    assert parsed.info.list_id == "custom-us-special-leg-section-889"
    huawei = parsed.entities[2]
    assert huawei.id == "custom-us-special-leg-section-889:huawei-technologies-company"
    assert huawei.kind is EntityKind.ORGANIZATION  # schema "Company"
    assert huawei.listings[0].program == (
        "Section 889 of the John S. McCain National Defense Authorization Act for Fiscal Year 2019 "
        "(Public Law 115 - 232)"
    )
    assert huawei.source_url == "https://www.congress.gov/115/plaws/publ232/PLAW-115publ232.pdf"


def test_sniff_never_claims(china_path: Path) -> None:
    assert not custom_csv.sniff(china_path)


# --- Mapping spec -----------------------------------------------------------------------------


def test_parse_mapping() -> None:
    mapping = parse_mapping("name=Company Name,aliases=AKA,country=Country,id=Ref,identifier=LEI|USCC,sep=|")
    assert mapping == CustomMapping(
        name="Company Name",
        aliases="AKA",
        countries="Country",
        id="Ref",
        identifiers=("LEI", "USCC"),
        separator="|",
    )


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("name=A,colour=B", "unknown mapping key 'colour'"),
        ("name", "not key=column"),
        ("name=", "not key=column"),
        ("name=A,name=B", "given twice"),
    ],
)
def test_parse_mapping_errors(spec: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_mapping(spec)


# --- Layouts ----------------------------------------------------------------------------------


def test_ids_identifiers_semicolon_delimiter_and_bom(tmp_path: Path) -> None:
    text = (
        "\ufeffRef;Company Name;AKA;Country;LEI;DOB\n"
        "R1;Acme Trading;Acme|ACME T.;China, People's Republic of;5493001KJTIIGC8Y1R12;\n"
        "R2;Jane Roe;;GB;;12 Jan 1955\n"
    )
    mapping = parse_mapping("id=Ref,name=Company Name,aliases=AKA,country=Country,identifier=LEI,dob=DOB,sep=|")
    parsed = custom_csv.parse(write(tmp_path, text), mapping, list_id="mine")
    acme, jane = parsed.entities
    assert acme.id == "mine:R1"
    assert [n.value for n in acme.names] == ["Acme Trading", "Acme", "ACME T."]
    assert acme.countries == ("CN",)
    assert [(i.scheme, i.value) for i in acme.identifiers] == [("LEI", "5493001KJTIIGC8Y1R12")]
    assert jane.birth_dates == ("1955-01-12",)


def test_tab_delimiter(tmp_path: Path) -> None:
    parsed = custom_csv.parse(write(tmp_path, "name\ttype\nHuawei, Inc.\tcompany\n", "list.tsv"))
    assert parsed.entities[0].primary_name == "Huawei, Inc."
    assert parsed.entities[0].kind is EntityKind.ORGANIZATION


# --- Bad input --------------------------------------------------------------------------------


def test_missing_mapped_column_names_it(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as error:
        custom_csv.parse(write(tmp_path, "Name,Country\nA,US\n"), parse_mapping("name=Company Name"))
    assert error.value.field == "Company Name"
    assert error.value.line == 1
    assert "header has: Name, Country" in error.value.problem


def test_default_mapping_without_name_column(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as error:
        custom_csv.parse(write(tmp_path, "Company,Country\nA,US\n"))
    assert "expected a header named 'name'" in error.value.problem


def test_row_with_extra_field(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as error:
        custom_csv.parse(write(tmp_path, "name,country\nA,US\nB,US,surplus\n"))
    assert error.value.line == 3
    assert "3 fields; expected 2" in error.value.problem


def test_row_with_missing_field(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="1 fields; expected 2"):
        custom_csv.parse(write(tmp_path, "name,country\nA\n"))


def test_duplicate_id(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as error:
        custom_csv.parse(write(tmp_path, "id,name\n1,A\n2,B\n1,C\n"))
    assert error.value.line == 4
    assert "first on line 2" in error.value.problem


def test_empty_id(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as error:
        custom_csv.parse(write(tmp_path, "id,name\n,A\n"))
    assert error.value.field == "id"


def test_empty_name(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as error:
        custom_csv.parse(write(tmp_path, "name,country\n,US\n"))
    assert error.value.line == 2
    assert error.value.field == "name"


def test_same_name_different_type(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="different type"):
        custom_csv.parse(write(tmp_path, "name,type\nJordan,person\nJordan,company\n"))


def test_unknown_type(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as error:
        custom_csv.parse(write(tmp_path, "name,type\nA,spaceship\n"))
    assert error.value.field == "type"


def test_duplicate_header(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="appears twice"):
        custom_csv.parse(write(tmp_path, "name,name\nA,B\n"))


def test_truncated_quoted_field(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as error:
        custom_csv.parse(write(tmp_path, 'name,remarks\nA,"cut off here'))
    assert error.value.line == 2
    assert "closing quote" in error.value.problem


def test_wrong_encoding(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as error:
        custom_csv.parse(write(tmp_path, "name\nAcme\nJosé Pérez\n", encoding="latin-1"))
    assert error.value.line == 3


def test_empty_file(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="empty"):
        custom_csv.parse(write(tmp_path, ""))


def test_header_only(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no data rows"):
        custom_csv.parse(write(tmp_path, "name,country\n"))


def test_bad_list_id(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        custom_csv.parse(write(tmp_path, "name\nA\n"), list_id="bad:id")
