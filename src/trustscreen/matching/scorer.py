"""Entity scorer: the best name alignment, then small documented features that add or take away.

Every feature is a function returning a `Feature` (or None when it does not apply); its `delta` is
what it changed, so the explanation is the computation itself, not a story told afterwards.
Deterministic: same query and entity, same score.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from trustscreen.matching.align import Alignment, Weigher, align, is_cross_script
from trustscreen.matching.forms import NameForm, name_forms
from trustscreen.matching.weights import is_country_word
from trustscreen.model import Entity, EntityKind, Identifier, NameKind
from trustscreen.sources._common import country_code

DEFAULT_THRESHOLD = 0.76

# Documented weights (docs/matching.md). Deltas are added to the name score, then clamped to [0, 1].
IDENTIFIER_EQUAL_FLOOR = 0.97
COUNTRY_MISMATCH = -0.08
BIRTH_YEAR_MISMATCH = -0.2
BIRTH_DATE_EQUAL = 0.04
KIND_MISMATCH = -0.25
WEAK_ALIAS = -0.25
# A one-token name of four letters or fewer (an acronym, "ABC") matches too much by chance.
SHORT_NAME_DAMPING = -0.12
NAME_ORDER_CONFLICT = -0.25
LEGAL_FORM_CONFLICT = -0.1
CONFLICTING_PARTS = -0.12
EXTRA_COUNTRY = -0.1
# Unmatched tokens lighter than this (generic words, "al", "bin") do not count as a conflict.
CONFLICT_MIN_WEIGHT = 0.45


@dataclass(frozen=True, slots=True)
class Query:
    name: str
    kind: EntityKind | None = None
    countries: tuple[str, ...] = ()
    birth_date: str | None = None
    identifiers: tuple[Identifier, ...] = ()


@dataclass(frozen=True, slots=True)
class Feature:
    name: str
    delta: float
    detail: str

    def to_dict(self) -> dict[str, object]:
        return {"feature": self.name, "delta": round(self.delta, 4), "detail": self.detail}


@dataclass(frozen=True, slots=True)
class Scored:
    score: float
    matched_name: str
    alignment: Alignment | None
    features: tuple[Feature, ...] = field(default=())


def normalize_identifier(value: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", value.upper())


def query_forms(query: Query) -> tuple[NameForm, ...]:
    return name_forms(query.name, query.kind or EntityKind.UNKNOWN)


def entity_name_forms(entity: Entity) -> list[tuple[NameKind, NameForm]]:
    forms = []
    for name in entity.names:
        for form in name_forms(name.value, entity.kind):
            forms.append((name.kind, form))
    return forms


def best_alignment(
    q_forms: Sequence[NameForm],
    c_forms: Sequence[tuple[NameKind, NameForm]],
    weigher: Weigher,
    *,
    person: bool,
) -> tuple[Alignment | None, NameKind | None]:
    best: Alignment | None = None
    best_kind: NameKind | None = None
    for q in q_forms:
        # A name in the query's own script beats a romanised guess: compare across scripts only
        # when the entity has no name in the query's script.
        same_script = [(k, c) for k, c in c_forms if (c.script or "Latn") == (q.script or "Latn")]
        for kind, c in same_script or c_forms:
            current = align(q, c, weigher, person=person)
            if best is None or current.score > best.score:
                best, best_kind = current, kind
                if current.score >= 0.999:
                    return best, best_kind
    return best, best_kind


def score_entity(
    query: Query,
    q_forms: Sequence[NameForm],
    entity: Entity,
    c_forms: Sequence[tuple[NameKind, NameForm]],
    weigher: Weigher,
) -> Scored:
    person = EntityKind.PERSON in (query.kind, entity.kind)
    alignment, name_kind = best_alignment(q_forms, c_forms, weigher, person=person)
    base = alignment.score if alignment else 0.0
    features: list[Feature] = [Feature("name", base, alignment.describe() if alignment else "no name aligned")]
    for feature_fn in _FEATURES:
        feature = feature_fn(query, entity, alignment, name_kind)
        if feature is not None:
            features.append(feature)
    score = sum(f.delta for f in features)
    score = round(min(1.0, max(0.0, score)), 4)
    matched = alignment.candidate.original if alignment else entity.primary_name
    return Scored(score, matched, alignment, tuple(features))


def _identifier_feature(
    query: Query, entity: Entity, alignment: Alignment | None, _: NameKind | None
) -> Feature | None:
    if not query.identifiers or not entity.identifiers:
        return None
    listed = {normalize_identifier(i.value): i for i in entity.identifiers if len(normalize_identifier(i.value)) >= 4}
    for ident in query.identifiers:
        hit = listed.get(normalize_identifier(ident.value))
        if hit is not None:
            base = alignment.score if alignment else 0.0
            delta = max(0.0, IDENTIFIER_EQUAL_FLOOR - base)
            return Feature("identifier_equal", delta, f"{hit.scheme} {hit.value} equals the query's identifier")
    return None


def _entity_countries(entity: Entity) -> set[str]:
    found = set(entity.countries)
    found.update(a.country for a in entity.addresses if a.country)
    return found


def _country_feature(query: Query, entity: Entity, _a: Alignment | None, _k: NameKind | None) -> Feature | None:
    if not query.countries:
        return None
    wanted = {country_code(c) or c.upper() for c in query.countries}
    listed = _entity_countries(entity)
    if not listed:
        return None
    if wanted & listed:
        return Feature("country_match", 0.0, f"country {', '.join(sorted(wanted & listed))} agrees")
    return Feature(
        "country_mismatch",
        COUNTRY_MISMATCH,
        f"query country {', '.join(sorted(wanted))} not among listed {', '.join(sorted(listed))}",
    )


def _birth_feature(query: Query, entity: Entity, _a: Alignment | None, _k: NameKind | None) -> Feature | None:
    if not query.birth_date or not entity.birth_dates or entity.kind is not EntityKind.PERSON:
        return None
    year = query.birth_date[:4]
    if query.birth_date in entity.birth_dates and len(query.birth_date) == 10:
        return Feature("birth_date_equal", BIRTH_DATE_EQUAL, f"birth date {query.birth_date} equals a listed one")
    years = {d[:4] for d in entity.birth_dates if d[:4].isdigit()}
    if not years or not year.isdigit():
        return None
    if any(abs(int(year) - int(y)) <= 1 for y in years):
        return Feature("birth_year_close", 0.0, f"birth year {year} within a year of {', '.join(sorted(years))}")
    return Feature(
        "birth_year_mismatch", BIRTH_YEAR_MISMATCH, f"birth year {year} vs listed {', '.join(sorted(years))}"
    )


def _kind_feature(query: Query, entity: Entity, _a: Alignment | None, _k: NameKind | None) -> Feature | None:
    if query.kind is None or entity.kind is EntityKind.UNKNOWN or query.kind is EntityKind.UNKNOWN:
        return None
    person_q, person_e = query.kind is EntityKind.PERSON, entity.kind is EntityKind.PERSON
    if person_q != person_e:
        return Feature("kind_mismatch", KIND_MISMATCH, f"query is {query.kind.value}, listed is {entity.kind.value}")
    return None


def _weak_alias_feature(_q: Query, _e: Entity, alignment: Alignment | None, kind: NameKind | None) -> Feature | None:
    if kind is NameKind.WEAK_ALIAS:
        return Feature("weak_alias", WEAK_ALIAS, "best name is a weak a.k.a.: OFAC says too broad to rely on alone")
    return None


def _short_name_feature(_q: Query, _e: Entity, alignment: Alignment | None, _k: NameKind | None) -> Feature | None:
    if alignment is None or alignment.method == "acronym":
        return None
    q = alignment.query.tokens
    if len(q) == 1 and len(q[0]) <= 4 and q != alignment.candidate.tokens:
        return Feature("short_name", SHORT_NAME_DAMPING, f"one short token {q[0]!r} matches by chance")
    return None


def _order_feature(_q: Query, _e: Entity, alignment: Alignment | None, _k: NameKind | None) -> Feature | None:
    if alignment is not None and alignment.order_conflict:
        return Feature(
            "name_order",
            NAME_ORDER_CONFLICT,
            "father's name (after bin/ben/ibn) differs: another member of the family",
        )
    return None


def _conflict_feature(_q: Query, _e: Entity, alignment: Alignment | None, _k: NameKind | None) -> Feature | None:
    if alignment is None or alignment.method != "tokens" or not alignment.pairs:
        return None
    if is_cross_script(alignment.query, alignment.candidate):
        return None  # romanisation noise, not evidence of another name
    q_weight, c_weight = alignment.unmatched_weight
    countries_differ = any(is_country_word(t) for t in alignment.unmatched_query) and any(
        is_country_word(t) for t in alignment.unmatched_candidate
    )
    person = EntityKind.PERSON in (_q.kind, _e.kind)
    # In organisation names even generic words tell group companies apart when both names have
    # one the other lacks (BAE Systems / BAE Industries, CCB Capital / CCB Holdings).
    org_words_differ = not person and bool(alignment.unmatched_query) and bool(alignment.unmatched_candidate)
    if min(q_weight, c_weight) >= CONFLICT_MIN_WEIGHT or countries_differ or org_words_differ:
        return Feature(
            "conflicting_parts",
            CONFLICTING_PARTS,
            f"each name has a part the other lacks ({' '.join(alignment.unmatched_query)} / "
            f"{' '.join(alignment.unmatched_candidate)})",
        )
    return None


def _extra_country_feature(
    query: Query, entity: Entity, alignment: Alignment | None, _k: NameKind | None
) -> Feature | None:
    """Banco Santander México is not Banco Santander: a country in one organisation name only."""
    if alignment is None or EntityKind.PERSON in (query.kind, entity.kind) or alignment.method != "tokens":
        return None
    extra = [t for t in (*alignment.unmatched_query, *alignment.unmatched_candidate) if is_country_word(t)]
    if extra:
        return Feature("extra_country", EXTRA_COUNTRY, f"only one name has the country word {extra[0]!r}")
    return None


def _legal_form_feature(_q: Query, _e: Entity, alignment: Alignment | None, _k: NameKind | None) -> Feature | None:
    """Deutsche Bank AG and Deutsche Bank GmbH are two companies of one group."""
    if alignment is None:
        return None
    q_forms, c_forms = set(alignment.query.legal_forms), set(alignment.candidate.legal_forms)
    if q_forms and c_forms and not q_forms & c_forms:
        return Feature(
            "legal_form_conflict",
            LEGAL_FORM_CONFLICT,
            f"legal form {' '.join(sorted(q_forms))} vs {' '.join(sorted(c_forms))}",
        )
    return None


_FEATURES: tuple[Callable[[Query, Entity, Alignment | None, NameKind | None], Feature | None], ...] = (
    _identifier_feature,
    _country_feature,
    _birth_feature,
    _kind_feature,
    _weak_alias_feature,
    _short_name_feature,
    _order_feature,
    _legal_form_feature,
    _conflict_feature,
    _extra_country_feature,
)
