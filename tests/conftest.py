from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("TRUSTSCREEN_SHARED_DATA", REPO.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data holds real official list snapshots; CI always has it, a fresh clone may not."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real list snapshots not found at {SHARED_DATA} (set TRUSTSCREEN_SHARED_DATA)")
    return SHARED_DATA
