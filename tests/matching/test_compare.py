"""Pairwise behaviour of the scorer: each case is a documented feature doing its job."""

from __future__ import annotations

import pytest

from trustscreen.matching import DEFAULT_THRESHOLD, compare


@pytest.mark.parametrize(
    ("a", "b", "kind"),
    [
        ("Huawei Technologies Co., Ltd.", "HUAWEI TECHNOLOGIES COMPANY LIMITED", "organization"),
        ("SMIC", "Semiconductor Manufacturing International Corp.", "organization"),
        ("Владимир Путин", "Vladimir Putin", "person"),
        ("习近平", "Xi Jinping", "person"),
        ("김정은", "Kim Jong Un", "person"),
        ("محمد علي", "Mohamed Ali", "person"),
        ("山田太郎", "Yamada Taro", "person"),
        ("ヤマダ タロウ", "Yamada Taro", "person"),
        ("Smith, John", "John Smith", "person"),
        ("A. Khamenei", "Ali Khamenei", "person"),
        ("Mike Pompeo", "Michael Pompeo", "person"),
        ("Brigade Forty-Four", "Brigade 44", "organization"),
        ("Good Will Company", "Goodwill Company", "organization"),
        ("L.X.C Aviation", "LXC Aviation", "organization"),
        ("Olaf Schulze", "Olaf Scholz", "person"),
    ],
)
def test_variants_of_one_name_match(a: str, b: str, kind: str) -> None:
    result = compare(a, b, kind=kind)
    assert result.match, (result.score, [f.to_dict() for f in result.features])
    assert result.score >= DEFAULT_THRESHOLD


@pytest.mark.parametrize(
    ("a", "b", "kind", "feature"),
    [
        # Different father: another member of the family.
        ("AHMAD BIN HASAN AL-UBAIDI", "HASAN BIN AHMAD AL-UBAIDI", "person", "name_order"),
        ("HANI ABD-AL-LATIF TILFAH AL-RAWI", "HANI ABD-AL-LATIF TILFAH AL-TIKRITI", "person", "conflicting_parts"),
        ("Bank of America", "Bank of Russia", "organization", "conflicting_parts"),
        ("Banco Santander S.A.", "Banco Santander Mexico S.A.", "organization", "extra_country"),
        ("BAE Systems, Inc.", "BAE Industries, Inc.", "organization", "conflicting_parts"),
    ],
)
def test_names_that_differ_in_an_identifying_part_do_not_match(a: str, b: str, kind: str, feature: str) -> None:
    result = compare(a, b, kind=kind)
    assert not result.match, result.to_dict()
    assert feature in {f.name for f in result.features}


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("China", "China Telecom"),  # a generic word alone
        ("Cisco", "COSCO"),  # one short word one letter apart
        ("Deere", "Ali Dhere"),  # one part of a two-part name
        ("Berkshire Halloway Inc.", "Berkshire Hathaway Inc."),
        ("习近朋", "习近平"),  # one character differs in a three-character name
        ("Edison", "华大基因"),  # a chance consonant skeleton across scripts
    ],
)
def test_chance_similarities_stay_below_the_threshold(a: str, b: str) -> None:
    result = compare(a, b)
    assert not result.match, result.to_dict()


def test_explanation_adds_up_to_the_score() -> None:
    result = compare("Bank of America", "Bank of Russia", kind="organization")
    total = sum(f.delta for f in result.features)
    assert result.score == pytest.approx(max(0.0, min(1.0, total)), abs=1e-3)
    name = result.features[0]
    assert name.name == "name" and "bank≈bank" in name.detail


def test_compare_is_deterministic_and_symmetric_enough() -> None:
    first = compare("Hangzhou Hikvision Digital Technology Co., Ltd.", "杭州海康威视数字技术股份有限公司")
    again = compare("Hangzhou Hikvision Digital Technology Co., Ltd.", "杭州海康威视数字技术股份有限公司")
    assert first == again
    forward = compare("Olaf Scholz", "Olaf Schulze", kind="person").score
    backward = compare("Olaf Schulze", "Olaf Scholz", kind="person").score
    assert forward == pytest.approx(backward, abs=0.05)


def test_kind_mismatch_takes_away() -> None:
    same = compare("Victory", "Victory", kind="person")
    assert same.match
    from trustscreen.matching.scorer import KIND_MISMATCH, Query, entity_name_forms, query_forms, score_entity
    from trustscreen.matching.weights import prior_weight
    from trustscreen.model import Entity, EntityKind, Name

    vessel = Entity("v:1", EntityKind.VESSEL, (Name("Victory"),))
    query = Query("Victory", kind=EntityKind.PERSON)
    scored = score_entity(query, query_forms(query), vessel, entity_name_forms(vessel), prior_weight)
    assert {f.name: f.delta for f in scored.features}["kind_mismatch"] == KIND_MISMATCH
    assert scored.score == pytest.approx(1.0 + KIND_MISMATCH)


def test_a_long_name_spelling_a_listed_acronym_is_weaker_than_the_acronym_query() -> None:
    forward = compare("SMIC", "Semiconductor Manufacturing International Corporation", kind="organization")
    reverse = compare("Semiconductor Manufacturing International Corporation", "SMIC", kind="organization")
    assert forward.match and not reverse.match
    assert reverse.score < forward.score


def test_listed_one_word_name_inside_a_longer_company_name_is_not_a_match() -> None:
    assert not compare("Superior Technology Corporation ApS", "SUPERIOR", kind="organization").match
    # A one-word query stays a broad search.
    assert compare("Huawei", "Huawei Technologies Co., Ltd.", kind="organization").match
