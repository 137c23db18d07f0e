"""BIS Denied Persons List (dpl.txt).

Counts were taken independently with `csv.reader(delimiter="\\t")` over the real file: 665 data
rows, 545 distinct names once whitespace is collapsed and case folded (546 raw: " I. ASH" has a
leading space), 547 distinct (name, Effective_Date) pairs, 663 distinct (name, address) pairs
(the file repeats two rows verbatim: DAQING ZHOU and NEI-CHIEN CHU).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path

import pytest

from trustscreen.errors import SourceError
from trustscreen.model import Address, Entity, EntityKind, NameKind, ParsedList
from trustscreen.sources import bis_dpl, ofac_csv, uk_conlist

HEADER = bis_dpl.COLUMNS


def dpl_line(*fields: str) -> str:
    return "\t".join(f'"{f}"' for f in fields)


def row(
    name: str,
    street: str = "1 MAIN ST",
    city: str = "EL PASO",
    state: str = "TX",
    country: str = "",
    postal: str = "79905",
    effective: str = "08/24/2022",
    expiration: str = "01/14/2026",
    last_update: str = "2022-08-29",
    citation: str = "87 F.R. 52741 8/29/2022",
) -> str:
    return dpl_line(
        name,
        street,
        city,
        state,
        country,
        postal,
        effective,
        expiration,
        "Y",
        last_update,
        "F.R. NOTICE ADDED",
        citation,
    )


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    return path


def by_name(entities: tuple[Entity, ...]) -> dict[str, Entity]:
    return {e.primary_name: e for e in entities}


@pytest.fixture(scope="module")
def dpl(shared_data: Path) -> ParsedList:
    return bis_dpl.parse(shared_data / "entity_list" / "bis_dpl_2023-11.txt")


@pytest.mark.shared_data
def test_counts_and_info(dpl: ParsedList, shared_data: Path) -> None:
    info = dpl.info
    assert (info.list_id, info.jurisdiction, info.source_format) == ("us-bis-dpl", "US", "bis-dpl")
    # Largest believable Last_Update; "3033-09-30" is a typo and ignored.
    assert info.as_of == "2023-11-28"
    assert dpl.files == (str((shared_data / "entity_list" / "bis_dpl_2023-11.txt").resolve()),)
    assert len(dpl.entities) == 545
    assert len({e.id for e in dpl.entities}) == 545
    assert sum(len(e.listings) for e in dpl.entities) == 547
    assert sum(len(e.addresses) for e in dpl.entities) == 663
    assert {e.kind for e in dpl.entities} == {EntityKind.UNKNOWN}
    # I. ASH and HAYDEE HERRERA are each under two orders (effective 03/04/2002 and 06/19/2003).
    assert Counter(len(e.listings) for e in dpl.entities) == {1: 543, 2: 2}
    for entity in dpl.entities:
        assert [n.kind for n in entity.names] == [NameKind.PRIMARY]
        for listing in entity.listings:
            assert listing.list_id == "us-bis-dpl"
            assert listing.licence_requirement == "All export privileges denied (Denied Persons List order)"


@pytest.mark.shared_data
def test_same_person_two_addresses(dpl: ParsedList) -> None:
    # Two rows: Milwaukee WI (Country blank) and Changshu, Jiangsu, CN; same order 03/16/2020.
    zimo = by_name(dpl.entities)["ZIMO SHENG"]
    assert zimo.id == "us-bis-dpl:" + hashlib.sha256(b"ZIMO SHENG").hexdigest()[:16]
    assert zimo.addresses == (
        Address(
            full="3975 N. CRAMER STREET, UNIT 204, MILWAUKEE, WI, 53211, US",
            street="3975 N. CRAMER STREET, UNIT 204",
            city="MILWAUKEE",
            region="WI",
            postal_code="53211",
            country="US",
        ),
        Address(
            full="JINXIUYUAN 17-403, CHANGSHU, JIANGSU, 215500, CN",
            street="JINXIUYUAN 17-403, CHANGSHU",
            city="JIANGSU",
            postal_code="215500",
            country="CN",
        ),
    )
    assert zimo.countries == ("US", "CN")
    (listing,) = zimo.listings
    assert (listing.listed_on, listing.ended_on) == ("2020-03-16", "2028-12-13")
    assert listing.citation == "85 F.R. 16054 3/20/2020"
    assert listing.jurisdiction == "US"
    assert listing.remarks is None
    assert zimo.extra == {"action": "FR NOTICE ADDED", "standard_order": "Y", "last_update": "2020-03-20"}


@pytest.mark.shared_data
def test_last_update_typo_is_kept_not_believed(dpl: ParsedList) -> None:
    # "JOSE ERNESTO GARCIA" … "09/26/2022" "02/03/2030" "Y" "3033-09-30" "F.R. NOTICE ADDED"
    # "87 F.R. 59396 9/30/2022"
    garcia = by_name(dpl.entities)["JOSE ERNESTO GARCIA"]
    assert garcia.remarks == "Last_Update '3033-09-30' is not a believable date and was ignored"
    assert "last_update" not in garcia.extra
    (listing,) = garcia.listings
    assert (listing.listed_on, listing.ended_on, listing.citation) == (
        "2022-09-26",
        "2030-02-03",
        "87 F.R. 59396 9/30/2022",
    )
    assert garcia.addresses[0].full == "1502 HOLBROOK ROAD, #20, SAN ANTONIO, TX, 78218, US"
    # Two more typos: "1023-11-01" (AL NASER AIRLINES, GIE KERMAN AVIATION) and "2001-12-06" for an
    # order effective 11/30/2021 (ALI KOURANI).
    doubted = sorted(e.primary_name for e in dpl.entities if e.remarks)
    assert doubted == ["AL NASER AIRLINES", "ALI KOURANI", "GIE KERMAN AVIATION", "JOSE ERNESTO GARCIA"]


@pytest.mark.shared_data
def test_two_orders_and_disagreeing_rows(dpl: ParsedList) -> None:
    names = by_name(dpl.entities)
    # " I. ASH" (leading space) and "I. ASH" are one name under two orders.
    ash = names["I. ASH"]
    assert sorted(lst.listed_on or "" for lst in ash.listings) == ["2002-03-04", "2003-06-19"]
    assert len(ash.addresses) == 3
    # JESUS ADRIAN RAMIREZ rows disagree on Expiration_Date (12/16/2030 vs 12/16/2023).
    (listing,) = names["JESUS ADRIAN RAMIREZ"].listings
    assert listing.ended_on == "2030-12-16"
    assert listing.remarks == "rows disagree on Expiration_Date: 2023-12-16, 2030-12-16; the latest is kept"
    # The two verbatim duplicate rows collapse into one address.
    assert len(names["DAQING ZHOU"].addresses) == 1
    assert len(names["NEI-CHIEN CHU"].addresses) == 1
    # "AL-NASER  AIRLINES" (written with two spaces) reads as "AL-NASER AIRLINES", still distinct
    # from "AL NASER AIRLINES" and "ALNASER AIRLINES", which BIS lists separately.
    assert {"AL-NASER AIRLINES", "AL NASER AIRLINES", "ALNASER AIRLINES"} <= names.keys()


@pytest.mark.shared_data
def test_sniff_real_files(shared_data: Path) -> None:
    path = shared_data / "entity_list" / "bis_dpl_2023-11.txt"
    assert bis_dpl.sniff(path)
    assert not ofac_csv.sniff(path)
    assert not uk_conlist.sniff(path)
    assert not bis_dpl.sniff(shared_data / "ofac" / "sdn_2021" / "sdn.csv")
    assert not bis_dpl.sniff(shared_data / "ofac" / "sdn_2021")
    assert not bis_dpl.sniff(shared_data / "uk" / "hmt_conlist_excerpt_2020.csv")
    assert not bis_dpl.sniff(shared_data / "csl" / "csl_2023-11.csv")


# --- hand-made files ---------------------------------------------------------------------------


def test_id_is_stable_across_renewal_and_address_change(tmp_path: Path) -> None:
    old = bis_dpl.parse(write(tmp_path / "old.txt", [dpl_line(*HEADER), row("AARON  VILLA ")]))
    new = bis_dpl.parse(
        write(
            tmp_path / "new.txt",
            [dpl_line(*HEADER), row("AARON VILLA", street="9 OTHER RD", effective="02/20/2023")],
        )
    )
    assert old.entities[0].id == new.entities[0].id
    assert old.entities[0].primary_name == "AARON VILLA"


def test_unquoted_file_and_us_country_inference(tmp_path: Path) -> None:
    lines = [
        "\t".join(HEADER),
        "\t".join(["BOB", "", "PARIS", "", "FR", "", "01/02/2020", "", "N", "", "", ""]),
    ]
    path = write(tmp_path / "dpl.txt", lines)
    assert bis_dpl.sniff(path)
    entity = bis_dpl.parse(path).entities[0]
    assert entity.addresses == (Address(full="PARIS, FR", city="PARIS", country="FR"),)
    (listing,) = entity.listings
    assert (listing.listed_on, listing.ended_on, listing.citation) == ("2020-01-02", None, None)
    assert bis_dpl.parse(path).info.as_of is None  # no Last_Update at all


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "dpl.txt"
    path.write_text("\n")
    with pytest.raises(SourceError, match="file is empty"):
        bis_dpl.parse(path)


def test_header_only(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="has a header but no records"):
        bis_dpl.parse(write(tmp_path / "dpl.txt", [dpl_line(*HEADER)]))


def test_wrong_header(tmp_path: Path) -> None:
    path = write(tmp_path / "dpl.txt", [dpl_line(*HEADER[:-1], "Citation"), row("A")])
    assert not bis_dpl.sniff(path)
    with pytest.raises(SourceError, match="expected the DPL header") as info:
        bis_dpl.parse(path)
    assert info.value.line == 1


def test_missing_column(tmp_path: Path) -> None:
    short = row("AARON VILLA").rsplit("\t", 1)[0]
    with pytest.raises(SourceError, match="found 11 fields; expected 12") as info:
        bis_dpl.parse(write(tmp_path / "dpl.txt", [dpl_line(*HEADER), row("A"), short]))
    assert (info.value.line, info.value.record) == (3, "AARON VILLA")


def test_extra_column(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="found 13 fields"):
        bis_dpl.parse(write(tmp_path / "dpl.txt", [dpl_line(*HEADER), row("A") + '\t"X"']))


def test_truncated_file(tmp_path: Path) -> None:
    path = tmp_path / "dpl.txt"
    path.write_text(dpl_line(*HEADER) + "\n" + row("A") + '\n"ZIMO SHENG"\t"3975 N. CRA', encoding="utf-8")
    with pytest.raises(SourceError, match="malformed CSV") as info:
        bis_dpl.parse(path)
    assert info.value.line == 3


def test_wrong_encoding(tmp_path: Path) -> None:
    path = tmp_path / "dpl.txt"
    path.write_bytes((dpl_line(*HEADER) + "\n").encode() + row("JOS\xc9").encode("cp1252") + b"\n")
    with pytest.raises(SourceError, match="not valid utf-8") as info:
        bis_dpl.parse(path)
    assert info.value.line == 2


def test_empty_name(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="Name is empty") as info:
        bis_dpl.parse(write(tmp_path / "dpl.txt", [dpl_line(*HEADER), row(" ")]))
    assert (info.value.line, info.value.field) == (2, "Name")


def test_duplicate_rows_give_one_entity(tmp_path: Path) -> None:
    lines = [
        dpl_line(*HEADER),
        row("NEI-CHIEN CHU"),
        row("NEI-CHIEN CHU"),
        row("nei-chien  chu", city="CAMDEN"),
    ]
    result = bis_dpl.parse(write(tmp_path / "dpl.txt", lines))
    (entity,) = result.entities
    assert len(entity.listings) == 1
    assert [a.city for a in entity.addresses] == ["EL PASO", "CAMDEN"]


def test_unbelievable_dates(tmp_path: Path) -> None:
    lines = [
        dpl_line(*HEADER),
        row("A", last_update="3033-09-30"),
        row("B", effective="11/30/2021", last_update="2001-12-06"),
        row("C", effective="13/45/2021", expiration="soon", last_update="2021-12-01"),
    ]
    result = bis_dpl.parse(write(tmp_path / "dpl.txt", lines))
    assert result.info.as_of == "2021-12-01"
    entities = by_name(result.entities)
    assert entities["A"].remarks == "Last_Update '3033-09-30' is not a believable date and was ignored"
    assert entities["B"].remarks == "Last_Update '2001-12-06' is not a believable date and was ignored"
    (listing,) = entities["C"].listings
    assert listing.listed_on is None and listing.ended_on is None
    assert listing.remarks == (
        "Effective_Date '13/45/2021' is not a MM/DD/YYYY date; Expiration_Date 'soon' is not a MM/DD/YYYY date"
    )
