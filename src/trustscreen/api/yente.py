"""yente-compatible routes: /match, /search, /entities, /catalog, /algorithms with yente's shapes.

Existing yente clients work unchanged against trustscreen. The scores are trustscreen's: a match is
`score >= threshold`, where the threshold defaults to trustscreen's 0.76 (not yente's 0.7) unless
the request passes `threshold`.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime
from typing import Annotated, Any

import pycountry
from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse

from trustscreen.api.auth import require
from trustscreen.api.errors import ApiError
from trustscreen.api.ftm import (
    SCHEMA_ANCESTORS,
    SCHEMA_KINDS,
    entity_schema,
    entity_to_ftm,
    parse_example,
    scored_to_ftm,
    topics,
)
from trustscreen.api.native import PRINTABLE
from trustscreen.api.schemas import (
    AlgorithmResponse,
    CatalogResponse,
    EntityMatchQuery,
    EntityMatchResponse,
    EntityResponse,
    ErrorResponse,
    SearchResponse,
)
from trustscreen.api.state import Snapshot, request_store, serving_state
from trustscreen.errors import ConfigError, StoreError
from trustscreen.matching import DEFAULT_THRESHOLD, Match
from trustscreen.matching.queries import build_query, query_to_dict
from trustscreen.store.keys import Role

router = APIRouter()

ALGORITHM = "trustscreen"
# yente's algorithm names are accepted so clients that name one keep working; all of them get
# trustscreen's matcher (the response header x-trustscreen-algorithm says so).
ALGORITHM_ALIASES = frozenset(
    {ALGORITHM, "best", "default", "logic-v1", "logic-v2", "name-based", "name-qualified", "regression-v1"}
)
MATCH_PAGE = 5
DEFAULT_CUTOFF = 0.5
_MAX_CANDIDATES = 100
_DOCS_URL = "docs/matching.md#4-entity-features-matchingscorerpy"
FEATURES: dict[str, tuple[str, float]] = {
    "name": ("Name similarity after transliteration, legal-form and token alignment (0–1).", 1.0),
    "identifier_equal": ("An identifier equals one of the entity's: raises the score to 0.97.", 0.97),
    "country_mismatch": ("Query countries and the entity's countries do not overlap.", -0.08),
    "birth_date_equal": ("Full birth date equal (persons).", 0.04),
    "birth_year_mismatch": ("Birth years more than a year apart (persons).", -0.2),
    "kind_mismatch": ("Person against organisation, vessel …", -0.25),
    "weak_alias": ("The best name is an OFAC weak a.k.a.", -0.25),
    "short_name": ("One token of four letters or fewer.", -0.12),
    "name_order": ("The name after bin/ben/ibn differs: another member of the family.", -0.25),
    "legal_form_conflict": ("Both names have legal forms and none is shared.", -0.1),
    "conflicting_parts": ("Each name has an identifying part the other lacks.", -0.12),
    "extra_country": ("An organisation name has a country word the other lacks.", -0.1),
}

_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse, "description": text}
    for code, text in (
        (400, "Invalid query"),
        (401, "No API key, or an unknown or revoked one"),
        (403, "The key's role does not allow this route"),
        (404, "Unknown dataset or entity"),
        (413, "Request body too large"),
        (422, "Request does not match the schema"),
        (503, "The screening index is still being built"),
    )
}

DatasetPath = Annotated[str, Path(min_length=1, max_length=200, pattern=PRINTABLE, examples=["default"])]
NameList = Annotated[list[Annotated[str, Query(max_length=200)]], Query(max_length=100)]


# ---- datasets ---------------------------------------------------------------------------------


def collections(snapshot: Snapshot) -> dict[str, list[str]]:
    """Named groups of lists: `default` (all), `curated`, and one per jurisdiction (`us`, `cn`, `un` …)."""
    groups: dict[str, list[str]] = {"default": sorted(snapshot.list_ids)}
    curated = sorted(v.list_id for v in snapshot.versions if v.source_format == "curated")
    if curated:
        groups["curated"] = curated
    for version in snapshot.versions:
        code = (version.jurisdiction or "").lower()
        if code and code not in snapshot.list_ids and code not in ("default", "curated"):
            groups.setdefault(code, []).append(version.list_id)
    return {name: sorted(children) for name, children in groups.items()}


def resolve(snapshot: Snapshot, name: str, field: str = "dataset") -> set[str]:
    if name in snapshot.list_ids:
        return {name}
    groups = collections(snapshot)
    if name in groups:
        return set(groups[name])
    raise ApiError(404, "not_found", f"Dataset not found: {name!r}; see /catalog", field)


def wanted_lists(snapshot: Snapshot, dataset: str, include: list[str], exclude: list[str]) -> set[str] | None:
    """The list ids to keep, or None for every list (no filter, the fastest path)."""
    lists = resolve(snapshot, dataset)
    if include:
        lists &= set().union(*(resolve(snapshot, name, "include_dataset") for name in include))
    for name in exclude:
        lists -= resolve(snapshot, name, "exclude_dataset")
    return None if lists == snapshot.list_ids else lists


def _since(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ApiError(
            400, "invalid_value", "changed_since: expected an ISO date or timestamp", "changed_since"
        ) from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _keep(
    match: Match,
    *,
    exclude_schema: set[str],
    topic_filter: set[str],
    exclude_ids: set[str],
    since: datetime | None,
) -> bool:
    if match.entity.id in exclude_ids or entity_schema(match.entity) in exclude_schema:
        return False
    if topic_filter and not topic_filter & set(topics(match.entity)):
        return False
    return not (since is not None and match.list_version is not None and match.list_version.loaded_at < since)


# ---- /match -----------------------------------------------------------------------------------


@router.post(
    "/match/{dataset}",
    summary="Query by example matcher (yente)",
    tags=["yente"],
    response_model=EntityMatchResponse,
    responses=_ERRORS,
)
async def match(
    dataset: DatasetPath,
    body: EntityMatchQuery,
    request: Request,
    _principal: Annotated[object, Depends(require(Role.SCREEN))],
    limit: Annotated[int, Query(ge=1, le=500, description="Results per query (at most 100 are returned).")] = (
        MATCH_PAGE
    ),
    threshold: Annotated[
        float | None, Query(ge=0.0, le=1.0, description="Match threshold; default trustscreen's 0.76.")
    ] = None,
    cutoff: Annotated[
        float, Query(ge=0.0, le=1.0, description="Candidates scoring at or below this are left out.")
    ] = DEFAULT_CUTOFF,
    algorithm: Annotated[str, Query(max_length=64)] = ALGORITHM,
    include_dataset: NameList = [],  # noqa: B006 - FastAPI copies query defaults
    exclude_schema: NameList = [],  # noqa: B006
    exclude_dataset: NameList = [],  # noqa: B006
    topics_filter: Annotated[NameList, Query(alias="topics")] = [],  # noqa: B006
    changed_since: Annotated[str | None, Query(max_length=40)] = None,
    exclude_entity_ids: Annotated[NameList, Query(max_length=50)] = [],  # noqa: B006
) -> JSONResponse:
    """Match entities given as FtM examples (`queries` of `schema` + `properties`), as yente does.

    Used properties: `name`, `alias`, `previousName` (or `firstName`…`lastName`), `birthDate`,
    `nationality`/`country`/`citizenship`/`jurisdiction`, and identifiers (`idNumber`,
    `registrationNumber`, `imoNumber`, `leiCode`, `innCode`, `taxNumber` …).
    """
    if algorithm not in ALGORITHM_ALIASES:
        raise ApiError(
            400,
            "bad_request",
            f"Invalid algorithm {algorithm!r}; expected one of {', '.join(sorted(ALGORITHM_ALIASES))}",
        )
    if body.config:
        key = next(iter(body.config))
        raise ApiError(
            400, "bad_request", f"Invalid configuration parameter: {key} for algorithm {ALGORITHM}", "config"
        )
    settings = request.app.state.settings
    if len(body.queries) > settings.max_batch:
        raise ApiError(
            422, "validation_error", f"Too many queries in one batch (limit: {settings.max_batch})", "queries"
        )
    if not body.queries:
        raise ApiError(400, "bad_request", "No queries provided.", "queries")
    snapshot = serving_state(request).snapshot()
    lists = wanted_lists(snapshot, dataset, include_dataset, exclude_dataset)
    used = DEFAULT_THRESHOLD if threshold is None else threshold
    floor = min(cutoff, used)
    page = min(limit, settings.max_limit)
    filters = {
        "exclude_schema": set(exclude_schema),
        "topic_filter": set(topics_filter),
        "exclude_ids": set(exclude_entity_ids),
        "since": _since(changed_since),
    }
    parsed = [parse_example(key, example) for key, example in body.queries.items()]
    responses: dict[str, Any] = {}
    asked: dict[str, Any] = {}
    result_ids: list[list[str]] = []
    for example in parsed:
        best = _screen_example(snapshot, example.queries, lists, page, used, filters)
        kept = [(m, name) for m, name in best if m.score > floor][:page]
        responses[example.key] = {
            "status": 200,
            "results": [scored_to_ftm(m, name, used) for m, name in kept],
            "total": {"value": sum(1 for m, _ in kept if m.score >= used), "relation": "eq"},
            "query": example.echo,
        }
        asked[example.key] = [query_to_dict(q) for q in example.queries]
        result_ids.append([m.entity.id for m, _ in kept])
        if len(parsed) > 1:
            await asyncio.sleep(0)  # let other requests in between the queries of a batch
    request.state.audit = (
        {
            "dataset": dataset,
            "queries": asked,
            "threshold": used,
            "cutoff": floor,
            "limit": page,
            "lists": lists_or_all(lists),
        },
        result_ids,
    )
    headers = {"x-batch-size": str(len(responses)), "x-trustscreen-algorithm": ALGORITHM}
    return JSONResponse({"responses": responses, "limit": page}, headers=headers)


def lists_or_all(lists: set[str] | None) -> list[str] | str:
    return sorted(lists) if lists is not None else "all"


def _screen_example(
    snapshot: Snapshot,
    queries: tuple[Any, ...],
    lists: set[str] | None,
    page: int,
    threshold: float,
    filters: dict[str, Any],
) -> list[tuple[Match, str]]:
    """Screen each name of the example; an entity found by several names keeps its best score (and the
    query name that gave it, for the explanation)."""
    best: dict[str, tuple[Match, str]] = {}
    # The screener's default number of candidates unless a filter or a long page needs more.
    floor = 40 if lists is not None else 10
    candidates = None if lists is None and page * 2 <= 10 else min(_MAX_CANDIDATES, max(floor, page * 2))
    for query in queries:
        found_all = snapshot.screen(
            query, limit=_MAX_CANDIDATES, threshold=threshold, lists=lists, candidates=candidates
        )
        for found in found_all:
            if not _keep(found, **filters):
                continue
            held = best.get(found.entity.id)
            if held is None or found.score > held[0].score:
                best[found.entity.id] = (found, query.name)
    return sorted(best.values(), key=lambda pair: (-pair[0].score, pair[0].entity.id))


# ---- /search ----------------------------------------------------------------------------------


@router.get(
    "/search/{dataset}",
    summary="Simple entity search (yente)",
    tags=["yente"],
    response_model=SearchResponse,
    responses=_ERRORS,
)
async def search(
    dataset: DatasetPath,
    request: Request,
    _principal: Annotated[object, Depends(require(Role.SCREEN))],
    q: Annotated[str, Query(max_length=500, description="Name to look for.")] = "",
    schema: Annotated[str, Query(max_length=64)] = "Thing",
    countries: NameList = [],  # noqa: B006
    topics_filter: Annotated[NameList, Query(alias="topics")] = [],  # noqa: B006
    datasets: NameList = [],  # noqa: B006
    include_dataset: NameList = [],  # noqa: B006
    exclude_dataset: NameList = [],  # noqa: B006
    exclude_schema: NameList = [],  # noqa: B006
    facets: NameList = [],  # noqa: B006
    limit: Annotated[int, Query(ge=0, le=500)] = 10,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
    fuzzy: bool = False,
    simple: bool = False,
    target: bool | None = None,
    changed_since: Annotated[str | None, Query(max_length=40)] = None,
) -> JSONResponse:
    """Names ranked by trustscreen's matcher (there is no full-text query syntax); filters as yente's.
    An empty `q` returns no results. `fuzzy` and `simple` are accepted and have no effect: matching is
    always fuzzy."""
    if schema not in SCHEMA_KINDS:
        raise ApiError(
            400, "bad_request", f"Invalid schema {schema!r}; expected one of {', '.join(SCHEMA_KINDS)}", "schema"
        )
    snapshot = serving_state(request).snapshot()
    lists = wanted_lists(snapshot, dataset, include_dataset + datasets, exclude_dataset)
    page = min(limit, request.app.state.settings.max_limit)
    found: list[Match] = []
    if q.strip() and target is not False:
        kind = SCHEMA_KINDS[schema]
        try:
            query = build_query(q, kind=kind.value if kind else None)
        except ConfigError as exc:
            raise ApiError(400, "invalid_value", str(exc), "q") from None
        depth = min(_MAX_CANDIDATES, max(10, offset + page))
        found = snapshot.screen(query, limit=depth, threshold=None, lists=lists, candidates=depth)
    wanted_countries = {c.lower() for c in countries}
    since = _since(changed_since)
    allowed = set(exclude_schema)
    kept = [
        m
        for m in found
        if schema in SCHEMA_ANCESTORS.get(entity_schema(m.entity), frozenset())
        and entity_schema(m.entity) not in allowed
        and (not wanted_countries or wanted_countries & {c.lower() for c in m.entity.countries})
        and _keep(m, exclude_schema=set(), topic_filter=set(topics_filter), exclude_ids=set(), since=since)
    ]
    request.state.audit = (
        {"dataset": dataset, "q": q, "schema": schema, "lists": lists_or_all(lists)},
        [[m.entity.id for m in kept[offset : offset + page]]],
    )
    return JSONResponse(
        {
            "results": [entity_to_ftm(m.entity, m.list_version) for m in kept[offset : offset + page]],
            "facets": _facets(kept, facets or ["countries", "topics", "datasets"], snapshot),
            "total": {"value": len(kept), "relation": "eq"},
            "limit": page,
            "offset": offset,
        }
    )


def _facets(matches: list[Match], names: list[str], snapshot: Snapshot) -> dict[str, Any]:
    counters: dict[str, Counter[str]] = {"countries": Counter(), "topics": Counter(), "datasets": Counter()}
    for m in matches:
        counters["countries"].update({c.lower() for c in m.entity.countries})
        counters["topics"].update(topics(m.entity))
        if m.list_version is not None:
            counters["datasets"].update([m.list_version.list_id])
    labels = {"countries": "Countries", "topics": "Topics", "datasets": "Data sources"}
    out = {}
    for name in names:
        if name not in counters:
            continue
        out[name] = {
            "label": labels[name],
            "values": [
                {"name": value, "label": _facet_label(name, value, snapshot), "count": count}
                for value, count in counters[name].most_common()
            ],
        }
    return out


def _facet_label(facet: str, value: str, snapshot: Snapshot) -> str:
    if facet == "countries":
        country = pycountry.countries.get(alpha_2=value.upper())
        return str(country.name) if country is not None else value
    if facet == "datasets":
        version = snapshot.version_of(value)
        return version.title if version is not None else value
    return value


# ---- /entities, /catalog, /algorithms ---------------------------------------------------------


@router.get(
    "/entities/{entity_id:path}",
    summary="Fetch an entity (yente)",
    tags=["yente"],
    response_model=EntityResponse,
    responses=_ERRORS,
)
def fetch_entity(
    entity_id: Annotated[str, Path(min_length=1, max_length=300, pattern=PRINTABLE)],
    request: Request,
    _principal: Annotated[object, Depends(require(Role.READ, may_open=True))],
    nested: bool = True,
) -> JSONResponse:
    """The entity as an FtM entity; with `nested` (default), its listings as nested Sanction entities."""
    try:
        version, entity = request_store(request).entity(entity_id)
    except StoreError:
        raise ApiError(404, "not_found", "No such entity!", "entity_id") from None
    return JSONResponse(entity_to_ftm(entity, version, nested=nested))


@router.get(
    "/catalog",
    summary="Datasets this server serves (yente)",
    tags=["yente"],
    response_model=CatalogResponse,
    responses=_ERRORS,
)
def catalog(
    request: Request,
    _principal: Annotated[object, Depends(require(Role.READ, may_open=True))],
) -> JSONResponse:
    """One dataset per list (its served version), plus the collections `default`, `curated` and one per
    jurisdiction. `outdated` names lists with a newer stored version the index has not switched to yet."""
    snapshot = serving_state(request).snapshot()
    latest = {v.list_id: v for v in request_store(request).latest_versions()}
    datasets: list[dict[str, Any]] = []
    outdated = []
    for version in snapshot.versions:
        stored = latest.get(version.list_id)
        current = stored is None or stored.id == version.id
        if not current:
            outdated.append(version.list_id)
        datasets.append(
            {
                "name": version.list_id,
                "title": version.title,
                "summary": f"{version.publisher}; as of {version.as_of or 'unknown'}",
                "url": version.source_url,
                "load": True,
                "entities_url": None,
                "version": _version_tag(version),
                "index_version": _version_tag(version),
                "index_current": current,
                "children": [],
                "entity_count": version.entity_count,
                "updated_at": version.loaded_at.isoformat(),
                "publisher": {"name": version.publisher, "country": _publisher_country(version.jurisdiction)},
            }
        )
    for name, children in collections(snapshot).items():
        datasets.append(
            {
                "name": name,
                "title": "All loaded lists" if name == "default" else f"Lists: {name}",
                "summary": None,
                "url": None,
                "load": True,
                "entities_url": None,
                "version": "-".join(str(i) for i in snapshot.fingerprint) or "empty",
                "index_version": None,
                "index_current": not any(c in outdated for c in children),
                "children": children,
                "entity_count": sum(v.entity_count for v in snapshot.versions if v.list_id in children),
                "updated_at": snapshot.built_at.isoformat(),
                "publisher": None,
            }
        )
    current_names = [d["name"] for d in datasets if d["index_current"]]
    return JSONResponse(
        {"datasets": datasets, "current": current_names, "outdated": outdated, "index_stale": bool(outdated)}
    )


def _version_tag(version: Any) -> str:
    return f"{version.loaded_at:%Y%m%d%H%M%S}-v{version.version}-{version.content_hash[:8]}"


def _publisher_country(jurisdiction: str | None) -> str | None:
    code = (jurisdiction or "").lower()
    return code if len(code) == 2 and code not in ("un", "eu") else None


@router.get(
    "/algorithms",
    summary="Matching algorithms (yente)",
    tags=["yente"],
    response_model=AlgorithmResponse,
    responses=_ERRORS,
)
async def algorithms(_principal: Annotated[object, Depends(require(Role.READ, may_open=True))]) -> JSONResponse:
    """trustscreen's matcher, with its features and their typical score contributions."""
    features = {
        name: {"description": text, "coefficient": weight, "url": _DOCS_URL}
        for name, (text, weight) in FEATURES.items()
    }
    description = (
        "trustscreen: transliteration, legal-form and token alignment, then feature deltas; "
        f"match at score >= threshold (default {DEFAULT_THRESHOLD})."
    )
    algorithm = {
        "name": ALGORITHM,
        "description": description,
        "features": features,
        "docs": {"name": ALGORITHM, "description": description, "config": {}, "features": features},
    }
    return JSONResponse({"algorithms": [algorithm], "default": ALGORITHM, "best": ALGORITHM})
