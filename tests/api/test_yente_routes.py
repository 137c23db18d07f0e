"""yente-compatible routes, checked against yente-client's own response models."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from api_support import Api, copy_db, start_api
from yente_client import (  # type: ignore[import-untyped]
    AlgorithmsResponse,
    DatasetsResponse,
    Entity,
    MatchResponse,
    SearchResponse,
)
from yente_client._translation import unwrap_match_response  # type: ignore[import-untyped]

from trustscreen import catalog
from trustscreen.store.keys import Role

# A small person list: the curated bundle holds organisations, apps and networks only.
PEOPLE = """id,name,aliases,type,country,dob,program
1,Ivan Petrovich Sidorov,Ivan Sidorov,person,RU,1961-03-05,TEST-RU
2,Ivan Petrovich Sidorov,,person,RU,1990-07-01,TEST-RU
3,Zorblax Quantum Holdings,,organization,CN,,TEST-CN
"""


@pytest.fixture(scope="module")
def yapi(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    folder = tmp_path_factory.mktemp("yente")
    db = copy_db(template_db, folder)
    people = folder / "people.csv"
    people.write_text(PEOPLE)
    from trustscreen.store import Store

    store = Store(f"sqlite:///{db}")
    catalog.load_path(store, people, "custom-csv", list_id="people")
    store.close()
    yield from start_api(db)


def match(api: Api, queries: dict[str, Any], dataset: str = "default", **params: Any) -> Any:
    response = api.client.post(f"/match/{dataset}", json={"queries": queries}, params=params, headers=api.headers())
    return response


def company(name: str) -> dict[str, Any]:
    return {"schema": "Company", "properties": {"name": [name]}}


def test_match_answers_in_yentes_shape(yapi: Api) -> None:
    response = match(yapi, {"q1": company("Huawei Technologies Co., Ltd."), "q2": company("Nobody Special GmbH")})
    assert response.status_code == 200, response.text
    raw = response.json()
    assert set(raw) == {"responses", "limit"} and raw["limit"] == 5
    assert response.headers["x-batch-size"] == "2"
    first = MatchResponse.model_validate(unwrap_match_response({**raw, "responses": {"q": raw["responses"]["q1"]}}))
    top = first.results[0]
    assert top.id.endswith(":huawei") and top.match is True and top.score >= 0.9
    assert top.schema_ == "Organization" and top.caption == "Huawei Technologies Co., Ltd."
    assert "华为技术有限公司" in top.properties["alias"]
    assert top.datasets == [top.id.split(":")[0]]
    assert "sanction" in top.properties["topics"]
    assert top.explanations["name"].score == 1.0
    assert top.explanations["name"].query == "Huawei Technologies Co., Ltd."
    assert first.total.value == sum(1 for r in first.results if r.match)
    assert first.query == {"id": None, "schema": "Company", "properties": {"name": ["Huawei Technologies Co., Ltd."]}}
    assert raw["responses"]["q2"]["results"] == [] or not any(r["match"] for r in raw["responses"]["q2"]["results"])
    assert all(r["score"] > 0.5 for q in raw["responses"].values() for r in q["results"])


def test_threshold_defaults_to_trustscreens_and_can_be_set(yapi: Api) -> None:
    results = match(yapi, {"q": company("Huawei Technologies")}).json()["responses"]["q"]["results"]
    assert all(r["match"] == (r["score"] >= 0.76) for r in results)
    strict = match(yapi, {"q": company("Huawey Technologies")}, threshold=0.999).json()["responses"]["q"]
    assert strict["results"] and not any(r["match"] for r in strict["results"])
    assert strict["total"] == {"value": 0, "relation": "eq"}


def test_person_properties_are_used(yapi: Api) -> None:
    person = {
        "schema": "Person",
        "properties": {"name": ["Ivan Sidorov"], "birthDate": ["1961"], "nationality": ["ru"]},
    }
    results = match(yapi, {"p": person}, "people").json()["responses"]["p"]["results"]
    assert [r["id"] for r in results][:2] == ["people:1", "people:2"]
    assert results[0]["match"] is True and results[0]["properties"]["birthDate"] == ["1961-03-05"]
    assert "birth_year_mismatch" in results[1]["explanations"] and results[1]["score"] < results[0]["score"]
    # FtM name parts, and values FtM would not clean (a bad country) dropped rather than refused.
    parts = {"schema": "Person", "properties": {"firstName": "Ivan", "lastName": "Sidorov", "country": "Atlantis"}}
    assert match(yapi, {"p": parts}, "people").json()["responses"]["p"]["results"][0]["id"].startswith("people:")


def test_datasets_collections_and_filters(yapi: Api) -> None:
    def ids(dataset: str = "default", **params: Any) -> set[str]:
        response = match(yapi, {"q": company("Huawei Technologies")}, dataset, limit=20, **params)
        assert response.status_code == 200, response.text
        return {r["id"] for r in response.json()["responses"]["q"]["results"]}

    everywhere = ids()
    assert {"us-bis-el:huawei", "us-fcc-covered:huawei"} <= everywhere
    assert {i.split(":")[0] for i in ids("us-fcc-covered")} == {"us-fcc-covered"}
    assert {i.split(":")[0] for i in ids("us")} <= {
        "us-bis-el",
        "us-fcc-covered",
        "us-clean-network",
        "us-cmic-1260h",
        "us-ndaa-889",
        "us-eo-apps",
    }
    assert "us-bis-el:huawei" not in ids(exclude_dataset=["us-bis-el"])
    assert {i.split(":")[0] for i in ids(include_dataset=["us-bis-el"])} == {"us-bis-el"}
    assert "us-bis-el:huawei" not in ids(exclude_entity_ids=["us-bis-el:huawei"])
    organizations = match(yapi, {"q": company("Huawei Technologies")}, exclude_schema=["Organization"], limit=20)
    assert organizations.status_code == 200
    # Every Huawei candidate is an Organization (the curated bundle lists companies as organizations).
    assert organizations.json()["responses"]["q"]["results"] == []
    assert all(i.startswith("us-bis-el") for i in ids(topics=["export.control"]))
    unknown = match(yapi, {"q": company("Huawei")}, "no-such-dataset")
    assert (
        unknown.status_code == 404 and unknown.json()["detail"] == "Dataset not found: 'no-such-dataset'; see /catalog"
    )


@pytest.mark.parametrize(
    ("body", "params", "status", "says"),
    [
        (
            {"queries": {"q": {"schema": "Document", "properties": {"name": ["x"]}}}},
            {},
            400,
            "schema 'Document' cannot be matched",
        ),
        ({"queries": {"q": {"schema": "Person", "properties": {"birthDate": ["1961"]}}}}, {}, 400, "it has no name"),
        ({"queries": {}}, {}, 400, "No queries provided."),
        (
            {"queries": {"q": company("Huawei")}, "config": {"nm_number_mismatch": 0.4}},
            {},
            400,
            "Invalid configuration parameter",
        ),
        ({"queries": {"q": company("Huawei")}}, {"algorithm": "magic"}, 400, "Invalid algorithm 'magic'"),
        ({"queries": {"q": {"properties": {"name": ["x"]}}}}, {}, 422, "queries.q.schema: Field required"),
        ({"queries": {"q": company("Huawei")}}, {"limit": 0}, 422, "query.limit"),
    ],
)
def test_match_errors(yapi: Api, body: dict[str, Any], params: dict[str, Any], status: int, says: str) -> None:
    response = yapi.client.post("/match/default", json=body, params=params, headers=yapi.headers())
    assert response.status_code == status, response.text
    assert says in response.json()["detail"] and response.json()["error"]["message"] == response.json()["detail"]


def test_yente_algorithm_names_are_accepted(yapi: Api) -> None:
    response = match(yapi, {"q": company("Huawei")}, algorithm="logic-v2", weights={})
    assert response.status_code == 200 and response.headers["x-trustscreen-algorithm"] == "trustscreen"


def test_search(yapi: Api) -> None:
    response = yapi.client.get("/search/default", params={"q": "huawei", "limit": 3}, headers=yapi.headers())
    assert response.status_code == 200, response.text
    page = SearchResponse.model_validate(response.json())
    assert page.limit == 3 and page.offset == 0 and len(page.results) == 3
    assert page.total.value >= 5 and page.results[0].id.endswith(":huawei")
    assert {f for f in page.facets} == {"countries", "topics", "datasets"}
    assert any(v.name == "cn" and v.label == "China" for v in page.facets["countries"].values)
    second = SearchResponse.model_validate(
        yapi.client.get(
            "/search/default", params={"q": "huawei", "limit": 3, "offset": 3}, headers=yapi.headers()
        ).json()
    )
    assert not {r.id for r in page.results} & {r.id for r in second.results}
    people = yapi.client.get(
        "/search/default", params={"q": "Ivan Sidorov", "schema": "Person"}, headers=yapi.headers()
    )
    assert {r["schema"] for r in people.json()["results"]} == {"Person"}
    ru = yapi.client.get("/search/default", params={"q": "Zorblax", "countries": "ru"}, headers=yapi.headers())
    assert ru.json()["results"] == []
    empty = yapi.client.get("/search/default", headers=yapi.headers()).json()
    assert empty["results"] == [] and empty["total"]["value"] == 0
    bad = yapi.client.get("/search/default", params={"q": "x", "schema": "Spaceship"}, headers=yapi.headers())
    assert bad.status_code == 400 and "Invalid schema" in bad.json()["detail"]


def test_fetch_entity(yapi: Api) -> None:
    response = yapi.client.get("/entities/us-bis-el:huawei", headers=yapi.headers(Role.READ))
    entity = Entity.model_validate(response.json())
    assert entity.id == "us-bis-el:huawei" and entity.datasets == ["us-bis-el"]
    sanctions = entity.properties["sanctions"]
    assert sanctions and all(isinstance(s, Entity) and s.schema_ == "Sanction" for s in sanctions)
    flat = yapi.client.get("/entities/us-bis-el:huawei", params={"nested": "false"}, headers=yapi.headers(Role.READ))
    assert "sanctions" not in flat.json()["properties"]
    missing = yapi.client.get("/entities/nope:1", headers=yapi.headers(Role.READ))
    assert missing.status_code == 404 and missing.json()["detail"] == "No such entity!"


def test_catalog_and_algorithms(yapi: Api) -> None:
    listed = DatasetsResponse.model_validate(yapi.client.get("/catalog", headers=yapi.headers(Role.READ)).json())
    names = {d.name for d in listed.datasets}
    assert {"default", "curated", "us", "cn", "in", "people", "us-bis-el"} <= names
    default = next(d for d in listed.datasets if d.name == "default")
    assert len(default.children) == 10 and default.load and default.index_current
    assert listed.outdated == [] and listed.index_stale is False
    algorithms = AlgorithmsResponse.model_validate(
        yapi.client.get("/algorithms", headers=yapi.headers(Role.READ)).json()
    )
    assert algorithms.default == algorithms.best == "trustscreen"
    assert "name" in (algorithms.algorithms[0].docs or {})["features"]


def test_un_person_with_birth_date(template_db: Path, tmp_path: Path, shared_data: Path) -> None:
    db = copy_db(template_db, tmp_path / "un")
    from trustscreen.store import Store

    store = Store(f"sqlite:///{db}")
    catalog.load_path(store, shared_data / "un" / "UN_consolidated.xml")
    store.close()
    for api in start_api(db):
        person = {
            "schema": "Person",
            "properties": {"name": ["Saddam Hussein al-Tikriti"], "birthDate": ["1937-04-28"]},
        }
        results = match(api, {"p": person}, "un-sc").json()["responses"]["p"]["results"]
        # un:IQi.001 is Saddam Hussein Al-Tikriti (born 28 April 1937) in the 2026-02-27 UN snapshot.
        assert results[0]["id"] == "un:IQi.001" and results[0]["match"] is True
        assert results[0]["properties"]["country"] == ["iq"] and "1937-04-28" in results[0]["properties"]["birthDate"]
