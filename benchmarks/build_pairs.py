"""Build labelled cross-script pair CSVs (schema,name1,name2,is_match,case_group) from ../shared/data.

Outputs go to benchmarks/out/ (git-ignored: derived from files whose licences we must not re-publish).
Deterministic: a fixed seed, so every run scores the same pairs.

    python benchmarks/build_pairs.py [--data ../shared/data] [--per-script 400]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIELDS = ["schema", "name1", "name2", "is_match", "case_group"]


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, FIELDS)
        writer.writeheader()
        writer.writerows(rows)


def _row(group: str, a: str, b: str, match: bool) -> dict[str, str]:
    return {
        "schema": "Person",
        "name1": a,
        "name2": b,
        "is_match": "true" if match else "false",
        "case_group": group,
    }


def watchman_pairs(data: Path) -> list[dict[str, str]]:
    """Positives as given; each query also against the expected name of a row 5 further on (negative)."""
    pairs = []
    lines = (data / "benchmark" / "watchman_cross_script_pairs.csv").read_text("utf-8").splitlines()
    rows = [r for r in csv.reader(line for line in lines if line.strip() and not line.startswith("#"))]
    rows = [r for r in rows if r[0] != "Query"]
    for i, (query, expected, *_rest) in enumerate(rows):
        pairs.append(_row("watchman", query, expected, True))
        other = rows[(i + 5) % len(rows)][1]
        pairs.append(_row("watchman", query, other, False))
    return pairs


def _tokens(path: Path, min_count: int = 1) -> list[tuple[str, str]]:
    out = []
    for line in path.read_text("utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) < 2:
            continue
        latin, script = parts[0].strip(), parts[1].replace(" ", "")
        count = int(parts[2]) if len(parts) > 2 and parts[2].strip().isdigit() else 1
        if latin.isalpha() and len(latin) >= 3 and script and count >= min_count:
            out.append((latin, script))
    return out


def wikidata_full_names(data: Path, per_script: int, rng: random.Random) -> list[dict[str, str]]:
    """Token pairs joined into two-part full names, native script vs Latin; negatives re-pair at random."""
    folder = data / "benchmark" / "translit_wikidata_coling2018"
    pairs: list[dict[str, str]] = []
    for script, filename, joiner in (
        ("chinese", "wd_chinese_20.tsv", "·"),
        ("russian", "wd_russian_20.tsv", " "),
        ("arabic", "wd_arabic_20.tsv", " "),
    ):
        tokens = _tokens(folder / filename)
        rng.shuffle(tokens)
        names = []
        for i in range(0, min(len(tokens) - 1, per_script * 2), 2):
            (first_l, first_s), (last_l, last_s) = tokens[i], tokens[i + 1]
            names.append((f"{first_l.title()} {last_l.title()}", f"{first_s}{joiner}{last_s}"))
        for i, (latin, native) in enumerate(names):
            pairs.append(_row(f"wikidata_{script}", native, latin, True))
            pairs.append(
                _row(
                    f"wikidata_{script}",
                    native,
                    names[(i + 1 + rng.randrange(len(names) - 1)) % len(names)][0],
                    False,
                )
            )
    hebrew = []
    for line in (folder / "wd_hebrew.tsv").read_text("utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) == 2 and len(parts[0].split()) >= 2:
            hebrew.append((parts[0], parts[1]))
    rng.shuffle(hebrew)
    hebrew = hebrew[:per_script]
    for i, (latin, native) in enumerate(hebrew):
        pairs.append(_row("wikidata_hebrew", native, latin, True))
        pairs.append(
            _row(
                "wikidata_hebrew",
                native,
                hebrew[(i + 1 + rng.randrange(len(hebrew) - 1)) % len(hebrew)][0],
                False,
            )
        )
    return pairs


def putin_variants(data: Path) -> list[dict[str, str]]:
    """Each spelling of Putin against 'Vladimir Putin' (true) and against 'Vladimir Zelensky' (false)."""
    pairs = []
    for line in (data / "benchmark" / "rigour_putin_name_variants.txt").read_text("utf-8").splitlines():
        variant = line.strip()
        if variant:
            pairs.append(_row("putin_variants", variant, "Vladimir Putin", True))
            pairs.append(_row("putin_variants", variant, "Vladimir Zelensky", False))
    return pairs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=HERE.parent.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--per-script", type=int, default=400)
    args = parser.parse_args()
    rng = random.Random(20261129)
    outputs = {
        "cross_script_watchman.csv": watchman_pairs(args.data),
        "cross_script_wikidata.csv": wikidata_full_names(args.data, args.per_script, rng),
        "cross_script_putin.csv": putin_variants(args.data),
    }
    for name, rows in outputs.items():
        _write(args.out / name, rows)
    print(json.dumps({name: len(rows) for name, rows in outputs.items()}))


if __name__ == "__main__":
    main()
