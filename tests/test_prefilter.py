"""The prefilter that picks the rules a text may match by the words they need."""

from __future__ import annotations

from szpolicy.text.prefilter import Prefilter


def test_a_rule_is_a_candidate_when_one_of_its_words_is_in_the_text() -> None:
    prefilter = Prefilter([["年"], ["年代", "世纪"], [], ["月"]])
    assert prefilter.candidates("八十年代") == {0, 1, 2}  # 年 inside 年代 is found too
    assert prefilter.candidates("二十一世纪初") == {1, 2}
    assert prefilter.candidates("三个月") == {2, 3}
    assert prefilter.candidates("") == {2}  # a rule without words is always a candidate


def test_rules_sharing_a_word_are_both_candidates() -> None:
    prefilter = Prefilter([["大"], ["十大", "大"]])
    assert prefilter.candidates("党的十五大") == {0, 1}
    assert prefilter.candidates("十五") == set()


def test_no_rule_has_words() -> None:
    assert Prefilter([[], []]).candidates("任何") == {0, 1}
