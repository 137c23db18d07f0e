"""Throughput of trustscreen.text on real list names (not a test: prints names/s and a sanity check).

Run: .venv/bin/python benchmarks/bench_text.py [path/to/shared/data]

Collects ~150k names from the shared list snapshots (CSL, OFAC SDN + aliases, the Wikidata
transliteration tokens in Arabic/Chinese/Russian/Hebrew script, China counter-sanctions), then
times normalize + latinize + split_legal_form on one core, cold caches, each name once.
"""

from __future__ import annotations

import csv
import json
import sys
import time
from collections import Counter
from pathlib import Path

from rapidfuzz import fuzz

from trustscreen.text.legal_forms import split_legal_form
from trustscreen.text.normalize import normalize
from trustscreen.text.scripts import detect_script
from trustscreen.text.translit import latinize

csv.field_size_limit(1 << 24)


def _csl(data: Path) -> list[str]:
    names: list[str] = []
    with (data / "csl/csl_2023-11.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            names.append(row["name"])
            names.extend(alias for alias in (row["alt_names"] or "").split("; ") if alias)
    return names


def _ofac(data: Path) -> list[str]:
    names: list[str] = []
    for path, column in (
        ("ofac/sdn_2024-07-02/sdn.csv", 1),
        ("ofac/sdn_2025_partial/alt.csv", 3),
        ("ofac/sdn_2021/alt.csv", 3),
    ):
        text = (data / path).read_text(encoding="latin-1").replace("\x1a", "")
        names.extend(row[column] for row in csv.reader(text.splitlines()) if len(row) > column)
    return names


def _wikidata(data: Path) -> list[str]:
    names: list[str] = []
    folder = data / "benchmark/translit_wikidata_coling2018"
    for script in ("arabic", "chinese", "russian"):
        for line in (folder / f"wd_{script}_20.tsv").read_text(encoding="utf-8").splitlines():
            fields = line.split("\t")
            if len(fields) >= 2:
                names.append(fields[1].replace(" ", ""))
    for line in (folder / "wd_hebrew.tsv").read_text(encoding="utf-8").splitlines():
        names.extend(line.split("\t")[:2])
    return names


def _china(data: Path) -> list[str]:
    names: list[str] = []
    with (data / "tech/china_countersanctions_opensanctions.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            names.extend(value for key, value in row.items() if key in ("Name", "Alias", "Chinese name") and value)
    mofcom = json.loads((data / "tech/cn_mofcom_uel_exportcontrol_attention_lists.json").read_text("utf-8"))
    names.extend(_strings(mofcom))
    return names


def _strings(node: object) -> list[str]:
    if isinstance(node, str):
        return [node] if 1 < len(node) < 120 else []
    if isinstance(node, dict):
        return [s for value in node.values() for s in _strings(value)]
    if isinstance(node, list):
        return [s for value in node for s in _strings(value)]
    return []


def _putin(data: Path) -> None:
    lines = (data / "benchmark/rigour_putin_name_variants.txt").read_text(encoding="utf-8").splitlines()
    variants = [line.strip() for line in lines if line.strip()]
    scorers = {
        "ratio": fuzz.ratio,
        "token_sort_ratio": fuzz.token_sort_ratio,
        "token_set_ratio": fuzz.token_set_ratio,
    }
    for label, scorer in scorers.items():
        hits = sum(max((scorer(v, "vladimir putin") for v in latinize(name)), default=0) >= 80 for name in variants)
        print(f"putin variants with a rendering at {label} >= 80: {hits}/{len(variants)}")


def main() -> None:
    data = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "shared/data"
    names = _csl(data) + _ofac(data) + _wikidata(data) + _china(data)
    names = [name.strip() for name in names if name.strip()]
    scripts = Counter(detect_script(name) for name in names)
    print(f"{len(names)} names ({len(set(names))} distinct); scripts: {dict(scripts.most_common(8))}")
    by_script: dict[str | None, list[str]] = {}
    for name in names:
        by_script.setdefault(detect_script(name), []).append(name)
    total = 0.0
    renderings = 0
    for script, group in sorted(by_script.items(), key=lambda item: -len(item[1])):
        start = time.perf_counter()
        for name in group:
            split_legal_form(normalize(name))
            renderings += len(latinize(name))
        elapsed = time.perf_counter() - start
        total += elapsed
        print(f"  {script}: {len(group)} names in {elapsed:.2f} s ({len(group) / elapsed:,.0f}/s)")
    print(
        f"normalize+split_legal_form+latinize, all: {total:.2f} s, {len(names) / total:,.0f} names/s, "
        f"{renderings / len(names):.2f} renderings/name"
    )
    _putin(data)


if __name__ == "__main__":
    main()
