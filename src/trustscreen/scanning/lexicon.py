"""How common a word is in ordinary English, so common words are never read as names on their own.

The counts are pyspellchecker's English frequency list (word counts from OpenSubtitles, ~160k
words). Two uses: a listed name that is an everyday word ("Soul", "Cubic", "Knives Out") needs
context before it counts, and a word the list knows (Cisco, shine) is not a misspelling of a
listed name one letter away (COSCO, Shein).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

# At or above this count a word is an everyday word (≈ the 14,000 most frequent: "cubic" 2,847,
# "dawning" 1,190, "soul" 101,628). Below it, a capitalised occurrence is more likely a name.
COMMON_COUNT = 1000
# At or above this count a word is a real word or a well-known name ("cisco" 189, "lockheed" 74),
# so a listed name one edit away is another name, not a misspelling of this one.
KNOWN_COUNT = 40
# Everyday words of business and technology prose that the subtitle-based list lacks or ranks low
# (it predates or filters them): counted as common.
MODERN_WORDS = frozenset(
    [
        "analytics", "app", "apps", "blockchain", "bluetooth", "broadband", "browser", "browsers", "crypto",
        "cryptocurrency", "cyber", "cybersecurity", "ecommerce", "emoji", "fintech", "gigabit", "hashtag",
        "influencer", "launcher", "lite", "livestream", "podcast", "regulators", "saver", "selfie", "selfies",
        "semiconductor", "semiconductors", "smartphone", "smartphones", "startup", "startups", "telecom",
        "telecoms", "wifi",
    ]
)  # fmt: skip


@cache
def _counts() -> Mapping[str, int]:
    from spellchecker import SpellChecker

    counts: dict[str, int] = dict(SpellChecker(language="en", distance=1).word_frequency.dictionary)
    for word in MODERN_WORDS:
        counts[word] = max(counts.get(word, 0), COMMON_COUNT)
    return counts


def word_count(token: str) -> int:
    """Occurrences of a normalised (lower-case) token in the English frequency list; 0 if absent."""
    return int(_counts().get(token, 0))


def is_common_word(token: str) -> bool:
    return word_count(token) >= COMMON_COUNT


def is_known_word(token: str) -> bool:
    return word_count(token) >= KNOWN_COUNT
