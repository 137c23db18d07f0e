"""Longest-prefix match over many prefixes, IPv4 and IPv6."""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from ipaddress import IPv4Network, IPv6Network
from typing import Any, cast

import numpy as np
import numpy.typing as npt

from trustscreen.assets.network.addresses import pack_ip, parse_batch
from trustscreen.assets.network.records import IPInput, IPNetwork, PrefixEntry, PrefixHit
from trustscreen.assets.network.tables import parse_prefix

# ---------------------------------------------------------------------------------------------
# Longest-prefix match
#
# Why not a trie library: pytricia (the usual choice) ships no wheels (a compiler is needed to
# install it) and answers one Python call per address, so a batch costs ~1 µs per IP in call
# overhead alone. CIDR blocks of one family never partially overlap (two blocks are disjoint or one
# holds the other), so the whole table flattens into disjoint address ranges, each owned by the most
# specific prefix covering it. A batch is then one numpy searchsorted over the range starts
# (uint32 for IPv4; 16-byte big-endian strings for IPv6, which numpy compares bytewise, i.e.
# numerically), and single lookups bisect a plain list. numpy is already a dependency.


class _Family:
    """Flattened ranges for one address family. Owner 0 = no prefix; owner k = hits[k]."""

    def __init__(self, version: int, groups: Sequence[tuple[IPNetwork, tuple[PrefixEntry, ...]]]) -> None:
        self.version = version
        self.max_address = 2 ** (32 if version == 4 else 128) - 1
        width = 32 if version == 4 else 128
        ordered = sorted(
            ((int(network.network_address), network.prefixlen, network, entries) for network, entries in groups),
            key=lambda item: (item[0], item[1]),
        )
        self.hits: list[PrefixHit | None] = [None]
        self.starts: list[int] = [0]
        self.owners: list[int] = [0]
        stack: list[tuple[int, int]] = []  # (last address, owner) of the prefixes holding the cursor
        for start, length, network, entries in ordered:
            while stack and stack[-1][0] < start:
                last, _ = stack.pop()
                self._emit(last + 1, stack[-1][1] if stack else 0)
            parent = self.hits[stack[-1][1]] if stack else None
            self.hits.append(PrefixHit(network, entries, parent))
            owner = len(self.hits) - 1
            self._emit(start, owner)
            stack.append((start + (1 << (width - length)) - 1, owner))
        while stack:
            last, _ = stack.pop()
            if last < self.max_address:
                self._emit(last + 1, stack[-1][1] if stack else 0)
        self.owner_array: npt.NDArray[np.int32] = np.asarray(self.owners, dtype=np.int32)
        self.hit_array: npt.NDArray[np.object_] = np.empty(len(self.hits), dtype=object)
        for index, hit in enumerate(self.hits):
            self.hit_array[index] = hit
        self.start_array: npt.NDArray[Any]
        if version == 4:
            self.start_array = np.asarray(self.starts, dtype=np.uint32)
        else:
            self.start_array = np.array([start.to_bytes(16, "big") for start in self.starts], dtype="S16")

    def _emit(self, start: int, owner: int) -> None:
        if self.starts[-1] == start:
            self.owners[-1] = owner
            if len(self.owners) > 1 and self.owners[-2] == owner:
                self.starts.pop()
                self.owners.pop()
        elif self.owners[-1] != owner:
            self.starts.append(start)
            self.owners.append(owner)

    def lookup(self, value: int) -> PrefixHit | None:
        return self.hits[self.owners[bisect.bisect_right(self.starts, value) - 1]]

    def lookup_array(self, queries: npt.NDArray[Any]) -> npt.NDArray[np.object_]:
        index = np.searchsorted(self.start_array, queries, side="right") - 1
        result: npt.NDArray[np.object_] = self.hit_array[self.owner_array[index]]
        return result


class PrefixTable:
    """IPv4 + IPv6 longest-prefix match over prefixes with `PrefixEntry` payloads. Several entries for
    the same prefix (AWS lists a prefix once per service; two tables may share a prefix) stay together
    in one hit."""

    def __init__(self, items: Iterable[tuple[IPNetwork, PrefixEntry]]) -> None:
        # Keyed by plain ints: hashing an IPv4Network costs several property lookups.
        grouped: dict[tuple[int, int, int], tuple[IPNetwork, list[PrefixEntry]]] = {}
        count = 0
        for network, entry in items:
            key = (network.version, int(network.network_address), network.prefixlen)
            if key in grouped:
                grouped[key][1].append(entry)
            else:
                grouped[key] = (network, [entry])
            count += 1
        self.entry_count = count
        groups = [(network, tuple(entries)) for network, entries in grouped.values()]
        self._v4 = _Family(4, [group for group in groups if group[0].version == 4])
        self._v6 = _Family(6, [group for group in groups if group[0].version == 6])
        self.prefix_count_v4 = len(self._v4.hits) - 1
        self.prefix_count_v6 = len(self._v6.hits) - 1

    def __len__(self) -> int:
        return self.prefix_count_v4 + self.prefix_count_v6

    def lookup(self, ip: IPInput) -> PrefixHit | None:
        """The most specific prefix holding `ip` (IPv4-mapped IPv6 is looked up as IPv4)."""
        packed = pack_ip(ip)
        family = self._v4 if len(packed) == 4 else self._v6
        return family.lookup(int.from_bytes(packed, "big"))

    def lookup_packed(self, packed: bytes) -> PrefixHit | None:
        """`lookup` for an address already in network byte order (4 or 16 bytes)."""
        family = self._v4 if len(packed) == 4 else self._v6
        return family.lookup(int.from_bytes(packed, "big"))

    def lookup_many(self, ips: Iterable[IPInput]) -> list[PrefixHit | None]:
        """`lookup` for a batch, in input order: one vectorised search per address family."""
        items = ips if isinstance(ips, list | tuple) else list(ips)
        batch = parse_batch(items)
        if batch.v4_at is None:
            return cast(list[PrefixHit | None], self._v4.lookup_array(batch.v4).tolist())
        out: npt.NDArray[np.object_] = np.empty(batch.count, dtype=object)
        if len(batch.v4):
            out[batch.v4_at] = self._v4.lookup_array(batch.v4)
        if len(batch.v6):
            out[batch.v6_at] = self._v6.lookup_array(batch.v6)
        return cast(list[PrefixHit | None], out.tolist())

    def lookup_ipv4_array(self, addresses: npt.ArrayLike) -> list[PrefixHit | None]:
        """`lookup_many` for IPv4 addresses already held as integers (flow logs, pcap exports): no
        text parsing, which is most of lookup_many's cost."""
        values = np.asarray(addresses)
        if values.size and (values.min() < 0 or values.max() > 0xFFFFFFFF or values.dtype.kind not in "iu"):
            raise ValueError("expected integer IPv4 addresses from 0 to 4294967295")
        return cast(list[PrefixHit | None], self._v4.lookup_array(values.astype(np.uint32)).tolist())

    def covering(self, network: IPNetwork | str) -> PrefixHit | None:
        """The most specific table prefix holding all of `network`."""
        net = network if isinstance(network, IPv4Network | IPv6Network) else parse_network(network)
        if isinstance(net, IPv6Network) and net.prefixlen >= 96 and net.network_address.ipv4_mapped is not None:
            net = IPv4Network((net.network_address.ipv4_mapped, net.prefixlen - 96))
        family = self._v4 if net.version == 4 else self._v6
        hit = family.lookup(int(net.network_address))
        while hit is not None and hit.prefix.prefixlen > net.prefixlen:
            hit = hit.parent
        return hit


def parse_network(text: str) -> IPNetwork:
    try:
        return parse_prefix(text.strip())
    except ValueError as exc:
        raise ValueError(f"{exc}; expected e.g. '1.80.0.0/13'") from None
