from __future__ import annotations

from trustscreen.text.initials import initials_compatible, is_initial


def test_is_initial() -> None:
    assert is_initial("a")
    assert is_initial("в")
    assert not is_initial("al")
    assert not is_initial("1")
    assert not is_initial("")


def test_initials_compatible() -> None:
    assert initials_compatible(["a", "khamenei"], ["ali", "khamenei"])
    assert initials_compatible(["khamenei", "a"], ["ali", "khamenei"])  # order is free
    assert initials_compatible(["v", "v", "putin"], ["vladimir", "vladimirovich", "putin"])
    assert initials_compatible(["a", "b", "khamenei"], ["ali", "khamenei"])  # extra part on the longer side
    assert not initials_compatible(["a", "khamenei"], ["reza", "khamenei"])
    assert not initials_compatible(["a", "b", "smith"], ["c", "smith"])
    assert not initials_compatible([], ["ali"])


def test_needs_a_full_assignment_not_a_greedy_one() -> None:
    # "a" must not take "ali" when "ali" is needed exactly; the matching moves it to "ahmad".
    assert initials_compatible(["a", "ali"], ["ali", "ahmad"])
    assert not initials_compatible(["a", "a", "ali"], ["ali", "ahmad", "karim"])
