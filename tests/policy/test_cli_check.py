"""`trustscreen check` on the embedded default: JSON with verdicts and conflicts, a readable table, and
clear errors for bad options and rule packs."""

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


def test_check_json_has_verdicts_and_conflicts(cli: CliRunner) -> None:
    result = cli.invoke(
        app,
        [
            "check",
            "Huawei",
            "--as",
            "US,CN",
            "--activity",
            "export",
            "--eccn",
            "EAR99",
            "--date",
            "2026-11-29",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"query", "context", "verdicts", "conflicts", "matches"}
    assert data["context"] == {
        "jurisdictions": ["US", "CN"],
        "date": "2026-11-29",
        "activity": "export",
        "eccn": "EAR99",
        "roles": [],
    }
    assert data["verdicts"]["US"]["verdict"] == "licence_required"
    assert data["verdicts"]["CN"]["verdict"] == "restricted"
    assert data["conflicts"][0]["jurisdictions"] == ["US", "CN"]
    finding = data["verdicts"]["US"]["findings"][0]
    assert {"rule_id", "citation", "source_url", "effective_from", "action", "evidence"} <= set(finding)
    assert finding["evidence"]["match"]["list"]["list_id"] == "us-bis-el"


def test_check_table_names_verdicts_rules_and_history(cli: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    from trustscreen.cli import main

    monkeypatch.setattr(main.out, "width", 250)
    result = cli.invoke(app, ["check", "TikTok", "--as", "IN,US", "--activity", "app-deployment"])
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert "IN: prohibited" in text and "US: advisory" in text
    assert "App blocked under IT Act s.69A" in text
    assert "history" in text


def test_check_with_declared_owner(cli: CliRunner) -> None:
    result = cli.invoke(
        app,
        [
            "check",
            "Example Parts Ltd",
            "--as",
            "US",
            "--owner",
            "ZTE Corporation=60",
            "--role",
            "usf-recipient",
            "--activity",
            "procurement",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["verdicts"]["US"]["verdict"] == "prohibited"
    assert data["query"]["owners"] == [{"name": "ZTE Corporation", "share": 60.0}]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--as", "FR"], "jurisdiction 'FR' has no rule pack"),
        (["--activity", "smuggling"], "activity 'smuggling' is not known"),
        (["--eccn", "banana"], "ECCN 'banana' is not an ECCN"),
        (["--date", "yesterday"], "date 'yesterday'; expected YYYY-MM-DD"),
        (["--owner", "ZTE=abc"], "share 'abc' is not a number"),
        (["--owner", "ZTE=120"], "expected 0-100 percent"),
        (["--role", "emperor"], "role 'emperor' is not known"),
    ],
)
def test_bad_options_exit_2_with_what_was_expected(cli: CliRunner, args: list[str], message: str) -> None:
    result = cli.invoke(app, ["check", "Huawei", *args])
    assert result.exit_code == 2
    assert message in " ".join(result.stderr.split())


def test_extra_rule_pack_is_used_and_bad_packs_are_refused(cli: CliRunner, tmp_path: Path) -> None:
    pack = tmp_path / "acme.yaml"
    pack.write_text(
        """pack: acme-internal
jurisdiction: ACME
title: Acme internal vendor policy
authority: Acme Corp compliance
source_url: https://intranet.example/policy
as_of: "2026-11-01"
reach: subject
rules:
  - id: acme-no-covered-vendors
    title: No FCC-covered vendors
    summary: Acme buys nothing from FCC-covered vendors.
    citation: Acme procurement policy 4.2
    source_url: https://intranet.example/policy/4.2
    trigger: {type: listing, lists: [us-fcc-covered]}
    outcomes:
      - {activities: ["*"], verdict: prohibited, action: Pick another vendor.}
""",
        encoding="utf-8",
    )
    result = cli.invoke(app, ["check", "ZTE Corporation", "--as", "ACME", "--pack", str(pack), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["verdicts"]["ACME"]["verdict"] == "prohibited"

    bad = tmp_path / "bad.yaml"
    bad.write_text(pack.read_text().replace("verdict: prohibited", "verdict: forbidden"), encoding="utf-8")
    result = cli.invoke(app, ["check", "ZTE", "--as", "ACME", "--pack", str(bad)])
    assert result.exit_code == 2
    message = " ".join(result.stderr.split())
    assert "bad.yaml" in message and "acme-no-covered-vendors" in message and "'verdict'" in message
    assert "expected one of prohibited" in message

    duplicate = tmp_path / "dup.yaml"
    duplicate.write_text(pack.read_text().replace("acme-no-covered-vendors", "us-ear-entity-list"), encoding="utf-8")
    result = cli.invoke(app, ["check", "ZTE", "--as", "ACME", "--pack", str(duplicate)])
    assert result.exit_code == 2 and "id already used" in result.stderr

    latin1 = tmp_path / "latin1.yaml"
    latin1.write_bytes(pack.read_text().replace("Acme buys", "Acme achète").encode("latin-1"))
    result = cli.invoke(app, ["check", "ZTE", "--as", "ACME", "--pack", str(latin1)])
    assert result.exit_code == 2 and "not UTF-8" in result.stderr
