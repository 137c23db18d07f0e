"""IP -> carrier / cloud resolution speed on the real network tables (not a test).

Prints one JSON object to stdout:

    .venv/bin/python benchmarks/bench_ip.py [path/to/shared/data/network] [--v4 1000000] [--v6 100000]

- load: parsing every table in the directory (CIDR lists, AWS ip-ranges.json, ASN lists) and
  building the longest-prefix-match table, timed separately.
- batch: `PrefixTable.lookup_many` on address strings (parsing included), best and median of
  --repeat runs: uniformly random IPv4; IPv6 half drawn inside random table prefixes and half
  uniform in 2000::/3 (uniform IPv6 alone would almost never hit); both families mixed in one
  batch (1 in 11 IPv6, the same total).
- ipv4_integers: `lookup_ipv4_array` on the same IPv4 addresses as uint32 (search cost alone).
- single: `PrefixTable.lookup` called in a Python loop, and `NetworkResolver.attribute_ip` (the
  path an asset takes: lookup plus building Attribution records).

Addresses come from a fixed seed, so runs compare; generating them is not timed.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from trustscreen.assets.network import (
    AsnTable,
    NetworkResolver,
    NetworkTable,
    PrefixTable,
    load_operators,
    load_tables,
)

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parent.parent / "shared" / "data" / "network"


def _timed(function: Callable[[], Any], repeat: int) -> tuple[list[float], Any]:
    times: list[float] = []
    result: Any = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return times, result


def _rate(count: int, times: list[float]) -> dict[str, float]:
    return {
        "best_s": round(min(times), 4),
        "median_s": round(statistics.median(times), 4),
        "ips_per_s_best": round(count / min(times)),
        "ips_per_s_median": round(count / statistics.median(times)),
    }


def _random_v4(rng: random.Random, count: int) -> list[str]:
    return [str(ipaddress.IPv4Address(rng.getrandbits(32))) for _ in range(count)]


def _v6_prefixes(tables: Sequence[NetworkTable]) -> list[ipaddress.IPv6Network]:
    return [network for table in tables for network, _ in table.prefixes if isinstance(network, ipaddress.IPv6Network)]


def _random_v6(rng: random.Random, count: int, prefixes: Sequence[ipaddress.IPv6Network]) -> list[str]:
    out: list[str] = []
    for index in range(count):
        if index % 2 and prefixes:
            network = rng.choice(prefixes)
            host = rng.getrandbits(128 - network.prefixlen) if network.prefixlen < 128 else 0
            out.append(str(ipaddress.IPv6Address(int(network.network_address) | host)))
        else:
            out.append(str(ipaddress.IPv6Address((0x2000 << 112) | rng.getrandbits(125))))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--v4", type=int, default=1_000_000)
    parser.add_argument("--v6", type=int, default=100_000)
    parser.add_argument("--single", type=int, default=200_000, help="addresses for the lookup() loop")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    start = time.perf_counter()
    operators = load_operators()
    tables = load_tables(args.data, operators)
    parse_s = time.perf_counter() - start
    start = time.perf_counter()
    table = PrefixTable(item for t in tables for item in t.prefixes)
    build_s = time.perf_counter() - start
    asns = AsnTable(entry for t in tables for entry in t.asns)

    rng = random.Random(20260301)
    v4 = _random_v4(rng, args.v4)
    # Collected once: the mixed list below draws 100,000 single IPv6 addresses.
    v6_prefixes = _v6_prefixes(tables)
    v6 = _random_v6(rng, args.v6, v6_prefixes)
    # Fresh strings in input order (as a file read line by line would give), not a shuffled copy
    # of v4 + v6: joining a shuffled list of a million strings costs several times more for
    # memory locality alone.
    mixed = [_random_v6(rng, 1, v6_prefixes)[0] if rng.random() < 1 / 11 else _random_v4(rng, 1)[0] for _ in v4 + v6]
    print(f"{len(v4)} IPv4 + {len(v6)} IPv6 addresses generated", file=sys.stderr)

    v4_times, v4_hits = _timed(lambda: table.lookup_many(v4), args.repeat)
    v6_times, v6_hits = _timed(lambda: table.lookup_many(v6), args.repeat)
    v4_ints = np.array([int(ipaddress.IPv4Address(ip)) for ip in v4], dtype=np.uint32)
    ints_times, ints_hits = _timed(lambda: table.lookup_ipv4_array(v4_ints), args.repeat)
    mixed_times, _ = _timed(lambda: table.lookup_many(mixed), args.repeat)
    single_v4 = v4[: args.single]
    single_v6 = v6[: args.single]
    single_v4_times, single_v4_hits = _timed(lambda: [table.lookup(ip) for ip in single_v4], 3)
    single_v6_times, _ = _timed(lambda: [table.lookup(ip) for ip in single_v6], 3)
    resolver = NetworkResolver([args.data])
    attribute_sample = v4[:100_000]
    attribute_times, attributions = _timed(lambda: [resolver.attribute_ip(ip) for ip in attribute_sample], 3)
    agrees = single_v4_hits == v4_hits[: len(single_v4)] and ints_hits == v4_hits

    report = {
        "benchmark": "ip",
        "data": str(args.data.resolve()),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "cpus": os.cpu_count(),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "load": {
            "files": len(tables),
            "parse_s": round(parse_s, 3),
            "prefix_table_build_s": round(build_s, 3),
            "prefix_entries": table.entry_count,
            "distinct_prefixes": len(table),
            "distinct_prefixes_v4": table.prefix_count_v4,
            "distinct_prefixes_v6": table.prefix_count_v6,
            "asns": len(asns),
        },
        "batch": {
            "ipv4": {"count": len(v4), "hits": sum(hit is not None for hit in v4_hits), **_rate(len(v4), v4_times)},
            "ipv6": {"count": len(v6), "hits": sum(hit is not None for hit in v6_hits), **_rate(len(v6), v6_times)},
            "mixed": {"count": len(mixed), **_rate(len(mixed), mixed_times)},
            # The same IPv4 addresses as integers: the search without text parsing.
            "ipv4_integers": {"count": len(v4_ints), **_rate(len(v4_ints), ints_times)},
        },
        "single": {
            "ipv4_lookup": {"count": len(single_v4), **_rate(len(single_v4), single_v4_times)},
            "ipv6_lookup": {"count": len(single_v6), **_rate(len(single_v6), single_v6_times)},
            "ipv4_attribute_ip": {
                "count": len(attribute_sample),
                "attributions": sum(len(found) for found in attributions),
                **_rate(len(attribute_sample), attribute_times),
            },
        },
        "batch_agrees_with_single": agrees,
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
