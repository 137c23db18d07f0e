"""Hangul → Latin: Revised Romanization and a McCune–Reischauer-like common-usage form.

Lists spell the same Korean name very differently: South Korean RR ("Gim Jeong-eun"), the
apostrophe-free McCune–Reischauer that North Korean names arrive in ("Kim Jong Un"), and
traditional surname spellings (Lee, Park, Choi). The romanisation is plain jamo arithmetic on the
precomposed syllable block U+AC00..U+D7A3 (19 initials × 21 medials × 28 finals); no library keeps
syllable boundaries, which personal names need.
"""

from __future__ import annotations

from functools import cache, lru_cache
from typing import Any, Literal

from unidecode import unidecode

from trustscreen.text.resources import load_table

_FIRST_SYLLABLE = 0xAC00
_LAST_SYLLABLE = 0xD7A3
_MEDIALS = 21
_FINALS = 28

_RR_INITIALS = (
    "g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s",
    "ss", "", "j", "jj", "ch", "k", "t", "p", "h",
)  # fmt: skip
_RR_MEDIALS = (
    "a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae",
    "oe", "yo", "u", "wo", "we", "wi", "yu", "eu", "ui", "i",
)  # fmt: skip
# Finals are pronounced as one of seven sounds before a pause, which is how names are spelled.
_FINALS_LATIN = (
    "", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l",
    "p", "l", "m", "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t",
)  # fmt: skip
# Unaspirated stops as k/t/p and ㅓ/ㅡ folded into o/u, as in "Kim Jong Un", "Pak Pong Ju", "Ri Il Sung".
_MR_INITIALS = (
    "k", "kk", "n", "t", "tt", "r", "m", "p", "pp", "s",
    "ss", "", "j", "jj", "ch", "k", "t", "p", "h",
)  # fmt: skip
_MR_MEDIALS = (
    "a", "ae", "ya", "yae", "o", "e", "yo", "ye", "o", "wa", "wae",
    "oe", "yo", "u", "wo", "we", "wi", "yu", "u", "ui", "i",
)  # fmt: skip

_EU = 18  # ㅡ
_SILENT = 11  # ㅇ as an initial
_RIEUL_INITIAL = 5
_RIEUL_FINAL = 8

Style = Literal["rr", "mr", "loan"]

# A given name written apart from the surname (김 정은) has at most this many syllables.
_MAX_GIVEN_SYLLABLES = 3
_MAX_SINGLE_SURNAME_NAME = 3
_MAX_COMPOUND_SURNAME_NAME = 4


def is_syllable(char: str) -> bool:
    return _FIRST_SYLLABLE <= ord(char) <= _LAST_SYLLABLE


def is_hangul_word(text: str) -> bool:
    return bool(text) and all(is_syllable(char) for char in text)


def _jamo(char: str) -> tuple[int, int, int]:
    """(initial, medial, final) indices of a precomposed syllable."""
    initial, rest = divmod(ord(char) - _FIRST_SYLLABLE, _MEDIALS * _FINALS)
    medial, final = divmod(rest, _FINALS)
    return initial, medial, final


def _non_syllable(char: str) -> str:
    return "".join(c for c in unidecode(char).lower() if c.isalnum())


@lru_cache(maxsize=1 << 14)
def romanize_syllable(char: str, style: Style = "rr") -> str:
    """One syllable on its own, in RR (`"rr"`) or the common-usage MR-like form (`"mr"`)."""
    if not is_syllable(char):
        return _non_syllable(char)
    initial, medial, final = _jamo(char)
    initials, medials = (_MR_INITIALS, _MR_MEDIALS) if style == "mr" else (_RR_INITIALS, _RR_MEDIALS)
    if style == "loan" and medial == _EU and initial != _SILENT:
        return initials[initial] + _FINALS_LATIN[final]
    return initials[initial] + medials[medial] + _FINALS_LATIN[final]


@lru_cache(maxsize=1 << 15)
def romanize_word(word: str, style: Style = "rr") -> str:
    """A word syllable by syllable; ㄹ after a final ㄹ is "l" ("beullo", not "beulro").

    The "loan" style reads words transcribed from foreign languages, where Korean inserts ㅡ
    to break consonant clusters (블라디미르 = B-la-di-mi-r): the ㅡ is dropped ("bladimir").
    """
    parts: list[str] = []
    previous_final = 0
    for char in word:
        latin = romanize_syllable(char, style)
        if is_syllable(char):
            initial, _, final = _jamo(char)
            if initial == _RIEUL_INITIAL and previous_final == _RIEUL_FINAL:
                latin = ("" if style == "loan" else "l") + latin[1:]
            previous_final = final
        else:
            previous_final = 0
        parts.append(latin)
    return "".join(parts)


@cache
def _surnames() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    table: dict[str, Any] = load_table("korean_surnames.yaml")
    return table["single"], table["compound"]


def _split_name(tokens: list[str]) -> tuple[str, str] | None:
    """(surname, given name) in Hangul when the tokens look like one Korean personal name."""
    single, compound = _surnames()
    if len(tokens) == 2 and (tokens[0] in single or tokens[0] in compound):
        if len(tokens[1]) <= _MAX_GIVEN_SYLLABLES:
            return tokens[0], tokens[1]
        return None
    if len(tokens) != 1:
        return None
    name = tokens[0]
    if 3 <= len(name) <= _MAX_COMPOUND_SURNAME_NAME and name[:2] in compound:
        return name[:2], name[2:]
    if 2 <= len(name) <= _MAX_SINGLE_SURNAME_NAME and name[0] in single:
        return name[0], name[1:]
    return None


def _surname_spellings(surname: str) -> list[str]:
    single, compound = _surnames()
    return list(single.get(surname) or compound.get(surname) or [romanize_word(surname, "mr")])


def _person_variants(surname: str, given: str) -> list[str]:
    common = _surname_spellings(surname)
    rr_surname = romanize_word(surname)
    mr_given = [romanize_syllable(char, "mr") for char in given]
    rr_given = [romanize_syllable(char) for char in given]
    variants = [
        f"{common[0]} {' '.join(mr_given)}",
        f"{common[0]} {''.join(mr_given)}",
        f"{rr_surname} {' '.join(rr_given)}",
        f"{rr_surname} {''.join(rr_given)}",
        f"{common[0]} {''.join(rr_given)}",
    ]
    variants.extend(f"{spelling} {' '.join(mr_given)}" for spelling in common[1:])
    # A short word that starts like a surname may be no name at all (서울 Seoul, 이란 Iran).
    variants.append(romanize_word(surname + given))
    return variants


def hangul_variants(tokens: list[str], whole: bool) -> list[str]:
    """Latin renderings of normalised Hangul tokens; `whole` says they are the entire name."""
    if whole and all(is_hangul_word(token) for token in tokens):
        split = _split_name(tokens)
        if split is not None:
            return _person_variants(*split)
    styles: tuple[Style, ...] = ("rr", "mr", "loan")
    return [" ".join(romanize_word(token, style) for token in tokens) for style in styles]
