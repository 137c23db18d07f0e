"""Assess a whole technology stack: assets → who is behind them → verdicts, per asset and in summary.

Each distinct party is screened and evaluated once per activity, however many assets name it (ten
thousand IPs usually come down to a handful of carriers). The activity of a check is the user's, or
inferred from the asset kind (an app is deployed, a device is procured, a carrier or cloud provides
services or hosting), and the finding says which.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from trustscreen.assessment.resolve import Resolvers
from trustscreen.assets.model import Asset, AssetKind, Attribution
from trustscreen.errors import ConfigError
from trustscreen.matching.screener import Screener
from trustscreen.policy import CheckResult, Context, Party, check, check_entity
from trustscreen.policy.graph import relation_index
from trustscreen.policy.packs import SEVERITY, PolicyBook, Verdict, load_book
from trustscreen.sources._common import country_code

ACTIVITY_BY_KIND = {
    AssetKind.APP: "app_deployment",
    AssetKind.VENDOR: "procurement",
    AssetKind.DEVICE: "procurement",
    AssetKind.COMPONENT: "procurement",
    AssetKind.CARRIER: "services",
    AssetKind.CABLE: "services",
    AssetKind.NETWORK_PATH: "services",
    AssetKind.IP: "hosting",
    AssetKind.CLOUD: "hosting",
    AssetKind.DOMAIN: "services",
}
# --fail-on levels: each includes the more severe verdicts.
FAIL_LEVELS = {
    "prohibited": Verdict.PROHIBITED,
    "licence": Verdict.LICENCE_REQUIRED,
    "restricted": Verdict.RESTRICTED,
    "reporting": Verdict.REPORTING_REQUIRED,
    "advisory": Verdict.ADVISORY,
}


@dataclass(frozen=True, slots=True)
class PartyResult:
    attribution: Attribution
    activity: str | None
    result: CheckResult
    # result.to_dict(), made once per distinct check and shared by every asset that names the party.
    data: dict[str, Any]


@dataclass(frozen=True, slots=True)
class AssetFinding:
    asset: Asset
    attributions: tuple[Attribution, ...]
    parties: tuple[PartyResult, ...]
    # Landing countries of a cable that the user asked to flag.
    flagged_landings: tuple[str, ...] = ()

    def verdicts(self) -> dict[str, Verdict]:
        worst: dict[str, Verdict] = {}
        for party in self.parties:
            for jurisdiction in party.result.evaluation.results:
                verdict = party.result.verdict(jurisdiction)
                if jurisdiction not in worst or SEVERITY[verdict] > SEVERITY[worst[jurisdiction]]:
                    worst[jurisdiction] = verdict
        return worst

    @property
    def verdict(self) -> Verdict:
        verdicts = list(self.verdicts().values())
        return max(verdicts, key=SEVERITY.__getitem__) if verdicts else Verdict.CLEAR

    def to_dict(self) -> dict[str, Any]:
        rules: dict[tuple[str, str, str], dict[str, Any]] = {}
        matched: dict[str, dict[str, Any]] = {}
        conflicts = []
        for party in self.parties:
            data = party.data
            for match in data["matches"]:
                matched.setdefault(match["entity_id"], {**match, "via": party.attribution.party})
            for jurisdiction, result in data["verdicts"].items():
                for finding in result["findings"]:
                    entity = finding["evidence"].get("match", {}).get("entity_id", "")
                    key = (jurisdiction, finding["rule_id"], entity)
                    if key not in rules:
                        rules[key] = {
                            "jurisdiction": jurisdiction,
                            "verdict": finding["verdict"],
                            "rule_id": finding["rule_id"],
                            "title": finding["title"],
                            "citation": finding["citation"],
                            "source_url": finding["source_url"],
                            "action": finding["action"],
                            "review_policy": finding["review_policy"],
                            "party": party.attribution.party,
                            "activity": party.activity,
                            "evidence": finding["evidence"],
                            "notes": finding["notes"],
                        }
            conflicts.extend(data["conflicts"])
        ordered = sorted(
            rules.values(), key=lambda r: (-SEVERITY[Verdict(r["verdict"])], r["jurisdiction"], r["rule_id"])
        )
        top = ordered[0] if ordered else None
        return {
            "asset": {
                "kind": self.asset.kind.value,
                "name": self.asset.name,
                "origin": self.asset.origin,
                "identifiers": dict(self.asset.identifiers),
                "attributes": dict(self.asset.attributes),
            },
            "verdict": self.verdict.value,
            "verdicts": {j: v.value for j, v in self.verdicts().items()},
            "attributions": [
                {
                    "party": a.party,
                    "role": a.role,
                    "evidence": a.evidence,
                    "country": a.country,
                    "entity_id": a.entity_id,
                }
                for a in self.attributions
            ],
            "matched_entities": list(matched.values()),
            "rules": ordered,
            "conflicts": conflicts,
            "flagged_landings": list(self.flagged_landings),
            "recommended_action": _recommendation(top, self.flagged_landings),
        }


@dataclass(frozen=True, slots=True)
class Assessment:
    context: Context
    findings: tuple[AssetFinding, ...]
    input: dict[str, Any]

    def worst(self) -> Verdict:
        return max((f.verdict for f in self.findings), key=SEVERITY.__getitem__, default=Verdict.CLEAR)

    def fails(self, level: str) -> bool:
        return SEVERITY[self.worst()] >= SEVERITY[FAIL_LEVELS[level]]

    def to_dict(self) -> dict[str, Any]:
        findings = [f.to_dict() for f in self.findings]
        paths = clean_paths(findings)
        findings.sort(key=lambda f: (-SEVERITY[Verdict(f["verdict"])], f["asset"]["kind"], f["asset"]["name"]))
        by_verdict = Counter(f["verdict"] for f in findings)
        by_kind: dict[str, Counter[str]] = {}
        for f in findings:
            by_kind.setdefault(f["asset"]["kind"], Counter())[f["verdict"]] += 1
        by_jurisdiction: dict[str, Counter[str]] = {}
        for f in findings:
            for jurisdiction, verdict in f["verdicts"].items():
                by_jurisdiction.setdefault(jurisdiction, Counter())[verdict] += 1
        return {
            "input": self.input,
            "context": self.context.to_dict(),
            "summary": {
                "assets": len(findings),
                "worst": self.worst().value,
                "by_verdict": {v.value: by_verdict.get(v.value, 0) for v in Verdict},
                "by_kind": {k: dict(c) for k, c in sorted(by_kind.items())},
                "by_jurisdiction": {j: dict(c) for j, c in sorted(by_jurisdiction.items())},
                "unresolved": sum(1 for f in findings if not f["attributions"]),
                "conflicts": sum(len(f["conflicts"]) for f in findings),
                "flagged_landings": sum(1 for f in findings if f["flagged_landings"]),
                "paths": len(paths),
                "clean_paths": sum(1 for p in paths if p["clean"]),
            },
            "paths": paths,
            "findings": findings,
        }


class Assessor:
    def __init__(
        self,
        screener: Screener,
        context: Context,
        *,
        resolvers: Resolvers | None = None,
        book: PolicyBook | None = None,
        flag_landings: Iterable[str] = (),
    ) -> None:
        self.screener = screener
        self.context = context
        self.book = book or load_book()
        index = relation_index(screener)
        self.entities = index.by_id
        self.resolvers = resolvers or Resolvers.for_entities(entity for _, entity in index.by_id.values())
        self.flag_landings = landing_countries(flag_landings)
        self._cache: dict[tuple[Any, ...], tuple[CheckResult, dict[str, Any]]] = {}

    @property
    def distinct_checks(self) -> int:
        """Party checks actually run (the rest of the assets hit the cache)."""
        return len(self._cache)

    def assess(self, assets: Iterable[Asset], source: dict[str, Any] | None = None) -> Assessment:
        findings = tuple(self.assess_one(asset) for asset in assets)
        return Assessment(self.context, findings, source or {})

    def assess_one(self, asset: Asset) -> AssetFinding:
        attributions = tuple(self.resolvers.attribute(asset))
        activity = self.context.activity or ACTIVITY_BY_KIND.get(asset.kind)
        context = replace(self.context, activity=activity)
        parties = tuple(PartyResult(a, activity, *self._check(a, context)) for a in attributions if _screenable(a))
        return AssetFinding(asset, attributions, parties, self._landings(asset, attributions))

    def _check(self, attribution: Attribution, context: Context) -> tuple[CheckResult, dict[str, Any]]:
        known = self.entities.get(attribution.entity_id) if attribution.entity_id else None
        key: tuple[Any, ...]
        if known is not None:
            key = ("entity", attribution.entity_id, context.activity)
        else:
            key = ("party", attribution.party.casefold(), attribution.country, context.activity)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        if known is not None:
            version, entity = known
            result = check_entity(entity, context, self.screener, self.book, version=version)
        else:
            countries = (attribution.country,) if attribution.country else ()
            result = check(Party(attribution.party, countries=countries), context, self.screener, self.book)
        self._cache[key] = (result, result.to_dict())
        return self._cache[key]

    def _landings(self, asset: Asset, attributions: tuple[Attribution, ...]) -> tuple[str, ...]:
        if asset.kind is not AssetKind.CABLE or not self.flag_landings:
            return ()
        countries: set[str] = set()
        declared = asset.attribute("landing_countries")
        if declared:
            countries.update(c.strip().upper() for c in declared.replace(";", ",").split(",") if c.strip())
        for attribution in attributions:
            for key, value in attribution.details:
                if key == "landing_countries":
                    countries.update(c.strip() for c in value.split(",") if c.strip())
        return tuple(sorted(countries & self.flag_landings))


def landing_countries(values: Iterable[str]) -> frozenset[str]:
    """Countries whose cable landings are flagged, as names or ISO codes; an unknown one is an error."""
    codes = set()
    for value in values:
        if not value.strip():
            continue
        code = country_code(value.strip())
        if code is None:
            raise ConfigError(f"flag landing {value.strip()!r} is not a country name or ISO 3166 code")
        codes.add(code)
    return frozenset(codes)


def clean_paths(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The "clean path" check: a network path is clean when no hop resolves to a party that any
    jurisdiction restricts or flags (advisory included: the Clean Network lines name untrusted
    carriers). A traceroute file gives one path per destination (its hops are assets with a `hop`
    identifier); an inventory network_path is one path on its own."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for finding in findings:
        asset = finding["asset"]
        if asset["kind"] != AssetKind.NETWORK_PATH.value:
            continue
        if "hop" in asset["identifiers"]:
            source = asset["origin"].rsplit(" line ", 1)[0]
            key = (source, asset["attributes"].get("destination", ""))
        else:
            key = (asset["origin"], asset["name"])
        groups.setdefault(key, []).append(finding)
    paths = []
    for (source, name), hops in groups.items():
        flagged = [
            {
                "hop": hop["asset"]["identifiers"].get("hop"),
                "ip": hop["asset"]["identifiers"].get("ip"),
                "party": rule["party"],
                "jurisdiction": rule["jurisdiction"],
                "verdict": rule["verdict"],
                "rule_id": rule["rule_id"],
            }
            for hop in hops
            for rule in hop["rules"]
            if rule["verdict"] != Verdict.CLEAR.value
        ]
        paths.append({"source": source, "path": name, "hops": len(hops), "clean": not flagged, "flagged_hops": flagged})
    return paths


def _screenable(attribution: Attribution) -> bool:
    """A listed host with no entity, or a network known only by its country, names nobody to screen."""
    if attribution.role == "listed_domain":
        return False
    return ("scope", "country") not in attribution.details


def _recommendation(top: dict[str, Any] | None, landings: tuple[str, ...]) -> str:
    parts = []
    if top is not None and top["verdict"] != Verdict.CLEAR.value:
        parts.append(f"{top['jurisdiction']} {top['verdict'].replace('_', ' ')} ({top['rule_id']}): {top['action']}")
    if landings:
        parts.append(f"Lands in {', '.join(landings)}: review route diversity and the landing parties.")
    return " ".join(parts) or "No action: no listed party found behind this asset."
