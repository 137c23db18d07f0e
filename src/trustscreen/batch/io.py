"""Row readers and writers for batch screening: CSV, JSONL, Parquet (pyarrow) and XLSX (openpyxl).

Readers stream: a table is opened once for its header, then iterated as often as needed (count,
screen, write) so a five-million-row file never sits in memory. Values stay as the format gives
them (str for CSV, typed for the others) so a Parquet → Parquet run keeps the input's column types.
pyarrow and openpyxl are the optional extra `trustscreen[files]`; they are imported only when a
Parquet or XLSX file is actually read or written.
"""

from __future__ import annotations

import csv
import importlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from trustscreen.errors import ConfigError, SourceError

FORMATS = ("csv", "jsonl", "parquet", "xlsx")
_EXTENSIONS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".xlsx": "xlsx",
}
_DELIMITERS = (",", ";", "\t")
XLSX_MAX_ROWS = 1_048_576
_XLSX_MAX_CELL = 32_767
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_PARQUET_BATCH = 10_000
_EXTRA_HINT = "pip install 'trustscreen[files]'"

# (row number, values aligned with the header, structural problem of the row or None)
Row = tuple[int, list[Any], str | None]


def detect_format(path: Path, explicit: str | None, *, option: str) -> str:
    if explicit is not None:
        fmt = explicit.strip().lower()
        if fmt not in FORMATS:
            raise ConfigError(f"{option} {explicit!r}; expected one of: {', '.join(FORMATS)}")
        return fmt
    fmt_found = _EXTENSIONS.get(path.suffix.lower())
    if fmt_found is None:
        known = ", ".join(sorted(_EXTENSIONS))
        raise ConfigError(f"cannot tell the format of {path} from its extension (known: {known})")
    return fmt_found


def _require(module: str, what: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError:
        raise ConfigError(f"{what} needs the {module.split('.')[0]} package: {_EXTRA_HINT}") from None


def ensure_available(fmt: str, what: str) -> None:
    """Fail before any work when a format's optional package is missing, not after hours of it."""
    if fmt == "parquet":
        _require("pyarrow.parquet", f"{what} Parquet")
    elif fmt == "xlsx":
        _require("openpyxl", f"{what} XLSX")


@dataclass(slots=True)
class InputTable:
    path: Path
    fmt: str
    columns: list[str]
    delimiter: str = ","
    sheet: str | None = None
    # Column types of a Parquet input, so Parquet output keeps them.
    arrow_types: list[Any] | None = None
    _num_rows: int | None = field(default=None, repr=False)

    def count_rows(self, limit: int) -> int:
        """Data rows in the file; refuses more than `limit` without reading the rest."""
        if self._num_rows is not None:
            count = self._num_rows
        else:
            count = 0
            for _ in self.rows():
                count += 1
                if count > limit:
                    break
        if count > limit:
            raise SourceError(str(self.path), f"has more than {limit:,} rows; split it into smaller files")
        return count

    def rows(self) -> Iterator[Row]:
        readers = {"csv": _csv_rows, "jsonl": _jsonl_rows, "parquet": _parquet_rows, "xlsx": _xlsx_rows}
        return readers[self.fmt](self)


def open_input(path: Path, fmt: str, sheet: str | None) -> InputTable:
    if path.is_dir():
        raise SourceError(str(path), "is a directory; expected a file")
    if not path.is_file():
        raise SourceError(str(path), "file not found")
    if sheet is not None and fmt != "xlsx":
        raise ConfigError(f"--sheet is only for XLSX input; {path} is {fmt}")
    openers = {"csv": _open_csv, "jsonl": _open_jsonl, "parquet": _open_parquet, "xlsx": _open_xlsx}
    table = openers[fmt](path, sheet)
    _check_header(path, table.columns)
    return table


def _check_header(path: Path, columns: list[str]) -> None:
    seen: set[str] = set()
    for name in columns:
        if name in seen:
            raise SourceError(str(path), f"column {name!r} appears twice in the header", line=1)
        seen.add(name)


def _fill_blank_names(names: Iterable[Any]) -> list[str]:
    """Spreadsheet exports leave header cells blank over unnamed columns; give them stable names."""
    return [
        str(name).strip() if name is not None and str(name).strip() else f"column_{index}"
        for index, name in enumerate(names, 1)
    ]


def _align(values: list[Any], width: int, line: str) -> tuple[list[Any], str | None]:
    if len(values) == width:
        return values, None
    problem = f"{line} has {len(values)} fields; the header has {width}"
    return (values + [None] * width)[:width], problem


# ---- CSV -------------------------------------------------------------------------------------


def _sniff_delimiter(header_line: str) -> str:
    """The candidate that splits the header into the most columns; header names rarely hold , ; or tab."""
    best, best_count = ",", 1
    for delimiter in _DELIMITERS:
        count = len(next(csv.reader([header_line], delimiter=delimiter), []))
        if count > best_count:
            best, best_count = delimiter, count
    return best


def _open_csv(path: Path, sheet: str | None) -> InputTable:
    try:
        with path.open("r", encoding="utf-8-sig", newline="") as handle:
            first = handle.readline()
    except UnicodeDecodeError:
        raise SourceError(str(path), "is not valid UTF-8; expected UTF-8 CSV", line=1) from None
    if not first.strip():
        raise SourceError(str(path), "file is empty; expected a header row")
    delimiter = "\t" if path.suffix.lower() == ".tsv" else _sniff_delimiter(first.rstrip("\r\n"))
    table = InputTable(path, "csv", [], delimiter=delimiter)
    for _, fields in _csv_records(table):
        table.columns = _fill_blank_names(fields)
        break
    return table


def _csv_records(table: InputTable) -> Iterator[tuple[int, list[str]]]:
    path = table.path
    with path.open("r", encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, delimiter=table.delimiter, strict=True)
        try:
            for fields in reader:
                if fields and any(f.strip() for f in fields):
                    yield reader.line_num, fields
        except csv.Error as exc:
            raise SourceError(str(path), f"malformed CSV: {exc}", line=reader.line_num) from None
        except UnicodeDecodeError as exc:
            raise SourceError(
                str(path),
                f"byte 0x{exc.object[exc.start]:02x} is not valid UTF-8; expected UTF-8 CSV",
                line=reader.line_num + 1,
            ) from None


def _csv_rows(table: InputTable) -> Iterator[Row]:
    records = _csv_records(table)
    next(records, None)
    width = len(table.columns)
    for number, (line, fields) in enumerate(records, 1):
        values, problem = _align(list(fields), width, f"line {line}")
        yield number, values, problem


# ---- JSONL -----------------------------------------------------------------------------------


def _jsonl_objects(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    with path.open("rb") as handle:
        for line_no, raw in enumerate(handle, 1):
            if not raw.strip():
                continue
            try:
                value = json.loads(raw)
            except UnicodeDecodeError:
                raise SourceError(str(path), "is not valid UTF-8; expected UTF-8 JSON", line=line_no) from None
            except json.JSONDecodeError as exc:
                raise SourceError(str(path), f"invalid JSON: {exc.msg}", line=line_no) from None
            if not isinstance(value, dict):
                raise SourceError(
                    str(path), f"line holds a JSON {type(value).__name__}; expected an object", line=line_no
                )
            yield line_no, value


def _open_jsonl(path: Path, sheet: str | None) -> InputTable:
    # JSONL has no header: the columns are every key, in order of first appearance.
    columns: dict[str, None] = {}
    count = 0
    for _, obj in _jsonl_objects(path):
        columns.update(dict.fromkeys(obj))
        count += 1
    if count == 0:
        raise SourceError(str(path), "file is empty; expected one JSON object per line")
    return InputTable(path, "jsonl", list(columns), _num_rows=count)


def _jsonl_rows(table: InputTable) -> Iterator[Row]:
    for number, (_, obj) in enumerate(_jsonl_objects(table.path), 1):
        yield number, [obj.get(name) for name in table.columns], None


# ---- Parquet ---------------------------------------------------------------------------------


def _parquet_file(path: Path) -> Any:
    pq = _require("pyarrow.parquet", "reading Parquet")
    try:
        return pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises ArrowInvalid / OSError subclasses for broken files
        raise SourceError(str(path), f"is not a readable Parquet file: {exc}") from None


def _open_parquet(path: Path, sheet: str | None) -> InputTable:
    parquet = _parquet_file(path)
    schema = parquet.schema_arrow
    return InputTable(
        path,
        "parquet",
        [str(name) for name in schema.names],
        arrow_types=[f.type for f in schema],
        _num_rows=int(parquet.metadata.num_rows),
    )


def _parquet_rows(table: InputTable) -> Iterator[Row]:
    parquet = _parquet_file(table.path)
    number = 0
    for batch in parquet.iter_batches(batch_size=_PARQUET_BATCH):
        columns = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
        for values in zip(*columns, strict=True):
            number += 1
            yield number, list(values), None


# ---- XLSX ------------------------------------------------------------------------------------


def _xlsx_sheet_rows(path: Path, sheet: str | None) -> Iterator[tuple[int, tuple[Any, ...]]]:
    openpyxl = _require("openpyxl", "reading XLSX")
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException …
        raise SourceError(str(path), f"is not a readable XLSX workbook: {exc}") from None
    try:
        if sheet is None:
            worksheet = book.worksheets[0]
        elif sheet in book.sheetnames:
            worksheet = book[sheet]
        else:
            names = ", ".join(repr(n) for n in book.sheetnames)
            raise ConfigError(f"--sheet {sheet!r} is not in {path}; sheets: {names}")
        for line, cells in enumerate(worksheet.iter_rows(values_only=True), 1):
            if any(c is not None and str(c).strip() for c in cells):
                yield line, tuple(cells)
    finally:
        book.close()


def _open_xlsx(path: Path, sheet: str | None) -> InputTable:
    for _, cells in _xlsx_sheet_rows(path, sheet):
        header = list(cells)
        while header and (header[-1] is None or not str(header[-1]).strip()):
            header.pop()
        return InputTable(path, "xlsx", _fill_blank_names(header), sheet=sheet)
    raise SourceError(str(path), f"sheet {sheet or '1'} is empty; expected a header row")


def _xlsx_rows(table: InputTable) -> Iterator[Row]:
    records = _xlsx_sheet_rows(table.path, table.sheet)
    next(records, None)
    width = len(table.columns)
    for number, (line, cells) in enumerate(records, 1):
        values = list(cells[:width]) + [None] * (width - len(cells))
        beyond = any(c is not None and str(c).strip() for c in cells[width:])
        problem = f"row {line} has values beyond the header's {width} columns" if beyond else None
        yield number, values, problem


# ---- value conversion ------------------------------------------------------------------------


def cell_text(value: Any) -> str:
    """A value as the text a person would type: what names, countries and ids are matched on."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        # Spreadsheets store ids and years as floats: 12345.0 is the id 12345.
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, default=json_default)
    return str(value)


def json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    return str(value)


# ---- writers ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OutputSpec:
    fmt: str
    columns: list[str]
    # Parquet type per column: a pyarrow type, a pyarrow factory name ("int64", "bool_"), or None
    # for string.
    arrow_types: list[Any] | None = None
    delimiter: str = ","


def write_rows(path: Path, spec: OutputSpec, rows: Iterable[list[Any]]) -> None:
    writers = {"csv": _write_csv, "jsonl": _write_jsonl, "parquet": _write_parquet, "xlsx": _write_xlsx}
    writers[spec.fmt](path, spec, rows)


def _write_csv(path: Path, spec: OutputSpec, rows: Iterable[list[Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=spec.delimiter)
        writer.writerow(spec.columns)
        for values in rows:
            writer.writerow([_csv_text(v) for v in values])


def _csv_text(value: Any) -> str:
    # Scores stay "1.0", not the "1" cell_text makes of integral floats for ids and years.
    return repr(value) if isinstance(value, float) else cell_text(value)


def _write_jsonl(path: Path, spec: OutputSpec, rows: Iterable[list[Any]]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for values in rows:
            obj = dict(zip(spec.columns, values, strict=True))
            handle.write(json.dumps(obj, ensure_ascii=False, default=json_default) + "\n")


def _write_parquet(path: Path, spec: OutputSpec, rows: Iterable[list[Any]]) -> None:
    pa = _require("pyarrow", "writing Parquet")
    pq = _require("pyarrow.parquet", "writing Parquet")
    types = spec.arrow_types or [None] * len(spec.columns)
    schema = pa.schema([(name, _arrow_type(pa, kind)) for name, kind in zip(spec.columns, types, strict=True)])
    texts = [kind is None for kind in types]

    def flush(batch: list[list[Any]]) -> None:
        arrays = [
            pa.array([_text_or_none(r[i]) if texts[i] else r[i] for r in batch], type=schema.field(i).type)
            for i in range(len(spec.columns))
        ]
        writer.write_table(pa.Table.from_arrays(arrays, schema=schema))

    with pq.ParquetWriter(path, schema) as writer:
        batch: list[list[Any]] = []
        for values in rows:
            batch.append(values)
            if len(batch) >= _PARQUET_BATCH:
                flush(batch)
                batch = []
        if batch:
            flush(batch)


def _arrow_type(pa: Any, kind: Any) -> Any:
    if kind is None:
        return pa.string()
    if isinstance(kind, str):
        return getattr(pa, kind)()
    return kind


def _text_or_none(value: Any) -> str | None:
    return None if value is None else cell_text(value)


def _write_xlsx(path: Path, spec: OutputSpec, rows: Iterable[list[Any]]) -> None:
    openpyxl = _require("openpyxl", "writing XLSX")
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("results")
    sheet.append(spec.columns)
    for values in rows:
        sheet.append([_xlsx_cell(v, spec.columns[i]) for i, v in enumerate(values)])
    book.save(path)


def _xlsx_cell(value: Any, column: str) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, datetime) and value.tzinfo is None:
        return value
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    text = _ILLEGAL_XML.sub("", cell_text(value))
    if len(text) > _XLSX_MAX_CELL:
        raise ConfigError(
            f"column {column!r} holds a value of {len(text):,} characters; XLSX cells hold at most "
            f"{_XLSX_MAX_CELL:,}: write CSV, JSONL or Parquet instead"
        )
    return text


__all__ = [
    "FORMATS",
    "XLSX_MAX_ROWS",
    "InputTable",
    "OutputSpec",
    "Row",
    "cell_text",
    "detect_format",
    "ensure_available",
    "json_default",
    "open_input",
    "write_rows",
]
