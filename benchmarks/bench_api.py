"""HTTP API latency and throughput on loopback (not a test: prints one JSON object).

    .venv/bin/python benchmarks/bench_api.py [--data ../shared/data] [--rate 200] [--seconds 15]
                                             [--workers 1 2] [--no-update]

1. Loads the curated bundle, the UN list and the 2021 OFAC SDN set (~10,300 entities) into a temp
   SQLite store and creates a `screen` key.
2. For each worker count, starts `trustscreen serve` on 127.0.0.1 (a free port) and, after a warm-up:
   - drives /v1/screen and then /match/default at a fixed rate (open loop: each request is sent at its
     scheduled time whatever the previous ones do, and its latency counts from that time, so a slow
     server cannot hide behind a slow client);
   - measures the most requests/s each route sustains with 16 connections in a closed loop.
3. With the last worker count: drives /v1/screen at the fixed rate while another process loads the
   2024-07-02 SDN file as version 2 of us-ofac-sdn (15,443 entities); every answer is checked and the
   switch from version 1 to version 2 is timed. Errors must be 0.

Queries: half listed names (as listed, or lower-cased, or tokens reordered), half names believed not
listed (S&P 500 companies); one name per request. Fixed seed. The load generator runs on the same two
cores as the server: its own CPU use is part of what is measured.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import platform
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from trustscreen import catalog
from trustscreen.model import EntityKind
from trustscreen.store import Store
from trustscreen.store.keys import Role, create_key

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parent.parent / "shared" / "data"
SEED = 20261129
CLI = [sys.executable, "-c", "from trustscreen.cli.main import main; main()"]
BASE_LISTS = (("un/UN_consolidated.xml", None), ("ofac/sdn_2021", "2021-07-01"))
UPDATE_LIST = ("ofac/sdn_2024-07-02/sdn.csv", "2024-07-02")
SATURATION_CONNECTIONS = 16
SATURATION_SECONDS = 8.0


def log(message: str) -> None:
    sys.stderr.write(f"[bench_api] {message}\n")
    sys.stderr.flush()


# ---- data and queries -------------------------------------------------------------------------


def prepare_store(data: Path, folder: Path) -> tuple[Path, str, dict[str, Any]]:
    db = folder / "bench.db"
    store = Store(f"sqlite:///{db}")
    catalog.ensure_curated(store)
    for relative, as_of in BASE_LISTS:
        catalog.load_path(store, data / relative, as_of=as_of)
    key = create_key(store.engine, Role.SCREEN, "bench")[1]
    versions = store.latest_versions()
    info = {"lists": len(versions), "entities": sum(v.entity_count for v in versions)}
    store.close()
    return db, key, info


@dataclass(frozen=True)
class Probe:
    name: str
    kind: str  # "person" or "organization"


def probes(db: Path, data: Path, count: int = 1000) -> list[Probe]:
    rng = random.Random(SEED)
    store = Store(f"sqlite:///{db}")
    listed = [
        Probe(e.primary_name, "person" if e.kind is EntityKind.PERSON else "organization")
        for _, e in store.current_entities()
        if e.kind in (EntityKind.PERSON, EntityKind.ORGANIZATION)
    ]
    store.close()
    chosen = [_variant(rng, p) for p in rng.sample(listed, min(count // 2, len(listed)))]
    negatives_file = data / "negatives" / "sp500_constituents.csv"
    with negatives_file.open(newline="", encoding="utf-8") as handle:
        negatives = [Probe(row["Security"], "organization") for row in csv.DictReader(handle)]
    chosen += rng.sample(negatives, min(count - len(chosen), len(negatives)))
    rng.shuffle(chosen)
    return chosen


def _variant(rng: random.Random, probe: Probe) -> Probe:
    roll = rng.random()
    if roll < 0.4:
        return probe
    if roll < 0.7:
        return Probe(probe.name.lower(), probe.kind)
    words = probe.name.split()
    rng.shuffle(words)
    return Probe(" ".join(words), probe.kind)


def screen_body(probe: Probe) -> dict[str, Any]:
    return {"name": probe.name, "limit": 5}


def match_body(probe: Probe) -> dict[str, Any]:
    schema = "Person" if probe.kind == "person" else "Company"
    return {"queries": {"q": {"schema": schema, "properties": {"name": [probe.name]}}}}


ROUTES = {"/v1/screen": screen_body, "/match/default": match_body}


# ---- the server -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    def __init__(self, db: Path, workers: int, folder: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = folder / f"server-{workers}.log"
        command = [
            *CLI,
            "--db",
            str(db),
            "serve",
            "--port",
            str(self.port),
            "--workers",
            str(workers),
            "--no-access-log",
            "--log-level",
            "warning",
        ]
        with self.log_path.open("wb") as out:
            self.process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
        self._wait_ready()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log_path.read_text()}")
            try:
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise RuntimeError("server not ready after 180 s")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()


# ---- load generators --------------------------------------------------------------------------
#
# Plain HTTP/1.1 over asyncio streams with the requests encoded in advance: the generator shares the
# two cores with the server, and a full HTTP client costs several times more CPU per request than this.


@dataclass
class Outcome:
    sent_at: float  # seconds since the run started (scheduled time)
    latency_ms: float
    status: int
    error: str | None
    body: dict[str, Any] | None


class Connection:
    def __init__(self, url: str) -> None:
        parts = httpx.URL(url)
        self.host, self.port = parts.host, parts.port or 80
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def exchange(self, raw: bytes) -> tuple[int, bytes]:
        if self.reader is None or self.writer is None or self.reader.at_eof():
            # Never used, or closed by the server while idle (keep-alive timeout): a new connection.
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        self.writer.write(raw)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        return status, await self.reader.readexactly(length)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


def encode(url: str, key: str, path: str, body: dict[str, Any]) -> bytes:
    payload = json.dumps(body, ensure_ascii=False).encode()
    host = httpx.URL(url).netloc.decode()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: ApiKey {key}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n"
    )
    return head.encode() + payload


async def _one(connection: Connection, raw: bytes, scheduled: float, origin: float, keep: bool) -> Outcome:
    loop = asyncio.get_running_loop()
    try:
        status, payload = await connection.exchange(raw)
    except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
        connection.close()
        connection.reader = connection.writer = None
        return Outcome(scheduled - origin, (loop.time() - scheduled) * 1000, 0, f"{type(exc).__name__}: {exc}", None)
    latency = (loop.time() - scheduled) * 1000
    if status != 200:
        return Outcome(scheduled - origin, latency, status, payload[:200].decode("utf-8", "replace"), None)
    if not payload.startswith(b"{"):
        return Outcome(scheduled - origin, latency, status, "answer is not a JSON object", None)
    return Outcome(scheduled - origin, latency, status, None, json.loads(payload) if keep else None)


async def open_loop(
    url: str, key: str, path: str, bodies: list[dict[str, Any]], rate: float, seconds: float, keep: bool = False
) -> list[Outcome]:
    encoded = [encode(url, key, path, body) for body in bodies]
    free: asyncio.Queue[Connection] = asyncio.Queue()
    connections = [Connection(url) for _ in range(64)]
    for connection in connections:
        free.put_nowait(connection)
    loop = asyncio.get_running_loop()
    origin = loop.time() + 0.05

    async def send(raw: bytes, scheduled: float) -> Outcome:
        # Waiting for a free connection counts in the latency: it runs from the scheduled time.
        connection = await free.get()
        try:
            return await _one(connection, raw, scheduled, origin, keep)
        finally:
            free.put_nowait(connection)

    tasks = []
    for i in range(int(rate * seconds)):
        scheduled = origin + i / rate
        delay = scheduled - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(send(encoded[i % len(encoded)], scheduled)))
    outcomes = list(await asyncio.gather(*tasks))
    for connection in connections:
        connection.close()
    return outcomes


async def closed_loop(
    url: str, key: str, path: str, bodies: list[dict[str, Any]], connections: int, seconds: float
) -> tuple[list[Outcome], float]:
    encoded = [encode(url, key, path, body) for body in bodies]
    loop = asyncio.get_running_loop()
    origin = loop.time()
    stop_at = origin + seconds
    outcomes: list[Outcome] = []

    async def worker(offset: int) -> None:
        connection = Connection(url)
        i = offset
        while loop.time() < stop_at:
            outcomes.append(await _one(connection, encoded[i % len(encoded)], loop.time(), origin, False))
            i += connections
        connection.close()

    await asyncio.gather(*(worker(n) for n in range(connections)))
    return outcomes, loop.time() - origin


def summary(outcomes: list[Outcome], seconds: float) -> dict[str, Any]:
    latencies = sorted(o.latency_ms for o in outcomes if o.error is None)
    errors = [o for o in outcomes if o.error is not None]
    return {
        "requests": len(outcomes),
        "errors": len(errors),
        "error_samples": sorted({f"{o.status} {o.error}"[:160] for o in errors})[:3],
        "achieved_rps": round(len(latencies) / seconds, 1) if seconds else None,
        "p50_ms": _pct(latencies, 50),
        "p90_ms": _pct(latencies, 90),
        "p99_ms": _pct(latencies, 99),
        "max_ms": round(latencies[-1], 2) if latencies else None,
        "mean_ms": round(statistics.fmean(latencies), 2) if latencies else None,
    }


def _pct(values: list[float], pct: float) -> float | None:
    if not values:
        return None
    index = min(len(values) - 1, max(0, round(pct / 100 * len(values)) - 1))
    return round(values[index], 2)


# ---- the runs ---------------------------------------------------------------------------------


def fixed_rate_runs(
    server: Server, key: str, queries: list[Probe], rate: float, seconds: float
) -> list[dict[str, Any]]:
    results = []
    for path, make in ROUTES.items():
        bodies = [make(p) for p in queries]
        # Warm-up: every query once at a low rate, so per-name caches are as in steady service.
        asyncio.run(open_loop(server.url, key, path, bodies, 100, len(bodies) / 100))
        log(f"{path}: {rate:g} req/s for {seconds:g} s")
        outcomes = asyncio.run(open_loop(server.url, key, path, bodies, rate, seconds))
        results.append({"route": path, "mode": "fixed rate", "rate": rate, **summary(outcomes, seconds)})
    return results


def saturation_runs(server: Server, key: str, queries: list[Probe]) -> list[dict[str, Any]]:
    results = []
    for path, make in ROUTES.items():
        bodies = [make(p) for p in queries]
        log(f"{path}: closed loop, {SATURATION_CONNECTIONS} connections for {SATURATION_SECONDS:g} s")
        outcomes, elapsed = asyncio.run(
            closed_loop(server.url, key, path, bodies, SATURATION_CONNECTIONS, SATURATION_SECONDS)
        )
        results.append(
            {
                "route": path,
                "mode": "max throughput",
                "connections": SATURATION_CONNECTIONS,
                **summary(outcomes, elapsed),
            }
        )
    return results


def update_under_load(
    server: Server, db: Path, data: Path, key: str, queries: list[Probe], rate: float, seconds: float
) -> dict[str, Any]:
    bodies = [screen_body(p) for p in queries]
    relative, as_of = UPDATE_LIST
    load_command = [*CLI, "--db", str(db), "lists", "load", str(data / relative), "--as-of", as_of]

    async def run() -> tuple[list[Outcome], float, float]:
        traffic = asyncio.create_task(open_loop(server.url, key, "/v1/screen", bodies, rate, seconds, keep=True))
        await asyncio.sleep(3.0)
        started = time.monotonic()
        process = await asyncio.create_subprocess_exec(
            *load_command, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE
        )
        _, stderr = await process.communicate()
        if process.returncode != 0:
            raise RuntimeError(f"lists load failed: {stderr.decode()[-500:]}")
        loaded = time.monotonic() - started
        return await traffic, 3.0, loaded

    log(f"/v1/screen: {rate:g} req/s for {seconds:g} s while another process loads {relative}")
    outcomes, load_started_at, load_seconds = asyncio.run(run())
    versions = [_sdn_version(o.body) for o in outcomes]
    inconsistent = [o for o in outcomes if o.body is not None and not _whole(o.body)]
    first_v2 = next((o.sent_at for o, v in zip(outcomes, versions, strict=True) if v == 2), None)
    last_v1 = max((o.sent_at for o, v in zip(outcomes, versions, strict=True) if v == 1), default=None)
    # From the load's start until every answer comes from version 2: parsing and writing the list in
    # the other process, noticing it, building the new index while serving, and the switch.
    end = (last_v1 if last_v1 is not None else seconds) + 1.0
    window = [o for o in outcomes if load_started_at <= o.sent_at <= end]
    return {
        "route": "/v1/screen",
        "rate": rate,
        "list_loaded": f"{relative} (us-ofac-sdn version 2, 15,443 entities)",
        "load_started_at_s": load_started_at,
        "load_process_s": round(load_seconds, 1),
        "first_answer_from_v2_at_s": round(first_v2, 2) if first_v2 is not None else None,
        "last_answer_from_v1_at_s": round(last_v1, 2) if last_v1 is not None else None,
        "answers_by_sdn_version": {str(v): versions.count(v) for v in sorted(set(versions), key=str)},
        "inconsistent_answers": len(inconsistent),
        **summary(outcomes, seconds),
        "during_update": summary(window, end - load_started_at) if window else None,
    }


def _sdn_version(body: dict[str, Any] | None) -> int | None:
    if body is None:
        return None
    return next((v["version"] for v in body["lists"] if v["list_id"] == "us-ofac-sdn"), None)


def _whole(body: dict[str, Any]) -> bool:
    """An answer is whole when every match comes from a list version the answer reports."""
    served = {(v["list_id"], v["version"]) for v in body["lists"]}
    return all((m["list"]["list_id"], m["list"]["version"]) in served for m in body["matches"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--no-update", action="store_true", help="Skip the list update under load.")
    args = parser.parse_args()
    if args.rate <= 0 or args.rate > 2000 or args.seconds <= 0 or args.seconds > 300:
        parser.error("--rate must be in (0, 2000] and --seconds in (0, 300]: the load stays bounded")
    folder = Path(tempfile.mkdtemp(prefix="trustscreen-bench-api-"))
    try:
        log("loading lists …")
        db, key, data_info = prepare_store(args.data, folder)
        queries = probes(db, args.data)
        report: dict[str, Any] = {
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
            "data": {**data_info, "queries": len(queries)},
            "runs": [],
        }
        for workers in args.workers:
            log(f"starting the server with {workers} worker(s) …")
            server = Server(db, workers, folder)
            try:
                for run in fixed_rate_runs(server, key, queries, args.rate, args.seconds) + saturation_runs(
                    server, key, queries
                ):
                    report["runs"].append({"workers": workers, **run})
                if not args.no_update and workers == args.workers[-1]:
                    report["update_under_load"] = {
                        "workers": workers,
                        **update_under_load(server, db, args.data, key, queries, args.rate, 30.0),
                    }
            finally:
                server.stop()
        sys.stdout.write(json.dumps(report, indent=2) + "\n")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
