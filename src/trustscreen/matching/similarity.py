"""Token-level similarity: edit distance graded by length, phonetics, name variants, initials.

Graded by absolute edit count rather than a ratio because one typo in a long name is an everyday
variant (Chevon/Chevron) while two substitutions in an 8-letter word usually mean another name
(Halloway/Hathaway).
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz.distance import OSA, Levenshtein

from trustscreen.text.given_names import same_name
from trustscreen.text.phonetics import phonetic_key

# w and y are glides that transcriptions drop or add freely, so they count as vowels here.
_VOWELS = re.compile(r"[aeiouyw]+")
# Coarse consonant classes: transcriptions through another script keep the class, not the letter
# (克鲁森 → "ke lu sen" for Crewson; محمد → "mhmd" for Mohamed).
_CLASS = str.maketrans(
    {
        "c": "k", "g": "k", "q": "k", "x": "s", "z": "s", "j": "s", "r": "l", "p": "b", "t": "d",
        "v": "f", "h": "", "'": "", "`": "",
    }
)  # fmt: skip


@lru_cache(maxsize=200_000)
def skeleton(token: str) -> str:
    """Consonant-class skeleton: vowels dropped, similar consonants merged, doubles collapsed."""
    # Initial vowels go too: unidecode writes initial ع or أ as an apostrophe or nothing.
    classed = _VOWELS.sub("", token).translate(_CLASS)
    return re.sub(r"(.)\1+", r"\1", classed)


def graded_edit_similarity(a: str, b: str) -> float:
    if a == b:
        return 1.0
    longest = max(len(a), len(b))
    edits = OSA.distance(a, b)
    if edits == 1:
        return 0.92 if longest >= 5 else 0.75 if longest == 4 else 0.6 if longest == 3 else 0.0
    if edits == 2:
        return 0.8 if longest >= 9 else 0.7 if longest >= 7 else 0.4
    if edits == 3:
        return 0.7 if longest >= 12 else 0.35
    return max(0.0, 1.0 - edits / longest) * 0.5


@lru_cache(maxsize=500_000)
def token_similarity(a: str, b: str, person: bool = False) -> float:
    """Similarity of two canonical Latin tokens in [0, 1]."""
    if a == b:
        return 1.0
    if a.isdigit() or b.isdigit():
        return 0.0
    if len(a) == 1 or len(b) == 1:
        # An initial stands for a given name only in person names ("A. Khamenei").
        return 0.75 if person and a[0] == b[0] else 0.0
    score = graded_edit_similarity(a, b)
    if person and score < 0.92 and same_name(a, b):
        score = 0.92
    if min(len(a), len(b)) >= 3 and phonetic_key(a) and phonetic_key(a) == phonetic_key(b):
        score = max(score, 0.85)
    return score


@lru_cache(maxsize=500_000)
def skeleton_similarity(a: str, b: str) -> float:
    """Similarity of consonant skeletons, for tokens romanised from an abjad or a syllabary."""
    sa, sb = skeleton(a), skeleton(b)
    if not sa or not sb:
        return 0.0
    if sa == sb:
        return 0.9
    return float(Levenshtein.normalized_similarity(sa, sb)) * 0.85
