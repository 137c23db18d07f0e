from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from trustscreen.store import Store


def _postgres_url() -> str:
    url = os.environ.get("TRUSTSCREEN_TEST_PG_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("CI must run the store tests on PostgreSQL: TRUSTSCREEN_TEST_PG_URL is not set")
        pytest.skip("no PostgreSQL server: set TRUSTSCREEN_TEST_PG_URL (scripts/test.sh starts one)")
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: object) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/store.db"
        return
    admin_url = _postgres_url()
    name = f"ts_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    opened = Store(store_url)
    try:
        yield opened
    finally:
        opened.close()
