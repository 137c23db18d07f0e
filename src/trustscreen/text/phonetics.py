"""Phonetic keys of Latin name parts, so spelling variants (Mohammed/Mohamed, Poutine/Putin) meet.

jellyfish (Rust-backed, maintained) supplies Metaphone and NYSIIS; keys are only meaningful for
Latin-script tokens, so callers latinise first.
"""

from __future__ import annotations

from functools import lru_cache

import jellyfish


def _is_latin_word(token: str) -> bool:
    return token.isascii() and token.isalpha()


@lru_cache(maxsize=1 << 17)
def phonetic_key(token: str) -> str:
    """Metaphone key of a normalised Latin token ("mohammed" → "MHMT"); "" for anything else."""
    return jellyfish.metaphone(token) if _is_latin_word(token) else ""


@lru_cache(maxsize=1 << 17)
def nysiis_key(token: str) -> str:
    """NYSIIS key, a second opinion tuned on names; "" for non-Latin tokens."""
    return jellyfish.nysiis(token) if _is_latin_word(token) else ""
