"""`screen-file` end to end: real files in every format, real worker processes, real crashes.

The lists are the curated bundle the store loads on first use (trustscreen.catalog.ensure_curated).
"""

from __future__ import annotations

import contextlib
import csv
import importlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from trustscreen import catalog
from trustscreen.batch import FAIL_AFTER_ENV, TS_COLUMNS, BatchOptions, screen_file
from trustscreen.batch.checkpoint import Checkpoint
from trustscreen.errors import ConfigError, SourceError
from trustscreen.store import Store

EXE = Path(sys.executable).parent / "trustscreen"
LONG_NAME = "Huawei " * 90  # 630 characters once whitespace is normalised: over the 500 limit


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("batch") / "batch.db"
    store = Store(f"sqlite:///{path}")
    catalog.ensure_curated(store)
    store.close()
    return path


@pytest.fixture
def store(db: Path) -> Iterator[Store]:
    store = Store(f"sqlite:///{db}")
    yield store
    store.close()


def _cli(db: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != FAIL_AFTER_ENV}
    environ.update({"TRUSTSCREEN_DB": str(db), **(env or {})})
    # Own session: after a simulated crash the test reaps any worker left behind by its group.
    with subprocess.Popen(
        [str(EXE), "screen-file", *args],
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    ) as child:
        try:
            stdout, stderr = child.communicate(timeout=300)
            # Even after SIGKILL of the parent no worker lingers (they die with their parent).
            assert not _group_alive(child.pid), "worker processes outlived the run"
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGKILL)
    return subprocess.CompletedProcess(child.args, child.returncode, stdout, stderr)


def _summary(proc: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    assert proc.returncode == 0, proc.stderr
    data: dict[str, Any] = json.loads(proc.stdout)  # stdout holds the summary and nothing else
    return data


def _read_csv(path: Path, delimiter: str = ",") -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


def _write_csv(path: Path, header: list[str], rows: list[list[str]], delimiter: str = ",") -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)


# ---- CSV → CSV through the CLI ---------------------------------------------------------------


def test_csv_to_csv_flags_listed_names_and_reports_bad_rows(db: Path, tmp_path: Path) -> None:
    source = tmp_path / "parties.csv"
    # BOM + ";" delimiter, and a name holding a comma: the sniffer must pick ";" from the header.
    source.write_text(
        "\ufeffref;Company Name;country\n"
        "A1;Huawei Technologies Co., Ltd.;CN\n"
        "A2;Hikvision;\n"
        "A3;Acme Widgets Ltd;GB\n"
        "A4;;US\n"
        f"A5;{LONG_NAME};CN\n"
        "A6;Hikvision;Atlantis\n",
        encoding="utf-8",
    )
    output = tmp_path / "out.csv"
    summary = _summary(
        _cli(db, str(source), "-o", str(output), "--country-column", "country", "--workers", "2", "--json")
    )
    assert summary["rows"] == 6 and summary["matched"] == 2 and summary["errors"] == 3
    assert summary["output"] == str(output) and summary["resumed"] == 0 and summary["screened"] == 6
    assert set(summary) >= {"rows", "matched", "errors", "seconds", "rows_per_s", "output"}
    assert not (tmp_path / "out.csv.partial.jsonl").exists()

    rows = _read_csv(output, delimiter=";")
    assert list(rows[0]) == ["ref", "Company Name", "country", *TS_COLUMNS]
    assert [r["ref"] for r in rows] == ["A1", "A2", "A3", "A4", "A5", "A6"]
    assert [r["ts_row"] for r in rows] == ["1", "2", "3", "4", "5", "6"]
    huawei, hikvision, acme, empty, long_name, atlantis = rows

    assert huawei["ts_match"] == "true" and float(huawei["ts_score"]) >= 0.9
    assert "huawei" in huawei["ts_name"].lower() and huawei["ts_entity_id"].endswith(":huawei")
    assert huawei["ts_lists"] and huawei["ts_error"] == ""
    # Huawei is in several curated lists (BIS Entity List, FCC Covered List, NDAA 889 …).
    assert int(huawei["ts_matches"]) >= 2
    assert hikvision["ts_match"] == "true" and "hikvision" in hikvision["ts_name"].lower()

    assert acme["ts_match"] == "false" and acme["ts_error"] == "" and acme["ts_matches"] == "0"
    # Rows that could not be screened carry no verdict at all, never a "clear" false.
    assert empty["ts_match"] == "" and "name is empty" in empty["ts_error"]
    assert long_name["ts_match"] == "" and "expected at most 500" in long_name["ts_error"]
    assert atlantis["ts_match"] == "" and "country 'Atlantis'" in atlantis["ts_error"]


def test_missing_columns_and_bad_options_are_clear_errors(db: Path, tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    _write_csv(source, ["Ref", "Legal Name"], [["1", "Hikvision"]])
    out = str(tmp_path / "out.csv")

    proc = _cli(db, str(source), "-o", out, "--country-column", "Land")
    assert proc.returncode == 2
    assert "column 'Land' (--country-column)" in proc.stderr
    assert "'Ref', 'Legal Name'" in proc.stderr  # the header found

    odd = tmp_path / "odd.csv"
    _write_csv(odd, ["Ref", "Security"], [["1", "Hikvision"]])
    proc = _cli(db, str(odd), "-o", out)
    assert proc.returncode == 2 and "no name column" in proc.stderr and "--name-column" in proc.stderr

    proc = _cli(db, str(source), "-o", out, "--list", "no-such-list")
    assert proc.returncode == 2 and "no-such-list is not loaded" in proc.stderr
    proc = _cli(db, str(source), "-o", out, "--kind", "spaceship")
    assert proc.returncode == 2 and "kind 'spaceship' is not known" in proc.stderr
    proc = _cli(db, str(source), "-o", str(tmp_path / "out.txt.gz"))
    assert proc.returncode == 2 and "cannot tell the format" in proc.stderr
    assert not (tmp_path / "out.csv").exists()


def test_structural_row_problems_are_row_errors_and_broken_files_are_fatal(store: Store, tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("name,country\nHikvision,CN\nAcme,GB,extra\n,\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    summary = screen_file(store, source, out, BatchOptions(workers=1))
    # ",\n" is a blank row (every field empty) and is skipped; "Acme,GB,extra" has one field too many.
    assert summary.rows == 2 and summary.errors == 1
    rows = _read_csv(out)
    assert rows[1]["ts_error"] == "line 3 has 3 fields; the header has 2"

    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes("name\nHikvision\nSoci\u00e9t\u00e9 G\u00e9n\u00e9rale\n".encode("latin-1"))
    with pytest.raises(SourceError, match="not valid UTF-8"):
        screen_file(store, latin1, tmp_path / "x.csv", BatchOptions(workers=1))

    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"name": "Hikvision"}\n{"name": "Hua\n', encoding="utf-8")
    with pytest.raises(SourceError, match=r"line 2: invalid JSON"):
        screen_file(store, broken, tmp_path / "x.csv", BatchOptions(workers=1))


def test_row_limit_is_enforced_before_screening(store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # 5,000,001 real rows would take minutes to write; the limit is one constant, so lower it.
    # (The package's `screen_file` attribute is the function, so fetch the module by name.)
    module = importlib.import_module("trustscreen.batch.screen_file")
    monkeypatch.setattr(module, "MAX_ROWS", 3)
    source = tmp_path / "in.csv"
    _write_csv(source, ["name"], [["a"], ["b"], ["c"], ["d"]])
    with pytest.raises(SourceError, match="more than 3 rows"):
        screen_file(store, source, tmp_path / "out.csv", BatchOptions(workers=1))
    assert not (tmp_path / "out.csv.partial.jsonl").exists()


def test_missing_optional_package_is_named_before_any_work(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "in.csv"
    _write_csv(source, ["name"], [["Hikvision"]])
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)  # import now fails as if not installed
    with pytest.raises(
        ConfigError, match=r"writing Parquet needs the pyarrow package: pip install 'trustscreen\[files\]'"
    ):
        screen_file(store, source, tmp_path / "out.parquet", BatchOptions(workers=1))
    assert not (tmp_path / "out.parquet.partial.jsonl").exists()


# ---- Parquet, XLSX and JSONL -----------------------------------------------------------------


def test_parquet_round_trip_keeps_column_types(store: Store, tmp_path: Path) -> None:
    source = tmp_path / "in.parquet"
    table = pa.table(
        {
            "id": pa.array([10, 20, 30], pa.int64()),
            "full_name": ["Hikvision", "Acme Widgets Ltd", None],
            "since": pa.array([date(2020, 1, 2), None, date(1999, 12, 31)], pa.date32()),
        }
    )
    pq.write_table(table, source)
    out = tmp_path / "out.parquet"
    summary = screen_file(store, source, out, BatchOptions(workers=2))
    assert (summary.rows, summary.matched, summary.errors) == (3, 1, 1)

    result = pq.read_table(out)
    assert result.column_names == ["id", "full_name", "since", *TS_COLUMNS]
    assert result.schema.field("id").type == pa.int64()
    assert result.schema.field("since").type == pa.date32()
    assert result.schema.field("ts_match").type == pa.bool_()
    assert result.schema.field("ts_score").type == pa.float64()
    assert result.schema.field("ts_row").type == pa.int64()
    rows = result.to_pylist()
    assert [r["id"] for r in rows] == [10, 20, 30]
    assert rows[0]["since"] == date(2020, 1, 2)
    assert rows[0]["ts_match"] is True and "hikvision" in rows[0]["ts_name"].lower()
    assert rows[1]["ts_match"] is False and rows[1]["ts_error"] is None
    assert rows[2]["ts_match"] is None and "name is empty" in rows[2]["ts_error"]


def test_xlsx_round_trip_with_sheet_and_kind_columns(store: Store, tmp_path: Path) -> None:
    source = tmp_path / "in.xlsx"
    book = openpyxl.Workbook()
    cover = book.active
    assert cover is not None
    cover.title = "cover"
    cover.append(["this sheet is not the data"])
    data = book.create_sheet("suppliers")
    data.append(["No", "Supplier", "Type", "Country", None])
    data.append([1, "Hikvision", "company", "China", None])
    data.append([None, None, None, None, None])  # blank rows are skipped
    data.append([2, "Acme Widgets Ltd", "", "GB", None])
    data.append([3, "Huawei Technologies Co., Ltd.", "spaceship", "CN", None])
    book.save(source)

    out = tmp_path / "out.xlsx"
    options = BatchOptions(
        sheet="suppliers", kind_column="Type", country_column="Country", kind="organization", workers=1
    )
    summary = screen_file(store, source, out, options)
    assert (summary.rows, summary.matched, summary.errors) == (3, 1, 1)

    result = openpyxl.load_workbook(out, read_only=True)
    values = [list(r) for r in result.worksheets[0].iter_rows(values_only=True)]
    result.close()
    assert values[0] == ["No", "Supplier", "Type", "Country", *TS_COLUMNS]
    header = values[0]
    # Read-only openpyxl drops trailing empty cells of a row.
    rows = [dict(zip(header, [*r, *[None] * (len(header) - len(r))], strict=True)) for r in values[1:]]
    assert [r["No"] for r in rows] == [1, 2, 3]  # numbers stay numbers
    assert rows[0]["ts_match"] is True and rows[0]["ts_row"] == 1
    assert rows[1]["ts_match"] is False
    assert "kind 'spaceship' is not known" in rows[2]["ts_error"]

    with pytest.raises(ConfigError, match="--sheet 'nope' is not in"):
        screen_file(store, source, tmp_path / "x.csv", BatchOptions(sheet="nope"))


def test_jsonl_output_carries_hits_and_rescreening_replaces_result_columns(store: Store, tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    lines = [
        {"name": "Huawei Technologies Co., Ltd.", "countries": ["CN", "HK"], "meta": {"k": 1}},
        {"name": "Acme Widgets Ltd", "extra": True},
        {"name": "Hikvision"},
    ]
    source.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    summary = screen_file(store, source, out, BatchOptions(country_column="countries", limit=3, workers=2))
    assert (summary.rows, summary.matched, summary.errors) == (3, 2, 0)

    rows = [json.loads(x) for x in out.read_text("utf-8").splitlines()]
    assert list(rows[0]) == ["name", "countries", "meta", "extra", *TS_COLUMNS, "ts_hits"]
    assert rows[0]["countries"] == ["CN", "HK"] and rows[0]["meta"] == {"k": 1}
    hits = rows[0]["ts_hits"]
    assert 1 <= len(hits) <= 3
    assert hits[0]["entity_id"] == rows[0]["ts_entity_id"] and hits[0]["score"] == rows[0]["ts_score"]
    assert {"entity_id", "name", "score", "match", "listings", "explanation"} <= set(hits[0])
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)
    assert rows[1]["ts_match"] is False and all(h["match"] is False for h in rows[1]["ts_hits"])

    # Screening a result file again replaces the ts_ columns rather than adding a second set.
    again = tmp_path / "again.csv"
    screen_file(store, out, again, BatchOptions(workers=1))
    header = list(_read_csv(again)[0])
    assert header == ["name", "countries", "meta", "extra", *TS_COLUMNS]


# ---- crash and resume ------------------------------------------------------------------------


NAMES = ["Huawei Technologies Co., Ltd.", "Acme Widgets Ltd", "Hikvision", ""]


def _big_input(path: Path, rows: int) -> None:
    _write_csv(path, ["ref", "name"], [[f"R{i}", NAMES[i % len(NAMES)]] for i in range(1, rows + 1)])


def _lines(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines(keepends=True)


def test_killed_run_resumes_without_redoing_finished_rows(db: Path, tmp_path: Path) -> None:
    source = tmp_path / "big.csv"
    _big_input(source, 1000)  # 4 chunks of 256 rows: 256, 256, 256, 232
    out = tmp_path / "out.csv"
    partial = tmp_path / "out.csv.partial.jsonl"
    args = (str(source), "-o", str(out), "--workers", "2", "--json")

    first = _cli(db, *args, env={FAIL_AFTER_ENV: "1"})
    assert first.returncode == -signal.SIGKILL, first.stderr
    assert not out.exists()
    before = _lines(partial)
    assert len(before) == 1 + 256  # header + the first chunk, fsynced before the kill
    assert json.loads(before[-1])["ts_row"] == 256

    # A torn line from a write cut short is dropped on resume.
    with partial.open("ab") as handle:
        handle.write(b'{"ts_row":257,"ts_ma')
    second = _cli(db, *args, env={FAIL_AFTER_ENV: "1"})
    assert second.returncode == -signal.SIGKILL, second.stderr
    after = _lines(partial)
    assert after[: len(before)] == before  # finished rows were kept byte for byte, not redone
    assert len(after) == 1 + 512

    summary = _summary(_cli(db, *args))
    assert summary["rows"] == 1000 and summary["resumed"] == 512 and summary["screened"] == 488
    assert not partial.exists()
    rows = _read_csv(out)
    assert [r["ts_row"] for r in rows] == [str(i) for i in range(1, 1001)]
    assert [r["ref"] for r in rows] == [f"R{i}" for i in range(1, 1001)]

    # The stitched result equals one uninterrupted run.
    fresh = tmp_path / "fresh.csv"
    _summary(_cli(db, str(source), "-o", str(fresh), "--workers", "1", "--json"))
    assert _read_csv(fresh) == rows
    # 1000 rows cycle through 4 names: 250 each of Huawei and Hikvision match, 250 are empty.
    assert summary["matched"] == 500 and summary["errors"] == 250


def test_checkpoint_of_another_run_is_refused_unless_restart(db: Path, tmp_path: Path) -> None:
    source = tmp_path / "big.csv"
    _big_input(source, 600)
    out = tmp_path / "out.csv"
    partial = tmp_path / "out.csv.partial.jsonl"
    args = (str(source), "-o", str(out), "--json")
    assert _cli(db, *args, env={FAIL_AFTER_ENV: "1"}).returncode == -signal.SIGKILL
    kept = partial.read_bytes()

    proc = _cli(db, *args, "--threshold", "0.9")
    assert proc.returncode == 2
    assert "written for a different run" in proc.stderr and "options.threshold" in proc.stderr
    assert "--restart" in proc.stderr
    assert partial.read_bytes() == kept and not out.exists()

    _big_input(source, 601)  # the input changed under the checkpoint
    proc = _cli(db, *args)
    assert proc.returncode == 2 and "input.rows" in proc.stderr and "input.sha256" in proc.stderr

    summary = _summary(_cli(db, *args, "--restart"))
    assert summary["rows"] == 601 and summary["resumed"] == 0 and summary["screened"] == 601
    assert not partial.exists() and len(_read_csv(out)) == 601


def test_ctrl_c_stops_workers_and_keeps_finished_chunks(db: Path, tmp_path: Path) -> None:
    source = tmp_path / "huge.csv"
    # Far more rows than can be screened before the interrupt below, however fast the machine.
    _big_input(source, 200_000)
    partial = tmp_path / "out.csv.partial.jsonl"
    environ = {k: v for k, v in os.environ.items() if k != FAIL_AFTER_ENV}
    environ["TRUSTSCREEN_DB"] = str(db)
    with subprocess.Popen(
        [str(EXE), "screen-file", str(source), "-o", str(tmp_path / "out.csv"), "--workers", "2", "--json"],
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    ) as child:
        try:
            deadline = time.monotonic() + 120
            while not (partial.exists() and len(_lines(partial)) > 1 + 256):
                assert child.poll() is None and time.monotonic() < deadline, child.stderr
                time.sleep(0.05)
            os.killpg(child.pid, signal.SIGINT)  # what Ctrl-C in a terminal does: the whole group
            stdout, stderr = child.communicate(timeout=60)
            assert not _group_alive(child.pid), "worker processes outlived the interrupted run"
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGKILL)
    assert child.returncode == 130, stderr
    assert "interrupted" in stderr and "run the same command again to resume" in stderr
    assert stdout == ""
    lines = _lines(partial)
    rows = [json.loads(line)["ts_row"] for line in lines[1:]]
    assert rows == list(range(1, len(rows) + 1)) and len(rows) % 256 == 0


def _group_alive(group: int) -> bool:
    """Whether a live (non-zombie) process of the group remains after a few seconds' grace.

    Orphaned workers that died become zombies until init reaps them, which a container's init may
    take its time over; a zombie runs nothing, so only live processes count.
    """
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if not _live_members(group):
            return False
        time.sleep(0.1)
    return True


def _live_members(group: int) -> list[int]:
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # the process ended while we looked
        state, pgrp = fields[0], int(fields[2])
        if pgrp == group and state not in ("Z", "X"):
            members.append(int(stat.parent.name))
    return members


def test_two_runs_on_one_output_are_refused(store: Store, tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    _big_input(source, 10)
    out = tmp_path / "out.csv"
    partial = tmp_path / "out.csv.partial.jsonl"
    # Another run holding the checkpoint, as a second terminal would.
    other = Checkpoint.open(partial, {"input": "other"}, restart=False)
    try:
        with pytest.raises(ConfigError, match="in use by another screen-file run"):
            screen_file(store, source, out, BatchOptions(workers=1, restart=True))
        assert json.loads(_lines(partial)[0])["input"] == "other"  # --restart did not clobber it
    finally:
        other.close()
    assert screen_file(store, source, out, BatchOptions(workers=1, restart=True)).rows == 10


# ---- a realistic input -----------------------------------------------------------------------


@pytest.mark.shared_data
def test_sp500_constituents_with_two_workers(db: Path, shared_data: Path, tmp_path: Path) -> None:
    source = shared_data / "negatives" / "sp500_constituents.csv"
    with source.open(encoding="utf-8", newline="") as handle:
        expected = list(csv.DictReader(handle))
    # PROVENANCE.md: 503 constituents; every one has a non-empty "Security".
    assert len(expected) == 503 and all(r["Security"].strip() for r in expected)

    out = tmp_path / "sp500.csv"
    summary = _summary(_cli(db, str(source), "-o", str(out), "--name-column", "Security", "--workers", "2", "--json"))
    assert summary["rows"] == 503 and summary["errors"] == 0 and summary["screened"] == 503
    rows = _read_csv(out)
    assert [r["Symbol"] for r in rows] == [r["Symbol"] for r in expected]
    assert [r["ts_row"] for r in rows] == [str(i) for i in range(1, 504)]
    assert all(r["ts_error"] == "" and r["ts_match"] in ("true", "false") for r in rows)
    by_symbol = {r["Symbol"]: r for r in rows}
    # Three S&P 500 defence contractors are on China's counter-sanctions list in the curated bundle
    # (cn_countermeasures.yaml: huntington-ingalls, lockheed-martin, l3harris).
    for symbol, entity in (
        ("HII", "cn-countermeasures:huntington-ingalls"),
        ("LMT", "cn-countermeasures:lockheed-martin"),
        ("LHX", "cn-countermeasures:l3harris"),
    ):
        assert by_symbol[symbol]["ts_match"] == "true", by_symbol[symbol]
        assert by_symbol[symbol]["ts_entity_id"] == entity

    # Two workers give exactly what one process gives.
    single = tmp_path / "single.csv"
    _summary(_cli(db, str(source), "-o", str(single), "--name-column", "Security", "--workers", "1", "--json"))
    assert _read_csv(single) == rows
