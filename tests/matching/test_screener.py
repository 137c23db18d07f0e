"""Screening against real lists: retrieval, ranking, corroborating features, filters."""

from __future__ import annotations

from pathlib import Path

import pytest

from trustscreen.matching import Query, Screener
from trustscreen.matching.scorer import BIRTH_YEAR_MISMATCH, query_forms
from trustscreen.model import EntityKind, Identifier
from trustscreen.sources import curated, un_xml


@pytest.fixture(scope="module")
def screener(shared_data: Path) -> Screener:
    lists = [un_xml.parse(shared_data / "un" / "UN_consolidated.xml"), *curated.parse_bundle()]
    return Screener((None, entity) for parsed in lists for entity in parsed.entities)


def _top(screener: Screener, query: Query | str) -> str:
    matches = screener.screen(query)
    assert matches, query
    return matches[0].entity.id


@pytest.mark.shared_data
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("EMRAAN ALI", "un:QDi.430"),
        ("Emran Ali", "un:QDi.430"),  # one-letter spelling variant
        ("Ali, Emraan", "un:QDi.430"),  # surname first
        ("صدام حسين التكريتي", "un:IQi.001"),  # native script as listed
        ("Saddam Hussein al-Tikriti", "un:IQi.001"),
        ("Victor Rumuri", "un:CDi.003"),  # an alias
        ("华为技术有限公司", "us-bis-el:huawei"),
        ("Semiconductor Manufacturing International Corporation", "us-bis-el:smic"),
    ],
)
def test_listed_names_and_variants_rank_first(screener: Screener, query: str, expected: str) -> None:
    matches = screener.screen(query)
    ids = [m.entity.id for m in matches if m.match]
    assert any(i == expected or i.startswith(expected) for i in ids), [(m.entity.id, m.score) for m in matches[:5]]


@pytest.mark.shared_data
def test_retrieval_returns_a_handful_of_candidates_not_the_whole_list(screener: Screener) -> None:
    assert len(screener) > 1000
    found = screener.index.candidates(query_forms(Query("EMRAAN ALI")), limit=12)
    assert 0 < len(found) <= 12
    assert found[0].position == next(i for i, it in enumerate(screener.index.items) if it.entity.id == "un:QDi.430")


@pytest.mark.shared_data
def test_unlisted_names_do_not_match(screener: Screener) -> None:
    for name in ("Apple Inc.", "Maria Fernanda Gonzalez", "Deutsche Telekom AG", "Toyota Motor Corporation"):
        assert not any(m.match for m in screener.screen(name)), name


@pytest.mark.shared_data
def test_birth_year_and_country_corroborate_or_take_away(screener: Screener) -> None:
    plain = screener.screen(Query("EMRAAN ALI", kind=EntityKind.PERSON))[0]
    wrong_year = screener.screen(Query("EMRAAN ALI", kind=EntityKind.PERSON, birth_date="1990"))[0]
    same_day = screener.screen(Query("EMRAAN ALI", kind=EntityKind.PERSON, birth_date="1967-07-04"))[0]
    assert wrong_year.score == pytest.approx(max(0.0, plain.score + BIRTH_YEAR_MISMATCH), abs=1e-3)
    assert same_day.score >= plain.score
    other_country = screener.screen(Query("EMRAAN ALI", countries=("FR",)))[0]
    assert other_country.score < plain.score
    assert "country_mismatch" in {f.name for f in other_country.features}


@pytest.mark.shared_data
def test_identifier_equality_is_strong_evidence(screener: Screener) -> None:
    query = Query("E. Ali", identifiers=(Identifier("passport", "TB-162181"),))
    top = screener.screen(query)[0]
    assert top.entity.id == "un:QDi.430"
    assert top.score >= 0.97 and top.match
    assert "identifier_equal" in {f.name for f in top.features}


@pytest.mark.shared_data
def test_list_filter_and_to_dict_shape(screener: Screener) -> None:
    matches = screener.screen("Hikvision")
    assert any(m.match for m in matches)
    shape = matches[0].to_dict()
    assert set(shape) >= {"entity_id", "name", "score", "match", "listings", "explanation"}
    assert shape["explanation"][0]["feature"] == "name"
    assert screener.screen("Hikvision", lists=["no-such-list"]) == []
