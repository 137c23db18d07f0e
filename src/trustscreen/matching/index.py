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
MAX_POSTING = 4000
MIN_DELETION_LENGTH = 5


def _deletions(token: str) -> set[str]:
    return {token[:i] + token[i + 1 :] for i in range(len(token))}


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


class NameIndex:
    def __init__(self) -> None:
        self.items: list[IndexedEntity] = []
        self._postings: dict[tuple[str, str], list[int]] = defaultdict(list)
        self._identifiers: dict[str, list[int]] = defaultdict(list)
        self._document_frequency: dict[str, int] = defaultdict(int)
        self._names = 0
        self.weigher = CorpusWeigher(self._document_frequency, 1)

    def add(self, entity: Entity, source: int) -> None:
        position = len(self.items)
        forms = entity_name_forms(entity)
        self.items.append(IndexedEntity(entity, forms, source))
        keys: set[tuple[str, str]] = set()
        seen_tokens: set[str] = set()
        for _kind, form in forms:
            for token in form.tokens:
                if token not in seen_tokens:
                    seen_tokens.add(token)
                    keys.update(token_keys(token))
            keys.update(("a", short) for short in form.acronyms)
        for key in keys:
            self._postings[key].append(position)
        for token in seen_tokens:
            self._document_frequency[token] += 1
        self._names += len(entity.names)
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
        self, forms: Sequence[NameForm], identifiers: Iterable[str] = (), limit: int = 30
    ) -> list[int]:
        scores: dict[int, float] = defaultdict(float)
        for value in identifiers:
            for position in self._identifiers.get(normalize_identifier(value), ()):
                scores[position] += 10.0
        weigh = self.weigher
        for form in forms:
            per_form: dict[int, float] = defaultdict(float)
            lookups: list[tuple[float, list[int]]] = []
            for token in form.tokens:
                weight = weigh(token)
                best_for_token: dict[int, float] = {}
                query_keys = token_keys(token)
                if len(token) >= MIN_DELETION_LENGTH - 1 and not token.isdigit():
                    # A query one letter shorter than the listed token: its own deletions miss.
                    query_keys.append(("d", token))
                for kind, value in query_keys:
                    posting = self._postings.get((kind, value))
                    if not posting:
                        continue
                    lookups.append((weight * KEY_WEIGHTS[kind], posting))
                    key_weight = weight * KEY_WEIGHTS[kind]
                    if len(posting) > MAX_POSTING:
                        continue
                    for position in posting:
                        if best_for_token.get(position, 0.0) < key_weight:
                            best_for_token[position] = key_weight
                for position, value_ in best_for_token.items():
                    per_form[position] += value_
            for short in form.acronyms:
                for position in self._postings.get(("t", short), ()):
                    per_form[position] += 1.0
            for token in form.tokens:
                for position in self._postings.get(("a", token), ()):
                    per_form[position] += 1.0
            if not per_form and lookups:
                # Only very common keys matched: use the rarest of them rather than nothing.
                weight, posting = min(lookups, key=lambda item: len(item[1]))
                for position in posting[: MAX_POSTING * 2]:
                    per_form[position] += weight
            for position, value_ in per_form.items():
                if scores.get(position, 0.0) < value_:
                    scores[position] = value_
        return [position for position, _ in heapq.nlargest(limit, scores.items(), key=lambda item: item[1])]
