"""Initials in personal names: "A. Khamenei" can be "Ali Khamenei", "A. B. Smith" can't be "C. Smith".

Lists and queries abbreviate given names inconsistently; a full-token comparison would punish
"a khamenei" against "ali khamenei" as much as against "reza khamenei".
"""

from __future__ import annotations

from collections.abc import Sequence


def is_initial(token: str) -> bool:
    """A single letter (normalisation has already removed the dot)."""
    return len(token) == 1 and token.isalpha()


def _compatible(a: str, b: str) -> bool:
    if a == b:
        return True
    if is_initial(a):
        return b.startswith(a)
    return is_initial(b) and a.startswith(b)


def initials_compatible(tokens_a: Sequence[str], tokens_b: Sequence[str]) -> bool:
    """Can every part of the shorter name be paired with a distinct part of the longer one, where
    parts pair if equal or if one is an initial of the other? Order is ignored (lists reorder
    names: "khamenei a" ~ "ali khamenei"); extra parts on the longer side are allowed
    ("a b khamenei" ~ "ali khamenei").
    """
    shorter, longer = sorted((list(tokens_a), list(tokens_b)), key=len)
    if not shorter:
        return False
    return _matching_size(shorter, longer) == len(shorter)


def _matching_size(shorter: list[str], longer: list[str]) -> int:
    owner_of: list[int | None] = [None] * len(longer)

    def augment(index: int, seen: list[bool]) -> bool:
        for position, candidate in enumerate(longer):
            if seen[position] or not _compatible(shorter[index], candidate):
                continue
            seen[position] = True
            owner = owner_of[position]
            if owner is None or augment(owner, seen):
                owner_of[position] = index
                return True
        return False

    return sum(augment(index, [False] * len(longer)) for index in range(len(shorter)))
