"""The prefilter that picks the rules a text may match by the words they need."""

from __future__ import annotations

import re

import pytest

from szpolicy.stages import bodies
from szpolicy.text.prefilter import Prefilter, literal_run, ones


def candidates(prefilter: Prefilter, text: str) -> set[int]:
    return set(ones(prefilter.mask(text)))


def test_a_rule_is_a_candidate_when_one_of_its_words_is_in_the_text() -> None:
    prefilter = Prefilter([["年"], ["年代", "世纪"], [], ["月"]])
    assert candidates(prefilter, "八十年代") == {0, 1, 2}  # 年 inside 年代 is found too
    assert candidates(prefilter, "二十一世纪初") == {1, 2}
    assert candidates(prefilter, "三个月") == {2, 3}
    assert candidates(prefilter, "") == {2}  # a rule without words is always a candidate


def test_rules_sharing_a_word_are_both_candidates() -> None:
    prefilter = Prefilter([["大"], ["十大", "大"]])
    assert candidates(prefilter, "党的十五大") == {0, 1}
    assert candidates(prefilter, "十五") == set()


def test_no_rule_has_words() -> None:
    assert candidates(Prefilter([[], []]), "任何") == {0, 1}


def test_ones_lists_the_set_bits_in_order() -> None:
    assert ones(0) == []
    assert ones(0b1011) == [0, 1, 3]
    assert ones(1 << 70 | 1 << 2) == [2, 70]  # more rules than a machine word holds


def test_the_mask_sets_the_bits_of_the_rules_found() -> None:
    prefilter = Prefilter([["年"], ["年代", "世纪"], [], ["月"]])
    assert prefilter.mask("八十年代") == 0b0111
    assert prefilter.mask("三个月") == 0b1100


@pytest.mark.parametrize(
    ("pattern", "word"),
    [
        ("党的(?:第[一二]+次全国代表大会|[一二]+大)", "党的"),  # the choice after it: no word
        ("中国共产党第[一二]+次全国代表大会", "次全国代表大会"),  # the longer of two runs
        ("[一二]+届人大", "届人大"),
        ("年?月份", "月份"),  # an optional character is no part of a run
        ("月份|季度", ""),  # a choice at the top: neither word is in every match
        ("(?i)abc", ""),  # case folded: the letters are no fixed word
    ],
)
def test_literal_run_is_held_by_every_match(pattern: str, word: str) -> None:
    assert literal_run(pattern) == word
    for text in ("党的十五大", "中国共产党第十一次全国代表大会", "十届人大", "月份", "年月份"):
        if re.search(pattern, text) and word:
            assert word in text


def test_a_body_pattern_without_a_fixed_word_is_rejected() -> None:
    with pytest.raises(ValueError, match="holds no fixed word"):
        bodies._cue("[一二]+届|[一二]+次")
