"""`trustscreen` command line: a thin shell over the library. Every read command takes --json."""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn

from trustscreen import catalog
from trustscreen.errors import ConfigError, TrustscreenError
from trustscreen.model import Entity
from trustscreen.settings import database_url_from, load_settings
from trustscreen.sources._common import iso_date
from trustscreen.store import Store

app = typer.Typer(
    help="Screen counterparties, apps, carriers and suppliers against sanctions, export-control and "
    "technology-trust lists.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
lists_app = typer.Typer(help="Load, inspect, compare and update lists.", no_args_is_help=True)
entities_app = typer.Typer(help="Look at listed entities.", no_args_is_help=True)
app.add_typer(lists_app, name="lists")
app.add_typer(entities_app, name="entities")

out = Console()
err = Console(stderr=True, soft_wrap=True)

P = ParamSpec("P")
R = TypeVar("R")

JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON instead of a table.")]
# The user's context, shared by `check` and `assess`.
AsOpt = Annotated[str, typer.Option("--as", help="Jurisdictions you are subject to, comma-separated (US,CN,IN,EU).")]
DateOpt = Annotated[str | None, typer.Option("--date", help="As of YYYY-MM-DD (default: today).")]
RoleOpt = Annotated[
    list[str] | None,
    typer.Option("--role", help="Your role: federal-agency, federal-contractor, usf-recipient, ...; repeatable."),
]
PackOpt = Annotated[list[Path] | None, typer.Option("--pack", help="Extra rule pack file or directory; repeatable.")]


class _State:
    db: str | None = None


_state = _State()


@app.callback()
def _main(
    db: Annotated[
        str | None,
        typer.Option("--db", help="Database URL or SQLite file path (default: $TRUSTSCREEN_DB or the user data dir)."),
    ] = None,
) -> None:
    _state.db = db


def _open_store() -> Store:
    settings = load_settings()
    url = database_url_from(_state.db) if _state.db else settings.database_url
    store = Store(url)
    # The embedded default: the curated bundle is there from the first command on.
    catalog.ensure_curated(store)
    return store


def _user_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Errors a user can cause become one clear line on stderr and exit code 2, never a traceback."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except TrustscreenError as exc:
            err.print(f"[bold red]error:[/] {exc}", highlight=False, markup=True)
            raise typer.Exit(2) from None

    return wrapper


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


# ---- lists -----------------------------------------------------------------------------------


@lists_app.command("load")
@_user_errors
def lists_load(
    path: Annotated[Path, typer.Argument(help="A list file, or a folder holding a file set (OFAC CSV).")],
    fmt: Annotated[
        str | None,
        typer.Option("--format", "-f", help="Source format; detected from the file when unambiguous."),
    ] = None,
    as_of: Annotated[str | None, typer.Option(help="Date of the data (YYYY-MM-DD) when the file has none.")] = None,
    mapping: Annotated[
        str | None,
        typer.Option(help='custom-csv column mapping, e.g. "name=Company Name,aliases=AKA,country=Country,id=Ref".'),
    ] = None,
    list_id: Annotated[
        str | None, typer.Option(help="List id for a custom-csv list (default: from the file name).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Load a list file as a new immutable version (same bytes twice: no-op)."""
    if as_of is not None and iso_date(as_of, ("%Y-%m-%d",)) is None:
        raise ConfigError(f"--as-of {as_of!r}; expected a date YYYY-MM-DD")
    store = _open_store()
    with err.status(f"Loading {path} …", spinner="dots"):
        result = catalog.load_path(store, path, fmt, as_of=as_of, mapping=mapping, list_id=list_id)
    if as_json:
        _print_json({"created": result.created, "version": result.version.to_dict()})
        return
    v = result.version
    if result.created:
        out.print(
            f"Loaded [bold]{v.list_id}[/] version {v.version}: {v.entity_count} entities, "
            f"{v.name_count} names, {v.listing_count} listings (as of {v.as_of or 'unknown'})."
        )
    else:
        out.print(f"Unchanged: these bytes are already {v.list_id} version {v.version}; nothing written.")


@lists_app.command("ls")
@_user_errors
def lists_ls(
    all_versions: Annotated[bool, typer.Option("--all", help="Every version, not only the latest.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Loaded lists with their latest version, date and counts."""
    store = _open_store()
    versions = store.versions() if all_versions else store.latest_versions()
    if as_json:
        _print_json({"lists": [v.to_dict() for v in versions]})
        return
    from rich.table import Table

    table = Table("list", "ver", "jurisdiction", "as of", "entities", "names", "listings", "format", "loaded")
    for v in versions:
        table.add_row(
            v.list_id,
            str(v.version),
            v.jurisdiction or "",
            v.as_of or "",
            str(v.entity_count),
            str(v.name_count),
            str(v.listing_count),
            v.source_format,
            v.loaded_at.strftime("%Y-%m-%d %H:%M"),
        )
    out.print(table)


@lists_app.command("show")
@_user_errors
def lists_show(
    list_id: Annotated[str, typer.Argument(help="List id, e.g. us-ofac-sdn (see `lists ls`).")],
    version: Annotated[int | None, typer.Option(help="Version number (default: latest).")] = None,
    limit: Annotated[int, typer.Option(help="How many entities to list.")] = 20,
    as_json: JsonOpt = False,
) -> None:
    """One list version: metadata, counts by kind and program, and its first entities."""
    store = _open_store()
    v = store.version(list_id, version)
    kinds: Counter[str] = Counter()
    programs: Counter[str] = Counter()
    sample: list[Entity] = []
    for entity in store.entities(v.id):
        kinds[entity.kind.value] += 1
        for listing in entity.listings:
            programs[listing.program or listing.list_id] += 1
        if len(sample) < limit:
            sample.append(entity)
    if as_json:
        _print_json(
            {
                "version": v.to_dict(),
                "kinds": dict(kinds.most_common()),
                "programs": dict(programs.most_common()),
                "entities": [{"entity_id": e.id, "name": e.primary_name, "kind": e.kind.value} for e in sample],
            }
        )
        return
    out.print(f"[bold]{v.list_id}[/] — {v.title}")
    out.print(
        f"version {v.version} · as of {v.as_of or 'unknown'} · {v.jurisdiction or '-'} · {v.publisher} · "
        f"format {v.source_format}\nsource {v.source_url or '-'} · licence {v.licence or '-'}\n"
        f"sha256 {v.content_hash} · files {', '.join(v.files)}"
    )
    out.print("kinds: " + ", ".join(f"{k} {n}" for k, n in kinds.most_common()))
    out.print("programs: " + ", ".join(f"{k} {n}" for k, n in programs.most_common(15)))
    for entity in sample:
        out.print(f"  {entity.id}  {entity.primary_name}  [dim]({entity.kind.value})[/]")


@lists_app.command("diff")
@_user_errors
def lists_diff(
    list_id: Annotated[str, typer.Argument(help="List id.")],
    old: Annotated[int | None, typer.Argument(help="Older version (default: the one before the latest).")] = None,
    new: Annotated[int | None, typer.Argument(help="Newer version (default: the latest).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Entities added, removed and changed (with the changed fields) between two versions."""
    store = _open_store()
    diff = store.diff(list_id, old, new)
    if as_json:
        _print_json(diff.to_dict())
        return
    out.print(
        f"[bold]{list_id}[/] v{diff.old.version} → v{diff.new.version}: {len(diff.added)} added, "
        f"{len(diff.removed)} removed, {len(diff.changed)} changed"
    )
    for entity in diff.added:
        out.print(f"[green]+ {entity.id}  {entity.primary_name}[/]")
    for entity in diff.removed:
        out.print(f"[red]- {entity.id}  {entity.primary_name}[/]")
    for change in diff.changed:
        out.print(f"[yellow]~ {change.entity_id}  {change.name}[/]  ({', '.join(change.fields)})")


@lists_app.command("update")
@_user_errors
def lists_update(
    list_ids: Annotated[list[str] | None, typer.Argument(help="Official list ids (default: all).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Download official lists from their official URLs (TRUSTSCREEN_*_URL to override) and load them."""
    store = _open_store()
    settings = load_settings()
    with Progress(
        TextColumn("{task.description}"), BarColumn(), DownloadColumn(), console=err, transient=True
    ) as progress:
        tasks: dict[str, Any] = {}

        def on_progress(name: str, received: int, total: int | None) -> None:
            if name not in tasks:
                tasks[name] = progress.add_task(name, total=total)
            progress.update(tasks[name], completed=received)

        outcomes = catalog.update(store, settings, list_ids or None, on_progress=on_progress)
    if as_json:
        _print_json(
            {
                "results": [
                    {
                        "list_id": o.list_id,
                        "ok": o.error is None,
                        "created": o.result.created if o.result else None,
                        "version": o.result.version.to_dict() if o.result else None,
                        "error": o.error,
                    }
                    for o in outcomes
                ]
            }
        )
    else:
        for o in outcomes:
            if o.result:
                state = "new version" if o.result.created else "unchanged"
                out.print(f"{o.list_id}: {state} {o.result.version.version} ({o.result.version.entity_count} entities)")
            else:
                err.print(f"[red]{o.list_id}: failed: {o.error}[/]", highlight=False)
    if any(o.error for o in outcomes):
        raise typer.Exit(1)


# ---- entities and screening ------------------------------------------------------------------


@entities_app.command("show")
@_user_errors
def entities_show(
    entity_id: Annotated[str, typer.Argument(help="Entity id, e.g. us-ofac-sdn:36.")],
    as_json: JsonOpt = False,
) -> None:
    """Every stored field of one entity, with the list version it comes from."""
    store = _open_store()
    version, entity = store.entity(entity_id)
    if as_json:
        _print_json({"list": version.to_dict(), "entity": entity.to_dict()})
        return
    from trustscreen.cli.render import render_entity

    out.print(render_entity(entity, version))


@app.command("screen")
@_user_errors
def screen(
    name: Annotated[str, typer.Argument(help="Name to screen (any script).")],
    kind: Annotated[
        str | None, typer.Option(help="person, organization, vessel, aircraft, app, network, equipment.")
    ] = None,
    country: Annotated[list[str] | None, typer.Option(help="Country (ISO code or name); repeatable.")] = None,
    dob: Annotated[str | None, typer.Option(help="Birth date YYYY[-MM[-DD]] (persons).")] = None,
    ident: Annotated[list[str] | None, typer.Option("--id", help="Identifier [SCHEME:]VALUE; repeatable.")] = None,
    list_ids: Annotated[list[str] | None, typer.Option("--list", help="Only these list ids; repeatable.")] = None,
    threshold: Annotated[float | None, typer.Option(help="Match threshold in [0, 1] (default 0.76).")] = None,
    limit: Annotated[int, typer.Option(help="How many candidates to show.")] = 10,
    as_json: JsonOpt = False,
) -> None:
    """Screen a name (with optional kind, countries, birth date, identifiers) against the loaded lists."""
    from trustscreen.cli.render import render_matches
    from trustscreen.matching import Screener
    from trustscreen.matching.queries import build_query, query_to_dict

    query = build_query(name, kind=kind, countries=country or [], dob=dob, identifiers=ident or [])
    if threshold is not None and not 0.0 <= threshold <= 1.0:
        raise ConfigError(f"--threshold {threshold} is outside [0, 1]")
    store = _open_store()
    screener = Screener.from_store(store, lists=list_ids or None)
    matches = screener.screen(query, limit=limit, threshold=threshold)
    used = screener.threshold if threshold is None else threshold
    if as_json:
        _print_json(
            {
                "query": query_to_dict(query),
                "threshold": used,
                "lists": [v.to_dict() for v in screener.versions if v is not None],
                "matches": [m.to_dict() for m in matches],
            }
        )
        return
    out.print(render_matches(query.name, matches, used))


@app.command("check")
@_user_errors
def check_command(
    name: Annotated[str, typer.Argument(help="Party, app or supplier to check (any script).")],
    as_: AsOpt = "US",
    activity: Annotated[
        str | None,
        typer.Option(
            help="export, reexport, transfer, import, procurement, payment, investment, app-deployment, "
            "data-transfer, hosting, services (default: any)."
        ),
    ] = None,
    eccn: Annotated[str | None, typer.Option(help="ECCN of the item (e.g. 3B001) or EAR99.")] = None,
    on: DateOpt = None,
    role: RoleOpt = None,
    owner: Annotated[list[str] | None, typer.Option(help="An owner of the party, NAME[=PERCENT]; repeatable.")] = None,
    kind: Annotated[str | None, typer.Option(help="person, organization, app, ... of the party.")] = None,
    country: Annotated[list[str] | None, typer.Option(help="Country of the party; repeatable.")] = None,
    pack: PackOpt = None,
    list_ids: Annotated[list[str] | None, typer.Option("--list", help="Only these list ids; repeatable.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """What must you do about a party, in each jurisdiction you are subject to, and where rules collide."""
    from trustscreen.cli.render import render_check
    from trustscreen.matching import Screener
    from trustscreen.matching.queries import build_query
    from trustscreen.policy import Party, check, load_book, make_context, parse_owner

    book = load_book(pack or [])
    context = make_context(as_.split(","), book=book, activity=activity, eccn=eccn, on=on, roles=role or [])
    query = build_query(name, kind=kind, countries=country or [])
    party = Party(query.name, kind, query.countries, tuple(parse_owner(o) for o in owner or []))
    store = _open_store()
    screener = Screener.from_store(store, lists=list_ids or None)
    data = check(party, context, screener, book).to_dict()
    if as_json:
        _print_json(data)
        return
    out.print(render_check(data))


@app.command("assess")
@_user_errors
def assess_command(
    input_path: Annotated[
        Path,
        typer.Argument(
            metavar="INPUT", help="Inventory (.yaml/.csv), CycloneDX JSON SBOM, pm list packages or traceroute."
        ),
    ],
    as_: AsOpt = "US",
    output_format: Annotated[str, typer.Option("--format", help="table (terminal), json, md or html.")] = "table",
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write the report here.")] = None,
    fail_on: Annotated[
        str | None,
        typer.Option(help="Exit 1 when any asset is at least: prohibited, licence, restricted, reporting, advisory."),
    ] = None,
    input_type: Annotated[
        str | None, typer.Option("--type", help="inventory, sbom, packages or traceroute (default: detected).")
    ] = None,
    activity: Annotated[
        str | None, typer.Option(help="One activity for every asset (default: inferred from the asset kind).")
    ] = None,
    role: RoleOpt = None,
    on: DateOpt = None,
    network: Annotated[
        list[Path] | None,
        typer.Option(help="Network table file or folder (operator prefix lists, ASN lists, cloud ranges); repeatable."),
    ] = None,
    cables: Annotated[Path | None, typer.Option(help="TeleGeography-style cable data folder.")] = None,
    apps: Annotated[Path | None, typer.Option(help="Community Android package list (p_name/a_name JSON).")] = None,
    hosts: Annotated[list[Path] | None, typer.Option(help="Listed hosts/URLs, one per line; repeatable.")] = None,
    brands: Annotated[
        Path | None, typer.Option(help="Your own brand table (same YAML format as the bundled one).")
    ] = None,
    flag_landing: Annotated[
        str | None, typer.Option(help="Flag cables landing in these countries, comma-separated (e.g. CN,HK,MO).")
    ] = None,
    pack: PackOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Assess a whole stack: who is behind each asset, what each jurisdiction requires, and a summary."""
    from trustscreen.assessment.engine import FAIL_LEVELS, Assessor, landing_countries
    from trustscreen.assessment.inputs import INPUT_TYPES, read_assets
    from trustscreen.assessment.report import to_html, to_markdown
    from trustscreen.assessment.resolve import Resolvers
    from trustscreen.assets.android import load_community_list
    from trustscreen.assets.brands import load_table
    from trustscreen.assets.cables import load_cables
    from trustscreen.assets.network import NetworkResolver
    from trustscreen.matching import Screener
    from trustscreen.policy import load_book, make_context
    from trustscreen.policy.graph import relation_index

    if as_json:
        output_format = "json"
    if output_format not in ("table", "json", "md", "html"):
        raise ConfigError(f"--format {output_format!r}; expected table, json, md or html")
    if fail_on is not None and fail_on not in FAIL_LEVELS:
        raise ConfigError(f"--fail-on {fail_on!r}; expected one of {', '.join(FAIL_LEVELS)}")
    if input_type is not None and input_type not in INPUT_TYPES:
        raise ConfigError(f"--type {input_type!r}; expected one of {', '.join(INPUT_TYPES)}")
    landings = landing_countries((flag_landing or "").split(","))
    book = load_book(pack or [])
    context = make_context(as_.split(","), book=book, activity=activity, on=on, roles=role or [])
    assets, described = read_assets(input_path, input_type)
    screener = Screener.from_store(_open_store())
    entities = [entity for _, entity in relation_index(screener).by_id.values()]
    resolvers = Resolvers.for_entities(entities)
    if network:
        resolvers.network = NetworkResolver(network)
    if cables is not None:
        resolvers.cables = load_cables(cables)
    if apps is not None:
        resolvers.community_apps = load_community_list(apps)
    if brands is not None:
        resolvers.brands = load_table(brands)
    for host_list in hosts or []:
        resolvers.domains.add_host_list(host_list)
    assessor = Assessor(screener, context, resolvers=resolvers, book=book, flag_landings=landings)
    assessment = assessor.assess(assets, described)
    data = assessment.to_dict()
    if output_format == "json":
        text = json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n"
    elif output_format == "md":
        text = to_markdown(data)
    elif output_format == "html":
        text = to_html(data)
    else:
        text = ""
    if output is not None:
        output.write_text(text or to_markdown(data), encoding="utf-8")
        err.print(f"wrote {output} ({data['summary']['assets']} assets, worst: {data['summary']['worst']})")
    elif output_format == "table":
        from trustscreen.cli.render import render_assessment

        out.print(render_assessment(data))
    else:
        sys.stdout.write(text)
    if fail_on is not None and assessment.fails(fail_on):
        raise typer.Exit(1)


@app.command("screen-file")
@_user_errors
def screen_file_command(
    input_path: Annotated[Path, typer.Argument(help="CSV, JSONL, Parquet or XLSX file, one party per row.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Result file; .csv, .jsonl, .parquet or .xlsx.")],
    name_column: Annotated[
        str | None, typer.Option(help="Column holding the name (default: name, full_name, company …).")
    ] = None,
    kind: Annotated[str | None, typer.Option(help="Kind for every row: person, organization …")] = None,
    kind_column: Annotated[str | None, typer.Option(help="Column holding each row's kind.")] = None,
    country_column: Annotated[
        str | None, typer.Option(help="Column holding countries (several split by ; or |).")
    ] = None,
    dob_column: Annotated[str | None, typer.Option(help="Column holding birth dates YYYY[-MM[-DD]].")] = None,
    id_column: Annotated[
        str | None, typer.Option(help="Column holding identifiers [SCHEME:]VALUE (split by ; or |).")
    ] = None,
    list_ids: Annotated[list[str] | None, typer.Option("--list", help="Only these list ids; repeatable.")] = None,
    threshold: Annotated[
        float | None, typer.Option(help="Match threshold in [0, 1] (default: the matcher's, as for screen).")
    ] = None,
    limit: Annotated[int, typer.Option(help="Hits kept per row in JSONL output (ts_hits).")] = 10,
    workers: Annotated[int | None, typer.Option(help="Worker processes (default: min(2, CPU count)).")] = None,
    restart: Annotated[
        bool, typer.Option("--restart", help="Discard an earlier run's checkpoint and start from row 1.")
    ] = False,
    input_format: Annotated[
        str | None, typer.Option(help="csv, jsonl, parquet or xlsx (default: from the extension).")
    ] = None,
    sheet: Annotated[str | None, typer.Option(help="XLSX sheet name (default: the first).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Screen every row of a file; writes the rows back with ts_* result columns. Resumes after a crash."""
    from trustscreen.batch import BatchOptions, screen_file
    from trustscreen.batch.checkpoint import checkpoint_path

    options = BatchOptions(
        name_column=name_column,
        kind=kind,
        kind_column=kind_column,
        country_column=country_column,
        dob_column=dob_column,
        id_column=id_column,
        lists=tuple(list_ids or ()),
        threshold=threshold,
        limit=limit,
        workers=workers,
        restart=restart,
        input_format=input_format,
        sheet=sheet,
    )
    store = _open_store()
    # No auto-refresh: a refresh thread alive while the worker pool forks is unsafe.
    progress = Progress(
        TextColumn("screening"),
        BarColumn(),
        TextColumn("{task.completed:,.0f}/{task.total:,.0f} rows · {task.fields[rate]}"),
        console=err,
        transient=True,
        auto_refresh=False,
        disable=not err.is_terminal,
    )
    task = progress.add_task("rows", total=0, rate="")
    seen: dict[str, float] = {}

    def on_progress(done: int, total: int) -> None:
        now = time.monotonic()
        seen.setdefault("start", now)
        seen.setdefault("first", done)
        elapsed = now - seen["start"]
        rate = f"{(done - seen['first']) / elapsed:,.0f} rows/s" if elapsed > 0 else ""
        progress.update(task, completed=done, total=total, rate=rate, refresh=True)

    try:
        with progress:
            summary = screen_file(store, input_path, output, options, on_progress=on_progress)
    except KeyboardInterrupt:
        err.print(
            f"interrupted: finished rows are kept in {checkpoint_path(output)}; run the same command again to resume",
            highlight=False,
        )
        raise typer.Exit(130) from None
    if as_json:
        _print_json(summary.to_dict())
        return
    out.print(
        f"{summary.rows} rows: {summary.matched} matched, {summary.errors} with errors → {summary.output} "
        f"({summary.rows_per_s} rows/s, {summary.resumed} resumed from checkpoint)",
        highlight=False,
    )


@app.command("compare")
@_user_errors
def compare_names(
    a: Annotated[str, typer.Argument(help="First name.")],
    b: Annotated[str, typer.Argument(help="Second name.")],
    kind: Annotated[str | None, typer.Option(help="person, organization, vessel …")] = None,
    threshold: Annotated[float | None, typer.Option(help="Match threshold (default 0.76).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Score two names against each other and say why."""
    from trustscreen.matching import DEFAULT_THRESHOLD, compare
    from trustscreen.matching.queries import parse_kind

    result = compare(a, b, kind=parse_kind(kind), threshold=DEFAULT_THRESHOLD if threshold is None else threshold)
    if as_json:
        _print_json({"a": a, "b": b, **result.to_dict()})
        return
    verdict = "[bold red]MATCH[/]" if result.match else "[green]no match[/]"
    out.print(f"{verdict}  score {result.score:.3f} (threshold {result.threshold:.2f})")
    for feature in result.features:
        out.print(f"  {feature.name:<20} {feature.delta:+.3f}  {feature.detail}")


@app.command("scan")
@_user_errors
def scan_command(
    source: Annotated[str, typer.Argument(help="Document to scan, or - for standard input.")],
    fmt: Annotated[
        str,
        typer.Option("--format", "-f", help="auto, text, md, html, pdf, docx, eml, mt103 or pacs008."),
    ] = "auto",
    threshold: Annotated[float | None, typer.Option(help="Match threshold in [0, 1] (default 0.76).")] = None,
    list_ids: Annotated[list[str] | None, typer.Option("--list", help="Only these list ids; repeatable.")] = None,
    encoding: Annotated[
        str | None, typer.Option(help="Text encoding of a file that declares none (default: UTF-8).")
    ] = None,
    max_mb: Annotated[float, typer.Option("--max-mb", help="Refuse documents larger than this (MB).")] = 50.0,
    html_out: Annotated[
        Path | None, typer.Option("--html", help="Also write an HTML report: the document with findings highlighted.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Find the passages of a document (text, Markdown, HTML, PDF, DOCX, e-mail, MT103, pacs.008) that name
    listed parties."""
    from rich.table import Table

    from trustscreen.matching import Screener
    from trustscreen.scanning import scanner_for
    from trustscreen.scanning.extract import read_document
    from trustscreen.scanning.report import render_report

    if threshold is not None and not 0.0 <= threshold <= 1.0:
        raise ConfigError(f"--threshold {threshold} is outside [0, 1]")
    if max_mb <= 0:
        raise ConfigError(f"--max-mb {max_mb} must be positive")
    document = read_document(source, fmt, encoding=encoding, max_bytes=int(max_mb * 1024 * 1024))
    screener = Screener.from_store(_open_store(), lists=list_ids or None)
    scanner = scanner_for(screener)
    hits = scanner.scan(document.text, document.fields or None, threshold=threshold)
    used = scanner.threshold if threshold is None else threshold
    versions = [v for v in screener.versions if v is not None]
    if html_out is not None:
        html_out.write_text(render_report(document, hits, threshold=used, lists=versions), encoding="utf-8")
    if as_json:
        _print_json(
            {
                "source": document.source,
                "format": document.format,
                "characters": len(document.text),
                "threshold": used,
                "lists": [v.to_dict() for v in versions],
                "hits": [h.to_dict() for h in hits],
                "report": str(html_out) if html_out else None,
            }
        )
        return
    if not hits:
        out.print(f"No listed party named in {document.source} ({len(document.text):,} characters).", highlight=False)
    else:
        table = Table("where", "text", "listed party", "entries", "score", "lists")
        spans: dict[tuple[int, int], list[Any]] = {}
        for hit in hits:
            spans.setdefault((hit.start, hit.end), []).append(hit)
        for (start, _end), group in spans.items():
            first = group[0]
            line = document.text.count("\n", 0, start) + 1
            table.add_row(
                f"{first.field + ' ' if first.field else ''}line {line}",
                " ".join(first.text.split()),
                "\n".join(dict.fromkeys(h.entity.primary_name for h in group)),
                "\n".join(h.entity.id for h in group),
                f"{max(h.score for h in group):.2f}",
                ", ".join(sorted({x.list_id for h in group for x in h.entity.listings})),
            )
        out.print(table)
        out.print(f"{len(hits)} hit(s) in {document.source}.", highlight=False)
    if html_out is not None:
        out.print(f"Report written to {html_out}", highlight=False)


bench_app = typer.Typer(help="Quality and speed benchmarks.", no_args_is_help=True)
app.add_typer(bench_app, name="bench")


@bench_app.command("pairs")
@_user_errors
def bench_pairs(
    path: Annotated[Path, typer.Argument(help="CSV with columns schema,name1,name2,is_match.")],
    threshold: Annotated[float | None, typer.Option(help="Match threshold (default 0.76).")] = None,
    split: Annotated[str, typer.Option(help="all, fit or holdout (a stable half of the rows).")] = "all",
    errors: Annotated[int, typer.Option(help="Include up to N misclassified pairs in the output.")] = 0,
    as_json: JsonOpt = False,
) -> None:
    """Precision, recall and F1 of the matcher on labelled name pairs."""
    from trustscreen.bench import evaluate, read_pairs
    from trustscreen.matching import DEFAULT_THRESHOLD

    if split not in ("all", "fit", "holdout"):
        raise ConfigError(f"--split {split!r}; expected all, fit or holdout")
    result = evaluate(
        read_pairs(path),
        threshold=DEFAULT_THRESHOLD if threshold is None else threshold,
        split=split,
        errors=errors,
    )
    if as_json:
        _print_json(result)
        return
    out.print(
        f"{result['pairs']} pairs · precision {result['precision']:.3f} · recall {result['recall']:.3f} · "
        f"F1 {result['f1']:.3f} · {result['pairs_per_s']} pairs/s (threshold {result['threshold']})"
    )
    for wrong in result.get("errors", []):
        out.print(
            f"  line {wrong['line']}: {wrong['name1']!r} vs {wrong['name2']!r} "
            f"expected {wrong['is_match']} score {wrong['score']}"
        )


# ---- HTTP API and its keys ------------------------------------------------------------------

keys_app = typer.Typer(help="API keys for `trustscreen serve` (stored hashed, each with a role).", no_args_is_help=True)
app.add_typer(keys_app, name="keys")


@keys_app.command("create")
@_user_errors
def keys_create(
    role: Annotated[str, typer.Option(help="read (lists, entities), screen (+ screening) or admin (+ audit).")],
    label: Annotated[str | None, typer.Option(help="What the key is for, shown by `keys ls`.")] = None,
) -> None:
    """Create an API key. It is printed once, alone on the last line, and cannot be shown again."""
    from trustscreen.store.keys import create_key, parse_role

    wanted = parse_role(role)
    store = _open_store()
    record, key = create_key(store.engine, wanted, label)
    out.print(
        f"Created API key {record.id} (prefix {record.prefix}, role {record.role.value}). "
        "Store it now: it is not shown again.",
        highlight=False,
        soft_wrap=True,
    )
    # Plain write: the key must stay one unwrapped line, whatever the terminal width.
    sys.stdout.write(key + "\n")


@keys_app.command("ls")
@_user_errors
def keys_ls(as_json: JsonOpt = False) -> None:
    """API keys: id, prefix, role, label, created and revoked times (never the keys themselves)."""
    from trustscreen.store.keys import list_keys

    keys = list_keys(_open_store().engine)
    if as_json:
        _print_json({"keys": [k.to_dict() for k in keys]})
        return
    from rich.table import Table

    table = Table("id", "prefix", "role", "label", "created", "revoked")
    for k in keys:
        revoked = k.revoked_at.strftime("%Y-%m-%d %H:%M") if k.revoked_at else ""
        table.add_row(
            str(k.id), k.prefix, k.role.value, k.label or "", k.created_at.strftime("%Y-%m-%d %H:%M"), revoked
        )
    out.print(table)


@keys_app.command("revoke")
@_user_errors
def keys_revoke(
    key_id: Annotated[str, typer.Argument(help="Key id or prefix (see `keys ls`).")],
    as_json: JsonOpt = False,
) -> None:
    """Revoke an API key for good (running servers stop accepting it within a few seconds)."""
    from trustscreen.store.keys import revoke_key

    record = revoke_key(_open_store().engine, key_id)
    if as_json:
        _print_json(record.to_dict())
        return
    out.print(f"Revoked API key {record.id} (prefix {record.prefix}, role {record.role.value}).", highlight=False)


@app.command("serve")
@_user_errors
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Worker processes sharing the store.")] = 1,
    open_read: Annotated[
        bool, typer.Option("--open-read", help="Let GET routes that only read lists and entities answer without a key.")
    ] = False,
    access_log: Annotated[bool, typer.Option(help="Log every request (uvicorn access log).")] = True,
    log_level: Annotated[str, typer.Option(help="critical, error, warning, info or debug.")] = "info",
) -> None:
    """Run the HTTP API (native /v1 routes and yente-compatible routes) under uvicorn."""
    import os

    import uvicorn

    from trustscreen.api.settings import ApiSettings

    settings = load_settings()
    url = database_url_from(_state.db) if _state.db else settings.database_url
    # Migrate and load the curated bundle once, here, rather than racing in every worker.
    _open_store().close()
    # Workers are separate processes: they read their settings from the environment.
    os.environ["TRUSTSCREEN_DB"] = url
    if open_read:
        os.environ["TRUSTSCREEN_API_OPEN_READ"] = "1"
    ApiSettings.from_env()  # a bad TRUSTSCREEN_API_* value fails here, once, with exit code 2
    if log_level not in ("critical", "error", "warning", "info", "debug"):
        raise ConfigError(f"--log-level {log_level!r}; expected critical, error, warning, info or debug")
    uvicorn.run(
        "trustscreen.api.app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=access_log,
        log_level=log_level,
    )


def main() -> None:  # pragma: no cover - console entry point
    app()
