"""Candidate retrieval: an inverted index from token keys to entities, never a scan of every name.

Keys per token: the token itself, its one-character deletions (SymSpell: one typo apart means one
shared deletion), its phonetic key and its consonant skeleton (for names that crossed a script).
Organisation acronyms are keys too. A query collects entities by the same keys, weighting each
hit by the token's weight and how loose the key is, and hands the best few to the scorer.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from trustscreen.matching.forms import NameForm
from trustscreen.matching.scorer import entity_name_forms, normalize_identifier
from trustscreen.matching.similarity import skeleton
from trustscreen.matching.weights import CorpusWeigher
from trustscreen.model import Entity, NameKind
from trustscreen.text.phonetics import phonetic_key

# How much a hit through each kind of key counts, relative to an exact token hit.
KEY_WEIGHTS = {"t": 1.0, "d": 0.75, "p": 0.6, "s": 0.45, "a": 1.0}
# Keys shared by more entities than this are skipped unless nothing rarer was found: they would
# cost time and add nothing ("mhmd" skeleton, "bank" …).
MAX_POSTING = 2000
MIN_DELETION_LENGTH = 5
# Candidates retrieving less than this share of the best candidate's key weight are not scored.
RELATIVE_CUT = 0.5
# Of one entity's names, those retrieving less than this share of its best name are not aligned.
FORM_CUT = 0.6
IDENTIFIER_HIT = 100.0


def _deletions(token: str) -> set[str]:
    return {token[:i] + token[i + 1 :] for i in range(len(token))}


@lru_cache(maxsize=100_000)
def _query_keys(token: str) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]:
    """(spelling keys, sound keys) to look a query token up by."""
    keys = token_keys(token)
    spelled = [k for k in keys if k[0] in ("t", "d")]
    if len(token) == MIN_DELETION_LENGTH - 1 and not token.isdigit():
        # A query one letter shorter than the listed token: its own deletions are not indexed.
        spelled.append(("d", token))
    return tuple(spelled), tuple(k for k in keys if k[0] in ("p", "s"))


def token_keys(token: str) -> list[tuple[str, str]]:
    keys = [("t", token)]
    if len(token) >= MIN_DELETION_LENGTH and not token.isdigit():
        keys.append(("d", token))
        keys.extend(("d", d) for d in _deletions(token))
    if len(token) >= 3 and not token.isdigit():
        phon = phonetic_key(token)
        if phon:
            keys.append(("p", phon))
        skel = skeleton(token)
        if len(skel) >= 2:
            keys.append(("s", skel))
    return keys


@dataclass(slots=True)
class IndexedEntity:
    entity: Entity
    forms: list[tuple[NameKind, NameForm]]
    # Index into the screener's list-version table, so matches can cite the version they came from.
    source: int


@dataclass(frozen=True, slots=True)
class Candidate:
    position: int
    retrieval_score: float
    # The entity's name forms that shared keys with the query, best first: only these are aligned.
    form_indexes: tuple[int, ...]


class NameIndex:
    def __init__(self) -> None:
        self.items: list[IndexedEntity] = []
        # Postings hold global form ids; `_form_owner[form_id]` = (entity position, form index).
        self._postings: dict[tuple[str, str], list[int]] = defaultdict(list)
        self._form_owner: list[tuple[int, int]] = []
        self._identifiers: dict[str, list[int]] = defaultdict(list)
        self._document_frequency: dict[str, int] = defaultdict(int)
        self.weigher = CorpusWeigher(self._document_frequency, 1)

    def add(self, entity: Entity, source: int) -> None:
        position = len(self.items)
        forms = entity_name_forms(entity)
        self.items.append(IndexedEntity(entity, forms, source))
        seen_tokens: set[str] = set()
        for form_index, (_kind, form) in enumerate(forms):
            form_id = len(self._form_owner)
            self._form_owner.append((position, form_index))
            keys: set[tuple[str, str]] = set()
            for token in form.tokens:
                keys.update(token_keys(token))
                seen_tokens.add(token)
            keys.update(("a", short) for short in form.acronyms)
            for key in keys:
                self._postings[key].append(form_id)
        for token in seen_tokens:
            self._document_frequency[token] += 1
        for ident in entity.identifiers:
            value = normalize_identifier(ident.value)
            if len(value) >= 4:
                self._identifiers[value].append(position)

    def finish(self) -> None:
        """Freeze corpus statistics once every entity is in."""
        self._postings = dict(self._postings)
        self._identifiers = dict(self._identifiers)
        self.weigher = CorpusWeigher(dict(self._document_frequency), len(self.items))

    @property
    def key_count(self) -> int:
        return len(self._postings)

    def candidates(
        self,
        forms: Sequence[NameForm],
        identifiers: Iterable[str] = (),
        limit: int = 20,
        relative_cut: float = RELATIVE_CUT,
    ) -> list[Candidate]:
        """Entities sharing the most weighted keys with any query form, with the forms that did."""
        form_scores: dict[int, float] = defaultdict(float)
        weigh = self.weigher
        for form in forms:
            per_form: dict[int, float] = defaultdict(float)
            common: list[tuple[float, list[int]]] = []
            for token in form.tokens:
                weight = weigh(token)
                best_for_token: dict[int, float] = {}
                spelled, sounded = _query_keys(token)
                # Sound-alike keys are broad: consult them only when no spelling key found the token.
                for keys in (spelled, sounded):
                    for key in keys:
                        posting = self._postings.get(key)
                        if not posting:
                            continue
                        key_weight = weight * KEY_WEIGHTS[key[0]]
                        if len(posting) > MAX_POSTING:
                            common.append((key_weight, posting))
                            continue
                        get = best_for_token.get
                        for form_id in posting:
                            if get(form_id, 0.0) < key_weight:
                                best_for_token[form_id] = key_weight
                    if best_for_token:
                        break
                for form_id, value_ in best_for_token.items():
                    per_form[form_id] += value_
            for short in form.acronyms:
                for form_id in self._postings.get(("t", short), ()):
                    per_form[form_id] += 1.0
            for token in form.tokens:
                for form_id in self._postings.get(("a", token), ()):
                    per_form[form_id] += 1.0
            if not per_form and common:
                # Only very common keys matched: use the rarest of them rather than nothing.
                weight, posting = min(common, key=lambda item: len(item[1]))
                for form_id in posting[: MAX_POSTING * 2]:
                    per_form[form_id] += weight
            for form_id, value_ in per_form.items():
                if form_scores.get(form_id, 0.0) < value_:
                    form_scores[form_id] = value_
        by_entity: dict[int, list[tuple[float, int]]] = defaultdict(list)
        entity_best: dict[int, float] = {}
        owner = self._form_owner
        for form_id, score in form_scores.items():
            position, form_index = owner[form_id]
            by_entity[position].append((score, form_index))
            if entity_best.get(position, 0.0) < score:
                entity_best[position] = score
        for value in identifiers:
            for position in self._identifiers.get(normalize_identifier(value), ()):
                # An identifier hit is strong evidence: rank it first and align all its names.
                by_entity[position].append((IDENTIFIER_HIT, -1))
                entity_best[position] = IDENTIFIER_HIT
        ranked = heapq.nlargest(limit, entity_best.items(), key=lambda item: item[1])
        if not ranked:
            return []
        top = ranked[0][1]
        out = []
        for position, best in ranked:
            if best < relative_cut * top:
                break
            scored = by_entity[position]
            if any(index < 0 for _, index in scored):
                indexes = tuple(range(len(self.items[position].forms)))
            else:
                indexes = tuple(i for s, i in sorted(scored, reverse=True) if s >= FORM_CUT * best)
            out.append(Candidate(position, best, indexes))
        return out
