"""Japanese (kana, and kanji inside Japanese text) → Hepburn romaji via pykakasi.

pykakasi spells long vowels out ("プーチン" → "puuchin", "東京" → "toukyou"), while lists and
passports usually drop them ("Puchin", "Tokyo"); both forms are returned.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import Any

# Long vowels as pykakasi writes them; "ou" is the kana spelling of a long o (とう → tou).
_LONG_VOWEL = re.compile(r"([aeiou])\1|ou")


@cache
def _kakasi() -> Any:
    # Imported on first use: pykakasi loads its dictionaries for ~0.8 s.
    import pykakasi

    return pykakasi.kakasi()  # type: ignore[no-untyped-call]


@lru_cache(maxsize=1 << 14)
def hepburn(token: str) -> str:
    """Hepburn romaji of one token, words separated by spaces as pykakasi segments them."""
    words = (item["hepburn"] for item in _kakasi().convert(token))
    return " ".join(word.strip() for word in words if word.strip())


def short_vowels(romaji: str) -> str:
    """Drop vowel length ("toukyou" → "tokyo"), the spelling most lists use."""
    return _LONG_VOWEL.sub(lambda match: match.group(0)[0], romaji)


def kana_variants(tokens: list[str]) -> list[str]:
    """Latin renderings of normalised Japanese tokens: Hepburn with and without long vowels."""
    full = " ".join(hepburn(token) for token in tokens)
    return [full, short_vowels(full)]
