"""Greek → Latin: unidecode's letter-by-letter form plus a form with Modern Greek digraphs.

Greek writes foreign b/d/g/u as μπ/ντ/γκ/ου ("Βλαντίμιρ Πούτιν"), so letter-by-letter output
("vlantimir poutin") drifts from the Latin original ("Vladimir Putin").
"""

from __future__ import annotations

import re
from functools import lru_cache

from unidecode import unidecode

# Digraphs first (longest match), then the letters whose modern value differs from unidecode's.
_DIGRAPHS = {
    "ου": "u", "μπ": "b", "ντ": "d", "γκ": "g", "γγ": "ng", "αι": "e", "ει": "i", "οι": "i",
    "β": "v", "η": "i", "υ": "i",
}  # fmt: skip
_DIGRAPH_RE = re.compile("|".join(sorted(_DIGRAPHS, key=len, reverse=True)))


def _ascii(text: str) -> str:
    return unidecode(text).lower()


@lru_cache(maxsize=1 << 14)
def transliterate_word(word: str) -> str:
    """Modern Greek reading of one normalised word (digraphs first, then letter by letter)."""
    return _ascii(_DIGRAPH_RE.sub(lambda match: _DIGRAPHS[match.group(0)], word))


def greek_variants(tokens: list[str]) -> list[str]:
    """Letter-by-letter and digraph-aware renderings of normalised Greek tokens."""
    return [" ".join(_ascii(token) for token in tokens), " ".join(transliterate_word(t) for t in tokens)]
