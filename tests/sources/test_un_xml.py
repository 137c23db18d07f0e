from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from trustscreen.errors import SourceError
from trustscreen.model import Entity, EntityKind, NameKind, ParsedList
from trustscreen.sources import un_xml


@pytest.fixture(scope="module")
def un_path(shared_data: Path) -> Path:
    return shared_data / "un" / "UN_consolidated.xml"


@pytest.fixture(scope="module")
def un_list(un_path: Path) -> ParsedList:
    return un_xml.parse(un_path)


@pytest.fixture(scope="module")
def entities(un_list: ParsedList) -> dict[str, Entity]:
    return {e.id: e for e in un_list.entities}


def test_counts(un_list: ParsedList, un_path: Path) -> None:
    # PROVENANCE and an xml.etree count agree: 730 INDIVIDUAL + 273 ENTITY, no REFERENCE_NUMBER twice
    # (even after stripping the trailing space twelve KPe.* numbers carry).
    assert Counter(e.kind for e in un_list.entities) == {EntityKind.PERSON: 730, EntityKind.ORGANIZATION: 273}
    assert len({e.id for e in un_list.entities}) == 1003
    assert un_list.info.as_of == "2026-02-27"  # dateGenerated="2026-02-27T00:00:09.554Z"
    assert un_list.info.list_id == "un-sc"
    assert un_list.files == (str(un_path.resolve()),)
    # Separate xml.etree script: per record the joined name, NAME_ORIGINAL_SCRIPT and non-empty
    # ALIAS_NAMEs, de-duplicated case-insensitively; QUALITY Low → weak, f.k.a. → former, the rest alias.
    assert Counter(n.kind for e in un_list.entities for n in e.names) == {
        NameKind.PRIMARY: 1003,
        NameKind.ALIAS: 2103,
        NameKind.WEAK_ALIAS: 615,
        NameKind.NATIVE: 377,
        NameKind.FORMER: 18,
    }
    # 454 INDIVIDUAL_DOCUMENT/NUMBER with text; 811 address elements with any non-empty child.
    assert sum(len(e.identifiers) for e in un_list.entities) == 454
    assert sum(len(e.addresses) for e in un_list.entities) == 811
    assert Counter(e.listings[0].program for e in un_list.entities) == {
        "Al-Qaida": 341,
        "DPRK": 155,
        "Taliban": 140,
        "Iran": 121,
        "Iraq": 75,
        "DRC": 53,
        "Libya": 30,
        "Somalia": 24,
        "CAR": 15,
        "Haiti": 11,
        "Yemen": 11,
        "GB": 10,
        "Sudan": 9,
        "SouthSudan": 8,
    }


def test_individual_field_by_field(entities: dict[str, Entity]) -> None:
    gaston = entities["un:CDi.003"]
    assert gaston.kind is EntityKind.PERSON
    assert [(n.value, n.kind) for n in gaston.names] == [
        ("GASTON IYAMUREMYE", NameKind.PRIMARY),
        ("Rumuli", NameKind.WEAK_ALIAS),  # QUALITY Low
        ("Byiringiro Victor Rumuli", NameKind.ALIAS),
        ("Victor Rumuri", NameKind.ALIAS),
        ("Michel Byiringiro", NameKind.ALIAS),
    ]
    assert gaston.birth_dates == ("1948",)  # TYPE_OF_DATE EXACT, YEAR 1948
    assert gaston.countries == ("RW", "CD")  # nationality Rwanda, address in DR Congo
    assert gaston.addresses[0].region == "North Kivu Province"
    assert gaston.addresses[0].country == "CD"
    (listing,) = gaston.listings
    assert listing.list_id == "un-sc"
    assert listing.program == "DRC"
    assert listing.jurisdiction == "UN"
    assert listing.listed_on == "2010-12-01"
    assert listing.citation == "CDi.003"
    assert listing.remarks is not None and listing.remarks.startswith("INTERPOL-UN Security Council")
    assert gaston.extra["designations"] == [
        "FDLR Interim President",
        "FDLR-FOCA 1st Vice-President",
        "FDLR-FOCA Major General",
    ]
    assert gaston.as_of == "2026-02-27"


def test_documents(entities: dict[str, Entity]) -> None:
    emraan = entities["un:QDi.430"]
    assert [(i.scheme, i.value, i.country, i.note) for i in emraan.identifiers] == [
        ("Passport", "TB162181", "TT", "issued on 27 January 2015, expired 26 January 2020"),
        ("Passport", "420985453", "US", "expired 6 February 2017"),
        ("National Identification Number", "19670704052", "TT", None),
    ]
    assert emraan.birth_dates == ("1967-07-04",)
    assert emraan.countries == ("TT", "US")


def test_native_script_and_dates(entities: dict[str, Entity]) -> None:
    saddam = entities["un:IQi.001"]
    assert [(n.value, n.kind, n.script) for n in saddam.names] == [
        ("SADDAM HUSSEIN AL-TIKRITI", NameKind.PRIMARY, "Latn"),
        ("صدام حسين التكريتي", NameKind.NATIVE, "Arab"),
        ("Abu Ali", NameKind.WEAK_ALIAS, "Latn"),
    ]
    assert saddam.birth_dates == ("1937-04-28",)
    # BETWEEN 1973 and 1974 keeps every year of the range.
    assert entities["un:CDi.030"].birth_dates == ("1973", "1974")
    assert entities["un:KPi.066"].birth_dates == ("1967", "1968", "1969")
    # NOTE-only dates: "Nov. 1973 " is a month; "Between Aug. and Sep. 1977" stays prose.
    assert entities["un:CDi.004"].birth_dates == ("1973-11",)
    # Joseph Kony: six YEAR/DATE values and three NOTE months, in file order.
    assert entities["un:CFi.009"].birth_dates == (
        "1959",
        "1960",
        "1961",
        "1963",
        "1964-09-18",
        "1965",
        "1961-08",
        "1961-07",
        "1961-01-01",
        "1963-04",
    )
    assert entities["un:QDi.306"].extra["birth_date_notes"] == ["Between Aug. and Sep. 1977"]
    # A Hijri date is not a Gregorian one: never read as the year 1402.
    assert "1402" not in "".join(entities["un:QDi.291"].birth_dates)


def test_entity_record(entities: dict[str, Entity]) -> None:
    bank = entities["un:KPe.023"]  # REFERENCE_NUMBER "KPe.023 " in the file
    assert bank.kind is EntityKind.ORGANIZATION
    assert [n.value for n in bank.names] == [
        "DAEDONG CREDIT BANK (DCB)",
        "DCB",
        "Taedong Credit Bank",
        "Dae-Dong Credit Bank",
    ]
    assert bank.listings[0].citation == "KPe.023"
    assert bank.listings[0].listed_on == "2016-03-02"
    assert [a.city for a in bank.addresses] == ["Pyongyang", "Pyongyang"]
    assert bank.countries == ("KP",)


def test_sniff(un_path: Path, shared_data: Path) -> None:
    assert un_xml.sniff(un_path)
    assert not un_xml.sniff(shared_data / "csl" / "csl_2023-11.csv")
    assert not un_xml.sniff(shared_data / "negatives" / "opensanctions_us_congress_peps_senzing.jsonl")


# --- Bad input --------------------------------------------------------------------------------

SMALL = """<?xml version="1.0" encoding="UTF-8"?>
<CONSOLIDATED_LIST dateGenerated="2026-02-27T00:00:09.554Z">
  <INDIVIDUALS>
    <INDIVIDUAL>
      <DATAID>1</DATAID>
      <FIRST_NAME>{first}</FIRST_NAME>
      <UN_LIST_TYPE>DRC</UN_LIST_TYPE>
      <REFERENCE_NUMBER>CDi.001</REFERENCE_NUMBER>
      <LISTED_ON>2012-12-31</LISTED_ON>
    </INDIVIDUAL>
    <INDIVIDUAL>
      <DATAID>2</DATAID>
      <FIRST_NAME>B</FIRST_NAME>
      <UN_LIST_TYPE>DRC</UN_LIST_TYPE>
      <REFERENCE_NUMBER>{second_ref}</REFERENCE_NUMBER>
      <LISTED_ON>2012-12-31</LISTED_ON>
    </INDIVIDUAL>
  </INDIVIDUALS>
  <ENTITIES/>
</CONSOLIDATED_LIST>
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "un.xml"
    path.write_text(text, encoding="utf-8")
    return path


def test_small_valid_file(tmp_path: Path) -> None:
    parsed = un_xml.parse(write(tmp_path, SMALL.format(first="ERIC BADEGE", second_ref="CDi.002")))
    assert [e.id for e in parsed.entities] == ["un:CDi.001", "un:CDi.002"]


def test_truncated_real_file(un_path: Path, tmp_path: Path) -> None:
    data = un_path.read_bytes()
    cut = data[: len(data) // 2]
    path = tmp_path / "half.xml"
    path.write_bytes(cut)
    with pytest.raises(SourceError) as error:
        un_xml.parse(path)
    # libxml2 notices the missing end tags at the end of the data: the last line of the cut file.
    assert error.value.line == cut.count(b"\n") + 1
    assert "malformed XML" in error.value.problem


def test_duplicate_reference_number(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as error:
        un_xml.parse(write(tmp_path, SMALL.format(first="A", second_ref="CDi.001 ")))
    assert error.value.record == "un:CDi.001"
    assert error.value.line == 11
    assert "first at line 4" in error.value.problem


def test_missing_name(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as error:
        un_xml.parse(write(tmp_path, SMALL.format(first="", second_ref="CDi.002")))
    assert error.value.field == "FIRST_NAME"
    assert error.value.line == 4


def test_wrong_root(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="expected <CONSOLIDATED_LIST>"):
        un_xml.parse(write(tmp_path, "<?xml version='1.0'?><sdnList/>"))


def test_no_records(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no INDIVIDUAL or ENTITY"):
        un_xml.parse(write(tmp_path, "<CONSOLIDATED_LIST><INDIVIDUALS/><ENTITIES/></CONSOLIDATED_LIST>"))


def test_empty_file(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="empty"):
        un_xml.parse(write(tmp_path, "\n"))


def test_wrong_encoding(tmp_path: Path) -> None:
    path = tmp_path / "latin1.xml"
    path.write_bytes(SMALL.format(first="JOSÉ", second_ref="CDi.002").encode("latin-1"))
    with pytest.raises(SourceError) as error:
        un_xml.parse(path)
    assert error.value.line == 6
    assert "not valid utf-8" in error.value.problem


def test_entity_declarations_are_not_expanded(tmp_path: Path) -> None:
    hostile = (
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        "<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><FIRST_NAME>X&e;</FIRST_NAME>"
        "<REFERENCE_NUMBER>CDi.001</REFERENCE_NUMBER></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>"
    )
    parsed = un_xml.parse(write(tmp_path, hostile))
    assert parsed.entities[0].primary_name == "X"
