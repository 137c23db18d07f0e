"""Build a screening Query from loosely typed user input (CLI options, API fields, file columns)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from trustscreen.errors import ConfigError
from trustscreen.matching.scorer import Query
from trustscreen.model import EntityKind, Identifier
from trustscreen.sources._common import country_code

MAX_NAME_CHARS = 500
_KIND_ALIASES = {
    "company": EntityKind.ORGANIZATION,
    "org": EntityKind.ORGANIZATION,
    "entity": EntityKind.ORGANIZATION,
    "legalentity": EntityKind.ORGANIZATION,
    "individual": EntityKind.PERSON,
    "airplane": EntityKind.AIRCRAFT,
}
_DOB = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")


def parse_kind(value: str | None) -> EntityKind | None:
    if value is None or not value.strip():
        return None
    key = value.strip().lower()
    if key in _KIND_ALIASES:
        return _KIND_ALIASES[key]
    try:
        return EntityKind(key)
    except ValueError:
        known = ", ".join(k.value for k in EntityKind)
        raise ConfigError(f"kind {value!r} is not known; expected one of: {known}") from None


def build_query(
    name: str,
    *,
    kind: str | None = None,
    countries: Iterable[str] = (),
    dob: str | None = None,
    identifiers: Iterable[str] = (),
) -> Query:
    name = " ".join(name.split())
    if not name:
        raise ConfigError("name is empty; expected the name to screen")
    if len(name) > MAX_NAME_CHARS:
        raise ConfigError(f"name is {len(name)} characters; expected at most {MAX_NAME_CHARS}")
    codes = []
    for country in countries:
        code = country_code(country)
        if code is None:
            raise ConfigError(f"country {country!r} is not a known country name or ISO 3166 code")
        codes.append(code)
    if dob is not None and dob.strip() and not _DOB.fullmatch(dob.strip()):
        raise ConfigError(f"birth date {dob!r}; expected YYYY, YYYY-MM or YYYY-MM-DD")
    idents = []
    for raw in identifiers:
        scheme, _, value = raw.rpartition(":")
        if not value.strip():
            raise ConfigError(f"identifier {raw!r} has no value; expected [SCHEME:]VALUE")
        idents.append(Identifier(scheme.strip() or "any", value.strip()))
    return Query(
        name,
        kind=parse_kind(kind),
        countries=tuple(codes),
        birth_date=dob.strip() if dob and dob.strip() else None,
        identifiers=tuple(idents),
    )


def query_to_dict(query: Query) -> dict[str, Any]:
    """The `query` object of `trustscreen screen --json` and `POST /v1/screen`."""
    return {
        "name": query.name,
        "kind": query.kind.value if query.kind else None,
        "countries": list(query.countries),
        "birth_date": query.birth_date,
        "identifiers": [{"scheme": i.scheme, "value": i.value} for i in query.identifiers],
    }
