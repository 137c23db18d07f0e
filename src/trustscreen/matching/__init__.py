"""Matching: name forms → candidate index → scored features → explanation."""

from trustscreen.matching.scorer import DEFAULT_THRESHOLD, Query
from trustscreen.matching.screener import Comparison, Match, Screener, compare

__all__ = ["DEFAULT_THRESHOLD", "Comparison", "Match", "Query", "Screener", "compare"]
