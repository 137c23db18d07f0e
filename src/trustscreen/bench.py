"""Pair benchmarks: precision / recall / F1 of `compare` over a CSV of labelled name pairs.

The CSV layout is nomenklatura's name bench: columns schema,name1,name2,is_match (others ignored).
A deterministic split by row content lets weights be fitted on one half and reported on the other.
"""

from __future__ import annotations

import csv
import hashlib
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from trustscreen.errors import SourceError
from trustscreen.matching.scorer import DEFAULT_THRESHOLD
from trustscreen.matching.screener import compare
from trustscreen.model import EntityKind

SCHEMA_KINDS = {
    "person": EntityKind.PERSON,
    "company": EntityKind.ORGANIZATION,
    "organization": EntityKind.ORGANIZATION,
    "legalentity": EntityKind.ORGANIZATION,
    "publicbody": EntityKind.ORGANIZATION,
    "vessel": EntityKind.VESSEL,
    "airplane": EntityKind.AIRCRAFT,
    "aircraft": EntityKind.AIRCRAFT,
}
REQUIRED = ("schema", "name1", "name2", "is_match")
TRUE_VALUES = {"true", "1", "yes", "y", "t"}
FALSE_VALUES = {"false", "0", "no", "n", "f"}


@dataclass(frozen=True, slots=True)
class Pair:
    line: int
    kind: EntityKind | None
    name1: str
    name2: str
    is_match: bool
    group: str


def read_pairs(path: Path) -> list[Pair]:
    try:
        text = path.read_text("utf-8-sig")
    except FileNotFoundError:
        raise SourceError(str(path), "file not found") from None
    except UnicodeDecodeError as exc:
        raise SourceError(str(path), f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        raise SourceError(str(path), f"missing column(s) {', '.join(missing)}; expected {','.join(REQUIRED)}", line=1)
    pairs = []
    for line, row in enumerate(reader, start=2):
        label = (row["is_match"] or "").strip().lower()
        if label not in TRUE_VALUES | FALSE_VALUES:
            raise SourceError(
                str(path),
                f"is_match {row['is_match']!r}; expected true or false",
                line=line,
                field="is_match",
            )
        if not (row["name1"] or "").strip() or not (row["name2"] or "").strip():
            raise SourceError(str(path), "empty name", line=line, field="name1/name2")
        schema = (row["schema"] or "").strip().lower()
        pairs.append(
            Pair(
                line,
                SCHEMA_KINDS.get(schema),
                row["name1"],
                row["name2"],
                label in TRUE_VALUES,
                row.get("case_group") or "",
            )
        )
    if not pairs:
        raise SourceError(str(path), "no pairs; expected at least one row after the header")
    return pairs


def in_split(pair: Pair, split: str) -> bool:
    """'fit' and 'holdout' halves by a hash of the pair's content (stable across runs and machines)."""
    if split == "all":
        return True
    digest = hashlib.sha256(f"{pair.name1}\x00{pair.name2}".encode()).digest()[0]
    return (digest % 2 == 0) == (split == "fit")


def evaluate(
    pairs: list[Pair], *, threshold: float = DEFAULT_THRESHOLD, split: str = "all", errors: int = 0
) -> dict[str, Any]:
    chosen = [p for p in pairs if in_split(p, split)]
    started = time.perf_counter()
    scores = [compare(p.name1, p.name2, kind=p.kind).score for p in chosen]
    elapsed = time.perf_counter() - started
    tp = fp = fn = tn = 0
    wrong: list[dict[str, Any]] = []
    for pair, score in zip(chosen, scores, strict=True):
        predicted = score >= threshold
        if predicted and pair.is_match:
            tp += 1
        elif predicted:
            fp += 1
        elif pair.is_match:
            fn += 1
        else:
            tn += 1
        if predicted != pair.is_match and len(wrong) < errors:
            wrong.append(
                {
                    "line": pair.line,
                    "name1": pair.name1,
                    "name2": pair.name2,
                    "is_match": pair.is_match,
                    "score": score,
                }
            )
    precision, recall, f1 = _prf(tp, fp, fn)
    result: dict[str, Any] = {
        "pairs": len(chosen),
        "split": split,
        "threshold": threshold,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "seconds": round(elapsed, 4),
        "pairs_per_s": round(len(chosen) / elapsed, 1) if elapsed else None,
    }
    groups: dict[str, list[int]] = {}
    for pair, score in zip(chosen, scores, strict=True):
        counts = groups.setdefault(pair.group or "all", [0, 0, 0, 0])
        predicted = score >= threshold
        counts[0 if predicted and pair.is_match else 1 if predicted else 2 if pair.is_match else 3] += 1
    if len(groups) > 1:
        result["groups"] = {
            name: dict(zip(("precision", "recall", "f1"), (round(x, 4) for x in _prf(c[0], c[1], c[2])), strict=True))
            | {"pairs": sum(c)}
            for name, c in sorted(groups.items())
        }
    if errors:
        result["errors"] = wrong
    return result


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1
