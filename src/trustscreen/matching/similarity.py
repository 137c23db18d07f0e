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

# w and y are glides that transcriptions drop or add freely, h is often silent: all count as vowels.
_VOWELS = re.compile(r"[aeiouywh]+")
# Coarse consonant classes: transcriptions through another script keep the class, not the letter
# (克鲁森 → "ke lu sen" for Crewson; محمد → "mhmd" for Mohamed; Брюно → "briuno" for Brunaux).
_CLASS = str.maketrans(
    {
        "c": "k", "g": "k", "q": "k", "x": "s", "z": "s", "j": "s", "r": "l", "p": "b", "v": "b",
        "f": "b", "t": "d", "'": "", "`": "",
    }
)  # fmt: skip
# Digraphs read differently by different languages; each reading gives one skeleton variant
# ("ch" is k in Michael, s-like in Charles, h in Chruściel; "kh" is h in Хёль, k in Khaled).
_DIGRAPHS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("dzh", ("j",)),
    ("kh", ("k", "h")),
    ("ch", ("k", "s", "h")),
    ("sh", ("s",)),
    ("zh", ("s",)),
    ("ts", ("s",)),
    ("tz", ("s",)),
    ("ph", ("f",)),
    ("th", ("t",)),
    ("gh", ("k", "h")),
    ("ck", ("k",)),
    # Single letters whose value differs between pinyin and European spellings: pinyin w and
    # Hebrew/Arabic v transcribe v; pinyin j transcribes g; c is s before e and i.
    ("w", ("w", "v")),
    ("j", ("j", "g")),
    ("c", ("c", "s")),
)
_MAX_VARIANTS = 8


def _skeletonize(token: str) -> str:
    # Initial vowels go too: unidecode writes initial ع or أ as an apostrophe or nothing.
    classed = _VOWELS.sub("", token).translate(_CLASS)
    return re.sub(r"(.)\1+", r"\1", classed)


@lru_cache(maxsize=200_000)
def skeleton_variants(token: str) -> frozenset[str]:
    """Consonant-class skeletons of a token: vowels dropped, similar consonants merged, doubles
    collapsed, one skeleton per plausible reading of its ambiguous digraphs."""
    spellings = [token]
    for digraph, readings in _DIGRAPHS:
        if digraph in token:
            spellings = [s.replace(digraph, r) for s in spellings for r in readings][:_MAX_VARIANTS]
    return frozenset(_skeletonize(s) for s in spellings)


@lru_cache(maxsize=200_000)
def skeleton(token: str) -> str:
    """The first (most common reading) skeleton, used as an index key."""
    spelled = token
    for digraph, readings in _DIGRAPHS:
        spelled = spelled.replace(digraph, readings[0])
    return _skeletonize(spelled)


@lru_cache(maxsize=500_000)
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
    if (
        score < 0.85
        and min(len(a), len(b)) >= 4
        and a[0] == b[0]
        and phonetic_key(a)
        and phonetic_key(a) == phonetic_key(b)
    ):
        # Sound-alike spellings (Mohammed / Mohamed, Schulze / Scholz); short words and different
        # first letters collide too often (Duke / Taco).
        score = 0.85
    return score


@lru_cache(maxsize=500_000)
def skeleton_similarity(a: str, b: str) -> float:
    """Best normalised similarity between any skeleton variants of two tokens."""
    best = 0.0
    for sa in skeleton_variants(a):
        for sb in skeleton_variants(b):
            if sa and sb:
                best = max(best, 1.0 if sa == sb else float(Levenshtein.normalized_similarity(sa, sb)))
    return best


@lru_cache(maxsize=500_000)
def cross_script_similarity(a: str, b: str) -> float:
    """Lenient similarity for a romanised token against a Latin one (Брюно / Brunaux, 克鲁森 / Crewson):
    the consonant skeleton carries the evidence, graded more generously than spelling differences."""
    if min(len(a), len(b)) < 0.5 * max(len(a), len(b)):
        return 0.0  # Edison / huadajiyin share a skeleton by chance, not by sound
    ratio = skeleton_similarity(a, b)
    if ratio == 1.0:
        short = min(len(_skeletonize(a)), len(_skeletonize(b)))
        return 0.92 if short >= 2 else 0.7
    if ratio >= 0.75:
        return 0.85
    if ratio >= 0.6:
        return 0.72
    return float(Levenshtein.normalized_similarity(a, b)) * 0.8
