from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from trustscreen.cli.main import app


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("TRUSTSCREEN_DB", str(tmp_path / "cli.db"))
    return CliRunner()


def _json(cli: CliRunner, *args: str) -> dict:  # type: ignore[type-arg]
    result = cli.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_curated_bundle_is_loaded_on_first_use(cli: CliRunner) -> None:
    lists = {v["list_id"]: v for v in _json(cli, "lists", "ls")["lists"]}
    assert {"us-fcc-covered", "us-bis-el", "cn-uel", "in-it-69a", "us-ndaa-889"} <= set(lists)
    assert all(v["source_format"] == "curated" and v["version"] == 1 for v in lists.values())
    # A second command does not load the bundle again.
    again = {v["list_id"]: v["id"] for v in _json(cli, "lists", "ls", "--all")["lists"]}
    assert again == {k: v["id"] for k, v in lists.items()}


def test_screen_finds_huawei_with_listings_and_explanation(cli: CliRunner) -> None:
    data = _json(cli, "screen", "Huawei Technologies")
    assert data["matches"], data
    top = data["matches"][0]
    assert top["match"] is True and top["score"] >= 0.8
    assert "huawei" in top["name"].lower()
    assert set(top) >= {"entity_id", "name", "score", "match", "listings", "explanation"}
    assert top["explanation"][0]["feature"] == "name"
    scores = [m["score"] for m in data["matches"]]
    assert scores == sorted(scores, reverse=True)
    huawei_lists = {m["list"]["list_id"] for m in data["matches"] if m["match"]}
    assert {"us-fcc-covered", "us-bis-el"} <= huawei_lists


def test_screen_in_chinese_script_finds_the_same_company(cli: CliRunner) -> None:
    data = _json(cli, "screen", "华为技术有限公司")
    assert any(m["match"] and "huawei" in m["name"].lower() for m in data["matches"])


def test_screen_rejects_bad_options_with_clear_errors(cli: CliRunner) -> None:
    result = cli.invoke(app, ["screen", "Huawei", "--kind", "spaceship"])
    assert result.exit_code == 2
    assert "kind 'spaceship' is not known" in result.stderr
    result = cli.invoke(app, ["screen", "Huawei", "--country", "Atlantis"])
    assert result.exit_code == 2 and "country 'Atlantis'" in result.stderr
    result = cli.invoke(app, ["screen", "Huawei", "--threshold", "1.5"])
    assert result.exit_code == 2 and "outside [0, 1]" in result.stderr
    result = cli.invoke(app, ["screen", "x" * 600])
    assert result.exit_code == 2 and "at most 500" in result.stderr


@pytest.mark.shared_data
def test_load_show_diff_and_entity(cli: CliRunner, shared_data: Path, tmp_path: Path) -> None:
    un = shared_data / "un" / "UN_consolidated.xml"
    loaded = _json(cli, "lists", "load", str(un))
    assert loaded["created"] is True
    assert loaded["version"]["list_id"] == "un-sc"
    assert loaded["version"]["entity_count"] == 1003
    assert loaded["version"]["as_of"] == "2026-02-27"
    # Same bytes again: no new version.
    assert _json(cli, "lists", "load", str(un))["created"] is False

    # A second version with one entity removed and one changed.
    text = un.read_text("utf-8")
    start = text.index("<INDIVIDUAL>")
    end = text.index("</INDIVIDUAL>", start) + len("</INDIVIDUAL>")
    edited = text[:start] + text[end:]
    edited = edited.replace("<LISTED_ON>2012-12-31</LISTED_ON>", "<LISTED_ON>2013-01-01</LISTED_ON>", 1)
    second = tmp_path / "UN_consolidated.xml"
    second.write_text(edited, "utf-8")
    assert _json(cli, "lists", "load", str(second))["version"]["version"] == 2

    diff = _json(cli, "lists", "diff", "un-sc")
    assert [d["entity_id"] for d in diff["removed"]] == ["un:CDi.001"]
    assert diff["added"] == []
    changed = {c["entity_id"]: c["fields"] for c in diff["changed"]}
    assert all(fields == ["listings"] for fields in changed.values())
    assert len(changed) >= 1

    shown = _json(cli, "lists", "show", "un-sc", "--limit", "3")
    assert shown["version"]["version"] == 2
    assert shown["kinds"] == {"person": 729, "organization": 273}
    assert len(shown["entities"]) == 3

    entity = _json(cli, "entities", "show", "un:CDi.001")
    assert entity["list"]["version"] == 1  # removed from v2, shown from the version that had it
    assert entity["entity"]["names"][0]["value"] == "ERIC BADEGE"


def test_bad_file_gives_one_clear_error_and_leaves_the_store_unchanged(cli: CliRunner, tmp_path: Path) -> None:
    _json(cli, "lists", "ls")  # creates the store with the curated bundle
    db = Path(os.environ["TRUSTSCREEN_DB"])
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    broken = tmp_path / "consolidated.xml"
    broken.write_text(
        '<?xml version="1.0"?>\n<CONSOLIDATED_LIST dateGenerated="2026-01-01T00:00:00Z">\n<INDIVIDUALS>\n'
        "<INDIVIDUAL><DATAID>1</DATAID><FIRST_NAME>A</FIRST_NAME>\n",
        "utf-8",
    )
    result = cli.invoke(app, ["lists", "load", str(broken), "--format", "un-xml"])
    assert result.exit_code == 2
    assert str(broken) in result.stderr and "line" in result.stderr
    assert "Traceback" not in result.output
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


def test_unknown_format_and_missing_file(cli: CliRunner, tmp_path: Path) -> None:
    odd = tmp_path / "notes.txt"
    odd.write_text("hello\n")
    result = cli.invoke(app, ["lists", "load", str(odd)])
    assert result.exit_code == 2 and "format not recognised" in result.stderr
    result = cli.invoke(app, ["lists", "load", str(tmp_path / "absent.csv")])
    assert result.exit_code == 2 and "file not found" in result.stderr
    result = cli.invoke(app, ["lists", "show", "no-such-list"])
    assert result.exit_code == 2 and "unknown list 'no-such-list'" in result.stderr


def test_custom_csv_watch_list_with_mapping(cli: CliRunner, tmp_path: Path) -> None:
    watch = tmp_path / "suppliers.csv"
    watch.write_text("Ref,Company Name,AKA,Country\nS1,Acme Widgets Ltd,Acme,GB\nS2,Globex Corporation,,US\n")
    loaded = _json(
        cli,
        "lists",
        "load",
        str(watch),
        "--mapping",
        "id=Ref,name=Company Name,aliases=AKA,country=Country",
        "--list-id",
        "my-suppliers",
    )
    assert loaded["version"]["list_id"] == "my-suppliers"
    assert loaded["version"]["entity_count"] == 2
    hits = _json(cli, "screen", "ACME WIDGETS LIMITED", "--list", "my-suppliers")["matches"]
    assert hits[0]["match"] and hits[0]["name"] == "Acme Widgets Ltd"


def test_compare_explains_cross_script_names(cli: CliRunner) -> None:
    data = _json(cli, "compare", "Владимир Путин", "Vladimir Putin", "--kind", "person")
    assert data["match"] is True and data["score"] >= 0.9
    assert data["explanation"][0]["feature"] == "name"
    data = _json(cli, "compare", "Bank of Armenia Corporation", "Bank of America Corporation")
    assert data["match"] is False


def test_console_script_runs_in_a_subprocess(tmp_path: Path) -> None:
    env = {**os.environ, "TRUSTSCREEN_DB": str(tmp_path / "sub.db")}
    exe = Path(sys.executable).parent / "trustscreen"
    result = subprocess.run(
        [str(exe), "screen", "Hikvision", "--json"], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert any(m["match"] for m in json.loads(result.stdout)["matches"])
