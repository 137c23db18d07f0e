"""Curated technology-trust lists: hand-written YAML, one list per file, shipped in the wheel.

These lists have no machine-readable official feed (FCC Covered List, NDAA §889, Clean Network,
India's §69A app blocks, US executive orders on apps, DoD/Treasury Chinese-military-company lists,
China's Unreliable Entity List and counter-measures), so trustscreen carries them as reviewed data
under `trustscreen/data/curated/`. Because a person wrote every line, the loader is strict: unknown
keys, missing sources, unparseable dates, malformed URLs, duplicate ids and dangling relation targets
are errors naming the file, the entry and the field, never silently dropped.

File layout::

    list_id: us-fcc-covered          # ids of entries are "<list_id>:<slug>"
    title, jurisdiction, publisher, source_url, as_of, licence, description
    entries:
      - id, kind, names, countries, source_url, as_of, listings      (required)
        identifiers, relations, remarks, unconfirmed                  (optional)
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit

import pycountry
import yaml

from trustscreen.errors import SourceError
from trustscreen.model import (
    Entity,
    EntityKind,
    Identifier,
    ListInfo,
    Listing,
    Name,
    NameKind,
    ParsedList,
    Relation,
    RelationKind,
)
from trustscreen.sources._common import decode, load_strict_yaml, read_bytes
from trustscreen.text.scripts import char_script, detect_script

FORMAT = "curated"
SUFFIXES = (".yaml", ".yml")
BUNDLE_PACKAGE = "trustscreen.data.curated"

# Statuses as curators state them. "advisory" marks policy statements that prohibit nothing (Clean
# Network); "superseded" marks a listing whose legal basis was replaced by another instrument.
STATUSES = frozenset({"active", "revoked", "suspended", "removed", "enjoined", "advisory", "superseded"})
# A listing in one of these states is over, so it must say when it ended; the others must not.
ENDED_STATUSES = frozenset({"revoked", "removed", "superseded"})
# Jurisdictions that are not countries.
SUPRANATIONAL = frozenset({"EU", "UN"})
HAN_SCRIPTS = frozenset({"Hani", "Hans", "Hant"})

HEADER_KEYS = frozenset(
    {"list_id", "title", "jurisdiction", "publisher", "source_url", "as_of", "licence", "description"}
)
ENTRY_REQUIRED = frozenset({"id", "kind", "names", "countries", "source_url", "as_of", "listings"})
ENTRY_OPTIONAL = frozenset({"identifiers", "relations", "remarks", "unconfirmed"})
NAME_REQUIRED = frozenset({"value", "kind"})
NAME_OPTIONAL = frozenset({"script", "lang"})
LISTING_REQUIRED = frozenset({"list_id", "program", "jurisdiction", "status", "source_url"})
LISTING_OPTIONAL = frozenset(
    {
        "listed_on",
        "ended_on",
        "citation",
        "licence_requirement",
        "licence_review_policy",
        "scope",
        "remarks",
    }
)
IDENTIFIER_REQUIRED = frozenset({"scheme", "value"})
IDENTIFIER_OPTIONAL = frozenset({"country", "note"})
RELATION_REQUIRED = frozenset({"kind", "target_name"})
RELATION_OPTIONAL = frozenset({"target_id", "share", "source_url"})

LIST_ID_RE = re.compile(r"[a-z]{2}(?:-[a-z0-9]+)+")
SLUG_RE = re.compile(r"[a-z0-9][a-z0-9._-]*")
PARTIAL_DATE_RE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")
HOST_RE = re.compile(r"(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}")
SCRIPT_RE = re.compile(r"[A-Z][a-z]{3}")
LANG_RE = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")
ANDROID_PACKAGE_RE = re.compile(r"[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)+")
# sniff reads only this much: the header sits at the top of every curated file.
SNIFF_BYTES = 65536


def sniff(path: Path) -> bool:
    """A .yaml/.yml file whose top level has `list_id:` and `entries:` keys."""
    if path.suffix.lower() not in SUFFIXES or not path.is_file():
        return False
    try:
        with path.open("rb") as handle:
            head = handle.read(SNIFF_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return False
    return bool(re.search(r"^list_id\s*:", head, re.M) and re.search(r"^entries\s*:", head, re.M))


def parse(path: Path) -> ParsedList:
    if path.is_dir():
        raise SourceError(
            str(path),
            "is a directory; a curated list is one YAML file (parse each file, or call "
            "trustscreen.sources.curated.parse_bundle() for the bundled set)",
        )
    text = decode(path, read_bytes(path))
    data, entry_lines = _load_yaml(path, text)
    info = _header(path, data)
    raw_entries = data["entries"]
    entities = [
        _entity(_Ctx(str(path), _record_of(raw, index), entry_lines[index]), raw, info)
        for index, raw in enumerate(raw_entries)
    ]
    _check_unique_ids(str(path), entities, entry_lines)
    _check_local_targets(str(path), info.list_id, entities, entry_lines)
    return ParsedList(info=info, entities=tuple(entities), files=(str(path.resolve()),))


def bundle_paths() -> list[Path]:
    """The curated YAML files packaged with trustscreen (the offline default), sorted by name."""
    root = resources.files(BUNDLE_PACKAGE)
    return sorted(Path(str(entry)) for entry in root.iterdir() if entry.is_file() and entry.name.endswith(SUFFIXES))


def parse_bundle() -> list[ParsedList]:
    """Parse every bundled list and check them together (ids unique, relation targets resolve)."""
    return validate_bundle([parse(path) for path in bundle_paths()])


def validate_bundle(lists: Sequence[ParsedList] | None = None) -> list[ParsedList]:
    """Entity ids must be unique across all lists, and every relation `target_id` must name one."""
    parsed = list(lists) if lists is not None else [parse(path) for path in bundle_paths()]
    owner: dict[str, str] = {}
    for parsed_list in parsed:
        where = _file_of(parsed_list)
        for entity in parsed_list.entities:
            if entity.id in owner:
                raise SourceError(
                    where,
                    f"duplicate entity id; already used in {owner[entity.id]}, expected ids unique across the bundle",
                    record=entity.id,
                    field="id",
                )
            owner[entity.id] = where
    for parsed_list in parsed:
        for entity in parsed_list.entities:
            for index, relation in enumerate(entity.relations):
                if relation.target_id is not None and relation.target_id not in owner:
                    raise SourceError(
                        _file_of(parsed_list),
                        f"relation target {relation.target_id!r} is not an entity id in the bundle; "
                        "expected an existing id or no target_id",
                        record=entity.id,
                        field=f"relations[{index}].target_id",
                    )
    return parsed


# --- YAML loading -----------------------------------------------------------------------------


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps dates as text, so a bad date gets a SourceError naming its field."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _load_yaml(path: Path, text: str) -> tuple[dict[str, Any], list[int]]:
    """Parse YAML keeping the line each entry starts on; refuse duplicate mapping keys."""
    node, data = load_strict_yaml(path, text, _Loader, "a curated list")
    if not isinstance(data, dict):
        raise SourceError(str(path), f"top level is a {type(data).__name__}; expected a mapping", line=1)
    entries = data.get("entries")
    if not isinstance(entries, list) or not entries:
        raise SourceError(str(path), "expected a non-empty list of entries", field="entries")
    return data, _entry_lines(node, len(entries))


def _entry_lines(node: yaml.Node, count: int) -> list[int]:
    for key_node, value_node in node.value:
        if key_node.value == "entries" and isinstance(value_node, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value_node.value]
    return [0] * count


# --- validation helpers ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Ctx:
    """Where we are, for error messages."""

    path: str
    record: str | None = None
    line: int | None = None

    def fail(self, problem: str, field: str | None = None) -> NoReturn:
        raise SourceError(self.path, problem, line=self.line, record=self.record, field=field)


def _record_of(raw: Any, index: int) -> str:
    if isinstance(raw, dict) and isinstance(raw.get("id"), str) and raw["id"].strip():
        return str(raw["id"]).strip()
    return f"entries[{index}]"


def _keys(ctx: _Ctx, raw: Any, field: str, required: frozenset[str], optional: frozenset[str]) -> dict[str, Any]:
    if not isinstance(raw, dict):
        ctx.fail(f"is a {type(raw).__name__}; expected a mapping", field)
    for key in required:
        if raw.get(key) is None:
            ctx.fail("is missing; expected a value", _join(field, key))
    unknown = sorted(str(key) for key in raw if key not in required | optional)
    if unknown:
        ctx.fail(
            f"unknown key(s) {', '.join(unknown)}; expected only {', '.join(sorted(required | optional))}",
            _join(field, unknown[0]),
        )
    return raw


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


def _text(ctx: _Ctx, raw: Mapping[str, Any], key: str, field: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        ctx.fail(f"is {value!r}; expected non-empty text", _join(field, key))
    return " ".join(value.split())


def _opt_text(ctx: _Ctx, raw: Mapping[str, Any], key: str, field: str) -> str | None:
    return None if raw.get(key) is None else _text(ctx, raw, key, field)


def _full_date(ctx: _Ctx, raw: Mapping[str, Any], key: str, field: str) -> str:
    value = raw.get(key)
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    ctx.fail(f"is {value!r}; expected an ISO date YYYY-MM-DD", _join(field, key))


def _opt_partial_date(ctx: _Ctx, raw: Mapping[str, Any], key: str, field: str) -> str | None:
    """YYYY-MM-DD, or YYYY-MM / YYYY where the source gives no day (see Listing.listed_on)."""
    value = raw.get(key)
    if value is None:
        return None
    text = str(value)
    where = _join(field, key)
    if not isinstance(value, str) or not PARTIAL_DATE_RE.fullmatch(text):
        ctx.fail(f"is {value!r}; expected an ISO date YYYY-MM-DD (or YYYY-MM / YYYY)", where)
    padded = text + "-01" * ((10 - len(text)) // 3)
    try:
        date.fromisoformat(padded)
    except ValueError:
        ctx.fail(f"is {value!r}, which is not a calendar date; expected YYYY-MM-DD", where)
    return text


def _url(ctx: _Ctx, raw: Mapping[str, Any], key: str, field: str) -> str:
    value = raw.get(key)
    where = _join(field, key)
    if not isinstance(value, str) or not _is_url(value):
        ctx.fail(f"is {value!r}; expected an absolute http(s) URL like https://host/path", where)
    return value


def _opt_url(ctx: _Ctx, raw: Mapping[str, Any], key: str, field: str) -> str | None:
    return None if raw.get(key) is None else _url(ctx, raw, key, field)


def _is_url(value: str) -> bool:
    if any(char.isspace() for char in value):
        return False
    try:
        parts = urlsplit(value)
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        return False
    host = parts.hostname or ""
    return parts.scheme in ("http", "https") and port_ok and bool(HOST_RE.fullmatch(host))


def _choice(ctx: _Ctx, raw: Mapping[str, Any], key: str, field: str, allowed: Sequence[str]) -> str:
    value = raw.get(key)
    if value not in allowed:
        ctx.fail(f"is {value!r}; expected one of {', '.join(sorted(allowed))}", _join(field, key))
    return str(value)


def _country(ctx: _Ctx, value: Any, field: str, *, supranational: bool = False) -> str:
    known = isinstance(value, str) and (
        (supranational and value in SUPRANATIONAL)
        or (len(value) == 2 and value.isupper() and pycountry.countries.get(alpha_2=value) is not None)
    )
    if known:
        return str(value)
    ctx.fail(f"is {value!r}; expected an ISO 3166-1 alpha-2 code in upper case", field)


def _list_of(ctx: _Ctx, raw: Mapping[str, Any], key: str, field: str, *, required: bool) -> list[Any]:
    value = raw.get(key)
    if value is None and not required:
        return []
    if not isinstance(value, list):
        ctx.fail(f"is {type(value).__name__}; expected a list", _join(field, key))
    return value


def _not_after(first: str, second: str) -> bool:
    """Compare ISO dates of possibly different precision on their common prefix."""
    width = min(len(first), len(second))
    return first[:width] <= second[:width]


# --- header and entries -----------------------------------------------------------------------


def _header(path: Path, data: dict[str, Any]) -> ListInfo:
    ctx = _Ctx(str(path), record="header", line=1)
    _keys(ctx, data, "", HEADER_KEYS | {"entries"}, frozenset())
    list_id = _text(ctx, data, "list_id", "")
    if not LIST_ID_RE.fullmatch(list_id):
        ctx.fail(f"is {list_id!r}; expected lower-case words joined by '-', e.g. us-fcc-covered", "list_id")
    return ListInfo(
        list_id=list_id,
        title=_text(ctx, data, "title", ""),
        jurisdiction=_country(ctx, data.get("jurisdiction"), "jurisdiction", supranational=True),
        publisher=_text(ctx, data, "publisher", ""),
        source_format=FORMAT,
        source_url=_url(ctx, data, "source_url", ""),
        as_of=_full_date(ctx, data, "as_of", ""),
        licence=_text(ctx, data, "licence", ""),
    )


def _entity(ctx: _Ctx, raw: Any, info: ListInfo) -> Entity:
    entry = _keys(ctx, raw, "", ENTRY_REQUIRED, ENTRY_OPTIONAL)
    entity_id = _text(ctx, entry, "id", "")
    prefix, _, slug = entity_id.partition(":")
    if prefix != info.list_id or not SLUG_RE.fullmatch(slug):
        ctx.fail(f"is {entity_id!r}; expected '{info.list_id}:<slug>' with a lower-case slug", "id")
    as_of = _full_date(ctx, entry, "as_of", "")
    names = _names(ctx, entry)
    listings = _listings(ctx, entry, info, as_of)
    unconfirmed = entry.get("unconfirmed", False)
    if not isinstance(unconfirmed, bool):
        ctx.fail(f"is {unconfirmed!r}; expected true or false", "unconfirmed")
    return Entity(
        id=entity_id,
        kind=EntityKind(_choice(ctx, entry, "kind", "", [kind.value for kind in EntityKind])),
        names=names,
        listings=listings,
        identifiers=_identifiers(ctx, entry),
        countries=_countries(ctx, entry),
        relations=_relations(ctx, entry),
        remarks=_opt_text(ctx, entry, "remarks", ""),
        source_url=_url(ctx, entry, "source_url", ""),
        as_of=as_of,
        unconfirmed=unconfirmed,
    )


def _names(ctx: _Ctx, entry: Mapping[str, Any]) -> tuple[Name, ...]:
    raws = _list_of(ctx, entry, "names", "", required=True)
    if not raws:
        ctx.fail("is empty; expected at least one name", "names")
    names: list[Name] = []
    for index, raw in enumerate(raws):
        field = f"names[{index}]"
        item = _keys(ctx, raw, field, NAME_REQUIRED, NAME_OPTIONAL)
        value = _text(ctx, item, "value", field)
        kind = NameKind(_choice(ctx, item, "kind", field, [kind.value for kind in NameKind]))
        name = Name(value, kind, _script(ctx, item, value, field), _lang(ctx, item, field))
        if any(other.value == name.value and other.kind == name.kind for other in names):
            ctx.fail(f"repeats {value!r}; expected each name once", f"{field}.value")
        names.append(name)
    if not any(name.kind is NameKind.PRIMARY for name in names):
        ctx.fail("has no name of kind 'primary'; expected exactly one", "names")
    if sum(name.kind is NameKind.PRIMARY for name in names) > 1:
        ctx.fail("has several names of kind 'primary'; expected exactly one", "names")
    return tuple(names)


def _script(ctx: _Ctx, item: Mapping[str, Any], value: str, field: str) -> str | None:
    given = item.get("script")
    if given is None:
        return detect_script(value)
    if not isinstance(given, str) or not SCRIPT_RE.fullmatch(given):
        ctx.fail(f"is {given!r}; expected an ISO 15924 code like Latn, Hani, Cyrl", f"{field}.script")
    # Mixed names (QQ钱包) are fine as long as the declared script occurs in them.
    present = {script for script in map(char_script, value) if script is not None}
    wanted = {"Hani"} if given in HAN_SCRIPTS else {"Hani", "Kana"} if given == "Jpan" else {given}
    if present and not present & wanted:
        ctx.fail(f"is {given!r} but the name is written in {', '.join(sorted(present))}", f"{field}.script")
    return given


def _lang(ctx: _Ctx, item: Mapping[str, Any], field: str) -> str | None:
    lang = item.get("lang")
    if lang is not None and (not isinstance(lang, str) or not LANG_RE.fullmatch(lang)):
        ctx.fail(f"is {lang!r}; expected a BCP 47 language tag like zh or ru", f"{field}.lang")
    return lang


def _countries(ctx: _Ctx, entry: Mapping[str, Any]) -> tuple[str, ...]:
    raws = _list_of(ctx, entry, "countries", "", required=True)
    codes = tuple(_country(ctx, raw, f"countries[{index}]") for index, raw in enumerate(raws))
    if len(set(codes)) != len(codes):
        ctx.fail("repeats a country; expected each code once", "countries")
    return codes


def _listings(ctx: _Ctx, entry: Mapping[str, Any], info: ListInfo, as_of: str) -> tuple[Listing, ...]:
    raws = _list_of(ctx, entry, "listings", "", required=True)
    if not raws:
        ctx.fail("is empty; expected at least one listing", "listings")
    return tuple(_listing(ctx, raw, f"listings[{index}]", info, as_of) for index, raw in enumerate(raws))


def _listing(ctx: _Ctx, raw: Any, field: str, info: ListInfo, as_of: str) -> Listing:
    item = _keys(ctx, raw, field, LISTING_REQUIRED, LISTING_OPTIONAL)
    list_id = _text(ctx, item, "list_id", field)
    if list_id != info.list_id:
        ctx.fail(f"is {list_id!r}; expected the file's list_id {info.list_id!r}", f"{field}.list_id")
    status = _choice(ctx, item, "status", field, sorted(STATUSES))
    listed_on = _opt_partial_date(ctx, item, "listed_on", field)
    ended_on = _opt_partial_date(ctx, item, "ended_on", field)
    if status in ENDED_STATUSES and ended_on is None:
        ctx.fail(f"is missing; a listing with status {status!r} must say when it ended", f"{field}.ended_on")
    if status not in ENDED_STATUSES and ended_on is not None:
        ctx.fail(
            f"is set but status is {status!r}; expected ended_on only with {', '.join(sorted(ENDED_STATUSES))}",
            f"{field}.ended_on",
        )
    for key, value in (("listed_on", listed_on), ("ended_on", ended_on)):
        if value is not None and not _not_after(value, as_of):
            ctx.fail(f"is {value}, after the entry's as_of {as_of}", f"{field}.{key}")
    if listed_on is not None and ended_on is not None and not _not_after(listed_on, ended_on):
        ctx.fail(f"is {ended_on}, before listed_on {listed_on}", f"{field}.ended_on")
    return Listing(
        list_id=list_id,
        program=_text(ctx, item, "program", field),
        jurisdiction=_country(ctx, item.get("jurisdiction"), f"{field}.jurisdiction", supranational=True),
        listed_on=listed_on,
        ended_on=ended_on,
        source_url=_url(ctx, item, "source_url", field),
        citation=_opt_text(ctx, item, "citation", field),
        licence_requirement=_opt_text(ctx, item, "licence_requirement", field),
        licence_review_policy=_opt_text(ctx, item, "licence_review_policy", field),
        status=status,
        scope=_opt_text(ctx, item, "scope", field),
        remarks=_opt_text(ctx, item, "remarks", field),
    )


def _identifiers(ctx: _Ctx, entry: Mapping[str, Any]) -> tuple[Identifier, ...]:
    identifiers: list[Identifier] = []
    for index, raw in enumerate(_list_of(ctx, entry, "identifiers", "", required=False)):
        field = f"identifiers[{index}]"
        item = _keys(ctx, raw, field, IDENTIFIER_REQUIRED, IDENTIFIER_OPTIONAL)
        scheme = _text(ctx, item, "scheme", field)
        value = _text(ctx, item, "value", field)
        if scheme == "android_package" and not ANDROID_PACKAGE_RE.fullmatch(value):
            ctx.fail(f"is {value!r}; expected an Android package id like com.example.app", f"{field}.value")
        country = item.get("country")
        identifier = Identifier(
            scheme=scheme,
            value=value,
            country=None if country is None else _country(ctx, country, f"{field}.country"),
            note=_opt_text(ctx, item, "note", field),
        )
        if any(other.scheme == scheme and other.value == value for other in identifiers):
            ctx.fail(f"repeats {scheme} {value!r}; expected each identifier once", f"{field}.value")
        identifiers.append(identifier)
    return tuple(identifiers)


def _relations(ctx: _Ctx, entry: Mapping[str, Any]) -> tuple[Relation, ...]:
    relations: list[Relation] = []
    for index, raw in enumerate(_list_of(ctx, entry, "relations", "", required=False)):
        field = f"relations[{index}]"
        item = _keys(ctx, raw, field, RELATION_REQUIRED, RELATION_OPTIONAL)
        target_id = _opt_text(ctx, item, "target_id", field)
        if target_id is not None:
            prefix, _, slug = target_id.partition(":")
            if not LIST_ID_RE.fullmatch(prefix) or not SLUG_RE.fullmatch(slug):
                ctx.fail(
                    f"is {target_id!r}; expected an entity id like us-fcc-covered:huawei",
                    f"{field}.target_id",
                )
        share = item.get("share")
        if share is not None and (
            isinstance(share, bool) or not isinstance(share, int | float) or not 0 < share <= 100
        ):
            ctx.fail(f"is {share!r}; expected a percentage above 0 and at most 100", f"{field}.share")
        relations.append(
            Relation(
                kind=RelationKind(_choice(ctx, item, "kind", field, [kind.value for kind in RelationKind])),
                target_name=_text(ctx, item, "target_name", field),
                target_id=target_id,
                share=None if share is None else float(share),
                source_url=_opt_url(ctx, item, "source_url", field),
            )
        )
    return tuple(relations)


# --- whole-file checks ------------------------------------------------------------------------


def _check_unique_ids(path: str, entities: Sequence[Entity], lines: Sequence[int]) -> None:
    first: dict[str, int] = {}
    for index, entity in enumerate(entities):
        if entity.id in first:
            raise SourceError(
                path,
                f"duplicate entity id (first used by entry {first[entity.id] + 1}); expected unique ids",
                line=lines[index] or None,
                record=entity.id,
                field="id",
            )
        first[entity.id] = index


def _check_local_targets(path: str, list_id: str, entities: Sequence[Entity], lines: Sequence[int]) -> None:
    """Targets inside the same list can be checked now; the rest wait for validate_bundle."""
    ids = {entity.id for entity in entities}
    for index, entity in enumerate(entities):
        for position, relation in enumerate(entity.relations):
            target = relation.target_id
            if target is not None and target.startswith(f"{list_id}:") and target not in ids:
                raise SourceError(
                    path,
                    f"relation target {target!r} is not an entity in this list; expected an existing id",
                    line=lines[index] or None,
                    record=entity.id,
                    field=f"relations[{position}].target_id",
                )


def _file_of(parsed_list: ParsedList) -> str:
    return parsed_list.files[0] if parsed_list.files else parsed_list.info.list_id
