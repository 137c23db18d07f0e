"""UK HM Treasury / OFSI Consolidated List (ConList.csv).

Counts for the real excerpt were taken independently with `csv.reader` over the cp1252-decoded
file: 77 data rows (78 lines, no embedded newlines), 41 distinct Group IDs, 10 regimes, one
regime per group. Alias Type is only "Prime Alias" (25 rows) or "AKA" (52 rows); 18 groups have a
"Prime Alias" row. 36 rows in 21 groups cite a "UN Ref"/"UN REF" in Other Information.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path

import pytest

from trustscreen.errors import SourceError
from trustscreen.model import Address, Entity, EntityKind, Identifier, Listing, Name, NameKind, ParsedList
from trustscreen.sources import bis_dpl, ofac_csv, uk_conlist

COLUMNS = [
    "Name 6",
    "Name 1",
    "Name 2",
    "Name 3",
    "Name 4",
    "Name 5",
    "Title",
    "DOB",
    "Town of Birth",
    "Country of Birth",
    "Nationality",
    "Passport Details",
    "NI Number",
    "Position",
    "Address 1",
    "Address 2",
    "Address 3",
    "Address 4",
    "Address 5",
    "Address 6",
    "Post/Zip Code",
    "Country",
    "Other Information",
    "Group Type",
    "Alias Type",
    "Regime",
    "Listed On",
    "Last Updated",
    "Group ID",
]
PAGE = "https://www.gov.uk/government/publications/financial-sanctions-consolidated-list-of-targets"


def record(**values: str) -> list[str]:
    fields = {"Group Type": "Individual", "Alias Type": "Primary Name", "Regime": "Russia", "Group ID": "100"}
    fields.update({key.replace("_", " "): value for key, value in values.items()})
    return [fields.get(column, "") for column in COLUMNS]


def conlist(
    path: Path,
    rows: list[list[str]],
    *,
    last_updated: str | None = "28/02/2020",
    encoding: str = "utf-8",
    header: list[str] | None = None,
) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if last_updated is not None:
        writer.writerow(["Last Updated", last_updated])
    writer.writerow(COLUMNS if header is None else header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def by_id(entities: tuple[Entity, ...]) -> dict[str, Entity]:
    return {e.id: e for e in entities}


@pytest.fixture(scope="module")
def excerpt(shared_data: Path) -> ParsedList:
    return uk_conlist.parse(shared_data / "uk" / "hmt_conlist_excerpt_2020.csv")


@pytest.mark.shared_data
def test_counts_and_info(excerpt: ParsedList, shared_data: Path) -> None:
    info = excerpt.info
    assert (info.list_id, info.jurisdiction, info.source_format) == ("uk-hmt-conlist", "GB", "uk-conlist")
    # No "Last Updated" first line in the excerpt: the latest Last Updated column value, 20/02/2020.
    assert info.as_of == "2020-02-20"
    assert excerpt.files == (str((shared_data / "uk" / "hmt_conlist_excerpt_2020.csv").resolve()),)
    entities = excerpt.entities
    assert len(entities) == 41
    # Group Type: 67 Individual rows in 32 groups, 10 Entity rows in 9 groups.
    assert Counter(e.kind for e in entities) == {EntityKind.PERSON: 32, EntityKind.ORGANIZATION: 9}
    names = Counter(n.kind for e in entities for n in e.names)
    # Distinct (group, full name) pairs: 50; the 18 groups with a Prime Alias row give 18 primaries.
    assert names == {NameKind.PRIMARY: 18, NameKind.ALIAS: 32}
    assert sum(len(e.listings) for e in entities) == 41
    un_refs = [i for e in entities for i in e.identifiers if i.scheme == "UN Ref"]
    assert len(un_refs) == 21
    assert "QDi.282" in {i.value for i in un_refs}  # written "UN Ref:QDI.282." in group 11123


@pytest.mark.shared_data
def test_person_with_name_variants(excerpt: ParsedList) -> None:
    # Group 13814: six rows, ABAS/ABBAS × Yaser/Yasr/Yasser; "ABBAS, Yasser Aziz" is the Prime Alias.
    entity = by_id(excerpt.entities)["uk-hmt-conlist:13814"]
    assert entity.kind is EntityKind.PERSON
    assert entity.names[0] == Name("Yasser Aziz ABBAS", NameKind.PRIMARY, "Latn")
    assert sorted(n.value for n in entity.names[1:]) == [
        "Yaser Aziz ABAS",
        "Yaser Aziz ABBAS",
        "Yasr Aziz ABAS",
        "Yasr Aziz ABBAS",
        "Yasser Aziz ABAS",
    ]
    assert {n.kind for n in entity.names[1:]} == {NameKind.ALIAS}
    assert entity.birth_dates == ("1978-08-22",)
    assert entity.countries == ("SY",)  # Nationality "Syrian"
    assert entity.listings == (
        Listing(
            list_id="uk-hmt-conlist",
            program="Syria",
            jurisdiction="GB",
            listed_on="2020-02-17",
            source_url=PAGE,
        ),
    )
    assert entity.remarks is not None and entity.remarks.startswith("Leading businessperson operating in Syria.")
    assert entity.extra == {"last_updated": "2020-02-17"}


@pytest.mark.shared_data
def test_aka_only_group_with_year_only_births(excerpt: ParsedList) -> None:
    # Group 13349: two AKA rows "AL-QAHTANI, Sheikh Farooq", DOB 00/00/1980 and 00/00/1981.
    entity = by_id(excerpt.entities)["uk-hmt-conlist:13349"]
    assert entity.names == (Name("Sheikh Farooq AL-QAHTANI", NameKind.ALIAS, "Latn"),)
    assert entity.primary_name == "Sheikh Farooq AL-QAHTANI"
    assert entity.birth_dates == ("1980", "1981")
    # Nationality "1) Saudi Arabia 2) Qatar", then Country "Afghanistan (since 2009)".
    assert entity.countries == ("SA", "QA", "AF")
    assert entity.identifiers == (
        Identifier("Passport", "592667", None, "Passport No: 592667 (Qatari passport issued on 3 May 2007)"),
        Identifier("UN Ref", "QDe.004"),
    )
    assert entity.addresses == (Address(full="Afghanistan (since 2009)", country="AF"),)
    assert entity.listings[0].program == "The ISIL (Da'esh) and Al-Qaida organisations"
    assert entity.listings[0].listed_on == "2016-04-01"
    assert entity.extra["places_of_birth"] == ["Saudi Arabia"]


@pytest.mark.shared_data
def test_entity_with_alias_and_address(excerpt: ParsedList) -> None:
    # Group 10657: "3M MIZAN MACHINERY MANUFACTURING" (Prime Alias) and "3MG" (AKA), PO Box, Tehran.
    entity = by_id(excerpt.entities)["uk-hmt-conlist:10657"]
    assert entity.kind is EntityKind.ORGANIZATION
    assert [(n.value, n.kind) for n in entity.names] == [
        ("3M MIZAN MACHINERY MANUFACTURING", NameKind.PRIMARY),
        ("3MG", NameKind.ALIAS),
    ]
    assert entity.addresses == (
        Address(full="PO Box 16595-365, Tehran, Iran", street="PO Box 16595-365", city="Tehran", country="IR"),
    )
    assert entity.identifiers == (Identifier("UN Ref", "E.29.I.11"),)
    assert entity.listings[0].program == "Iran (nuclear proliferation)"
    assert entity.listings[0].listed_on == "2008-06-24"


@pytest.mark.shared_data
def test_cp1252_text_and_vessel_imo(excerpt: ParsedList) -> None:
    index = by_id(excerpt.entities)
    # Bytes 0x92, 0x91 and 0xB4 in group 13222's Other Information.
    remarks = index["uk-hmt-conlist:13222"].remarks or ""
    assert "so-called \u20192nd Army Corps\u2019 of the \u2018Lugansk People\u00b4s Republic\u2019" in remarks
    assert index["uk-hmt-conlist:13556"].identifiers == (Identifier("IMO", "8937675"),)
    # Group 12999: nine rows for six DOBs and two addresses; numbered passport items split.
    group = index["uk-hmt-conlist:12999"]
    assert group.birth_dates == ("1970", "1969", "1971", "1970-01-01", "1971-01-01")
    assert [i.value for i in group.identifiers] == ["D00001184", "P04838205", "202-2708-8368"]
    assert group.identifiers[2] == Identifier("National ID No.", "202-2708-8368", "SD", "202-2708-8368 (Sudan)")
    assert [a.country for a in group.addresses] == ["CF", "SD"]


@pytest.mark.shared_data
def test_sniff_real_files(shared_data: Path) -> None:
    path = shared_data / "uk" / "hmt_conlist_excerpt_2020.csv"
    assert uk_conlist.sniff(path)
    assert not ofac_csv.sniff(path)
    assert not bis_dpl.sniff(path)
    assert not uk_conlist.sniff(shared_data / "csl" / "csl_2023-11.csv")
    assert not uk_conlist.sniff(shared_data / "ofac" / "sdn_2021")


# --- hand-made files ---------------------------------------------------------------------------


def test_official_layout_with_last_updated_line(tmp_path: Path) -> None:
    rows = [
        record(Name_6="IVANOV", Name_1="Ivan", DOB="00/05/1970", Listed_On="15/03/2014", Group_ID="100"),
        record(Name_6="IVANOFF", Name_1="Ivan", Alias_Type="AKA", Group_ID="100", Nationality="Russian"),
        record(Name_6="OLD CO", Group_Type="Entity", Alias_Type="FKA", Group_ID="200"),
        record(Name_6="NEW CO", Group_Type="Entity", Group_ID="200", Regime="Russia"),
        record(Name_6="SEA STAR", Group_Type="Ship", Group_ID="300", Other_Information="IMO number 1234567"),
    ]
    path = conlist(tmp_path / "ConList.csv", rows)
    assert uk_conlist.sniff(path)
    result = uk_conlist.parse(path)
    assert result.info.as_of == "2020-02-28"
    entities = by_id(result.entities)
    ivanov = entities["uk-hmt-conlist:100"]
    assert [(n.value, n.kind) for n in ivanov.names] == [
        ("Ivan IVANOV", NameKind.PRIMARY),
        ("Ivan IVANOFF", NameKind.ALIAS),
    ]
    assert ivanov.birth_dates == ("1970-05",)
    assert ivanov.countries == ("RU",)
    assert ivanov.listings[0].listed_on == "2014-03-15"
    assert [(n.value, n.kind) for n in entities["uk-hmt-conlist:200"].names] == [
        ("NEW CO", NameKind.PRIMARY),
        ("OLD CO", NameKind.FORMER),
    ]
    ship = entities["uk-hmt-conlist:300"]
    assert ship.kind is EntityKind.VESSEL
    assert ship.identifiers == (Identifier("IMO", "1234567"),)


def test_utf8_file(tmp_path: Path) -> None:
    rows = [record(Name_6="MÜLLER", Name_1="Jürgen", Other_Information="‘quoted’ — ok")]
    entity = uk_conlist.parse(conlist(tmp_path / "c.csv", rows, encoding="utf-8")).entities[0]
    assert entity.primary_name == "Jürgen MÜLLER"
    assert entity.remarks == "‘quoted’ — ok"


def test_cp1252_file(tmp_path: Path) -> None:
    rows = [record(Name_6="MÜLLER", Name_1="Jürgen", Other_Information="‘quoted’ — ok")]
    entity = uk_conlist.parse(conlist(tmp_path / "c.csv", rows, encoding="cp1252")).entities[0]
    assert entity.primary_name == "Jürgen MÜLLER"
    assert entity.remarks == "‘quoted’ — ok"


def test_leading_empty_column_on_header_and_rows(tmp_path: Path) -> None:
    rows = [["", *record(Name_6="A", Group_ID="1")]]
    path = conlist(tmp_path / "c.csv", rows, header=["", *COLUMNS], last_updated=None)
    assert [e.id for e in uk_conlist.parse(path).entities] == ["uk-hmt-conlist:1"]


def test_utf16_file_is_refused(tmp_path: Path) -> None:
    path = conlist(tmp_path / "c.csv", [record(Name_6="A")], encoding="utf-16")
    with pytest.raises(SourceError, match="UTF-16 or binary"):
        uk_conlist.parse(path)


def test_neither_utf8_nor_cp1252(tmp_path: Path) -> None:
    path = conlist(tmp_path / "c.csv", [record(Name_6="A")])
    path.write_bytes(path.read_bytes().replace(b"A,", b"A\x81,", 1))  # 0x81 is undefined in cp1252
    with pytest.raises(SourceError, match="neither UTF-8 nor Windows-1252") as info:
        uk_conlist.parse(path)
    assert info.value.line == 3


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_bytes(b"\r\n")
    with pytest.raises(SourceError, match="file is empty"):
        uk_conlist.parse(path)


def test_header_only(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="has a header but no records"):
        uk_conlist.parse(conlist(tmp_path / "c.csv", []))


def test_missing_header_column(tmp_path: Path) -> None:
    header = [c for c in COLUMNS if c != "Group ID"]
    with pytest.raises(SourceError, match="header lacks column\\(s\\) Group ID") as info:
        uk_conlist.parse(conlist(tmp_path / "c.csv", [record(Name_6="A")[:-1]], header=header))
    assert info.value.line == 2


def test_row_with_missing_field(tmp_path: Path) -> None:
    rows = [record(Name_6="A"), record(Name_6="B")[:-2]]
    with pytest.raises(SourceError, match="found 27 fields; expected 29") as info:
        uk_conlist.parse(conlist(tmp_path / "c.csv", rows))
    assert info.value.line == 4


def test_row_with_extra_field(tmp_path: Path) -> None:
    rows = [[*record(Name_6="A"), "surplus"]]
    with pytest.raises(SourceError, match="found 30 fields; expected 29"):
        uk_conlist.parse(conlist(tmp_path / "c.csv", rows))


def test_truncated_file(tmp_path: Path) -> None:
    path = conlist(tmp_path / "c.csv", [record(Name_6="A", Other_Information="long, text")])
    data = path.read_bytes()
    path.write_bytes(data[: data.index(b"long,") + 3])
    with pytest.raises(SourceError, match="malformed CSV"):
        uk_conlist.parse(path)


def test_group_id_with_two_types_is_a_duplicate_id(tmp_path: Path) -> None:
    rows = [record(Name_6="A", Group_ID="7"), record(Name_6="B", Group_ID="7", Group_Type="Entity")]
    with pytest.raises(SourceError, match="Group ID 7 is a organization here but a person on line 3") as info:
        uk_conlist.parse(conlist(tmp_path / "c.csv", rows))
    assert (info.value.line, info.value.record, info.value.field) == (4, "7", "Group Type")


def test_missing_group_id(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="Group ID is None; expected a number"):
        uk_conlist.parse(conlist(tmp_path / "c.csv", [record(Name_6="A", Group_ID="")]))


def test_unknown_group_type(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="Group Type is 'Aircraft'; expected Individual, Entity or Ship"):
        uk_conlist.parse(conlist(tmp_path / "c.csv", [record(Name_6="A", Group_Type="Aircraft")]))


def test_bad_last_updated_line(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="Last Updated is '2020-02-28'; expected dd/mm/yyyy"):
        uk_conlist.parse(conlist(tmp_path / "c.csv", [record(Name_6="A")], last_updated="2020-02-28"))
