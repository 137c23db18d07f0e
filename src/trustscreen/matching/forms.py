"""Turn a name as written into comparable forms: Latin tokens, legal forms, acronym, phonetic skeleton.

A name in a non-Latin script yields one form per romanisation (pinyin, Revised Romanization and
McCune-Reischauer-like Korean, Hepburn …), so that whichever spelling a list or a user chose, one form
lines up with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from trustscreen.model import EntityKind
from trustscreen.text.abbreviations import canonical_token
from trustscreen.text.acronyms import acronym
from trustscreen.text.legal_forms import split_legal_form
from trustscreen.text.normalize import normalize
from trustscreen.text.scripts import detect_script
from trustscreen.text.stopwords import PERSON_TITLES
from trustscreen.text.translit import latinize

# Scripts written without vowels (abjads): their romanisations need vowel-insensitive comparison.
ABJADS = frozenset({"Arab", "Hebr"})
# Scripts whose romanisation of foreign names is a loose phonetic transcription (克鲁森 for Crewson).
SYLLABIC = frozenset({"Hani", "Jpan", "Kana", "Hang"})

_NUMBER_WORDS = {
    "one": "1", "first": "1", "1st": "1", "two": "2", "second": "2", "2nd": "2", "three": "3",
    "third": "3", "3rd": "3", "four": "4", "fourth": "4", "4th": "4", "five": "5", "fifth": "5",
    "5th": "5", "six": "6", "sixth": "6", "6th": "6", "seven": "7", "seventh": "7", "7th": "7",
    "eight": "8", "eighth": "8", "8th": "8", "nine": "9", "ninth": "9", "9th": "9", "ten": "10",
    "tenth": "10", "10th": "10",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class NameForm:
    original: str
    # Canonical Latin tokens of the name's core (legal form removed, abbreviations expanded).
    tokens: tuple[str, ...]
    legal_forms: tuple[str, ...]
    # Script of the name as written (ISO 15924), so features know when a comparison crosses scripts.
    script: str | None
    acronym: str | None

    @property
    def compact(self) -> str:
        return "".join(self.tokens)


def _canonical(token: str) -> str:
    return _NUMBER_WORDS.get(token) or canonical_token(token)


@lru_cache(maxsize=262144)
def name_forms(value: str, kind: EntityKind = EntityKind.UNKNOWN) -> tuple[NameForm, ...]:
    script = detect_script(value)
    renderings = latinize(value, script) if script not in (None, "Latn") else [normalize(value)]
    forms: list[NameForm] = []
    seen: set[tuple[str, ...]] = set()
    for rendering in renderings:
        form = _form(value, rendering, script, kind)
        if form.tokens and form.tokens not in seen:
            seen.add(form.tokens)
            forms.append(form)
    return tuple(forms)


def _form(original: str, rendering: str, script: str | None, kind: EntityKind) -> NameForm:
    legal: list[str] = []
    if kind is not EntityKind.PERSON:
        rendering, legal = split_legal_form(rendering)
    raw = rendering.split()
    if kind is EntityKind.PERSON:
        raw = [t for t in raw if t not in PERSON_TITLES] or raw
    tokens = tuple(_canonical(t) for t in raw)
    short = None
    if kind is not EntityKind.PERSON and len(tokens) >= 2:
        short = acronym(list(tokens)) or None
    return NameForm(original, tokens, tuple(legal), script, short)
