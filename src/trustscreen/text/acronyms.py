"""Acronyms of organisation names ("semiconductor manufacturing international corporation" → smic).

Lists often carry only one of the two forms (SMIC, AVIC, CETC, ZTE), so the matcher compares a
short query token against the acronyms of candidate names and vice versa.
"""

from __future__ import annotations

from collections.abc import Sequence

from trustscreen.text.legal_forms import split_legal_form
from trustscreen.text.scripts import char_script
from trustscreen.text.stopwords import is_generic

# Function words that acronyms skip ("Bank of China" → BOC is the exception lists rarely follow).
_SKIPPED = frozenset(
    {"of", "and", "the", "for", "in", "on", "at", "to", "a", "an"}
    | {"de", "des", "du", "la", "le", "del", "der", "und", "et", "y", "e"}
)
# Scripts written without spaces have no word initials to take.
_UNSPACED_SCRIPTS = frozenset({"Hani", "Hang", "Kana", "Thai", "Khmr"})

_MIN_ACRONYM = 2
_MAX_ACRONYM = 6


def _initial(token: str) -> str | None:
    first = token[0]
    if token in _SKIPPED or char_script(first) in _UNSPACED_SCRIPTS:
        return None
    return first


def acronym(tokens: Sequence[str], include_legal_form: bool = True) -> str:
    """First letters of the significant normalised tokens; "" when fewer than two letters result.

    With `include_legal_form=False` a trailing/leading legal form is dropped first, for acronyms
    like "ZTE" of "ZTE Corporation" where the form is not part of the acronym.
    """
    words = list(tokens)
    if not include_legal_form:
        words = split_legal_form(" ".join(words))[0].split()
    letters = "".join(initial for token in words if token and (initial := _initial(token)))
    return letters if len(letters) >= _MIN_ACRONYM else ""


def could_be_acronym(token: str) -> bool:
    """Cheap filter: could this normalised token be an acronym worth comparing with acronym()?

    Case is gone after normalisation (and lists are often all capitals anyway), so this only
    rules out what cannot be one: too short or long, not letters/digits, or a generic word.
    The matcher confirms by comparing with the acronym of the other name.
    """
    if not _MIN_ACRONYM <= len(token) <= _MAX_ACRONYM or not token.isascii() or not token.isalnum():
        return False
    if not any(char.isalpha() for char in token) or is_generic(token):
        return False
    vowels = sum(char in "aeiou" for char in token)
    # Long tokens with normal vowel density are words (huawei); acronyms are short or vowel-poor.
    return len(token) <= 4 or vowels <= len(token) // 3
