"""Which writing system a name is in, from Unicode character names (no table to maintain)."""

from __future__ import annotations

import unicodedata
from collections import Counter
from functools import lru_cache

# Unicode character-name prefixes → ISO 15924 codes. Han is "Hani"; kana with or without Han is "Jpan".
_PREFIXES: tuple[tuple[str, str], ...] = (
    ("LATIN", "Latn"),
    ("CJK", "Hani"),
    ("HIRAGANA", "Kana"),
    ("KATAKANA", "Kana"),
    ("HANGUL", "Hang"),
    ("CYRILLIC", "Cyrl"),
    ("ARABIC", "Arab"),
    ("HEBREW", "Hebr"),
    ("GREEK", "Grek"),
    ("DEVANAGARI", "Deva"),
    ("THAI", "Thai"),
    ("GEORGIAN", "Geor"),
    ("ARMENIAN", "Armn"),
    ("KHMER", "Khmr"),
    ("BENGALI", "Beng"),
    ("TAMIL", "Taml"),
    ("ETHIOPIC", "Ethi"),
)


@lru_cache(maxsize=65536)
def char_script(char: str) -> str | None:
    if not char.isalpha():
        return None
    name = unicodedata.name(char, "")
    for prefix, code in _PREFIXES:
        if name.startswith(prefix):
            return code
    return "Zyyy"


def detect_script(text: str) -> str | None:
    """Dominant script of the letters in `text`; Japanese (kana present) is Jpan, Han alone is Hani."""
    if text.isascii():
        # Most list names: no need to look up each character.
        return "Latn" if any(c.isalpha() for c in text) else None
    counts: Counter[str] = Counter()
    for char in text:
        script = char_script(char)
        if script:
            counts[script] += 1
    if not counts:
        return None
    if counts.get("Kana"):
        return "Jpan"
    return counts.most_common(1)[0][0]


def is_latin(text: str) -> bool:
    return detect_script(text) in (None, "Latn")
