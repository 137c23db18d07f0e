"""Phrase index: every listed name as a token sequence, found in text through a few anchor keys.

A document is read once, token by token; each token is looked up in a dict of anchor keys and only
the few names it anchors are compared around it. Keys per name (a "pattern"):

- each identifying token (not a generic word such as "company" or "china"), exactly;
- its one-letter deletions for tokens of five letters or more that are no English word (SymSpell,
  as in the screening index): "Hauwei" and "Huawei" share "huwei";
- two adjacent tokens written as one ("dajiang" for Da-Jiang), and the whole name joined;
- native names in Han or kana, as substrings (no spaces to split on), by their first two characters.

Weak aliases are not indexed: OFAC calls them too broad to rely on, and free text is full of them.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from trustscreen.matching.forms import NameForm
from trustscreen.matching.index import NameIndex
from trustscreen.matching.similarity import graded_edit_similarity
from trustscreen.matching.weights import is_country_word, prior_weight
from trustscreen.model import EntityKind, NameKind
from trustscreen.scanning.lexicon import is_known_word
from trustscreen.scanning.spans import CJK_CLASS
from trustscreen.text.legal_forms import split_legal_form
from trustscreen.text.normalize import normalize
from trustscreen.text.scripts import detect_script

# Tokens at or above this prior weight identify a name (matching.align uses the same cut).
IDENTIFYING_WEIGHT = 0.45
STRONG_WEIGHT = 0.9
MIN_FUZZY_LENGTH = 5
# One edit in a word of five letters or more (graded_edit_similarity 0.92), or two in a long one.
MIN_FUZZY_SIMILARITY = 0.8
MAX_PATTERN_TOKENS = 12
_CACHE_SIZE = 100_000
_CJK_SCRIPTS = frozenset({"Hani", "Jpan", "Kana"})
_CJK_CHAR = re.compile(f"[{CJK_CLASS}]")


@dataclass(frozen=True, slots=True)
class Pattern:
    # Position of the entity in the screener's index (`NameIndex.items`).
    entity: int
    tokens: tuple[str, ...]
    name: str
    name_kind: NameKind
    kind: EntityKind
    weights: tuple[float, ...]
    # Tokens in the name's own script (Cyrillic, Arabic …), not a romanisation.
    native: bool
    # Every token generic or a country ("China Mobile"): only the exact, capitalised name counts.
    generic: bool
    person: bool
    # Identifying tokens and the first letters of all tokens: a one-word anchor of a name with two
    # identifying words needs a neighbour that could be one of the others.
    core_count: int
    initials: frozenset[str]
    token_set: frozenset[str]

    def identifying(self, position: int) -> bool:
        return self.weights[position] >= IDENTIFYING_WEIGHT and len(self.tokens[position]) >= 2


@dataclass(frozen=True, slots=True)
class AnchorHit:
    pattern: int
    # Pattern token positions the text token stands for (two for a joined pair).
    first: int
    last: int
    similarity: float


@dataclass(frozen=True, slots=True)
class CjkPattern:
    entity: int
    folded: str
    name: str
    name_kind: NameKind


def fold(text: str) -> str:
    """Character-by-character NFKC + casefold that keeps offsets: full-width （北京） equals (北京)."""
    out = []
    for char in text:
        folded = unicodedata.normalize("NFKC", char).casefold()
        out.append(folded if len(folded) == 1 else char)
    return "".join(out)


def _deletions(token: str) -> set[str]:
    return {token[:i] + token[i + 1 :] for i in range(len(token))}


class PhraseIndex:
    def __init__(self, index: NameIndex) -> None:
        self.patterns: list[Pattern] = []
        self.cjk: dict[str, list[CjkPattern]] = defaultdict(list)
        self._exact: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
        self._fuzzy: dict[str, list[tuple[int, int]]] = defaultdict(list)
        self._cache: dict[str, tuple[AnchorHit, ...]] = {}
        self._cache_exact: dict[str, tuple[AnchorHit, ...]] = {}
        for position, item in enumerate(index.items):
            self._add_entity(position, item.entity.kind, item.forms)
        self.cjk = dict(self.cjk)
        self._exact = dict(self._exact)
        self._fuzzy = dict(self._fuzzy)

    def _add_entity(self, position: int, kind: EntityKind, forms: list[tuple[NameKind, NameForm]]) -> None:
        seen: set[tuple[str, ...]] = set()
        natives: set[tuple[NameKind, str]] = set()
        for name_kind, form in forms:
            if name_kind is NameKind.WEAK_ALIAS:
                continue
            if form.script not in (None, "Latn"):
                natives.add((name_kind, form.original))
            if form.tokens and len(form.tokens) <= MAX_PATTERN_TOKENS and form.tokens not in seen:
                seen.add(form.tokens)
                self._add_pattern(position, form.tokens, form.original, name_kind, kind, native=False)
        for name_kind, original in sorted(natives):
            self._add_native(position, original, name_kind, kind)

    def _add_native(self, position: int, original: str, name_kind: NameKind, kind: EntityKind) -> None:
        person = kind is EntityKind.PERSON
        if detect_script(original) in _CJK_SCRIPTS:
            core = split_legal_form(normalize(original))[0].replace(" ", "") if not person else ""
            for text in {fold(original).replace(" ", ""), core}:
                if len(text) >= 2 and any(_is_cjk(c) for c in text):
                    self.cjk[text[:2]].append(CjkPattern(position, text, original, name_kind))
            return
        normal = normalize(original)
        core = normal if person else split_legal_form(normal)[0]
        tokens = tuple(core.split())
        if tokens and len(tokens) <= MAX_PATTERN_TOKENS:
            self._add_pattern(position, tokens, original, name_kind, kind, native=True)

    def _add_pattern(
        self, position: int, tokens: tuple[str, ...], name: str, name_kind: NameKind, kind: EntityKind, *, native: bool
    ) -> None:
        weights = tuple(prior_weight(t) for t in tokens)
        identifying = [i for i, t in enumerate(tokens) if weights[i] >= IDENTIFYING_WEIGHT and len(t) >= 2]
        generic = all(weights[i] < IDENTIFYING_WEIGHT or is_country_word(t) for i, t in enumerate(tokens))
        pattern_id = len(self.patterns)
        self.patterns.append(
            Pattern(
                position,
                tokens,
                name,
                name_kind,
                kind,
                weights,
                native,
                generic and not identifying,
                kind is EntityKind.PERSON,
                len(identifying),
                frozenset(t[0] for t in tokens),
                frozenset(tokens),
            )
        )
        # Very common name parts (Muhammad, Ali, Kim: prior 0.45) anchor only names made of nothing
        # else; otherwise every "Ali" in a text would try a thousand listed persons.
        strong = [i for i in identifying if weights[i] >= STRONG_WEIGHT]
        for i in strong or identifying or range(len(tokens)):
            token = tokens[i]
            self._exact[token].append((pattern_id, i, i))
            if not native and len(token) >= MIN_FUZZY_LENGTH and not token.isdigit() and not is_known_word(token):
                for key in {token, *_deletions(token)}:
                    self._fuzzy[key].append((pattern_id, i))
        for i in range(len(tokens) - 1):
            self._exact[tokens[i] + tokens[i + 1]].append((pattern_id, i, i + 1))
        if len(tokens) >= 3:
            self._exact["".join(tokens)].append((pattern_id, 0, len(tokens) - 1))

    def lookup(self, token: str, fuzzy: bool = True) -> tuple[AnchorHit, ...]:
        """Patterns a text token anchors: exact keys, then (for unknown words) one-edit neighbours."""
        cache = self._cache if fuzzy else self._cache_exact
        cached = cache.get(token)
        if cached is not None:
            return cached
        hits = [AnchorHit(p, first, last, 1.0) for p, first, last in self._exact.get(token, ())]
        if fuzzy and len(token) >= MIN_FUZZY_LENGTH - 1 and not token.isdigit() and not is_known_word(token):
            hits.extend(self._fuzzy_hits(token, {(h.pattern, h.first) for h in hits}))
        result = tuple(hits)
        if len(cache) >= _CACHE_SIZE:
            cache.clear()
        cache[token] = result
        return result

    def _fuzzy_hits(self, token: str, seen: set[tuple[int, int]]) -> list[AnchorHit]:
        hits = []
        for key in {token, *_deletions(token)}:
            for pattern_id, position in self._fuzzy.get(key, ()):
                if (pattern_id, position) in seen:
                    continue
                seen.add((pattern_id, position))
                similarity = graded_edit_similarity(token, self.patterns[pattern_id].tokens[position])
                if similarity >= MIN_FUZZY_SIMILARITY:
                    hits.append(AnchorHit(pattern_id, position, position, similarity))
        return hits


def _is_cjk(char: str) -> bool:
    return _CJK_CHAR.fullmatch(char) is not None
