"""Score a pairs CSV with nomenklatura's logic-v2 (yente's matcher), offline. Runs in the yente venv only.

    benchmarks/.venv-yente/bin/python benchmarks/yente_pairs.py PAIRS.csv [--threshold 0.7] [--scores]

Input: the name-bench layout, columns schema,name1,name2,is_match (others ignored).
Output: one JSON object {pairs, precision, recall, f1, threshold, pairs_per_s, …}; with --scores also
[line, score] for every row, so the caller can compute subsets with its own grouping.

Each pair becomes two single-property FtM entities (the `name` property only) scored by
`LogicV2.compare(query, candidate, LogicV2.default_config())` — the same construction nomenklatura's
own name bench uses (contrib/name_bench/comparators/logicv2.py). Default threshold 0.7: yente's
`SCORE_THRESHOLD = 0.70` (yente/settings.py; the /match cut-off for `match: true`), also the default
of nomenklatura's contrib/name_bench/run.py. The first call loads rigour's reference data, so warm-up
pairs (--warmup; bench_yente.py passes the ones it scores itself) go before the clock starts.
Timing covers building both entities and compare.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from importlib.metadata import version
from pathlib import Path
from typing import Any

from followthemoney import ValueEntity, model
from nomenklatura.matching.logic_v2.model import LogicV2

YENTE_SCORE_THRESHOLD = 0.70
TRUE_VALUES = {"true", "1", "yes", "y", "t"}
# Unknown schema names (none in the shipped files) fall back to the most general FtM schema with names.
FALLBACK_SCHEMA = "LegalEntity"


def read_rows(path: Path) -> list[tuple[int, str, str, str, bool]]:
    # Same reading as trustscreen.bench.read_pairs (splitlines + DictReader), so line numbers agree.
    reader = csv.DictReader(path.read_text("utf-8-sig").splitlines())
    rows = []
    for line, row in enumerate(reader, start=2):
        label = (row["is_match"] or "").strip().lower() in TRUE_VALUES
        rows.append((line, (row["schema"] or "").strip(), row["name1"], row["name2"], label))
    return rows


def score(config: Any, schema: str, name1: str, name2: str, counter: list[int]) -> float:
    schema_obj = model.get(schema) or model.get(FALLBACK_SCHEMA)
    counter[0] += 1
    query = ValueEntity(schema_obj, {"id": f"q{counter[0]}"})
    query.add("name", name1)
    candidate = ValueEntity(schema_obj, {"id": f"c{counter[0]}"})
    candidate.add("name", name2)
    return float(LogicV2.compare(query, candidate, config).score)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pairs", type=Path)
    parser.add_argument("--threshold", type=float, default=YENTE_SCORE_THRESHOLD)
    parser.add_argument("--scores", action="store_true", help="include [line, score] per row")
    parser.add_argument("--warmup", help="JSON [[schema, name1, name2], …] scored before timing (default: one pair)")
    args = parser.parse_args()
    rows = read_rows(args.pairs)
    config = LogicV2.default_config()
    counter = [0]
    started = time.perf_counter()
    for schema, name1, name2 in json.loads(args.warmup) if args.warmup else [["Person", "Warm Up", "Warm Up"]]:
        score(config, schema, name1, name2, counter)
    warmup_s = time.perf_counter() - started
    started, cpu_started = time.perf_counter(), time.process_time()
    scores = [score(config, schema, a, b, counter) for _, schema, a, b, _ in rows]
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    tp = fp = fn = 0
    for (_, _, _, _, is_match), value in zip(rows, scores, strict=True):
        predicted = value >= args.threshold
        tp += predicted and is_match
        fp += predicted and not is_match
        fn += (not predicted) and is_match
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    out: dict[str, Any] = {
        "algorithm": LogicV2.NAME,
        "nomenklatura": version("nomenklatura"),
        "followthemoney": version("followthemoney"),
        "rigour": version("rigour"),
        "pairs": len(rows),
        "threshold": args.threshold,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "seconds": round(elapsed, 4),
        "warmup_s": round(warmup_s, 3),
        "pairs_per_s": round(len(rows) / elapsed, 1) if elapsed else None,
        # CPU time of this process only: less disturbed than wall time when the machine is shared.
        "cpu_seconds": round(cpu, 4),
        "cpu_pairs_per_s": round(len(rows) / cpu, 1) if cpu else None,
    }
    if args.scores:
        out["scores"] = [[line, round(value, 6)] for (line, *_), value in zip(rows, scores, strict=True)]
    json.dump(out, sys.stdout)
    print()


if __name__ == "__main__":
    main()
