"""Sentences whose numbers are worked out together (the tagger's texts in rounds) give the rows
each gives alone, a tagger error leaves only its numeral unreadable, and the words before a
number tagged a part at a time from the end give the noun phrase all of them give."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from szpolicy.stages import indicators
from szpolicy.text.numerals import NUMERAL_RE
from szpolicy.text.segment import parts, pos_tags

from .test_indicators import real_sentences


def test_sentences_together_give_the_rows_each_gives_alone(monkeypatch) -> None:
    """Every second sentence of the seed and the national reports that may hold a number, some
    twice, all at once (and cached) and one by one (repr: NaN bounds equal as written)."""
    monkeypatch.setattr(indicators, "_rows", {})
    texts = [t for t in real_sentences()[::2] if indicators._holds_numbers(t)]
    sentences = [(t, ()) for t in texts + texts[:50]]
    together = indicators._numbers_of(sentences)
    assert sum(bool(found) for found, _ in together) > 1000  # many sentences keep numbers
    assert repr(together) == repr([indicators._worked_out([s])[0] for s in sentences])


def test_a_tagger_error_leaves_the_numeral_unreadable(monkeypatch) -> None:
    """An error of the tagger on one numeral's clause makes that numeral unreadable, as any error
    while measuring it; the sentence's other numeral is measured."""
    tagger = indicators.pos_tags

    def failing(text: str) -> indicators.Tags:
        if text == "接待游客":
            raise ValueError("no state to go on from")
        return tagger(text)

    monkeypatch.setattr(indicators, "pos_tags", failing)
    found, excluded = indicators.sentence_numbers("接待游客300万人次，收入50亿元。")
    assert [(r["surface"], r["measure"]) for r in found] == [("50亿元", "收入")]
    assert [(r["surface"], r["reason"]) for r in excluded] == [("300万", "unreadable")]


def _noun_as_found_before(words: list[tuple[str, str]]) -> tuple[int, int]:
    """`_noun_before` of all the words as `_measure` found it before it took them a part at a
    time: the trailing words skipped, then the nounish ones before them."""
    skip, stop = indicators._words_before_number(), 0
    while words and (words[-1][0] in skip or words[-1][1][0] in "dupcmrqx" or words[-1][0] == "等"):
        stop -= len(words.pop()[0])
    length = 0
    for i in range(len(words) - 1, -1, -1):
        word, flag = words[i]
        suffix_head = i + 1 < len(words) and words[i + 1][0] in indicators.NOMINAL_SUFFIXES
        if not (indicators._nounish(word, flag) or suffix_head):
            break
        length += len(word)
    if not length and words and len(words[-1][0]) > 1:
        length = len(words[-1][0])
    return -stop, length


def _same_noun_from_any_end(text: str) -> bool:
    """Whether the words of the text's last k parts, for each k, give None or the noun phrase
    of all its words, which all of them give as found before; True when some k < all gives it."""
    pieces = parts(text)
    words = [w for p in pieces for w in pos_tags(p)]
    whole = indicators._noun_before(words, whole=True)
    assert whole == _noun_as_found_before(words)
    early = False
    for k in range(len(pieces)):
        words = [w for p in pieces[len(pieces) - k :] for w in pos_tags(p)]
        found = indicators._noun_before(words, whole=False)
        assert found in (None, whole), (text, k)
        early = early or found is not None
    return early


def test_the_noun_before_a_number_from_its_last_parts_on_real_sentences() -> None:
    """The text before each numeral of every tenth sentence, as `_measure` tags it (up to
    WINDOW characters of its clause)."""
    befores = [
        t[max(0, m.start() - indicators.WINDOW) : m.start()]
        for t in real_sentences()[::10]
        for m in NUMERAL_RE.finditer(t)
    ]
    settled = [_same_noun_from_any_end(b) for b in befores if len(parts(b)) > 1]
    assert sum(settled) > 100  # many settled before their first part was tagged


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        st.sampled_from("中国人民政府工作报告增长的等和与同比达共了是在把、，“”《》 12.ab"),
        max_size=30,
    )
)
def test_the_noun_before_a_number_from_its_last_parts_on_made_text(text: str) -> None:
    _same_noun_from_any_end(text)
