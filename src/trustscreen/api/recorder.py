"""Writes audit records from a background thread, in batches.

A request only appends its record to a queue. Writing on the request path would make every screening
request wait for the database's write lock, which a `lists load` in another process can hold for
seconds on SQLite. Failed writes are retried; records are lost only if the process dies before the
next flush (a quarter of a second by default) or if more than `max_pending` pile up while the
database refuses writes (then the oldest are dropped and counted).
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections import deque

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from trustscreen.store.audit import AuditRecord, record

log = logging.getLogger("trustscreen.api")

_BATCH = 500


class AuditRecorder:
    def __init__(self, engine: Engine, *, interval_s: float = 0.25, max_pending: int = 100_000) -> None:
        self.engine = engine
        self.interval_s = interval_s
        self.max_pending = max_pending
        self.written = 0
        self.dropped = 0
        self.last_error: str | None = None
        self._pending: deque[AuditRecord] = deque()
        self._in_flight = 0
        self._cond = threading.Condition()
        self._stop = False
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="trustscreen-audit", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self.flush(timeout)
        with self._cond:
            self._stop = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)

    def add(self, item: AuditRecord) -> None:
        with self._cond:
            if len(self._pending) >= self.max_pending:
                self._pending.popleft()
                self.dropped += 1
            self._pending.append(item)
            if len(self._pending) >= _BATCH:
                self._cond.notify_all()

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until every record added so far is written; False on timeout."""
        deadline = time.monotonic() + timeout
        with self._cond:
            self._cond.notify_all()
            while self._pending or self._in_flight:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self._thread is None or not self._thread.is_alive():
                    return False
                self._cond.wait(min(remaining, 0.05))
        return True

    def _run(self) -> None:
        while True:
            with self._cond:
                if not self._pending:
                    if self._stop:
                        return
                    self._cond.wait(self.interval_s)
                batch = [self._pending.popleft() for _ in range(min(_BATCH, len(self._pending)))]
                self._in_flight = len(batch)
            if batch:
                self._write(batch)

    def _write(self, batch: list[AuditRecord]) -> None:
        try:
            record(self.engine, batch)
        except sa.exc.OperationalError as exc:  # database busy or unreachable: keep the records, retry
            self._requeue(batch, exc)
            return
        except sa.exc.SQLAlchemyError:
            # Something in the batch the database refuses (a character it cannot store …): write the
            # records one by one so one bad record cannot hold back the others.
            for item in batch:
                self._write_alone(item)
        self._done(len(batch))

    def _write_alone(self, item: AuditRecord) -> None:
        try:
            record(self.engine, [item])
            return
        except sa.exc.SQLAlchemyError as exc:
            problem = f"{type(exc).__name__}"
        # Keep who, when, where and the outcome; say why the rest is missing.
        stripped = dataclasses.replace(item, request={"unrecordable": problem}, result_ids=[])
        try:
            record(self.engine, [stripped])
        except sa.exc.SQLAlchemyError as exc:
            self.dropped += 1
            log.error("audit record dropped: %s", exc)

    def _requeue(self, batch: list[AuditRecord], exc: Exception) -> None:
        self.last_error = f"{type(exc).__name__}: {exc}"[:500]
        log.warning("audit write failed, will retry: %s", self.last_error)
        with self._cond:
            self._pending.extendleft(reversed(batch))
            self._in_flight = 0
            self._cond.notify_all()
        time.sleep(0.5)

    def _done(self, count: int) -> None:
        with self._cond:
            self.written += count
            self.last_error = None
            self._in_flight = 0
            self._cond.notify_all()
