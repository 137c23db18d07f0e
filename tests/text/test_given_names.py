from __future__ import annotations

from trustscreen.text.given_names import name_group, name_groups, same_name
from trustscreen.text.resources import load_table


def test_variant_groups() -> None:
    assert name_group("mike") == name_group("michael") == name_group("mikhail") == "michael"
    assert same_name("bill", "william")
    assert same_name("bob", "robert")
    assert same_name("aleksandr", "alexander")
    assert same_name("alexandre", "sasha")
    assert same_name("vladimir", "volodymyr")
    for spelling in ("mohammed", "muhammad", "mohamed", "mohammad", "mehmet", "mohd"):
        assert name_group(spelling) == "muhammad", spelling
    assert same_name("yusuf", "joseph")
    assert same_name("ibrahim", "abraham")
    # pinyin vs Cantonese / Wade-Giles spellings of Chinese surnames
    assert same_name("zhang", "cheung")
    assert same_name("chen", "chan")


def test_names_in_several_groups() -> None:
    assert {"alexander", "alexey", "alexandra"} <= name_groups("alex")
    assert name_group("alex") == "alexander"  # alphabetical choice is stable


def test_unknown_and_unrelated() -> None:
    assert name_group("zzyzx") is None
    assert name_groups("zzyzx") == frozenset()
    assert not same_name("michael", "william")
    assert same_name("zzyzx", "zzyzx")


def test_table_shape() -> None:
    groups = load_table("given_names.yaml")["given"]
    assert len(groups) >= 200
    for group in groups:
        assert len(group) >= 2, group
        assert len(set(group)) == len(group), group
        assert all(name == name.lower() and " " not in name for name in group), group
