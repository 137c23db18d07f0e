"""Variant groups of name parts (Mike/Michael/Mikhail, Mohammed/Muhammad, Zhang/Cheung).

A shared group is evidence that two differently spelled name parts are the same name; the table
is data/text/given_names.yaml.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from trustscreen.text.resources import load_table


@cache
def _groups() -> dict[str, frozenset[str]]:
    data: dict[str, Any] = load_table("given_names.yaml")
    members: dict[str, set[str]] = {}
    for group in data["given"]:
        group_id = str(group[0])
        for name in group:
            members.setdefault(str(name), set()).add(group_id)
    return {name: frozenset(ids) for name, ids in members.items()}


def name_groups(token: str) -> frozenset[str]:
    """Ids of every group a normalised name part belongs to (empty when unknown)."""
    return _groups().get(token, frozenset())


def name_group(token: str) -> str | None:
    """One group id for a name part; a stable choice (alphabetical) when it is in several."""
    groups = name_groups(token)
    return min(groups) if groups else None


def same_name(a: str, b: str) -> bool:
    """Equal, or sharing a variant group."""
    return a == b or bool(name_groups(a) & name_groups(b))
