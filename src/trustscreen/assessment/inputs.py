"""Read an assessment input of any supported type, detected from the file when not given."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from trustscreen.assets import android, inventory, sbom, traceroute
from trustscreen.assets.model import Asset, AssetKind
from trustscreen.errors import SourceError

INPUT_TYPES = ("inventory", "sbom", "packages", "traceroute")
_SNIFF_BYTES = 4096


def detect_type(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml", ".csv"):
        return "inventory"
    if suffix in (".json", ".xml"):
        # sbom.read_sbom explains what is wrong with a JSON or XML file that is not a CycloneDX JSON SBOM.
        return "sbom"
    try:
        with path.open("rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError as exc:
        raise SourceError(str(path), f"cannot read ({exc.strerror})") from None
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "traceroute"  # PowerShell writes tracert output as UTF-16
    text = head.decode("utf-8", errors="replace")
    lines = [line for line in text.splitlines() if line.strip()]
    if lines and lines[0].strip().startswith("package:"):
        return "packages"
    if lines and traceroute.detect_format(lines[0]) is not None:
        return "traceroute"
    raise SourceError(
        str(path),
        "cannot tell what this is; expected an inventory (.yaml, .yml, .csv), a CycloneDX JSON SBOM (.json), "
        "`adb shell pm list packages` output or traceroute/mtr/tracert output (or give --type)",
        line=1,
    )


def read_assets(path: Path, kind: str | None = None) -> tuple[list[Asset], dict[str, Any]]:
    """The assets of the input and a description of it (path, type, metadata) for the report."""
    if not path.is_file():
        raise SourceError(str(path), "is not a file; expected an inventory, SBOM, package list or traceroute output")
    input_type = kind or detect_type(path)
    if input_type not in INPUT_TYPES:
        raise SourceError(str(path), f"unknown input type {input_type!r}; expected one of {', '.join(INPUT_TYPES)}")
    described: dict[str, Any] = {"path": str(path), "type": input_type}
    if input_type == "inventory":
        read = inventory.read_inventory(path)
        described["organisation"] = dict(read.organisation)
        assets = [_expand_traceroute(asset, path.parent) for asset in read.assets]
    elif input_type == "sbom":
        bom = sbom.read_sbom(path)
        described.update(spec_version=bom.spec_version, serial_number=bom.serial_number)
        assets = list(bom.assets)
    elif input_type == "packages":
        assets = android.parse_packages(path)
    else:
        assets = traceroute.read_traceroute_assets(path)
    return assets, described


def _expand_traceroute(asset: Asset, base: Path) -> Asset:
    """A network path that names a traceroute file gets the file's hop addresses as identifiers."""
    if asset.kind is not AssetKind.NETWORK_PATH:
        return asset
    name = asset.attribute("traceroute")
    if not name:
        return asset
    file = Path(name) if Path(name).is_absolute() else base / name
    hops = traceroute.parse_traceroute(file)
    ips = [("ip", hop.ip) for hop in hops if hop.ip]
    path_text = " > ".join(hop.ip or "*" for hop in hops)
    return dataclasses.replace(
        asset,
        identifiers=(*asset.identifiers, *ips),
        attributes=(*asset.attributes, ("hops", path_text)),
    )
