"""Android apps: the installed-package list of a device, and tables mapping package ids to apps.

`parse_packages` reads the output of ``adb shell pm list packages``; each line is one package::

    package:com.tencent.mm                                           (plain)
    package:/data/app/~~Xy1==/com.tencent.mm-Ab2==/base.apk=com.tencent.mm   (-f: APK path)
    package:com.tencent.mm  installer=com.android.vending            (-i: installer)
    package:com.tencent.mm uid:10234                                 (-U)
    package:com.tencent.mm versionCode:2280                          (--show-versioncode)

Options combine on one line. Blank lines and ``#`` comments are skipped; anything else is an error
naming the line.

Two tables say which app a package id is:

* `package_index` reads the ``android_package`` identifiers of listed entities (the bundled curated
  lists carry them for the apps India blocked under s.69A and the US executive orders named), so a
  package resolves to the listed app and its entity id.
* `load_community_list` reads the community "Remove China Apps" list (JSON of ``p_name``/``a_name``),
  which a user may load; it is unlicensed, so trustscreen does not bundle it. It is a community's
  opinion, not an official list: use it to name apps, not to decide anything.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from trustscreen.assets.model import Asset, AssetKind
from trustscreen.errors import SourceError
from trustscreen.model import Entity, RelationKind
from trustscreen.sources import curated
from trustscreen.sources._common import decode, read_bytes
from trustscreen.sources.curated import ANDROID_PACKAGE_RE

PACKAGE_PREFIX = "package:"
ANDROID_PACKAGE_SCHEME = "android_package"
MAX_LINE_CHARS = 10_000
MAX_FILE_BYTES = 50 * 1024 * 1024
# Options of `pm list packages` that append "key=value" or "key:value" to a line, by attribute name.
LINE_OPTIONS = {"installer": "installer", "uid": "uid", "versionCode": "version_code"}
# Known defects of the community list (Bloody-Badboy/Remove-China-Apps, 2020-06): a package id
# with its first letter lost, and a non-Chinese app that some copies list first.
COMMUNITY_TYPOS = {"om.dewmobile.kuaiya.play": "com.dewmobile.kuaiya.play"}
COMMUNITY_NOT_CHINESE = {"com.whatsapp": "WhatsApp is a Meta (US) app, not a Chinese one"}
COMMUNITY_KEYS = frozenset({"p_name", "a_name"})


# --- pm list packages -----------------------------------------------------------------------


def parse_packages(path: Path) -> list[Asset]:
    """One APP asset per package line of `adb shell pm list packages` output."""
    data = read_bytes(path)
    if len(data) > MAX_FILE_BYTES:
        raise SourceError(str(path), f"is {len(data)} bytes; expected a package list of at most {MAX_FILE_BYTES}")
    text = decode(path, data)
    assets: list[Asset] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        asset = _package_line(path, number, line)
        package = asset.name
        if package in seen:
            raise SourceError(
                str(path),
                f"lists {package} again (first on line {seen[package]}); expected each package once",
                line=number,
                field="package",
            )
        seen[package] = number
        assets.append(asset)
    if not assets:
        raise SourceError(str(path), "has no package lines; expected `adb shell pm list packages` output")
    return assets


def _package_line(path: Path, number: int, line: str) -> Asset:
    def fail(problem: str, field: str = "package") -> SourceError:
        return SourceError(str(path), problem, line=number, field=field)

    if len(line) > MAX_LINE_CHARS:
        raise fail(f"line is {len(line)} characters long; expected at most {MAX_LINE_CHARS}")
    if not line.startswith(PACKAGE_PREFIX):
        raise fail(f"line starts {line[:30]!r}; expected 'package:<id>' lines from `adb shell pm list packages`")
    tokens = line[len(PACKAGE_PREFIX) :].split()
    if not tokens:
        raise fail("is empty; expected an Android package id like com.tencent.mm after 'package:'")
    first, *options = tokens
    apk_path, package = _split_apk_path(first)
    if not ANDROID_PACKAGE_RE.fullmatch(package):
        raise fail(f"is {package!r}; expected an Android package id like com.tencent.mm")
    attributes: list[tuple[str, str]] = []
    if apk_path:
        attributes.append(("apk_path", apk_path))
    for option in options:
        key, value = _split_option(option)
        if key not in LINE_OPTIONS:
            raise fail(f"has {option!r}; expected only installer=, uid: or versionCode: after the package", "option")
        if value and value != "null":
            attributes.append((LINE_OPTIONS[key], value))
    return Asset(
        kind=AssetKind.APP,
        name=package,
        origin=f"{path.name} line {number}",
        identifiers=((ANDROID_PACKAGE_SCHEME, package),),
        attributes=tuple(attributes),
    )


def _split_apk_path(token: str) -> tuple[str | None, str]:
    # `-f` prints "<apk path>=<package>"; the path itself may hold "=" (base64 dir names), so split
    # at the last one.
    if token.startswith("/") and "=" in token:
        apk_path, _, package = token.rpartition("=")
        return apk_path, package
    return None, token


def _split_option(option: str) -> tuple[str, str]:
    for separator in ("=", ":"):
        if separator in option:
            key, _, value = option.partition(separator)
            return key, value
    return option, ""


# --- package id → app, from listed entities -------------------------------------------------


class AppRef(NamedTuple):
    app_name: str
    entity_id: str
    # (developer name, developer entity id if the list links one), from the entity's relations.
    developers: tuple[tuple[str, str | None], ...] = ()


def package_index(entities: Iterable[Entity], scheme: str = ANDROID_PACKAGE_SCHEME) -> dict[str, tuple[AppRef, ...]]:
    """Package id → every listed app entity that names it (an app can sit on several lists).

    `scheme` "ios_bundle" indexes iOS bundle ids the same way."""
    index: dict[str, list[AppRef]] = {}
    for entity in entities:
        packages = [ident.value for ident in entity.identifiers if ident.scheme == scheme]
        if not packages:
            continue
        developers = tuple(
            (relation.target_name, relation.target_id)
            for relation in entity.relations
            if relation.kind is RelationKind.DEVELOPER
        )
        ref = AppRef(entity.primary_name, entity.id, developers)
        for package in dict.fromkeys(packages):
            index.setdefault(package, []).append(ref)
    return {package: tuple(refs) for package, refs in sorted(index.items())}


def curated_package_index() -> dict[str, tuple[AppRef, ...]]:
    """`package_index` over the curated lists bundled with trustscreen."""
    return package_index(entity for parsed in curated.parse_bundle() for entity in parsed.entities)


# --- community package list -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CommunityAppList:
    # Package id → app name as the list gives it (whitespace tidied).
    apps: Mapping[str, str]
    # (package id as written, package id used) for known typos that were corrected.
    corrections: tuple[tuple[str, str], ...] = ()
    # (package id, why) for entries that were left out.
    excluded: tuple[tuple[str, str], ...] = ()
    file: str = field(default="")


def load_community_list(path: Path) -> CommunityAppList:
    """Read a "Remove China Apps"-style JSON list: ``[{"p_name": <package>, "a_name": <app>}, …]``."""
    text = decode(path, read_bytes(path))
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(
            str(path), f"malformed JSON: {exc.msg} at column {exc.colno}; expected a list of apps", line=exc.lineno
        ) from None
    if not isinstance(data, list) or not data:
        raise SourceError(str(path), "top level is not a non-empty list; expected [{p_name, a_name}, …]")
    apps: dict[str, str] = {}
    first_seen: dict[str, int] = {}
    corrections: list[tuple[str, str]] = []
    excluded: list[tuple[str, str]] = []
    for index, raw in enumerate(data):
        package, name = _community_entry(path, index, raw)
        if package in first_seen:
            raise SourceError(
                str(path),
                f"repeats {package} (first at [{first_seen[package]}]); expected each package once",
                record=f"[{index}]",
                field="p_name",
            )
        first_seen[package] = index
        if package in COMMUNITY_NOT_CHINESE:
            excluded.append((package, COMMUNITY_NOT_CHINESE[package]))
            continue
        if package in COMMUNITY_TYPOS:
            corrections.append((package, COMMUNITY_TYPOS[package]))
            package = COMMUNITY_TYPOS[package]
            if package in apps:
                excluded.append((package, "typo of a package the list also gives correctly"))
                continue
        apps[package] = name
    return CommunityAppList(apps, tuple(corrections), tuple(excluded), str(path))


def _community_entry(path: Path, index: int, raw: Any) -> tuple[str, str]:
    record = f"[{index}]"
    if not isinstance(raw, dict):
        raise SourceError(str(path), f"is {type(raw).__name__}; expected an object", record=record)
    unknown = set(raw) - COMMUNITY_KEYS
    if unknown:
        raise SourceError(
            str(path), "unknown key; expected only p_name and a_name", record=record, field=sorted(unknown)[0]
        )
    values = []
    for key in ("p_name", "a_name"):
        value = raw.get(key)
        if not isinstance(value, str) or not value.strip():
            raise SourceError(str(path), f"is {value!r}; expected a non-empty string", record=record, field=key)
        values.append(" ".join(value.split()))
    package, name = values
    if not ANDROID_PACKAGE_RE.fullmatch(package):
        raise SourceError(str(path), f"is {package!r}; expected an Android package id", record=record, field="p_name")
    return package, name
