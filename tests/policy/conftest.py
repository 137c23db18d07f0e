from __future__ import annotations

from pathlib import Path

import pytest

from trustscreen import catalog
from trustscreen.matching import Screener
from trustscreen.policy import PolicyBook, load_book
from trustscreen.store import Store


@pytest.fixture(scope="session")
def book() -> PolicyBook:
    return load_book()


@pytest.fixture(scope="session")
def curated_screener(tmp_path_factory: pytest.TempPathFactory) -> Screener:
    """The embedded default: the curated bundle only."""
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('policy') / 'curated.db'}")
    catalog.ensure_curated(store)
    return Screener.from_store(store)


@pytest.fixture(scope="session")
def sdn_screener(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Screener:
    """Curated bundle plus the real OFAC SDN list of 2024-07-02."""
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('policy') / 'sdn.db'}")
    catalog.ensure_curated(store)
    catalog.load_path(store, shared_data / "ofac" / "sdn_2024-07-02" / "sdn.csv")
    return Screener.from_store(store)
