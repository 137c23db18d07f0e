"""Keys, roles, limits, JSON errors without stack traces, and the audit trail."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from api_support import Api, copy_db, eventually, start_api

from trustscreen.api.state import Snapshot
from trustscreen.store.keys import Role, create_key, revoke_key
from trustscreen.store.schema import audit

# Every route but the two probes, with a request that is valid once authorised.
ROUTES: list[tuple[str, str, dict[str, Any] | None, Role]] = [
    ("POST", "/v1/screen", {"name": "Huawei"}, Role.SCREEN),
    ("POST", "/v1/compare", {"a": "Huawei", "b": "Huawei Technologies"}, Role.SCREEN),
    ("POST", "/v1/scan", {"text": "Huawei"}, Role.SCREEN),
    ("POST", "/v1/check", {"name": "Huawei", "jurisdictions": ["US"]}, Role.SCREEN),
    ("POST", "/v1/assess", {"jurisdictions": ["US"], "assets": [{"kind": "vendor", "name": "Huawei"}]}, Role.SCREEN),
    ("GET", "/v1/entities/us-bis-el:huawei", None, Role.READ),
    ("GET", "/v1/lists", None, Role.READ),
    ("GET", "/v1/lists/us-bis-el/versions", None, Role.READ),
    ("GET", "/v1/lists/us-bis-el/diff?old=1&new=1", None, Role.READ),
    ("GET", "/v1/audit", None, Role.ADMIN),
    (
        "POST",
        "/match/default",
        {"queries": {"q": {"schema": "Company", "properties": {"name": ["Huawei"]}}}},
        Role.SCREEN,
    ),
    ("GET", "/search/default?q=huawei", None, Role.SCREEN),
    ("GET", "/entities/us-bis-el:huawei", None, Role.READ),
    ("GET", "/catalog", None, Role.READ),
    ("GET", "/algorithms", None, Role.READ),
]


def call(api: Api, method: str, path: str, body: dict[str, Any] | None, headers: dict[str, str] | None = None) -> Any:
    return api.client.request(method, path, json=body, headers=headers or {})


def test_the_route_table_covers_every_route(api: Api) -> None:
    documented = {
        (method.upper(), path)
        for path, item in api.app.openapi()["paths"].items()
        for method in item
        if path not in ("/healthz", "/readyz")
    }
    covered = {
        (m, p.split("?")[0].replace("us-bis-el:huawei", "{entity_id}").replace("us-bis-el", "{list_id}"))
        for m, p, _, _ in ROUTES
    }
    covered = {
        (m, p.replace("/match/default", "/match/{dataset}").replace("/search/default", "/search/{dataset}"))
        for m, p in covered
    }
    assert documented == covered


@pytest.mark.parametrize(("method", "path", "body", "role"), ROUTES)
def test_every_route_needs_a_key_and_the_right_role(
    api: Api, method: str, path: str, body: dict[str, Any] | None, role: Role
) -> None:
    missing = call(api, method, path, body)
    assert missing.status_code == 401
    assert missing.json()["error"]["code"] == "unauthorized" and missing.headers["www-authenticate"] == "ApiKey"
    for scheme in ("ApiKey", "Bearer", "bearer"):
        allowed = call(api, method, path, body, api.headers(role, scheme))
        assert allowed.status_code in (200, 501), (scheme, allowed.text)
    if role is not Role.ADMIN:
        assert call(api, method, path, body, api.headers(Role.ADMIN)).status_code in (200, 501)
    for weaker in [r for r in Role if not r.allows(role)]:
        refused = call(api, method, path, body, api.headers(weaker))
        assert refused.status_code == 403
        assert (
            refused.json()["error"]["message"] == f"this route needs the {role.value} role; this key has {weaker.value}"
        )


def test_probes_need_no_key(api: Api) -> None:
    assert api.client.get("/healthz").json() == {"status": "ok"}
    ready = api.client.get("/readyz").json()
    assert ready["status"] == "ok" and ready["index"]["lists"] == 9 and ready["index"]["entities"] > 200


@pytest.mark.parametrize(
    "header",
    ["Basic dXNlcjpwYXNz", "ApiKey", "ApiKey ts_00000000_notakey", "Bearer garbage", "ApiKey " + "x" * 600],
)
def test_bad_keys_are_refused(api: Api, header: str) -> None:
    response = api.client.get("/v1/lists", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json()["error"]["field"] == "Authorization"


def test_a_revoked_key_stops_working(api: Api) -> None:
    record, key = create_key(api.store.engine, Role.READ, "to revoke")
    headers = {"Authorization": f"ApiKey {key}"}
    assert api.client.get("/v1/lists", headers=headers).status_code == 200
    revoke_key(api.store.engine, record.prefix)
    # key_cache_s is 0 in the tests; in production revocation takes up to key_cache_s (5 s).
    refused = api.client.get("/v1/lists", headers=headers)
    assert refused.status_code == 401 and refused.json()["error"]["message"] == "API key is unknown or revoked"


@pytest.fixture
def open_api(template_db: Path, tmp_path: Path) -> Iterator[Api]:
    yield from start_api(copy_db(template_db, tmp_path / "open"), open_read=True)


def test_open_read_opens_only_read_routes(open_api: Api) -> None:
    for method, path, body, role in ROUTES:
        response = call(open_api, method, path, body)
        expected = 200 if role is Role.READ else 401
        assert response.status_code == expected, (path, response.text)
    # A key that is sent is still checked.
    assert open_api.client.get("/v1/lists", headers={"Authorization": "ApiKey nope"}).status_code == 401


def test_body_size_is_limited(api: Api) -> None:
    limit = api.app.state.settings.max_body_bytes
    big = b'{"name": "' + b"x" * limit + b'"}'
    response = api.client.post("/v1/screen", content=big, headers={**api.headers(), "content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"] == {
        "code": "body_too_large",
        "message": f"request body is larger than {limit} bytes; split the batch",
        "field": "body",
    }

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit holds while reading
        yield b'{"name": "'
        for _ in range(limit // 65536 + 2):
            yield b"x" * 65536
        yield b'"}'

    chunked = api.client.post(
        "/v1/screen", content=chunks(), headers={**api.headers(), "content-type": "application/json"}
    )
    assert chunked.status_code == 413


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/v1/screen", {"name": "n", "identifiers": ["x" * 201]}, "identifiers.0"),
        ("/v1/compare", {"a": "a" * 501, "b": "b"}, "a"),
        (
            "/match/default",
            {"queries": {"q": {"schema": "Person", "properties": {"name": ["n" * 501]}}}},
            "queries.q.properties.name.0",
        ),
        (
            "/match/default",
            {"queries": {f"q{i}": {"schema": "Person", "properties": {"name": "n"}} for i in range(1001)}},
            "queries",
        ),
    ],
)
def test_field_and_batch_limits(api: Api, path: str, body: dict[str, Any], field: str) -> None:
    response = api.client.post(path, json=body, headers=api.headers())
    assert response.status_code == 422, response.text
    assert response.json()["error"]["field"] == field


def test_an_unexpected_error_is_json_without_a_stack_trace(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: Snapshot, *args: object, **kwargs: object) -> None:
        raise RuntimeError("secret internal detail /etc/passwd")

    monkeypatch.setattr(Snapshot, "screen", broken)
    response = api.client.post("/v1/screen", json={"name": "Huawei"}, headers=api.headers())
    assert response.status_code == 500
    error = response.json()["error"]
    assert error["code"] == "internal_error" and "the server log has reference" in error["message"]
    assert "secret" not in response.text and "Traceback" not in response.text and "RuntimeError" not in response.text


def test_unknown_routes_and_methods_are_json(api: Api) -> None:
    assert api.client.get("/nowhere", headers=api.headers()).json()["error"]["code"] == "not_found"
    response = api.client.delete("/v1/lists", headers=api.headers(Role.ADMIN))
    assert response.status_code == 405 and response.json()["error"]["code"] == "method_not_allowed"


def _audit_rows(api: Api) -> list[dict[str, Any]]:
    assert api.app.state.recorder.flush(10)
    with api.store.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(sa.select(audit).order_by(audit.c.id))]


def test_every_screening_request_is_audited(api: Api) -> None:
    before = len(_audit_rows(api))
    screen = api.client.post(
        "/v1/screen",
        json={"queries": [{"name": "Huawei Technologies"}, {"name": "Nobody Special"}]},
        headers=api.headers(),
    ).json()
    api.client.post(
        "/match/default",
        json={"queries": {"a": {"schema": "Company", "properties": {"name": ["SMIC"]}}}},
        headers=api.headers(Role.ADMIN),
    )
    api.client.post("/v1/screen", json={"name": "Huawei"})  # no key
    api.client.post("/v1/screen", json={"name": "Huawei"}, headers=api.headers(Role.READ))  # wrong role
    api.client.get("/v1/lists", headers=api.headers(Role.READ))  # not a screening request
    rows = _audit_rows(api)[before:]
    assert [(r["method"], r["route"], r["status"]) for r in rows] == [
        ("POST", "/v1/screen", 200),
        ("POST", "/match/default", 200),
        ("POST", "/v1/screen", 401),
        ("POST", "/v1/screen", 403),
    ]
    first, match, anonymous, read = rows
    assert first["key_prefix"] == api.keys[Role.SCREEN].split("_")[1] and first["key_id"] is not None
    assert [q["name"] for q in first["request"]["queries"]] == ["Huawei Technologies", "Nobody Special"]
    assert first["result_ids"] == [[m["entity_id"] for m in r["matches"]] for r in screen["results"]]
    assert "us-bis-el:huawei" in first["result_ids"][0]
    assert first["at"] is not None and first["duration_ms"] > 0
    assert match["key_prefix"] == api.keys[Role.ADMIN].split("_")[1]
    assert match["request"]["queries"]["a"][0]["name"] == "SMIC" and match["result_ids"][0]
    assert anonymous["key_id"] is None and anonymous["result_ids"] == []
    assert read["key_prefix"] == api.keys[Role.READ].split("_")[1]
    # The admin route shows the same rows, newest first.
    shown = api.client.get("/v1/audit", params={"limit": 4}, headers=api.headers(Role.ADMIN)).json()["rows"]
    assert [r["id"] for r in shown] == [r["id"] for r in reversed(rows)]
    assert eventually(lambda: api.app.state.recorder.written >= len(rows))
