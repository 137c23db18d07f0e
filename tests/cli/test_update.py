"""`lists update` against a real local HTTP server serving the ../shared/data snapshots."""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from trustscreen.cli.main import app


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def mirror(shared_data: Path) -> Iterator[str]:
    """Serve ../shared/data by path, as a mirror of the official download sites would."""
    handler = functools.partial(_QuietHandler, directory=str(shared_data))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mirror: str) -> CliRunner:
    monkeypatch.setenv("TRUSTSCREEN_DB", str(tmp_path / "update.db"))
    monkeypatch.setenv("TRUSTSCREEN_OFAC_BASE_URL", f"{mirror}/ofac/non_sdn_2025")
    monkeypatch.setenv("TRUSTSCREEN_UN_URL", f"{mirror}/un/UN_consolidated.xml")
    monkeypatch.setenv("TRUSTSCREEN_BIS_DPL_URL", f"{mirror}/entity_list/bis_dpl_2023-11.txt")
    monkeypatch.setenv("TRUSTSCREEN_UK_CONLIST_URL", f"{mirror}/uk/hmt_conlist_excerpt_2020.csv")
    return CliRunner()


def _update(cli: CliRunner, *lists: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    result = cli.invoke(app, ["lists", "update", *lists, "--json"])
    return result.exit_code, json.loads(result.stdout)


@pytest.mark.shared_data
def test_update_downloads_and_loads_each_official_list(cli: CliRunner) -> None:
    code, data = _update(cli, "un-sc", "us-bis-dpl", "uk-hmt-conlist")
    assert code == 0, data
    results = {r["list_id"]: r for r in data["results"]}
    assert results["un-sc"]["version"]["entity_count"] == 1003
    assert results["us-bis-dpl"]["version"]["entity_count"] == 545
    assert results["uk-hmt-conlist"]["version"]["entity_count"] == 41
    assert all(r["ok"] and r["created"] for r in results.values())
    # Nothing changed upstream: the second update writes nothing.
    code, again = _update(cli, "un-sc")
    assert code == 0 and again["results"][0]["created"] is False


@pytest.mark.shared_data
def test_update_fetches_every_file_of_a_set(cli: CliRunner) -> None:
    code, data = _update(cli, "us-ofac-cons")
    assert code == 0, data
    version = data["results"][0]["version"]
    assert version["entity_count"] == 442
    assert sorted(version["files"]) == ["cons_add.csv", "cons_alt.csv", "cons_comments.csv", "cons_prim.csv"]


@pytest.mark.shared_data
def test_one_failed_download_does_not_stop_the_others(
    cli: CliRunner, monkeypatch: pytest.MonkeyPatch, mirror: str
) -> None:
    # The SDN set is not in the mirror under this path: every file answers 404.
    monkeypatch.setenv("TRUSTSCREEN_OFAC_BASE_URL", f"{mirror}/ofac/missing")
    code, data = _update(cli, "us-ofac-sdn", "un-sc")
    assert code == 1
    results = {r["list_id"]: r for r in data["results"]}
    assert results["us-ofac-sdn"]["ok"] is False
    assert "HTTP 404" in results["us-ofac-sdn"]["error"]
    assert results["un-sc"]["ok"] is True
    listed = json.loads(cli.invoke(app, ["lists", "ls", "--json"]).stdout)["lists"]
    assert "us-ofac-sdn" not in {v["list_id"] for v in listed}


def test_unknown_official_list_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRUSTSCREEN_DB", str(tmp_path / "u.db"))
    result = CliRunner().invoke(app, ["lists", "update", "no-such-list"])
    assert result.exit_code == 2
    assert "unknown official list(s) no-such-list" in result.stderr
