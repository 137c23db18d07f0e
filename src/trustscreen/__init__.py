"""trustscreen: restricted-party and technology-trust screening across jurisdictions."""

from trustscreen.matching import DEFAULT_THRESHOLD, Comparison, Match, Query, Screener, compare
from trustscreen.model import Entity, EntityKind, Identifier, Listing, Name, NameKind
from trustscreen.scanning import scan

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_THRESHOLD",
    "Comparison",
    "Entity",
    "EntityKind",
    "Identifier",
    "Listing",
    "Match",
    "Name",
    "NameKind",
    "Query",
    "Screener",
    "__version__",
    "compare",
    "scan",
]
