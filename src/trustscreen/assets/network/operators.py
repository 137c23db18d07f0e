"""operators.yaml: which organisation a CIDR list or ASN list file stands for."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from trustscreen.assets.network.records import AsnListInfo, Operator, OperatorMap
from trustscreen.errors import SourceError
from trustscreen.sources._common import decode, read_bytes

# ---------------------------------------------------------------------------------------------
# operators.yaml


def load_operators(path: Path | None = None) -> OperatorMap:
    """The bundled operators.yaml, or a user's file of the same shape."""
    if path is None:
        origin = "trustscreen/data/network/operators.yaml"
        text = resources.files("trustscreen.data.network").joinpath("operators.yaml").read_text("utf-8")
    else:
        origin = str(path)
        text = decode(path, read_bytes(path))
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise SourceError(origin, f"invalid YAML ({exc}); expected an operators table", line=line) from None
    if not isinstance(data, dict):
        raise SourceError(origin, "expected a mapping with prefix_lists, aws_ip_ranges and asn_lists")
    aws = _mapping(origin, data, "aws_ip_ranges")
    return OperatorMap(
        origin=origin,
        prefix_lists=tuple(
            (_patterns(origin, item, f"prefix_lists[{i}]"), _operator(origin, item, f"prefix_lists[{i}]"))
            for i, item in enumerate(_list(origin, data, "prefix_lists"))
        ),
        aws=_operator(origin, aws, "aws_ip_ranges") if aws else None,
        aws_regions={
            str(region): _operator(origin, value, f"aws_ip_ranges.regions.{region}")
            for region, value in _mapping(origin, aws or {}, "regions").items()
        },
        asn_lists=tuple(
            AsnListInfo(
                patterns=_patterns(origin, item, f"asn_lists[{i}]"),
                country=_text(origin, item, "country", f"asn_lists[{i}]", required=False),
                source_url=_text(origin, item, "source_url", f"asn_lists[{i}]") or "",
                as_of=_as_of(origin, item, f"asn_lists[{i}]"),
            )
            for i, item in enumerate(_list(origin, data, "asn_lists"))
        ),
    )


def _list(origin: str, data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = data.get(key) or []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise SourceError(origin, "expected a list of mappings", field=key)
    return value


def _mapping(origin: str, data: dict[str, Any], key: str) -> dict[str, Any]:
    """An optional mapping: absent is empty."""
    value = data.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise SourceError(origin, "expected a mapping", field=key)
    return value


def _text(origin: str, item: dict[str, Any], key: str, record: str, *, required: bool = True) -> str | None:
    value = item.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise SourceError(origin, "expected a non-empty string", record=record, field=key)
    return value.strip()


def _as_of(origin: str, item: dict[str, Any], record: str) -> str:
    # YAML reads an unquoted 2026-02-16 as a date; either form is fine.
    value = item.get("as_of")
    if value is None or not str(value).strip():
        raise SourceError(origin, "expected the date the mapping was checked", record=record, field="as_of")
    return str(value).strip()


def _patterns(origin: str, item: dict[str, Any], record: str) -> tuple[str, ...]:
    files = item.get("files")
    if not isinstance(files, list) or not files or not all(isinstance(f, str) and f for f in files):
        raise SourceError(origin, "expected a non-empty list of file-name patterns", record=record, field="files")
    return tuple(files)


def _operator(origin: str, item: dict[str, Any], record: str) -> Operator:
    role = _text(origin, item, "role", record) or ""
    if role not in ("carrier", "cloud"):
        raise SourceError(origin, f"role {role!r}; expected carrier or cloud", record=record, field="role")
    scope = _text(origin, item, "scope", record, required=False) or "operator"
    if scope not in ("operator", "country"):
        raise SourceError(origin, f"scope {scope!r}; expected operator or country", record=record, field="scope")
    return Operator(
        party=_text(origin, item, "party", record) or "",
        role=role,
        country=_text(origin, item, "country", record, required=False),
        source_url=_text(origin, item, "source_url", record) or "",
        as_of=_as_of(origin, item, record),
        scope=scope,
        legal_name=_text(origin, item, "legal_name", record, required=False),
        note=_text(origin, item, "note", record, required=False),
    )
