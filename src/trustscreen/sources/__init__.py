"""List sources: one module per official format, each yielding Entity records.

A source module exposes `FORMAT` (its name on the command line), `sniff(path) -> bool` (does this
file or folder look like my format) and `parse(path) -> ParsedList`.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

from trustscreen.errors import SourceError
from trustscreen.model import ParsedList

# Order matters only for error messages; detection requires exactly one module to claim the input.
_MODULES = (
    "ofac_csv",
    "csl",
    "un_xml",
    "bis_dpl",
    "uk_conlist",
    "ftm",
    "senzing",
    "curated",
)


def _load(name: str) -> ModuleType:
    return importlib.import_module(f"trustscreen.sources.{name}")


def formats() -> dict[str, ModuleType]:
    modules = {}
    for name in _MODULES:
        try:
            module = _load(name)
        except ModuleNotFoundError as exc:
            if exc.name == f"trustscreen.sources.{name}":
                continue
            raise
        modules[module.FORMAT] = module
    return modules


def detect_format(path: Path) -> str:
    if not path.exists():
        raise SourceError(str(path), "file not found")
    claims = [fmt for fmt, module in formats().items() if module.sniff(path)]
    if len(claims) == 1:
        return claims[0]
    if not claims:
        raise SourceError(
            str(path),
            f"format not recognised; pass --format (one of: {', '.join(sorted(formats()))}, custom-csv)",
        )
    raise SourceError(str(path), f"format is ambiguous ({', '.join(claims)}); pass --format")


def parse(path: Path, fmt: str | None = None) -> ParsedList:
    fmt = fmt or detect_format(path)
    modules = formats()
    if fmt not in modules:
        raise SourceError(str(path), f"unknown format {fmt!r}; expected one of: {', '.join(sorted(modules))}")
    result: ParsedList = modules[fmt].parse(path)
    return result
