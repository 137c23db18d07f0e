"""Property-based requests generated from the OpenAPI document (schemathesis): never a 5xx.

Bounded: a few dozen generated requests per operation (valid and invalid ones), well under a minute.
schemathesis's pytest plugin cannot take an app from a fixture under pytest 9, so the operations are
driven here with hypothesis directly.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from api_support import copy_db
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok

from trustscreen.api import ApiSettings, create_app
from trustscreen.store import Store
from trustscreen.store.keys import Role, create_key

EXAMPLES = 80
SCANNING = importlib.util.find_spec("trustscreen.scanning") is not None


@pytest.fixture(scope="module")
def loaded(
    template_db: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[schemathesis.BaseSchema, str]]:
    db = copy_db(template_db, tmp_path_factory.mktemp("schemathesis"))
    store = Store(f"sqlite:///{db}")
    key = create_key(store.engine, Role.ADMIN, "schemathesis")[1]
    store.close()
    app = create_app(ApiSettings(database_url=f"sqlite:///{db}", poll_interval_s=1.0))
    yield schemathesis.openapi.from_asgi("/openapi.json", app), key


def operations() -> list[str]:
    # Fixed here so each operation is its own test; checked against the document below.
    return [
        "GET /healthz",
        "GET /readyz",
        "POST /v1/screen",
        "POST /v1/compare",
        "POST /v1/scan",
        "POST /v1/check",
        "POST /v1/assess",
        "GET /v1/entities/{entity_id}",
        "GET /v1/lists",
        "GET /v1/lists/{list_id}/versions",
        "GET /v1/lists/{list_id}/diff",
        "GET /v1/audit",
        "POST /match/{dataset}",
        "GET /search/{dataset}",
        "GET /entities/{entity_id}",
        "GET /catalog",
        "GET /algorithms",
    ]


def by_label(schema: schemathesis.BaseSchema) -> dict[str, Any]:
    found = {}
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result  # the document must describe every operation validly
        operation = result.ok()
        found[f"{operation.method.upper()} {operation.path}"] = operation
    return found


def test_every_operation_is_fuzzed(loaded: tuple[schemathesis.BaseSchema, str]) -> None:
    assert set(by_label(loaded[0])) == set(operations())


@pytest.mark.parametrize("label", operations())
def test_no_server_errors(loaded: tuple[schemathesis.BaseSchema, str], label: str) -> None:
    schema, key = loaded
    operation = by_label(schema)[label]

    # Valid requests and invalid ones (wrong types, missing fields, values out of range).
    cases = st.one_of(operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE))

    @given(case=cases)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
    )
    def check(case: Any) -> None:
        response = case.call(headers={"Authorization": f"ApiKey {key}"})
        if response.status_code == 501 and label == "POST /v1/scan" and not SCANNING:
            return  # documented: this installation has no trustscreen.scanning
        case.validate_response(response, checks=[not_a_server_error])

    check()
