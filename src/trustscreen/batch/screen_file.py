"""Screen every row of a file (CSV, JSONL, Parquet, XLSX) and write one result row per input row.

The Screener is built once in this process; worker processes are forked from it so they share the
index copy-on-write instead of rebuilding or unpickling it. Rows go to workers in ordered chunks and
every finished chunk is appended to the checkpoint `OUT.partial.jsonl` before the next is taken, so
an interrupted run resumes where it stopped. OUT itself appears only once every row is done, written
to a temporary file and renamed over OUT.

Test hook: with TRUSTSCREEN_BATCH_FAIL_AFTER_CHUNKS=N in the environment the process kills itself
with SIGKILL right after the N-th chunk of this run reached the checkpoint, which is what a crash,
the OOM killer or a power cut does: no cleanup code runs.
"""

from __future__ import annotations

import gc
import hashlib
import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from trustscreen.batch.checkpoint import Checkpoint, checkpoint_path
from trustscreen.batch.io import (
    XLSX_MAX_ROWS,
    InputTable,
    OutputSpec,
    cell_text,
    detect_format,
    ensure_available,
    open_input,
    write_rows,
)
from trustscreen.errors import ConfigError
from trustscreen.matching import Screener
from trustscreen.matching.queries import MAX_NAME_CHARS, build_query, parse_kind
from trustscreen.model import EntityKind
from trustscreen.store import Store

MAX_ROWS = 5_000_000
CHUNK_ROWS = 256
FAIL_AFTER_ENV = "TRUSTSCREEN_BATCH_FAIL_AFTER_CHUNKS"
TS_COLUMNS = (
    "ts_row",
    "ts_match",
    "ts_score",
    "ts_entity_id",
    "ts_name",
    "ts_lists",
    "ts_programs",
    "ts_matches",
    "ts_error",
)
HITS_COLUMN = "ts_hits"
# Parquet types of the result columns; the rest are strings.
_TS_ARROW = {"ts_row": "int64", "ts_match": "bool_", "ts_score": "float64", "ts_matches": "int64"}
# The matcher never looks at more candidates than this unless --limit asks for more hits.
_CANDIDATES = 30
# Tried in this order, compared without case, spaces, "_" or "-".
_NAME_COLUMNS = (
    "name",
    "fullname",
    "company",
    "companyname",
    "party",
    "partyname",
    "counterparty",
    "counterpartyname",
    "entity",
    "entityname",
    "legalname",
    "organization",
    "organisation",
    "organizationname",
    "organisationname",
    "businessname",
    "supplier",
    "suppliername",
    "vendor",
    "vendorname",
    "customer",
    "customername",
)
_MULTI_SEPARATORS = (";", "|")

ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class BatchOptions:
    name_column: str | None = None
    kind: str | None = None
    kind_column: str | None = None
    country_column: str | None = None
    dob_column: str | None = None
    id_column: str | None = None
    lists: tuple[str, ...] = ()
    threshold: float | None = None
    # Hits kept per row in JSONL output (`ts_hits`).
    limit: int = 10
    workers: int | None = None
    restart: bool = False
    input_format: str | None = None
    sheet: str | None = None
    chunk_rows: int = CHUNK_ROWS


@dataclass(frozen=True, slots=True)
class BatchSummary:
    rows: int
    matched: int
    errors: int
    seconds: float
    rows_per_s: float
    output: str
    # Rows taken from an earlier run's checkpoint, and rows screened by this run.
    resumed: int
    screened: int

    def to_dict(self) -> dict[str, Any]:
        return {field: getattr(self, field) for field in self.__slots__}


def default_workers() -> int:
    return min(2, os.cpu_count() or 1)


def screen_file(
    store: Store,
    input_path: Path,
    output_path: Path,
    options: BatchOptions | None = None,
    *,
    on_progress: ProgressCallback | None = None,
) -> BatchSummary:
    """Screen every row of `input_path` and write `output_path`; resumes from its checkpoint."""
    started = time.monotonic()
    options = options or BatchOptions()
    in_fmt = detect_format(input_path, options.input_format, option="--input-format")
    out_fmt = detect_format(output_path, None, option="output")
    ensure_available(in_fmt, "reading")
    ensure_available(out_fmt, "writing")
    workers = _check_options(options, input_path, output_path)
    fixed_kind = parse_kind(options.kind)
    table = open_input(input_path, in_fmt, options.sheet)
    columns = _Columns.resolve(table, options)
    total = table.count_rows(MAX_ROWS)
    if out_fmt == "xlsx" and total + 1 > XLSX_MAX_ROWS:
        raise ConfigError(
            f"{input_path} has {total:,} rows; an XLSX sheet holds at most {XLSX_MAX_ROWS - 1:,}: "
            "write CSV, JSONL or Parquet instead"
        )
    screener = _screener(store, options.lists)
    threshold = screener.threshold if options.threshold is None else options.threshold
    header = _header(table, total, options, columns, fixed_kind, threshold, out_fmt, screener)
    checkpoint = Checkpoint.open(checkpoint_path(output_path), header, restart=options.restart)
    resumed = checkpoint.done
    state = _WorkerState(screener, threshold, options.limit, hits=out_fmt == "jsonl")
    try:
        if on_progress is not None:
            on_progress(checkpoint.done, total)
        if checkpoint.done < total:
            tasks = columns.tasks(table, fixed_kind, skip=checkpoint.done)
            _run(state, _chunked(tasks, options.chunk_rows), checkpoint, workers, total, on_progress)
        matched, errors = _write_output(table, checkpoint, output_path, out_fmt)
    except BaseException:
        checkpoint.close()
        raise
    # Still locked while OUT is written and the checkpoint removed: no other run can pick it up.
    checkpoint.remove()
    seconds = time.monotonic() - started
    screened = total - resumed
    return BatchSummary(
        rows=total,
        matched=matched,
        errors=errors,
        seconds=round(seconds, 3),
        rows_per_s=round(screened / seconds, 1) if seconds > 0 else 0.0,
        output=str(output_path),
        resumed=resumed,
        screened=screened,
    )


def _check_options(options: BatchOptions, input_path: Path, output_path: Path) -> int:
    if options.threshold is not None and not 0.0 <= options.threshold <= 1.0:
        raise ConfigError(f"--threshold {options.threshold} is outside [0, 1]")
    if options.limit < 1:
        raise ConfigError(f"--limit {options.limit}; expected at least 1")
    if options.chunk_rows < 1:
        raise ConfigError(f"chunk size {options.chunk_rows}; expected at least 1")
    workers = default_workers() if options.workers is None else options.workers
    if workers < 1:
        raise ConfigError(f"--workers {workers}; expected at least 1")
    if not output_path.parent.is_dir():
        raise ConfigError(f"output folder {output_path.parent} does not exist")
    if output_path.resolve() == input_path.resolve():
        raise ConfigError(f"output {output_path} is the input file; choose another output path")
    return workers


def _screener(store: Store, lists: tuple[str, ...]) -> Screener:
    loaded = {v.list_id for v in store.latest_versions()}
    unknown = [list_id for list_id in lists if list_id not in loaded]
    if unknown:
        raise ConfigError(f"--list {', '.join(unknown)} is not loaded; loaded lists: {', '.join(sorted(loaded))}")
    return Screener.from_store(store, lists=lists or None)


def _header(
    table: InputTable,
    total: int,
    options: BatchOptions,
    columns: _Columns,
    fixed_kind: EntityKind | None,
    threshold: float,
    out_fmt: str,
    screener: Screener,
) -> dict[str, Any]:
    """Everything a row's result depends on; a checkpoint is reused only when all of it is equal."""
    return {
        "input": {"sha256": _sha256(table.path), "format": table.fmt, "sheet": table.sheet, "rows": total},
        "options": {
            **columns.names(table),
            "kind": fixed_kind.value if fixed_kind else None,
            "lists": sorted(options.lists) or None,
            "threshold": threshold,
            "limit": options.limit,
            "output_format": out_fmt,
        },
        "list_versions": [
            {"list_id": v.list_id, "version": v.version, "content_hash": v.content_hash}
            for v in screener.versions
            if v is not None
        ],
    }


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


# ---- columns and row tasks -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Task:
    """What a worker needs of one row: small, so pickling chunks to workers stays cheap."""

    row: int
    name: str
    kind: str | None
    countries: tuple[str, ...]
    dob: str | None
    identifiers: tuple[str, ...]
    problem: str | None


@dataclass(frozen=True, slots=True)
class _Columns:
    name: int
    kind: int | None
    country: int | None
    dob: int | None
    ident: int | None

    @classmethod
    def resolve(cls, table: InputTable, options: BatchOptions) -> _Columns:
        if options.name_column is not None:
            name = _find_column(table, options.name_column, "--name-column")
        else:
            name = _default_name_column(table)

        def optional(wanted: str | None, option: str) -> int | None:
            return None if wanted is None else _find_column(table, wanted, option)

        return cls(
            name,
            optional(options.kind_column, "--kind-column"),
            optional(options.country_column, "--country-column"),
            optional(options.dob_column, "--dob-column"),
            optional(options.id_column, "--id-column"),
        )

    def names(self, table: InputTable) -> dict[str, str | None]:
        def column(index: int | None) -> str | None:
            return None if index is None else table.columns[index]

        return {
            "name_column": table.columns[self.name],
            "kind_column": column(self.kind),
            "country_column": column(self.country),
            "dob_column": column(self.dob),
            "id_column": column(self.ident),
        }

    def tasks(self, table: InputTable, fixed_kind: EntityKind | None, *, skip: int) -> Iterator[_Task]:
        for number, values, problem in table.rows():
            if number > skip:
                yield self.task(number, values, problem, fixed_kind)

    def task(self, number: int, values: list[Any], problem: str | None, fixed: EntityKind | None) -> _Task:
        name = cell_text(values[self.name])
        if problem is None and len(name) > MAX_NAME_CHARS and len(" ".join(name.split())) > MAX_NAME_CHARS:
            # Checked here too so a multi-megabyte cell is never shipped to a worker.
            problem = f"name is {len(' '.join(name.split()))} characters; expected at most {MAX_NAME_CHARS}"
        kind = cell_text(values[self.kind]).strip() if self.kind is not None else ""
        dob = cell_text(values[self.dob]).strip() if self.dob is not None else ""
        return _Task(
            row=number,
            name="" if problem else name,
            kind=kind or (fixed.value if fixed else None),
            countries=_multi(values[self.country]) if self.country is not None else (),
            dob=dob or None,
            identifiers=_multi(values[self.ident]) if self.ident is not None else (),
            problem=problem,
        )


def _find_column(table: InputTable, wanted: str, option: str) -> int:
    if wanted in table.columns:
        return table.columns.index(wanted)
    folded = [i for i, c in enumerate(table.columns) if c.strip().casefold() == wanted.strip().casefold()]
    if len(folded) == 1:
        return folded[0]
    raise ConfigError(f"column {wanted!r} ({option}) is not in {table.path}; {_describe_header(table)}")


def _default_name_column(table: InputTable) -> int:
    keys = ["".join(c.casefold().replace("_", " ").replace("-", " ").split()) for c in table.columns]
    for candidate in _NAME_COLUMNS:
        if candidate in keys:
            return keys.index(candidate)
    raise ConfigError(
        f"no name column found in {table.path} (looked for name, full_name, company, party …); "
        f"{_describe_header(table)}; pass --name-column"
    )


def _describe_header(table: InputTable) -> str:
    shown = ", ".join(repr(c) for c in table.columns[:40])
    more = f" and {len(table.columns) - 40} more" if len(table.columns) > 40 else ""
    return f"header: {shown}{more}"


def _multi(value: Any) -> tuple[str, ...]:
    """Several countries or ids in one cell: "CN; HK", "CN|HK", or a JSON list in JSONL."""
    items = value if isinstance(value, list) else [value]
    out: list[str] = []
    for item in items:
        text = cell_text(item)
        for separator in _MULTI_SEPARATORS:
            text = text.replace(separator, "\x1f")
        out.extend(part.strip() for part in text.split("\x1f") if part.strip())
    return tuple(out)


def _chunked(tasks: Iterable[_Task], size: int) -> Iterator[list[_Task]]:
    chunk: list[_Task] = []
    for task in tasks:
        chunk.append(task)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# ---- workers ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _WorkerState:
    screener: Screener
    threshold: float
    limit: int
    hits: bool


# Set in the parent just before the pool forks; children inherit it with the fork.
_STATE: _WorkerState | None = None


def _run(
    state: _WorkerState,
    chunks: Iterator[list[_Task]],
    checkpoint: Checkpoint,
    workers: int,
    total: int,
    on_progress: ProgressCallback | None,
) -> None:
    global _STATE
    fail_after = int(os.environ.get(FAIL_AFTER_ENV, "0") or 0)
    written = 0

    def consume(results: Iterable[list[dict[str, Any]]]) -> None:
        nonlocal written
        for records in results:
            checkpoint.append(records)
            written += 1
            if on_progress is not None:
                on_progress(checkpoint.done, total)
            if fail_after and written >= fail_after:
                os.kill(os.getpid(), signal.SIGKILL)

    _STATE = state
    try:
        if workers == 1 or "fork" not in multiprocessing.get_all_start_methods():
            consume(map(_screen_chunk, chunks))
            return
        # Objects that exist before the fork are never collected by the children's GC, so it
        # does not write to (and thereby copy) every page of the shared index.
        gc.freeze()
        context = multiprocessing.get_context("fork")
        with context.Pool(workers, initializer=_init_worker, initargs=(os.getpid(),)) as pool:
            consume(pool.imap(_screen_chunk, chunks))
            pool.close()
            pool.join()
    finally:
        gc.unfreeze()
        _STATE = None


def _init_worker(parent: int) -> None:
    # Ctrl-C is the parent's to handle (it stops the pool); workers dying on it mid-chunk is noise.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent(parent)


def _die_with_parent(parent: int) -> None:
    """A SIGKILLed parent would otherwise leave its pool workers waiting on the task queue forever."""
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            libc = ctypes.CDLL(None, use_errno=True)
            pr_set_pdeathsig = 1
            libc.prctl(pr_set_pdeathsig, signal.SIGTERM)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:
        os._exit(1)


def _screen_chunk(tasks: list[_Task]) -> list[dict[str, Any]]:
    state = _STATE
    if state is None:
        raise RuntimeError("batch worker started without a screener")
    return [_screen_row(state, task) for task in tasks]


def _screen_row(state: _WorkerState, task: _Task) -> dict[str, Any]:
    record = _empty_result(task.row)
    if task.problem is not None:
        record["ts_error"] = task.problem
        return record
    try:
        query = build_query(
            task.name, kind=task.kind, countries=task.countries, dob=task.dob, identifiers=task.identifiers
        )
    except ConfigError as exc:
        record["ts_error"] = str(exc)
        return record
    wanted = max(state.limit, _CANDIDATES)
    try:
        matches = state.screener.screen(query, limit=wanted, threshold=state.threshold, candidates=wanted)
    except Exception as exc:
        # One row the matcher chokes on must not sink a million-row run; it is reported and counted.
        record["ts_error"] = f"internal error while screening: {type(exc).__name__}: {exc}"
        return record
    # Zero-score candidates share nothing with the name: they are not worth a reviewer's time.
    found = [m for m in matches if m.score > 0]
    record.update(ts_match=False, ts_score=0.0, ts_matches=sum(m.match for m in found))
    if found:
        top = found[0]
        listings = top.entity.listings
        record.update(
            ts_match=top.match,
            ts_score=top.score,
            ts_entity_id=top.entity.id,
            ts_name=top.entity.primary_name,
            ts_lists=";".join(dict.fromkeys(li.list_id for li in listings)),
            ts_programs=";".join(dict.fromkeys(li.program for li in listings if li.program)),
        )
    if state.hits:
        record[HITS_COLUMN] = [m.to_dict() for m in found[: state.limit]]
    return record


def _empty_result(row: int) -> dict[str, Any]:
    # A row that could not be screened has no verdict: ts_match stays empty, never a "clear" false.
    record: dict[str, Any] = dict.fromkeys(TS_COLUMNS)
    record["ts_row"] = row
    return record


# ---- output ----------------------------------------------------------------------------------


def _write_output(table: InputTable, checkpoint: Checkpoint, output: Path, fmt: str) -> tuple[int, int]:
    """Join the input rows with their results into OUT, atomically; returns (matched, errors)."""
    reserved = {*TS_COLUMNS, HITS_COLUMN}
    # Screening a previous run's output again replaces its ts_ columns instead of duplicating them.
    keep = [i for i, c in enumerate(table.columns) if c not in reserved]
    result_columns = [*TS_COLUMNS, HITS_COLUMN] if fmt == "jsonl" else list(TS_COLUMNS)
    input_types = table.arrow_types if table.arrow_types is not None else [None] * len(table.columns)
    spec = OutputSpec(
        fmt,
        [table.columns[i] for i in keep] + result_columns,
        arrow_types=[input_types[i] for i in keep] + [_TS_ARROW.get(c) for c in result_columns],
        delimiter=table.delimiter if table.fmt == "csv" else ",",
    )
    counts = [0, 0]

    def rows() -> Iterator[list[Any]]:
        records = checkpoint.records()
        for number, values, _ in table.rows():
            record = next(records, None)
            if record is None or record.get("ts_row") != number:
                raise ConfigError(
                    f"checkpoint {checkpoint.path} has no result for row {number} of {table.path} "
                    "(did the input change during the run?); rerun with --restart"
                )
            counts[0] += record.get("ts_match") is True
            counts[1] += record.get("ts_error") is not None
            yield [values[i] for i in keep] + [record.get(c) for c in result_columns]

    temporary = output.with_name(f".{output.name}.{os.getpid()}.tmp")
    try:
        write_rows(temporary, spec, rows())
        with temporary.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, output)
    finally:
        temporary.unlink(missing_ok=True)
    return counts[0], counts[1]
