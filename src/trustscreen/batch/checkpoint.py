"""The checkpoint of a batch run: `OUT.partial.jsonl`, a header line then one result per finished row.

The header pins what the results depend on (input bytes, options, list versions); a rerun resumes
only when it is identical, otherwise finished rows would silently mix two different screenings.
Results are appended one chunk at a time with a single write + fsync, so a crash loses at most the
chunks still in flight; a torn last line (power loss mid-write) is cut off on resume.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from trustscreen.batch.io import json_default
from trustscreen.errors import ConfigError

MAGIC = "trustscreen-batch-checkpoint/1"


def checkpoint_path(output: Path) -> Path:
    return output.with_name(output.name + ".partial.jsonl")


class Checkpoint:
    def __init__(self, path: Path, handle: IO[bytes], done: int) -> None:
        self.path = path
        self._handle = handle
        # Rows 1..done are in the file, in order: results arrive ordered, so finished rows are a prefix.
        self.done = done

    @classmethod
    def open(cls, path: Path, header: dict[str, Any], *, restart: bool) -> Checkpoint:
        header = {"checkpoint": MAGIC, **header}
        # Append mode, never "w": the file may belong to a run still going, found out only once locked.
        handle: IO[bytes] = path.open("a+b")
        try:
            _lock(handle, path)
            if restart or handle.seek(0, os.SEEK_END) == 0:
                handle.truncate(0)
                handle.write(_line(header))
                _sync(handle)
                return cls(path, handle, 0)
            done, good_end = _scan(path, header)
            handle.truncate(good_end)
            return cls(path, handle, done)
        except BaseException:
            handle.close()
            raise

    def append(self, records: list[dict[str, Any]]) -> None:
        self._handle.write(b"".join(_line(r) for r in records))
        _sync(self._handle)
        self.done += len(records)

    def close(self) -> None:
        self._handle.close()

    def records(self) -> Iterator[dict[str, Any]]:
        with self.path.open("rb") as handle:
            next(handle, None)
            for raw in handle:
                record: dict[str, Any] = json.loads(raw)
                yield record

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)
        self.close()


def _lock(handle: IO[bytes], path: Path) -> None:
    """Two runs appending to one checkpoint would interleave their rows; the second one is refused."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no advisory locks, run unguarded
        return
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise ConfigError(
            f"{path} is in use by another screen-file run writing the same output; wait for it to end"
        ) from None


def _line(data: dict[str, Any]) -> bytes:
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=json_default) + "\n").encode()


def _sync(handle: IO[bytes]) -> None:
    handle.flush()
    os.fsync(handle.fileno())


def _scan(path: Path, header: dict[str, Any]) -> tuple[int, int]:
    """(rows done, byte offset after the last complete result) of a checkpoint written for `header`."""
    hint = "rerun with --restart to discard it and start over"
    with path.open("rb") as handle:
        first = handle.readline()
        try:
            found = json.loads(first)
        except (json.JSONDecodeError, UnicodeDecodeError):
            found = None
        if not isinstance(found, dict) or found.get("checkpoint") != MAGIC:
            raise ConfigError(f"{path} is not a trustscreen checkpoint; {hint}")
        if found != header:
            raise ConfigError(
                f"checkpoint {path} was written for a different run (differs in: "
                f"{', '.join(_differences(found, header))}); {hint}"
            )
        done, good_end = 0, handle.tell()
        for line_no, raw in enumerate(handle, 2):
            record = _record(raw)
            if record is None:
                if raw.endswith(b"\n"):
                    raise ConfigError(f"checkpoint {path} is damaged at line {line_no}; {hint}")
                break  # a torn last line: the chunk it belonged to is redone
            if record.get("ts_row") != done + 1:
                raise ConfigError(
                    f"checkpoint {path} line {line_no} holds row {record.get('ts_row')}, "
                    f"expected row {done + 1}; {hint}"
                )
            done += 1
            good_end += len(raw)
    return done, good_end


def _record(raw: bytes) -> dict[str, Any] | None:
    if not raw.endswith(b"\n"):
        return None
    try:
        value = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
    return value if isinstance(value, dict) else None


def _differences(found: dict[str, Any], wanted: dict[str, Any]) -> list[str]:
    out: list[str] = []
    for key in sorted(set(found) | set(wanted)):
        old, new = found.get(key), wanted.get(key)
        if old == new:
            continue
        if isinstance(old, dict) and isinstance(new, dict):
            out.extend(f"{key}.{k}" for k in _differences(old, new))
        else:
            out.append(key)
    return out
