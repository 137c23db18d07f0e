"""The real server: `trustscreen serve` with two workers, driven by yente-client, and a list loaded
by another process while clients keep screening (the index must switch without a failed request)."""

from __future__ import annotations

import os
import random
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from api_support import copy_db
from yente_client import AuthenticationError, Client, Company  # type: ignore[import-untyped]

from trustscreen.store import Store
from trustscreen.store.keys import Role, create_key

CLI = [sys.executable, "-c", "from trustscreen.cli.main import main; main()"]


@dataclass
class Server:
    url: str
    db: Path
    key: str
    process: subprocess.Popen[bytes]
    log: Path


def cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([*CLI, "--db", str(db), *args], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("server")
    db = copy_db(template_db, folder)
    store = Store(f"sqlite:///{db}")
    key = create_key(store.engine, Role.SCREEN, "server test")[1]
    store.close()
    port = free_port()
    log = folder / "server.log"
    env = {**os.environ, "TRUSTSCREEN_API_POLL_S": "0.3"}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*CLI, "--db", str(db), "serve", "--port", str(port), "--workers", "2", "--no-access-log"],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(url, process, log)
        yield Server(url, db, key, process, log)
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()


def _wait_ready(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"server exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    pytest.fail(f"server not ready after 90 s:\n{log.read_text()}")


def test_yente_client_match_search_fetch(server: Server) -> None:
    with Client(api_key=server.key, base_url=server.url, app_name="trustscreen-tests") as client:
        assert client.healthz().status == "ok" and client.readyz().status == "ok"
        found = client.match(Company(name="Huawei Technologies Co., Ltd.", country="cn"), limit=5)
        assert found.top is not None and found.top.id.endswith(":huawei") and found.top.match
        assert found.top.explanations["name"].score == 1.0
        assert len(found.results) <= 5 and found.matches
        only_fcc = client.match(Company(name="Huawei Technologies"), datasets=["us-fcc-covered"])
        assert {r.datasets[0] for r in only_fcc.results} == {"us-fcc-covered"}
        page = client.search("hikvision", limit=3)
        assert page.results and "hikvision" in page.results[0].caption.lower()
        entity = client.fetch(found.top.id)
        assert entity.id == found.top.id and entity.caption == found.top.caption
        assert any(getattr(s, "schema_", None) == "Sanction" for s in entity.properties["sanctions"])
        assert {d.name for d in client.datasets().datasets} >= {"default", "us-fcc-covered"}
        assert client.algorithms().best == "trustscreen"
    with Client(api_key="ts_00000000_wrong", base_url=server.url) as bad, pytest.raises(AuthenticationError):
        bad.match(Company(name="Huawei"))


@dataclass
class Hammer:
    """Client threads screening one name in a loop, keeping every answer they get."""

    url: str
    key: str
    name: str
    answers: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        headers = {"Authorization": f"Bearer {self.key}"}
        with httpx.Client(base_url=self.url, headers=headers, timeout=30) as client:
            while not self.stop.is_set():
                try:
                    response = client.post("/v1/screen", json={"name": self.name, "limit": 3})
                except httpx.HTTPError as exc:
                    self.errors.append(f"{type(exc).__name__}: {exc}")
                    continue
                if response.status_code != 200:
                    self.errors.append(f"{response.status_code}: {response.text[:300]}")
                    continue
                self.answers.append(response.json())

    def latest_top(self) -> str | None:
        if not self.answers:
            return None
        matches = self.answers[-1]["matches"]
        return matches[0]["entity_id"] if matches and matches[0]["match"] else None


def _watch_list(path: Path, rows: int, with_zorblax: bool) -> None:
    rng = random.Random(20261129)
    syllables = ["bran", "tor", "vel", "quin", "sar", "lom", "dex", "mira", "kor", "pell", "zan", "rud"]
    suffixes = ["Trading", "Holdings", "Logistics", "Industries", "Shipping", "Electronics"]
    lines = ["id,name,country"]
    for i in range(rows):
        word = "".join(rng.choice(syllables) for _ in range(3)).title()
        lines.append(f"{i},{word} {rng.choice(suffixes)} Ltd,{rng.choice(['CN', 'RU', 'IR', 'AE', 'TR'])}")
    if with_zorblax:
        lines.append("Z1,Zorblax Quantum Holdings,CN")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")


def test_list_loads_switch_the_index_without_a_failed_request(server: Server, tmp_path: Path) -> None:
    hammer = Hammer(server.url, server.key, "Zorblax Quantum Holdings")
    threads = [threading.Thread(target=hammer.run) for _ in range(3)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(1.0)
        assert hammer.answers and hammer.latest_top() is None
        before = len(hammer.answers)
        # Another process loads a new list (1,501 entities) into the store the server reads.
        first = tmp_path / "v1" / "watch.csv"
        _watch_list(first, 1500, with_zorblax=True)
        cli(server.db, "lists", "load", str(first), "--format", "custom-csv", "--list-id", "watch")
        assert _until(lambda: _recent_tops(hammer) == {"watch:Z1"}), _summary(hammer)
        # A second version of the same list drops the entity: every worker switches again.
        second = tmp_path / "v2" / "watch.csv"
        _watch_list(second, 1500, with_zorblax=False)
        cli(server.db, "lists", "load", str(second), "--format", "custom-csv", "--list-id", "watch")
        assert _until(lambda: _recent_tops(hammer) == {None} and _recent_watch_versions(hammer) == {2})
        time.sleep(0.5)
    finally:
        hammer.stop.set()
        for thread in threads:
            thread.join(30)
    assert hammer.errors == [], hammer.errors[:5]
    assert len(hammer.answers) > before + 50
    _assert_each_answer_is_whole(hammer.answers)


def _recent_tops(hammer: Hammer, last: int = 30) -> set[str | None]:
    recent = hammer.answers[-last:]
    if len(recent) < last:
        return {"too few"}
    return {a["matches"][0]["entity_id"] if a["matches"] and a["matches"][0]["match"] else None for a in recent}


def _recent_watch_versions(hammer: Hammer, last: int = 30) -> set[int | None]:
    return {next((v["version"] for v in a["lists"] if v["list_id"] == "watch"), None) for a in hammer.answers[-last:]}


def _assert_each_answer_is_whole(answers: list[dict[str, Any]]) -> None:
    """Each answer comes from one snapshot: its matches come from the lists it reports, and the
    Zorblax entity appears exactly when the reported watch version holds it (version 1)."""
    curated = None
    seen_versions = set()
    for answer in answers:
        lists = {v["list_id"]: v["version"] for v in answer["lists"]}
        others = {k for k in lists if k != "watch"}
        curated = curated or others
        assert others == curated
        watch = lists.get("watch")
        seen_versions.add(watch)
        assert {m["list"]["list_id"] for m in answer["matches"]} <= set(lists)
        top_is_zorblax = bool(answer["matches"]) and answer["matches"][0]["entity_id"] == "watch:Z1"
        assert top_is_zorblax == (watch == 1), (watch, answer["matches"][:1])
    assert seen_versions == {None, 1, 2}


def _until(check: Any, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


def _summary(hammer: Hammer) -> str:
    return f"{len(hammer.answers)} answers, {len(hammer.errors)} errors, recent tops {_recent_tops(hammer)}"
