"""`trustscreen keys create|ls|revoke`: the key is printed once, alone on the last line."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from trustscreen.cli.main import app
from trustscreen.store import Store
from trustscreen.store.keys import verify_key


def run(db: Path, *args: str) -> str:
    result = CliRunner().invoke(app, ["--db", str(db), *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_create_list_revoke(tmp_path: Path) -> None:
    db = tmp_path / "keys.db"
    out = run(db, "keys", "create", "--role", "screen", "--label", "nightly batch")
    lines = out.strip().splitlines()
    key = lines[-1]
    assert key.startswith("ts_") and key == key.strip() and " " not in key
    assert "role screen" in lines[0] and "not shown again" in lines[0]
    store = Store(f"sqlite:///{db}")
    record = verify_key(store.engine, key)
    assert record is not None and record.label == "nightly batch"
    listed = json.loads(run(db, "keys", "ls", "--json"))["keys"]
    assert [(k["prefix"], k["role"], k["label"], k["revoked_at"]) for k in listed] == [
        (record.prefix, "screen", "nightly batch", None)
    ]
    assert key not in run(db, "keys", "ls")  # never shown again
    revoked = json.loads(run(db, "keys", "revoke", record.prefix, "--json"))
    assert revoked["revoked_at"] is not None
    assert verify_key(store.engine, key) is None
    store.close()


def test_bad_role_and_unknown_key_are_user_errors(tmp_path: Path) -> None:
    db = tmp_path / "keys.db"
    bad = CliRunner().invoke(app, ["--db", str(db), "keys", "create", "--role", "root"])
    assert bad.exit_code == 2 and "role 'root' is not known" in bad.stderr
    missing = CliRunner().invoke(app, ["--db", str(db), "keys", "revoke", "deadbeef"])
    assert missing.exit_code == 2 and "no API key with id or prefix 'deadbeef'" in missing.stderr
