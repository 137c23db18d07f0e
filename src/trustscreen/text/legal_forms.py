"""Company legal forms (Ltd, LLC, ООО, 有限公司 …): find them at the edges of a name, canonically.

Legal forms say little about which company is meant and are spelled many ways ("Co., Ltd." vs
"Company Limited"), so the matcher compares the core name and the canonical forms separately.
The table lives in data/text/legal_forms.yaml.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from trustscreen.text.normalize import normalize
from trustscreen.text.resources import load_table
from trustscreen.text.scripts import char_script

# Dots and slashes inside abbreviations ("L.L.C.", "A/S") are also written without them.
_ABBREVIATION_MARKS = re.compile(r"[./]")
_GLUED_SCRIPTS = frozenset({"Hani", "Hang", "Kana"})
# A one-character CJK form (주 from "(주)", 株) is only trusted as a token of its own: as a suffix
# it would cut real words (석유 "petroleum" ends in 유).
_MIN_GLUED_LENGTH = 2


@dataclass(frozen=True, slots=True)
class LegalForm:
    compare: str
    generic: str
    prefix: bool

    @property
    def tokens(self) -> list[str]:
        return self.compare.split()


Glued = tuple[tuple[str, LegalForm], ...]


@dataclass(frozen=True, slots=True)
class _Table:
    by_tokens: dict[tuple[str, ...], LegalForm]
    # Forms written without spaces in CJK scripts, matched inside a token: keyed by their last
    # (for suffixes) or first (for prefixes) character so a token is only tested against a few,
    # longest first.
    glued_by_last: dict[str, Glued]
    glued_by_first: dict[str, Glued]
    max_tokens: int


def _spellings(alias: str) -> set[str]:
    return {normalize(alias), normalize(_ABBREVIATION_MARKS.sub("", alias))} - {""}


def _is_glued(form: str) -> bool:
    return len(form) >= _MIN_GLUED_LENGTH and all(char_script(char) in _GLUED_SCRIPTS for char in form)


@cache
def _table() -> _Table:
    data: dict[str, Any] = load_table("legal_forms.yaml")
    by_tokens: dict[tuple[str, ...], LegalForm] = {}
    glued: dict[str, LegalForm] = {}
    for entry in data["forms"]:
        form = LegalForm(entry["compare"], entry["generic"], bool(entry.get("prefix", False)))
        for alias in entry["aliases"]:
            for spelling in _spellings(str(alias)):
                by_tokens[tuple(spelling.split())] = form
                if _is_glued(spelling):
                    glued[spelling] = form
    return _Table(
        by_tokens,
        _index_glued(glued, lambda text: text[-1]),
        _index_glued({text: form for text, form in glued.items() if form.prefix}, lambda text: text[0]),
        max(len(key) for key in by_tokens),
    )


def _index_glued(glued: dict[str, LegalForm], key: Callable[[str], str]) -> dict[str, Glued]:
    index: dict[str, list[tuple[str, LegalForm]]] = {}
    for text, form in sorted(glued.items(), key=lambda item: -len(item[0])):
        index.setdefault(key(text), []).append((text, form))
    return {char: tuple(forms) for char, forms in index.items()}


def _match_end(tokens: list[str], at_start: bool, keep_core: bool) -> tuple[LegalForm, list[str]] | None:
    """The longest form at one end of `tokens`, with the tokens that remain once it is cut off."""
    table = _table()
    longest = min(table.max_tokens, len(tokens) - 1 if keep_core else len(tokens))
    for count in range(longest, 0, -1):
        key = tuple(tokens[:count] if at_start else tokens[-count:])
        form = table.by_tokens.get(key)
        if form is not None and (form.prefix or not at_start):
            return form, tokens[count:] if at_start else tokens[:-count]
    edge = tokens[0] if at_start else tokens[-1]
    if at_start:
        for text, form in table.glued_by_first.get(edge[0], ()):
            if edge.startswith(text) and len(edge) > len(text):
                return form, [edge[len(text) :], *tokens[1:]]
        return None
    for text, form in table.glued_by_last.get(edge[-1], ()):
        if edge.endswith(text) and len(edge) > len(text):
            return form, [*tokens[:-1], edge[: -len(text)]]
    return None


def _strip(tokens: list[str], at_start: bool, keep_core: bool) -> tuple[list[str], list[LegalForm]]:
    found: list[LegalForm] = []
    while tokens:
        match = _match_end(tokens, at_start, keep_core)
        if match is None:
            break
        form, tokens = match
        found.append(form)
    return tokens, found if at_start else found[::-1]


def find_legal_forms(normalized: str, keep_core: bool = True) -> tuple[str, list[LegalForm]]:
    """(core name, legal forms in text order) of a normalised name.

    Forms are cut repeatedly from the end ("… co ltd" is "co" + "ltd"), then from the start for
    forms written first (ООО …, PT …). With `keep_core`, a name that is nothing but legal-form
    words keeps its last word as the core rather than becoming empty.
    """
    tokens = normalized.split()
    tokens, suffixes = _strip(tokens, at_start=False, keep_core=keep_core)
    tokens, prefixes = _strip(tokens, at_start=True, keep_core=keep_core)
    return " ".join(tokens), prefixes + suffixes


def split_legal_form(normalized: str) -> tuple[str, list[str]]:
    """(core name, canonical legal-form tokens): "huawei technologies co ltd" → (…, ["co", "ltd"])."""
    core, forms = find_legal_forms(normalized)
    return core, [token for form in forms for token in form.tokens]


def canonical_legal_form(text: str) -> str | None:
    """Canonical tokens of a text that is only legal forms ("Company Limited" → "co ltd"), else None."""
    core, forms = find_legal_forms(normalize(text), keep_core=False)
    if core or not forms:
        return None
    return " ".join(token for form in forms for token in form.tokens)
