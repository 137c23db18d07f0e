"""Cyrillic → Latin in the spellings lists actually use.

unidecode gives a scholarly-looking form (Iurii, Kasperskogo); sanctions lists follow BGN/PCGN
("Yuriy", "Kasperskiy") and the press uses an English popular form ("Yury", "Kaspersky",
"Alexander"). Ukrainian and Belarusian names need their own letter values (г → h, и → y).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from unidecode import unidecode

Style = Literal["bgn", "en"]
Lang = Literal["ru", "uk", "be"]

_RU: dict[str, str] = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
}  # fmt: skip
_UK: dict[str, str] = {**_RU, "г": "h", "ґ": "g", "и": "y", "і": "i", "ї": "yi", "є": "ye"}
_BE: dict[str, str] = {**_RU, "г": "h", "і": "i", "ў": "w"}
_TABLES: dict[Lang, dict[str, str]] = {"ru": _RU, "uk": _UK, "be": _BE}

_VOWELS = frozenset("аеёиоуыэюяіїєў")
# After these, е is iotated ("ye"): word start is handled separately.
_IOTATING = _VOWELS | frozenset("ьъ")
_HUSHING = frozenset("жчшщ")

_UKRAINIAN_LETTERS = frozenset("єїґі")


def detect_lang(text: str) -> Lang:
    """Which Cyrillic letter values to use: ў is Belarusian only, є/ї/ґ/і mean Ukrainian."""
    if "ў" in text:
        return "be"
    if any(char in _UKRAINIAN_LETTERS for char in text):
        return "uk"
    return "ru"


def _english_ending(word: str) -> tuple[str, str]:
    """Popular English endings: -ий/-ый → y (Kaspersky, Dmitry), -ия → ia (Maria)."""
    if len(word) > 3 and word.endswith(("ий", "ый")):
        return word[:-2], "y"
    if len(word) > 3 and word.endswith("ия"):
        return word[:-2], "ia"
    return word, ""


def _letter(word: str, index: int, table: dict[str, str], style: Style) -> tuple[str, int]:
    """Latin for word[index], and how many Cyrillic letters it consumed."""
    char = word[index]
    previous = word[index - 1] if index else ""
    if style == "en" and char == "к" and word[index + 1 : index + 2] == "с":
        return "x", 2
    if char == "е" and table is _RU and (not previous or previous in _IOTATING):
        return "ye", 1
    if char == "ё" and previous in _HUSHING:
        return "o", 1
    latin = table.get(char)
    if latin is None:
        latin = "".join(c for c in unidecode(char).lower() if c.isalnum())
    return latin, 1


@lru_cache(maxsize=1 << 16)
def transliterate_word(word: str, style: Style = "bgn", lang: Lang = "ru") -> str:
    """One normalised (lower-case) Cyrillic word in BGN/PCGN style or the popular English style."""
    table = _TABLES[lang]
    stem, ending = _english_ending(word) if style == "en" else (word, "")
    parts: list[str] = []
    index = 0
    while index < len(stem):
        latin, used = _letter(stem, index, table, style)
        parts.append(latin)
        index += used
    return "".join(parts) + ending


def cyrillic_variants(tokens: list[str]) -> list[str]:
    """unidecode, BGN/PCGN and popular English renderings of normalised Cyrillic tokens."""
    lang = detect_lang("".join(tokens))
    plain = " ".join(unidecode(token).lower() for token in tokens)
    return [plain] + [" ".join(transliterate_word(token, style, lang) for token in tokens) for style in ("bgn", "en")]
