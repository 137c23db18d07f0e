"""Token-level abbreviations in organisation names (Mfg, Int'l, Hldgs) → one canonical token.

Lists abbreviate freely and inconsistently; comparing canonical tokens keeps "Intl Mfg" from
scoring as two mismatched words against "International Manufacturing".
"""

from __future__ import annotations

from functools import cache
from typing import Any

from trustscreen.text.resources import load_table


@cache
def _variants() -> dict[str, str]:
    data: dict[str, Any] = load_table("abbreviations.yaml")
    mapping: dict[str, str] = {}
    for canonical, variants in data["canonical"].items():
        for variant in variants:
            mapping[str(variant)] = str(canonical)
    return mapping


def canonical_token(token: str) -> str:
    """Canonical spelling of one normalised token; unknown tokens come back unchanged."""
    return _variants().get(token, token)


def canonical_tokens(tokens: list[str]) -> list[str]:
    return [canonical_token(token) for token in tokens]
