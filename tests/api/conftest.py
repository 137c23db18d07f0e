from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from api_support import Api, copy_db, start_api

from trustscreen import catalog
from trustscreen.store import Store


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with the curated bundle, made once and copied per app (loading it takes a second)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    store = Store(f"sqlite:///{path}")
    catalog.ensure_curated(store)
    store.close()
    return path


@pytest.fixture(scope="module")
def api(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    yield from start_api(copy_db(template_db, tmp_path_factory.mktemp("api")))
