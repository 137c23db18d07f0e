"""The policy engine on real entities: the cases named in the issue, ownership, history and conflicts."""

from __future__ import annotations

from typing import Any

import pytest

from trustscreen.errors import ConfigError
from trustscreen.matching import Screener
from trustscreen.policy import Holding, Party, PolicyBook, check, check_entity, make_context
from trustscreen.policy.packs import Verdict


def run(
    screener: Screener, book: PolicyBook, party: Party | str, jurisdictions: list[str], **kw: Any
) -> dict[str, Any]:
    kw.setdefault("on", "2026-11-29")
    return check(party, make_context(jurisdictions, book=book, **kw), screener, book).to_dict()


def findings(data: dict[str, Any], jurisdiction: str, rule_id: str) -> list[dict[str, Any]]:
    return [f for f in data["verdicts"][jurisdiction]["findings"] if f["rule_id"] == rule_id]


def test_smic_3b001_export_needs_a_licence_with_presumption_of_denial(
    curated_screener: Screener, book: PolicyBook
) -> None:
    data = run(curated_screener, book, "SMIC", ["US"], activity="export", eccn="3B001")
    assert data["verdicts"]["US"]["verdict"] == "licence_required"
    entity_list = findings(data, "US", "us-ear-entity-list")
    smic = next(f for f in entity_list if f["evidence"]["match"]["entity_id"] == "us-bis-el:smic")
    assert smic["verdict"] == "licence_required"
    assert smic["review_policy"].startswith("Presumption of denial")
    assert smic["licence_requirement"] == "For all items subject to the EAR"
    assert smic["evidence"]["listing"]["citation"].startswith("85 FR 83416")
    assert smic["evidence"]["listing"]["listed_on"] == "2020-12-18"
    assert smic["citation"].startswith("15 CFR 744.11")
    assert any("conservative reading" in note for note in smic["notes"])


def test_smic_other_items_are_case_by_case_and_ear99_still_needs_a_licence(
    curated_screener: Screener, book: PolicyBook
) -> None:
    for eccn in ("EAR99", "5A992.c"):
        data = run(curated_screener, book, "SMIC", ["US"], activity="export", eccn=eccn)
        smic = next(
            f
            for f in findings(data, "US", "us-ear-entity-list")
            if f["evidence"]["match"]["entity_id"] == "us-bis-el:smic"
        )
        assert smic["verdict"] == "licence_required"
        assert smic["review_policy"].startswith("Case-by-case")
    # Without an ECCN the split policy is shown whole, with a note asking for the ECCN.
    data = run(curated_screener, book, "SMIC", ["US"], activity="export")
    smic = findings(data, "US", "us-ear-entity-list")[0]
    assert "10 nm and below" in smic["review_policy"] and "case-by-case" in smic["review_policy"]
    assert any("ECCN" in note for note in smic["notes"])


def test_ear_follows_the_item_for_a_party_not_subject_to_the_us(curated_screener: Screener, book: PolicyBook) -> None:
    data = run(curated_screener, book, "SMIC", ["IN"], activity="export", eccn="3B001")
    assert data["verdicts"]["US"]["verdict"] == "licence_required"
    assert data["verdicts"]["IN"]["verdict"] == "clear"
    # Without an item subject to the EAR, US rules are not reported for a non-US party.
    data = run(curated_screener, book, "SMIC", ["IN"], activity="export")
    assert set(data["verdicts"]) == {"IN"}


def test_huawei_footnote_1_and_a_us_china_conflict(curated_screener: Screener, book: PolicyBook) -> None:
    data = run(curated_screener, book, "Huawei Technologies Co., Ltd.", ["US", "CN"], activity="export", eccn="EAR99")
    us = data["verdicts"]["US"]
    assert us["verdict"] == "licence_required"
    fdp = findings(data, "US", "us-ear-entity-list-fdp")
    assert fdp and fdp[0]["verdict"] == "licence_required"
    assert "734.9(e)" in fdp[0]["licence_requirement"]
    assert findings(data, "US", "us-ear-entity-list")[0]["review_policy"] == "Presumption of denial"
    cn = data["verdicts"]["CN"]
    assert cn["verdict"] == "restricted"
    art12 = findings(data, "CN", "cn-afsl-art12")[0]
    assert {"us-ear-entity-list", "us-ear-entity-list-fdp"} <= {
        f["rule_id"] for f in art12["evidence"]["foreign_findings"]
    }
    [conflict] = data["conflicts"]
    assert conflict["jurisdictions"] == ["US", "CN"]
    rule_ids = [r["rule_id"] for r in conflict["rules"]]
    assert "us-ear-entity-list" in rule_ids and rule_ids[-1] == "cn-afsl-art12"
    assert "Anti-Foreign Sanctions Law" in conflict["summary"]
    # Subject to the US only: the same facts, no Chinese rule and no conflict.
    us_only = run(curated_screener, book, "Huawei Technologies Co., Ltd.", ["US"], activity="export", eccn="EAR99")
    assert us_only["conflicts"] == [] and set(us_only["verdicts"]) == {"US"}


def test_hikvision_procurement_by_a_us_federal_agency_is_prohibited_under_889(
    curated_screener: Screener, book: PolicyBook
) -> None:
    data = run(curated_screener, book, "Hikvision", ["US"], activity="procurement", roles=["federal-agency"])
    assert data["verdicts"]["US"]["verdict"] == "prohibited"
    part_a = findings(data, "US", "us-ndaa-889-part-a")[0]
    assert part_a["verdict"] == "prohibited"
    assert "s.889(a)(1)(A)" in part_a["citation"]
    assert part_a["effective_from"] == "2019-08-13"
    assert "Public-safety scope" in part_a["evidence"]["listing"]["scope"]
    # A private buyer with no federal role: 889 is only advisory, the FCC list restricts.
    private = run(curated_screener, book, "Hikvision", ["US"], activity="procurement")
    assert findings(private, "US", "us-ndaa-889-part-a")[0]["verdict"] == "advisory"
    assert private["verdicts"]["US"]["verdict"] == "restricted"


def test_889_before_it_took_effect_goes_to_history(curated_screener: Screener, book: PolicyBook) -> None:
    data = run(
        curated_screener, book, "Hikvision", ["US"], activity="procurement", roles=["federal-agency"], on="2019-01-01"
    )
    assert not findings(data, "US", "us-ndaa-889-part-a")
    reasons = [h["reason"] for h in data["verdicts"]["US"]["history"] if h["rule_id"] == "us-ndaa-889-part-a"]
    assert reasons and "2019-08-13" in reasons[0]


def test_pompeo_is_under_chinese_countermeasures(curated_screener: Screener, book: PolicyBook) -> None:
    data = run(curated_screener, book, "Michael R. Pompeo", ["CN"])
    assert data["verdicts"]["CN"]["verdict"] == "restricted"
    finding = findings(data, "CN", "cn-afsl-countermeasure")[0]
    assert finding["evidence"]["listing"]["listed_on"] == "2021-01-20"
    assert finding["unconfirmed"] is True  # the curated entry is marked unconfirmed
    # Chinese script finds him too.
    assert run(curated_screener, book, "蓬佩奥", ["CN"])["verdicts"]["CN"]["verdict"] == "restricted"
    # A US-only party is not bound by China's measures.
    assert run(curated_screener, book, "Michael R. Pompeo", ["US"])["verdicts"]["US"]["verdict"] == "clear"


def test_tiktok_is_blocked_in_india_but_not_prohibited_in_the_us_today(
    curated_screener: Screener, book: PolicyBook
) -> None:
    data = run(curated_screener, book, "TikTok", ["IN", "US"], activity="app_deployment")
    assert data["verdicts"]["IN"]["verdict"] == "prohibited"
    assert findings(data, "IN", "in-it-69a-app-block")[0]["evidence"]["listing"]["listed_on"] == "2020-06-29"
    us = data["verdicts"]["US"]
    assert us["verdict"] == "advisory"
    history = {h["rule_id"]: h["reason"] for h in us["history"]}
    assert "us-eo-connected-apps" in history and "2021-06-09" in history["us-eo-connected-apps"]
    pafaca = findings(data, "US", "us-pafaca")[0]
    assert pafaca["verdict"] == "advisory" and any("would otherwise be prohibited" in n for n in pafaca["notes"])


def test_tiktok_in_the_us_while_eo_13942_was_in_force(curated_screener: Screener, book: PolicyBook) -> None:
    data = run(curated_screener, book, "TikTok", ["US"], activity="app_deployment", on="2020-10-01")
    assert data["verdicts"]["US"]["verdict"] == "prohibited"
    assert findings(data, "US", "us-eo-connected-apps")[0]["verdict"] == "prohibited"
    assert not findings(data, "US", "us-pafaca")


def test_an_unlisted_company_is_clear_everywhere(curated_screener: Screener, book: PolicyBook) -> None:
    data = run(curated_screener, book, "Acme Widgets GmbH", ["US", "CN", "IN", "EU"], activity="export", eccn="EAR99")
    assert {j: v["verdict"] for j, v in data["verdicts"].items()} == dict.fromkeys(["US", "CN", "IN", "EU"], "clear")
    assert data["conflicts"] == [] and data["matches"] == []


def test_subsidiary_of_a_covered_parent_is_caught_through_the_relation(
    curated_screener: Screener, book: PolicyBook
) -> None:
    # HiSilicon's curated record (Entity List) names Huawei as its parent; Huawei's FCC entry reaches
    # subsidiaries and affiliates, so a USF recipient may not buy HiSilicon equipment either.
    data = run(curated_screener, book, "HiSilicon", ["US"], activity="procurement", roles=["usf-recipient"])
    fcc = findings(data, "US", "us-fcc-covered-list")
    assert fcc and fcc[0]["verdict"] == "prohibited"
    evidence = fcc[0]["evidence"]
    assert evidence["trigger"] == "affiliation"
    assert evidence["path"][0]["owned"] == "HiSilicon"
    assert "us-bis-el:hisilicon" in evidence["path"][0]["source"]
    assert evidence["match"]["entity_id"] == "us-fcc-covered:huawei"


def test_declared_owner_on_the_fcc_list_propagates(curated_screener: Screener, book: PolicyBook) -> None:
    party = Party("Shenzhen Example Telecom Parts Co.", owners=(Holding(Party("ZTE Corporation"), 100.0),))
    data = run(curated_screener, book, party, ["US"], activity="procurement", roles=["usf-recipient"])
    fcc = findings(data, "US", "us-fcc-covered-list")
    assert fcc[0]["verdict"] == "prohibited"
    assert fcc[0]["evidence"]["path"] == [
        {
            "owned": "Shenzhen Example Telecom Parts Co.",
            "owner": "ZTE Corporation",
            "share": 100.0,
            "source": "declared by the user",
        }
    ]
    assert data["query"]["owners"][0] == {"name": "ZTE Corporation", "share": 100.0}


def test_ofac_50_percent_rule_aggregates_blocked_owners(sdn_screener: Screener, book: PolicyBook) -> None:
    # Two SDN Cuban entities (real 2024-07-02 SDN rows 306 and 36) hold 30% and 25%: 55% in aggregate.
    owners = (Holding(Party("BANCO NACIONAL DE CUBA"), 30.0), Holding(Party("AEROCARIBBEAN AIRLINES"), 25.0))
    data = run(sdn_screener, book, Party("Caribe Trading Ltd", owners=owners), ["US"], activity="payment")
    assert data["verdicts"]["US"]["verdict"] == "prohibited"
    blocked = findings(data, "US", "us-ofac-sdn-blocking")
    assert {f["evidence"]["trigger"] for f in blocked} == {"ownership"}
    assert {f["evidence"]["match"]["entity_id"] for f in blocked} == {"us-ofac-sdn:306", "us-ofac-sdn:36"}
    assert all("50 Percent Rule" in f["notes"][0] for f in blocked)
    # One of them alone (30%) is below the threshold: advisory, not blocked.
    alone = run(sdn_screener, book, Party("Caribe Trading Ltd", owners=owners[:1]), ["US"], activity="payment")
    assert alone["verdicts"]["US"]["verdict"] == "advisory"
    [below] = findings(alone, "US", "us-ofac-sdn-blocking")
    assert below["evidence"]["trigger"] == "ownership_below_threshold"
    assert "30%" in below["notes"][0]


def test_ofac_50_percent_rule_cascades_through_an_unlisted_holding(sdn_screener: Screener, book: PolicyBook) -> None:
    holding = Party("Intermediate Holdings SA", owners=(Holding(Party("BANCO NACIONAL DE CUBA"), 50.0),))
    party = Party("Caribe Trading Ltd", owners=(Holding(holding, 60.0),))
    data = run(sdn_screener, book, party, ["US"])
    [finding] = findings(data, "US", "us-ofac-sdn-blocking")
    assert finding["verdict"] == "prohibited"
    assert [(s["owned"], s["owner"], s["share"]) for s in finding["evidence"]["path"]] == [
        ("Caribe Trading Ltd", "Intermediate Holdings SA", 60.0),
        ("Intermediate Holdings SA", "BANCO NACIONAL DE CUBA", 50.0),
    ]
    # 49% at the second step breaks the chain.
    holding = Party("Intermediate Holdings SA", owners=(Holding(Party("BANCO NACIONAL DE CUBA"), 49.0),))
    data = run(sdn_screener, book, Party("Caribe Trading Ltd", owners=(Holding(holding, 60.0),)), ["US"])
    assert all(f["verdict"] != "prohibited" for f in findings(data, "US", "us-ofac-sdn-blocking"))


def test_eu_blocking_statute_conflicts_with_cuba_sanctions(sdn_screener: Screener, book: PolicyBook) -> None:
    data = run(sdn_screener, book, "BANCO NACIONAL DE CUBA", ["US", "EU"], activity="payment")
    assert data["verdicts"]["US"]["verdict"] == "prohibited"
    assert data["verdicts"]["EU"]["verdict"] == "reporting_required"
    [conflict] = data["conflicts"]
    assert conflict["jurisdictions"] == ["US", "EU"]
    assert [r["rule_id"] for r in conflict["rules"]] == ["us-ofac-sdn-blocking", "eu-blocking-statute"]
    # An SDN under a program outside the Annex (Russia) raises no Blocking Statute issue.
    data = run(sdn_screener, book, "ROSOBORONEKSPORT", ["US", "EU"], activity="payment")
    assert data["verdicts"]["US"]["verdict"] == "prohibited"
    assert data["verdicts"]["EU"]["verdict"] == "clear" and data["conflicts"] == []


def test_chinese_blocking_rules_reporting_for_a_third_country_sdn(sdn_screener: Screener, book: PolicyBook) -> None:
    data = run(sdn_screener, book, "BANCO NACIONAL DE CUBA", ["US", "CN"], activity="payment")
    assert data["verdicts"]["CN"]["verdict"] == "reporting_required"
    assert [c["rules"][-1]["rule_id"] for c in data["conflicts"]] == ["cn-blocking-rules"]


def test_data_for_a_foreign_authority_needs_chinese_approval(curated_screener: Screener, book: PolicyBook) -> None:
    data = run(
        curated_screener,
        book,
        "Acme Widgets GmbH",
        ["CN"],
        activity="data_transfer",
        roles=["foreign-authority-request"],
    )
    [finding] = findings(data, "CN", "cn-dsl-art36-pipl-art41")
    assert finding["verdict"] == "licence_required" and finding["evidence"] == {"trigger": "activity"}
    assert (
        run(curated_screener, book, "Acme Widgets GmbH", ["CN"], activity="data_transfer")["verdicts"]["CN"]["verdict"]
        == "clear"
    )


def test_ns_cmic_only_restricts_investment(curated_screener: Screener, book: PolicyBook) -> None:
    invest = run(curated_screener, book, "DJI", ["US"], activity="investment")
    assert findings(invest, "US", "us-ofac-ns-cmic")[0]["verdict"] == "prohibited"
    buy = run(curated_screener, book, "DJI", ["US"], activity="payment")
    assert findings(buy, "US", "us-ofac-ns-cmic")[0]["verdict"] == "advisory"


def test_check_entity_uses_the_entity_without_screening(curated_screener: Screener, book: PolicyBook) -> None:
    from trustscreen.policy.graph import relation_index

    version, entity = relation_index(curated_screener).by_id["us-bis-el:smic"]
    result = check_entity(
        entity,
        make_context(["US"], book=book, activity="export", eccn="3B001"),
        curated_screener,
        book,
        version=version,
    )
    assert result.verdict("US") is Verdict.LICENCE_REQUIRED
    assert [m.entity.id for m in result.matches] == ["us-bis-el:smic"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"jurisdictions": ["XX"]}, "jurisdiction 'XX' has no rule pack"),
        ({"jurisdictions": []}, "no jurisdiction given"),
        ({"jurisdictions": ["US"], "activity": "smuggling"}, "activity 'smuggling' is not known"),
        ({"jurisdictions": ["US"], "eccn": "3B0"}, "ECCN '3B0' is not an ECCN"),
        ({"jurisdictions": ["US"], "on": "29/11/2026"}, "expected YYYY-MM-DD"),
        ({"jurisdictions": ["US"], "roles": ["king"]}, "role 'king' is not known"),
    ],
)
def test_bad_context_is_refused_with_what_was_expected(book: PolicyBook, kwargs: dict[str, Any], message: str) -> None:
    jurisdictions = kwargs.pop("jurisdictions")
    with pytest.raises(ConfigError, match=message):
        make_context(jurisdictions, book=book, **kwargs)


def test_hyphenated_activity_and_lowercase_jurisdictions_are_accepted(book: PolicyBook) -> None:
    context = make_context(["us", " cn "], book=book, activity="app-deployment", eccn="3b001")
    assert context.jurisdictions == ("US", "CN") and context.activity == "app_deployment" and context.eccn == "3B001"


def test_owner_shares_outside_0_100_are_refused(curated_screener: Screener, book: PolicyBook) -> None:
    party = Party("X", owners=(Holding(Party("Y"), 150.0),))
    with pytest.raises(ConfigError, match="expected 0-100 percent"):
        check(party, make_context(["US"], book=book), curated_screener, book)
