from __future__ import annotations

import pytest

from trustscreen.matching import Screener
from trustscreen.model import Entity, EntityKind, Listing, Name, NameKind
from trustscreen.scanning import Scanner
from trustscreen.sources import curated

# Persons the curated bundle does not hold, to test the two-name-parts rule on real-looking names.
EXTRA = (
    Entity(
        "test:ren-zhengfei",
        EntityKind.PERSON,
        (Name("Ren Zhengfei"), Name("任正非", NameKind.NATIVE, "Hani")),
        (Listing("test-list", program="TEST", jurisdiction="XX", listed_on="2020-01-01"),),
    ),
    Entity(
        "test:xi-jinping",
        EntityKind.PERSON,
        (Name("Xi Jinping"), Name("习近平", NameKind.NATIVE, "Hani")),
        (Listing("test-list", program="TEST", jurisdiction="XX"),),
    ),
)


@pytest.fixture(scope="session")
def screener() -> Screener:
    entities = [e for parsed in curated.parse_bundle() for e in parsed.entities]
    return Screener((None, e) for e in [*entities, *EXTRA])


@pytest.fixture(scope="session")
def scanner(screener: Screener) -> Scanner:
    return Scanner(screener)
