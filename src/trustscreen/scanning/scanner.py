"""Scanner: the spans of a text that name listed entities, scored by the screening scorer.

For each token the phrase index proposes the few listed names it could start or belong to; the
span grows over neighbouring tokens that match further tokens of that name (any order, one typo
allowed in long words), takes a legal form written after it ("Co., Ltd."), and is then scored by
`score_entity` against all the entity's names, exactly as `screen` scores a query. Free text needs
more than a name screener, so a few documented rules (`docs/scanning.md`) add features to the
explanation or refuse a span outright:

- a person needs two identifying name parts ("Mr. Xi" no, "Ren Zhengfei" yes);
- a name of only generic words or countries ("China Mobile") counts only exact and capitalised;
  the words alone ("china", "network", "technology") never;
- a name that is an everyday English word ("Soul", "Cubic") needs context: a legal form after it,
  a word for its kind nearby ("app", "company"), quotes, or a party field of a payment;
- a one-word name needs its capital letter (or all capitals for three letters, plus context for two);
- a capitalised word that is no English word and one letter from a distinctive listed name
  ("Hauwei") is a spelling variant of it: scored at least `SPELLING_VARIANT_FLOOR`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from trustscreen.matching.forms import name_forms
from trustscreen.matching.scorer import Feature, Query, Scored, score_entity
from trustscreen.matching.screener import Screener, version_ref
from trustscreen.matching.similarity import token_similarity
from trustscreen.matching.weights import is_country_word, prior_weight
from trustscreen.model import Entity, EntityKind
from trustscreen.scanning.lexicon import is_common_word, is_known_word
from trustscreen.scanning.phrases import STRONG_WEIGHT, AnchorHit, CjkPattern, Pattern, PhraseIndex, fold
from trustscreen.scanning.spans import Token, cjk_runs, tokenize
from trustscreen.store import ListVersion
from trustscreen.text.legal_forms import canonical_legal_form

SPELLING_VARIANT_FLOOR = 0.8
# A text token stands for a further name token at this similarity (one edit in five letters).
EXTEND_SIMILARITY = 0.8
# Initials in person names ("John R. Bolton") extend a span at token_similarity's initial value.
INITIAL_SIMILARITY = 0.75
# Sum of prior weights of matched name parts a person needs: one full part and one more.
PERSON_MIN_WEIGHT = 1.4
# Share of capitalised words from which a line is a title-case heading.
HEADING_SHARE = 0.75
_WORDS = re.compile(r"[^\W\d_]{3,}")
# A longer name containing a shorter one wins unless it scores clearly lower.
CONTAINMENT_MARGIN = 0.05
MAX_LEGAL_FORM_TOKENS = 4
_SCORE_CACHE_SIZE = 50_000

# Words that, right next to a name, say what it names.
APP_WORDS = frozenset(["app", "apps", "application", "game", "games", "browser", "launcher"])
ORG_WORDS = frozenset(
    ["company", "firm", "corporation", "corp", "inc", "ltd", "llc", "plc", "gmbh", "ag", "group", "holdings"]
)
_QUOTES_OPEN = frozenset("\"'“‘«„")
_QUOTES_CLOSE = frozenset("\"'”’»“")


@dataclass(frozen=True, slots=True)
class Field:
    """A part of a document scanned on its own (an e-mail header, a payment message field)."""

    name: str | None
    start: int
    end: int
    # Holds a party's name and address (payment parties, e-mail From/To): a name there is a name.
    party: bool = False
    label: str | None = None


@dataclass(frozen=True, slots=True)
class Hit:
    start: int
    end: int
    text: str
    entity: Entity
    score: float
    matched_name: str
    features: tuple[Feature, ...]
    list_version: ListVersion | None
    field: str | None = None
    field_label: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data = self.entity.to_dict()
        version = self.list_version
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "field": self.field,
            "field_label": self.field_label,
            "entity_id": self.entity.id,
            "name": self.entity.primary_name,
            "kind": self.entity.kind.value,
            "score": self.score,
            "matched_name": self.matched_name,
            "list": version_ref(version),
            "listings": data.get("listings", []),
            "countries": list(self.entity.countries),
            "unconfirmed": self.entity.unconfirmed,
            "explanation": [f.to_dict() for f in self.features],
        }


@dataclass(slots=True)
class _Context:
    text: str
    tokens: list[Token]
    field: Field
    # No lower-case letter in the field (SWIFT messages, headings): letter case tells nothing.
    caseless: bool
    cutoff: float
    wanted: set[str] | None
    done: set[tuple[int, int, int]] = dataclass_field(default_factory=set)
    hits: list[Hit] = dataclass_field(default_factory=list)


class Scanner:
    """Finds listed names in text. Build once per screener (it indexes every name), scan many texts."""

    def __init__(self, screener: Screener, *, threshold: float | None = None) -> None:
        self.screener = screener
        self.threshold = screener.threshold if threshold is None else threshold
        self.phrases = PhraseIndex(screener.index)
        self._scores: dict[tuple[int, str], Scored] = {}

    def scan(
        self,
        text: str,
        fields: Sequence[Field] | None = None,
        *,
        threshold: float | None = None,
        lists: Iterable[str] | None = None,
    ) -> list[Hit]:
        """Hits sorted by position; each field (default: the whole text) is scanned on its own."""
        cutoff = self.threshold if threshold is None else threshold
        wanted = set(lists) if lists else None
        found: list[Hit] = []
        for part in fields or (Field(None, 0, len(text)),):
            found.extend(self._scan_field(text, part, cutoff, wanted))
        return resolve_overlaps(found)

    def _scan_field(self, text: str, part: Field, cutoff: float, wanted: set[str] | None) -> list[Hit]:
        segment = text[part.start : part.end]
        ctx = _Context(text, tokenize(text, part.start, part.end), part, segment == segment.upper(), cutoff, wanted)
        tokens = ctx.tokens
        lookup = self.phrases.lookup
        caseless = ctx.caseless
        for i, token in enumerate(tokens):
            anchors = lookup(token.norm)
            # An English word in lower case is that word, not a name: it may extend a name found
            # through another word, never anchor one ("power", "ocean", "master").
            if anchors and (caseless or token.capitalised or not is_known_word(token.norm)):
                for anchor in anchors:
                    self._consider(ctx, i, i, anchor)
            if i + 1 < len(tokens):
                after = tokens[i + 1]
                joined = after.glued_before or (after.spaced_before and (caseless or after.capitalised))
                if joined and not after.boundary_before:
                    # "Tik Tok", "Hua-wei": two written words for one listed word.
                    for anchor in lookup(token.norm + after.norm, after.glued_before):
                        self._consider(ctx, i, i + 1, anchor)
        self._scan_cjk(ctx)
        return ctx.hits

    # ---- spans -------------------------------------------------------------------------------

    def _consider(self, ctx: _Context, a: int, b: int, anchor: AnchorHit) -> None:
        pattern = self.phrases.patterns[anchor.pattern]
        if (
            anchor.first == anchor.last
            and pattern.core_count >= 2
            and not _neighbour_may_match(ctx.tokens, a, b, pattern)
        ):
            # One part of a several-part name is never a match ("Deere" / "Ali Dhere"): skip the work.
            return
        used = {p: anchor.similarity for p in range(anchor.first, anchor.last + 1)}
        a, b = _extend(ctx.tokens, a, b, pattern, used)
        key = (anchor.pattern, a, b)
        if key in ctx.done:
            return
        ctx.done.add(key)
        hit = self._judge(ctx, pattern, a, b, used)
        if hit is not None:
            ctx.hits.append(hit)

    def _judge(self, ctx: _Context, pattern: Pattern, a: int, b: int, used: dict[int, float]) -> Hit | None:
        item = self.screener.index.items[pattern.entity]
        version = self.screener.versions[item.source]
        if ctx.wanted is not None and (version is None or version.list_id not in ctx.wanted):
            return None
        tail = None if pattern.person or pattern.native else _legal_tail(ctx, b)
        features = _rules(ctx, pattern, a, b, used, tail is not None)
        if features is None:
            return None
        span = ctx.tokens[a : b + 1]
        end = ctx.tokens[tail].end if tail is not None else span[-1].end
        query_name = " ".join(t.surface for t in span) + (ctx.text[span[-1].end : end] if tail is not None else "")
        scored = self._score(pattern.entity, query_name)
        base = scored.score + sum(f.delta for f in features)
        if len(pattern.tokens) == 1 and any(s < 1.0 for s in used.values()) and base < SPELLING_VARIANT_FLOOR:
            features.append(
                Feature(
                    "spelling_variant",
                    SPELLING_VARIANT_FLOOR - base,
                    f"{query_name!r} is no English word and one letter from the listed {pattern.tokens[0]!r}",
                )
            )
        return self._hit(ctx, span[0].start, end, item.entity, scored, features, version)

    def _hit(
        self,
        ctx: _Context,
        start: int,
        end: int,
        entity: Entity,
        scored: Scored,
        extra: list[Feature],
        version: ListVersion | None,
    ) -> Hit | None:
        score = round(min(1.0, max(0.0, scored.score + sum(f.delta for f in extra))), 4)
        if score < ctx.cutoff:
            return None
        return Hit(
            start,
            end,
            ctx.text[start:end],
            entity,
            score,
            scored.matched_name,
            (*scored.features, *extra),
            version,
            ctx.field.name,
            ctx.field.label,
        )

    def _score(self, position: int, query_name: str) -> Scored:
        key = (position, query_name)
        cached = self._scores.get(key)
        if cached is not None:
            return cached
        item = self.screener.index.items[position]
        query = Query(query_name, kind=item.entity.kind)
        scored = score_entity(
            query, name_forms(query_name, item.entity.kind), item.entity, item.forms, self.screener.index.weigher
        )
        if len(self._scores) >= _SCORE_CACHE_SIZE:
            self._scores.clear()
        self._scores[key] = scored
        return scored

    # ---- Han and kana ------------------------------------------------------------------------

    def _scan_cjk(self, ctx: _Context) -> None:
        table = self.phrases.cjk
        for start, end in cjk_runs(ctx.text, ctx.field.start, ctx.field.end):
            folded = fold(ctx.text[start:end])
            for j in range(len(folded) - 1):
                for cjk in table.get(folded[j : j + 2], ()):
                    if folded.startswith(cjk.folded, j):
                        self._cjk_hit(ctx, start + j, start + j + len(cjk.folded), cjk)

    def _cjk_hit(self, ctx: _Context, start: int, end: int, cjk: CjkPattern) -> None:
        item = self.screener.index.items[cjk.entity]
        version = self.screener.versions[item.source]
        if ctx.wanted is not None and (version is None or version.list_id not in ctx.wanted):
            return
        scored = self._score(cjk.entity, ctx.text[start:end])
        hit = self._hit(ctx, start, end, item.entity, scored, [], version)
        if hit is not None:
            ctx.hits.append(hit)


# ---- span growth ---------------------------------------------------------------------------------


def _extend(tokens: list[Token], a: int, b: int, pattern: Pattern, used: dict[int, float]) -> tuple[int, int]:
    """Grow [a, b] over neighbours that match further tokens of the name: in the name's order for
    organisations (skipping words the text leaves out), in any order for persons (surname first)."""
    size = len(pattern.tokens)
    k = b + 1
    while len(used) < size and k < len(tokens) and _joins(tokens[k]) and _take(tokens[k], pattern, used, after=True):
        b, k = k, k + 1
    k = a - 1
    while len(used) < size and k >= 0 and _joins(tokens[k + 1]) and _take(tokens[k], pattern, used, after=False):
        a, k = k, k - 1
    return a, b


def _neighbour_may_match(tokens: list[Token], a: int, b: int, pattern: Pattern) -> bool:
    """A neighbour is another word of the name, or could be one misspelt (an unknown word with the
    same first letter)."""
    neighbours = []
    if b + 1 < len(tokens) and _joins(tokens[b + 1]):
        neighbours.append(tokens[b + 1].norm)
    if a > 0 and _joins(tokens[a]):
        neighbours.append(tokens[a - 1].norm)
    for norm in neighbours:
        if norm in pattern.token_set:
            return True
        if len(norm) >= 4 and norm[0] in pattern.initials and not is_known_word(norm):
            return True
        if len(norm) == 1 and pattern.person and norm in pattern.initials:
            return True
    return False


def _joins(token: Token) -> bool:
    """The token may continue the name before it."""
    return not token.boundary_before and not token.comma_before


def _take(token: Token, pattern: Pattern, used: dict[int, float], *, after: bool) -> bool:
    text = token.norm
    best: tuple[float, int] | None = None
    names = pattern.tokens
    if pattern.person:
        allowed: range = range(len(names))
    elif after:
        allowed = range(max(used) + 1, len(names))
    else:
        allowed = range(min(used) - 1, -1, -1)
    for j in allowed:
        name_token = names[j]
        if j in used:
            continue
        if text == name_token or (name_token[-1] == "s" and text + "s" == name_token):
            # "Lord's Resistance Army": the possessive 's is cut from the token, the list joins it.
            used[j] = 1.0
            return True
        if j + 1 < len(names) and j + 1 not in used and text == name_token + names[j + 1]:
            used[j] = used[j + 1] = 1.0
            return True
        if pattern.native:
            continue
        if len(text) == 1:
            similarity = INITIAL_SIMILARITY if pattern.person and name_token[0] == text else 0.0
            needed = INITIAL_SIMILARITY
        elif len(text) >= 4 and len(name_token) >= 4:
            similarity = token_similarity(text, name_token, pattern.person)
            needed = EXTEND_SIMILARITY
        else:
            continue
        if similarity >= needed and (best is None or similarity > best[0]):
            best = (similarity, j)
    if best is None:
        return False
    used[best[1]] = best[0]
    return True


def _legal_tail(ctx: _Context, b: int) -> int | None:
    """Index of the last token of a legal form written right after the name ("Co., Ltd."), if any."""
    tokens = ctx.tokens
    found = None
    for k in range(b + 1, min(b + 1 + MAX_LEGAL_FORM_TOKENS, len(tokens))):
        token = tokens[k]
        if token.boundary_before or not (token.capitalised or ctx.caseless):
            break
        if canonical_legal_form(ctx.text[tokens[b].end : token.end]) is not None:
            found = k
    return found


# ---- rules -----------------------------------------------------------------------------------


def _rules(
    ctx: _Context, pattern: Pattern, a: int, b: int, used: dict[int, float], legal_form: bool
) -> list[Feature] | None:
    """Features the scan adds to the screening score, or None when the span cannot be this name.
    The rules look at the name words the text actually matched, not at the whole listed name:
    "free fire" matching two words of "Garena Free Fire" is as weak as the alias "Free Fire"."""
    span = ctx.tokens[a : b + 1]
    identifying = [j for j in used if pattern.identifying(j)]
    exact = all(s == 1.0 for s in used.values())
    full = len(used) == len(pattern.tokens)
    name_cased = ctx.caseless or all(
        t.capitalised or t.glued_before or not t.surface[:1].isalpha() for t in span if _name_word(t)
    )
    if pattern.person:
        # Two written name parts, one of them more than a very common one ("Mr. Xi" no; "Ren Zhengfei"
        # yes; "Abdallah" is one word even though the list spells it "Abd Allah").
        weight = sum(pattern.weights[j] for j in identifying)
        return [] if weight >= PERSON_MIN_WEIGHT and len(span) >= 2 and name_cased else None
    if not identifying or all(is_country_word(pattern.tokens[j]) for j in identifying):
        # Only generic words or countries matched: the listed name must be exactly that ("China Mobile").
        if not (pattern.generic and exact and full and len(pattern.tokens) >= 2):
            return None
        context = _context(ctx, a, b, pattern, legal_form)
        return [Feature("context", 0.0, context)] if context else [] if _capitals(ctx, span, name_cased) else None
    if pattern.native:
        return []
    if not full and all(is_known_word(pattern.tokens[j]) for j in identifying):
        return None  # "Browser" is not "DU Browser": part of a name in dictionary words
    context = _context(ctx, a, b, pattern, legal_form)
    if all(is_common_word(pattern.tokens[j]) for j in identifying):
        # Everyday words ("Soul", "Clean Master", "China Mobile") are a name only with evidence.
        if not exact:
            return None
        if context:
            return [Feature("context", 0.0, context)]
        if full and len(span) >= 2 and _capitals(ctx, span, name_cased):
            return [Feature("context", 0.0, "every word capitalised, in running text")]
        return None
    if len(pattern.tokens) == 1:
        return _one_word_rule(ctx, pattern, span, exact, context)
    if not (ctx.caseless or any(t.capitalised for t in span)) and all(
        is_known_word(pattern.tokens[j]) for j in identifying
    ):
        return None  # ordinary words in lower case, not a name
    return []


def _capitals(ctx: _Context, span: list[Token], name_cased: bool) -> bool:
    """Capital letters are evidence of a name only in running text, not in all-caps fields or headings."""
    return name_cased and not ctx.caseless and not _in_heading(ctx.text, span[0].start)


def _in_heading(text: str, position: int) -> bool:
    """The line is a title-case heading ("Clean Master Plan For Free Fire"): capitals say nothing."""
    start = text.rfind("\n", 0, position) + 1
    end = text.find("\n", position)
    words = _WORDS.findall(text, start, end if end >= 0 else len(text))
    if len(words) < 3:
        return False
    capitalised = sum(1 for w in words if w[0].isupper())
    return capitalised >= HEADING_SHARE * len(words)


def _one_word_rule(
    ctx: _Context, pattern: Pattern, span: list[Token], exact: bool, context: str | None
) -> list[Feature] | None:
    word = pattern.tokens[0]
    written = span[0]
    cased = ctx.caseless or written.capitalised
    if len(word) <= 2:
        return [Feature("context", 0.0, context)] if exact and context and (written.upper or ctx.caseless) else None
    if len(word) == 3:
        if not exact or not (written.upper or ctx.caseless):
            return None
        if context is None and is_known_word(word):
            return None  # "CAT", "SUN": the word, not the listed acronym
        return [Feature("context", 0.0, context)] if context else []
    if not exact:
        # Fuzzy: the text word is no English word (the index only looks those up), it must look like a name.
        return [] if cased else None
    if len(word) == 4 and not cased:
        return None
    if not cased and is_known_word(word):
        return None
    return []


def _name_word(token: Token) -> bool:
    """Words a name writes with a capital; short particles ("of", "al", "ud", "din") may stay lower case."""
    return len(token.norm) > 3 or prior_weight(token.norm) >= STRONG_WEIGHT


def _context(ctx: _Context, a: int, b: int, pattern: Pattern, legal_form: bool) -> str | None:
    """What around the span says it is a name of this kind, in words for the explanation."""
    if ctx.field.party:
        return f"party field {ctx.field.label or ctx.field.name}"
    if legal_form:
        return "legal form after the name"
    tokens = ctx.tokens
    item_words = APP_WORDS if pattern.kind is EntityKind.APP else ORG_WORDS
    # Only the word right next to the name counts ("the Soul app", "Cubic Corp"): a kind word a few
    # words away is as likely about something else.
    if b + 1 < len(tokens) and _joins(tokens[b + 1]) and tokens[b + 1].norm in item_words:
        return f"{tokens[b + 1].surface!r} after the name"
    if a > 0 and not tokens[a].boundary_before and tokens[a - 1].norm in item_words:
        return f"{tokens[a - 1].surface!r} before the name"
    start, end = tokens[a].start, tokens[b].end
    if start > 0 and end < len(ctx.text) and ctx.text[start - 1] in _QUOTES_OPEN and ctx.text[end] in _QUOTES_CLOSE:
        return "quoted as a name"
    return None


# ---- overlaps ------------------------------------------------------------------------------------


def resolve_overlaps(hits: list[Hit]) -> list[Hit]:
    """One hit per entity and place: the longer name wins over a name it contains ("Huawei Cloud
    Brazil" over "Huawei"); the same span naming several entities keeps them all."""
    best: dict[tuple[str, int, int], Hit] = {}
    for hit in hits:
        key = (hit.entity.id, hit.start, hit.end)
        if key not in best or hit.score > best[key].score:
            best[key] = hit
    ordered = sorted(best.values(), key=lambda h: (h.start, -h.end, -h.score, h.entity.id))
    kept: list[Hit] = []
    cluster: list[Hit] = []
    cluster_end = -1
    for current in ordered:
        if current.start < cluster_end:
            cluster.append(current)
            cluster_end = max(cluster_end, current.end)
            continue
        kept.extend(_resolve_cluster(cluster))
        cluster, cluster_end = [current], current.end
    kept.extend(_resolve_cluster(cluster))
    return kept


def _resolve_cluster(cluster: list[Hit]) -> list[Hit]:
    out = []
    top: dict[tuple[int, int], float] = {}
    for hit in cluster:
        top[(hit.start, hit.end)] = max(top.get((hit.start, hit.end), 0.0), hit.score)
    for hit in cluster:
        # "Huawei" names Huawei (1.0), not also the former name "Huawei Marine" of HMN (0.90).
        beaten = hit.score < top[(hit.start, hit.end)] - CONTAINMENT_MARGIN
        for other in cluster:
            if other is hit or (other.start, other.end) == (hit.start, hit.end):
                continue
            contains = other.start <= hit.start and hit.end <= other.end
            if contains and other.score >= hit.score - CONTAINMENT_MARGIN:
                beaten = True
                break
            # Partly overlapping spans of one entity ("Huawei Tech" / "Tech Co"): keep the better.
            inside = hit.start <= other.start and other.end <= hit.end
            same_entity = other.entity.id == hit.entity.id
            better = (other.score, other.end - other.start) > (hit.score, hit.end - hit.start)
            if same_entity and not contains and not inside and better:
                beaten = True
                break
        if not beaten:
            out.append(hit)
    return out
