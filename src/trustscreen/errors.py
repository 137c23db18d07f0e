"""Errors a user can cause. Each names where (file, line/record, field) and what was expected."""

from __future__ import annotations


class TrustscreenError(Exception):
    """Base class for errors shown to users (CLI exit code 2, API 4xx)."""


class SourceError(TrustscreenError):
    """A list file could not be read as the format it claims to be."""

    def __init__(
        self,
        path: str,
        problem: str,
        *,
        line: int | None = None,
        record: str | None = None,
        field: str | None = None,
    ) -> None:
        self.path = path
        self.problem = problem
        self.line = line
        self.record = record
        self.field = field
        super().__init__(self.describe())

    def describe(self) -> str:
        where = [self.path]
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.record is not None:
            where.append(f"record {self.record}")
        if self.field is not None:
            where.append(f"field {self.field!r}")
        return f"{', '.join(where)}: {self.problem}"


class StoreError(TrustscreenError):
    """The store cannot do what was asked (unknown list, version, entity …)."""


class ConfigError(TrustscreenError):
    """A setting or option has a value that cannot be used."""
