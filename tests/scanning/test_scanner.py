from __future__ import annotations

import pytest

from trustscreen.scanning import Hit, Scanner, scan
from trustscreen.scanning.scanner import SPELLING_VARIANT_FLOOR, Field

# Huawei is listed by five curated lists (BIS Entity List, Clean Network, 1260H, FCC, NDAA 889).
HUAWEI_IDS = {
    "us-bis-el:huawei",
    "us-clean-network:huawei",
    "us-cmic-1260h:huawei",
    "us-fcc-covered:huawei",
    "us-ndaa-889:huawei",
}
TIKTOK_IDS = {"in-it-69a:tiktok", "us-clean-network:tiktok", "us-eo-apps:tiktok"}


def found(scanner: Scanner, text: str) -> dict[str, set[str]]:
    """Hit text → entity ids, after checking every offset."""
    out: dict[str, set[str]] = {}
    for hit in scanner.scan(text):
        assert text[hit.start : hit.end] == hit.text
        out.setdefault(hit.text, set()).add(hit.entity.id)
    return out


def test_embedded_name_with_offsets_and_legal_form(scanner: Scanner) -> None:
    text = "Last week we renewed the contract with Huawei Technologies Co., Ltd. for routers."
    hits = scanner.scan(text)
    assert {h.entity.id for h in hits} == HUAWEI_IDS
    hit = hits[0]
    assert (hit.start, hit.end) == (39, 67)
    assert hit.text == "Huawei Technologies Co., Ltd"
    assert hit.score == 1.0
    assert hit.features[0].name == "name"
    data = hit.to_dict()
    assert {"start", "end", "text", "entity_id", "name", "score", "listings", "explanation"} <= data.keys()
    assert data["listings"] and data["listings"][0]["list_id"] == data["entity_id"].split(":")[0]


def test_line_break_hyphenation(scanner: Scanner) -> None:
    text = "The supplier is Hua-\nwei Technologies, based in Shenzhen."
    assert found(scanner, text) == {"Hua-\nwei Technologies": HUAWEI_IDS}


@pytest.mark.parametrize(
    ("text", "span", "ids"),
    [
        ("Shares of Hauwei fell after the ruling.", "Hauwei", HUAWEI_IDS),
        ("HUAWEI SHIPPED ROUTERS", "HUAWEI", HUAWEI_IDS),
        ("Teenagers moved from Tik-Tok to other apps.", "Tik-Tok", TIKTOK_IDS),
        ("Teenagers moved from Tik Tok to other apps.", "Tik Tok", TIKTOK_IDS),
        ("Teenagers moved from tiktok to other apps.", "tiktok", TIKTOK_IDS),
    ],
)
def test_case_and_spun_spellings(scanner: Scanner, text: str, span: str, ids: set[str]) -> None:
    assert found(scanner, text) == {span: ids}


def test_misspelling_is_scored_as_a_variant_and_explained(scanner: Scanner) -> None:
    hits = scanner.scan("Analysts expect Hikvison to report losses.")
    assert {h.entity.id for h in hits} == {
        "us-bis-el:hikvision",
        "us-cmic-1260h:hikvision",
        "us-fcc-covered:hikvision",
        "us-ndaa-889:hikvision",
    }
    assert all(h.score >= SPELLING_VARIANT_FLOOR for h in hits)
    assert "hikvison" in hits[0].features[0].detail


def test_person_needs_two_name_parts(scanner: Scanner) -> None:
    assert found(scanner, "Mr. Xi said nothing. Xi was silent.") == {}
    assert found(scanner, "Ren Zhengfei founded the company; Xi Jinping visited.") == {
        "Ren Zhengfei": {"test:ren-zhengfei"},
        "Xi Jinping": {"test:xi-jinping"},
    }
    # Listed as "Michael R. Pompeo" and "Mike Pompeo": initials and given-name forms both count.
    assert found(scanner, "A letter from Michael R. Pompeo arrived.") == {
        "Michael R. Pompeo": {"cn-countermeasures:pompeo"}
    }


@pytest.mark.parametrize(
    "text",
    [
        "China is a large market for network technology.",
        "China. Network. Technology. Telecom. CHINA NETWORK TECHNOLOGY.",
        "The china mobile market grew; telecom operators in China buy network gear.",
        "The soul of the company is its technology.",
        "Ship ten cubic meters of sand.",
        "Cisco and Nokia sell network technology to China.",
        "We checked the browser and the wallet on the mobile app.",
        "Free fire drills are held every month.",
    ],
)
def test_common_words_countries_and_generic_terms_never_hit(scanner: Scanner, text: str) -> None:
    assert found(scanner, text) == {}


def test_generic_and_everyday_names_count_with_capitals_or_context(scanner: Scanner) -> None:
    assert found(scanner, "We signed with China Mobile and with China Telecom last year.") == {
        "China Mobile": {"us-clean-network:china-mobile", "us-cmic-1260h:china-mobile-group"},
        "China Telecom": {"us-clean-network:china-telecom", "us-cmic-1260h:china-telecom"},
    }
    assert found(scanner, "Kids installed the Soul app. Cubic Corporation won the bid.") == {
        "Soul": {"in-it-69a:soul"},
        "Cubic Corporation": {"cn-uel:cubic"},
    }
    assert found(scanner, "Soul searching is hard. Cubic meters.") == {}


def test_short_names(scanner: Scanner) -> None:
    # Three capital letters that are no English word: a name. In lower case: not.
    assert found(scanner, "Routers from ZTE were removed.") == {
        "ZTE": {"us-clean-network:zte", "us-fcc-covered:zte", "us-ndaa-889:zte"}
    }
    assert found(scanner, "The zte of it.") == {}


def test_chinese_text_hits_native_name(scanner: Scanner) -> None:
    text = "我们与华为技术有限公司签订了合同"
    hits = scanner.scan(text)
    assert {h.entity.id for h in hits} == HUAWEI_IDS
    assert {(h.start, h.end, h.text) for h in hits} == {(3, 11, "华为技术有限公司")}
    assert found(scanner, "任正非先生") == {"任正非": {"test:ren-zhengfei"}}


def test_longer_name_wins_over_the_name_inside_it(scanner: Scanner) -> None:
    assert found(scanner, "The unit Huawei Cloud Brazil opened.") == {
        "Huawei Cloud Brazil": {"us-bis-el:huawei-cloud-brazil"}
    }


def test_lists_filter_threshold_and_fields(scanner: Scanner) -> None:
    text = "Payment to Huawei Technologies."
    assert {h.entity.id for h in scanner.scan(text, lists=["us-fcc-covered"])} == set()  # no list versions
    assert scanner.scan("Hauwei", threshold=0.99) == []
    hits = scanner.scan("xx Huawei yy ZTE", [Field("a", 0, 9, label="first"), Field("b", 10, 16)])
    assert {(h.field, h.field_label, h.text) for h in hits} == {("a", "first", "Huawei"), ("b", None, "ZTE")}


def test_library_entry_point_with_a_screener(scanner: Scanner) -> None:
    hits: list[Hit] = scan("Contract with Huawei.", screener=scanner.screener)
    assert {h.entity.id for h in hits} == HUAWEI_IDS
