from __future__ import annotations

from trustscreen.scanning.spans import cjk_runs, tokenize


def test_offsets_point_into_the_text() -> None:
    text = "Contract with Hua-\nwei Technologies Co., Ltd. and S.M.I.C.; Huawei's chief."
    tokens = tokenize(text)
    surfaces = [t.surface for t in tokens]
    assert surfaces == ["Contract", "with", "Huawei", "Technologies", "Co", "Ltd", "and", "SMIC", "Huawei", "chief"]
    joined = tokens[2]
    # The line-break hyphen is inside the span, so text[start:end] is what the document says.
    assert text[joined.start : joined.end] == "Hua-\nwei"
    assert joined.norm == "huawei"
    assert text[tokens[7].start : tokens[7].end] == "S.M.I.C"
    # The possessive 's is not part of the name.
    assert text[tokens[8].start : tokens[8].end] == "Huawei"


def test_gap_flags() -> None:
    tokens = tokenize("Tik-Tok and Tik Tok. New sentence, then\n\nparagraph")
    assert tokens[1].glued_before and not tokens[1].spaced_before
    assert tokens[4].spaced_before
    new = tokens[5]
    assert new.sentence_start and new.boundary_before
    assert tokens[7].comma_before and not tokens[7].boundary_before
    assert tokens[8].boundary_before  # blank line


def test_soft_hyphen_joins_and_abbreviation_dot_does_not_end_sentence() -> None:
    tokens = tokenize("Hua\u00adwei and John R. Bolton")
    assert tokens[0].surface == "Huawei"
    bolton = tokens[-1]
    assert not bolton.sentence_start and not bolton.boundary_before


def test_cjk_is_left_to_substring_search() -> None:
    text = "我们与华为技术有限公司签订了合同 with Huawei"
    assert [t.surface for t in tokenize(text)] == ["with", "Huawei"]
    assert cjk_runs(text) == [(0, 16)]
