"""The native API (/v1): the CLI's commands over HTTP, answering with the CLI's `--json` shapes."""

from __future__ import annotations

import asyncio
import hashlib
import importlib
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse

from trustscreen.api.auth import require
from trustscreen.api.errors import ApiError
from trustscreen.api.schemas import (
    AssessRequest,
    AssessResult,
    AuditResult,
    CheckRequest,
    CheckResult,
    CompareRequest,
    CompareResult,
    DiffResult,
    EntityResult,
    ErrorResponse,
    ListsResult,
    OwnerIn,
    QueryIn,
    ScanRequest,
    ScanResult,
    ScreenBatchResult,
    ScreenRequest,
    ScreenResult,
    VersionsResult,
)
from trustscreen.api.state import Snapshot, request_store, serving_state
from trustscreen.errors import ConfigError, SourceError, TrustscreenError
from trustscreen.matching import DEFAULT_THRESHOLD, compare
from trustscreen.matching import Query as ScreenQuery
from trustscreen.matching.queries import build_query, parse_kind, query_to_dict
from trustscreen.policy import Holding, Party, check, load_book, make_context
from trustscreen.store.audit import recent
from trustscreen.store.keys import Role

router = APIRouter(prefix="/v1")

_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse, "description": text}
    for code, text in (
        (400, "A value that cannot be used (unknown country, list, kind …)"),
        (401, "No API key, or an unknown or revoked one"),
        (403, "The key's role does not allow this route"),
        (404, "Unknown list, version or entity"),
        (413, "Request body too large"),
        (422, "Request does not match the schema (missing field, too long, too many)"),
        (503, "The screening index is still being built"),
    )
}
# With a filter on lists, more candidates are retrieved so the filter still leaves enough to rank.
_FILTERED_CANDIDATES = 40

# No control characters: PostgreSQL refuses NUL in text, and no id has any.
PRINTABLE = r"^[^\x00-\x1f\x7f]+$"
EntityId = Annotated[str, Path(min_length=1, max_length=300, pattern=PRINTABLE, examples=["un:IQi.001"])]
ListIdPath = Annotated[str, Path(min_length=1, max_length=200, pattern=PRINTABLE, examples=["un-sc"])]


# build_query's and make_context's messages start with the field they are about.
_MESSAGE_FIELDS = (
    ("name", "name"),
    ("country", "countries"),
    ("birth date", "birth_date"),
    ("identifier", "identifiers"),
    ("kind", "kind"),
    ("jurisdiction", "jurisdictions"),
    ("no jurisdiction", "jurisdictions"),
    ("activity", "activity"),
    ("ECCN", "eccn"),
    ("date", "date"),
    ("role", "roles"),
    ("flag landing", "flag_landing"),
)


def _field_of(message: str) -> str | None:
    for start, field in _MESSAGE_FIELDS:
        if message.startswith(start):
            return field
    return None


def build_queries(items: list[QueryIn], *, batch: bool) -> list[ScreenQuery]:
    queries = []
    for position, item in enumerate(items):
        try:
            queries.append(
                build_query(
                    item.name,
                    kind=item.kind,
                    countries=item.countries,
                    dob=item.birth_date,
                    identifiers=item.identifiers,
                )
            )
        except ConfigError as exc:
            field = _field_of(str(exc))
            where = f"queries.{position}." if batch else ""
            message = f"query {position}: {exc}" if batch else str(exc)
            raise ApiError(400, "invalid_value", message, f"{where}{field}" if field else None) from None
    return queries


def check_lists(snapshot: Snapshot, wanted: list[str], field: str = "lists") -> None:
    unknown = sorted(set(wanted) - snapshot.list_ids)
    if unknown:
        known = ", ".join(sorted(snapshot.list_ids)) or "none loaded"
        raise ApiError(400, "invalid_value", f"unknown list(s) {', '.join(unknown)}; loaded lists: {known}", field)


@router.post(
    "/screen",
    summary="Screen one name or a batch",
    tags=["Screening"],
    responses={200: {"model": ScreenResult | ScreenBatchResult, "description": "Ranked candidates"}, **_ERRORS},
)
async def screen(
    body: ScreenRequest,
    request: Request,
    _principal: Annotated[object, Depends(require(Role.SCREEN))],
) -> JSONResponse:
    """Screen a name (`name` with optional `kind`, `countries`, `birth_date`, `identifiers`) or a batch of
    up to 1,000 (`queries`) against the loaded lists. The single-query answer is exactly
    `trustscreen screen --json`; a batch answers `{threshold, lists, results: [{query, threshold, matches}]}`.
    """
    snapshot = serving_state(request).snapshot()
    settings = request.app.state.settings
    items = body.query_items()
    if len(items) > settings.max_batch:
        raise ApiError(
            422, "validation_error", f"queries: at most {settings.max_batch} per request, got {len(items)}", "queries"
        )
    check_lists(snapshot, body.lists)
    queries = build_queries(items, batch=body.queries is not None)
    used = snapshot.screener.threshold if body.threshold is None else body.threshold
    wanted = set(body.lists) or None
    # Without a filter, the screener's own number of candidates: the same answer as the CLI's.
    candidates = _FILTERED_CANDIDATES if wanted else None
    versions = snapshot.versions_json(wanted)
    results = []
    for query in queries:
        matches = snapshot.screen(
            query, limit=body.limit, threshold=body.threshold, lists=wanted, candidates=candidates
        )
        results.append((query, matches))
        if len(queries) > 1:
            await asyncio.sleep(0)  # let other requests in between the queries of a batch
    request.state.audit = (
        {
            "queries": [query_to_dict(q) for q, _ in results],
            "lists": body.lists,
            "threshold": used,
            "limit": body.limit,
        },
        [[m.entity.id for m in matches] for _, matches in results],
    )
    if body.queries is None:
        query, matches = results[0]
        single = {
            "query": query_to_dict(query),
            "threshold": used,
            "lists": versions,
            "matches": [snapshot.match_json(m) for m in matches],
        }
        return JSONResponse(single)
    batch = [
        {"query": query_to_dict(q), "threshold": used, "matches": [snapshot.match_json(m) for m in ms]}
        for q, ms in results
    ]
    return JSONResponse({"threshold": used, "lists": versions, "results": batch})


@router.post(
    "/check",
    summary="Verdicts per jurisdiction, required actions and conflicts for one party",
    tags=["Policy"],
    responses={200: {"model": CheckResult}, **_ERRORS},
)
async def check_party(
    body: CheckRequest,
    request: Request,
    _principal: Annotated[object, Depends(require(Role.SCREEN))],
) -> JSONResponse:
    """Screen the party (and any declared owners) and evaluate every rule pack for the user's
    jurisdictions, activity, ECCN, roles and date. The answer is exactly `trustscreen check --json`:
    `verdicts` per jurisdiction with findings (rule, citation, action, evidence chain) and `conflicts`."""
    snapshot = serving_state(request).snapshot()
    book = load_book()
    try:
        context = make_context(
            body.jurisdictions, book=book, activity=body.activity, eccn=body.eccn, on=body.date, roles=body.roles
        )
        query = build_query(body.name, kind=body.kind, countries=body.countries)
        owners = tuple(_holding(owner, f"owners.{i}") for i, owner in enumerate(body.owners))
    except ConfigError as exc:
        raise ApiError(400, "invalid_value", str(exc), _field_of(str(exc))) from None
    party = Party(query.name, body.kind, query.countries, owners)
    with snapshot.lock:
        result = check(party, context, snapshot.screener, book).to_dict()
    request.state.audit = (
        {"check": result["query"], "context": result["context"]},
        [[m["entity_id"] for m in result["matches"]]],
    )
    return JSONResponse(result)


@router.post(
    "/assess",
    summary="Assess technology assets: who is behind each, verdicts, summary",
    tags=["Policy"],
    responses={200: {"model": AssessResult}, **_ERRORS},
)
async def assess_assets(
    body: AssessRequest,
    request: Request,
    _principal: Annotated[object, Depends(require(Role.SCREEN))],
) -> JSONResponse:
    """Up to 1,000 assets in the inventory vocabulary (docs/assets.md). The answer has the shape of
    `trustscreen assess --format json` (`input.type` is "request"). Resolvers here are the bundled
    ones (listed app ids, websites of loaded entities, equipment brands, declared parties); network
    and cable tables are loaded by the CLI (`--network`, `--cables`)."""
    from trustscreen.assessment.engine import Assessor, landing_countries
    from trustscreen.assessment.resolve import Resolvers
    from trustscreen.assets.inventory import asset_from_mapping

    snapshot = serving_state(request).snapshot()
    book = load_book()
    try:
        context = make_context(body.jurisdictions, book=book, activity=body.activity, on=body.date, roles=body.roles)
        landings = landing_countries(body.flag_landing)
    except ConfigError as exc:
        raise ApiError(400, "invalid_value", str(exc), _field_of(str(exc))) from None
    assets = []
    for position, raw in enumerate(body.assets):
        try:
            assets.append(asset_from_mapping(raw, position))
        except SourceError as exc:
            field = f"assets.{position}" + (f".{exc.field}" if exc.field else "")
            raise ApiError(400, "invalid_value", exc.describe(), field) from None
    with snapshot.lock:
        screener = snapshot.screener
        resolvers = screener.derived.get("assess_resolvers")
        if not isinstance(resolvers, Resolvers):
            resolvers = Resolvers.for_entities(item.entity for item in screener.index.items)
            screener.derived["assess_resolvers"] = resolvers
        assessor = Assessor(screener, context, resolvers=resolvers, book=book, flag_landings=landings)
        data = assessor.assess(assets, {"type": "request", "assets": len(assets)}).to_dict()
    request.state.audit = (
        {"assess": len(assets), "context": data["context"]},
        [[m["entity_id"] for f in data["findings"] for m in f["matched_entities"]]],
    )
    return JSONResponse(data)


def _holding(owner: OwnerIn, where: str) -> Holding:
    try:
        query = build_query(owner.name, countries=owner.countries)
    except ConfigError as exc:
        raise ApiError(400, "invalid_value", f"{where}: {exc}", where) from None
    nested = tuple(_holding(o, f"{where}.owners.{i}") for i, o in enumerate(owner.owners))
    return Holding(Party(query.name, None, query.countries, nested), owner.share)


@router.post(
    "/compare",
    summary="Score two names against each other",
    tags=["Screening"],
    responses={200: {"model": CompareResult}, **_ERRORS},
)
async def compare_names(
    body: CompareRequest,
    request: Request,
    _principal: Annotated[object, Depends(require(Role.SCREEN))],
) -> JSONResponse:
    """Exactly `trustscreen compare --json`: the score, the decision and the feature-by-feature explanation."""
    try:
        kind = parse_kind(body.kind)
    except ConfigError as exc:
        raise ApiError(400, "invalid_value", str(exc), "kind") from None
    threshold = DEFAULT_THRESHOLD if body.threshold is None else body.threshold
    for field, value in (("a", body.a), ("b", body.b)):
        if not value.strip():
            raise ApiError(400, "invalid_value", f"{field} is empty; expected a name", field)
    result = compare(body.a, body.b, kind=kind, threshold=threshold)
    request.state.audit = ({"a": body.a, "b": body.b, "kind": body.kind, "threshold": threshold}, [])
    return JSONResponse({"a": body.a, "b": body.b, **result.to_dict()})


@router.post(
    "/scan",
    summary="Find listed names in free text",
    tags=["Screening"],
    responses={
        200: {"model": ScanResult, "description": "Hits by position"},
        501: {"model": ErrorResponse, "description": "Text scanning is not part of this installation"},
        **_ERRORS,
    },
)
async def scan_text(
    body: ScanRequest,
    request: Request,
    _principal: Annotated[object, Depends(require(Role.SCREEN))],
) -> JSONResponse:
    """Find the passages of a text (or an e-mail, MT103, pacs.008 message) that name listed parties: the
    shape of `trustscreen scan --json`. Offsets are character positions in `text`."""
    digest = hashlib.sha256(body.text.encode("utf-8")).hexdigest()
    request.state.audit = ({"text_sha256": digest, "characters": len(body.text), "format": body.format}, [])
    scanning = _scanning_module()
    snapshot = serving_state(request).snapshot()
    check_lists(snapshot, body.lists)
    try:
        document = scanning.parse_document(body.text.encode("utf-8"), body.format, source="request", encoding="utf-8")
    except TrustscreenError as exc:
        raise ApiError(400, "invalid_value", str(exc), "text") from None
    wanted = set(body.lists) or None
    # The scanner shares the snapshot's index and its caches: one scan at a time per snapshot. It is
    # kept on the snapshot (not in scanning's own cache, whose entries keep their screener alive), so
    # it goes when the snapshot does.
    with snapshot.lock:
        if snapshot.scanner is None:
            snapshot.scanner = scanning.Scanner(snapshot.screener)
        scanner = snapshot.scanner
        hits = scanner.scan(document.text, document.fields or None, threshold=body.threshold, lists=wanted)
    used = scanner.threshold if body.threshold is None else body.threshold
    versions = snapshot.versions_json(wanted)
    request.state.audit = (
        {
            "text_sha256": digest,
            "characters": len(body.text),
            "format": body.format,
            "lists": body.lists,
            "threshold": used,
            "hit_texts": [h.text for h in hits][:1000],
        },
        [[h.entity.id for h in hits]],
    )
    return JSONResponse(
        {
            "source": document.source,
            "format": document.format,
            "characters": len(document.text),
            "threshold": used,
            "lists": versions,
            "hits": [h.to_dict() for h in hits],
            "report": None,
        }
    )


def _scanning_module() -> Any:
    """trustscreen.scanning, imported on first use; a 501 where this installation lacks it."""
    try:
        return importlib.import_module("trustscreen.scanning")
    except ModuleNotFoundError as exc:
        if exc.name not in ("trustscreen.scanning", "trustscreen"):
            raise
        raise ApiError(
            501, "not_implemented", "text scanning (trustscreen.scanning) is not part of this installation"
        ) from None


@router.get(
    "/entities/{entity_id:path}",
    summary="One entity with the list version it comes from",
    tags=["Lists and entities"],
    responses={200: {"model": EntityResult}, **_ERRORS},
)
def get_entity(
    entity_id: EntityId,
    request: Request,
    _principal: Annotated[object, Depends(require(Role.READ, may_open=True))],
) -> JSONResponse:
    """Exactly `trustscreen entities show ID --json` (also for entities removed from their list since)."""
    version, entity = request_store(request).entity(entity_id)
    return JSONResponse({"list": version.to_dict(), "entity": entity.to_dict()})


@router.get(
    "/lists",
    summary="Loaded lists",
    tags=["Lists and entities"],
    responses={200: {"model": ListsResult}, **_ERRORS},
)
def get_lists(
    request: Request,
    _principal: Annotated[object, Depends(require(Role.READ, may_open=True))],
    all_versions: Annotated[bool, Query(alias="all", description="Every version, not only the latest.")] = False,
) -> JSONResponse:
    """Exactly `trustscreen lists ls --json` (`?all=true`: `lists ls --all --json`)."""
    store = request_store(request)
    versions = store.versions() if all_versions else store.latest_versions()
    return JSONResponse({"lists": [v.to_dict() for v in versions]})


@router.get(
    "/lists/{list_id}/versions",
    summary="Every version of one list",
    tags=["Lists and entities"],
    responses={200: {"model": VersionsResult}, **_ERRORS},
)
def get_versions(
    list_id: ListIdPath,
    request: Request,
    _principal: Annotated[object, Depends(require(Role.READ, may_open=True))],
) -> JSONResponse:
    store = request_store(request)
    store.version(list_id)  # unknown list: 404 naming the loaded ones
    return JSONResponse({"list_id": list_id, "versions": [v.to_dict() for v in store.versions(list_id)]})


@router.get(
    "/lists/{list_id}/diff",
    summary="Entities added, removed and changed between two versions",
    tags=["Lists and entities"],
    responses={200: {"model": DiffResult}, **_ERRORS},
)
def get_diff(
    list_id: ListIdPath,
    request: Request,
    _principal: Annotated[object, Depends(require(Role.READ, may_open=True))],
    old: Annotated[int | None, Query(ge=1, le=1_000_000, description="Older version number.")] = None,
    new: Annotated[int | None, Query(ge=1, le=1_000_000, description="Newer version number.")] = None,
) -> JSONResponse:
    """Exactly `trustscreen lists diff LIST [OLD NEW] --json`; without versions, the last two."""
    store = request_store(request)
    if (old is None) != (new is None):
        raise ApiError(400, "invalid_value", "give both old and new, or neither for the latest two", "old")
    versions = store.versions(list_id)
    if not versions:
        store.version(list_id)
    if old is None and len(versions) < 2:
        raise ApiError(400, "invalid_value", f"list {list_id!r} has only one version; nothing to compare")
    return JSONResponse(store.diff(list_id, old, new).to_dict())


@router.get(
    "/audit",
    summary="The audit trail of screening requests (admin)",
    tags=["Administration"],
    responses={200: {"model": AuditResult}, **_ERRORS},
)
def get_audit(
    request: Request,
    _principal: Annotated[object, Depends(require(Role.ADMIN))],
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    before_id: Annotated[int | None, Query(ge=1, le=2**62, description="Page back: rows older than this id.")] = None,
    key_prefix: Annotated[
        str | None, Query(pattern="^[0-9a-f]{1,16}$", description="Only this key's requests.")
    ] = None,
) -> JSONResponse:
    """Newest first. Records are written a fraction of a second after each request."""
    rows = recent(request_store(request).engine, limit=limit, before_id=before_id, key_prefix=key_prefix)
    return JSONResponse({"rows": rows})
