"""Latin renderings of a name in any script, for comparing names across scripts.

A name is normalised, cut into runs of one script (a name may mix 华为 and "Technologies"), each
run is romanised by its script's module into a few alternative spellings, and the alternatives are
stitched back together by position: variant i of the name uses variant i of every run (or its
last one). That keeps the number of renderings small instead of multiplying per run.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from unidecode import unidecode

from trustscreen.text.arabic import arabic_variants
from trustscreen.text.cyrillic import cyrillic_variants
from trustscreen.text.greek import greek_variants
from trustscreen.text.han import han_variants
from trustscreen.text.hangul import hangul_variants
from trustscreen.text.hebrew import hebrew_variants
from trustscreen.text.kana import kana_variants
from trustscreen.text.normalize import normalize
from trustscreen.text.scripts import char_script

# Script codes (ISO 15924) → romaniser key; anything unlisted goes through unidecode.
_RUN_KEYS = {
    "Latn": "latin",
    "Hani": "han",
    "Kana": "kana",
    "Hang": "hangul",
    "Cyrl": "cyrillic",
    "Arab": "arabic",
    "Grek": "greek",
    "Hebr": "hebrew",
}
# Hints that make Han characters Japanese kanji (read by pykakasi) instead of Chinese.
_JAPANESE_HINTS = frozenset({"Jpan", "Kana", "Hira", "Hrkt"})

Segment = tuple[str, list[str]]


def _other_variants(tokens: list[str]) -> list[str]:
    return [" ".join(unidecode(token).lower() for token in tokens)]


_ROMANISERS: dict[str, Callable[[list[str], bool], list[str]]] = {
    "latin": lambda tokens, whole: [" ".join(tokens)],
    "han": han_variants,
    "hangul": hangul_variants,
    "kana": lambda tokens, whole: kana_variants(tokens),
    "cyrillic": lambda tokens, whole: cyrillic_variants(tokens),
    "arabic": lambda tokens, whole: arabic_variants(tokens),
    "greek": lambda tokens, whole: greek_variants(tokens),
    "hebrew": lambda tokens, whole: hebrew_variants(tokens),
    "other": lambda tokens, whole: _other_variants(tokens),
}


def _run_key(char: str, japanese: bool) -> str | None:
    script = char_script(char)
    if script is None:
        return None
    key = _RUN_KEYS.get(script, "other")
    return "kana" if japanese and key == "han" else key


@lru_cache(maxsize=1 << 16)
def _token_runs(token: str, japanese: bool) -> tuple[tuple[str, str], ...]:
    """(romaniser key, text) pieces of one token; digits stick to the letters before them."""
    runs: list[tuple[str, str]] = []
    key: str | None = None
    start = 0
    for index, char in enumerate(token):
        char_key = _run_key(char, japanese)
        if char_key is None or char_key == key:
            continue
        if key is not None:
            runs.append((key, token[start:index]))
            start = index
        key = char_key
    runs.append((key or "latin", token[start:]))
    return tuple(runs)


def segments(normalized: str, japanese: bool = False) -> list[Segment]:
    """Consecutive pieces of the same script, grouped across tokens."""
    grouped: list[Segment] = []
    for token in normalized.split():
        for key, piece in _token_runs(token, japanese):
            if grouped and grouped[-1][0] == key:
                grouped[-1][1].append(piece)
            else:
                grouped.append((key, [piece]))
    return grouped


def _combine(per_segment: list[list[str]]) -> tuple[str, ...]:
    count = max(len(variants) for variants in per_segment)
    combined: dict[str, None] = {}
    for index in range(count):
        text = " ".join(variants[min(index, len(variants) - 1)] for variants in per_segment)
        rendered = normalize(text)
        if rendered:
            combined.setdefault(rendered)
    return tuple(combined)


def _is_japanese(normalized: str, script: str | None) -> bool:
    return script in _JAPANESE_HINTS or any(char_script(char) == "Kana" for char in normalized)


# Hebrew geresh after a letter marks a sound Hebrew lacks (ג׳ = j as in John). Normalisation drops
# the mark, so the pair becomes a Yiddish ligature letter (never used in Hebrew names) that the
# Hebrew romaniser reads as that sound.
_GERESH = re.compile("([גזצ])['\u05f3\u2019`]")
_GERESH_STANDINS = {"ג": "\u05f0", "ז": "\u05f1", "צ": "\u05f2"}


@lru_cache(maxsize=1 << 17)
def _latinize(text: str, script: str | None) -> tuple[str, ...]:
    if "ג" in text or "ז" in text or "צ" in text:
        text = _GERESH.sub(lambda m: _GERESH_STANDINS[m.group(1)], text)
    normalized = normalize(text)
    if not normalized:
        return ()
    if normalized.isascii():
        return (normalized,)
    parts = segments(normalized, _is_japanese(normalized, script))
    whole = len(parts) == 1
    return _combine([_ROMANISERS[key](tokens, whole) for key, tokens in parts])


def latinize(text: str, script: str | None = None) -> list[str]:
    """Normalised Latin renderings of `text`, most likely spelling first, without duplicates.

    `script` (ISO 15924) is a hint for what characters alone cannot tell: "Jpan" makes Han
    characters Japanese kanji rather than Chinese. Latin text returns `[normalize(text)]`.
    """
    return list(_latinize(text, script))
