"""Load time and peak memory per real file in ../shared/data, and for all of them together.

Not a test: prints one JSON object to stdout, progress to stderr.

    .venv/bin/python benchmarks/bench_load.py [--data ../shared/data]

Every measurement runs in a fresh child process (this interpreter, `--child`), so one file's peak RSS
is not inflated by another's. The child times parsing and the store write separately (a fresh SQLite
file in a temp dir) and reports `ru_maxrss`. A baseline child that imports trustscreen and opens an
empty store, but loads nothing, shows the fixed part of every RSS figure.

`LISTS` is the one table of what to load and how; bench_screen.py imports it.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parent.parent / "shared" / "data"
REPAIR_DROP_TORN_LAST = "drop-torn-last-record"


@dataclass(frozen=True, slots=True)
class ListSpec:
    """One loadable file or file set, relative to the data directory."""

    path: str
    fmt: str | None
    mapping: str | None = None
    list_id: str | None = None
    # The original is refused by the parser (rightly); load a temp copy repaired this way instead.
    repair: str | None = None
    # "negatives" = not a watch list (people known not to be listed): loaded here, never screened against.
    role: str = "list"
    note: str = ""


# OpenSanctions' EU journal CSVs (one per CELEX regulation). recordId is a per-annex counter (1, 2, 3 …
# again in every annex and schema), not a record id, and most rows have it, so no id is mapped: rows are
# merged by name, as custom-csv does without an id column. `type=schema` is mapped only where every
# schema value is one custom-csv knows (Person / LegalEntity / Company / Vessel); 32006R0765 and
# 32014R0833 have "Asset" rows, which custom-csv refuses, so those two load without kinds.
_EU_BASE = (
    "name=name,aliases=alias,country=nationality,dob=birthDate,program=programKey,listed_on=startDate,"
    "address=address,remarks=notes,"
    "identifier=passportNumber|idNumber|registrationNumber|taxNumber|innCode|ogrnCode|imoNumber"
)
_EU_DIR = "eu/ojeu_consolidated_opensanctions"
_EU_WITH_KIND = ("32002R0881", "32014R0269", "32020R1998", "32023R1529", "32024R2642")
_EU_WITHOUT_KIND = ("32006R0765", "32014R0833")
_SPECIAL_LEG = (
    "name=name,aliases=aliases,type=schema,program=program,listed_on=start-date,ended_on=end-date,"
    "country=country,source_url=source_url,remarks=notes"
)

LISTS: list[ListSpec] = [
    ListSpec("ofac/sdn_2021", None, note="SDN set 2021-07: sdn + add + alt + sdn_comments"),
    ListSpec("ofac/non_sdn_2025", None, note="consolidated (non-SDN) set 2025-12"),
    ListSpec(
        "ofac/sdn_2024-07-02/sdn.csv",
        None,
        note="SDN primary file only, 2024-07-02; same list id as sdn_2021, so it becomes version 2",
    ),
    ListSpec(
        "csl/csl_2023-11.csv",
        None,
        repair=REPAIR_DROP_TORN_LAST,
        note="last row is torn mid-field; benchmarked as a temp copy without that record",
    ),
    ListSpec(
        "csl/watchman_2025_fixture/consolidated_fixture.csv",
        None,
        note="13-row CSL fixture; same list id as csl_2023-11 (us-csl)",
    ),
    ListSpec("un/UN_consolidated.xml", None),
    ListSpec("entity_list/bis_dpl_2023-11.txt", None),
    ListSpec("uk/hmt_conlist_excerpt_2020.csv", None),
    ListSpec(
        "negatives/opensanctions_us_congress_peps_senzing.jsonl",
        "senzing",
        role="negatives",
        note="US Congress PEPs, not sanctioned: a negatives source for bench_screen",
    ),
    ListSpec(
        "tech/china_countersanctions_opensanctions.csv",
        "custom-csv",
        "name=Name,aliases=Alias,native=Chinese name,type=Type,country=Country,program=List,"
        "listed_on=Date,ended_on=End date,source_url=Source URL,address=Address,remarks=Summary",
        "os-cn-countersanctions",
        note="no id column: rows repeating a name (one target, several measures) merge into one entity",
    ),
    ListSpec(
        "tech/dod_1260h_chinese_military_companies_opensanctions.csv",
        "custom-csv",
        "name=Clean Name,aliases=Alias,listed_on=Start date,ended_on=End date,source_url=Source Url,remarks=Note",
        "os-us-dod-1260h",
        note="no type column (kinds unknown); 'Previous Name' and 'Parent Name' have no custom-csv field",
    ),
    *(
        ListSpec(
            f"tech/us_special_leg_{section}.csv",
            "custom-csv",
            _SPECIAL_LEG,
            f"os-us-special-leg-{section.replace('_', '-')}",
        )
        for section in ("section_889", "section_5949", "section_154", "section_1286", "inksna")
    ),
    *(
        ListSpec(f"{_EU_DIR}/{celex}.csv", "custom-csv", _EU_BASE + ",type=schema", f"os-eu-{celex}")
        for celex in _EU_WITH_KIND
    ),
    *(
        ListSpec(
            f"{_EU_DIR}/{celex}.csv",
            "custom-csv",
            _EU_BASE,
            f"os-eu-{celex}",
            note="has 'Asset' rows, a type custom-csv refuses: loaded without kinds",
        )
        for celex in _EU_WITHOUT_KIND
    ),
    ListSpec(
        "other/ch_fiaa_freezes_opensanctions.csv",
        "custom-csv",
        "name=Name,aliases=Alias,dob=Birth date,country=Country,program=Program,listed_on=Listed,"
        "ended_on=Delisted,source_url=Source URL,remarks=Notes,identifier=Passport numbers",
        "os-ch-fiaa",
        note="all persons, but the file has no type column (kinds unknown)",
    ),
    ListSpec(
        "entity_list/bis_military_intelligence_end_users_opensanctions.csv",
        "custom-csv",
        "name=Name,aliases=Alias,type=Type,country=Country,program=Program,listed_on=Date,"
        "ended_on=End date,source_url=Source URL",
        "os-us-bis-mieu",
    ),
]


def drop_torn_last_record(source: Path, target: Path) -> dict[str, Any]:
    """Copy `source` without its last CSV record, which must be the only one cut off inside a quote."""
    text = source.read_text("utf-8")
    lines = text.splitlines(keepends=True)
    feed = iter(lines)
    reader = csv.reader(feed, strict=True)
    complete = 0
    try:
        for _ in reader:
            complete = reader.line_num
    except csv.Error as exc:
        if next(feed, None) is not None:
            raise ValueError(f"{source}: CSV error before the end of the file ({exc})") from None
    else:
        raise ValueError(f"{source}: no torn record at the end; nothing to repair")
    target.write_text("".join(lines[:complete]), "utf-8")
    return {
        "repair": REPAIR_DROP_TORN_LAST,
        "dropped_lines": f"{complete + 1}-{len(lines)}",
        "dropped_record_starts": lines[complete][:80],
    }


def prepare(spec: ListSpec, data: Path, workdir: Path) -> tuple[Path, dict[str, Any]]:
    """The path to load for `spec` (a repaired temp copy when the spec says so) and notes about it."""
    original = data / spec.path
    if spec.repair is None:
        return original, {}
    if spec.repair != REPAIR_DROP_TORN_LAST:
        raise ValueError(f"unknown repair {spec.repair!r}")
    notes: dict[str, Any] = {"original_error": _original_error(original, spec)}
    target = workdir / Path(spec.path).name
    target.parent.mkdir(parents=True, exist_ok=True)
    notes |= drop_torn_last_record(original, target)
    return target, notes


def _original_error(path: Path, spec: ListSpec) -> str | None:
    from trustscreen.errors import TrustscreenError

    try:
        parse_spec(path, spec)
    except TrustscreenError as exc:
        return str(exc)
    return None


def parse_spec(path: Path, spec: ListSpec) -> Any:
    """What catalog.load_path parses, without the store write (so the two can be timed apart)."""
    from trustscreen import sources
    from trustscreen.sources import custom_csv

    if spec.fmt == "custom-csv":
        mapping = custom_csv.parse_mapping(spec.mapping) if spec.mapping else None
        return custom_csv.parse(path, mapping, spec.list_id)
    return sources.parse(path, spec.fmt)


def load_all(store: Any, specs: list[ListSpec], paths: list[Path]) -> list[Any]:
    """Load every spec (from its prepared path) into `store`, in order; returns the LoadResults."""
    return [store.load(parse_spec(path, spec)) for spec, path in zip(specs, paths, strict=True)]


def code_state() -> dict[str, Any]:
    """Which trustscreen was measured: HEAD plus whether src/ had uncommitted changes at the time."""
    root = HERE.parent

    def git(*args: str) -> str:
        proc = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)
        return proc.stdout.strip()

    return {"git_head": git("rev-parse", "--short", "HEAD"), "src_dirty": bool(git("status", "--porcelain", "src"))}


def peak_rss_mib() -> float:
    # ru_maxrss is in KiB on Linux.
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


# ---- child processes ------------------------------------------------------------------------------


def _child_one(spec: ListSpec, path: Path) -> dict[str, Any]:
    from trustscreen.store import Store

    started = time.perf_counter()
    parsed = parse_spec(path, spec)
    parse_s = time.perf_counter() - started
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        db = Path(tmp) / "bench.db"
        opened = time.perf_counter()
        store = Store(f"sqlite:///{db}")
        open_s = time.perf_counter() - opened
        started = time.perf_counter()
        result = store.load(parsed)
        write_s = time.perf_counter() - started
        store.close()
        db_bytes = db.stat().st_size
    return {
        "list_id": result.version.list_id,
        "format": result.version.source_format,
        "entities": result.version.entity_count,
        "names": result.version.name_count,
        "listings": result.version.listing_count,
        "parse_s": round(parse_s, 3),
        "store_open_s": round(open_s, 3),
        "store_write_s": round(write_s, 3),
        "db_bytes": db_bytes,
        "peak_rss_mib": peak_rss_mib(),
    }


def _child_baseline() -> dict[str, Any]:
    from trustscreen import sources
    from trustscreen.sources import custom_csv
    from trustscreen.store import Store

    sources.formats()
    custom_csv.parse_mapping("name=name")
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        Store(f"sqlite:///{Path(tmp) / 'bench.db'}").close()
    return {"peak_rss_mib": peak_rss_mib()}


def _child_all(specs: list[ListSpec], paths: list[Path]) -> dict[str, Any]:
    from trustscreen.store import Store

    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        db = Path(tmp) / "bench.db"
        started = time.perf_counter()
        store = Store(f"sqlite:///{db}")
        results = load_all(store, specs, paths)
        total_s = time.perf_counter() - started
        latest = store.latest_versions()
        store.close()
        db_bytes = db.stat().st_size
    return {
        "seconds": round(total_s, 3),
        "peak_rss_mib": peak_rss_mib(),
        "versions_written": len(results),
        "entities_written": sum(r.version.entity_count for r in results),
        "names_written": sum(r.version.name_count for r in results),
        "lists": len(latest),
        "entities_in_latest_versions": sum(v.entity_count for v in latest),
        "db_bytes": db_bytes,
        "db_mib": round(db_bytes / 2**20, 2),
    }


def _run_child(payload: dict[str, Any]) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", json.dumps(payload)],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        return {"error": proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "child failed"}
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


def _child_main(raw: str) -> None:
    payload = json.loads(raw)
    if payload["mode"] == "baseline":
        out = _child_baseline()
    elif payload["mode"] == "one":
        out = _child_one(ListSpec(**payload["spec"]), Path(payload["path"]))
    else:
        out = _child_all([ListSpec(**s) for s in payload["specs"]], [Path(p) for p in payload["paths"]])
    print(json.dumps(out))


# ---- parent --------------------------------------------------------------------------------------


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child_main(args.child)
        return
    data = args.data.resolve()
    with tempfile.TemporaryDirectory(prefix="bench-load-prep-") as prep:
        rows, specs, paths = [], [], []
        _log("baseline child (imports + empty store) …")
        baseline = _run_child({"mode": "baseline"})
        for spec in LISTS:
            _log(f"{spec.path} …")
            row: dict[str, Any] = {"path": spec.path, "format_arg": spec.fmt, "mapping": spec.mapping}
            if spec.note:
                row["note"] = spec.note
            try:
                path, notes = prepare(spec, data, Path(prep))
            except (OSError, ValueError) as exc:
                rows.append(row | {"error": str(exc)})
                continue
            row |= notes
            if notes:
                row["loaded_copy"] = f"temp copy of {spec.path} with the torn last record removed"
            measured = _run_child({"mode": "one", "spec": asdict(spec), "path": str(path)})
            rows.append(row | measured)
            if "error" not in measured:
                specs.append(spec)
                paths.append(path)
            _log(f"  {json.dumps(measured)}")
        _log(f"all {len(specs)} together in one fresh process …")
        together = _run_child({"mode": "all", "specs": [asdict(s) for s in specs], "paths": [str(p) for p in paths]})
        together["includes"] = [s.path for s in specs]
    ok = [r for r in rows if "error" not in r]
    print(
        json.dumps(
            {
                "benchmark": "load",
                "data": str(data),
                "python": sys.version.split()[0],
                "code": code_state(),
                "baseline_child": baseline,
                "files": rows,
                "sum_of_files": {
                    "entities": sum(r["entities"] for r in ok),
                    "names": sum(r["names"] for r in ok),
                    "parse_s": round(sum(r["parse_s"] for r in ok), 3),
                    "store_write_s": round(sum(r["store_write_s"] for r in ok), 3),
                },
                "all_together": together,
            },
            ensure_ascii=False,
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
