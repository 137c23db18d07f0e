"""The evaluator: party graph + user context + rule packs → verdicts per jurisdiction and conflicts.

Order of evaluation: listing rules on the party's own listings; the same rules through ownership
(affiliates, or aggregate ownership at a threshold, cascading); activity rules; then foreign-measure
rules, which react to the other jurisdictions' findings and are where conflicts come from. Listings
and rules that are not in force on the check date (revoked orders, delistings, rules not yet
effective) go to the jurisdiction's history instead of its verdict, so the answer says why.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from trustscreen.matching.screener import Match, version_ref
from trustscreen.model import Listing
from trustscreen.policy.graph import PartyNode
from trustscreen.policy.packs import SEVERITY, Outcome, PolicyBook, Rule, Verdict

ENDED_STATUSES = frozenset({"revoked", "removed", "superseded", "delisted"})
PAUSED_STATUSES = frozenset({"suspended", "enjoined"})
_PROGRAM_TOKENS = re.compile(r"[^\[\];,\s]+")


@dataclass(frozen=True, slots=True)
class Context:
    jurisdictions: tuple[str, ...]
    on: date
    activity: str | None = None
    # "EAR99" or an ECCN ("3B001"); either says the item is subject to the EAR.
    eccn: str | None = None
    roles: frozenset[str] = frozenset()

    def to_dict(self) -> dict[str, Any]:
        return {
            "jurisdictions": list(self.jurisdictions),
            "date": self.on.isoformat(),
            "activity": self.activity,
            "eccn": self.eccn,
            "roles": sorted(self.roles),
        }


@dataclass(frozen=True, slots=True)
class Step:
    """One ownership edge on the path from the checked party to a listed party."""

    owned: str
    owner: str
    share: float | None
    source: str

    def to_dict(self) -> dict[str, Any]:
        return {"owned": self.owned, "owner": self.owner, "share": self.share, "source": self.source}


@dataclass(frozen=True, slots=True)
class Exposure:
    """A listing that reaches the checked party, directly or along an ownership path."""

    match: Match
    listing: Listing
    path: tuple[Step, ...] = ()

    def evidence(self) -> dict[str, Any]:
        return {
            "match": {
                "entity_id": self.match.entity.id,
                "name": self.match.entity.primary_name,
                "matched_name": self.match.matched_name,
                "score": round(self.match.score, 4),
                "countries": list(self.match.entity.countries),
                "unconfirmed": self.match.entity.unconfirmed,
                "list": version_ref(self.match.list_version),
            },
            "listing": {k: v for k, v in _listing_dict(self.listing).items() if v is not None},
            "path": [step.to_dict() for step in self.path],
        }


@dataclass(frozen=True, slots=True)
class Finding:
    rule: Rule
    verdict: Verdict
    action: str
    trigger: str
    exposure: Exposure | None = None
    review_policy: str | None = None
    conditions: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    foreign: tuple[Finding, ...] = ()
    unconfirmed: bool = False

    @property
    def jurisdiction(self) -> str:
        return self.rule.jurisdiction

    def to_dict(self) -> dict[str, Any]:
        rule = self.rule
        evidence: dict[str, Any] = {"trigger": self.trigger}
        if self.exposure is not None:
            evidence.update(self.exposure.evidence())
        if self.foreign:
            evidence["foreign_findings"] = [
                {
                    "jurisdiction": f.jurisdiction,
                    "rule_id": f.rule.id,
                    "verdict": f.verdict.value,
                    "citation": f.rule.citation,
                }
                for f in _unique_rules(self.foreign)
            ]
        licence_requirement = self.exposure.listing.licence_requirement if self.exposure else None
        return {
            "jurisdiction": rule.jurisdiction,
            "verdict": self.verdict.value,
            "rule_id": rule.id,
            "pack": rule.pack,
            "title": rule.title,
            "summary": rule.summary,
            "citation": rule.citation,
            "source_url": rule.source_url,
            "effective_from": rule.effective_from.isoformat() if rule.effective_from else None,
            "effective_to": rule.effective_to.isoformat() if rule.effective_to else None,
            "licence_requirement": licence_requirement,
            "review_policy": self.review_policy,
            "conditions": list(self.conditions),
            "action": self.action,
            "notes": list(self.notes),
            "unconfirmed": self.unconfirmed,
            "evidence": evidence,
        }


@dataclass(frozen=True, slots=True)
class HistoryItem:
    """A rule that would apply but does not on the check date, and why."""

    rule: Rule
    exposure: Exposure | None
    reason: str

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "rule_id": self.rule.id,
            "title": self.rule.title,
            "citation": self.rule.citation,
            "reason": self.reason,
        }
        if self.exposure is not None:
            data["evidence"] = self.exposure.evidence()
        return data


@dataclass(frozen=True, slots=True)
class Conflict:
    jurisdictions: tuple[str, str]
    summary: str
    requiring: tuple[Finding, ...]
    countering: Finding

    def to_dict(self) -> dict[str, Any]:
        return {
            "jurisdictions": list(self.jurisdictions),
            "summary": self.summary,
            "rules": [
                *(
                    {
                        "jurisdiction": f.jurisdiction,
                        "rule_id": f.rule.id,
                        "verdict": f.verdict.value,
                        "citation": f.rule.citation,
                    }
                    for f in _unique_rules(self.requiring)
                ),
                {
                    "jurisdiction": self.countering.jurisdiction,
                    "rule_id": self.countering.rule.id,
                    "verdict": self.countering.verdict.value,
                    "citation": self.countering.rule.citation,
                },
            ],
            "action": (
                "Escalate to legal review before acting: complying with one jurisdiction's rule is what the "
                "other forbids or makes reportable; do not block or proceed automatically."
            ),
        }


@dataclass(slots=True)
class JurisdictionResult:
    jurisdiction: str
    findings: list[Finding] = field(default_factory=list)
    history: list[HistoryItem] = field(default_factory=list)

    @property
    def verdict(self) -> Verdict:
        if not self.findings:
            return Verdict.CLEAR
        return max((f.verdict for f in self.findings), key=SEVERITY.__getitem__)

    def to_dict(self) -> dict[str, Any]:
        ordered = sorted(self.findings, key=lambda f: (-SEVERITY[f.verdict], f.rule.id))
        return {
            "verdict": self.verdict.value,
            "findings": [f.to_dict() for f in ordered],
            "history": [h.to_dict() for h in self.history],
        }


@dataclass(slots=True)
class Evaluation:
    context: Context
    results: dict[str, JurisdictionResult]
    conflicts: list[Conflict]


def evaluate(root: PartyNode, context: Context, book: PolicyBook) -> Evaluation:
    evaluator = _Evaluator(root, context, book)
    return evaluator.run()


class _Evaluator:
    def __init__(self, root: PartyNode, context: Context, book: PolicyBook) -> None:
        self.root = root
        self.context = context
        self.book = book
        self.day = context.on
        subject = set(context.jurisdictions)
        self.active_rules = [rule for rule in book.rules if self._reaches(rule, subject)]
        # Jurisdictions reported: the user's, plus the US when an item subject to the EAR is involved.
        reported = list(context.jurisdictions)
        for rule in self.active_rules:
            if rule.jurisdiction not in reported:
                reported.append(rule.jurisdiction)
        self.results = {j: JurisdictionResult(j) for j in reported}

    def _reaches(self, rule: Rule, subject: set[str]) -> bool:
        if rule.jurisdiction in subject:
            return True
        return rule.reach == "items_subject_to_ear" and self.context.eccn is not None

    def run(self) -> Evaluation:
        for rule in self.active_rules:
            if rule.trigger.type == "listing":
                self._listing_rule(rule)
            elif rule.trigger.type == "activity":
                self._activity_rule(rule)
        conflicts: list[Conflict] = []
        for rule in self.active_rules:
            if rule.trigger.type == "foreign_measure":
                conflicts.extend(self._foreign_rule(rule))
        return Evaluation(self.context, self.results, conflicts)

    # -- listing rules ---------------------------------------------------------------------------

    def _listing_rule(self, rule: Rule) -> None:
        result = self.results[rule.jurisdiction]
        for exposure in _exposures(self.root):
            if _triggers(rule, exposure.listing):
                self._apply(rule, exposure, "listing", result)
        propagation = rule.propagation
        if propagation is None:
            return
        if propagation.mode == "affiliates":
            for exposure in _inherited(self.root):
                if _triggers(rule, exposure.listing):
                    self._apply(rule, exposure, "affiliation", result, extra_note=propagation.summary)
        else:
            self._ownership(rule, result)

    def _apply(
        self,
        rule: Rule,
        exposure: Exposure,
        trigger: str,
        result: JurisdictionResult,
        *,
        extra_note: str | None = None,
        cap: Verdict | None = None,
    ) -> None:
        outcome = rule.outcome(self.context.activity, self.context.roles)
        if outcome is None:
            return
        state, reason = _listing_state(exposure.listing, self.day)
        if not rule.in_force(self.day):
            result.history.append(HistoryItem(rule, exposure, self._rule_out_of_force(rule)))
            return
        if state == "ended" or state == "not_yet":
            result.history.append(HistoryItem(rule, exposure, reason))
            return
        notes = [n for n in (extra_note,) if n]
        verdict = outcome.verdict
        if state == "paused" and SEVERITY[verdict] > SEVERITY[Verdict.ADVISORY]:
            notes.append(f"{reason}; would otherwise be {verdict.value}")
            verdict = Verdict.ADVISORY
        if state == "advisory":
            verdict = min(verdict, Verdict.ADVISORY, key=SEVERITY.__getitem__)
        if cap is not None:
            verdict = min(verdict, cap, key=SEVERITY.__getitem__)
        review_policy, policy_note = self._review_policy(rule, outcome, exposure.listing)
        if policy_note:
            notes.append(policy_note)
        if exposure.match.entity.unconfirmed:
            notes.append("The matched entry is marked unconfirmed in its list; check the primary source.")
        result.findings.append(
            Finding(
                rule=rule,
                verdict=verdict,
                action=outcome.action,
                trigger=trigger,
                exposure=exposure,
                review_policy=review_policy,
                conditions=outcome.conditions,
                notes=tuple(notes),
                unconfirmed=rule.unconfirmed or exposure.match.entity.unconfirmed,
            )
        )

    def _rule_out_of_force(self, rule: Rule) -> str:
        if rule.effective_from is not None and self.day < rule.effective_from:
            return f"{rule.title} takes effect on {rule.effective_from.isoformat()}"
        end = rule.effective_to.isoformat() if rule.effective_to else "?"
        return f"{rule.title} ceased to apply on {end}"

    def _review_policy(self, rule: Rule, outcome: Outcome, listing: Listing) -> tuple[str | None, str | None]:
        if outcome.review_policy != "listing":
            return outcome.review_policy, None
        policy = listing.licence_review_policy
        if policy is None:
            return None, None
        for item in rule.item_policies:
            if item.listing_policy_contains.casefold() not in policy.casefold():
                continue
            if self.context.eccn is None:
                return policy, "Give the item's ECCN (or EAR99) to resolve the split review policy."
            eccn = self.context.eccn.upper()
            if any(eccn.startswith(prefix) for prefix in item.eccns):
                return item.policy, item.note
            return item.otherwise, item.note
        return policy, None

    def _ownership(self, rule: Rule, result: JurisdictionResult) -> None:
        propagation = rule.propagation
        assert propagation is not None and propagation.threshold is not None
        if propagation.effective_from is not None and self.day < propagation.effective_from:
            return
        owned = _aggregate_owned(self.root, rule, self.day, propagation.threshold)
        suspension = propagation.suspension_on(self.day)
        notes = [f"{propagation.title}: {propagation.summary}"]
        cap = None
        if suspension is not None:
            notes.append(f"Suspended {suspension.start.isoformat()} to {suspension.end.isoformat()}: {suspension.note}")
            cap = Verdict.ADVISORY
        elif propagation.unconfirmed_after is not None and self.day >= propagation.unconfirmed_after:
            notes.append(propagation.unconfirmed_note or "Whether this rule applies on the check date is unconfirmed.")
        if owned is not None:
            for exposure in owned:
                self._apply(rule, exposure, "ownership", result, extra_note=" ".join(notes), cap=cap)
            return
        # Listed owners below the threshold: not caught by the rule, but regulators call such stakes a
        # reason for caution, so they are shown as advisory (unless the party is listed itself).
        if any(f.rule is rule and f.trigger == "listing" for f in result.findings):
            return
        for exposure in _inherited(self.root):
            if _triggers(rule, exposure.listing) and _listing_state(exposure.listing, self.day)[0] == "in_force":
                share = exposure.path[-1].share if exposure.path else None
                stake = f"{share:g}%" if share is not None else "an unknown share"
                note = (
                    f"A listed owner holds {stake}, below the {propagation.threshold:g}% threshold in aggregate: "
                    "not caught by the rule, but a minority stake or control calls for caution."
                )
                self._apply(rule, exposure, "ownership_below_threshold", result, extra_note=note, cap=Verdict.ADVISORY)

    # -- activity and foreign-measure rules ------------------------------------------------------

    def _activity_rule(self, rule: Rule) -> None:
        trigger = rule.trigger
        if self.context.activity not in trigger.activities or not trigger.roles <= self.context.roles:
            return
        outcome = rule.outcome(self.context.activity, self.context.roles)
        if outcome is None:
            return
        result = self.results[rule.jurisdiction]
        if not rule.in_force(self.day):
            result.history.append(HistoryItem(rule, None, self._rule_out_of_force(rule)))
            return
        result.findings.append(
            Finding(
                rule,
                outcome.verdict,
                outcome.action,
                "activity",
                review_policy=outcome.review_policy,
                unconfirmed=rule.unconfirmed,
            )
        )

    def _foreign_rule(self, rule: Rule) -> Iterator[Conflict]:
        trigger = rule.trigger
        if rule.jurisdiction not in self.context.jurisdictions or not rule.in_force(self.day):
            return
        countries = set(self.root.countries) or self.root.all_countries()
        if trigger.counterparty_countries and not countries & trigger.counterparty_countries:
            return
        if trigger.counterparty_not_countries and countries and countries <= trigger.counterparty_not_countries:
            return
        by_jurisdiction: dict[str, list[Finding]] = {}
        for jurisdiction, result in self.results.items():
            if jurisdiction == rule.jurisdiction:
                continue
            for finding in result.findings:
                if self._provokes(trigger_rule=rule, finding=finding):
                    by_jurisdiction.setdefault(jurisdiction, []).append(finding)
        outcome = rule.outcome(self.context.activity, self.context.roles)
        if outcome is None:
            return
        for jurisdiction, foreign in by_jurisdiction.items():
            notes = []
            if trigger.unconfirmed_mapping:
                notes.append("Which foreign programs this rule reaches is trustscreen's reading; check per case.")
            finding = Finding(
                rule,
                outcome.verdict,
                outcome.action,
                "foreign_measure",
                exposure=foreign[0].exposure,
                review_policy=outcome.review_policy,
                notes=tuple(notes),
                foreign=tuple(foreign),
                unconfirmed=rule.unconfirmed or trigger.unconfirmed_mapping,
            )
            self.results[rule.jurisdiction].findings.append(finding)
            assert rule.conflict is not None
            yield Conflict((jurisdiction, rule.jurisdiction), rule.conflict, tuple(foreign), finding)

    def _provokes(self, trigger_rule: Rule, finding: Finding) -> bool:
        trigger = trigger_rule.trigger
        if finding.rule.trigger.type == "foreign_measure" or finding.verdict not in trigger.foreign_verdicts:
            return False
        if trigger.foreign_rules and finding.rule.id not in trigger.foreign_rules:
            return False
        if trigger.foreign_programs:
            program = finding.exposure.listing.program if finding.exposure else None
            tokens = set(_PROGRAM_TOKENS.findall((program or "").upper()))
            if not tokens & trigger.foreign_programs:
                return False
        return True


def _triggers(rule: Rule, listing: Listing) -> bool:
    trigger = rule.trigger
    if listing.list_id not in trigger.lists:
        return False
    if trigger.programs:
        program = (listing.program or "").casefold()
        if not any(p.casefold() in program for p in trigger.programs):
            return False
    if trigger.requirement_contains:
        requirement = (listing.licence_requirement or "").casefold()
        if not any(p.casefold() in requirement for p in trigger.requirement_contains):
            return False
    return True


def _exposures(node: PartyNode, path: tuple[Step, ...] = ()) -> Iterator[Exposure]:
    for match in node.matches:
        for listing in match.entity.listings:
            yield Exposure(match, listing, path)


def _inherited(root: PartyNode) -> Iterator[Exposure]:
    """Listings of every owner up the chain (any share), each with its path from the root."""
    seen: set[int] = {id(root)}

    def walk(node: PartyNode, path: tuple[Step, ...]) -> Iterator[Exposure]:
        for link in node.owners:
            if id(link.owner) in seen:
                continue
            seen.add(id(link.owner))
            step_path = (*path, Step(node.label, link.owner.label, link.share, link.source))
            yield from _exposures(link.owner, step_path)
            yield from walk(link.owner, step_path)

    yield from walk(root, ())


def _aggregate_owned(root: PartyNode, rule: Rule, day: date, threshold: float) -> list[Exposure] | None:
    """The listings that make the root caught by an aggregate-ownership rule, or None.

    A node is caught when it is listed itself (in force), or when owners that are caught hold at least
    `threshold` percent of it together; the test cascades up the chain (OFAC 50 Percent Rule).
    """

    def caught(node: PartyNode, path: tuple[Step, ...], visiting: frozenset[int]) -> list[Exposure]:
        direct = [
            e
            for e in _exposures(node, path)
            if _triggers(rule, e.listing) and _listing_state(e.listing, day)[0] == "in_force"
        ]
        if direct:
            return direct
        return owned_through(node, path, visiting | {id(node)})

    def owned_through(node: PartyNode, path: tuple[Step, ...], visiting: frozenset[int]) -> list[Exposure]:
        contributions: list[tuple[float, list[Exposure]]] = []
        for link in node.owners:
            if id(link.owner) in visiting or link.share is None:
                continue
            step_path = (*path, Step(node.label, link.owner.label, link.share, link.source))
            reasons = caught(link.owner, step_path, visiting)
            if reasons:
                contributions.append((link.share, reasons))
        if sum(share for share, _ in contributions) < threshold:
            return []
        return [exposure for _, reasons in contributions for exposure in reasons]

    return owned_through(root, (), frozenset({id(root)})) or None


def _listing_state(listing: Listing, day: date) -> tuple[str, str]:
    status = (listing.status or "active").casefold()
    start = _period_start(listing.listed_on)
    if start is not None and day < start:
        return "not_yet", f"listed from {listing.listed_on}, after the check date"
    end = _period_start(listing.ended_on)
    if end is not None and day >= end:
        return "ended", f"{status} on {listing.ended_on}" + (f" ({listing.citation})" if listing.citation else "")
    if status in ENDED_STATUSES and end is None:
        return "ended", f"{status} (date not given)"
    if status in PAUSED_STATUSES:
        return "paused", f"listing {status}" + (f": {listing.remarks}" if listing.remarks else "")
    if status == "advisory":
        return "advisory", "advisory listing"
    # An ended listing before its end date was in force (EO 13942 in October 2020).
    return "in_force", "in force"


def _period_start(value: str | None) -> date | None:
    if not value:
        return None
    parts = value.split("-")
    try:
        if len(parts) == 1:
            return date(int(parts[0]), 1, 1)
        if len(parts) == 2:
            return date(int(parts[0]), int(parts[1]), 1)
        return date.fromisoformat(value)
    except ValueError:
        return None


def _listing_dict(listing: Listing) -> dict[str, Any]:
    return {
        "list_id": listing.list_id,
        "program": listing.program,
        "jurisdiction": listing.jurisdiction,
        "listed_on": listing.listed_on,
        "ended_on": listing.ended_on,
        "status": listing.status,
        "citation": listing.citation,
        "scope": listing.scope,
        "licence_requirement": listing.licence_requirement,
        "licence_review_policy": listing.licence_review_policy,
        "source_url": listing.source_url,
        "remarks": listing.remarks,
    }


def _unique_rules(findings: Iterable[Finding]) -> list[Finding]:
    seen: dict[str, Finding] = {}
    for finding in findings:
        seen.setdefault(finding.rule.id, finding)
    return list(seen.values())
