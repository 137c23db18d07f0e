"""The bundled rule packs: complete, sourced, and covering every regime the issue names."""

from __future__ import annotations

from pathlib import Path

import pytest

from trustscreen.errors import ConfigError
from trustscreen.policy import PolicyBook, load_book
from trustscreen.sources.csl import SOURCE_CODES
from trustscreen.sources.curated import parse_bundle


def test_every_named_regime_has_a_rule(book: PolicyBook) -> None:
    ids = {rule.id for rule in book.rules}
    assert {
        "us-ear-entity-list",
        "us-ear-meu-list",
        "us-ear-unverified-list",
        "us-ear-denied-persons",
        "us-ofac-sdn-blocking",
        "us-ofac-ns-cmic",
        "us-fcc-covered-list",
        "us-ndaa-889-part-a",
        "us-ndaa-889-part-b",
        "us-clean-network",
        "in-it-69a-app-block",
        "cn-uel",
        "cn-afsl-countermeasure",
        "cn-afsl-art12",
        "cn-blocking-rules",
        "cn-dsl-art36-pipl-art41",
        "eu-blocking-statute",
    } <= ids
    assert book.jurisdictions == {"US", "CN", "IN", "EU"}
    sdn = next(r for r in book.rules if r.id == "us-ofac-sdn-blocking")
    assert sdn.propagation is not None and sdn.propagation.mode == "ownership" and sdn.propagation.threshold == 50


def test_every_rule_is_sourced(book: PolicyBook) -> None:
    for rule in book.rules:
        assert rule.source_url.startswith("https://"), rule.id
        assert rule.citation and rule.summary and rule.outcomes, rule.id


def test_listing_triggers_name_lists_that_exist(book: PolicyBook) -> None:
    # Curated list ids, CSL source codes and the ids of the official-format parsers.
    known = {parsed.info.list_id for parsed in parse_bundle()}
    known |= set(SOURCE_CODES.values()) | {"us-ofac-sdn", "us-ofac-cons", "us-bis-dpl"}
    for rule in book.rules:
        if rule.trigger.type == "listing":
            assert rule.trigger.lists <= known, (rule.id, rule.trigger.lists - known)


def test_bis_affiliates_rule_suspension_is_encoded(book: PolicyBook) -> None:
    from datetime import date

    rule = next(r for r in book.rules if r.id == "us-ear-entity-list")
    assert rule.propagation is not None
    assert rule.propagation.suspension_on(date(2026, 1, 1)) is not None
    assert rule.propagation.suspension_on(date(2026, 11, 10)) is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("reach: subject", "reach: everywhere"), "field 'reach': expected one of"),
        (("type: listing", "type: vibes"), "field 'type': expected one of"),
        (('activities: ["*"]', "activities: [teleport]"), "unknown activity 'teleport'"),
        (("citation: Policy 1", "citatoin: Policy 1"), "field 'citatoin': unknown key"),
        (('effective_from: "2020-01-01"', 'effective_from: "2020-02-30"'), "expected an ISO date"),
        (("lists: [us-fcc-covered]", "lists: []"), "a listing trigger needs the list ids"),
    ],
)
def test_bad_packs_name_file_rule_and_field(tmp_path: Path, change: tuple[str, str], message: str) -> None:
    text = """pack: t
jurisdiction: T
title: T
authority: T
source_url: https://example.org/
as_of: "2026-01-01"
reach: subject
rules:
  - id: t-rule
    title: T rule
    summary: A test rule.
    citation: Policy 1
    source_url: https://example.org/1
    effective_from: "2020-01-01"
    trigger: {type: listing, lists: [us-fcc-covered]}
    outcomes:
      - {activities: ["*"], verdict: advisory, action: Look.}
"""
    path = tmp_path / "t.yaml"
    path.write_text(text.replace(*change), encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as info:
        load_book([path])
    assert "t.yaml" in str(info.value)
