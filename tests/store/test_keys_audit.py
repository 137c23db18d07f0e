"""API keys and the audit trail in the store (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from trustscreen.errors import ConfigError, StoreError
from trustscreen.store import Store
from trustscreen.store.audit import AuditRecord, recent, record
from trustscreen.store.keys import Role, create_key, find_key, hash_key, key_prefix, list_keys, revoke_key, verify_key
from trustscreen.store.schema import api_keys


def test_a_key_is_shown_once_and_stored_only_as_its_hash(store: Store) -> None:
    created, key = create_key(store.engine, Role.SCREEN, "batch job")
    assert key.startswith(f"ts_{created.prefix}_") and len(key) == 3 + 8 + 1 + 43
    assert (created.role, created.label, created.revoked_at) == (Role.SCREEN, "batch job", None)
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(api_keys)).one()._mapping
    assert row["key_hash"] == hash_key(key) and key not in [str(v) for v in row.values()]
    verified = verify_key(store.engine, key)
    assert verified is not None and verified.id == created.id and verified.role is Role.SCREEN


@pytest.mark.parametrize(
    "wrong",
    ["", "ts_", "ts_zzzzzzzz_secret", "ts_0123abcd_secret", "Bearer ts_x", "ts_0123abcd"],
)
def test_wrong_keys_do_not_verify(store: Store, wrong: str) -> None:
    create_key(store.engine, Role.READ)
    assert verify_key(store.engine, wrong) is None


def test_a_changed_secret_with_a_real_prefix_does_not_verify(store: Store) -> None:
    _, key = create_key(store.engine, Role.ADMIN)
    assert verify_key(store.engine, key[:-1] + ("A" if key[-1] != "A" else "B")) is None


def test_revoking_by_id_or_prefix(store: Store) -> None:
    first, first_key = create_key(store.engine, Role.READ)
    second, second_key = create_key(store.engine, Role.ADMIN)
    revoked = revoke_key(store.engine, first.prefix)
    assert revoked.revoked_at is not None and not revoked.active
    assert verify_key(store.engine, first_key) is None
    assert verify_key(store.engine, second_key) is not None
    again = revoke_key(store.engine, str(first.id))
    assert again.revoked_at == revoked.revoked_at  # the first revocation time stays
    assert [(k.id, k.active) for k in list_keys(store.engine)] == [(first.id, False), (second.id, True)]
    with pytest.raises(StoreError, match="no API key with id or prefix 'nope'"):
        find_key(store.engine, "nope")


def test_a_prefix_of_digits_only_is_still_a_prefix(store: Store) -> None:
    created, _ = create_key(store.engine, Role.READ)
    with store.engine.begin() as conn:  # about 2 % of prefixes are all digits: make this one so
        conn.execute(sa.update(api_keys).where(api_keys.c.id == created.id).values(prefix="20481632"))
    assert find_key(store.engine, "20481632").id == created.id
    assert find_key(store.engine, str(created.id)).prefix == "20481632"


def test_roles_are_ordered_and_parsed() -> None:
    assert Role.ADMIN.allows(Role.SCREEN) and Role.SCREEN.allows(Role.READ) and Role.READ.allows(Role.READ)
    assert not Role.READ.allows(Role.SCREEN) and not Role.SCREEN.allows(Role.ADMIN)
    with pytest.raises(ConfigError, match="role 'root' is not known; expected one of: read, screen, admin"):
        create_key(sa.create_engine("sqlite://"), "root")
    assert key_prefix("ts_0123abcd_x") == "0123abcd" and key_prefix("ts_0123ABCD_x") is None


def _record(route: str, key_id: int | None, status: int = 200, **request: object) -> AuditRecord:
    return AuditRecord(
        at=datetime.now(UTC),
        key_id=key_id,
        key_prefix=None if key_id is None else f"{key_id:08x}",
        method="POST",
        route=route,
        status=status,
        client="127.0.0.1",
        duration_ms=1.5,
        request=dict(request),
        result_ids=[["un:IQi.001", "un:IQi.002"]] if status == 200 else [],
    )


def test_audit_records_are_written_and_read_back_newest_first(store: Store) -> None:
    record(store.engine, [_record("/v1/screen", 1, queries=[{"name": "Saddam Hussein"}]), _record("/match/default", 2)])
    record(store.engine, [_record("/v1/screen", None, 401)])
    rows = recent(store.engine)
    assert [(r["route"], r["status"], r["key_id"]) for r in rows] == [
        ("/v1/screen", 401, None),
        ("/match/default", 200, 2),
        ("/v1/screen", 200, 1),
    ]
    oldest = rows[-1]
    assert oldest["request"] == {"queries": [{"name": "Saddam Hussein"}]}
    assert oldest["result_ids"] == [["un:IQi.001", "un:IQi.002"]]
    assert datetime.fromisoformat(oldest["at"]).tzinfo is not None
    assert [r["route"] for r in recent(store.engine, limit=1, before_id=rows[0]["id"])] == ["/match/default"]
    assert [r["status"] for r in recent(store.engine, key_prefix=f"{1:08x}")] == [200]
    record(store.engine, [])  # nothing to write is not an error
