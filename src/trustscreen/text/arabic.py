"""Arabic-script (Arabic, Persian, Urdu) → Latin, a little better than unidecode.

Short vowels are not written, so no table recovers "Muhammad" from محمد; we (1) spell frequent
name words from a small dictionary, (2) split the article ال into "al", (3) read و/ي as vowels
between consonants, and (4) avoid unidecode's punctuation for ع and hamza, which would split words.
"""

from __future__ import annotations

from functools import cache, lru_cache
from typing import Any

from unidecode import unidecode

from trustscreen.text.resources import load_table

_LETTERS: dict[str, str] = {
    "ا": "a", "أ": "a", "إ": "i", "آ": "a", "ٱ": "a", "ء": "", "ؤ": "u", "ئ": "e", "ب": "b",
    "ت": "t", "ث": "th", "ج": "j", "ح": "h", "خ": "kh", "د": "d", "ذ": "dh", "ر": "r", "ز": "z",
    "س": "s", "ش": "sh", "ص": "s", "ض": "d", "ط": "t", "ظ": "z", "ع": "", "غ": "gh", "ف": "f",
    "ق": "q", "ك": "k", "ل": "l", "م": "m", "ن": "n", "ه": "h", "ة": "a", "ى": "a", "پ": "p",
    "چ": "ch", "ژ": "zh", "گ": "g", "ک": "k", "ٹ": "t", "ڈ": "d", "ڑ": "r", "ں": "n", "ہ": "h",
    "ھ": "h", "ے": "e", "ۀ": "eh",
}  # fmt: skip
_SEMIVOWELS: dict[str, tuple[str, str]] = {"و": ("w", "u"), "ي": ("y", "i"), "ی": ("y", "i")}
_VOWEL_LETTERS = frozenset("اأإآويیى")

_ARTICLE = "ال"
_ABD_ARTICLE = "عبدال"
_MIN_ARTICLE_WORD = 4
# Persian "-ei" endings (Khamenei, Rezaei) written ه + ای or ئی.
_EI_ENDINGS = ("های", "ئی")


@cache
def _dictionary() -> dict[str, list[str]]:
    table: dict[str, Any] = load_table("arabic_words.yaml")
    return {str(word): [str(spelling) for spelling in spellings] for word, spellings in table["words"].items()}


def _letter(word: str, index: int) -> str:
    char = word[index]
    if char in _SEMIVOWELS:
        consonant, vowel = _SEMIVOWELS[char]
        # Word-initial or after a long-vowel letter, و/ي are consonants (Yusuf, Wali, Dawud).
        return consonant if index == 0 or word[index - 1] in _VOWEL_LETTERS else vowel
    if char == "ع":
        return "a" if index == 0 else ""
    latin = _LETTERS.get(char)
    if latin is None:
        return "".join(c for c in unidecode(char).lower() if c.isalnum())
    return latin


def _letters(word: str) -> str:
    ending = ""
    if len(word) > len(_EI_ENDINGS[0]) and word.endswith(_EI_ENDINGS):
        word, ending = word[: -len(next(e for e in _EI_ENDINGS if word.endswith(e)))], "ei"
    return "".join(_letter(word, index) for index in range(len(word))) + ending


@lru_cache(maxsize=1 << 15)
def transliterate_word(word: str, spelling: int = 0) -> str:
    """One normalised Arabic-script word; `spelling` picks among the dictionary's alternatives."""
    known = _dictionary().get(word)
    if known:
        return known[min(spelling, len(known) - 1)]
    if word.startswith(_ABD_ARTICLE) and len(word) > len(_ABD_ARTICLE) + 1:
        return "abd al " + transliterate_word(word[len(_ABD_ARTICLE) :], spelling)
    if word.startswith(_ARTICLE) and len(word) >= _MIN_ARTICLE_WORD:
        return "al " + transliterate_word(word[len(_ARTICLE) :], spelling)
    return _letters(word)


def arabic_variants(tokens: list[str]) -> list[str]:
    """Dictionary/letter renderings (two spellings) and unidecode's, of normalised tokens."""
    variants = [" ".join(transliterate_word(token, spelling) for token in tokens) for spelling in (0, 1)]
    variants.append(" ".join(unidecode(token).lower() for token in tokens))
    return variants
