"""Helpers shared by the API tests (a module of its own: every conftest.py is named conftest)."""

from __future__ import annotations

import dataclasses
import shutil
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

# Starlette 1.x asks TestClient users to move to httpx2; the behaviour under test is unchanged.
warnings.filterwarnings("ignore", message=".*httpx2.*")

from fastapi import FastAPI  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from trustscreen.api import ApiSettings, create_app  # noqa: E402
from trustscreen.store import Store  # noqa: E402
from trustscreen.store.keys import Role, create_key  # noqa: E402


def copy_db(template: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "api.db"
    shutil.copyfile(template, target)
    return target


@dataclass
class Api:
    app: FastAPI
    client: TestClient
    db: Path
    keys: dict[Role, str]

    def headers(self, role: Role = Role.SCREEN, scheme: str = "ApiKey") -> dict[str, str]:
        return {"Authorization": f"{scheme} {self.keys[role]}"}

    @property
    def store(self) -> Store:
        store: Store = self.app.state.store
        return store


def start_api(db: Path, **overrides: object) -> Iterator[Api]:
    settings = ApiSettings(database_url=f"sqlite:///{db}", poll_interval_s=0.2, key_cache_s=0.0)
    settings = dataclasses.replace(settings, **overrides)  # type: ignore[arg-type]
    app = create_app(settings)
    # Server errors must reach the client as JSON, as in production, not re-raise in the test.
    with TestClient(app, raise_server_exceptions=False) as client:
        assert app.state.serving.wait_ready(60), app.state.serving.describe()
        keys = {role: create_key(app.state.store.engine, role, f"test {role.value}")[1] for role in Role}
        yield Api(app, client, db, keys)
    app.state.store.close()


def eventually(check: Callable[[], object], timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return True
        except (AttributeError, IndexError, KeyError, TypeError):
            pass
        time.sleep(0.1)
    return False
