"""Tokens that say little about identity: generic organisation words, person titles, particles."""

from __future__ import annotations

from functools import cache
from typing import Any

from trustscreen.text.abbreviations import canonical_token
from trustscreen.text.resources import load_table


@cache
def _sets() -> dict[str, frozenset[str]]:
    data: dict[str, Any] = load_table("stopwords.yaml")
    return {key: frozenset(str(word) for word in words) for key, words in data.items()}


def is_generic(token: str) -> bool:
    """True for a normalised organisation-name token that many unrelated names share."""
    generic = _sets()["org_generic"]
    # Abbreviations count too: "intl" is as generic as "international".
    return token in generic or canonical_token(token) in generic


def is_person_title(token: str) -> bool:
    return token in _sets()["person_titles"]


def is_person_particle(token: str) -> bool:
    return token in _sets()["person_particles"]


PERSON_TITLES: frozenset[str] = _sets()["person_titles"]
PERSON_PARTICLES: frozenset[str] = _sets()["person_particles"]
