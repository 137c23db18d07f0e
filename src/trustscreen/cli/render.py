"""Rich renderings shared by CLI commands."""

from __future__ import annotations

from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text

from trustscreen.matching.screener import Match
from trustscreen.model import Entity
from trustscreen.store import ListVersion


def render_listings(entity: Entity) -> Table:
    table = Table("list", "program", "jurisdiction", "listed", "status", "licence / policy", "citation", "source")
    for listing in entity.listings:
        policy = " / ".join(p for p in (listing.licence_requirement, listing.licence_review_policy) if p)
        table.add_row(
            listing.list_id,
            listing.program or "",
            listing.jurisdiction or "",
            listing.listed_on or "",
            listing.status or "",
            policy,
            listing.citation or "",
            listing.source_url or "",
        )
    return table


def render_entity(entity: Entity, version: ListVersion) -> Group:
    lines = [
        Text.from_markup(f"[bold]{entity.primary_name}[/]  ({entity.kind.value})  {entity.id}"),
        Text(f"from {version.list_id} version {version.version}, as of {version.as_of or 'unknown'}"),
    ]
    if entity.unconfirmed:
        lines.append(Text("UNCONFIRMED: the curator could not confirm this entry against a primary source.", "yellow"))
    for name in entity.names[1:]:
        script = f" [{name.script}]" if name.script else ""
        lines.append(Text(f"  {name.kind.value}: {name.value}{script}"))
    if entity.countries:
        lines.append(Text(f"countries: {', '.join(entity.countries)}"))
    if entity.birth_dates:
        lines.append(Text(f"birth dates: {', '.join(entity.birth_dates)}"))
    for ident in entity.identifiers:
        lines.append(Text(f"id {ident.scheme}: {ident.value}" + (f" ({ident.country})" if ident.country else "")))
    for address in entity.addresses:
        parts = [
            address.full,
            address.street,
            address.city,
            address.region,
            address.postal_code,
            address.country,
        ]
        lines.append(Text("address: " + ", ".join(p for p in parts if p)))
    for relation in entity.relations:
        share = f" {relation.share}%" if relation.share is not None else ""
        lines.append(Text(f"{relation.kind.value}{share}: {relation.target_name} {relation.target_id or ''}"))
    if entity.remarks:
        lines.append(Text(f"remarks: {entity.remarks}"))
    if entity.source_url:
        lines.append(Text(f"source: {entity.source_url} (as of {entity.as_of or 'unknown'})"))
    return Group(*lines, render_listings(entity))


def render_matches(name: str, matches: list[Match], threshold: float) -> Group:
    hits = [m for m in matches if m.match]
    header = (
        Text.from_markup(f"[bold red]{len(hits)} match(es)[/] for {name!r} (threshold {threshold:.2f})")
        if hits
        else Text.from_markup(f"[green]No match[/] for {name!r} at threshold {threshold:.2f}")
    )
    table = Table("score", "", "name", "matched on", "kind", "lists · programs · since", "why")
    for m in matches:
        listings = "; ".join(
            " ".join(p for p in (li.list_id, li.program or "", li.listed_on or "", li.status or "") if p)
            for li in m.entity.listings
        )
        why = "; ".join(f"{f.name} {f.delta:+.2f}" for f in m.features if f.name != "name" and f.delta)
        name_feature = next((f for f in m.features if f.name == "name"), None)
        detail = name_feature.detail if name_feature else ""
        table.add_row(
            f"{m.score:.3f}",
            "[bold red]MATCH[/]" if m.match else "",
            f"{m.entity.primary_name}\n[dim]{m.entity.id}[/]",
            m.matched_name,
            m.entity.kind.value,
            listings,
            f"{detail}{'; ' + why if why else ''}",
        )
    return Group(header, table)


_VERDICT_STYLES = {
    "prohibited": "bold red",
    "licence_required": "bold red",
    "restricted": "bold yellow",
    "reporting_required": "yellow",
    "advisory": "cyan",
    "clear": "green",
}


def render_check(data: dict[str, Any]) -> Group:
    """The `check` answer for a terminal: one verdict per jurisdiction, its rules, then conflicts."""
    parts: list[Any] = []
    context = data["context"]
    header = Text(f"{data['query']['name']}", style="bold")
    header.append(
        f"  as {', '.join(context['jurisdictions'])}; activity {context['activity'] or 'any'}"
        + (f"; ECCN {context['eccn']}" if context["eccn"] else "")
        + (f"; roles {', '.join(context['roles'])}" if context["roles"] else "")
        + f"; on {context['date']}",
        style="dim",
    )
    parts.append(header)
    for jurisdiction, result in data["verdicts"].items():
        verdict = result["verdict"]
        table = Table(
            title=Text.assemble(f"{jurisdiction}: ", (verdict.replace("_", " "), _VERDICT_STYLES[verdict])),
            title_justify="left",
            show_lines=True,
            expand=True,
        )
        table.add_column("Verdict", no_wrap=True)
        table.add_column("Rule")
        table.add_column("Why (evidence)")
        table.add_column("What to do")
        for finding in result["findings"]:
            table.add_row(
                Text(finding["verdict"].replace("_", " "), style=_VERDICT_STYLES[finding["verdict"]]),
                f"{finding['title']}\n[dim]{finding['citation']}[/]",
                _evidence_text(finding),
                finding["action"]
                + (f"\nReview policy: {finding['review_policy']}" if finding["review_policy"] else "")
                + "".join(f"\nNote: {note}" for note in finding["notes"]),
            )
        for item in result["history"]:
            table.add_row(Text("history", style="dim"), item["title"], Text(item["reason"], style="dim"), "")
        if result["findings"] or result["history"]:
            parts.append(table)
        else:
            parts.append(Text.assemble(f"{jurisdiction}: ", ("clear", "green"), " (no rule applies)"))
    for conflict in data["conflicts"]:
        rules = ", ".join(f"{r['jurisdiction']} {r['rule_id']}" for r in conflict["rules"])
        parts.append(
            Text(f"CONFLICT {' vs '.join(conflict['jurisdictions'])}: {conflict['summary']}", style="bold magenta")
        )
        parts.append(Text(f"  rules: {rules}\n  {conflict['action']}", style="magenta"))
    return Group(*parts)


def _evidence_text(finding: dict[str, Any]) -> str:
    evidence = finding["evidence"]
    lines = []
    match = evidence.get("match")
    if match:
        listing = evidence.get("listing", {})
        lines.append(f"{match['name']} ({match['entity_id']}, score {match['score']:.2f})")
        lines.append(
            f"{listing.get('list_id')}: {listing.get('program') or ''} {listing.get('listed_on') or ''}".strip()
        )
    for step in evidence.get("path", []):
        share = f"{step['share']:g}%" if step["share"] is not None else "share unknown"
        lines.append(f"{step['owned']} ← owned by {step['owner']} ({share}; {step['source']})")
    for foreign in evidence.get("foreign_findings", []):
        lines.append(f"because {foreign['jurisdiction']} {foreign['rule_id']} = {foreign['verdict']}")
    if evidence["trigger"] == "activity":
        lines.append("the activity and role given")
    return "\n".join(lines)


def render_assessment(data: dict[str, Any]) -> Group:
    """`assess` on a terminal: the summary, then every asset that is not clear."""
    from trustscreen.assessment.report import behind

    summary = data["summary"]
    counts = ", ".join(f"{n} {v.replace('_', ' ')}" for v, n in summary["by_verdict"].items() if n)
    head = Text.assemble(
        (f"{summary['assets']} assets", "bold"),
        " — worst: ",
        (summary["worst"].replace("_", " "), _VERDICT_STYLES[summary["worst"]]),
        f" ({counts}); unresolved {summary['unresolved']}, conflicts {summary['conflicts']}",
    )
    table = Table(show_lines=False, expand=True)
    for column in ("Verdict", "Kind", "Asset", "Behind it", "Rule", "Recommended action"):
        table.add_column(column)
    for finding in data["findings"]:
        if finding["verdict"] == "clear" and not finding["flagged_landings"]:
            continue
        top = finding["rules"][0] if finding["rules"] else None
        table.add_row(
            Text(finding["verdict"].replace("_", " "), style=_VERDICT_STYLES[finding["verdict"]]),
            finding["asset"]["kind"],
            finding["asset"]["name"],
            behind(finding),
            f"{top['jurisdiction']} {top['rule_id']}" if top else "",
            finding["recommended_action"],
        )
    return Group(head, table)
