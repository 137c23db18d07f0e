"""Han (Chinese characters) → toneless pinyin renderings of a name.

English-language lists write Chinese personal names as surname + joined given name ("Xi Jinping")
and company names mostly word by word ("Huawei"), while pypinyin returns one syllable per
character. We return the syllable-split form plus joined forms so either spelling scores high.
"""

from __future__ import annotations

from functools import cache, lru_cache
from typing import Any

from trustscreen.text.resources import load_table
from trustscreen.text.scripts import char_script

# Last characters that mark an institution rather than a person ("…厂" factory, "…局" bureau); a 2–3
# character name ending in one of them is not split into surname + given name.
_ORG_FINAL_CHARS = frozenset("厂廠局院所部会會社司团團店馆館校站队隊处處署委办辦报報行")

_MAX_SINGLE_SURNAME_NAME = 3
_MAX_COMPOUND_SURNAME_NAME = 4
# Above this length a token is treated as a multi-word name (an organisation) and joined by
# dictionary words instead of as a whole.
_MAX_JOINED_TOKEN = 4


@cache
def _surname_tables() -> tuple[dict[str, str], dict[str, str]]:
    table: dict[str, Any] = load_table("chinese_surnames.yaml")
    return dict(table["single"]), dict(table["compound"])


@cache
def _pypinyin() -> Any:
    # Imported on first use: loading pypinyin's dictionaries costs ~0.3 s, wasted on Latin-only runs.
    import pypinyin

    return pypinyin


@lru_cache(maxsize=1 << 16)
def syllables(text: str) -> tuple[str, ...]:
    """Toneless pinyin per character (ü → u); runs of non-Han characters come back unchanged."""
    pypinyin = _pypinyin()
    pieces = pypinyin.lazy_pinyin(text, style=pypinyin.Style.NORMAL, v_to_u=True)
    return tuple(piece.replace("ü", "u").strip() for piece in pieces if piece.strip())


def is_han(text: str) -> bool:
    return bool(text) and all(char_script(char) == "Hani" for char in text)


def _split_surname(name: str) -> tuple[str, str] | None:
    """(surname pinyin, given-name characters) when `name` looks like a Chinese personal name."""
    if name[-1] in _ORG_FINAL_CHARS:
        return None
    single, compound = _surname_tables()
    if 3 <= len(name) <= _MAX_COMPOUND_SURNAME_NAME and name[:2] in compound:
        return compound[name[:2]], name[2:]
    if 2 <= len(name) <= _MAX_SINGLE_SURNAME_NAME:
        surname = single.get(name[0]) or "".join(syllables(name[0]))
        return surname, name[1:]
    return None


def _person_variants(name: str) -> list[str] | None:
    split = _split_surname(name)
    if split is None:
        return None
    surname, given_chars = split
    given = syllables(given_chars)
    return [
        " ".join((surname, *given)),
        f"{surname} {''.join(given)}",
        surname + "".join(given),
    ]


@lru_cache(maxsize=1 << 14)
def _word_joined(token: str, whole_word: bool) -> str:
    """Pinyin joined per dictionary word ("技术" → "jishu"), or whole when the token is one word."""
    if whole_word or len(token) <= _MAX_JOINED_TOKEN:
        return "".join(syllables(token))
    from pypinyin.seg.mmseg import seg

    return " ".join("".join(syllables(word)) for word in seg.cut(token))


def han_variants(tokens: list[str], whole: bool) -> list[str]:
    """Latin renderings of normalised Han tokens; `whole` says they are the entire name.

    Only a whole name of one short token can be a personal name written without spaces.
    """
    if whole and len(tokens) == 1 and is_han(tokens[0]):
        person = _person_variants(tokens[0])
        if person is not None:
            return person
    split = " ".join(syllable for token in tokens for syllable in syllables(token))
    # Several Han tokens mean the source separated the words itself (弗拉基米尔·普京).
    joined = " ".join(_word_joined(token, len(tokens) > 1) for token in tokens)
    return [split, joined]
