"""Helpers every source module needs: strict decoding, CSV rows with line numbers, countries, dates."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import pycountry
import yaml

from trustscreen.errors import SourceError
from trustscreen.model import Name

# Fields wider than this are not names or remarks but a broken file (an unclosed quote swallowing
# the rest of the file, or hostile input); refuse them instead of storing megabytes in one field.
MAX_FIELD_CHARS = 100_000
csv.field_size_limit(MAX_FIELD_CHARS * 10)


def read_bytes(path: Path) -> bytes:
    if path.is_dir():
        raise SourceError(str(path), "is a directory; expected a file")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SourceError(str(path), "file not found") from None
    except OSError as exc:
        raise SourceError(str(path), f"cannot be read: {exc.strerror}") from None
    if not data.strip(b"\x00\x1a \t\r\n\xef\xbb\xbf"):
        raise SourceError(str(path), "file is empty; expected list records")
    return data


def decode(path: Path, data: bytes, encoding: str = "utf-8") -> str:
    """Decode strictly: a wrong encoding is an error naming the line, never silent mojibake."""
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise SourceError(
            str(path),
            f"byte 0x{data[exc.start]:02x} at offset {exc.start} is not valid {encoding}; expected {encoding} text",
            line=line,
        ) from None
    # U+FEFF byte-order mark and the DOS end-of-file byte OFAC still appends.
    return text.lstrip("\ufeff").rstrip("\x1a")


def csv_rows(path: Path, text: str, *, delimiter: str = ",") -> Iterator[tuple[int, list[str]]]:
    """Yield (line number of the row's first line, fields)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    line = 1
    try:
        for row in reader:
            for index, value in enumerate(row):
                if len(value) > MAX_FIELD_CHARS:
                    raise SourceError(
                        str(path),
                        f"field is {len(value)} characters long; expected at most {MAX_FIELD_CHARS} "
                        "(an unclosed quote?)",
                        line=line,
                        field=f"column {index + 1}",
                    )
            yield line, row
            line = reader.line_num + 1
    except csv.Error as exc:
        raise SourceError(str(path), f"malformed CSV: {exc}", line=reader.line_num) from None


def json_objects(path: Path, text: str, expected: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) for each non-blank line of a JSON-lines file; `expected` names what one
    line should hold, for the error message."""
    for number, raw in enumerate(text.split("\n"), start=1):
        if not raw.strip():
            continue
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise SourceError(str(path), f"invalid JSON ({exc.msg}); expected {expected}", line=number) from None
        if not isinstance(data, dict):
            raise SourceError(str(path), "expected a JSON object per line", line=number)
        yield number, data


def unique_ids(path: Path, items: Iterator[tuple[int, str]], field: str) -> None:
    """Refuse a second record with an id already seen, naming both lines."""
    seen: dict[str, int] = {}
    for number, item_id in items:
        if item_id in seen:
            raise SourceError(
                str(path),
                f"duplicate {field} (first on line {seen[item_id]}); expected each once",
                line=number,
                record=item_id,
                field=field,
            )
        seen[item_id] = number


def unique_names(names: Iterable[Name]) -> tuple[Name, ...]:
    """First occurrence wins (callers pass primary and strong names first), compared without case or
    extra spaces: lists repeat a name in capitals or as its own alias, which adds nothing to match on."""
    seen: set[str] = set()
    out: list[Name] = []
    for name in names:
        key = " ".join(name.value.casefold().split())
        if key and key not in seen:
            seen.add(key)
            out.append(name)
    return tuple(out)


def clean(value: str | None, *, nulls: tuple[str, ...] = ()) -> str | None:
    if value is None:
        return None
    value = " ".join(value.split())
    if not value or value in nulls:
        return None
    return value


def split_multi(value: str | None, sep: str = ";") -> list[str]:
    if not value:
        return []
    return [part for part in (clean(p) for p in value.split(sep)) if part]


@cache
def _country_aliases() -> dict[str, str]:
    text = resources.files("trustscreen.data.reference").joinpath("country_aliases.yaml").read_text("utf-8")
    table: dict[str, str] = yaml.safe_load(text)
    return {_country_key(name): code.upper() for name, code in table.items()}


def _country_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", name.lower()).strip()


@cache
def country_code(name: str | None) -> str | None:
    """Map a country as official lists spell it ("China, People's Republic of", "Burma", "CN") to ISO alpha-2."""
    if not name:
        return None
    key = _country_key(name)
    if not key:
        return None
    aliases = _country_aliases()
    if key in aliases:
        return aliases[key]
    try:
        return str(pycountry.countries.lookup(name.strip()).alpha_2)
    except LookupError:
        return None


_DATE_FORMATS = (
    "%Y-%m-%d",
    "%m/%d/%Y",
    "%d/%m/%Y",
    "%d.%m.%Y",
    "%d %b %Y",
    "%d %B %Y",
    "%B %d, %Y",
    "%b %d, %Y",
)


def iso_date(value: str | None, formats: tuple[str, ...] = _DATE_FORMATS) -> str | None:
    """Parse a full date in one of `formats`; return None when it is not one (callers keep the raw text)."""
    value = clean(value)
    if not value:
        return None
    for fmt in formats:
        try:
            return datetime.strptime(value, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def partial_date(value: str | None) -> str | None:
    """Birth dates as lists give them: '12 Jan 1955', '1955', 'circa 1960', 'Jan 1955' → ISO (maybe partial)."""
    value = clean(value)
    if not value:
        return None
    full = iso_date(value)
    if full:
        return full
    month_year = None
    for fmt in ("%b %Y", "%B %Y", "%m/%Y", "%Y-%m"):
        try:
            month_year = datetime.strptime(value, fmt)
            break
        except ValueError:
            continue
    if month_year:
        return f"{month_year.year:04d}-{month_year.month:02d}"
    match = re.fullmatch(r"(?:circa|c\.|approximately|approx\.?)?\s*(\d{4})", value, flags=re.IGNORECASE)
    if match:
        return match.group(1)
    return None


def today() -> str:
    return date.today().isoformat()


def check_duplicate_yaml_keys(path: Path, node: Any, normalize: Callable[[str], str] = str) -> None:
    """PyYAML keeps the last of two equal keys silently; a person's YAML with one is an error.

    `node` is a composed yaml.Node; `normalize` makes spellings that mean the same key collide.
    """
    seen: set[int] = set()

    def visit(current: Any) -> None:
        # Aliases share nodes (and may form cycles): visit each node once.
        if id(current) in seen:
            return
        seen.add(id(current))
        if isinstance(current, yaml.MappingNode):
            keys: set[str] = set()
            for key_node, value_node in current.value:
                key = normalize(str(key_node.value))
                if key in keys:
                    raise SourceError(
                        str(path),
                        "key appears twice in one mapping; expected each key once",
                        line=key_node.start_mark.line + 1,
                        field=key,
                    )
                keys.add(key)
                visit(value_node)
        elif isinstance(current, yaml.SequenceNode):
            for item in current.value:
                visit(item)

    visit(node)


def load_strict_yaml(
    path: Path, text: str, loader_class: type[yaml.SafeLoader], expected: str, normalize: Callable[[str], str] = str
) -> tuple[yaml.Node, Any]:
    """Compose and construct one YAML document, refusing duplicate keys; errors name the line.

    Returns the composed node (for line numbers of entries) and the constructed data."""
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise SourceError(str(path), f"no YAML document; expected {expected}")
        check_duplicate_yaml_keys(path, node, normalize)
        return node, loader.construct_document(node)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise SourceError(
            str(path),
            f"malformed YAML: {problem} (truncated or badly indented file?)",
            line=mark.line + 1 if mark is not None else None,
        ) from None
    finally:
        loader.dispose()
