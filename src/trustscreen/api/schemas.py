"""Request and response models: the OpenAPI document, its examples, and the limits on every field.

Requests are validated through these models. Responses are built as plain dicts by the same functions
the CLI's `--json` output follows (and tested against it); the response models document them.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, model_validator

from trustscreen.matching.queries import MAX_NAME_CHARS

MAX_BATCH = 1000
MAX_LIMIT = 100
MAX_SCAN_CHARS = 200_000

NameText = Annotated[str, StringConstraints(min_length=1, max_length=MAX_NAME_CHARS)]
ShortText = Annotated[str, StringConstraints(max_length=64)]
IdentText = Annotated[str, StringConstraints(max_length=200)]
ListId = Annotated[str, StringConstraints(min_length=1, max_length=200)]
EntityIdText = Annotated[str, StringConstraints(min_length=1, max_length=300)]


class _Strict(BaseModel):
    # An unknown field is a typo the client wants to hear about, not something to ignore.
    model_config = ConfigDict(extra="forbid")


# ---- native API: requests -----------------------------------------------------------------------


class QueryIn(_Strict):
    name: NameText = Field(description="Name to screen, in any script.", examples=["Huawei Technologies"])
    kind: ShortText | None = Field(
        None,
        description="person, organization, vessel, aircraft, app, network or equipment (also company, individual …).",
        examples=["organization"],
    )
    countries: list[ShortText] = Field(
        default_factory=list, max_length=20, description="ISO 3166 codes or country names.", examples=[["CN"]]
    )
    birth_date: Annotated[str, StringConstraints(max_length=10)] | None = Field(
        None, description="YYYY, YYYY-MM or YYYY-MM-DD (persons).", examples=["1937"]
    )
    identifiers: list[IdentText] = Field(
        default_factory=list, max_length=20, description="[SCHEME:]VALUE, e.g. IMO:9187629.", examples=[[]]
    )


class OwnerIn(_Strict):
    name: NameText = Field(description="Owner's name.", examples=["Huawei Technologies Co., Ltd."])
    share: float | None = Field(None, ge=0, le=100, description="Percent of the party held.", examples=[60])
    countries: list[ShortText] = Field(default_factory=list, max_length=20)
    owners: list[OwnerIn] = Field(default_factory=list, max_length=20, description="This owner's own owners.")


class CheckRequest(_Strict):
    """A party and the user's context; the answer is `trustscreen check --json`."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"name": "SMIC", "jurisdictions": ["US", "CN"], "activity": "export", "eccn": "3B001"},
                {"name": "Acme Trading Ltd", "jurisdictions": ["US"], "owners": [{"name": "Rosneft", "share": 51}]},
            ]
        },
    )
    name: NameText = Field(description="Party, app or supplier to check.", examples=["Hikvision"])
    kind: ShortText | None = Field(None, description="person, organization, app …")
    countries: list[ShortText] = Field(default_factory=list, max_length=20)
    jurisdictions: list[ShortText] = Field(
        min_length=1, max_length=10, description="Jurisdictions the user is subject to.", examples=[["US", "CN"]]
    )
    activity: ShortText | None = Field(None, description="export, procurement, investment, app_deployment …")
    eccn: ShortText | None = Field(None, description="ECCN of the item or EAR99.", examples=["3B001"])
    date: Annotated[str, StringConstraints(max_length=10)] | None = Field(
        None, description="Check as of YYYY-MM-DD (default today).", examples=["2026-11-29"]
    )
    roles: list[ShortText] = Field(default_factory=list, max_length=10, examples=[["federal-agency"]])
    owners: list[OwnerIn] = Field(default_factory=list, max_length=20)


class CheckResult(BaseModel):
    query: dict[str, Any]
    context: dict[str, Any]
    verdicts: dict[str, Any] = Field(description="Per jurisdiction: verdict, findings with evidence, history.")
    conflicts: list[dict[str, Any]]
    matches: list[dict[str, Any]]


class AssessRequest(_Strict):
    """Assets in the inventory vocabulary (docs/assets.md) and the user's context."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "jurisdictions": ["US", "IN"],
                    "assets": [
                        {"kind": "app", "name": "TikTok", "android_package": "com.zhiliaoapp.musically"},
                        {"kind": "device", "name": "Lobby cameras", "brand": "Hikvision"},
                    ],
                }
            ]
        },
    )
    jurisdictions: list[ShortText] = Field(min_length=1, max_length=10, examples=[["US", "IN"]])
    activity: ShortText | None = Field(None, description="One activity for every asset (default: by asset kind).")
    roles: list[ShortText] = Field(default_factory=list, max_length=10)
    date: Annotated[str, StringConstraints(max_length=10)] | None = None
    flag_landing: list[ShortText] = Field(default_factory=list, max_length=50, description="Countries to flag.")
    assets: list[dict[str, Any]] = Field(
        min_length=1, max_length=MAX_BATCH, description="Inventory assets: kind, name and fields (docs/assets.md)."
    )


class AssessResult(BaseModel):
    input: dict[str, Any]
    context: dict[str, Any]
    summary: dict[str, Any]
    paths: list[dict[str, Any]]
    findings: list[dict[str, Any]]


class ScreenRequest(_Strict):
    """One query (`name` and its fields at the top level) or a batch (`queries`), never both."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"name": "Huawei Technologies", "kind": "organization", "countries": ["CN"]},
                {
                    "queries": [
                        {"name": "Saddam Hussein al-Tikriti", "kind": "person", "birth_date": "1937"},
                        {"name": "华为技术有限公司"},
                    ],
                    "limit": 5,
                },
            ]
        },
    )

    name: NameText | None = Field(None, description="Name to screen (single query).")
    kind: ShortText | None = None
    countries: list[ShortText] = Field(default_factory=list, max_length=20)
    birth_date: Annotated[str, StringConstraints(max_length=10)] | None = None
    identifiers: list[IdentText] = Field(default_factory=list, max_length=20)
    queries: list[QueryIn] | None = Field(
        None, min_length=1, max_length=MAX_BATCH, description=f"A batch of up to {MAX_BATCH} queries."
    )
    lists: list[ListId] = Field(
        default_factory=list, max_length=100, description="Only these list ids (default: every loaded list)."
    )
    threshold: float | None = Field(None, ge=0.0, le=1.0, description="Match threshold (default 0.76).")
    limit: int = Field(10, ge=1, le=MAX_LIMIT, description="Candidates returned per query.")

    @model_validator(mode="after")
    def _one_or_batch(self) -> ScreenRequest:
        if self.queries is None and self.name is None:
            raise ValueError("give `name` (one query) or `queries` (a batch)")
        if self.queries is not None:
            stray = [f for f in ("name", "kind", "birth_date") if getattr(self, f) is not None]
            stray += [f for f in ("countries", "identifiers") if getattr(self, f)]
            if stray:
                raise ValueError(f"with `queries`, put {', '.join(stray)} inside each query, not at the top level")
        return self

    def query_items(self) -> list[QueryIn]:
        if self.queries is not None:
            return self.queries
        assert self.name is not None  # the validator guarantees one of the two
        return [QueryIn(**self.model_dump(include={"name", "kind", "countries", "birth_date", "identifiers"}))]


class CompareRequest(_Strict):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"a": "Владимир Путин", "b": "Vladimir Putin", "kind": "person"}]},
    )

    a: NameText = Field(description="First name.")
    b: NameText = Field(description="Second name.")
    kind: ShortText | None = None
    threshold: float | None = Field(None, ge=0.0, le=1.0)


class ScanRequest(_Strict):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"text": "Payment to Huawei Technologies Co., Ltd. for routers, via Bank Melli Iran."},
                {
                    "text": ":20:REF1\n:32A:240101USD1000,\n:50K:/DE89370400440532013000\nACME GMBH\n"
                    ":59:/CN1234\nHUAWEI TECHNOLOGIES CO LTD\nSHENZHEN\n:71A:SHA\n",
                    "format": "mt103",
                },
            ]
        },
    )

    text: Annotated[str, StringConstraints(min_length=1, max_length=MAX_SCAN_CHARS)] = Field(
        description="The document's text (or the raw e-mail, MT103 or pacs.008 message)."
    )
    format: Literal["text", "md", "html", "eml", "mt103", "pacs008"] = Field(
        "text", description="How to read `text`; structured formats are scanned field by field."
    )
    lists: list[ListId] = Field(default_factory=list, max_length=100)
    threshold: float | None = Field(None, ge=0.0, le=1.0)


# ---- native API: responses (documentation of the CLI --json shapes) ----------------------------


class QueryOut(BaseModel):
    name: str
    kind: str | None
    countries: list[str]
    birth_date: str | None
    identifiers: list[dict[str, str]]


class ListVersionOut(BaseModel):
    id: int
    list_id: str = Field(examples=["un-sc"])
    version: int = Field(examples=[1])
    title: str
    jurisdiction: str | None
    publisher: str
    source_format: str
    source_url: str | None
    as_of: str | None = Field(examples=["2026-02-27"])
    licence: str | None
    content_hash: str
    loaded_at: str
    entity_count: int
    name_count: int
    listing_count: int
    files: list[str]


class ListRef(BaseModel):
    list_id: str
    version: int
    title: str
    as_of: str | None
    content_hash: str


class FeatureOut(BaseModel):
    feature: str = Field(examples=["name"])
    delta: float = Field(examples=[1.0])
    detail: str


class MatchOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    entity_id: str = Field(examples=["un:IQi.001"])
    name: str
    kind: str
    score: float
    match: bool
    matched_name: str
    list_: ListRef | None = Field(alias="list")
    listings: list[dict[str, Any]]
    countries: list[str]
    unconfirmed: bool
    explanation: list[FeatureOut]


class ScreenResult(BaseModel):
    """Exactly `trustscreen screen --json`."""

    query: QueryOut
    threshold: float
    lists: list[ListVersionOut]
    matches: list[MatchOut]


class BatchItem(BaseModel):
    query: QueryOut
    threshold: float
    matches: list[MatchOut]


class ScreenBatchResult(BaseModel):
    """One item per query, in order: the single-query shape with `lists` given once, at the top."""

    threshold: float
    lists: list[ListVersionOut]
    results: list[BatchItem]


class HitOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    start: int
    end: int
    text: str
    field: str | None
    field_label: str | None
    entity_id: str
    name: str
    kind: str
    score: float
    matched_name: str
    list_: ListRef | None = Field(alias="list")
    listings: list[dict[str, Any]]
    countries: list[str]
    unconfirmed: bool
    explanation: list[FeatureOut]


class ScanResult(BaseModel):
    """`trustscreen scan --json` (source "request", no report)."""

    source: str
    format: str
    characters: int
    threshold: float
    lists: list[ListVersionOut]
    hits: list[HitOut]
    report: str | None


class CompareResult(BaseModel):
    """Exactly `trustscreen compare --json`."""

    a: str
    b: str
    score: float
    match: bool
    threshold: float
    explanation: list[FeatureOut]


class EntityResult(BaseModel):
    """Exactly `trustscreen entities show --json`."""

    model_config = ConfigDict(populate_by_name=True)

    list_: ListVersionOut = Field(alias="list")
    entity: dict[str, Any]


class ListsResult(BaseModel):
    lists: list[ListVersionOut]


class VersionsResult(BaseModel):
    list_id: str
    versions: list[ListVersionOut]


class EntityRef(BaseModel):
    entity_id: str
    name: str


class ChangeOut(BaseModel):
    entity_id: str
    name: str
    fields: list[str]


class DiffResult(BaseModel):
    """Exactly `trustscreen lists diff --json`."""

    list_id: str
    old_version: int
    new_version: int
    added: list[EntityRef]
    removed: list[EntityRef]
    changed: list[ChangeOut]


class AuditRow(BaseModel):
    id: int
    at: str
    key_id: int | None
    key_prefix: str | None
    method: str
    route: str
    status: int
    client: str | None
    duration_ms: float | None
    request: dict[str, Any]
    result_ids: list[Any]


class AuditResult(BaseModel):
    rows: list[AuditRow]


class ErrorDetail(BaseModel):
    code: str = Field(examples=["validation_error"])
    message: str = Field(examples=["name: String should have at most 500 characters"])
    field: str | None = Field(examples=["name"])


class ErrorResponse(BaseModel):
    error: ErrorDetail
    detail: str = Field(description="The message again, where yente clients look for it.")


class StatusResult(BaseModel):
    status: str = Field(examples=["ok"])


# ---- yente-compatible API -----------------------------------------------------------------------

PropertyValue = Annotated[str, StringConstraints(max_length=MAX_NAME_CHARS)]
PropertyName = Annotated[str, StringConstraints(min_length=1, max_length=64)]
QueryKey = Annotated[str, StringConstraints(min_length=1, max_length=200)]


def _listify(value: Any) -> Any:
    # yente accepts a bare string where FtM has a list of values.
    return [value] if isinstance(value, str) else value


PropertyValues = Annotated[list[PropertyValue], BeforeValidator(_listify), Field(max_length=50)]


class EntityExample(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="ignore")

    id: Annotated[str, StringConstraints(max_length=300)] | None = Field(None, examples=["my-entity-id"])
    schema_: Annotated[str, StringConstraints(min_length=1, max_length=64)] = Field(alias="schema", examples=["Person"])
    properties: dict[PropertyName, PropertyValues] = Field(
        max_length=50,
        description="FtM properties, each a list of strings (a single string is taken as a one-item list).",
        examples=[{"name": ["Saddam Hussein al-Tikriti"], "birthDate": ["1937"]}],
    )


class EntityMatchQuery(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={
            "examples": [
                {
                    "queries": {
                        "q1": {"schema": "Company", "properties": {"name": ["Huawei Technologies Co., Ltd."]}},
                        "q2": {
                            "schema": "Person",
                            "properties": {"name": ["Saddam Hussein al-Tikriti"], "birthDate": ["1937"]},
                        },
                    }
                }
            ]
        },
    )

    queries: dict[QueryKey, EntityExample] = Field(max_length=MAX_BATCH)
    weights: dict[PropertyName, float] = Field(
        default_factory=dict, max_length=100, description="Accepted for compatibility; trustscreen ignores it."
    )
    config: dict[PropertyName, str | int | float | bool | None] = Field(
        default_factory=dict,
        max_length=50,
        description="Algorithm configuration; the trustscreen algorithm takes none, so any key is rejected.",
    )


class FeatureResult(BaseModel):
    score: float
    detail: str | None = None
    query: str | None = None
    candidate: str | None = None


class EntityResponse(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    id: str = Field(examples=["un:IQi.001"])
    caption: str = Field(examples=["SADDAM HUSSEIN AL-TIKRITI"])
    schema_: str = Field(alias="schema", examples=["Person"])
    properties: dict[str, list[str | EntityResponse]] = Field(examples=[{"name": ["SADDAM HUSSEIN AL-TIKRITI"]}])
    datasets: list[str] = Field(examples=[["un-sc"]])
    referents: list[str] = Field(default_factory=list)
    target: bool = True
    first_seen: str | None = None
    last_seen: str | None = None
    last_change: str | None = None


class ScoredEntityResponse(EntityResponse):
    score: float
    match: bool
    explanations: dict[str, FeatureResult]


class TotalSpec(BaseModel):
    value: int
    relation: str = "eq"


class EntityMatches(BaseModel):
    status: int = 200
    results: list[ScoredEntityResponse]
    total: TotalSpec
    query: dict[str, Any]


class EntityMatchResponse(BaseModel):
    responses: dict[str, EntityMatches]
    limit: int


class SearchFacetItem(BaseModel):
    name: str
    label: str
    count: int


class SearchFacet(BaseModel):
    label: str
    values: list[SearchFacetItem]


class SearchResponse(BaseModel):
    results: list[EntityResponse]
    facets: dict[str, SearchFacet]
    total: TotalSpec
    limit: int
    offset: int


class DatasetPublisher(BaseModel):
    name: str
    country: str | None = None
    official: bool | None = None


class DatasetModel(BaseModel):
    name: str
    title: str
    summary: str | None = None
    url: str | None = None
    load: bool
    entities_url: str | None = None
    version: str
    index_version: str | None = None
    index_current: bool
    children: list[str]
    entity_count: int | None = None
    updated_at: str | None = None
    publisher: DatasetPublisher | None = None


class CatalogResponse(BaseModel):
    datasets: list[DatasetModel]
    current: list[str]
    outdated: list[str]
    index_stale: bool


class FeatureDoc(BaseModel):
    description: str | None
    coefficient: float
    url: str


class AlgorithmDocs(BaseModel):
    name: str
    description: str | None
    config: dict[str, Any]
    features: dict[str, FeatureDoc]


class Algorithm(BaseModel):
    name: str
    description: str | None
    features: dict[str, FeatureDoc]
    docs: AlgorithmDocs


class AlgorithmResponse(BaseModel):
    algorithms: list[Algorithm]
    default: str
    best: str


EntityResponse.model_rebuild()
