"""Domains and hostnames → the listed entity whose website it is.

Official lists carry websites as identifiers (OFAC's "Website www.arian-bank.com.af"). A hostname
matches an entity when it is the listed host or a subdomain of it ("online.arian-bank.com.af"); a
listed parent domain does not make every sibling listed, so "bank.com.af" does not match.
Extra host lists (e.g. a community extract of SDN websites) can be added as plain text files, one
host or URL per line; their hits carry the file as evidence but no entity.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from trustscreen.assets.model import Asset, Attribution
from trustscreen.errors import SourceError
from trustscreen.model import Entity
from trustscreen.sources._common import decode, read_bytes

WEBSITE_SCHEMES = frozenset({"website", "url", "domain", "web site", "websites"})
_HOST = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$")


def normalize_host(value: str) -> str | None:
    """'https://WWW.Example.com/path' → 'example.com'; e-mail addresses give their domain; None if not a host."""
    text = value.strip().lower()
    if not text:
        return None
    if "@" in text and "://" not in text:
        text = text.rsplit("@", 1)[1]
    if "://" not in text:
        text = "//" + text
    try:
        host = urlsplit(text).hostname or ""
    except ValueError:
        return None
    host = host.rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    return host if _HOST.match(host) else None


@dataclass(frozen=True, slots=True)
class DomainHit:
    host: str
    listed_host: str
    entity: Entity | None
    evidence: str


class DomainIndex:
    def __init__(self) -> None:
        self._entities: dict[str, list[Entity]] = {}
        self._listed: dict[str, str] = {}

    def add_entities(self, entities: Iterable[Entity]) -> None:
        for entity in entities:
            for identifier in entity.identifiers:
                if identifier.scheme.casefold() in WEBSITE_SCHEMES:
                    host = normalize_host(identifier.value)
                    if host:
                        self._entities.setdefault(host, []).append(entity)

    def add_host_list(self, path: Path) -> int:
        """A text file of hosts or URLs, one per line (# comments and e-mail addresses skipped); returns how many."""
        text = decode(path, read_bytes(path))
        added = {}
        for number, line in enumerate(text.splitlines(), start=1):
            raw = line.split("#", 1)[0].strip()
            # A mailbox (name@qq.com) is listed, not its provider's whole domain.
            if not raw or ("@" in raw and "://" not in raw):
                continue
            host = normalize_host(raw)
            if host is None:
                raise SourceError(str(path), f"{raw[:80]!r} is not a host name, URL or e-mail address", line=number)
            added[host] = f"{path.name} line {number}"
        if not added:
            raise SourceError(str(path), "no host names found; expected one host or URL per line")
        self._listed.update(added)
        return len(added)

    def __len__(self) -> int:
        return len(self._entities) + len(self._listed)

    def lookup(self, value: str) -> list[DomainHit]:
        host = normalize_host(value)
        if host is None:
            return []
        hits: list[DomainHit] = []
        labels = host.split(".")
        # The host itself, then each parent domain down to two labels.
        for start in range(len(labels) - 1):
            candidate = ".".join(labels[start:])
            for entity in self._entities.get(candidate, []):
                hits.append(DomainHit(host, candidate, entity, f"{candidate} is a website of {entity.id}"))
            if candidate in self._listed:
                hits.append(DomainHit(host, candidate, None, f"{candidate} listed in {self._listed[candidate]}"))
        return hits


def resolve_domain(asset: Asset, index: DomainIndex) -> list[Attribution]:
    value = asset.identifier("domain") or asset.name
    attributions = []
    for hit in index.lookup(value):
        if hit.entity is not None:
            attributions.append(
                Attribution(
                    party=hit.entity.primary_name,
                    role="owner",
                    evidence=f"{hit.host}: {hit.evidence}",
                    country=hit.entity.countries[0] if hit.entity.countries else None,
                    entity_id=hit.entity.id,
                )
            )
        else:
            attributions.append(
                Attribution(party=hit.listed_host, role="listed_domain", evidence=f"{hit.host}: {hit.evidence}")
            )
    return attributions
