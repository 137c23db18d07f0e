"""Jurisdiction policy engine: what a match means for the user, under which rule, and where rules collide.

>>> book = load_book()
>>> context = make_context(["US", "CN"], activity="export", eccn="3B001")
>>> result = check(Party("SMIC"), context, screener, book)
>>> result.to_dict()["verdicts"]["US"]["verdict"]
'licence_required'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from trustscreen.errors import ConfigError
from trustscreen.matching.screener import Match, Screener, version_ref
from trustscreen.model import Entity
from trustscreen.policy.engine import Conflict, Context, Evaluation, Finding, evaluate
from trustscreen.policy.graph import GraphBuilder, Holding, Party, PartyNode
from trustscreen.policy.packs import ACTIVITIES, PolicyBook, Verdict, load_book
from trustscreen.store import ListVersion

# ECCNs are a digit (category), a letter (product group A-E), three digits, then optional
# paragraph suffixes ("3B001.f.1", "5A992.c", "0Y521").
_ECCN = re.compile(r"(?:EAR99|[0-9][A-EY][0-9]{3}(?:\.[a-z0-9]+)*)", re.IGNORECASE)
MAX_OWNERS = 50


@dataclass(frozen=True, slots=True)
class CheckResult:
    query: dict[str, Any]
    evaluation: Evaluation
    matches: tuple[Match, ...]

    @property
    def context(self) -> Context:
        return self.evaluation.context

    @property
    def conflicts(self) -> list[Conflict]:
        return self.evaluation.conflicts

    def verdict(self, jurisdiction: str) -> Verdict:
        return self.evaluation.results[jurisdiction].verdict

    def findings(self, jurisdiction: str) -> list[Finding]:
        return self.evaluation.results[jurisdiction].findings

    def to_dict(self) -> dict[str, Any]:
        results = self.evaluation.results
        return {
            "query": self.query,
            "context": self.context.to_dict(),
            "verdicts": {j: r.to_dict() for j, r in results.items()},
            "conflicts": [c.to_dict() for c in self.conflicts],
            "matches": [
                {
                    "entity_id": m.entity.id,
                    "name": m.entity.primary_name,
                    "matched_name": m.matched_name,
                    "score": round(m.score, 4),
                    "list": version_ref(m.list_version),
                }
                for m in self.matches
            ],
        }


def make_context(
    jurisdictions: Iterable[str],
    *,
    book: PolicyBook | None = None,
    activity: str | None = None,
    eccn: str | None = None,
    on: date | str | None = None,
    roles: Iterable[str] = (),
) -> Context:
    """Validate the user's context against the loaded packs; errors name the option and what is allowed."""
    book = book or load_book()
    codes = tuple(dict.fromkeys(j.strip().upper() for j in jurisdictions if j.strip()))
    if not codes:
        raise ConfigError("no jurisdiction given; expected one or more of " + ", ".join(sorted(book.jurisdictions)))
    unknown = [j for j in codes if j not in book.jurisdictions]
    if unknown:
        raise ConfigError(
            f"jurisdiction {unknown[0]!r} has no rule pack; expected one of {', '.join(sorted(book.jurisdictions))}"
        )
    if activity is not None:
        activity = activity.strip().lower().replace("-", "_")
        if activity not in ACTIVITIES:
            raise ConfigError(f"activity {activity!r} is not known; expected one of {', '.join(ACTIVITIES)}")
    if eccn is not None:
        eccn = eccn.strip()
        if not _ECCN.fullmatch(eccn):
            raise ConfigError(f"ECCN {eccn!r} is not an ECCN; expected e.g. 3B001, 5A992.c or EAR99")
        eccn = eccn.upper()
    day = _day(on)
    role_set = frozenset(r.strip().lower() for r in roles if r.strip())
    known_roles = book.roles
    for role in sorted(role_set):
        if role not in known_roles:
            raise ConfigError(f"role {role!r} is not known; expected one of {', '.join(sorted(known_roles))}")
    return Context(codes, day, activity, eccn, role_set)


def _day(on: date | str | None) -> date:
    if on is None:
        return date.today()
    if isinstance(on, date):
        return on
    try:
        return date.fromisoformat(on.strip())
    except ValueError:
        raise ConfigError(f"date {on!r}; expected YYYY-MM-DD") from None


def check(party: Party | str, context: Context, screener: Screener, book: PolicyBook | None = None) -> CheckResult:
    """Screen a party (with any declared owners) and evaluate every rule pack in the user's context."""
    if isinstance(party, str):
        party = Party(party)
    _check_owner_count(party)
    book = book or load_book()
    root = GraphBuilder(screener).from_party(party)
    return CheckResult(_describe(party), evaluate(root, context, book), tuple(root.matches))


def check_entity(
    entity: Entity,
    context: Context,
    screener: Screener,
    book: PolicyBook | None = None,
    *,
    version: ListVersion | None = None,
    match: Match | None = None,
) -> CheckResult:
    """Evaluate one known entity (or one screening match) without screening its name again."""
    book = book or load_book()
    root: PartyNode = GraphBuilder(screener).from_entity(entity, version, match)
    query = {"entity_id": entity.id, "name": entity.primary_name}
    return CheckResult(query, evaluate(root, context, book), tuple(root.matches))


def _check_owner_count(party: Party, seen: int = 0) -> int:
    total = seen + len(party.owners)
    if total > MAX_OWNERS:
        raise ConfigError(f"more than {MAX_OWNERS} owners declared; expected at most {MAX_OWNERS} in one check")
    for holding in party.owners:
        if holding.share is not None and not 0 <= holding.share <= 100:
            raise ConfigError(f"owner {holding.party.name!r} share {holding.share:g}; expected 0-100 percent")
        total = _check_owner_count(holding.party, total)
    return total


def _describe(party: Party) -> dict[str, Any]:
    data: dict[str, Any] = {"name": party.name}
    if party.kind:
        data["kind"] = party.kind
    if party.countries:
        data["countries"] = list(party.countries)
    if party.owners:
        data["owners"] = [{**_describe(h.party), "share": h.share} for h in party.owners]
    return data


def parse_owner(text: str) -> Holding:
    """CLI form NAME[=SHARE] ("Rosneft=51", "Huawei Technologies Co., Ltd.")."""
    name, sep, share_text = text.rpartition("=")
    if not sep:
        name, share_text = text, ""
    name = name.strip()
    if not name:
        raise ConfigError(f"owner {text!r} has no name; expected NAME or NAME=PERCENT")
    share = None
    if share_text.strip():
        try:
            share = float(share_text.strip().rstrip("%"))
        except ValueError:
            raise ConfigError(f"owner {text!r}: share {share_text!r} is not a number; expected NAME=PERCENT") from None
        if not 0 <= share <= 100:
            raise ConfigError(f"owner {text!r}: share {share:g}; expected 0-100 percent")
    return Holding(Party(name), share)


__all__: Sequence[str] = [
    "CheckResult",
    "Context",
    "Holding",
    "Party",
    "PolicyBook",
    "Verdict",
    "check",
    "check_entity",
    "load_book",
    "make_context",
    "parse_owner",
]
