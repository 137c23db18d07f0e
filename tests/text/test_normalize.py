from __future__ import annotations

import pytest

from trustscreen.text.normalize import normalize, tokens


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Huawei Technologies Co., Ltd.", "huawei technologies co ltd"),
        ("AT&T Inc.", "at and t inc"),
        ("Société Générale S.A.", "societe generale s a"),
        ("Łódź Straße Øresund", "lodz strasse oresund"),
        ("  KHAMENEI,\tAli \n", "khamenei ali"),
        ("ＡＢＣ　１２３", "abc 123"),  # full-width forms fold (NFKC)
        ("İstanbul", "istanbul"),
        ("Jeong-eun", "jeong eun"),
        # apostrophes join instead of splitting, so abbreviations stay one token
        ("Int'l Business Machines", "intl business machines"),
        ("O’Brien", "obrien"),
        ("١٢٣", "123"),  # Arabic-Indic digits
    ],
)
def test_latin_and_symbols(text: str, expected: str) -> None:
    assert normalize(text) == expected


def test_keeps_letters_of_other_scripts() -> None:
    # й and ё are letters of their own in Cyrillic, not accented и/е; stress marks go.
    assert normalize("Андрей Ёлкин") == "андрей ёлкин"
    assert normalize("Влади́мир ПУ́ТИН") == "владимир путин"
    assert normalize("华为技术有限公司（深圳）") == "华为技术有限公司 深圳"
    assert normalize("ウラジーミル・プーチン") == "ウラジーミル プーチン"
    assert normalize("김정은 (주)") == "김정은 주"
    assert normalize("Ξενοφών") == "ξενοφων"


def test_arabic_marks_and_joiners() -> None:
    # harakat are optional in Arabic; ZWNJ joins Persian words and must not split them
    assert normalize("مُحَمَّد") == "محمد"
    assert normalize("خامنه\u200cای") == "خامنهای"
    assert normalize("بـــن") == "بن"  # tatweel


def test_tokens() -> None:
    assert tokens("Bank Melli Iran (BMI)") == ["bank", "melli", "iran", "bmi"]
    assert tokens("") == []
    assert tokens("...") == []
