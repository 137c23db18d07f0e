"""Align the tokens of two name forms and score the alignment (the name feature of the scorer).

The score is a weighted coverage of both names: how much of the shorter name is explained by the
longer (most of the evidence) and how much of the longer by the shorter (so a two-word name does not
match a seven-word one on its own). Token weights make "china", "corp" or "al" count for little.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from trustscreen.matching.forms import SYLLABIC, NameForm
from trustscreen.matching.similarity import (
    cross_script_similarity,
    graded_edit_similarity,
    token_similarity,
)
from trustscreen.matching.weights import is_country_word, prior_weight
from trustscreen.text.phonetics import phonetic_key

# Below this a token pair is not evidence of anything.
MIN_TOKEN_SIMILARITY = 0.6
SHORT_SIDE_SHARE = 0.65
# Organisation names grow by words that tell group companies apart (Accenture / Accenture Building
# Materials), so the longer name's unexplained words count for more.
ORG_SHORT_SIDE_SHARE = 0.5
SINGLE_WORD_FUZZY = 0.8
SUBSTANTIVE_WEIGHT = 0.45
ONE_PART_CAP = 0.7
SINGLE_WORD_FUZZY_SHORT = 0.7
SINGLE_WORD_SOUNDALIKE = 0.9
# An acronym stands for the whole name but says less than the name spelt out.
ACRONYM_SIMILARITY = 0.9
# Three letters spell the initials of thousands of names (AES: "Army of Emigrants and Supporters").
SHORT_ACRONYM_SIMILARITY = 0.75
REVERSE_ACRONYM_SIMILARITY = 0.7
# Words that join name parts without being one ("Bank *of* America", "*The* Carlyle Group").
FUNCTION_WORDS = frozenset(
    {"the", "of", "and", "for", "de", "la", "le", "du", "des", "der", "die", "das", "et", "y", "und"}
)
# Joined-string similarity counts only when near-identical (SiemensAG / Siemens AG).
COMPACT_MIN = 0.9
GENERIC_ONLY_DAMPING = 0.45
INITIALS_SIMILARITY = 0.8


@dataclass(frozen=True, slots=True)
class TokenPair:
    query: str
    candidate: str
    similarity: float
    # exact, fuzzy, phonetic, variant, initial, skeleton, joined, acronym
    how: str


@dataclass(frozen=True, slots=True)
class Alignment:
    score: float
    query: NameForm
    candidate: NameForm
    pairs: tuple[TokenPair, ...]
    unmatched_query: tuple[str, ...]
    unmatched_candidate: tuple[str, ...]
    method: str
    # Aligned tokens appear in an order that is neither the same nor a rotation (surname first):
    # "Ahmad bin Hasan" vs "Hasan bin Ahmad" are father and son, not one person.
    order_conflict: bool = False
    # Heaviest unmatched token on each side: when both are real name parts, the names disagree
    # ("al-Rawi" vs "al-Tikriti") rather than one being a fuller form of the other.
    unmatched_weight: tuple[float, float] = (0.0, 0.0)

    def describe(self) -> str:
        pairs = ", ".join(
            f"{p.query}≈{p.candidate} ({p.similarity:.2f}{'' if p.how == 'exact' else ' ' + p.how})" for p in self.pairs
        )
        extra = []
        if self.unmatched_query:
            extra.append(f"query only: {' '.join(self.unmatched_query)}")
        if self.unmatched_candidate:
            extra.append(f"list only: {' '.join(self.unmatched_candidate)}")
        tail = f"; {'; '.join(extra)}" if extra else ""
        return f"{self.method}: {pairs}{tail}"


Weigher = Callable[[str], float]


def _identical_is_enough(query: NameForm, candidate: NameForm) -> bool:
    """Equal tokens score 1.0 unless a cap could apply: CJK same-script names are checked per
    character, and a lone generic word ("China") is damped."""
    if query.script == candidate.script and query.script in SYLLABIC and query.original != candidate.original:
        return False
    return any(prior_weight(t) >= SUBSTANTIVE_WEIGHT for t in query.tokens)


def is_cross_script(query: NameForm, candidate: NameForm) -> bool:
    """One name was romanised from another script: spellings then differ by convention, not error."""
    scripts = {query.script or "Latn", candidate.script or "Latn"}
    return len(scripts) > 1 and scripts != {"Latn"}


def _pair_how(a: str, b: str, sim: float, person: bool, cross: bool) -> str:
    if a == b:
        return "exact"
    if len(a) == 1 or len(b) == 1:
        return "initial"
    if cross and sim == cross_script_similarity(a, b) and sim > token_similarity(a, b, person):
        return "skeleton"
    if graded_edit_similarity(a, b) >= sim:
        return "fuzzy"
    return "variant" if person and sim == 0.92 else "phonetic"


def align(query: NameForm, candidate: NameForm, weight: Weigher, *, person: bool) -> Alignment:
    q_tokens, c_tokens = query.tokens, candidate.tokens
    if q_tokens == c_tokens and _identical_is_enough(query, candidate):
        # The common case in screening: the same name, spelt the same way.
        identical = tuple(TokenPair(t, t, 1.0, "exact") for t in q_tokens)
        return Alignment(1.0, query, candidate, identical, (), (), "tokens")
    cross = is_cross_script(query, candidate)
    scored: list[tuple[float, int, int]] = []
    for i, a in enumerate(q_tokens):
        for j, b in enumerate(c_tokens):
            sim = token_similarity(a, b, person)
            if cross:
                sim = max(sim, cross_script_similarity(a, b))
            if sim >= MIN_TOKEN_SIMILARITY:
                scored.append((sim, i, j))
    scored.sort(key=lambda item: (-item[0], item[1], item[2]))
    q_used: dict[int, float] = {}
    c_used: dict[int, float] = {}
    pairs: list[TokenPair] = []
    positions: list[tuple[int, int]] = []
    for sim, i, j in scored:
        if i in q_used or j in c_used:
            continue
        q_used[i] = c_used[j] = sim
        positions.append((i, j))
        pairs.append(TokenPair(q_tokens[i], c_tokens[j], sim, _pair_how(q_tokens[i], c_tokens[j], sim, person, cross)))
    if len(q_used) < len(q_tokens) and len(c_used) < len(c_tokens):
        _join_split_words(q_tokens, c_tokens, q_used, c_used, pairs, query_side=True)
        _join_split_words(c_tokens, q_tokens, c_used, q_used, pairs, query_side=False)
        longest_run = 3 if person else 2
        _initials_runs(q_tokens, c_tokens, q_used, c_used, pairs, query_side=True, longest=longest_run)
        _initials_runs(c_tokens, q_tokens, c_used, q_used, pairs, query_side=False, longest=longest_run)

    q_weights = [weight(t) for t in q_tokens]
    c_weights = [weight(t) for t in c_tokens]
    q_cov = sum(q_used.get(i, 0.0) * w for i, w in enumerate(q_weights)) / (sum(q_weights) or 1.0)
    c_cov = sum(c_used.get(j, 0.0) * w for j, w in enumerate(c_weights)) / (sum(c_weights) or 1.0)
    share = SHORT_SIDE_SHARE if person else ORG_SHORT_SIDE_SHARE
    if len(q_tokens) <= len(c_tokens):
        base = share * q_cov + (1 - share) * c_cov
    else:
        base = share * c_cov + (1 - share) * q_cov
    # Every part of a person's name is a name part (Xi, Li, Ko); in organisation names generic words are not.
    q_core = [t for t in q_tokens if _is_core(t) or (person and t.isalpha() and len(t) > 1)]
    c_core = [t for t in c_tokens if _is_core(t) or (person and t.isalpha() and len(t) > 1)]
    if len(q_core) == 1 and len(c_core) == 1 and q_core != c_core and method_is_tokens(pairs):
        # One real word against one real word with a spelling difference: Cisco/COSCO, Walmart/
        # Welmart. Alone it says little, the shorter the words the less.
        longest = max(len(q_core[0]), len(c_core[0]))
        factor = SINGLE_WORD_FUZZY_SHORT if longest <= 6 else SINGLE_WORD_FUZZY
        if graded_edit_similarity(q_core[0], c_core[0]) >= 0.92 and phonetic_key(q_core[0]) == phonetic_key(c_core[0]):
            # One letter apart and sounding the same (Schell / Shell, Gasprom / Gazprom) is how a name
            # gets misspelt; different sounds (Cisco / COSCO, Nasdaq / NewsDog) are how names differ.
            factor = SINGLE_WORD_SOUNDALIKE
        base *= factor
    initial_pairs = sum(1 for p in pairs if p.how in ("initial", "initials"))
    matched_core = sum(1 for i in q_used if q_tokens[i] in q_core) + initial_pairs
    if max(len(q_core), len(c_core)) >= 2 and matched_core <= 1:
        # OFAC's own test: one part of a several-part name matching is not a match ("Deere" / "Ali Dhere").
        base = min(base, ONE_PART_CAP)
    elif len(c_tokens) == 1 and len([t for t in q_tokens if t not in FUNCTION_WORDS]) >= 2 and not person:
        # A listed one-word name inside a longer company name: "Superior Technology" is not the SDN
        # "SUPERIOR". (A one-word query stays a broad search: "Huawei" finds "Huawei Technologies".)
        base = min(base, ONE_PART_CAP)
    matched_weight = sum(q_weights[i] for i in q_used)
    if pairs and matched_weight <= 0.25 * len(q_used) + 1e-9:
        base *= GENERIC_ONLY_DAMPING
    method = "tokens"

    compact_q, compact_c = query.compact, candidate.compact
    if compact_q != compact_c and query.compact_with_legal_form == candidate.compact_with_legal_form:
        compact_q = compact_c = query.compact_with_legal_form
    if min(len(compact_q), len(compact_c)) >= 8 and compact_q != compact_c:
        compact = graded_edit_similarity(compact_q, compact_c)
        if compact >= COMPACT_MIN and compact * 0.97 > base:
            base = compact * 0.97
            method = "joined string"
    elif compact_q == compact_c and len(compact_q) >= 4 and base < 0.98:
        base = 0.98
        method = "joined string"

    if query.script == candidate.script and query.script in SYLLABIC:
        base = min(base, _same_script_cap(query.original, candidate.original))
    acronym_score = _acronym_score(query, candidate, weight)
    if acronym_score > base:
        base = acronym_score
        method = "acronym"
    unmatched_q = tuple(t for i, t in enumerate(q_tokens) if i not in q_used)
    unmatched_c = tuple(t for j, t in enumerate(c_tokens) if j not in c_used)
    return Alignment(
        round(min(base, 1.0), 4),
        query,
        candidate,
        tuple(pairs),
        unmatched_q,
        unmatched_c,
        method,
        order_conflict=person and _patronym_conflict(q_tokens, c_tokens, positions),
        unmatched_weight=(
            max((q_weights[i] for i in range(len(q_tokens)) if i not in q_used), default=0.0),
            max((c_weights[j] for j in range(len(c_tokens)) if j not in c_used), default=0.0),
        ),
    )


# "son of" / "daughter of" words: the name after one is the father's, so it may not swap places.
PATRONYMIC_CONNECTORS = frozenset({"bin", "ibn", "ben", "bint", "binti", "ould", "bte", "bn"})


def _patronym_conflict(q: tuple[str, ...], c: tuple[str, ...], positions: list[tuple[int, int]]) -> bool:
    """True when a name that follows 'bin' in one name is not the one following 'bin' in the other."""
    mapping = dict(positions)
    for i, token in enumerate(q[:-1]):
        # A first word is a given name ("Ben Netanyahu"), not "son of".
        if i == 0 or token not in PATRONYMIC_CONNECTORS or i + 1 not in mapping:
            continue
        j = mapping[i + 1]
        if j == 0 or c[j - 1] not in PATRONYMIC_CONNECTORS:
            return True
    return False


def _join_split_words(
    left: tuple[str, ...],
    right: tuple[str, ...],
    left_used: dict[int, float],
    right_used: dict[int, float],
    pairs: list[TokenPair],
    *,
    query_side: bool,
) -> None:
    """'Goodwill' against 'Good Will': one token equal to two adjacent tokens of the other name."""
    for i, token in enumerate(left):
        if i in left_used or len(token) < 5:
            continue
        for j in range(len(right) - 1):
            if j in right_used or j + 1 in right_used:
                continue
            if abs(len(right[j]) + len(right[j + 1]) - len(token)) > 1:
                continue  # more than one letter apart in length: cannot be near-identical
            sim = graded_edit_similarity(token, right[j] + right[j + 1])
            if sim >= COMPACT_MIN:
                left_used[i] = right_used[j] = right_used[j + 1] = sim
                joined = f"{right[j]} {right[j + 1]}"
                pair = (
                    TokenPair(token, joined, sim, "joined") if query_side else TokenPair(joined, token, sim, "joined")
                )
                pairs.append(pair)
                break


@lru_cache(maxsize=200_000)
def _is_core(token: str) -> bool:
    """A token that identifies: not generic, or a country (Iran Air is not just 'Air')."""
    if token.isdigit():
        return False  # "Victory 3" is still Victory; numbers only tell series apart
    return prior_weight(token) >= SUBSTANTIVE_WEIGHT or is_country_word(token)


def method_is_tokens(pairs: list[TokenPair]) -> bool:
    return all(p.how not in ("initials", "joined") for p in pairs)


def _initials_runs(
    left: tuple[str, ...],
    right: tuple[str, ...],
    left_used: dict[int, float],
    right_used: dict[int, float],
    pairs: list[TokenPair],
    *,
    query_side: bool,
    longest: int,
) -> None:
    """'JC' against 'Jean Claude', 'US' against 'United States': a short token spelling the initials
    of adjacent tokens of the other name. Longer runs are left to acronym matching, which is
    weighted for how often three letters spell something by chance (PPL / Petro Pars Ltd)."""
    for i, token in enumerate(left):
        if i in left_used or not 2 <= len(token) <= longest or not token.isalpha():
            continue
        span = len(token)
        for j in range(len(right) - span + 1):
            window = range(j, j + span)
            if any(k in right_used for k in window):
                continue
            if "".join(right[k][0] for k in window) == token:
                left_used[i] = INITIALS_SIMILARITY
                for k in window:
                    right_used[k] = INITIALS_SIMILARITY
                joined = " ".join(right[k] for k in window)
                pair = (
                    TokenPair(token, joined, INITIALS_SIMILARITY, "initials")
                    if query_side
                    else TokenPair(joined, token, INITIALS_SIMILARITY, "initials")
                )
                pairs.append(pair)
                break


def _same_script_cap(a: str, b: str) -> float:
    """Two CJK names of the same length that differ in one character are two names (习近平 / 习近朋),
    even when their romanisations coincide (김정은 / 김종은 in McCune-Reischauer)."""
    a_chars = [c for c in a if c.isalpha()]
    b_chars = [c for c in b if c.isalpha()]
    if a_chars == b_chars or len(a_chars) != len(b_chars) or len(a_chars) > 6:
        return 1.0
    differing = sum(1 for x, y in zip(a_chars, b_chars, strict=True) if x != y)
    return 0.5 if differing else 1.0


def _acronym_score(query: NameForm, candidate: NameForm, weight: Weigher) -> float:
    """SMIC ↔ Semiconductor Manufacturing International Corporation. A query that is an acronym is a
    deliberate search; a long query whose initials happen to spell a listed short name ("South West
    Action for Learning and Living Our Way" → SWALLOW) is a coincidence, so that direction counts less."""
    best = 0.0
    for short, long, strength_long in (
        (query, candidate, ACRONYM_SIMILARITY),
        (candidate, query, REVERSE_ACRONYM_SIMILARITY),
    ):
        if not long.acronyms or len(long.tokens) < 2:
            continue
        for token in short.tokens:
            if token in long.acronyms:
                rest = [weight(t) for t in short.tokens if t != token]
                share = weight(token) / (weight(token) + sum(rest))
                strength = strength_long if len(token) >= 4 else min(strength_long, SHORT_ACRONYM_SIMILARITY)
                best = max(best, strength * (SHORT_SIDE_SHARE * share + (1 - SHORT_SIDE_SHARE)))
    return best
