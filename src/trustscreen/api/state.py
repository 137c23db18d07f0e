"""What one worker serves: a Snapshot (a Screener and the list versions it indexes), never changed once built.

A background thread asks the store every few seconds which list versions are the latest (one small
GROUP BY query). When that set changes (`lists load` / `lists update` from any process), it builds a
new Screener off the request path and then replaces the reference in one assignment. A request reads
the reference once, when it starts, and uses that snapshot to the end: it sees the old lists or the
new ones, never a mix, and no request waits for or fails because of the switch.
"""

from __future__ import annotations

import dataclasses
import gc
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from fastapi import Request

from trustscreen.api.errors import ApiError
from trustscreen.api.settings import ApiSettings
from trustscreen.matching import Match, Query, Screener
from trustscreen.matching.screener import version_ref
from trustscreen.model import Entity, _drop_empty
from trustscreen.store import ListVersion, Store
from trustscreen.store.schema import list_versions

log = logging.getLogger("trustscreen.api")
T = TypeVar("T")

# Scripts and shapes whose first use loads transliteration tables; screening them once before serving
# keeps those one-off costs (tens of milliseconds) out of the first real requests.
WARM_UP_NAMES = (
    "Huawei Technologies Co., Ltd.",
    "Saddam Hussein al-Tikriti",
    "华为技术有限公司",
    "Владимир Путин",
    "محمد علي حسن",
    "김정은",
    "カスペルスキー",
    "Αλέξανδρος Παπαδόπουλος",
    "אברהם כהן",
    "SMIC",
)


@dataclass(eq=False)
class Snapshot:
    screener: Screener
    versions: tuple[ListVersion, ...]
    fingerprint: tuple[int, ...]
    built_at: datetime
    build_seconds: float
    # The Screener keeps per-index caches that are not safe to update from two threads at once.
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    # Each entity's listings as JSON, made once: Entity.to_dict converts every name and address too,
    # which costs more than the screening itself for entities with many aliases.
    _listings: dict[int, list[dict[str, Any]]] = field(default_factory=dict, repr=False)
    _all_versions: list[dict[str, Any]] | None = field(default=None, repr=False)
    # trustscreen.scanning's Scanner over this screener, made on the first /v1/scan.
    scanner: Any = field(default=None, repr=False)

    @property
    def list_ids(self) -> frozenset[str]:
        return frozenset(v.list_id for v in self.versions)

    def version_of(self, list_id: str) -> ListVersion | None:
        for version in self.versions:
            if version.list_id == list_id:
                return version
        return None

    def versions_json(self, wanted: set[str] | None = None) -> list[dict[str, Any]]:
        """The `lists` of a screening answer: the versions the screener indexes (those with entities)."""
        if wanted is None:
            if self._all_versions is None:
                self._all_versions = [v.to_dict() for v in self.screener.versions if v is not None]
            return self._all_versions
        return [v.to_dict() for v in self.screener.versions if v is not None and v.list_id in wanted]

    def listings_json(self, entity: Entity) -> list[dict[str, Any]]:
        # Keyed by identity: the index holds every entity for the snapshot's whole life.
        cached = self._listings.get(id(entity))
        if cached is None:
            cached = self._listings[id(entity)] = [_drop_empty(dataclasses.asdict(x)) for x in entity.listings]
        return cached

    def match_json(self, match: Match) -> dict[str, Any]:
        """Exactly `Match.to_dict()` (the CLI's shape), with the listings from the cache."""
        version = match.list_version
        return {
            "entity_id": match.entity.id,
            "name": match.entity.primary_name,
            "kind": match.entity.kind.value,
            "score": match.score,
            "match": match.match,
            "matched_name": match.matched_name,
            "list": version_ref(version),
            "listings": self.listings_json(match.entity),
            "countries": list(match.entity.countries),
            "unconfirmed": match.entity.unconfirmed,
            "explanation": [f.to_dict() for f in match.features],
        }

    def screen(
        self,
        query: Query,
        *,
        limit: int,
        threshold: float | None,
        lists: Iterable[str] | None = None,
        candidates: int | None = None,
    ) -> list[Match]:
        """Screener.screen under the snapshot's lock; `candidates` None keeps the screener's default."""
        with self.lock:
            if candidates is None:
                return self.screener.screen(query, limit=limit, threshold=threshold, lists=lists)
            return self.screener.screen(query, limit=limit, threshold=threshold, lists=lists, candidates=candidates)


class ServingState:
    def __init__(self, store: Store, settings: ApiSettings) -> None:
        self.store = store
        self.settings = settings
        self.current: Snapshot | None = None
        self.swaps = 0
        self.last_error: str | None = None
        self.last_poll: datetime | None = None
        # Requests being handled right now (kept by InFlightMiddleware); the builder yields to them.
        self.in_flight = 0
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread: threading.Thread | None = None

    # ---- lifecycle --------------------------------------------------------------------------

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="trustscreen-index", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def busy(self) -> bool:
        return self.in_flight > 0

    def wait_ready(self, timeout: float) -> bool:
        return self._ready.wait(timeout)

    def snapshot(self) -> Snapshot:
        """The snapshot a request uses from start to end (read once: a later swap does not affect it)."""
        current = self.current
        if current is None:
            detail = f" (last error: {self.last_error})" if self.last_error else ""
            raise ApiError(503, "not_ready", f"the screening index is still being built; retry shortly{detail}")
        return current

    # ---- polling ----------------------------------------------------------------------------

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.refresh()
                self.last_error = None
            except Exception as exc:  # keep serving the old snapshot; try again next round
                self.last_error = f"{type(exc).__name__}: {exc}"[:500]
                log.warning("index refresh failed: %s", self.last_error)
            self._stop.wait(self.settings.poll_interval_s)

    def refresh(self) -> bool:
        """Swap in a new snapshot if the latest list versions changed; True when it swapped."""
        self.last_poll = datetime.now(UTC)
        current = self.current
        if current is not None and self._latest_ids() == current.fingerprint:
            return False
        versions = tuple(sorted(self.store.latest_versions(), key=lambda v: v.list_id))
        fingerprint = tuple(sorted(v.id for v in versions))
        if current is not None and fingerprint == current.fingerprint:
            return False
        snapshot = self._build(versions, fingerprint)
        self.current = snapshot  # the atomic switch: one reference assignment
        # The index is millions of long-lived objects: the cyclic collector scanning them again and
        # again costs long pauses on the request path. Frozen, they are skipped (and still freed by
        # reference counting once a later swap drops this snapshot).
        gc.freeze()
        if current is not None:
            self.swaps += 1
        self._ready.set()
        log.info(
            "serving %d lists (%d entities), index built in %.1f s",
            len(versions),
            len(snapshot.screener),
            snapshot.build_seconds,
        )
        return True

    def _latest_ids(self) -> tuple[int, ...]:
        # Versions only ever get added, with increasing ids: the newest of a list has its largest id.
        query = sa.select(sa.func.max(list_versions.c.id)).group_by(list_versions.c.list_id)
        with self.store.engine.connect() as conn:
            return tuple(sorted(int(row[0]) for row in conn.execute(query)))

    def _build(self, versions: tuple[ListVersion, ...], fingerprint: tuple[int, ...]) -> Snapshot:
        started = time.perf_counter()
        entities = ((v, e) for v in versions for e in self.store.entities(v.id))
        # The first index is built before serving: full speed. Later ones are built while serving.
        screener = Screener(entities if self.current is None else _paced(entities, self.busy))
        if self.settings.warm_up:
            for name in WARM_UP_NAMES:
                screener.screen(Query(name))
        return Snapshot(
            screener=screener,
            versions=versions,
            fingerprint=fingerprint,
            built_at=datetime.now(UTC),
            build_seconds=round(time.perf_counter() - started, 3),
        )

    def describe(self) -> dict[str, Any]:
        current = self.current
        return {
            "ready": current is not None,
            "lists": len(current.versions) if current else 0,
            "entities": len(current.screener) if current else 0,
            "fingerprint": list(current.fingerprint) if current else [],
            "built_at": current.built_at.isoformat() if current else None,
            "build_seconds": current.build_seconds if current else None,
            "swaps": self.swaps,
            "last_poll": self.last_poll.isoformat() if self.last_poll else None,
            "last_error": self.last_error,
        }


# A new index is built while the old one serves. The builder works in slices of about a millisecond
# and, between slices, waits (releasing the GIL) while requests are in flight, up to a cap that keeps
# it moving under constant load: requests come first, the build takes the idle time. Nobody waits
# for the build; requests keep the old snapshot until it is done.
BUILD_SLICE_S = 0.001
BUILD_MAX_WAIT_S = 0.02
_NAP_S = 0.0005


def _paced(items: Iterable[T], busy: Callable[[], bool]) -> Iterator[T]:
    slice_start = time.perf_counter()
    for item in items:
        yield item
        if time.perf_counter() - slice_start >= BUILD_SLICE_S:
            waited = 0.0
            time.sleep(_NAP_S)
            while busy() and waited < BUILD_MAX_WAIT_S:
                time.sleep(_NAP_S)
                waited += _NAP_S
            slice_start = time.perf_counter()


def serving_state(request: Request) -> ServingState:
    """The app's serving state (snapshot switching), as routes reach it."""
    state: ServingState = request.app.state.serving
    return state


def request_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store
