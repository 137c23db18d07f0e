"""trustscreen's compare vs yente's logic-v2 scorer on the same labelled pairs, in the same run.

Not a test: prints one JSON object to stdout, progress to stderr.

    benchmarks/setup_yente.sh            # once: benchmarks/.venv-yente with nomenklatura from PyPI
    .venv/bin/python benchmarks/bench_yente.py [--data ../shared/data] [--rebuild-pairs]

Pair files: ../shared/data/benchmark/nomenklatura_name_bench_cases.csv and the cross-script files that
benchmarks/build_pairs.py writes to benchmarks/out/ (run first when that folder has none, or always
with --rebuild-pairs). For each file, trustscreen's `bench.evaluate` (all pairs, default threshold)
and then, in a subprocess of the yente venv, benchmarks/yente_pairs.py (logic-v2 at yente's default
threshold 0.70) score the same pairs one right after the other. Both sides warm up before timing
(one throw-away pair; logic-v2's first call loads rigour's data for ~10 s). pairs/s is single-core.

CJK subset: pairs where either name has a Han, Hangul or Kana character (this covers build_pairs'
wikidata_chinese group, whose name1 is the Chinese name, and the watchman rows whose query is
Han/Hangul/Kana).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench_load import code_state

from trustscreen.bench import SCHEMA_KINDS, Pair, evaluate, in_split, read_pairs
from trustscreen.matching import DEFAULT_THRESHOLD, compare

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parent.parent / "shared" / "data"
OUT = HERE / "out"
YENTE_PYTHON = HERE / ".venv-yente" / "bin" / "python"
NAME_BENCH = "benchmark/nomenklatura_name_bench_cases.csv"
# Scored once by each side before any timing: lazy per-script resources (pinyin, kana readings,
# rigour's tables) load here, not inside the first file's clock. Names appear in no pair file.
WARMUP: tuple[tuple[str, str, str], ...] = (
    ("Person", "Warm Up", "Warm Up"),
    ("Person", "李雷", "Li Lei"),
    ("Person", "박민수", "Park Min Su"),
    ("Person", "佐藤健", "Sato Takeru"),
    ("Person", "さとう けん", "Sato Ken"),
    ("Person", "Сергей Иванович", "Sergey Ivanovich"),
    ("Person", "عمر خالد", "Omar Khaled"),
    ("Person", "דני לוי", "Danny Levi"),
    ("Person", "Γιώργος", "Giorgos"),
    ("Person", "สมศักดิ์", "Somsak"),
    ("Company", "Warmup Trading Co., Ltd.", "暖机贸易有限公司"),
)
CJK = re.compile(
    r"[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]"
)


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def pair_files(data: Path, rebuild: bool) -> list[Path]:
    existing = sorted(OUT.glob("*.csv"))
    if rebuild or not existing:
        _log("running build_pairs.py …")
        proc = subprocess.run(
            [sys.executable, str(HERE / "build_pairs.py"), "--data", str(data), "--out", str(OUT)],
            capture_output=True,
            text=True,
            check=True,
        )
        written = json.loads(proc.stdout.strip().splitlines()[-1])
        existing = [OUT / name for name in written]
    return [data / NAME_BENCH, *existing]


def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def scored_metrics(pairs: list[Pair], scores: dict[int, float], threshold: float) -> dict[str, Any]:
    tp = fp = fn = 0
    for pair in pairs:
        predicted = scores[pair.line] >= threshold
        tp += predicted and pair.is_match
        fp += predicted and not pair.is_match
        fn += (not predicted) and pair.is_match
    return {"pairs": len(pairs), **prf(tp, fp, fn)}


def run_yente(path: Path) -> dict[str, Any]:
    proc = subprocess.run(
        [
            str(YENTE_PYTHON),
            str(HERE / "yente_pairs.py"),
            str(path),
            "--scores",
            "--warmup",
            json.dumps(WARMUP, ensure_ascii=False),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"yente_pairs.py failed on {path}: {proc.stderr.strip()[-2000:]}")
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


def is_cjk(pair: Pair) -> bool:
    return bool(CJK.search(pair.name1) or CJK.search(pair.name2))


def _ratio(ours: float | None, theirs: float | None) -> float | None:
    return round(ours / theirs, 2) if ours and theirs else None


@dataclass(frozen=True, slots=True)
class Scored:
    pairs: list[Pair]
    yente_scores: dict[int, float]
    yente_threshold: float
    yente_seconds: float
    yente_cpu_seconds: float
    ours: dict[str, Any]


def bench_file(path: Path) -> tuple[dict[str, Any], Scored]:
    pairs = read_pairs(path)
    _log(f"{path.name}: {len(pairs)} pairs — trustscreen …")
    cpu_started = time.process_time()
    ours = evaluate(pairs)
    ours_cpu = time.process_time() - cpu_started
    ours["cpu_seconds"] = round(ours_cpu, 4)
    ours["cpu_pairs_per_s"] = round(len(pairs) / ours_cpu, 1) if ours_cpu else None
    _log(f"{path.name}: yente logic-v2 …")
    yente = run_yente(path)
    scores = {int(line): float(score) for line, score in yente.pop("scores")}
    threshold = float(yente["threshold"])
    groups: dict[str, list[Pair]] = defaultdict(list)
    for pair in pairs:
        groups[pair.group or "all"].append(pair)
    cjk = [p for p in pairs if is_cjk(p)]
    ours_cjk = evaluate(cjk) if cjk else None
    ratio = _ratio(ours.get("pairs_per_s"), yente.get("pairs_per_s"))
    cpu_ratio = _ratio(ours.get("cpu_pairs_per_s"), yente.get("cpu_pairs_per_s"))
    report = {
        "file": str(path),
        "pairs": len(pairs),
        "f1": {"trustscreen": ours["f1"], "yente_logic_v2": yente["f1"]},
        "pairs_per_s": {"trustscreen": ours["pairs_per_s"], "yente_logic_v2": yente["pairs_per_s"]},
        "cpu_pairs_per_s": {
            "trustscreen": ours["cpu_pairs_per_s"],
            "yente_logic_v2": yente["cpu_pairs_per_s"],
        },
        "speed_ratio_trustscreen_over_yente": ratio,
        "cpu_speed_ratio_trustscreen_over_yente": cpu_ratio,
        "trustscreen": {
            **{k: ours[k] for k in ("threshold", "precision", "recall", "f1", "seconds", "pairs_per_s")},
            **{k: ours[k] for k in ("cpu_seconds", "cpu_pairs_per_s")},
            **{k: ours[k] for k in ("tp", "fp", "fn", "tn")},
            "fit_f1": evaluate(pairs, split="fit")["f1"],
            "holdout_f1": evaluate(pairs, split="holdout")["f1"],
            "groups": ours.get("groups"),
        },
        "yente_logic_v2": {
            **yente,
            "fit_f1": scored_metrics([p for p in pairs if in_split(p, "fit")], scores, threshold)["f1"],
            "holdout_f1": scored_metrics([p for p in pairs if in_split(p, "holdout")], scores, threshold)["f1"],
            "groups": {g: scored_metrics(ps, scores, threshold) for g, ps in sorted(groups.items())}
            if len(groups) > 1
            else None,
        },
        "cjk_subset": None
        if ours_cjk is None
        else {
            "pairs": len(cjk),
            "trustscreen": {k: ours_cjk[k] for k in ("precision", "recall", "f1")},
            "yente_logic_v2": scored_metrics(cjk, scores, threshold),
        },
    }
    scored = Scored(pairs, scores, threshold, float(yente["seconds"]), float(yente["cpu_seconds"]), ours)
    return report, scored


def combined(results: list[Scored]) -> dict[str, Any]:
    """Micro-averaged over every pair of every file (each pair counted once, as scored above)."""
    counts = {"trustscreen": [0, 0, 0], "yente_logic_v2": [0, 0, 0]}
    ours_seconds = yente_seconds = ours_cpu = yente_cpu = 0.0
    cjk_pairs = 0
    total = 0
    for result in results:
        total += len(result.pairs)
        ours_seconds += result.ours["seconds"]
        yente_seconds += result.yente_seconds
        ours_cpu += result.ours["cpu_seconds"]
        yente_cpu += result.yente_cpu_seconds
        for index, key in enumerate(("tp", "fp", "fn")):
            counts["trustscreen"][index] += result.ours[key]
        row = counts["yente_logic_v2"]
        for pair in result.pairs:
            predicted = result.yente_scores[pair.line] >= result.yente_threshold
            row[0] += predicted and pair.is_match
            row[1] += predicted and not pair.is_match
            row[2] += (not predicted) and pair.is_match
            cjk_pairs += is_cjk(pair)
    rates = {
        "trustscreen": (total / ours_seconds, total / ours_cpu),
        "yente_logic_v2": (total / yente_seconds, total / yente_cpu),
    }
    return {
        "pairs": total,
        **{
            side: prf(*counts[side]) | {"pairs_per_s": round(wall, 1), "cpu_pairs_per_s": round(cpu, 1)}
            for side, (wall, cpu) in rates.items()
        },
        "speed_ratio_trustscreen_over_yente": _ratio(rates["trustscreen"][0], rates["yente_logic_v2"][0]),
        "cpu_speed_ratio_trustscreen_over_yente": _ratio(rates["trustscreen"][1], rates["yente_logic_v2"][1]),
        "cjk_pairs": cjk_pairs,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--rebuild-pairs", action="store_true", help="re-run build_pairs.py first")
    args = parser.parse_args()
    if not YENTE_PYTHON.exists():
        sys.exit(f"{YENTE_PYTHON} missing; run benchmarks/setup_yente.sh first")
    data = args.data.resolve()
    files = pair_files(data, args.rebuild_pairs)
    for schema, name1, name2 in WARMUP:
        compare(name1, name2, kind=SCHEMA_KINDS.get(schema.lower()))
    results = [bench_file(path) for path in files]
    overall = combined([scored for _, scored in results])
    print(
        json.dumps(
            {
                "benchmark": "trustscreen vs yente logic-v2 (pairs)",
                "code": code_state(),
                "thresholds": {
                    "trustscreen": DEFAULT_THRESHOLD,
                    "yente_logic_v2": results[0][1].yente_threshold,
                },
                "files": [report for report, _ in results],
                "all_files": overall,
            },
            ensure_ascii=False,
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
