"""Free-text scanning: find the passages of a document that name listed entities.

    from trustscreen import scan
    for hit in scan("We signed with Hua-\\nwei Technologies Co., Ltd."):
        print(hit.start, hit.end, hit.text, hit.entity.id, hit.score)

`scan` uses the default store (the curated lists plus whatever was loaded) unless given a
`Screener`; `scan_document` reads a file (text, Markdown, HTML, PDF, DOCX, e-mail, MT103, pacs.008).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from trustscreen.matching.screener import Screener
from trustscreen.scanning.extract import FORMATS, MAX_BYTES, Document, DocumentError, parse_document, read_document
from trustscreen.scanning.scanner import Field, Hit, Scanner

_default: dict[tuple[str, tuple[tuple[str, int], ...]], Screener] = {}


@dataclass(frozen=True, slots=True)
class ScanResult:
    document: Document
    hits: list[Hit]
    threshold: float


def scanner_for(screener: Screener) -> Scanner:
    """The scanner of a screener, built once (it indexes every listed name) and reused."""
    # Kept on the screener itself: a cache keyed by the screener would keep it alive through the
    # scanner's own reference to it.
    scanner = screener.derived.get("scanner")
    if not isinstance(scanner, Scanner):
        scanner = Scanner(screener)
        screener.derived["scanner"] = scanner
    return scanner


def default_screener() -> Screener:
    """A screener over the latest version of every list in the default store (curated lists included).
    Rebuilt only when a list version changes."""
    from trustscreen import catalog
    from trustscreen.settings import load_settings
    from trustscreen.store import Store

    url = load_settings().database_url
    store = Store(url)
    catalog.ensure_curated(store)
    key = (url, tuple(sorted((v.list_id, v.id) for v in store.latest_versions())))
    screener = _default.get(key)
    if screener is None:
        _default.clear()
        screener = _default[key] = Screener.from_store(store)
    return screener


def scan(
    text: str,
    *,
    screener: Screener | None = None,
    threshold: float | None = None,
    lists: Iterable[str] | None = None,
    fields: Sequence[Field] | None = None,
) -> list[Hit]:
    """Spans of `text` that name listed entities, by position. Offsets are Python string indices:
    `text[hit.start:hit.end] == hit.text`."""
    scanner = scanner_for(screener or default_screener())
    return scanner.scan(text, fields, threshold=threshold, lists=lists)


def scan_document(
    source: str | Path | bytes,
    fmt: str = "auto",
    *,
    screener: Screener | None = None,
    threshold: float | None = None,
    lists: Iterable[str] | None = None,
    encoding: str | None = None,
    max_bytes: int = MAX_BYTES,
) -> ScanResult:
    """Read a document (a path, "-" for standard input, or its bytes) and scan its text."""
    if isinstance(source, bytes):
        document = parse_document(source, fmt, encoding=encoding)
    else:
        document = read_document(source, fmt, encoding=encoding, max_bytes=max_bytes)
    scanner = scanner_for(screener or default_screener())
    hits = scanner.scan(document.text, document.fields or None, threshold=threshold, lists=lists)
    return ScanResult(document, hits, scanner.threshold if threshold is None else threshold)


__all__ = [
    "FORMATS",
    "Document",
    "DocumentError",
    "Field",
    "Hit",
    "ScanResult",
    "Scanner",
    "default_screener",
    "scan",
    "scan_document",
    "scanner_for",
]
