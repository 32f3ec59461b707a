"""Sentences whose numbers are worked out together (the tagger's texts in rounds) give the rows
each gives alone, and a tagger error leaves only its numeral unreadable."""

from __future__ import annotations

from szpolicy.stages import indicators

from .test_indicators import real_sentences


def _alone(sentence: indicators.Sentence) -> indicators.Rows:
    indicators._rows.clear()  # each on its own, none cached
    return indicators._numbers_of([sentence])[0]


def test_sentences_together_give_the_rows_each_gives_alone(monkeypatch) -> None:
    """Every second sentence of the seed and the national reports that may hold a number, some
    twice, all at once and one by one (repr: NaN bounds equal as written)."""
    monkeypatch.setattr(indicators, "_rows", {})
    texts = [t for t in real_sentences()[::2] if indicators._holds_numbers(t)]
    sentences = [(t, ()) for t in texts + texts[:50]]
    together = indicators._numbers_of(sentences)
    assert sum(bool(found) for found, _ in together) > 1000  # many sentences keep numbers
    assert repr(together) == repr([_alone(s) for s in sentences])


def test_a_tagger_error_leaves_the_numeral_unreadable(monkeypatch) -> None:
    """An error of the tagger on one numeral's clause makes that numeral unreadable, as any error
    while measuring it; the sentence's other numeral is measured."""
    monkeypatch.setattr(indicators, "_rows", {})
    tagger = indicators.pos_tags

    def failing(text: str) -> indicators.Tags:
        if text == "接待游客":
            raise ValueError("no state to go on from")
        return tagger(text)

    monkeypatch.setattr(indicators, "pos_tags", failing)
    found, excluded = indicators.sentence_numbers("接待游客300万人次，收入50亿元。")
    assert [(r["surface"], r["measure"]) for r in found] == [("50亿元", "收入")]
    assert [(r["surface"], r["reason"]) for r in excluded] == [("300万", "unreadable")]
