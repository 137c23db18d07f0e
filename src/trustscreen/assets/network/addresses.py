"""IP address parsing, one at a time and in numpy batches."""

from __future__ import annotations

import socket
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from ipaddress import IPv4Address, IPv6Address
from itertools import compress
from typing import Any, cast

import numpy as np
import numpy.typing as npt

from trustscreen.assets.network.records import IPInput

_MAPPED = bytes(10) + b"\xff\xff"
_MAPPED_ROW = np.frombuffer(_MAPPED, dtype=np.uint8)
# Dotted-quad parsing: 0 digit, 1 ".", 2 "\n" (joins items), 3 anything else; an item is 1,1,1,2.
_CHAR_CLASS = np.full(256, 3, dtype=np.uint8)
_CHAR_CLASS[ord("0") : ord("9") + 1] = 0
_CHAR_CLASS[ord(".")] = 1
_CHAR_CLASS[ord("\n")] = 2
_QUAD_SHAPE = np.array([1, 1, 1, 2], dtype=np.uint8)


# ---------------------------------------------------------------------------------------------
# Address parsing


def _bad_ip(ip: object, index: int | None = None) -> ValueError:
    where = f"item {index}: " if index is not None else ""
    return ValueError(
        f"{where}{ip!r} is not an IP address; expected IPv4 such as '203.0.113.7' or IPv6 such as '2001:db8::1'"
    )


def pack_ip(ip: IPInput, index: int | None = None) -> bytes:
    """4 bytes for IPv4 (and IPv4-mapped IPv6, which is the same host), else 16. inet_pton is strict
    (no leading zeros, no short forms such as '10.1') and a C call, unlike ipaddress."""
    if isinstance(ip, str):
        try:
            if ":" not in ip:
                return socket.inet_pton(socket.AF_INET, ip)
            packed = socket.inet_pton(socket.AF_INET6, ip)
        except (OSError, ValueError):
            packed = _pack_zoned(ip, index)
    elif isinstance(ip, IPv4Address | IPv6Address):
        packed = ip.packed
    else:
        raise _bad_ip(ip, index)
    return packed[12:] if len(packed) == 16 and packed[:12] == _MAPPED else packed


def _pack_zoned(ip: str, index: int | None) -> bytes:
    # "fe80::1%eth0": the zone only says which local link; it names no operator.
    address, _, zone = ip.partition("%")
    if zone and ":" in address:
        try:
            return socket.inet_pton(socket.AF_INET6, address)
        except (OSError, ValueError):
            pass
    raise _bad_ip(ip, index)


@dataclass(frozen=True, slots=True)
class _Batch:
    """A batch split by family: IPv4 as uint32, IPv6 as 16-byte big-endian strings, with the input
    position of each (None = every position, in order)."""

    count: int
    v4: npt.NDArray[np.uint32]
    v4_at: npt.NDArray[np.intp] | None
    v6: npt.NDArray[Any]
    v6_at: npt.NDArray[np.intp]


def parse_batch(items: Sequence[IPInput]) -> _Batch:
    """Vectorised parsing first (inet_pton alone costs ~0.45 µs an address, more than the whole
    search); anything it cannot take (objects, zone ids, a bad address) goes through the per-item
    path, which also names the offending item."""
    count = len(items)
    try:
        text = "\n".join(cast(Sequence[str], items))
    except TypeError:
        return _batch_slow(items)
    if ":" not in text:
        quads = _parse_quads(text, count)
        if quads is None:
            return _batch_slow(items)
        return _Batch(count, quads, None, np.empty(0, dtype="S16"), np.empty(0, dtype=np.intp))
    # Mixed families: an item holding a colon is IPv6, found from the joined text in one pass.
    chars = np.frombuffer(text.encode("utf-8", errors="replace"), dtype=np.uint8)
    ends = np.flatnonzero(chars == 10)
    if len(ends) != count - 1:  # an item with a newline of its own
        return _batch_slow(items)
    is_v6 = np.zeros(count, dtype=np.bool_)
    is_v6[np.searchsorted(ends, np.flatnonzero(chars == 58))] = True
    v4_items = list(compress(items, (~is_v6).tolist()))
    quads = _parse_quads("\n".join(cast(list[str], v4_items)), len(v4_items))
    try:
        packed = b"".join(map(partial(socket.inet_pton, socket.AF_INET6), compress(items, is_v6.tolist())))
    except (OSError, ValueError):
        return _batch_slow(items)
    if quads is None:
        return _batch_slow(items)
    return _split_mapped(count, quads, np.flatnonzero(~is_v6), _v6_rows(packed), np.flatnonzero(is_v6))


def _v6_rows(packed: bytes) -> npt.NDArray[np.uint8]:
    return np.frombuffer(packed, dtype=np.uint8).reshape(-1, 16)


def _split_mapped(
    count: int,
    v4: npt.NDArray[np.uint32],
    v4_at: npt.NDArray[np.intp],
    rows: npt.NDArray[np.uint8],
    v6_at: npt.NDArray[np.intp],
) -> _Batch:
    """IPv4-mapped IPv6 (::ffff:a.b.c.d) is the IPv4 host: move it to the IPv4 side."""
    mapped = (rows[:, :12] == _MAPPED_ROW).all(axis=1)
    if mapped.any():
        tails = np.ascontiguousarray(rows[mapped, 12:]).view(">u4").reshape(-1).astype(np.uint32)
        v4 = np.concatenate([v4, tails])
        v4_at = np.concatenate([v4_at, v6_at[mapped]])
        rows, v6_at = rows[~mapped], v6_at[~mapped]
    v6 = np.ascontiguousarray(rows).view("S16").reshape(-1)
    return _Batch(count, v4, v4_at, v6, v6_at)


def _batch_slow(items: Sequence[IPInput]) -> _Batch:
    v4: list[bytes] = []
    v4_at: list[int] = []
    v6: list[bytes] = []
    v6_at: list[int] = []
    for index, ip in enumerate(items):
        packed = pack_ip(ip, index)
        if len(packed) == 4:
            v4.append(packed)
            v4_at.append(index)
        else:
            v6.append(packed)
            v6_at.append(index)
    quads = np.frombuffer(b"".join(v4), dtype=">u4").astype(np.uint32)
    rows = _v6_rows(b"".join(v6))
    return _Batch(
        len(items), quads, np.asarray(v4_at, dtype=np.intp), rows.view("S16").reshape(-1), np.asarray(v6_at, np.intp)
    )


def _parse_quads(joined: str, count: int) -> npt.NDArray[np.uint32] | None:
    """`count` newline-joined dotted quads -> uint32, checked with inet_pton's rules (four decimal
    parts 0-255, no leading zeros) in a few array passes; None if any item breaks them."""
    if count == 0:
        return np.empty(0, dtype=np.uint32)
    try:
        chars = np.frombuffer((joined + "\n").encode("ascii"), dtype=np.uint8)
    except UnicodeEncodeError:
        return None
    classes = _CHAR_CLASS[chars]
    seps = np.flatnonzero(classes)
    if len(seps) != 4 * count or not (classes[seps].reshape(count, 4) == _QUAD_SHAPE).all():
        return None  # also catches any character other than digits, dots and the joining newlines
    starts = np.empty_like(seps)
    starts[0] = 0
    starts[1:] = seps[:-1] + 1
    lengths = seps - starts
    if lengths.min() < 1 or lengths.max() > 3 or ((lengths > 1) & (chars[starts] == 48)).any():
        return None
    # A field's last three characters; those before its start are masked out by its length.
    values = chars[seps - 1].astype(np.int32) - 48
    values += (lengths >= 2) * (chars[seps - 2].astype(np.int32) - 48) * 10
    values += (lengths >= 3) * (chars[seps - 3].astype(np.int32) - 48) * 100
    if values.max() > 255:
        return None
    octets = values.reshape(count, 4).astype(np.uint32)
    return ((octets[:, 0] << 24) | (octets[:, 1] << 16) | (octets[:, 2] << 8) | octets[:, 3]).astype(np.uint32)
