"""CycloneDX JSON SBOMs (spec 1.2–1.7; written against 1.4–1.6) read into COMPONENT assets.

What is read, per component (``components[]``, nested ``components[].components[]`` and
``metadata.component``):

=================  ==============================================================================
attribute          CycloneDX field
=================  ==============================================================================
supplier           ``supplier.name`` (organisation that supplied it: maker, distributor, repackager)
manufacturer       ``manufacturer.name`` (1.6); for ``metadata.component`` also the 1.5
                   ``metadata.manufacture.name`` (deprecated in 1.6)
publisher          ``publisher``
author             ``authors[].name`` (1.6) and ``author`` (deprecated in 1.6), joined with "; "
group, version,    ``group``, ``version``, ``type``
type
=================  ==============================================================================

Identifiers: ``purl`` and ``cpe``. ``metadata.supplier`` is the supplier of ``metadata.component``
and is used for it when the component names none. ``metadata.manufacturer`` (1.6) is the
organisation that made the BOM, not the software, so it is reported on `Sbom.bom_manufacturer` and
never attributed to a component. Services, dependencies and vulnerabilities are not read.

The file must be CycloneDX JSON (``"bomFormat": "CycloneDX"``). XML CycloneDX, SPDX and other JSON
are refused with an error that says so; malformed JSON names the line and column.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from trustscreen.assets.model import Asset, AssetKind
from trustscreen.errors import SourceError
from trustscreen.sources._common import decode, read_bytes

FORMAT = "cyclonedx-json"
SUPPORTED_SPECS = ("1.2", "1.3", "1.4", "1.5", "1.6", "1.7")
MAX_FIELD_CHARS = 10_000
MAX_FILE_BYTES = 512 * 1024 * 1024
# Real SBOMs nest a few levels (a container holding packages holding files); deeper is hostile.
MAX_DEPTH = 64
SNIFF_BYTES = 4096


@dataclass(frozen=True, slots=True)
class Sbom:
    assets: tuple[Asset, ...]
    spec_version: str
    serial_number: str | None = None
    # metadata.manufacturer (1.6): who produced the BOM document.
    bom_manufacturer: str | None = None
    file: str = ""


def sniff(path: Path) -> bool:
    """A JSON file whose first few kB say "bomFormat": "CycloneDX"."""
    if not path.is_file():
        return False
    try:
        with path.open("rb") as handle:
            head = handle.read(SNIFF_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return False
    return head.lstrip("\ufeff \t\r\n").startswith("{") and '"CycloneDX"' in head and '"bomFormat"' in head


def parse(path: Path) -> list[Asset]:
    return list(read_sbom(path).assets)


def read_sbom(path: Path) -> Sbom:
    data = read_bytes(path)
    if len(data) > MAX_FILE_BYTES:
        raise SourceError(str(path), f"is {len(data)} bytes; expected an SBOM of at most {MAX_FILE_BYTES}")
    text = decode(path, data)
    bom = _load_json(path, text)
    spec = _spec_version(path, bom)
    metadata = _object(path, bom.get("metadata"), "metadata", required=False)
    assets: list[Asset] = []
    refs: dict[str, str] = {}
    if metadata.get("component") is not None:
        assets.append(_metadata_component(path, metadata, refs))
    components = bom.get("components")
    if components is not None:
        if not isinstance(components, list):
            raise SourceError(str(path), f"is {_describe(components)}; expected a list", field="components")
        assets.extend(_walk(path, components, "components", 0, refs))
    if not assets:
        raise SourceError(str(path), "has no components and no metadata.component; expected at least one component")
    return Sbom(
        assets=tuple(assets),
        spec_version=spec,
        serial_number=_opt_text(path, bom, "serialNumber", None),
        bom_manufacturer=_org_name(path, metadata, "manufacturer", "metadata"),
        file=str(path),
    )


def _load_json(path: Path, text: str) -> dict[str, Any]:
    stripped = text.lstrip()
    if stripped.startswith("<"):
        if "cyclonedx.org/schema/bom" in stripped[:SNIFF_BYTES]:
            problem = "is CycloneDX XML; only CycloneDX JSON is supported yet (convert it, e.g. `cyclonedx convert`)"
        else:
            problem = "is XML; expected a CycloneDX JSON SBOM"
        raise SourceError(str(path), problem, line=1)
    try:
        bom = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(
            str(path),
            f"malformed JSON: {exc.msg} at column {exc.colno}; expected a CycloneDX JSON SBOM (truncated file?)",
            line=exc.lineno,
        ) from None
    if not isinstance(bom, dict):
        raise SourceError(str(path), f"top level is {_describe(bom)}; expected a CycloneDX JSON object")
    return bom


def _spec_version(path: Path, bom: Mapping[str, Any]) -> str:
    fmt = bom.get("bomFormat")
    if fmt != "CycloneDX":
        if "spdxVersion" in bom:
            raise SourceError(str(path), "is an SPDX document; expected a CycloneDX JSON SBOM", field="spdxVersion")
        raise SourceError(str(path), f'is {fmt!r}; expected "CycloneDX" (not a CycloneDX SBOM)', field="bomFormat")
    spec = bom.get("specVersion")
    if spec not in SUPPORTED_SPECS:
        raise SourceError(str(path), f"is {spec!r}; expected one of {', '.join(SUPPORTED_SPECS)}", field="specVersion")
    return str(spec)


def _walk(path: Path, items: list[Any], where: str, depth: int, refs: dict[str, str]) -> Iterator[Asset]:
    if depth > MAX_DEPTH:
        raise SourceError(str(path), f"components nest deeper than {MAX_DEPTH} levels", record=where)
    for index, raw in enumerate(items):
        record = f"{where}[{index}]"
        component = _object(path, raw, record, required=True)
        yield _component(path, component, record, refs)
        nested = component.get("components")
        if nested is not None:
            if not isinstance(nested, list):
                _fail(path, f"is {_describe(nested)}; expected a list", record, "components")
            yield from _walk(path, nested, f"{record}.components", depth + 1, refs)


def _metadata_component(path: Path, metadata: Mapping[str, Any], refs: dict[str, str]) -> Asset:
    record = "metadata.component"
    component = _object(path, metadata.get("component"), record, required=True)
    fallback = {
        # 1.5 put the maker of the described component on metadata; 1.6 moved it onto the component.
        "manufacturer": _org_name(path, metadata, "manufacture", "metadata"),
        "supplier": _org_name(path, metadata, "supplier", "metadata"),
    }
    return _component(path, component, record, refs, fallback)


def _component(
    path: Path,
    component: Mapping[str, Any],
    record: str,
    refs: dict[str, str],
    fallback: Mapping[str, str | None] | None = None,
) -> Asset:
    name = _opt_text(path, component, "name", record)
    if name is None:
        _fail(path, "is missing or empty; every CycloneDX component has a name", record, "name")
    _check_ref(path, component, record, refs)
    fallback = fallback or {}
    found = {
        "type": _opt_text(path, component, "type", record),
        "group": _opt_text(path, component, "group", record),
        "version": _opt_text(path, component, "version", record),
        "supplier": _org_name(path, component, "supplier", record) or fallback.get("supplier"),
        "manufacturer": _org_name(path, component, "manufacturer", record) or fallback.get("manufacturer"),
        "publisher": _opt_text(path, component, "publisher", record),
        "author": _authors(path, component, record),
    }
    identifiers = tuple(
        (scheme, value) for scheme in ("purl", "cpe") if (value := _opt_text(path, component, scheme, record))
    )
    return Asset(
        kind=AssetKind.COMPONENT,
        name=name,
        origin=f"{path.name}: {record}",
        identifiers=identifiers,
        attributes=tuple((key, value) for key, value in found.items() if value),
    )


def _check_ref(path: Path, component: Mapping[str, Any], record: str, refs: dict[str, str]) -> None:
    ref = _opt_text(path, component, "bom-ref", record)
    if ref is None:
        return
    if ref in refs:
        _fail(path, f"repeats bom-ref {ref!r} of {refs[ref]}; expected each bom-ref once", record, "bom-ref")
    refs[ref] = record


def _authors(path: Path, component: Mapping[str, Any], record: str) -> str | None:
    names: list[str] = []
    authors = component.get("authors")
    if authors is not None:
        if not isinstance(authors, list):
            _fail(path, f"is {_describe(authors)}; expected a list of contacts", record, "authors")
        for index, raw in enumerate(authors):
            contact = _object(path, raw, f"{record}.authors[{index}]", required=True)
            name = _opt_text(path, contact, "name", f"{record}.authors[{index}]")
            if name:
                names.append(name)
    legacy = _opt_text(path, component, "author", record)
    if legacy:
        names.append(legacy)
    return "; ".join(dict.fromkeys(names)) or None


def _org_name(path: Path, parent: Mapping[str, Any], key: str, record: str) -> str | None:
    """`name` of an organizationalEntity field (supplier, manufacturer, manufacture)."""
    raw = parent.get(key)
    if raw is None:
        return None
    if not isinstance(raw, dict):
        _fail(path, f'is {_describe(raw)}; expected an organisation object like {{"name": …}}', record, key)
    return _opt_text(path, raw, "name", f"{record}.{key}")


def _object(path: Path, raw: Any, record: str, *, required: bool) -> Mapping[str, Any]:
    if raw is None and not required:
        return {}
    if not isinstance(raw, dict):
        raise SourceError(str(path), f"is {_describe(raw)}; expected a JSON object", record=record)
    return raw


def _opt_text(path: Path, parent: Mapping[str, Any], key: str, record: str | None) -> str | None:
    value = parent.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise SourceError(str(path), f"is {_describe(value)}; expected a string", record=record, field=key)
    if len(value) > MAX_FIELD_CHARS:
        raise SourceError(
            str(path),
            f"is {len(value)} characters long; expected at most {MAX_FIELD_CHARS}",
            record=record,
            field=key,
        )
    return " ".join(value.split()) or None


def _fail(path: Path, problem: str, record: str, field: str) -> NoReturn:
    raise SourceError(str(path), problem, record=record, field=field)


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return repr(value)
