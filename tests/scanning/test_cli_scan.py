from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from trustscreen.cli.main import app


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("TRUSTSCREEN_DB", str(tmp_path / "cli.db"))
    return CliRunner()


def test_scan_json_and_html_report(cli: CliRunner, tmp_path: Path) -> None:
    memo = tmp_path / "memo.txt"
    memo.write_text("Memo\n\nWe renewed the contract with Hua-\nwei Technologies. China network technology.\n")
    report = tmp_path / "report.html"
    result = cli.invoke(app, ["scan", str(memo), "--json", "--html", str(report)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["format"] == "text" and data["threshold"] == 0.76
    assert {v["list_id"] for v in data["lists"]} >= {"us-bis-el", "us-fcc-covered"}
    hits = data["hits"]
    # Five curated lists name Huawei; nothing else in the memo is a listed party.
    assert {h["entity_id"] for h in hits} == {
        "us-bis-el:huawei",
        "us-clean-network:huawei",
        "us-cmic-1260h:huawei",
        "us-fcc-covered:huawei",
        "us-ndaa-889:huawei",
    }
    hit = hits[0]
    assert {"start", "end", "text", "entity_id", "name", "score", "listings", "explanation"} <= hit.keys()
    assert memo.read_text()[hit["start"] : hit["end"]] == hit["text"] == "Hua-\nwei Technologies"
    page = report.read_text()
    assert "<mark" in page and "us-fcc-covered:huawei" in page


def test_scan_table_and_stdin(cli: CliRunner) -> None:
    result = cli.invoke(app, ["scan", "-"], input="Routers from ZTE Corporation.")
    assert result.exit_code == 0, result.output
    # Three curated lists name ZTE (Clean Network, FCC Covered List, NDAA 889): one passage, three hits.
    assert "3 hit(s) in <stdin>." in result.stdout and "ZTE" in result.stdout


def test_scan_errors_exit_2(cli: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "latin1.txt"
    bad.write_bytes(b"Caf\xe9 with Huawei")
    result = cli.invoke(app, ["scan", str(bad)])
    assert result.exit_code == 2
    assert "is not UTF-8" in result.stderr and "--encoding" in result.stderr
    result = cli.invoke(app, ["scan", str(bad), "--max-mb", "0.00001"])
    assert result.exit_code == 2 and "the limit is" in result.stderr
    assert cli.invoke(app, ["scan", str(bad), "--encoding", "latin-1", "--json"]).exit_code == 0
