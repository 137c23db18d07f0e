"""Candidate retrieval: an inverted index from token keys to entities, never a scan of every name.

Keys per token: the token itself, its one-character deletions (SymSpell: one typo apart means one
shared deletion), its phonetic key and its consonant skeleton (for names that crossed a script).
Organisation acronyms are keys too. A query collects entities by the same keys, weighting each
hit by the token's weight and how loose the key is, and hands the best few to the scorer.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt

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
RELATIVE_CUT = 0.6
# Of one entity's names, those retrieving less than this share of its best name are not aligned.
FORM_CUT = 0.6
IDENTIFIER_HIT = 100.0
TOKEN_CACHE_SIZE = 50_000
ACRONYM_SHARE = 0.8
# Candidates that share less than this weighted share of the query's tokens cannot reach a match
# (a company that shares only "technology" with the query); they are not scored.
MIN_QUERY_SHARE = 0.2


def _deletions(token: str) -> set[str]:
    return {token[:i] + token[i + 1 :] for i in range(len(token))}


@lru_cache(maxsize=100_000)
def _query_keys(token: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(spelling keys, sound keys) to look a query token up by."""
    keys = token_keys(token)
    spelled = [k for k in keys if k[0] in "td"]
    if len(token) == MIN_DELETION_LENGTH - 1 and not token.isdigit():
        # A query one letter shorter than the listed token: its own deletions are not indexed.
        spelled.append("d" + token)
    return tuple(spelled), tuple(k for k in keys if k[0] in "ps")


@lru_cache(maxsize=200_000)
def token_keys(token: str) -> tuple[str, ...]:
    """Index keys of a token: its kind letter (t, d, p, s) followed by the key text."""
    keys = ["t" + token]
    if len(token) >= MIN_DELETION_LENGTH and not token.isdigit():
        keys.append("d" + token)
        keys.extend("d" + d for d in _deletions(token))
    if len(token) >= 3 and not token.isdigit():
        phon = phonetic_key(token)
        if phon:
            keys.append("p" + phon)
        skel = skeleton(token)
        if len(skel) >= 2:
            keys.append("s" + skel)
    return tuple(keys)


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
        # Postings hold global form ids; arrays after finish(). A form id's owner entity and its
        # place among that entity's forms are in `_form_entity` / `_form_index`.
        self._building: dict[str, list[int]] | None = defaultdict(list)
        self._postings: dict[str, npt.NDArray[np.int32]] = {}
        self._owner: list[tuple[int, int]] = []
        self._form_entity: npt.NDArray[np.int32] = np.zeros(0, dtype=np.int32)
        self._form_index: npt.NDArray[np.int32] = np.zeros(0, dtype=np.int32)
        self._identifiers: dict[str, list[int]] = defaultdict(list)
        self._document_frequency: dict[str, int] = defaultdict(int)
        self.weigher = CorpusWeigher(self._document_frequency, 1)
        self._token_cache: dict[
            str, tuple[npt.NDArray[np.int32], npt.NDArray[np.float32], list[tuple[float, npt.NDArray[np.int32]]]]
        ] = {}

    def add(self, entity: Entity, source: int) -> None:
        if self._building is None:
            raise RuntimeError("index is finished; build a new one to add entities")
        position = len(self.items)
        forms = entity_name_forms(entity)
        self.items.append(IndexedEntity(entity, forms, source))
        seen_tokens: set[str] = set()
        for form_index, (_kind, form) in enumerate(forms):
            form_id = len(self._owner)
            self._owner.append((position, form_index))
            keys: set[str] = set()
            for token in form.tokens:
                keys.update(token_keys(token))
                seen_tokens.add(token)
            keys.update("a" + short for short in form.acronyms)
            for key in keys:
                self._building[key].append(form_id)
        for token in seen_tokens:
            self._document_frequency[token] += 1
        for ident in entity.identifiers:
            value = normalize_identifier(ident.value)
            if len(value) >= 4:
                self._identifiers[value].append(position)

    def finish(self) -> None:
        """Freeze postings into arrays and corpus statistics once every entity is in."""
        building = self._building or {}
        self._postings = {key: np.asarray(ids, dtype=np.int32) for key, ids in building.items()}
        self._building = None
        owner = np.asarray(self._owner, dtype=np.int32).reshape(-1, 2)
        self._form_entity, self._form_index = owner[:, 0].copy(), owner[:, 1].copy()
        self._owner = []
        self._identifiers = dict(self._identifiers)
        self.weigher = CorpusWeigher(dict(self._document_frequency), len(self.items))

    def _token_hits(
        self, token: str
    ) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.float32], list[tuple[float, npt.NDArray[np.int32]]]]:
        """Forms a query token reaches, each with the factor of its best key (exact 1.0, one typo
        0.75 …), plus keys too common to use directly. Cached: query tokens repeat a lot."""
        cached = self._token_cache.get(token)
        if cached is not None:
            return cached
        found: list[npt.NDArray[np.int32]] = []
        factors: list[float] = []
        broad: list[tuple[float, npt.NDArray[np.int32]]] = []
        spelled, sounded = _query_keys(token)
        # Sound-alike keys are broad: consult them only when no spelling key found the token.
        for keys in (spelled, sounded):
            for key in keys:
                posting = self._postings.get(key)
                if posting is None:
                    continue
                factor = KEY_WEIGHTS[key[0]]
                if len(posting) > MAX_POSTING:
                    broad.append((factor, posting))
                    continue
                found.append(posting)
                factors.append(factor)
            if found:
                break
        if not found:
            result = (np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32), broad)
        else:
            ids = np.concatenate(found)
            weights = np.repeat(np.asarray(factors, dtype=np.float32), [len(p) for p in found])
            # Best key per form: sort by form, then by weight descending, keep each form's first.
            order = np.lexsort((-weights, ids))
            ids, weights = ids[order], weights[order]
            first = np.ones(len(ids), dtype=bool)
            first[1:] = ids[1:] != ids[:-1]
            result = (ids[first], weights[first], broad)
        if len(self._token_cache) >= TOKEN_CACHE_SIZE:
            self._token_cache.pop(next(iter(self._token_cache)))
        self._token_cache[token] = result
        return result

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
        postings = self._postings
        # Sparse accumulation: (form id, value) pieces, summed per form within a query form and
        # maxed across query forms; never an array over every indexed form.
        best_ids: list[npt.NDArray[np.int32]] = []
        best_values: list[npt.NDArray[np.float32]] = []
        for form in forms:
            ids_parts: list[npt.NDArray[np.int32]] = []
            value_parts: list[npt.NDArray[np.float32]] = []
            common: list[tuple[float, npt.NDArray[np.int32]]] = []
            total = sum(self.weigher(t) for t in form.tokens) or 1.0
            for token in form.tokens:
                ids, factors, broad = self._token_hits(token)
                weight = self.weigher(token)
                if len(ids):
                    ids_parts.append(ids)
                    value_parts.append(factors * np.float32(weight / total))
                common.extend((weight * factor, posting) for factor, posting in broad)
            if not ids_parts and common:
                # Only very common keys matched: use the rarest of them rather than nothing.
                weight, posting = min(common, key=lambda item: len(item[1]))
                posting = posting[: MAX_POSTING * 2]
                ids_parts.append(posting)
                value_parts.append(np.full(len(posting), weight / total, dtype=np.float32))
            if ids_parts:
                ids, inverse = np.unique(np.concatenate(ids_parts), return_inverse=True)
                sums = np.bincount(inverse, weights=np.concatenate(value_parts)).astype(np.float32)
                best_ids.append(ids.astype(np.int32))
                best_values.append(sums)
            # An acronym hit (SMIC ↔ Semiconductor Manufacturing International Corporation) stands
            # for the whole name, so it scores like most of the name matching, not on top of it.
            for acronym_hits in [postings.get("t" + short) for short in form.acronyms] + [
                postings.get("a" + token) for token in form.tokens
            ]:
                if acronym_hits is not None:
                    best_ids.append(acronym_hits)
                    best_values.append(np.full(len(acronym_hits), ACRONYM_SHARE, dtype=np.float32))
        if best_ids:
            all_ids = np.concatenate(best_ids)
            all_values = np.concatenate(best_values)
            # Best value per form id: sort by id, then value descending, keep each id's first.
            order = np.lexsort((-all_values, all_ids))
            all_ids, all_values = all_ids[order], all_values[order]
            first = np.ones(len(all_ids), dtype=bool)
            first[1:] = all_ids[1:] != all_ids[:-1]
            hits, hit_scores = all_ids[first], all_values[first]
        else:
            hits, hit_scores = np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32)
        entity_scores: dict[int, list[tuple[float, int]]] = defaultdict(list)
        forced: set[int] = set()
        for value in identifiers:
            for position in self._identifiers.get(normalize_identifier(value), ()):
                # An identifier hit is strong evidence: rank it first and align all its names.
                entity_scores[position].append((IDENTIFIER_HIT, -1))
                forced.add(position)
        if len(hits):
            scores = hit_scores
            # Enough top forms to cover `limit` entities even when each has several forms.
            keep = min(len(hits), limit * 6)
            top = np.argpartition(-scores, keep - 1)[:keep] if keep < len(hits) else np.arange(len(hits))
            order = top[np.argsort(-scores[top], kind="stable")]
            # Forms arrive best first, so an entity's first form carries its best score.
            for form_id, score in zip(hits[order].tolist(), scores[order].tolist(), strict=True):
                entity_scores[int(self._form_entity[form_id])].append((score, int(self._form_index[form_id])))
        if not entity_scores:
            return []
        ranked = sorted(entity_scores.items(), key=lambda item: -item[1][0][0])[:limit]
        top_score = ranked[0][1][0][0]
        out = []
        for position, scored in ranked:
            entity_best = scored[0][0]
            if entity_best < relative_cut * top_score or entity_best < MIN_QUERY_SHARE:
                break
            if position in forced:
                indexes = tuple(range(len(self.items[position].forms)))
            else:
                indexes = tuple(i for s, i in scored if s >= FORM_CUT * entity_best)
            out.append(Candidate(position, entity_best, indexes))
        return out
