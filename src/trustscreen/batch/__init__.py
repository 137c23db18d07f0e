"""Batch screening of files: `screen_file` reads CSV / JSONL / Parquet / XLSX rows, screens each one
and writes the input rows back with `ts_*` result columns, resuming from a checkpoint after a crash."""

from trustscreen.batch.screen_file import (
    FAIL_AFTER_ENV,
    MAX_ROWS,
    TS_COLUMNS,
    BatchOptions,
    BatchSummary,
    default_workers,
    screen_file,
)

__all__ = [
    "FAIL_AFTER_ENV",
    "MAX_ROWS",
    "TS_COLUMNS",
    "BatchOptions",
    "BatchSummary",
    "default_workers",
    "screen_file",
]
