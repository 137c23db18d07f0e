"""How much each token counts in an alignment: a prior from YAML tables times corpus rarity."""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import yaml

from trustscreen.text.stopwords import is_generic


@cache
def _table() -> dict[str, Any]:
    text = resources.files("trustscreen.data.matching").joinpath("weights.yaml").read_text("utf-8")
    table: dict[str, Any] = yaml.safe_load(text)
    table["common_person_parts"] = frozenset(table["common_person_parts"])
    return table


@lru_cache(maxsize=200_000)
def prior_weight(token: str) -> float:
    table = _table()
    if token.isdigit():
        return float(table["digit_token"])
    if is_generic(token):
        return float(table["generic_org_token"])
    if token in table["common_person_parts"]:
        return float(table["common_person_part"])
    if len(token) <= 2:
        return float(table["short_token"])
    return 1.0


@cache
def _country_words() -> frozenset[str]:
    import pycountry

    from trustscreen.text.normalize import normalize

    words: set[str] = set(_table()["country_words"])
    for country in pycountry.countries:
        for attr in ("name", "common_name"):
            value = getattr(country, attr, None)
            if value:
                tokens = normalize(value).split()
                if len(tokens) == 1:
                    words.add(tokens[0])
    return frozenset(words)


def is_country_word(token: str) -> bool:
    """Country names inside organisation names tell group companies apart (Bank of Russia / America)."""
    return token in _country_words()


class CorpusWeigher:
    """prior × rarity: a token in one list name in a hundred thousand counts fully, one in every
    tenth name barely. Rarity is floored so no token weighs nothing."""

    def __init__(self, document_frequency: Mapping[str, int], documents: int) -> None:
        self._df = document_frequency
        self._n = max(documents, 1)
        self._scale = math.log(1 + self._n / 3)
        self._cache: dict[str, float] = {}

    def __call__(self, token: str) -> float:
        cached = self._cache.get(token)
        if cached is not None:
            return cached
        df = self._df.get(token, 0)
        rarity = 1.0 if df <= 3 else max(0.35, math.log(1 + self._n / df) / self._scale)
        value = prior_weight(token) * rarity
        if len(self._cache) < 500_000:
            self._cache[token] = value
        return value
