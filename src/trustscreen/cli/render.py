"""Rich renderings shared by CLI commands."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

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
        parts = [address.full, address.street, address.city, address.region, address.postal_code, address.country]
        lines.append(Text("address: " + ", ".join(p for p in parts if p)))
    for relation in entity.relations:
        share = f" {relation.share}%" if relation.share is not None else ""
        lines.append(Text(f"{relation.kind.value}{share}: {relation.target_name} {relation.target_id or ''}"))
    if entity.remarks:
        lines.append(Text(f"remarks: {entity.remarks}"))
    if entity.source_url:
        lines.append(Text(f"source: {entity.source_url} (as of {entity.as_of or 'unknown'})"))
    return Group(*lines, render_listings(entity))
