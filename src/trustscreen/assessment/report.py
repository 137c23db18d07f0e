"""Assessment reports for people: Markdown for tickets and pull requests, HTML for a non-engineer.

The HTML report is one self-contained file (no network, no external scripts): a summary with a bar
chart of assets by verdict, a table that sorts by any column and filters by text, and each asset's
evidence (who is behind it, which rule, the citation and the recommended action) one click away.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

VERDICT_LABELS = {
    "prohibited": "Prohibited",
    "licence_required": "Licence required",
    "restricted": "Restricted",
    "reporting_required": "Reporting required",
    "advisory": "Advisory",
    "clear": "Clear",
}
VERDICT_COLOURS = {
    "prohibited": "#b3261e",
    "licence_required": "#d9480f",
    "restricted": "#e8a200",
    "reporting_required": "#8a6d00",
    "advisory": "#1c7ed6",
    "clear": "#2b8a3e",
}


def to_markdown(data: dict[str, Any]) -> str:
    summary, context = data["summary"], data["context"]
    lines = [
        "# Technology stack assessment",
        "",
        f"Input: `{data['input'].get('path', '-')}` ({data['input'].get('type', '?')}); "
        f"subject to {', '.join(context['jurisdictions'])}; as of {context['date']}; "
        f"activity {context['activity'] or 'inferred per asset kind'}.",
        "",
        f"**{summary['assets']} assets, worst verdict: {VERDICT_LABELS[summary['worst']]}.**",
        "",
        "| Verdict | Assets |",
        "|---|---|",
        *(f"| {VERDICT_LABELS[v]} | {n} |" for v, n in summary["by_verdict"].items() if n),
        "",
        f"Unresolved assets (no party found behind them): {summary['unresolved']}. "
        f"Conflicts between jurisdictions: {summary['conflicts']}. "
        f"Cables landing in flagged countries: {summary['flagged_landings']}. "
        f"Clean network paths: {summary['clean_paths']} of {summary['paths']}.",
        "",
        *(
            f"- Path {_md(p['path'] or p['source'])}: "
            + (
                "clean"
                if p["clean"]
                else "NOT clean: "
                + "; ".join(
                    f"hop {h['hop'] or '?'} {h['ip'] or ''} {_md(h['party'])} ({h['jurisdiction']} {h['verdict']})"
                    for h in p["flagged_hops"]
                )
            )
            for p in data.get("paths", [])
        ),
        "",
        "## Findings",
        "",
        "| Verdict | Kind | Asset | Behind it | Rule | Recommended action |",
        "|---|---|---|---|---|---|",
    ]
    for finding in data["findings"]:
        if finding["verdict"] == "clear" and not finding["flagged_landings"]:
            continue
        top = finding["rules"][0] if finding["rules"] else None
        rule = f"{top['jurisdiction']} {top['rule_id']}" if top else ""
        lines.append(
            f"| {VERDICT_LABELS[finding['verdict']]} | {finding['asset']['kind']} | {_md(finding['asset']['name'])} | "
            f"{_md(behind(finding))} | {rule} | {_md(finding['recommended_action'])} |"
        )
    lines += ["", "## Evidence", ""]
    for finding in data["findings"]:
        if not finding["rules"] and not finding["flagged_landings"]:
            continue
        lines.append(f"### {_md(finding['asset']['name'])} ({finding['asset']['kind']}, {finding['asset']['origin']})")
        lines.append("")
        for attribution in finding["attributions"]:
            lines.append(f"- {attribution['role']}: **{_md(attribution['party'])}** — {_md(attribution['evidence'])}")
        for rule in finding["rules"]:
            match = rule["evidence"].get("match")
            via = f" via {match['entity_id']} (score {match['score']:.2f})" if match else ""
            lines.append(
                f"- {rule['jurisdiction']} **{VERDICT_LABELS[rule['verdict']]}**: {_md(rule['title'])}{via}; "
                f"{_md(rule['citation'])}; <{rule['source_url']}>"
            )
        lines.append("")
    return "\n".join(lines) + "\n"


def behind(finding: dict[str, Any], limit: int = 4) -> str:
    """Who is behind an asset, the parties that triggered a rule first; long owner lists are cut."""
    flagged = list(dict.fromkeys(rule["party"] for rule in finding["rules"]))
    others = [p for p in dict.fromkeys(a["party"] for a in finding["attributions"]) if p not in flagged]
    shown = flagged + others[: max(limit - len(flagged), 0)]
    rest = len(flagged) + len(others) - len(shown)
    return ", ".join(shown) + (f" +{rest} more" if rest else "") if shown else "—"


def _md(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def to_html(data: dict[str, Any]) -> str:
    summary, context = data["summary"], data["context"]
    total = max(summary["assets"], 1)
    bars = []
    for verdict, count in summary["by_verdict"].items():
        width = 100 * count / total
        bars.append(
            f'<div class="bar"><span class="label">{VERDICT_LABELS[verdict]}</span>'
            f'<span class="track"><span class="fill" style="width:{width:.1f}%;'
            f'background:{VERDICT_COLOURS[verdict]}"></span></span>'
            f'<span class="count">{count}</span></div>'
        )
    rows = []
    rank = {v: i for i, v in enumerate(VERDICT_LABELS)}
    for index, finding in enumerate(data["findings"]):
        verdict = finding["verdict"]
        top = finding["rules"][0] if finding["rules"] else None
        rows.append(
            f'<tr data-i="{index}">'
            f'<td data-sort="{rank[verdict]}"><span class="pill" style="background:{VERDICT_COLOURS[verdict]}">'
            f"{VERDICT_LABELS[verdict]}</span></td>"
            f"<td>{escape(finding['asset']['kind'])}</td>"
            f"<td>{escape(finding['asset']['name'])}</td>"
            f"<td>{escape(behind(finding))}</td>"
            f"<td>{escape(', '.join(f'{j}: {VERDICT_LABELS[v]}' for j, v in finding['verdicts'].items()))}</td>"
            f"<td>{escape(top['rule_id'] if top else '')}</td>"
            f"<td>{escape(finding['recommended_action'])}</td>"
            f"</tr>"
            f'<tr class="evidence" hidden><td colspan="7">{_evidence_html(finding)}</td></tr>'
        )
    return _PAGE.format(
        title="Technology stack assessment",
        input=escape(f"{data['input'].get('path', '-')} ({data['input'].get('type', '?')})"),
        jurisdictions=escape(", ".join(context["jurisdictions"])),
        date=escape(context["date"]),
        activity=escape(context["activity"] or "inferred per asset kind"),
        assets=summary["assets"],
        worst=VERDICT_LABELS[summary["worst"]],
        worst_colour=VERDICT_COLOURS[summary["worst"]],
        unresolved=summary["unresolved"],
        conflicts=summary["conflicts"],
        landings=summary["flagged_landings"],
        clean_paths=escape(f"{summary['clean_paths']} / {summary['paths']}"),
        bars="".join(bars),
        rows="".join(rows),
        data=escape(json.dumps(summary, ensure_ascii=False)),
    )


def _evidence_html(finding: dict[str, Any]) -> str:
    parts = [f"<p><b>Where:</b> {escape(finding['asset']['origin'])}</p>"]
    if finding["attributions"]:
        items = "".join(
            f"<li>{escape(a['role'])}: <b>{escape(a['party'])}</b> — {escape(a['evidence'])}</li>"
            for a in finding["attributions"]
        )
        parts.append(f"<p><b>Who is behind it</b></p><ul>{items}</ul>")
    else:
        parts.append("<p>No party could be attributed to this asset with the loaded data.</p>")
    if finding["rules"]:
        rule_items: list[str] = []
        for rule in finding["rules"]:
            match = rule["evidence"].get("match")
            listing = rule["evidence"].get("listing", {})
            via = (
                f" — matched <b>{escape(match['name'])}</b> ({escape(match['entity_id'])}, score {match['score']:.2f})"
                f" on {escape(listing.get('list_id', ''))}"
                + (f", listed {escape(listing['listed_on'])}" if listing.get("listed_on") else "")
                if match
                else ""
            )
            path = "".join(
                f"<br>↳ {escape(s['owned'])} owned by {escape(s['owner'])}"
                + (f" ({s['share']:g}%)" if s["share"] is not None else "")
                for s in rule["evidence"].get("path", [])
            )
            rule_items.append(
                f'<li><span class="pill" style="background:{VERDICT_COLOURS[rule["verdict"]]}">'
                f"{rule['jurisdiction']} {VERDICT_LABELS[rule['verdict']]}</span> "
                f"<b>{escape(rule['title'])}</b>{via}{path}<br>"
                f'<i>{escape(rule["citation"])}</i> — <a href="{escape(rule["source_url"])}">source</a><br>'
                f"What to do: {escape(rule['action'])}"
                + (f"<br>Review policy: {escape(rule['review_policy'])}" if rule["review_policy"] else "")
                + "".join(f"<br>Note: {escape(n)}" for n in rule["notes"])
                + "</li>"
            )
        parts.append(f"<p><b>Rules</b></p><ul>{''.join(rule_items)}</ul>")
    if finding["flagged_landings"]:
        parts.append(f"<p><b>Lands in flagged countries:</b> {escape(', '.join(finding['flagged_landings']))}</p>")
    for conflict in finding["conflicts"]:
        parts.append(
            f'<p class="conflict"><b>Conflict {escape(" vs ".join(conflict["jurisdictions"]))}:</b> '
            f"{escape(conflict['summary'])}</p>"
        )
    return "".join(parts)


_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body {{ font: 15px/1.45 system-ui, sans-serif; margin: 2rem; color: #1d1d1f; }}
h1 {{ margin: 0 0 .3rem; }} .meta {{ color: #555; margin-bottom: 1.2rem; }}
.cards {{ display: flex; gap: 1rem; flex-wrap: wrap; margin-bottom: 1.2rem; }}
.card {{ border: 1px solid #ddd; border-radius: 8px; padding: .7rem 1rem; min-width: 9rem; }}
.card b {{ display: block; font-size: 1.5rem; }}
.chart {{ max-width: 40rem; margin-bottom: 1.5rem; }}
.bar {{ display: flex; align-items: center; gap: .5rem; margin: .2rem 0; }}
.bar .label {{ width: 10rem; }} .bar .count {{ width: 3rem; text-align: right; }}
.track {{ flex: 1; background: #f1f1f1; height: 1rem; border-radius: 4px; overflow: hidden; }}
.fill {{ display: block; height: 100%; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border-bottom: 1px solid #e5e5e5; padding: .45rem .5rem; text-align: left; vertical-align: top; }}
th {{ cursor: pointer; background: #fafafa; position: sticky; top: 0; user-select: none; }}
th[aria-sort=ascending]::after {{ content: " ▲"; }} th[aria-sort=descending]::after {{ content: " ▼"; }}
tr[data-i] {{ cursor: pointer; }} tr[data-i]:hover {{ background: #f7f9fc; }}
tr.evidence td {{ background: #fbfbfd; }}
.pill {{ color: #fff; border-radius: 999px; padding: .05rem .55rem; font-size: .85em; white-space: nowrap; }}
.conflict {{ color: #862e9c; }} #filter {{ padding: .35rem .5rem; width: 20rem; margin-bottom: .6rem; }}
</style></head><body>
<h1>{title}</h1>
<div class="meta">Input {input} · subject to {jurisdictions} · as of {date} · activity: {activity}</div>
<div class="cards">
<div class="card">Assets<b>{assets}</b></div>
<div class="card">Worst verdict<b style="color:{worst_colour}">{worst}</b></div>
<div class="card">Unresolved<b>{unresolved}</b></div>
<div class="card">Conflicts<b>{conflicts}</b></div>
<div class="card">Flagged cable landings<b>{landings}</b></div>
<div class="card">Clean network paths<b>{clean_paths}</b></div>
</div>
<h2>Assets by verdict</h2>
<div class="chart" id="chart">{bars}</div>
<h2>Assets</h2>
<input id="filter" type="search" placeholder="Filter assets…" aria-label="Filter assets">
<p class="meta">Click a column to sort; click a row for its evidence.</p>
<table id="assets"><thead><tr>
<th data-col="0">Verdict</th><th data-col="1">Kind</th><th data-col="2">Asset</th><th data-col="3">Behind it</th>
<th data-col="4">By jurisdiction</th><th data-col="5">Rule</th><th data-col="6">Recommended action</th>
</tr></thead><tbody>{rows}</tbody></table>
<script type="application/json" id="summary">{data}</script>
<script>
(function () {{
  const table = document.getElementById("assets");
  const body = table.tBodies[0];
  const pairs = () => Array.from(body.querySelectorAll("tr[data-i]")).map(r => [r, r.nextElementSibling]);
  table.tHead.addEventListener("click", e => {{
    const th = e.target.closest("th"); if (!th) return;
    const col = +th.dataset.col;
    const dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
    table.tHead.querySelectorAll("th").forEach(h => h.removeAttribute("aria-sort"));
    th.setAttribute("aria-sort", dir);
    const key = r => {{
      const c = r.cells[col];
      return c.dataset.sort !== undefined ? +c.dataset.sort : c.textContent.toLowerCase();
    }};
    const sign = dir === "ascending" ? 1 : -1;
    const sorted = pairs().sort((a, b) => {{
      const x = key(a[0]), y = key(b[0]);
      return (x < y ? -1 : x > y ? 1 : 0) * sign;
    }});
    sorted.forEach(([r, ev]) => {{ body.appendChild(r); body.appendChild(ev); }});
  }});
  body.addEventListener("click", e => {{
    const row = e.target.closest("tr[data-i]"); if (!row || e.target.closest("a")) return;
    row.nextElementSibling.hidden = !row.nextElementSibling.hidden;
  }});
  document.getElementById("filter").addEventListener("input", e => {{
    const q = e.target.value.toLowerCase();
    pairs().forEach(([r, ev]) => {{
      const show = r.textContent.toLowerCase().includes(q);
      r.hidden = !show;
      if (!show) ev.hidden = true;
    }});
  }});
}})();
</script>
</body></html>
"""
