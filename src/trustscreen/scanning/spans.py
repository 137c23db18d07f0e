"""Free text → word tokens with character offsets into the original text.

Offsets always point into the text as given (Python string indices), so a hit's `text[start:end]`
is exactly what the document says. Words broken across lines ("Hua-\\nwei") become one token whose
surface is the joined word; dotted acronyms ("S.M.I.C.") become one token; a possessive "'s" is left
out of the token. Han and kana characters are not words here: they are matched as substrings
(`cjk_runs`), since Chinese and Japanese do not separate words with spaces.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from trustscreen.text.abbreviations import canonical_token
from trustscreen.text.normalize import normalize

# Han (with extensions and compatibility ideographs) and kana, full and half width.
CJK_CLASS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f\U00020000-\U0002ebef"
_WORD = re.compile(rf"[^\W_{CJK_CLASS}]+(?:['’][^\W_{CJK_CLASS}]+)*")
_CJK_RUN = re.compile(rf"[{CJK_CLASS}]+")
# A hyphen at the end of a line (or a soft hyphen anywhere) splits one word for layout only.
_BREAK_HYPHEN = re.compile(r"(?:[-\u00ad\u2010][ \t]*\r?\n[ \t]*|\u00ad)")
_HYPHENS = frozenset({"-", "\u2010", "\u2011"})
_BREAK_STARTS = frozenset("-\u00ad\u2010")
_DOTTED = re.compile(r"(?:[^\W\d_]\.)+[^\W\d_]")
_SENTENCE_MARKS = re.compile(r"[.!?;:]")
# Characters that separate two names rather than two words of one name.
_SEPARATORS = re.compile(r"[|/\\•·\"“”«»\[\]{}<>=+*#\t]")
# Tokens after which a full stop abbreviates rather than ends the sentence.
_ABBREVIATIONS = frozenset(
    [
        "co",
        "inc",
        "ltd",
        "corp",
        "llc",
        "plc",
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "st",
        "jr",
        "sr",
        "gen",
        "col",
        "lt",
        "capt",
        "sgt",
        "rev",
        "hon",
        "sen",
        "rep",
        "gov",
        "pres",
        "no",
        "vs",
    ]
)
_LONGEST_GAP = 6
_NORM_CACHE_SIZE = 200_000


class Token(NamedTuple):
    start: int
    end: int
    # The word as written, without line-break hyphens or dots ("Huawei", "SMIC").
    surface: str
    # Comparison form: normalised, canonical abbreviation (the matcher's token form).
    norm: str
    capitalised: bool
    # Every letter upper case and at least two letters (an acronym or a shouted word).
    upper: bool
    # First word of a sentence, line or field: its capital letter says nothing.
    sentence_start: bool
    # Punctuation, a blank line or a long gap separates it from the previous token: one name
    # never runs across.
    boundary_before: bool
    # Joined to the previous token by a hyphen ("Tik-Tok").
    glued_before: bool
    # Separated from the previous token by exactly one space ("Tik Tok").
    spaced_before: bool
    # A comma between: names do not run across one, but a legal form after it does ("Co., Ltd.").
    comma_before: bool = False


_norm_cache: dict[str, str] = {}
# Tokens are built by the hundred thousand: tuple.__new__ skips the NamedTuple keyword wrapper.
_new_token: Any = tuple.__new__


def token_norm(surface: str) -> str:
    cached = _norm_cache.get(surface)
    if cached is not None:
        return cached
    value = canonical_token(normalize(surface).replace(" ", ""))
    if len(_norm_cache) >= _NORM_CACHE_SIZE:
        _norm_cache.clear()
    _norm_cache[surface] = value
    return value


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Tokens of `text[start:end]`, offsets into `text`. One pass; the common case (a word after a
    single space) takes the shortest path, as it is most of any text."""
    stop = len(text) if end is None else end
    tokens: list[Token] = []
    cache = _norm_cache
    previous: Token | None = None
    new = _new_token
    for match in _WORD.finditer(text, start, stop):
        s, e = match.span()
        surface = match.group()
        if surface[-1] in "sS" and len(surface) > 2 and surface[-2] in "'’":
            surface, e = surface[:-2], e - 2
        norm = cache.get(surface) or token_norm(surface)
        capitalised = surface[0].isupper()
        upper = capitalised and len(surface) >= 2 and surface.isupper()
        if previous is None:
            previous = new(Token, (s, e, surface, norm, capitalised, upper, True, True, False, False, False))
            tokens.append(previous)
            continue
        gap = text[previous.end : s]
        if gap == " ":
            previous = new(Token, (s, e, surface, norm, capitalised, upper, False, False, False, True, False))
            tokens.append(previous)
            continue
        if gap[:1] in _BREAK_STARTS and _BREAK_HYPHEN.fullmatch(gap):
            joined = previous.surface + surface
            previous = tokens[-1] = previous._replace(end=e, surface=joined, norm=token_norm(joined))
            continue
        if gap == "." and len(surface) == 1 and surface.isalpha() and _single_letters(previous, text):
            joined = previous.surface + surface
            upper = previous.upper or (len(joined) >= 2 and joined.isupper())
            previous = tokens[-1] = previous._replace(end=e, surface=joined, norm=token_norm(joined), upper=upper)
            continue
        boundary, sentence = _gap_kind(gap, previous)
        previous = new(
            Token, (s, e, surface, norm, capitalised, upper, sentence, boundary, gap in _HYPHENS, False, "," in gap)
        )
        tokens.append(previous)
    return tokens


def _single_letters(token: Token, text: str) -> bool:
    """The token is one letter or a run of dotted letters (S.M.I), so a further '.X' continues it."""
    written = text[token.start : token.end]
    return len(written) == 1 or bool(_DOTTED.fullmatch(written))


def _gap_kind(gap: str, previous: Token) -> tuple[bool, bool]:
    """(boundary, sentence start) for the characters between two tokens."""
    if gap.count("\n") >= 2 or len(gap) > _LONGEST_GAP or _SEPARATORS.search(gap):
        return True, True
    marks = _SENTENCE_MARKS.findall(gap)
    if marks:
        abbreviation = marks == ["."] and (len(previous.surface) == 1 or previous.norm in _ABBREVIATIONS)
        if abbreviation:
            return False, False
        return True, True
    # A new line starts a heading, list item or address line as often as it continues a sentence.
    return False, "\n" in gap


def cjk_runs(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    stop = len(text) if end is None else end
    return [(m.start(), m.end()) for m in _CJK_RUN.finditer(text, start, stop)]
