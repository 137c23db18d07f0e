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
    "tenth": "10", "10th": "10", "eleven": "11", "twelve": "12", "twenty": "20", "thirty": "30",
    "forty": "40", "fourty": "40", "fifty": "50", "sixty": "60", "seventy": "70", "eighty": "80",
    "ninety": "90", "hundred": "100",
}  # fmt: skip
_ROMAN = {
    "ii": "2",
    "iii": "3",
    "iv": "4",
    "vi": "6",
    "vii": "7",
    "viii": "8",
    "ix": "9",
    "xi": "11",
    "xii": "12",
}


@dataclass(frozen=True, slots=True)
class NameForm:
    original: str
    # Canonical Latin tokens of the name's core (legal form removed, abbreviations expanded).
    tokens: tuple[str, ...]
    legal_forms: tuple[str, ...]
    # Script of the name as written (ISO 15924), so features know when a comparison crosses scripts.
    script: str | None
    # Initials of the name with and without its legal form (SMIC, ZTE …); empty for persons.
    acronyms: tuple[str, ...]
    # Tokens joined without spaces, and with the legal form too (for "SiemensAG"); precomputed
    # because every alignment compares them.
    compact: str = ""
    compact_with_legal_form: str = ""


def _canonical(token: str) -> str:
    return _NUMBER_WORDS.get(token) or canonical_token(token)


@lru_cache(maxsize=262144)
def name_forms(value: str, kind: EntityKind = EntityKind.UNKNOWN) -> tuple[NameForm, ...]:
    script = detect_script(value)
    renderings = latinize(value, script) if script not in (None, "Latn") else [normalize(value)]
    if script == "Hani" and kind is EntityKind.PERSON and len(value) <= 6:
        # Kanji-only Japanese names (山田太郎) look like Chinese; add their Japanese reading, but only
        # a full one: for Chinese names the reader drops characters it does not know (陈柏源 → "gen").
        letters = sum(1 for c in value if c.isalpha())
        renderings = [
            *renderings,
            *(r for r in latinize(value, "Jpan") if len(r.split()) >= 2 and len(r.replace(" ", "")) >= 2 * letters),
        ]
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
    full = rendering.split()
    if kind is not EntityKind.PERSON:
        rendering, legal = split_legal_form(rendering)
    raw = rendering.split()
    if kind is EntityKind.PERSON:
        raw = [t for t in raw if t not in PERSON_TITLES] or raw
    tokens = tuple(_numbers(_collapse_initials([_canonical(t) for t in raw]), kind))
    acronyms: tuple[str, ...] = ()
    if kind is not EntityKind.PERSON and script in (None, "Latn"):
        found = {acronym(full), acronym(raw)} if len(raw) >= 2 else {acronym(full)} if len(full) >= 3 else set()
        acronyms = tuple(sorted(a for a in found if len(a) >= 3))
    compact = "".join(tokens)
    return NameForm(
        original, tokens, tuple(legal), script, acronyms, compact, compact + "".join(legal).replace(" ", "")
    )


def _collapse_initials(tokens: list[str]) -> list[str]:
    """'a b c' (from A.B.C.) becomes 'abc', so dotted and undotted acronyms compare equal."""
    out: list[str] = []
    run: list[str] = []
    for token in [*tokens, ""]:
        if len(token) == 1 and token.isalpha():
            run.append(token)
            continue
        if len(run) >= 2:
            out.append("".join(run))
        else:
            out.extend(run)
        run = []
        if token:
            out.append(token)
    return out


def _numbers(tokens: list[str], kind: EntityKind) -> list[str]:
    """'forty four' → '44'; roman numerals of fund and vessel series (III, IV) → digits."""
    out: list[str] = []
    for token in tokens:
        if kind is not EntityKind.PERSON and token in _ROMAN:
            token = _ROMAN[token]
        if (
            out
            and token.isdigit()
            and len(token) == 1
            and out[-1].isdigit()
            and out[-1].endswith("0")
            and len(out[-1]) == 2
        ):
            out[-1] = out[-1][0] + token
            continue
        out.append(token)
    return out
