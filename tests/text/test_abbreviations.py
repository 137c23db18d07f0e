from __future__ import annotations

from trustscreen.text.abbreviations import canonical_token, canonical_tokens
from trustscreen.text.normalize import tokens
from trustscreen.text.resources import load_table


def test_expansions() -> None:
    assert canonical_token("mfg") == "manufacturing"
    assert canonical_token("intl") == "international"
    assert canonical_token("corp") == "corporation"
    assert canonical_token("tech") == "technology"
    assert canonical_token("techs") == "technologies"
    assert canonical_token("elec") == "electronics"
    assert canonical_token("natl") == "national"
    assert canonical_token("hldgs") == "holdings"
    assert canonical_token("grp") == "group"
    assert canonical_token("centre") == "center"


def test_unknown_and_canonical_tokens_are_unchanged() -> None:
    assert canonical_token("huawei") == "huawei"
    assert canonical_token("international") == "international"


def test_apostrophe_abbreviation_after_normalisation() -> None:
    assert canonical_tokens(tokens("Int'l Mfg. Corp.")) == ["international", "manufacturing", "corporation"]
    assert canonical_tokens(tokens("International Manufacturing Corporation")) == [
        "international",
        "manufacturing",
        "corporation",
    ]


def test_no_variant_maps_to_two_canonicals() -> None:
    seen: dict[str, str] = {}
    for canonical, variants in load_table("abbreviations.yaml")["canonical"].items():
        for variant in variants:
            assert seen.setdefault(variant, canonical) == canonical, variant
            assert " " not in variant
