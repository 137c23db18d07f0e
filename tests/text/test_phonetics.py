from __future__ import annotations

from trustscreen.text.phonetics import nysiis_key, phonetic_key


def test_spelling_variants_share_keys() -> None:
    assert phonetic_key("mohammed") == phonetic_key("mohamed") == phonetic_key("muhammad") == "MHMT"
    assert phonetic_key("putin") == phonetic_key("poutine") == phonetic_key("poetin")
    assert phonetic_key("aleksandr") == phonetic_key("alexander")
    assert phonetic_key("kaspersky") == phonetic_key("kasperskiy")
    assert nysiis_key("mohammed") == nysiis_key("mohamed")


def test_different_names_differ() -> None:
    assert phonetic_key("putin") != phonetic_key("medvedev")


def test_non_latin_tokens_have_no_key() -> None:
    assert phonetic_key("путин") == ""
    assert phonetic_key("123") == ""
    assert phonetic_key("") == ""
    assert nysiis_key("华为") == ""
