"""Self-contained HTML report: the document with findings highlighted and a list of findings beside it.

Written for a compliance officer, not an engineer: each finding says which listed party the
highlighted words name, on which lists (program, authority, date, source link), how sure the match
is and why. Everything from the document or the lists is HTML-escaped; only http(s) links are kept.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from trustscreen.scanning.extract import Document
from trustscreen.scanning.scanner import Hit
from trustscreen.store import ListVersion

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1d2330;background:#f5f6f8}
header{background:#1d2330;color:#fff;padding:16px 24px}
header h1{margin:0 0 4px;font-size:20px}
header p{margin:2px 0;color:#c9cfdb;font-size:14px}
.layout{display:grid;grid-template-columns:minmax(0,3fr) minmax(320px,2fr);gap:20px;padding:20px 24px}
.doc,.side{background:#fff;border:1px solid #dde1e8;border-radius:8px;padding:16px 20px}
.doc pre{white-space:pre-wrap;word-wrap:break-word;font:15px/1.6 Georgia,serif;margin:0}
mark{background:#ffd86b;padding:0 2px;border-radius:3px}
mark.high{background:#ff9c8a}
mark a{color:inherit;text-decoration:none}
.side h2{font-size:17px;margin:0 0 12px}
.finding{border-top:1px solid #eceef2;padding:12px 0}
.finding h3{font-size:15px;margin:0 0 6px}
.quote{font-style:italic;color:#5b6475}
.score{display:inline-block;font-weight:600;border-radius:10px;padding:1px 8px;font-size:13px;background:#ffe9a8}
.score.high{background:#ffc2b6}
table{border-collapse:collapse;width:100%;font-size:13px;margin:6px 0}
td,th{border:1px solid #e3e6ec;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#f1f3f6}
details{font-size:13px;color:#3d4556}
.none{color:#2e7d32;font-weight:600}
.note{font-size:12px;color:#6b7385;margin-top:16px}
.unconfirmed{color:#b26a00;font-weight:600}
"""
HIGH_SCORE = 0.95


@dataclass(frozen=True, slots=True)
class _Group:
    start: int
    end: int
    hits: tuple[Hit, ...]


def render_report(
    document: Document,
    hits: Sequence[Hit],
    *,
    threshold: float,
    lists: Sequence[ListVersion | None] = (),
) -> str:
    groups = _groups(hits)
    entities = {h.entity.id for h in hits}
    title = f"Screening report: {document.source}"
    summary = (
        f"{len(groups)} passage(s) name {len(entities)} list entr{'y' if len(entities) == 1 else 'ies'}"
        if groups
        else "No listed party found"
    )
    loaded = ", ".join(f"{v.list_id} v{v.version} ({v.as_of or 'date unknown'})" for v in lists if v is not None)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>",
        f"<header><h1>{_e(title)}</h1><p>{_e(summary)} · format {_e(document.format)} · "
        f"match threshold {threshold:.0%} · generated {datetime.now(UTC):%Y-%m-%d %H:%M} UTC</p>",
        f"<p>Lists checked: {_e(loaded or 'the lists given to the scanner')}</p></header>",
        '<div class="layout"><section class="doc"><pre>',
        _highlighted(document.text, groups),
        '</pre></section><aside class="side">',
        f"<h2>Findings ({len(groups)})</h2>",
    ]
    if not groups:
        parts.append('<p class="none">No passage of this document names a party on the lists checked.</p>')
    for number, group in enumerate(groups, start=1):
        parts.append(_finding(number, group, document.text))
    parts.append(
        '<p class="note">A finding means the highlighted words look like the name of a listed party; a person '
        "must confirm it is the same party (address, country, dates) before acting. The score says how "
        "closely the words match the listed name (100% = identical), the explanation why.</p>"
    )
    parts.append("</aside></div></body></html>\n")
    return "".join(parts)


def _groups(hits: Sequence[Hit]) -> list[_Group]:
    """Overlapping hits become one highlighted passage."""
    groups: list[_Group] = []
    for hit in sorted(hits, key=lambda h: (h.start, -h.end)):
        if groups and hit.start < groups[-1].end:
            last = groups[-1]
            groups[-1] = _Group(last.start, max(last.end, hit.end), (*last.hits, hit))
        else:
            groups.append(_Group(hit.start, hit.end, (hit,)))
    return groups


def _highlighted(text: str, groups: list[_Group]) -> str:
    out = []
    position = 0
    for number, group in enumerate(groups, start=1):
        best = max(h.score for h in group.hits)
        names = "; ".join(sorted({h.entity.primary_name for h in group.hits}))
        css = "high" if best >= HIGH_SCORE else ""
        out.append(_e(text[position : group.start]))
        out.append(
            f'<mark id="m{number}" class="{css}" title="{_e(names)} ({best:.0%})">'
            f'<a href="#f{number}">{_e(text[group.start : group.end])}</a></mark>'
        )
        position = group.end
    out.append(_e(text[position:]))
    return "".join(out)


def _finding(number: int, group: _Group, text: str) -> str:
    first = group.hits[0]
    where = f" in {first.field_label or first.field}" if first.field else ""
    if first.field and first.field_label and first.field_label != first.field:
        where = f" in {first.field} ({first.field_label})"
    line = text.count("\n", 0, group.start) + 1
    parts = [
        f'<div class="finding" id="f{number}"><h3><a href="#m{number}">#{number}</a> '
        f'<span class="quote">“{_e(text[group.start : group.end])}”</span></h3>',
        f"<div>line {line}{_e(where)}</div>",
    ]
    for hit in sorted(group.hits, key=lambda h: (-h.score, h.entity.id)):
        parts.append(_entity_block(hit))
    parts.append("</div>")
    return "".join(parts)


def _entity_block(hit: Hit) -> str:
    css = "high" if hit.score >= HIGH_SCORE else ""
    entity = hit.entity
    parts = [
        f"<p><strong>{_e(entity.primary_name)}</strong> ({_e(entity.kind.value)}, <code>{_e(entity.id)}</code>) "
        f'<span class="score {css}">{hit.score:.0%}</span>',
    ]
    if hit.matched_name != entity.primary_name:
        parts.append(f"<br>matched the listed name “{_e(hit.matched_name)}”")
    if entity.unconfirmed:
        parts.append('<br><span class="unconfirmed">entry not confirmed by a primary source</span>')
    parts.append("</p>")
    listings = entity.to_dict().get("listings", [])
    if listings:
        parts.append("<table><tr><th>list</th><th>program</th><th>authority</th><th>listed</th><th>status</th></tr>")
        for listing in listings:
            parts.append(_listing_row(listing))
        parts.append("</table>")
    parts.append("<details><summary>why this score</summary><ul>")
    for feature in hit.features:
        parts.append(f"<li>{_e(feature.name)} {feature.delta:+.2f}: {_e(feature.detail)}</li>")
    parts.append("</ul></details>")
    return "".join(parts)


def _listing_row(listing: dict[str, Any]) -> str:
    source = listing.get("source_url") or ""
    list_cell = _e(str(listing.get("list_id", "")))
    if source.startswith(("https://", "http://")):
        list_cell = f'<a href="{_e(source)}" rel="noopener noreferrer">{list_cell}</a>'
    cells = [
        list_cell,
        _e(str(listing.get("program") or "")),
        _e(str(listing.get("jurisdiction") or "")),
        _e(str(listing.get("listed_on") or "")),
        _e(str(listing.get("status") or "")),
    ]
    return "<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"


def _e(value: str) -> str:
    return html.escape(value, quote=True)
