"""Rule packs: one YAML file per regime, read into typed rules the evaluator runs.

A pack names its jurisdiction and reach, and lists rules. Each rule has an id, a summary, a citation
and source URL, optional effective dates, a trigger (what makes it apply) and outcomes (the verdict
and required action per activity and role). Packs are written by people, so the loader is strict:
unknown keys, unknown activities or verdicts, bad dates and duplicate rule ids are errors naming the
file, the rule and the field.

Trigger types:
- ``listing``: the party has a listing on one of ``lists`` (optionally whose program matches one of
  ``programs`` or whose licence requirement contains one of ``requirement_contains``);
- ``foreign_measure``: another jurisdiction's rule restricts dealing with the party (``foreign_verdicts``,
  optionally only ``foreign_rules`` / ``foreign_programs``), and the party is (or is not) from
  ``counterparty_countries`` / ``counterparty_not_countries``; these rules are where conflicts come from;
- ``activity``: the user's activity and roles alone (e.g. handing data stored in China to a foreign
  authority).
A listing rule may carry ``propagation``: ``affiliates`` (any parent or owner chain) or ``ownership``
(aggregate ownership by listed parties at or above ``threshold`` percent, cascading).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from trustscreen.errors import ConfigError

BUNDLE_PACKAGE = "trustscreen.data.policy"


class Verdict(StrEnum):
    # Declared from most to least severe; `SEVERITY` follows this order.
    PROHIBITED = "prohibited"
    LICENCE_REQUIRED = "licence_required"
    RESTRICTED = "restricted"
    REPORTING_REQUIRED = "reporting_required"
    ADVISORY = "advisory"
    CLEAR = "clear"


SEVERITY = {verdict: rank for rank, verdict in enumerate(reversed(Verdict))}

ACTIVITIES = {
    "export": "Export of an item from the country",
    "reexport": "Reexport of an item from one foreign country to another",
    "transfer": "In-country transfer of an item",
    "import": "Import of goods or equipment",
    "procurement": "Buying or obtaining equipment, software or services",
    "payment": "Making or receiving a payment",
    "investment": "Buying, selling or holding securities or stakes",
    "app_deployment": "Distributing, preinstalling or offering an app",
    "data_transfer": "Providing or transferring data",
    "hosting": "Hosting, cloud or network services",
    "services": "Providing or receiving telecommunications or other services",
}
ANY_ACTIVITY = "*"
REACHES = frozenset({"subject", "items_subject_to_ear"})
TRIGGERS = frozenset({"listing", "foreign_measure", "activity"})
PROPAGATION_MODES = frozenset({"affiliates", "ownership"})


@dataclass(frozen=True, slots=True)
class Suspension:
    start: date
    end: date
    note: str


@dataclass(frozen=True, slots=True)
class Propagation:
    mode: str
    title: str
    summary: str
    citation: str
    source_url: str
    threshold: float | None = None
    effective_from: date | None = None
    suspensions: tuple[Suspension, ...] = ()
    unconfirmed_after: date | None = None
    unconfirmed_note: str | None = None

    def suspension_on(self, day: date) -> Suspension | None:
        return next((s for s in self.suspensions if s.start <= day < s.end), None)


@dataclass(frozen=True, slots=True)
class Trigger:
    type: str
    lists: frozenset[str] = frozenset()
    programs: tuple[str, ...] = ()
    requirement_contains: tuple[str, ...] = ()
    foreign_verdicts: frozenset[Verdict] = frozenset()
    foreign_rules: frozenset[str] = frozenset()
    foreign_programs: frozenset[str] = frozenset()
    counterparty_countries: frozenset[str] = frozenset()
    counterparty_not_countries: frozenset[str] = frozenset()
    activities: frozenset[str] = frozenset()
    roles: frozenset[str] = frozenset()
    unconfirmed_mapping: bool = False


@dataclass(frozen=True, slots=True)
class Outcome:
    activities: frozenset[str]
    verdict: Verdict
    action: str
    roles: frozenset[str] = frozenset()
    # "listing" takes the review policy from the listing (BIS entries carry their own).
    review_policy: str | None = None
    conditions: tuple[str, ...] = ()

    def applies(self, activity: str | None, roles: frozenset[str]) -> bool:
        if not self.roles <= roles:
            return False
        if ANY_ACTIVITY in self.activities:
            return True
        # No activity given: a rule counts with the first outcome, its main use.
        return activity is None or activity in self.activities


@dataclass(frozen=True, slots=True)
class ItemPolicy:
    listing_policy_contains: str
    eccns: tuple[str, ...]
    policy: str
    otherwise: str
    note: str


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    pack: str
    jurisdiction: str
    reach: str
    title: str
    summary: str
    citation: str
    source_url: str
    trigger: Trigger
    outcomes: tuple[Outcome, ...]
    effective_from: date | None = None
    effective_to: date | None = None
    propagation: Propagation | None = None
    item_policies: tuple[ItemPolicy, ...] = ()
    conflict: str | None = None
    unconfirmed: bool = False

    def in_force(self, day: date) -> bool:
        if self.effective_from is not None and day < self.effective_from:
            return False
        return self.effective_to is None or day < self.effective_to

    def outcome(self, activity: str | None, roles: frozenset[str]) -> Outcome | None:
        return next((o for o in self.outcomes if o.applies(activity, roles)), None)


@dataclass(frozen=True, slots=True)
class Pack:
    id: str
    jurisdiction: str
    title: str
    authority: str
    source_url: str
    as_of: str
    reach: str
    rules: tuple[Rule, ...]
    roles: Mapping[str, str]
    path: str


@dataclass(frozen=True, slots=True)
class PolicyBook:
    """Every loaded pack, with lookups the evaluator needs."""

    packs: tuple[Pack, ...]

    @property
    def rules(self) -> tuple[Rule, ...]:
        return tuple(rule for pack in self.packs for rule in pack.rules)

    @property
    def jurisdictions(self) -> frozenset[str]:
        return frozenset(pack.jurisdiction for pack in self.packs)

    @property
    def roles(self) -> dict[str, str]:
        return {role: text for pack in self.packs for role, text in pack.roles.items()}


class _Reader:
    """Typed access to one mapping of a pack, with errors that say where."""

    def __init__(self, path: str, where: str, data: Any, allowed: Iterable[str]) -> None:
        if not isinstance(data, Mapping):
            raise self._error(path, where, None, f"expected a mapping, got {type(data).__name__}")
        unknown = sorted(set(data) - set(allowed))
        if unknown:
            raise self._error(path, where, unknown[0], f"unknown key; expected one of {', '.join(sorted(allowed))}")
        self.path, self.where, self.data = path, where, data

    @staticmethod
    def _error(path: str, where: str, field: str | None, problem: str) -> ConfigError:
        at = f"{where}, field {field!r}" if field else where
        return ConfigError(f"{path}: {at}: {problem}")

    def error(self, field: str | None, problem: str) -> ConfigError:
        return self._error(self.path, self.where, field, problem)

    def text(self, key: str, *, required: bool = True) -> str | None:
        value = self.data.get(key)
        if value is None:
            if required:
                raise self.error(key, "missing; expected text")
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.error(key, f"expected non-empty text, got {value!r}")
        return " ".join(value.split())

    def required(self, key: str) -> str:
        value = self.text(key)
        assert value is not None
        return value

    def day(self, key: str) -> date | None:
        value = self.data.get(key)
        if value is None:
            return None
        try:
            return value if isinstance(value, date) else date.fromisoformat(str(value))
        except ValueError:
            raise self.error(key, f"expected an ISO date YYYY-MM-DD, got {value!r}") from None

    def strings(self, key: str) -> tuple[str, ...]:
        value = self.data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.error(key, f"expected a list of non-empty strings, got {value!r}")
        return tuple(v.strip() for v in value)

    def flag(self, key: str) -> bool:
        value = self.data.get(key, False)
        if not isinstance(value, bool):
            raise self.error(key, f"expected true or false, got {value!r}")
        return value


def load_book(extra: Sequence[Path] = ()) -> PolicyBook:
    """The bundled packs plus any packs given as files or directories of YAML files."""
    if not extra:
        return _bundled_book()
    packs = list(_bundled())
    for path in extra:
        files = sorted(path.glob("*.y*ml")) if path.is_dir() else [path]
        if not files:
            raise ConfigError(f"{path}: no rule pack (*.yaml) found")
        packs.extend(_load_file(f) for f in files)
    book = PolicyBook(tuple(packs))
    _check_unique(book)
    return book


@cache
def _bundled_book() -> PolicyBook:
    # Every API request asks for the book: parse and cross-check the bundled packs once.
    book = PolicyBook(_bundled())
    _check_unique(book)
    return book


@cache
def _bundled() -> tuple[Pack, ...]:
    folder = resources.files(BUNDLE_PACKAGE)
    names = sorted(entry.name for entry in folder.iterdir() if entry.name.endswith((".yaml", ".yml")))
    return tuple(
        _parse(f"{BUNDLE_PACKAGE}/{name}", folder.joinpath(name).read_text(encoding="utf-8")) for name in names
    )


def _load_file(path: Path) -> Pack:
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read rule pack ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: byte {exc.start} is not UTF-8; rule packs are UTF-8 YAML") from None
    return _parse(str(path), text)


def _parse(path: str, text: str) -> Pack:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark is not None else ""
        raise ConfigError(f"{path}:{line}: not valid YAML ({getattr(exc, 'problem', exc)})") from None
    top = _Reader(
        path,
        "pack",
        data,
        ("pack", "jurisdiction", "title", "authority", "source_url", "as_of", "reach", "roles", "rules"),
    )
    pack_id, jurisdiction = top.required("pack"), top.required("jurisdiction")
    reach = top.required("reach")
    if reach not in REACHES:
        raise top.error("reach", f"expected one of {', '.join(sorted(REACHES))}, got {reach!r}")
    roles = data.get("roles", {})
    if not isinstance(roles, Mapping) or not all(isinstance(v, str) for v in roles.values()):
        raise top.error("roles", "expected a mapping of role name to description")
    raw_rules = data.get("rules")
    if not isinstance(raw_rules, list) or not raw_rules:
        raise top.error("rules", "expected a non-empty list of rules")
    rules = tuple(_rule(path, i, raw, pack_id, jurisdiction, reach) for i, raw in enumerate(raw_rules))
    return Pack(
        id=pack_id,
        jurisdiction=jurisdiction,
        title=top.required("title"),
        authority=top.required("authority"),
        source_url=top.required("source_url"),
        as_of=str(top.day("as_of") or top.error("as_of", "missing; expected the date the pack was last checked")),
        reach=reach,
        rules=rules,
        roles=dict(roles),
        path=path,
    )


_RULE_KEYS = (
    "id",
    "title",
    "summary",
    "citation",
    "source_url",
    "effective_from",
    "effective_to",
    "trigger",
    "outcomes",
    "propagation",
    "item_policies",
    "conflict",
    "unconfirmed",
)


def _rule(path: str, index: int, raw: Any, pack: str, jurisdiction: str, reach: str) -> Rule:
    where = f"rules[{index}]"
    if isinstance(raw, Mapping) and isinstance(raw.get("id"), str):
        where = f"rule {raw['id']}"
    r = _Reader(path, where, raw, _RULE_KEYS)
    source_url = r.required("source_url")
    if not source_url.startswith(("https://", "http://")):
        raise r.error("source_url", f"expected an http(s) URL, got {source_url!r}")
    trigger = _trigger(_Reader(path, f"{where} trigger", raw.get("trigger"), _TRIGGER_KEYS))
    outcomes_raw = raw.get("outcomes")
    if not isinstance(outcomes_raw, list) or not outcomes_raw:
        raise r.error("outcomes", "expected a non-empty list of outcomes")
    outcomes = tuple(
        _outcome(_Reader(path, f"{where} outcomes[{i}]", o, _OUTCOME_KEYS)) for i, o in enumerate(outcomes_raw)
    )
    propagation = None
    if raw.get("propagation") is not None:
        if trigger.type != "listing":
            raise r.error("propagation", "only listing rules propagate through ownership")
        propagation = _propagation(_Reader(path, f"{where} propagation", raw["propagation"], _PROPAGATION_KEYS))
    if trigger.type == "foreign_measure" and not r.text("conflict", required=False):
        raise r.error("conflict", "foreign-measure rules must say what the conflict is")
    items = raw.get("item_policies", [])
    if not isinstance(items, list):
        raise r.error("item_policies", "expected a list")
    rule = Rule(
        id=r.required("id"),
        pack=pack,
        jurisdiction=jurisdiction,
        reach=reach,
        title=r.required("title"),
        summary=r.required("summary"),
        citation=r.required("citation"),
        source_url=source_url,
        trigger=trigger,
        outcomes=outcomes,
        effective_from=r.day("effective_from"),
        effective_to=r.day("effective_to"),
        propagation=propagation,
        item_policies=tuple(
            _item_policy(_Reader(path, f"{where} item_policies[{i}]", p, _ITEM_KEYS)) for i, p in enumerate(items)
        ),
        conflict=r.text("conflict", required=False),
        unconfirmed=r.flag("unconfirmed"),
    )
    if rule.effective_from and rule.effective_to and rule.effective_to <= rule.effective_from:
        raise r.error("effective_to", "must be after effective_from")
    return rule


_TRIGGER_KEYS = (
    "type",
    "lists",
    "programs",
    "requirement_contains",
    "foreign_verdicts",
    "foreign_rules",
    "foreign_programs",
    "counterparty_countries",
    "counterparty_not_countries",
    "activities",
    "roles",
    "unconfirmed_mapping",
)


def _trigger(r: _Reader) -> Trigger:
    kind = r.required("type")
    if kind not in TRIGGERS:
        raise r.error("type", f"expected one of {', '.join(sorted(TRIGGERS))}, got {kind!r}")
    trigger = Trigger(
        type=kind,
        lists=frozenset(r.strings("lists")),
        programs=r.strings("programs"),
        requirement_contains=r.strings("requirement_contains"),
        foreign_verdicts=frozenset(_verdict(r, "foreign_verdicts", v) for v in r.strings("foreign_verdicts")),
        foreign_rules=frozenset(r.strings("foreign_rules")),
        foreign_programs=frozenset(r.strings("foreign_programs")),
        counterparty_countries=frozenset(r.strings("counterparty_countries")),
        counterparty_not_countries=frozenset(r.strings("counterparty_not_countries")),
        activities=frozenset(_activities(r, "activities")),
        roles=frozenset(r.strings("roles")),
        unconfirmed_mapping=r.flag("unconfirmed_mapping"),
    )
    if kind == "listing" and not trigger.lists:
        raise r.error("lists", "a listing trigger needs the list ids it reacts to")
    if kind == "foreign_measure" and not trigger.foreign_verdicts:
        raise r.error("foreign_verdicts", "a foreign-measure trigger needs the foreign verdicts it reacts to")
    if kind == "activity" and not trigger.activities:
        raise r.error("activities", "an activity trigger needs activities")
    return trigger


_OUTCOME_KEYS = ("activities", "roles", "verdict", "action", "review_policy", "conditions")


def _outcome(r: _Reader) -> Outcome:
    activities = _activities(r, "activities", allow_any=True)
    if not activities:
        raise r.error("activities", 'expected activities (or ["*"] for any)')
    return Outcome(
        activities=frozenset(activities),
        verdict=_verdict(r, "verdict", r.required("verdict")),
        action=r.required("action"),
        roles=frozenset(r.strings("roles")),
        review_policy=r.text("review_policy", required=False),
        conditions=r.strings("conditions"),
    )


_PROPAGATION_KEYS = (
    "mode",
    "threshold",
    "title",
    "summary",
    "citation",
    "source_url",
    "effective_from",
    "suspensions",
    "unconfirmed_after",
    "unconfirmed_note",
)


def _propagation(r: _Reader) -> Propagation:
    mode = r.required("mode")
    if mode not in PROPAGATION_MODES:
        raise r.error("mode", f"expected one of {', '.join(sorted(PROPAGATION_MODES))}, got {mode!r}")
    threshold = r.data.get("threshold")
    if mode == "ownership":
        if not isinstance(threshold, int | float) or not 0 < threshold <= 100:
            raise r.error("threshold", f"expected a percentage in (0, 100], got {threshold!r}")
    elif threshold is not None:
        raise r.error("threshold", "only ownership propagation has a threshold")
    suspensions = []
    for i, raw in enumerate(r.data.get("suspensions", []) or []):
        s = _Reader(r.path, f"{r.where} suspensions[{i}]", raw, ("from", "to", "note"))
        start, end = s.day("from"), s.day("to")
        if start is None or end is None or end <= start:
            raise s.error("to", "expected from and to dates with to after from")
        suspensions.append(Suspension(start, end, s.required("note")))
    return Propagation(
        mode=mode,
        title=r.required("title"),
        summary=r.required("summary"),
        citation=r.required("citation"),
        source_url=r.required("source_url"),
        threshold=float(threshold) if threshold is not None else None,
        effective_from=r.day("effective_from"),
        suspensions=tuple(suspensions),
        unconfirmed_after=r.day("unconfirmed_after"),
        unconfirmed_note=r.text("unconfirmed_note", required=False),
    )


_ITEM_KEYS = ("listing_policy_contains", "eccns", "policy", "otherwise", "note")


def _item_policy(r: _Reader) -> ItemPolicy:
    eccns = r.strings("eccns")
    if not eccns:
        raise r.error("eccns", "expected at least one ECCN")
    return ItemPolicy(
        listing_policy_contains=r.required("listing_policy_contains"),
        eccns=tuple(e.upper() for e in eccns),
        policy=r.required("policy"),
        otherwise=r.required("otherwise"),
        note=r.required("note"),
    )


def _verdict(r: _Reader, field: str, value: str) -> Verdict:
    try:
        return Verdict(value)
    except ValueError:
        raise r.error(field, f"expected one of {', '.join(v.value for v in Verdict)}, got {value!r}") from None


def _activities(r: _Reader, field: str, *, allow_any: bool = False) -> list[str]:
    values = list(r.strings(field))
    for value in values:
        if value in ACTIVITIES or (allow_any and value == ANY_ACTIVITY):
            continue
        raise r.error(field, f"unknown activity {value!r}; expected one of {', '.join(ACTIVITIES)}")
    return values


def _check_unique(book: PolicyBook) -> None:
    seen: dict[str, str] = {}
    for pack in book.packs:
        for rule in pack.rules:
            if rule.id in seen:
                raise ConfigError(f"{pack.path}: rule {rule.id}: id already used in {seen[rule.id]}")
            seen[rule.id] = pack.path
    known = {rule.id for rule in book.rules}
    for rule in book.rules:
        missing = sorted(rule.trigger.foreign_rules - known)
        if missing:
            raise ConfigError(f"rule {rule.id}: trigger names unknown foreign rule {missing[0]!r}")
