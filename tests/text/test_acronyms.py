from __future__ import annotations

from trustscreen.text.acronyms import acronym, could_be_acronym
from trustscreen.text.normalize import tokens


def test_acronym_of_organisation_names() -> None:
    assert acronym(tokens("Semiconductor Manufacturing International Corporation")) == "smic"
    assert acronym(tokens("Semiconductor Manufacturing International Corporation"), include_legal_form=False) == "smi"
    assert acronym(tokens("Aviation Industry Corporation of China")) == "aicc"
    assert acronym(tokens("China Electronics Technology Group Corporation")) == "cetgc"
    assert acronym(tokens("The Bank of the Islamic Republic")) == "bir"
    assert acronym(tokens("Объединённая авиастроительная корпорация")) == "оак"


def test_acronym_edge_cases() -> None:
    assert acronym([]) == ""
    assert acronym(["huawei"]) == ""  # one letter is no acronym
    assert acronym(tokens("华为 技术")) == ""  # no word initials in Han


def test_could_be_acronym() -> None:
    for token in ("smic", "zte", "avic", "cetc", "cssc", "bmi", "3m"):
        assert could_be_acronym(token), token
    for token in ("huawei", "hikvision", "a", "international", "company", "华为", "toolongacronym"):
        assert not could_be_acronym(token), token
