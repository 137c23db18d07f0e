from __future__ import annotations

from trustscreen.text.stopwords import PERSON_PARTICLES, PERSON_TITLES, is_generic, is_person_particle


def test_generic_org_tokens() -> None:
    for token in ("company", "group", "international", "holding", "holdings", "technology", "china", "the",
                  "of", "and", "trading", "industrial", "limited", "keji", "gongsi"):  # fmt: skip
        assert is_generic(token), token
    # abbreviations of generic words are generic too
    assert is_generic("intl")
    assert is_generic("mfg")
    for token in ("huawei", "zte", "hikvision", "sberbank", "rosneft"):
        assert not is_generic(token), token


def test_person_titles_and_particles() -> None:
    for title in ("mr", "mrs", "dr", "sheikh", "haji", "general", "ayatollah", "colonel"):
        assert title in PERSON_TITLES
    # common surnames that look like titles are left out
    assert "he" not in PERSON_TITLES
    assert "king" not in PERSON_TITLES
    assert {"bin", "al", "van", "de"} <= PERSON_PARTICLES
    assert is_person_particle("ibn")
    assert not is_person_particle("ali")
