"""AS numbers and the ASN → organisation table."""

from __future__ import annotations

import re
from collections.abc import Iterable

from trustscreen.assets.network.records import MAX_ASN, AsnEntry

_ASN_TEXT = re.compile(r"(?:AS)?\s*(\d+)(?:\.(\d+))?", re.IGNORECASE)


# ---------------------------------------------------------------------------------------------
# ASN names


def parse_asn(value: str | int) -> int:
    """'AS4134', 'as4134', '4134', 4134 and asdot 'AS1.10' (= 65546) -> int."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and (match := _ASN_TEXT.fullmatch(value.strip())):
        high, low = int(match.group(1)), match.group(2)
        number = high if low is None else _asdot(value, high, int(low))
    else:
        raise ValueError(f"{value!r} is not an AS number; expected e.g. 'AS4134' or '4134'")
    if not 0 < number <= MAX_ASN:
        raise ValueError(f"{value!r} is out of range; expected an AS number from 1 to {MAX_ASN}")
    return number


def _asdot(value: str, high: int, low: int) -> int:
    if high > 65535 or low > 65535:
        raise ValueError(f"{value!r} is not an asdot AS number; expected two parts of at most 65535")
    return high * 65536 + low


class AsnTable:
    """AS number -> AS name. When two files name the same AS the first loaded wins."""

    def __init__(self, entries: Iterable[AsnEntry]) -> None:
        self._entries: dict[int, AsnEntry] = {}
        for entry in entries:
            self._entries.setdefault(entry.asn, entry)

    def __len__(self) -> int:
        return len(self._entries)

    def entry(self, asn: str | int) -> AsnEntry | None:
        return self._entries.get(parse_asn(asn))

    def lookup(self, asn: str | int) -> str | None:
        entry = self.entry(asn)
        return entry.name if entry else None
