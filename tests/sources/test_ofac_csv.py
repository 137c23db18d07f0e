"""OFAC legacy CSV sets (sdn.csv / cons_prim.csv + add, alt, comments).

Counts below were taken independently of the parser with plain `csv.reader` over the real files
(see each comment for how), then compared with what `parse` returns.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from trustscreen.errors import SourceError
from trustscreen.model import (
    Address,
    Entity,
    EntityKind,
    Identifier,
    Name,
    NameKind,
    ParsedList,
    Relation,
    RelationKind,
)
from trustscreen.sources import bis_dpl, ofac_csv, uk_conlist

# --- helpers for hand-made files ---------------------------------------------------------------


def _q(value: str | None) -> str:
    return "-0- " if value is None else f'"{value}"'


def sdn_row(
    ent: int,
    name: str,
    sdn_type: str | None = None,
    program: str | None = "SDGT",
    remarks: str | None = None,
    *,
    title: str | None = None,
    call_sign: str | None = None,
    vessel: tuple[str | None, str | None, str | None, str | None, str | None] = (None,) * 5,
) -> str:
    fields = [str(ent), _q(name), _q(sdn_type), _q(program), _q(title), _q(call_sign)]
    fields += [_q(v) for v in vessel]
    fields.append(_q(remarks))
    return ",".join(fields)


def write(path: Path, lines: list[str], *, eof: bool = True) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = "".join(f"{line}\r\n" for line in lines).encode("ascii")
    path.write_bytes(data + (b"\x1a" if eof else b""))
    return path


def by_id(entities: tuple[Entity, ...]) -> dict[str, Entity]:
    return {e.id: e for e in entities}


# --- real files --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sdn_2021(shared_data: Path) -> ParsedList:
    return ofac_csv.parse(shared_data / "ofac" / "sdn_2021")


@pytest.fixture(scope="module")
def cons_2025(shared_data: Path) -> ParsedList:
    return ofac_csv.parse(shared_data / "ofac" / "non_sdn_2025")


@pytest.fixture(scope="module")
def sdn_2024(shared_data: Path) -> ParsedList:
    return ofac_csv.parse(shared_data / "ofac" / "sdn_2024-07-02" / "sdn.csv")


@pytest.mark.shared_data
def test_sdn_2021_counts(sdn_2021: ParsedList, shared_data: Path) -> None:
    info = sdn_2021.info
    assert (info.list_id, info.jurisdiction, info.publisher) == ("us-ofac-sdn", "US", "US Treasury OFAC")
    assert info.source_format == "ofac-csv"
    assert info.as_of is None  # the legacy CSVs carry no publication date
    base = (shared_data / "ofac" / "sdn_2021").resolve()
    assert sdn_2021.files == tuple(str(base / n) for n in ("sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"))
    entities = sdn_2021.entities
    # 8976 rows in sdn.csv (PROVENANCE, and `csv.reader` row count), one entity each.
    assert len(entities) == 8976
    assert len({e.id for e in entities}) == 8976
    # SDN_Type column: individual 4620, -0- 3673, vessel 406, aircraft 277.
    assert Counter(e.kind for e in entities) == {
        EntityKind.PERSON: 4620,
        EntityKind.ORGANIZATION: 3673,
        EntityKind.VESSEL: 406,
        EntityKind.AIRCRAFT: 277,
    }
    names = Counter(n.kind for e in entities for n in e.names)
    # alt.csv: aka 11523 + nka 18 = 11541 rows; 4 repeat their entry's primary name (ent 10594,
    # 12609, 13369, 20125) and 2 repeat another alias of the same entry: 11541 - 6 = 11535.
    assert names[NameKind.ALIAS] == 11535
    # fka 369 in alt.csv + 24 "f.k.a. '…'" in sdn.csv remarks.
    assert names[NameKind.FORMER] == 393
    # 2415 "a.k.a./n.k.a. '…'" in sdn.csv remarks + 2 in sdn_comments.csv (ent 28264); none of
    # them is also in alt.csv, which is why they count as OFAC's weak AKAs.
    assert names[NameKind.WEAK_ALIAS] == 2417
    assert names[NameKind.PRIMARY] == 8976
    # Program column: sum over rows of ("] [" occurrences + 1).
    assert sum(len(e.listings) for e in entities) == 10759
    # add.csv has 13837 rows; 2397 are all "-0-" (no street, city or country): 11440 remain.
    assert sum(len(e.addresses) for e in entities) == 11440
    # The 5 remarks cut at 1000 characters all have their sdn_comments.csv row.
    assert not any(e.extra.get("remarks_truncated") for e in entities)


@pytest.mark.shared_data
def test_sdn_2021_bank_entry(sdn_2021: ParsedList) -> None:
    # sdn.csv: 306,"BANCO NACIONAL DE CUBA",-0- ,"CUBA",…,"a.k.a. 'BNC'."
    # alt.csv: 306,220,"aka","NATIONAL BANK OF CUBA"; add.csv rows 199-202 (Zurich, Madrid, Tokyo, Panama).
    bank = by_id(sdn_2021.entities)["us-ofac-sdn:306"]
    assert bank.kind is EntityKind.ORGANIZATION
    assert bank.names == (
        Name("BANCO NACIONAL DE CUBA", NameKind.PRIMARY, "Latn"),
        Name("NATIONAL BANK OF CUBA", NameKind.ALIAS, "Latn"),
        Name("BNC", NameKind.WEAK_ALIAS, "Latn"),
    )
    assert [(lst.list_id, lst.program, lst.jurisdiction) for lst in bank.listings] == [("us-ofac-sdn", "CUBA", "US")]
    assert bank.listings[0].source_url == "https://sanctionssearch.ofac.treas.gov/"
    assert bank.addresses[0] == Address(
        full="Zweierstrasse 35, Zurich CH-8022, Switzerland",
        street="Zweierstrasse 35",
        city="Zurich CH-8022",
        country="CH",
    )
    assert [a.country for a in bank.addresses] == ["CH", "ES", "JP", "PA"]
    assert bank.countries == ("CH", "ES", "JP", "PA")
    assert bank.remarks == "a.k.a. 'BNC'."
    assert bank.source_url == "https://sanctionssearch.ofac.treas.gov/Details.aspx?id=306"


@pytest.mark.shared_data
def test_sdn_2021_person_entry(sdn_2021: ParsedList) -> None:
    # Last row of sdn.csv: 32391 "DJIBO, Ousmane Illiassou", SDGT, "DOB 1984; POB Niger; nationality
    # Niger; Gender Male; a.k.a. 'ILLIASSOU, Djibbo'; … 6 remark aliases"; alt.csv 50850/50851.
    person = by_id(sdn_2021.entities)["us-ofac-sdn:32391"]
    assert person.kind is EntityKind.PERSON
    assert person.primary_name == "DJIBO, Ousmane Illiassou"  # "LAST, First" kept as given
    assert [(n.value, n.kind) for n in person.names[:3]] == [
        ("DJIBO, Ousmane Illiassou", NameKind.PRIMARY),
        ("KOUNOU, Ousmane Illasou", NameKind.ALIAS),
        ("DJIBO, Halid Illiassou", NameKind.ALIAS),
    ]
    assert [n.value for n in person.names if n.kind is NameKind.WEAK_ALIAS] == [
        "ILLIASSOU, Djibbo",
        "CHAPORI, Aboubacar",
        "CHAPORI, Petit",
        "TCHAPORI, Petit",
        "CHAPPORI, Petit",
        "CHAFFORI, Petit",
    ]
    assert person.birth_dates == ("1984",)
    # Nationality first, then the add.csv countries (Mali twice, Niger).
    assert person.countries == ("NE", "ML")
    assert [a.city for a in person.addresses] == ["Menaka Region", "I-n-Arabane", "Tillaberi Region"]
    assert person.extra == {"places_of_birth": ["Niger"], "gender": ["Male"]}
    assert [lst.program for lst in person.listings] == ["SDGT"]


@pytest.mark.shared_data
def test_sdn_2021_comment_overflow_is_glued_verbatim(sdn_2021: ParsedList) -> None:
    # sdn.csv remarks of 28263 stop at 1000 characters inside "a.k.a. 'snowsjo"; sdn_comments.csv
    # continues with "hn'; Linked To: LAZARUS GROUP.".
    entity = by_id(sdn_2021.entities)["us-ofac-sdn:28263"]
    assert entity.remarks is not None
    assert entity.remarks.endswith("a.k.a. 'tianyinyin0404'; a.k.a. 'snowsjohn'; Linked To: LAZARUS GROUP.")
    assert [n.value for n in entity.names if n.kind is NameKind.WEAK_ALIAS] == ["tianyinyin0404", "snowsjohn"]
    lazarus = by_id(sdn_2021.entities)["us-ofac-sdn:27307"]
    assert lazarus.primary_name == "LAZARUS GROUP"
    assert entity.relations == (Relation(RelationKind.ASSOCIATE, "LAZARUS GROUP", "us-ofac-sdn:27307"),)
    assert entity.birth_dates == ("1986-07-12",)
    assert entity.countries == ("CN",)
    assert Identifier("Identification Number", "321284198607120616", "CN") in entity.identifiers
    assert Identifier("Email Address", "417136259@qq.com") in entity.identifiers
    assert [lst.program for lst in entity.listings] == ["DPRK3", "CYBER2"]


@pytest.mark.shared_data
def test_sdn_2021_vessel_and_aircraft(sdn_2021: ParsedList) -> None:
    # 4234,"HERMANN","vessel","CUBA",-0- ,"CL2685","General Cargo","2597","1098","Cuba",
    # "Compania Navegacion Golfo S.A.",-0-
    ship = by_id(sdn_2021.entities)["us-ofac-sdn:4234"]
    assert ship.kind is EntityKind.VESSEL
    assert ship.identifiers == (Identifier("Call Sign", "CL2685"),)
    assert ship.extra["vessel"] == {
        "type": "General Cargo",
        "tonnage": "2597",
        "grt": "1098",
        "flag": "Cuba",
        "owner": "Compania Navegacion Golfo S.A.",
    }
    assert ship.countries == ("CU",)
    assert ship.relations == (Relation(RelationKind.OWNER, "Compania Navegacion Golfo S.A."),)
    # 15431 "EP-GOM" aircraft: construction number, MSN, model, operator, linked to POUYA AIR.
    plane = by_id(sdn_2021.entities)["us-ofac-sdn:15431"]
    assert plane.kind is EntityKind.AIRCRAFT
    assert plane.identifiers == (
        Identifier("Aircraft Construction Number (also called L/N or S/N or F/N)", "8401"),
        Identifier("Aircraft Manufacturer's Serial Number (MSN)", "1023409321"),
    )
    assert plane.extra == {
        "aircraft_manufacture_date": ["1992"],
        "aircraft_model": ["IL76-TD"],
        "aircraft_operator": ["YAS AIR"],
    }
    assert plane.relations[0].target_name == "POUYA AIR"


@pytest.mark.shared_data
def test_consolidated_set(cons_2025: ParsedList) -> None:
    assert cons_2025.info.list_id == "us-ofac-cons"
    entities = cons_2025.entities
    # cons_prim.csv: 442 rows (PROVENANCE), 363 organisations ("-0- ") and 79 individuals.
    assert len(entities) == 442
    assert Counter(e.kind for e in entities) == {EntityKind.ORGANIZATION: 363, EntityKind.PERSON: 79}
    names = Counter(n.kind for e in entities for n in e.names)
    # cons_alt.csv: 932 aka (2 equal to their primary name: 18282, 18721) and 141 fka.
    assert names[NameKind.ALIAS] == 930
    # 141 fka + 3 "f.k.a." in remarks.
    assert names[NameKind.FORMER] == 144
    # 65 "a.k.a." in cons_prim.csv remarks + 4 in cons_comments.csv (17014: 1, 17018: 2, 30930: 1).
    assert names[NameKind.WEAK_ALIAS] == 69
    # Program column: 534 programs over 442 rows; cons_add.csv 574 rows, 52 all "-0-".
    assert sum(len(e.listings) for e in entities) == 534
    assert sum(len(e.addresses) for e in entities) == 522
    assert all(e.id.startswith("us-ofac-cons:") for e in entities)


@pytest.mark.shared_data
def test_consolidated_entries(cons_2025: ParsedList) -> None:
    index = by_id(cons_2025.entities)
    # 9639,"HANIYA, Ismail Abdul Salah","individual","NS-PLC",…,"DOB 1962; POB Shati."
    haniya = index["us-ofac-cons:9639"]
    assert [(n.value, n.kind) for n in haniya.names] == [
        ("HANIYA, Ismail Abdul Salah", NameKind.PRIMARY),
        ("HANIYA, Ismail", NameKind.ALIAS),
        ("HANIYYA, Ismaeel", NameKind.ALIAS),
    ]
    assert haniya.birth_dates == ("1962",)
    assert haniya.extra == {"places_of_birth": ["Shati"]}
    assert [lst.program for lst in haniya.listings] == ["NS-PLC"]
    # 30882 CHINA TELECOM CORPORATION LIMITED, CMIC-EO13959: tickers, ISINs, USCC, link.
    telecom = index["us-ofac-cons:30882"]
    assert [lst.program for lst in telecom.listings] == ["CMIC-EO13959"]
    assert Identifier("Unified Social Credit Code (USCC)", "9111000071093019X7", "CN") in telecom.identifiers
    assert [i.value for i in telecom.identifiers if i.scheme == "ISIN"] == [
        "US1694261033",
        "CNE1000002V2",
        "CND100020NC4",
        "CND1000248G3",
        "CND10003ND87",
    ]
    assert telecom.extra["target_type"] == ["Public Company"]
    assert telecom.relations == (
        Relation(RelationKind.ASSOCIATE, "CHINA TELECOMMUNICATIONS CORPORATION", "us-ofac-cons:30939"),
    )
    assert telecom.addresses[0].country == "CN"


@pytest.mark.shared_data
def test_sdn_csv_alone(sdn_2024: ParsedList, shared_data: Path) -> None:
    path = (shared_data / "ofac" / "sdn_2024-07-02" / "sdn.csv").resolve()
    assert sdn_2024.files == (str(path),)
    entities = sdn_2024.entities
    # 15443 rows (PROVENANCE): individual 6927, -0- 7270, vessel 872, aircraft 374.
    assert len(entities) == 15443
    assert Counter(e.kind for e in entities)[EntityKind.PERSON] == 6927
    names = Counter(n.kind for e in entities for n in e.names)
    # Without alt.csv only remark names exist: 3708 "a.k.a./n.k.a. '" in remarks, of which 3 are
    # cut without a closing quote at the 1000-character limit (27307, 28263, 47682) → 3705.
    assert names == {NameKind.PRIMARY: 15443, NameKind.WEAK_ALIAS: 3705, NameKind.FORMER: 87}
    assert sum(len(e.addresses) for e in entities) == 0
    # 19 rows have exactly 1000-character remarks and no comments file to finish them.
    truncated = [e for e in entities if e.extra.get("remarks_truncated")]
    assert len(truncated) == 19
    tian = by_id(entities)["us-ofac-sdn:28263"]
    assert "snowsjo" not in [n.value for n in tian.names]
    assert tian.extra["remarks_truncated"] is True


@pytest.mark.shared_data
def test_partial_set_without_sdn_csv_fails(shared_data: Path) -> None:
    directory = shared_data / "ofac" / "sdn_2025_partial"
    assert ofac_csv.sniff(directory)  # claimed, so the user sees this error, not "unknown format"
    with pytest.raises(SourceError, match=r"sdn\.csv is missing"):
        ofac_csv.parse(directory)


@pytest.mark.shared_data
def test_mixed_dates_set_fails(shared_data: Path, tmp_path: Path) -> None:
    # 2024 sdn.csv with 2025 add/alt: 3732 add.csv ent_nums are not in the 2024 primary file.
    ofac = shared_data / "ofac"
    (tmp_path / "sdn.csv").symlink_to(ofac / "sdn_2024-07-02" / "sdn.csv")
    (tmp_path / "add.csv").symlink_to(ofac / "sdn_2025_partial" / "add.csv")
    (tmp_path / "alt.csv").symlink_to(ofac / "sdn_2025_partial" / "alt.csv")
    with pytest.raises(SourceError, match="is not in the primary file") as info:
        ofac_csv.parse(tmp_path)
    assert info.value.path.endswith("add.csv")
    assert info.value.line is not None and info.value.field == "ent_num"


@pytest.mark.shared_data
def test_sniff_real_files(shared_data: Path) -> None:
    ofac = shared_data / "ofac"
    assert ofac_csv.sniff(ofac / "sdn_2021")
    assert ofac_csv.sniff(ofac / "sdn_2021" / "sdn.csv")
    assert ofac_csv.sniff(ofac / "non_sdn_2025" / "cons_prim.csv")
    assert ofac_csv.sniff(ofac / "sdn_2024-07-02" / "sdn.csv")
    assert not ofac_csv.sniff(shared_data / "entity_list" / "bis_dpl_2023-11.txt")
    assert not ofac_csv.sniff(shared_data / "uk" / "hmt_conlist_excerpt_2020.csv")
    assert not ofac_csv.sniff(shared_data / "csl" / "csl_2023-11.csv")
    # The other two modules of this batch do not claim OFAC files either.
    for module in (bis_dpl, uk_conlist):
        assert not module.sniff(ofac / "sdn_2021" / "sdn.csv")
        assert not module.sniff(ofac / "non_sdn_2025" / "cons_prim.csv")


# --- hand-made files: behaviour ----------------------------------------------------------------


def test_renamed_primary_file_is_sniffed_and_read_alone(tmp_path: Path) -> None:
    path = write(tmp_path / "data.csv", [sdn_row(36, "AEROCARIBBEAN AIRLINES", program="CUBA")])
    (tmp_path / "add.csv").write_text("not read\r\n")
    assert ofac_csv.sniff(path)
    result = ofac_csv.parse(path)
    assert result.info.list_id == "us-ofac-sdn"
    assert result.files == (str(path.resolve()),)
    assert [e.id for e in result.entities] == ["us-ofac-sdn:36"]


def test_programs_without_outer_brackets(tmp_path: Path) -> None:
    path = write(tmp_path / "sdn.csv", [sdn_row(1, "X", program="IRAN] [SDGT] [IRGC] [IFSR")])
    entity = ofac_csv.parse(path).entities[0]
    assert [lst.program for lst in entity.listings] == ["IRAN", "SDGT", "IRGC", "IFSR"]


def test_remark_parsing(tmp_path: Path) -> None:
    remarks = (
        "DOB 1955 to 1958; alt. DOB 12 Jan 1960; DOB circa 1940; POB Tehran, Iran; nationality Iran; "
        "alt. nationality Region: Gaza; citizen Korea, North; Gender Male; "
        "Passport G123 (Iran) issued 01 Jan 2010 expires 01 Jan 2020; National ID No. 0012 (Iran); "
        "Website www.example.ir; Email Address a@b.ir; SWIFT/BIC BKMTIRTH; Tax ID No. 77 (Russia); "
        "Digital Currency Address - XBT 1abc; Vessel Registration Identification IMO 9187629; "
        "Organization Established Date 25 Oct 2022; a.k.a. 'THE ENGINEER'; f.k.a. 'OLD NAME'; "
        "Linked To: ACME TRADING; Executive Order 13846 information: something."
    )
    path = write(
        tmp_path / "sdn.csv",
        [sdn_row(1, "DOE, John", "individual", remarks=remarks), sdn_row(2, "ACME TRADING")],
    )
    entity = by_id(ofac_csv.parse(path).entities)["us-ofac-sdn:1"]
    assert entity.birth_dates == ("1955", "1956", "1957", "1958", "1960-01-12", "1940")
    assert entity.countries == ("IR", "PS", "KP")
    assert entity.names == (
        Name("DOE, John", NameKind.PRIMARY, "Latn"),
        Name("THE ENGINEER", NameKind.WEAK_ALIAS, "Latn"),
        Name("OLD NAME", NameKind.FORMER, "Latn"),
    )
    assert entity.identifiers == (
        Identifier("Passport", "G123", "IR", "issued 01 Jan 2010 expires 01 Jan 2020"),
        Identifier("National ID No.", "0012", "IR"),
        Identifier("Website", "www.example.ir"),
        Identifier("Email Address", "a@b.ir"),
        Identifier("SWIFT/BIC", "BKMTIRTH"),
        Identifier("Tax ID No.", "77", "RU"),
        Identifier("Digital Currency Address - XBT", "1abc"),
        Identifier("IMO", "9187629", None, "Vessel Registration Identification"),
    )
    assert entity.relations == (Relation(RelationKind.ASSOCIATE, "ACME TRADING", "us-ofac-sdn:2"),)
    assert entity.extra == {
        "places_of_birth": ["Tehran, Iran"],
        "gender": ["Male"],
        "established": ["2022-10-25"],
    }
    assert entity.remarks == remarks


def test_alt_and_address_companions(tmp_path: Path) -> None:
    write(tmp_path / "sdn.csv", [sdn_row(7, "ALPHA LLC"), sdn_row(8, "BETA, Bob", "individual")])
    write(
        tmp_path / "alt.csv",
        [
            '7,1,"aka","ALPHA COMPANY",-0- ',
            '7,2,"fka","OLD ALPHA",-0- ',
            '7,3,"nka","NEW ALPHA",-0- ',
            '8,4,"aka","BOBBY","weak alias"',
        ],
    )
    write(
        tmp_path / "add.csv",
        ['7,10,"1 Main St","Dubai","United Arab Emirates",-0- ', "8,11,-0- ,-0- ,-0- ,-0- "],
    )
    entities = by_id(ofac_csv.parse(tmp_path).entities)
    assert [(n.value, n.kind) for n in entities["us-ofac-sdn:7"].names] == [
        ("ALPHA LLC", NameKind.PRIMARY),
        ("ALPHA COMPANY", NameKind.ALIAS),
        ("OLD ALPHA", NameKind.FORMER),
        ("NEW ALPHA", NameKind.ALIAS),
    ]
    assert entities["us-ofac-sdn:8"].names[1] == Name("BOBBY", NameKind.WEAK_ALIAS, "Latn")
    assert entities["us-ofac-sdn:7"].addresses == (
        Address(full="1 Main St, Dubai, United Arab Emirates", street="1 Main St", city="Dubai", country="AE"),
    )
    assert entities["us-ofac-sdn:8"].addresses == ()  # an all "-0-" address row adds nothing


def test_truncated_remarks_without_comment_drop_last_part(tmp_path: Path) -> None:
    head = "Passport A1 (Iran); "
    tail = "; Passport 99"
    remarks = head + "x" * (1000 - len(head) - len(tail)) + tail
    assert len(remarks) == 1000
    path = write(tmp_path / "sdn.csv", [sdn_row(5, "CUT", remarks=remarks)])
    entity = ofac_csv.parse(path).entities[0]
    assert entity.extra["remarks_truncated"] is True
    assert entity.identifiers == (Identifier("Passport", "A1", "IR"),)  # "Passport 99" may be cut


def test_consolidated_directory_upper_case_names(tmp_path: Path) -> None:
    write(tmp_path / "CONS_PRIM.CSV", [sdn_row(9639, "HANIYA, Ismail", "individual", "NS-PLC")])
    result = ofac_csv.parse(tmp_path)
    assert result.info.list_id == "us-ofac-cons"
    assert result.entities[0].id == "us-ofac-cons:9639"


# --- hand-made files: bad input ----------------------------------------------------------------


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "sdn.csv"
    path.write_bytes(b"\x1a")
    with pytest.raises(SourceError, match="file is empty"):
        ofac_csv.parse(path)


def test_truncated_inside_quoted_field(tmp_path: Path) -> None:
    path = tmp_path / "sdn.csv"
    good = sdn_row(36, "AEROCARIBBEAN AIRLINES", program="CUBA")
    path.write_bytes(f'{good}\r\n173,"ANGLO-CARIBBEAN CO'.encode("ascii"))
    with pytest.raises(SourceError, match="malformed CSV") as info:
        ofac_csv.parse(path)
    assert info.value.line == 2


def test_truncated_mid_row(tmp_path: Path) -> None:
    path = write(tmp_path / "sdn.csv", [sdn_row(36, "A"), '173,"ANGLO-CARIBBEAN CO., LTD.",-0- ,"CUBA"'])
    with pytest.raises(SourceError, match="found 4 fields; expected 12") as info:
        ofac_csv.parse(path)
    assert (info.value.line, info.value.record) == (2, "173")


def test_extra_column(tmp_path: Path) -> None:
    path = write(tmp_path / "sdn.csv", [sdn_row(36, "A") + ',"EXTRA"'])
    with pytest.raises(SourceError, match="found 13 fields; expected 12"):
        ofac_csv.parse(path)


def test_wrong_encoding(tmp_path: Path) -> None:
    path = tmp_path / "sdn.csv"
    path.write_bytes(sdn_row(36, "A").encode() + b"\r\n" + sdn_row(37, "CAF\xc9").encode("latin-1") + b"\r\n")
    with pytest.raises(SourceError, match=r"byte 0xc9 .* not valid utf-8") as info:
        ofac_csv.parse(path)
    assert info.value.line == 2


def test_duplicate_ent_num(tmp_path: Path) -> None:
    path = write(tmp_path / "sdn.csv", [sdn_row(36, "A"), sdn_row(37, "B"), sdn_row(36, "C")])
    with pytest.raises(SourceError, match="ent_num 36 repeats line 1") as info:
        ofac_csv.parse(path)
    assert (info.value.line, info.value.record, info.value.field) == (3, "36", "ent_num")


def test_duplicate_alt_num(tmp_path: Path) -> None:
    write(tmp_path / "sdn.csv", [sdn_row(36, "A")])
    write(tmp_path / "add.csv", ['36,1,-0- ,"Havana","Cuba",-0- '])
    write(tmp_path / "alt.csv", ['36,12,"aka","AERO",-0- ', '36,12,"aka","AERO 2",-0- '])
    with pytest.raises(SourceError, match="alt_num 12 repeats line 1"):
        ofac_csv.parse(tmp_path)


def test_duplicate_comment(tmp_path: Path) -> None:
    write(tmp_path / "sdn.csv", [sdn_row(36, "A")])
    write(tmp_path / "sdn_comments.csv", ['36,"x"', '36,"y"'])
    with pytest.raises(SourceError, match="second comment"):
        ofac_csv.parse(tmp_path)


def test_half_set_add_without_alt(tmp_path: Path) -> None:
    write(tmp_path / "sdn.csv", [sdn_row(36, "A")])
    write(tmp_path / "add.csv", ['36,1,-0- ,"Havana","Cuba",-0- '])
    with pytest.raises(SourceError, match=r"half a file set: add\.csv is present but alt\.csv is missing"):
        ofac_csv.parse(tmp_path)
    # Passing sdn.csv itself picks up the same siblings, hence the same error.
    with pytest.raises(SourceError, match="half a file set"):
        ofac_csv.parse(tmp_path / "sdn.csv")


def test_companions_without_primary(tmp_path: Path) -> None:
    write(tmp_path / "cons_alt.csv", ['9639,1,"aka","X",-0- '])
    with pytest.raises(SourceError, match=r"cons_prim\.csv is missing; found only cons_alt\.csv"):
        ofac_csv.parse(tmp_path)


def test_companion_with_unknown_ent_num(tmp_path: Path) -> None:
    write(tmp_path / "sdn.csv", [sdn_row(36, "A")])
    write(tmp_path / "alt.csv", ['36,1,"aka","AERO",-0- '])
    write(tmp_path / "add.csv", ['36,1,-0- ,"Havana","Cuba",-0- ', '99,2,-0- ,"Rome","Italy",-0- '])
    with pytest.raises(SourceError, match="ent_num 99 is not in the primary file") as info:
        ofac_csv.parse(tmp_path)
    assert (Path(info.value.path).name, info.value.line, info.value.record) == ("add.csv", 2, "99")


def test_companion_file_passed_directly(tmp_path: Path) -> None:
    path = write(tmp_path / "alt.csv", ['36,1,"aka","AERO",-0- '])
    assert ofac_csv.sniff(path)
    with pytest.raises(SourceError, match=r"companion file .* pass sdn\.csv"):
        ofac_csv.parse(path)


def test_directory_with_both_sets(tmp_path: Path) -> None:
    write(tmp_path / "sdn.csv", [sdn_row(36, "A")])
    write(tmp_path / "cons_prim.csv", [sdn_row(9639, "B")])
    with pytest.raises(SourceError, match="both the SDN set"):
        ofac_csv.parse(tmp_path)


def test_directory_without_ofac_files(tmp_path: Path) -> None:
    (tmp_path / "other.csv").write_text("a,b\n")
    assert not ofac_csv.sniff(tmp_path)
    with pytest.raises(SourceError, match="no OFAC legacy CSV files"):
        ofac_csv.parse(tmp_path)


def test_unknown_sdn_type(tmp_path: Path) -> None:
    path = write(tmp_path / "sdn.csv", [sdn_row(36, "A", "submarine")])
    with pytest.raises(SourceError, match="SDN_Type is 'submarine'") as info:
        ofac_csv.parse(path)
    assert info.value.field == "SDN_Type"


def test_unknown_alt_type(tmp_path: Path) -> None:
    write(tmp_path / "sdn.csv", [sdn_row(36, "A")])
    write(tmp_path / "add.csv", ['36,1,-0- ,"Havana","Cuba",-0- '])
    write(tmp_path / "alt.csv", ['36,1,"dba","AERO",-0- '])
    with pytest.raises(SourceError, match="alt_type is 'dba'; expected one of aka, fka, nka"):
        ofac_csv.parse(tmp_path)


def test_non_numeric_ent_num(tmp_path: Path) -> None:
    path = write(tmp_path / "sdn.csv", [sdn_row(36, "A").replace("36,", "3X,", 1)])
    with pytest.raises(SourceError, match="ent_num is '3X'; expected a whole number"):
        ofac_csv.parse(path)


def test_sniff_rejects_headed_csv(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("id,name,type\n1,A,person\n")
    assert not ofac_csv.sniff(path)
