"""CycloneDX JSON SBOMs: the example reads into COMPONENT assets with supplier / manufacturer /
publisher / author, 1.6 fields are read, and non-CycloneDX or malformed files are refused clearly."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from trustscreen.assets.model import AssetKind
from trustscreen.assets.sbom import MAX_DEPTH, MAX_FIELD_CHARS, parse, read_sbom, sniff
from trustscreen.errors import SourceError

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sbom.cdx.json"


def test_example() -> None:
    sbom = read_sbom(EXAMPLE)
    assert (sbom.spec_version, sbom.serial_number) == ("1.5", "urn:uuid:6a1b7c52-3f0e-4a55-9d2e-8e4f2b1c0d97")
    assert sbom.bom_manufacturer is None
    # metadata.component + 5 top-level components + 1 nested under push.
    assert [asset.origin for asset in sbom.assets] == [
        "sbom.cdx.json: metadata.component",
        "sbom.cdx.json: components[0]",
        "sbom.cdx.json: components[1]",
        "sbom.cdx.json: components[1].components[0]",
        "sbom.cdx.json: components[2]",
        "sbom.cdx.json: components[3]",
        "sbom.cdx.json: components[4]",
    ]
    assert {asset.kind for asset in sbom.assets} == {AssetKind.COMPONENT}
    product, hik, push, base, lang3, requests, lodash = sbom.assets
    # 1.5: the product's maker is metadata.manufacture, its supplier metadata.supplier.
    assert product.name == "branch-video-gateway"
    assert (
        product.attribute("manufacturer") == "Example Bank plc" and product.attribute("supplier") == "Example Bank plc"
    )
    assert hik.name == "HCNetSDK"
    assert hik.attributes == (
        ("type", "library"),
        ("group", "com.hikvision"),
        ("version", "6.1.9.48"),
        ("supplier", "Hangzhou Hikvision Digital Technology Co., Ltd."),
        ("publisher", "Hikvision"),
    )
    assert hik.identifiers == (
        ("purl", "pkg:generic/hikvision/hcnetsdk@6.1.9.48"),
        ("cpe", "cpe:2.3:a:hikvision:hcnetsdk:6.1.9.48:*:*:*:*:*:*:*"),
    )
    assert (
        push.attribute("supplier") == "Huawei Software Technologies Co., Ltd." and push.attribute("author") == "Huawei"
    )
    assert base.identifier("purl") == "pkg:maven/com.huawei.hms/base@6.11.0.300"
    assert base.attribute("supplier") == "Huawei Software Technologies Co., Ltd."
    assert lang3.attribute("supplier") == "The Apache Software Foundation"
    assert requests.attribute("author") == "Kenneth Reitz" and requests.attribute("supplier") is None
    assert lodash.identifier("purl") == "pkg:npm/lodash@4.17.21"
    assert parse(EXAMPLE) == list(sbom.assets)
    assert sniff(EXAMPLE)


def write(tmp_path: Path, data: Any, name: str = "bom.json") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data, indent=2), "utf-8")
    return path


def bom(*components: dict[str, Any], spec: str = "1.6", **extra: Any) -> dict[str, Any]:
    return {"bomFormat": "CycloneDX", "specVersion": spec, "version": 1, "components": list(components), **extra}


def test_cyclonedx_16_fields(tmp_path: Path) -> None:
    component = {
        "type": "firmware",
        "name": "camera-firmware",
        "version": "5.7.3",
        "supplier": {"name": "Example Distributor GmbH"},
        "manufacturer": {"name": "Hangzhou Hikvision Digital Technology Co., Ltd.", "url": ["https://hikvision.com"]},
        "authors": [{"name": "Firmware Team"}, {"email": "no-name@example.com"}, {"name": "Firmware Team"}],
        "author": "Legacy Author",
        "cpe": "cpe:2.3:o:hikvision:firmware:5.7.3:*:*:*:*:*:*:*",
    }
    metadata = {
        "manufacturer": {"name": "SBOM Tooling Inc."},
        "component": {"type": "device", "name": "DS-2CD2143G2-I", "manufacturer": {"name": "Hikvision"}},
        "manufacture": {"name": "Ignored When The Component Names One"},
    }
    sbom = read_sbom(write(tmp_path, bom(component, metadata=metadata)))
    product, firmware = sbom.assets
    # metadata.manufacturer made the BOM; it is not attributed to any component.
    assert sbom.bom_manufacturer == "SBOM Tooling Inc."
    assert product.attribute("manufacturer") == "Hikvision"
    assert firmware.attribute("manufacturer") == "Hangzhou Hikvision Digital Technology Co., Ltd."
    assert firmware.attribute("supplier") == "Example Distributor GmbH"
    assert firmware.attribute("author") == "Firmware Team; Legacy Author"
    assert firmware.identifiers == (("cpe", "cpe:2.3:o:hikvision:firmware:5.7.3:*:*:*:*:*:*:*"),)


def test_metadata_component_only(tmp_path: Path) -> None:
    data = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.4",
        "metadata": {"component": {"type": "application", "name": "app"}},
    }
    assert [asset.name for asset in parse(write(tmp_path, data))] == ["app"]


def fails(path: Path, *words: str) -> SourceError:
    with pytest.raises(SourceError) as info:
        read_sbom(path)
    message = str(info.value)
    assert message.startswith(str(path)), message
    for word in words:
        assert word in message, message
    return info.value


def test_xml_cyclonedx_is_not_supported_yet(tmp_path: Path) -> None:
    xml = '<?xml version="1.0"?>\n<bom xmlns="http://cyclonedx.org/schema/bom/1.5" version="1"><components/></bom>\n'
    fails(write(tmp_path, xml, "bom.xml"), "CycloneDX XML", "only CycloneDX JSON is supported")
    fails(write(tmp_path, "<html><body/></html>", "page.xml"), "is XML", "expected a CycloneDX JSON SBOM")


def test_not_cyclonedx_json(tmp_path: Path) -> None:
    spdx = {"spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT", "packages": []}
    assert fails(write(tmp_path, spdx), "SPDX").field == "spdxVersion"
    assert fails(write(tmp_path, {"name": "package.json"}), "not a CycloneDX SBOM").field == "bomFormat"
    assert fails(write(tmp_path, {"bomFormat": "SPDX"}), "'SPDX'").field == "bomFormat"
    fails(write(tmp_path, "[1, 2]"), "top level is a list")
    assert not sniff(write(tmp_path, spdx, "spdx.json"))


def test_malformed_json_names_line_and_column(tmp_path: Path) -> None:
    text = '{\n  "bomFormat": "CycloneDX",\n  "specVersion": "1.5"\n  "components": []\n}\n'
    error = fails(write(tmp_path, text), "malformed JSON", "column 3")
    assert error.line == 4
    truncated = json.dumps(bom({"type": "library", "name": "x"}), indent=2)[:-20]
    fails(write(tmp_path, truncated), "malformed JSON", "truncated")


@pytest.mark.parametrize("spec", ["1.1", "2.0", None, 1.5])
def test_unsupported_spec_versions(tmp_path: Path, spec: Any) -> None:
    data = bom({"type": "library", "name": "x"})
    data["specVersion"] = spec
    error = fails(write(tmp_path, data), "expected one of 1.2, 1.3, 1.4, 1.5, 1.6")
    assert error.field == "specVersion"


@pytest.mark.parametrize(
    ("components", "record", "field", "words"),
    [
        (["lodash"], "components[0]", None, ("expected a JSON object",)),
        ([{"type": "library"}], "components[0]", "name", ("missing",)),
        ([{"type": "library", "name": ""}], "components[0]", "name", ("missing",)),
        ([{"type": "library", "name": 7}], "components[0]", "name", ("expected a string",)),
        ([{"name": "x", "supplier": "Huawei"}], "components[0]", "supplier", ("organisation object",)),
        ([{"name": "x", "manufacturer": ["Huawei"]}], "components[0]", "manufacturer", ("organisation object",)),
        ([{"name": "x", "supplier": {"name": ["Huawei"]}}], "components[0].supplier", "name", ("a list",)),
        ([{"name": "x", "authors": "Jane"}], "components[0]", "authors", ("list of contacts",)),
        ([{"name": "x", "authors": ["Jane"]}], "components[0].authors[0]", None, ("JSON object",)),
        ([{"name": "x", "purl": 1}], "components[0]", "purl", ("expected a string",)),
        ([{"name": "x", "components": {"name": "y"}}], "components[0]", "components", ("expected a list",)),
        ([{"name": "x", "components": [{"type": "library"}]}], "components[0].components[0]", "name", ("missing",)),
        (
            [{"name": "a", "bom-ref": "r1"}, {"name": "b", "bom-ref": "r1"}],
            "components[1]",
            "bom-ref",
            ("repeats bom-ref 'r1' of components[0]",),
        ),
    ],
)
def test_bad_components(
    tmp_path: Path, components: list[Any], record: str, field: str | None, words: tuple[str, ...]
) -> None:
    error = fails(write(tmp_path, bom(*components)), *words)
    assert (error.record, error.field) == (record, field)


def test_bad_shapes(tmp_path: Path) -> None:
    data = bom()
    data["components"] = {"name": "x"}
    assert fails(write(tmp_path, data), "expected a list").field == "components"
    fails(write(tmp_path, bom()), "no components")
    fails(write(tmp_path, bom({"name": "x"}, metadata=[])), "expected a JSON object")
    fails(write(tmp_path, bom(metadata={"component": "app"})), "expected a JSON object")
    supplier_text = bom(metadata={"component": {"name": "app"}, "supplier": "Acme"})
    assert fails(write(tmp_path, supplier_text), "organisation object").field == "supplier"


def test_deep_nesting_refused(tmp_path: Path) -> None:
    component: dict[str, Any] = {"name": "leaf"}
    for level in range(MAX_DEPTH + 2):
        component = {"name": f"level{level}", "components": [component]}
    fails(write(tmp_path, bom(component)), f"deeper than {MAX_DEPTH}")


def test_huge_field(tmp_path: Path) -> None:
    error = fails(write(tmp_path, bom({"name": "x" * (MAX_FIELD_CHARS + 1)})), f"at most {MAX_FIELD_CHARS}")
    assert (error.record, error.field) == ("components[0]", "name")


def test_bad_encoding_and_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(json.dumps(bom({"name": "Telefónica SDK"}), ensure_ascii=False).encode("latin-1"))
    fails(path, "not valid utf-8")
    fails(write(tmp_path, ""), "empty")
