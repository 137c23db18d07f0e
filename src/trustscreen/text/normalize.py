"""Canonical comparison form of a name: one function every other text helper builds on.

The form is lower-case, accent-free for Latin and Greek, keeps the letters of every other script
(Cyrillic й, Hangul syllables, kana, Han, Arabic letters), turns punctuation and symbols into
single spaces and spells `&` as "and". It is meant for comparing, never for display.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from unidecode import unidecode

# Apostrophes join rather than split: "Int'l" → "intl", "O'Brien" → "obrien", "Kas'yanov" → "kasyanov";
# splitting would leave stray one-letter tokens that look like initials.
# Hebrew geresh/gershayim mark letter variants and abbreviations inside a word (ג׳ = j, בע״מ).
_APOSTROPHES = frozenset("'’‘`´ʹʻʼˈ′״׳")

# Mark names that are pure decoration on a letter (accents, harakat, niqqud, stress marks). Other
# combining marks (Devanagari/Thai vowel signs, kana voicing) are part of the letter and stay.
_DROPPED_MARK_PREFIXES = ("COMBINING", "ARABIC", "HEBREW", "SYRIAC")
_KEPT_MARK_MARKERS = ("KATAKANA-HIRAGANA",)

# Tatweel only stretches Arabic words for typography.
_DROPPED_LETTERS = frozenset("\u0640")


def _strip_marks(char: str) -> str:
    decomposed = unicodedata.normalize("NFD", char)
    return "".join(c for c in decomposed if not unicodedata.category(c).startswith("M"))


def _latin_letter(char: str) -> str:
    # NFD handles the common accents exactly; unidecode covers letters that do not decompose (ø, ł, ŋ).
    stripped = _strip_marks(char)
    if stripped.isascii():
        return stripped
    folded = unidecode(char).lower()
    return "".join(c for c in folded if c.isalnum())


def _letter(char: str) -> str:
    if char.isascii():
        return char
    if char in _DROPPED_LETTERS:
        return ""
    name = unicodedata.name(char, "")
    if name.startswith("LATIN"):
        return _latin_letter(char)
    if name.startswith("GREEK"):
        return _strip_marks(char)
    return char


def _mark(char: str) -> str:
    name = unicodedata.name(char, "")
    if any(marker in name for marker in _KEPT_MARK_MARKERS):
        return char
    return "" if name.startswith(_DROPPED_MARK_PREFIXES) else char


def _number(char: str) -> str:
    # Arabic-Indic and other decimal digits compare equal to ASCII ones; other numerics (½) separate.
    value = unicodedata.decimal(char, None)
    return " " if value is None else str(value)


def _map_char(char: str) -> str:
    if char in _APOSTROPHES:
        return ""
    if char == "&":
        return " and "
    category = unicodedata.category(char)
    major = category[0]
    if major == "L":
        return _letter(char)
    if major == "N":
        return char if char.isascii() else _number(char)
    if major == "M":
        return _mark(char)
    if category == "Cf":
        # ZWNJ inside Persian words, soft hyphens and bidi marks are invisible: they must not split.
        return ""
    return " "


class _CharTable(dict[int, str]):
    """str.translate table filled on first sight of each code point, so no table has to be listed."""

    def __missing__(self, code: int) -> str:
        mapped = _map_char(chr(code))
        self[code] = mapped
        return mapped


_TABLE = _CharTable()


@lru_cache(maxsize=1 << 18)
def normalize(text: str) -> str:
    """Comparison form: NFKC, casefold, accents off (Latin/Greek), punctuation → space, & → and."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(folded.translate(_TABLE).split())


def tokens(text: str) -> list[str]:
    """Tokens of the comparison form (the form is space-separated by construction)."""
    return normalize(text).split()
