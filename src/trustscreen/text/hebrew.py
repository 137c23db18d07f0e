"""Hebrew → Latin, reading the vowel letters ו and י as vowels between consonants.

unidecode renders every ו as "v" and every י as "y" (ולדימיר פוטין → "vldymyr pvtyn"); in unpointed
names they mostly stand for o/u and i ("vladimir putin").
"""

from __future__ import annotations

from functools import lru_cache

_LETTERS: dict[str, str] = {
    "א": "", "ג": "g", "ד": "d", "ה": "h", "ז": "z", "ח": "h", "ט": "t", "כ": "k", "ך": "kh",
    "ל": "l", "מ": "m", "ם": "m", "נ": "n", "ן": "n", "ס": "s", "ע": "", "פ": "p", "ף": "f",
    "צ": "ts", "ץ": "ts", "ק": "k", "ר": "r", "ש": "sh", "ת": "t",
    # Stand-ins for ג׳ ז׳ צ׳ (see translit._GERESH).
    "\u05f0": "j", "\u05f1": "zh", "\u05f2": "ch",
}  # fmt: skip
_MATRES = frozenset("וי")


def _letter(word: str, index: int) -> str:
    char = word[index]
    previous = word[index - 1] if index else ""
    following = word[index + 1] if index + 1 < len(word) else ""
    if char == "ב":
        # Without dagesh points, b and v look alike; word-initially b is far more common.
        return "b" if index == 0 else "v"
    if char == "ו":
        if index == 0 or following == "ו":
            return "v"
        return "" if previous == "ו" else "o" if following and following not in _MATRES else "u"
    if char == "י":
        if index == 0 or following == "י":
            return "y"
        return "" if previous == "י" else "i"
    if char == "א" and index == 0:
        return "a"
    return _LETTERS.get(char, char)


@lru_cache(maxsize=1 << 14)
def transliterate_word(word: str) -> str:
    """One normalised (unpointed) Hebrew word."""
    return "".join(_letter(word, index) for index in range(len(word)))


def hebrew_variants(tokens: list[str]) -> list[str]:
    return [" ".join(transliterate_word(token) for token in tokens)]
