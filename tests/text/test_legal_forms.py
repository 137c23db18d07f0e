from __future__ import annotations

import csv
from pathlib import Path

import pytest

from trustscreen.text.legal_forms import canonical_legal_form, find_legal_forms, split_legal_form
from trustscreen.text.normalize import normalize
from trustscreen.text.resources import load_table


def _split(text: str) -> tuple[str, list[str]]:
    return split_legal_form(normalize(text))


@pytest.mark.parametrize(
    ("text", "core", "forms"),
    [
        ("Huawei Technologies Co., Ltd.", "huawei technologies", ["co", "ltd"]),
        ("Huawei Technologies Company Limited", "huawei technologies", ["co", "ltd"]),
        ("Toyota Motor Corporation", "toyota motor", ["corp"]),
        ("Siemens AG", "siemens", ["ag"]),
        ("Nestlé S.A.", "nestle", ["sa"]),
        ("Foo S A", "foo", ["sa"]),
        ("Maersk A/S", "maersk", ["as"]),
        ("Acme Pte. Ltd.", "acme", ["pvt", "ltd"]),
        ("Foo GmbH & Co. KG", "foo", ["gmbh", "co", "kg"]),
        ("Smith & Co", "smith", ["co"]),
        ("AT&T Inc.", "at and t", ["inc"]),
        ("Sberbank of Russia PJSC", "sberbank of russia", ["pjsc"]),
        ("Public Joint Stock Company Sberbank of Russia", "sberbank of russia", ["pjsc"]),
        ("JSC Gazprom", "gazprom", ["jsc"]),
        ("ООО «Ромашка»", "ромашка", ["llc"]),
        ("АО Лаборатория Касперского", "лаборатория касперского", ["jsc"]),
        ("OAO Rosneft", "rosneft", ["ojsc"]),
        ("PT Bank Mandiri (Persero) Tbk", "bank mandiri persero", ["pt", "tbk"]),
    ],
)
def test_latin_and_cyrillic(text: str, core: str, forms: list[str]) -> None:
    assert _split(text) == (core, forms)


@pytest.mark.parametrize(
    ("text", "core", "forms"),
    [
        ("华为技术有限公司", "华为技术", ["co", "ltd"]),
        ("中兴通讯股份有限公司", "中兴通讯", ["co", "ltd"]),
        ("中国电子科技集团公司", "中国电子科技", ["group", "co"]),
        ("XYZ集团有限公司", "xyz", ["group", "co", "ltd"]),
        ("トヨタ自動車株式会社", "トヨタ自動車", ["kk"]),
        ("株式会社東芝", "東芝", ["kk"]),
        ("삼성전자 주식회사", "삼성전자", ["co", "ltd"]),
        ("(주)삼성", "삼성", ["co", "ltd"]),
        ("삼성전자(주)", "삼성전자", ["co", "ltd"]),
    ],
)
def test_cjk_suffixes_and_prefixes(text: str, core: str, forms: list[str]) -> None:
    assert _split(text) == (core, forms)


def test_does_not_cut_words_or_everything() -> None:
    # 석유 (petroleum) ends in 유, which is only a legal form as a token of its own: (유)
    assert _split("석유") == ("석유", [])
    # a name made only of legal-form words keeps its last word as the core
    assert _split("Limited") == ("limited", [])
    assert _split("Company Limited") == ("company", ["ltd"])
    # suffix-only forms are not cut from the front
    assert _split("Limited Brands") == ("limited brands", [])
    assert _split("No Legal Form Here") == ("no legal form here", [])


def test_company_limited_and_co_ltd_canonicalise_the_same() -> None:
    assert canonical_legal_form("Company Limited") == "co ltd"
    assert canonical_legal_form("Co. Ltd.") == "co ltd"
    assert canonical_legal_form("Co Ltd") == "co ltd"
    assert canonical_legal_form("有限公司") == "co ltd"
    assert canonical_legal_form("L.L.C.") == canonical_legal_form("Limited Liability Company") == "llc"
    assert canonical_legal_form("ООО") == "llc"
    assert canonical_legal_form("Foo Ltd") is None
    assert canonical_legal_form("") is None


def test_generic_family() -> None:
    core, forms = find_legal_forms(normalize("Gazprom Neft PJSC"))
    assert core == "gazprom neft"
    assert [(form.compare, form.generic) for form in forms] == [("pjsc", "jsc")]


def test_table_has_no_conflicting_spellings() -> None:
    """Two entries must not claim the same spelling with different canonical forms."""
    from trustscreen.text.legal_forms import _spellings

    seen: dict[str, str] = {}
    for entry in load_table("legal_forms.yaml")["forms"]:
        for alias in entry["aliases"]:
            for spelling in _spellings(str(alias)):
                assert seen.setdefault(spelling, entry["compare"]) == entry["compare"], spelling


def _csl_names(path: Path) -> set[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    names = {row["name"] for row in rows}
    names.update(alias for row in rows for alias in (row["alt_names"] or "").split("; "))
    return names


@pytest.mark.shared_data
def test_real_csl_names(shared_data: Path) -> None:
    """Spot checks on names as written in csl/csl_2023-11.csv (names and alt_names)."""
    names = _csl_names(shared_data / "csl/csl_2023-11.csv")
    for name, core, forms in [
        ("HUAWEI TECHNOLOGIES CO., LTD.", "huawei technologies", ["co", "ltd"]),
        ("Huawei Investment & Holding Co Ltd", "huawei investment and holding", ["co", "ltd"]),
        (
            "Hangzhou Hikvision Digital Technology Co., Ltd.",
            "hangzhou hikvision digital technology",
            ["co", "ltd"],
        ),
        # a real alias with stacked forms
        (
            "SEMICONDUCTOR MANUFACTURING INTERNATIONAL CORPORATION Co., Ltd",
            "semiconductor manufacturing international",
            ["corp", "co", "ltd"],
        ),
        ("OOO NOVATEK-CHELYABINSK", "novatek chelyabinsk", ["llc"]),
        ("JSC SBERBANK OF RUSSIA", "sberbank of russia", ["jsc"]),
        ("OAO ROSNEFT OIL COMPANY", "rosneft oil", ["ojsc", "co"]),
    ]:
        assert name in names
        assert _split(name) == (core, forms)
