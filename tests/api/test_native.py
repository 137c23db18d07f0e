"""Native /v1 routes: answers identical to the CLI's --json on the same store, and clear 4xx errors."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from api_support import Api, copy_db, eventually, start_api
from typer.testing import CliRunner

from trustscreen import catalog
from trustscreen.cli.main import app as cli_app
from trustscreen.store.keys import Role


def cli_json(db: Path, *args: str) -> Any:
    result = CliRunner().invoke(cli_app, ["--db", str(db), *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_single_screen_is_exactly_the_cli_json(api: Api) -> None:
    for name, options in (
        ("Huawei Technologies", {}),
        ("华为技术有限公司", {}),
        ("ZTE Corporation", {"kind": "organization", "countries": ["CN"]}),
    ):
        response = api.client.post("/v1/screen", json={"name": name, **options}, headers=api.headers())
        assert response.status_code == 200, response.text
        args = ["screen", name]
        if "kind" in options:
            args += ["--kind", str(options["kind"])]
        for country in options.get("countries", []):
            args += ["--country", country]
        assert response.json() == cli_json(api.db, *args)


def test_huawei_matches_on_the_curated_lists(api: Api) -> None:
    data = api.client.post("/v1/screen", json={"name": "Huawei Technologies"}, headers=api.headers()).json()
    top = data["matches"][0]
    assert top["match"] is True and top["score"] >= 0.8 and "huawei" in top["name"].lower()
    assert {"us-fcc-covered", "us-bis-el"} <= {m["list"]["list_id"] for m in data["matches"] if m["match"]}
    assert data["threshold"] == 0.76
    assert top["explanation"][0]["feature"] == "name"


def test_batch_answers_each_query_in_order_like_a_single_query(api: Api) -> None:
    names = ["Huawei Technologies", "SMIC", "Acme Widgets Ltd", "Владимир Путин"]
    response = api.client.post(
        "/v1/screen", json={"queries": [{"name": n} for n in names], "limit": 3}, headers=api.headers()
    )
    assert response.status_code == 200, response.text
    batch = response.json()
    assert set(batch) == {"threshold", "lists", "results"}
    assert [r["query"]["name"] for r in batch["results"]] == names
    for name, item in zip(names, batch["results"], strict=True):
        single = api.client.post("/v1/screen", json={"name": name, "limit": 3}, headers=api.headers()).json()
        assert item == {"query": single["query"], "threshold": single["threshold"], "matches": single["matches"]}
        assert batch["lists"] == single["lists"]


def test_batch_of_1000_is_accepted_and_1001_refused(api: Api) -> None:
    queries = [{"name": f"Test Company {i}"} for i in range(1000)]
    response = api.client.post("/v1/screen", json={"queries": queries, "limit": 1}, headers=api.headers())
    assert response.status_code == 200
    assert len(response.json()["results"]) == 1000
    response = api.client.post("/v1/screen", json={"queries": [*queries, {"name": "x"}]}, headers=api.headers())
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "queries"


def test_list_filter_keeps_only_those_lists(api: Api) -> None:
    data = api.client.post(
        "/v1/screen", json={"name": "Huawei Technologies", "lists": ["us-fcc-covered"]}, headers=api.headers()
    ).json()
    assert [v["list_id"] for v in data["lists"]] == ["us-fcc-covered"]
    assert data["matches"] and {m["list"]["list_id"] for m in data["matches"]} == {"us-fcc-covered"}


@pytest.mark.parametrize(
    ("body", "status", "field", "says"),
    [
        ({"name": "Huawei", "kind": "spaceship"}, 400, "kind", "kind 'spaceship' is not known"),
        ({"name": "Huawei", "countries": ["Atlantis"]}, 400, "countries", "country 'Atlantis'"),
        ({"name": "Huawei", "birth_date": "19xx"}, 400, "birth_date", "expected YYYY"),
        ({"name": "   "}, 400, "name", "name is empty"),
        ({"queries": [{"name": "a"}, {"name": "b", "kind": "spaceship"}]}, 400, "queries.1.kind", "query 1"),
        ({"name": "Huawei", "lists": ["no-such-list"]}, 400, "lists", "unknown list(s) no-such-list"),
        ({"name": "x" * 501}, 422, "name", "at most 500 characters"),
        ({"name": "Huawei", "threshold": 1.5}, 422, "threshold", "less than or equal to 1"),
        ({"name": "Huawei", "limit": 0}, 422, "limit", "greater than or equal to 1"),
        ({"name": "Huawei", "limit": 101}, 422, "limit", "less than or equal to 100"),
        ({"name": "Huawei", "countries": ["CN"] * 21}, 422, "countries", "at most 20 items"),
        ({"name": "Huawei", "nmae": "typo"}, 422, "nmae", "Extra inputs are not permitted"),
        ({}, 422, "body", "give `name` (one query) or `queries` (a batch)"),
        ({"name": "a", "queries": [{"name": "b"}]}, 422, "body", "not at the top level"),
        ({"queries": []}, 422, "queries", "at least 1 item"),
    ],
)
def test_screen_errors_say_what_and_where(api: Api, body: dict[str, Any], status: int, field: str, says: str) -> None:
    response = api.client.post("/v1/screen", json=body, headers=api.headers())
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == ("invalid_value" if status == 400 else "validation_error")
    assert error["field"] == field
    assert says in error["message"]
    assert response.json()["detail"] == error["message"]


def test_compare_is_exactly_the_cli_json(api: Api) -> None:
    body = {"a": "Владимир Путин", "b": "Vladimir Putin", "kind": "person"}
    response = api.client.post("/v1/compare", json=body, headers=api.headers())
    assert response.status_code == 200, response.text
    assert response.json() == cli_json(api.db, "compare", body["a"], body["b"], "--kind", "person")
    assert response.json()["match"] is True
    response = api.client.post("/v1/compare", json={"a": "x", "b": "y", "kind": "spaceship"}, headers=api.headers())
    assert response.status_code == 400 and response.json()["error"]["field"] == "kind"


def test_entity_is_exactly_the_cli_json(api: Api) -> None:
    response = api.client.get("/v1/entities/us-bis-el:huawei", headers=api.headers(Role.READ))
    assert response.status_code == 200, response.text
    assert response.json() == cli_json(api.db, "entities", "show", "us-bis-el:huawei")
    missing = api.client.get("/v1/entities/nope:1", headers=api.headers(Role.READ))
    assert missing.status_code == 404
    assert missing.json()["error"] == {"code": "not_found", "message": "no entity with id 'nope:1'", "field": None}


def test_lists_are_exactly_the_cli_json(api: Api) -> None:
    response = api.client.get("/v1/lists", headers=api.headers(Role.READ))
    assert response.status_code == 200
    assert response.json() == cli_json(api.db, "lists", "ls")
    every = api.client.get("/v1/lists", params={"all": "true"}, headers=api.headers(Role.READ))
    assert every.json() == cli_json(api.db, "lists", "ls", "--all")
    versions = api.client.get("/v1/lists/us-bis-el/versions", headers=api.headers(Role.READ)).json()
    assert versions["list_id"] == "us-bis-el" and [v["version"] for v in versions["versions"]] == [1]
    unknown = api.client.get("/v1/lists/nope/versions", headers=api.headers(Role.READ))
    assert unknown.status_code == 404 and "unknown list 'nope'" in unknown.json()["error"]["message"]
    only_one = api.client.get("/v1/lists/us-bis-el/diff", headers=api.headers(Role.READ))
    assert only_one.status_code == 400 and "only one version" in only_one.json()["error"]["message"]
    half = api.client.get("/v1/lists/us-bis-el/diff", params={"old": 1}, headers=api.headers(Role.READ))
    assert half.status_code == 400 and half.json()["error"]["field"] == "old"


def test_scan_is_the_cli_json_or_a_clear_501(api: Api, tmp_path: Path) -> None:
    text = "Payment to Huawei Technologies Co., Ltd. for routers.\n华为技术有限公司\n"
    response = api.client.post("/v1/scan", json={"text": text}, headers=api.headers())
    if importlib.util.find_spec("trustscreen.scanning") is None:
        assert response.status_code == 501
        assert response.json()["error"]["code"] == "not_implemented"
        return
    assert response.status_code == 200, response.text
    document = tmp_path / "doc.txt"
    document.write_text(text, encoding="utf-8")
    expected = cli_json(api.db, "scan", str(document))
    assert response.json() == {**expected, "source": "request"}
    hits = response.json()["hits"]
    assert {h["entity_id"] for h in hits} >= {"us-bis-el:huawei", "us-fcc-covered:huawei"}
    assert all(text[h["start"] : h["end"]] == h["text"] for h in hits)
    bad = api.client.post("/v1/scan", json={"text": "no fields here", "format": "mt103"}, headers=api.headers())
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "text"


WATCH_V1 = "id,name,country\n1,Zorblax Quantum Holdings,CN\n2,Quillfeather Maritime Ltd,PA\n"
WATCH_V2 = "id,name,country\n1,Zorblax Quantum Holdings Group,CN\n3,Brindlewood Avionics,RU\n"


@pytest.fixture
def fresh_api(template_db: Path, tmp_path: Path) -> Iterator[Api]:
    yield from start_api(copy_db(template_db, tmp_path / "fresh"))


def test_new_versions_are_served_and_diffed_like_the_cli(fresh_api: Api, tmp_path: Path) -> None:
    api = fresh_api
    before = api.client.post("/v1/screen", json={"name": "Zorblax Quantum Holdings"}, headers=api.headers()).json()
    assert not any(m["match"] for m in before["matches"])
    for number, text in enumerate((WATCH_V1, WATCH_V2), start=1):
        path = tmp_path / f"watch{number}" / "watch.csv"
        path.parent.mkdir()
        path.write_text(text)
        catalog.load_path(api.store, path, "custom-csv", list_id="watch")
    # The poller (every 0.2 s here) notices the new versions and swaps the index.
    assert eventually(lambda: api.app.state.serving.current.fingerprint[-1] > 9)
    assert eventually(lambda: _top(api, "Brindlewood Avionics") == "watch:3")
    diff = api.client.get("/v1/lists/watch/diff", headers=api.headers(Role.READ))
    assert diff.status_code == 200
    assert diff.json() == cli_json(api.db, "lists", "diff", "watch")
    assert diff.json()["added"] == [{"entity_id": "watch:3", "name": "Brindlewood Avionics"}]
    assert diff.json()["removed"] == [{"entity_id": "watch:2", "name": "Quillfeather Maritime Ltd"}]
    assert [c["entity_id"] for c in diff.json()["changed"]] == ["watch:1"]
    explicit = api.client.get("/v1/lists/watch/diff", params={"old": 1, "new": 2}, headers=api.headers(Role.READ))
    assert explicit.json() == diff.json()
    versions = api.client.get("/v1/lists/watch/versions", headers=api.headers(Role.READ)).json()["versions"]
    assert [v["version"] for v in versions] == [1, 2]
    assert api.app.state.serving.swaps >= 1


def _top(api: Api, name: str) -> str | None:
    data = api.client.post("/v1/screen", json={"name": name}, headers=api.headers()).json()
    return data["matches"][0]["entity_id"] if data["matches"] and data["matches"][0]["match"] else None


def test_check_is_exactly_the_cli_json(api: Api) -> None:
    body = {
        "name": "Huawei",
        "jurisdictions": ["US", "CN"],
        "activity": "export",
        "eccn": "EAR99",
        "date": "2026-11-29",
    }
    response = api.client.post("/v1/check", json=body, headers=api.headers())
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["verdicts"]["US"]["verdict"] == "licence_required" and data["conflicts"]
    cli = cli_json(
        api.db, "check", "Huawei", "--as", "US,CN", "--activity", "export", "--eccn", "EAR99", "--date", "2026-11-29"
    )
    assert data == cli


def test_check_with_nested_owners(api: Api) -> None:
    body = {
        "name": "Example Parts Ltd",
        "jurisdictions": ["US"],
        "activity": "procurement",
        "roles": ["usf-recipient"],
        "owners": [{"name": "Holding Co", "share": 80, "owners": [{"name": "ZTE Corporation", "share": 100}]}],
    }
    data = api.client.post("/v1/check", json=body, headers=api.headers()).json()
    assert data["verdicts"]["US"]["verdict"] == "prohibited"
    finding = next(f for f in data["verdicts"]["US"]["findings"] if f["rule_id"] == "us-fcc-covered-list")
    assert [step["owner"] for step in finding["evidence"]["path"]] == ["Holding Co", "ZTE Corporation"]


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"name": "Huawei", "jurisdictions": ["XX"]}, 400, "jurisdictions"),
        ({"name": "Huawei", "jurisdictions": ["US"], "eccn": "nope"}, 400, "eccn"),
        ({"name": "Huawei", "jurisdictions": ["US"], "activity": "smuggling"}, 400, "activity"),
        ({"name": "Huawei", "jurisdictions": ["US"], "date": "2026-13-45"}, 400, "date"),
        ({"name": "Huawei", "jurisdictions": []}, 422, "jurisdictions"),
        ({"name": "Huawei", "jurisdictions": ["US"], "owners": [{"name": "X", "share": 101}]}, 422, "owners.0.share"),
        ({"name": "Huawei", "jurisdictions": ["US"], "colour": "red"}, 422, "colour"),
    ],
)
def test_check_refuses_bad_requests_with_the_field(api: Api, body: dict[str, Any], status: int, field: str) -> None:
    response = api.client.post("/v1/check", json=body, headers=api.headers())
    assert response.status_code == status, response.text
    assert response.json()["error"]["field"] == field


def test_assess_answers_like_the_cli_on_the_same_assets(api: Api, tmp_path: Path) -> None:
    assets = [
        {"kind": "app", "name": "TikTok", "android_package": "com.zhiliaoapp.musically", "developer": "ByteDance"},
        {"kind": "device", "name": "Lobby cameras", "brand": "EZVIZ", "model": "C6N"},
        {"kind": "vendor", "name": "Juniper Networks, Inc."},
        {"kind": "network_path", "name": "Branch VPN", "hops": ["192.168.1.1", "*", "203.0.113.9"]},
    ]
    body = {"jurisdictions": ["US", "IN"], "date": "2026-11-29", "assets": assets}
    response = api.client.post("/v1/assess", json=body, headers=api.headers())
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["summary"]["assets"] == 4 and data["summary"]["worst"] == "prohibited"
    findings = {f["asset"]["name"]: f for f in data["findings"]}
    assert findings["TikTok"]["verdicts"] == {"US": "advisory", "IN": "prohibited"}
    # EZVIZ resolves through the bundled brand table to Hikvision (FCC Covered List → restricted).
    assert findings["Lobby cameras"]["verdicts"]["US"] == "restricted"
    assert data["paths"][0]["clean"] is True

    inventory = tmp_path / "inventory.yaml"
    inventory.write_text(json.dumps({"assets": assets}), encoding="utf-8")  # JSON is YAML
    cli = cli_json(api.db, "assess", str(inventory), "--as", "US,IN", "--date", "2026-11-29")
    assert data["summary"] == cli["summary"]

    # Origins and evidence name the source ("request: assets[0]" vs the file), so compare the rest.
    def essence(finding: dict[str, Any]) -> tuple[Any, ...]:
        return (
            finding["asset"]["name"],
            finding["verdicts"],
            [(a["party"], a["role"], a["entity_id"]) for a in finding["attributions"]],
            [(r["jurisdiction"], r["rule_id"], r["verdict"]) for r in finding["rules"]],
            finding["recommended_action"],
        )

    assert [essence(f) for f in data["findings"]] == [essence(f) for f in cli["findings"]]


@pytest.mark.parametrize(
    ("assets", "status", "field"),
    [
        ([{"kind": "spaceship", "name": "X"}], 400, "assets.0.kind"),
        ([{"kind": "vendor"}], 400, "assets.0.name"),
        ([{"kind": "vendor", "name": "X", "colour": "red"}], 400, "assets.0.colour"),
        ([{"kind": "network_path", "name": "P", "traceroute": "/etc/passwd"}], 400, "assets.0.traceroute"),
        ([], 422, "assets"),
    ],
)
def test_assess_refuses_bad_assets_with_the_field(api: Api, assets: list[Any], status: int, field: str) -> None:
    response = api.client.post("/v1/assess", json={"jurisdictions": ["US"], "assets": assets}, headers=api.headers())
    assert response.status_code == status, response.text
    assert response.json()["error"]["field"] == field
