"""Brand table (bundled YAML) and the website index over loaded entities."""

from __future__ import annotations

from pathlib import Path

import pytest

from trustscreen.assets.brands import load_table, resolve_brand
from trustscreen.assets.domains import DomainIndex, normalize_host, resolve_domain
from trustscreen.assets.model import Asset, AssetKind
from trustscreen.errors import SourceError
from trustscreen.model import Entity, EntityKind, Identifier, Name
from trustscreen.sources import ofac_csv


def test_bundled_brands_resolve_subsidiary_and_former_brands() -> None:
    table = load_table()
    ezviz = table.lookup("EZVIZ C6N indoor camera")
    assert ezviz is not None and ezviz.company == "Hangzhou Hikvision Digital Technology Co., Ltd."
    assert ezviz.relation == "subsidiary" and ezviz.unconfirmed
    assert table.lookup("hik-vision") is table.lookup("Hikvision")
    honor = table.lookup("Honor")
    assert honor is not None and honor.relation == "former" and honor.until == "2020-11-17"
    assert table.lookup("Huawei Marine Networks") is table.lookup("HMN Tech")
    assert table.lookup("Apple") is None and table.lookup("Hi") is None


def test_brand_resolution_names_the_field_and_the_source() -> None:
    asset = Asset(AssetKind.DEVICE, "Door cameras", "inv.yaml: assets[0]", attributes=(("brand", "EZVIZ"),))
    [attribution] = resolve_brand(asset, load_table())
    assert attribution.party == "Hangzhou Hikvision Digital Technology Co., Ltd."
    assert attribution.evidence.startswith("brand 'EZVIZ': EZVIZ is a brand of a Hangzhou Hikvision")
    assert "(unconfirmed)" in attribution.evidence
    # Kinds that carry no brand (an IP address) are not looked up.
    assert resolve_brand(Asset(AssetKind.IP, "Hikvision", "x"), load_table()) == []


def test_bad_brand_tables_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "brands.yaml"
    path.write_text(
        "brands:\n  - {brand: X, company: Y, relation: cousin, source_url: https://e.org}\n", encoding="utf-8"
    )
    with pytest.raises(SourceError, match="relation"):
        load_table(path)
    path.write_text(
        "brands:\n  - {brand: X, company: Y, relation: former, source_url: https://e.org}\n", encoding="utf-8"
    )
    with pytest.raises(SourceError, match="until"):
        load_table(path)


@pytest.mark.parametrize(
    ("raw", "host"),
    [
        ("https://WWW.Arian-Bank.com.af/path?q=1", "arian-bank.com.af"),
        ("www.arian-bank.com.af", "arian-bank.com.af"),
        ("1044064266@qq.com", "qq.com"),
        ("bücher.example", "xn--bcher-kva.example"),
        ("not a host", None),
        ("", None),
    ],
)
def test_normalize_host(raw: str, host: str | None) -> None:
    assert normalize_host(raw) == host


def test_domains_of_real_sdn_entries(shared_data: Path) -> None:
    parsed = ofac_csv.parse(shared_data / "ofac" / "sdn_2024-07-02" / "sdn.csv")
    index = DomainIndex()
    index.add_entities(parsed.entities)
    # SDN 25417 ARIAN BANK: "Website www.arian-bank.com.af" in its remarks.
    hits = index.lookup("online.arian-bank.com.af")
    assert [(h.listed_host, h.entity.id if h.entity else None) for h in hits] == [
        ("arian-bank.com.af", "us-ofac-sdn:25417")
    ]
    assert index.lookup("com.af") == [] and index.lookup("other-bank.com.af") == []
    asset = Asset(AssetKind.DOMAIN, "arian-bank.com.af", "inv")
    [attribution] = resolve_domain(asset, index)
    assert attribution.entity_id == "us-ofac-sdn:25417" and attribution.party == "ARIAN BANK"


def test_host_lists(shared_data: Path, tmp_path: Path) -> None:
    index = DomainIndex()
    # 1,547 lines in the community extract of SDN websites, 326 of them e-mail addresses (skipped:
    # a listed mailbox does not list qq.com); the other 1,221 lines are 1,217 distinct hosts once
    # "www." is dropped (counted with a set over normalize_host of those lines).
    count = index.add_host_list(shared_data / "tech" / "ofac_sdn_websites_urls.txt")
    assert count == 1217
    assert index.lookup("qq.com") == []
    hit = index.lookup("www.1jabber.com")[0]
    assert hit.entity is None and "ofac_sdn_websites_urls.txt line" in hit.evidence
    bad = tmp_path / "hosts.txt"
    bad.write_text("example.org\nnot a host at all\n", encoding="utf-8")
    with pytest.raises(SourceError, match="line 2"):
        index.add_host_list(bad)


def test_entity_without_websites_adds_nothing() -> None:
    index = DomainIndex()
    index.add_entities(
        [Entity("x:1", EntityKind.ORGANIZATION, (Name("X"),), identifiers=(Identifier("IMO", "1234567"),))]
    )
    assert len(index) == 0
