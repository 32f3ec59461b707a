"""Numbering distinct values and spreading per-value items over rows agree with plain loops."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from szpolicy.text.distinct import (
    distinct_values,
    per_text,
    repeated,
    spread,
    unused_char,
    where_found,
)


@settings(max_examples=200, deadline=None, database=None)
@given(st.lists(st.sampled_from(["甲", "乙", "丙", "", "甲乙"]), max_size=30), st.data())
def test_items_of_each_value_reach_every_row_with_it(
    values: list[str], data: st.DataObject
) -> None:
    codes, uniques = distinct_values(values)
    assert uniques == list(dict.fromkeys(values))
    assert [uniques[c] for c in codes] == values
    counts = np.array([data.draw(st.integers(0, 3)) for _ in uniques], dtype=np.intp)
    flat = [(value, k) for value, n in zip(uniques, counts, strict=True) for k in range(n)]
    rows, items = repeated(codes, counts)
    found = [[(value, k) for k in range(n)] for value, n in zip(uniques, counts, strict=True)]
    spread_rows, spread_items = spread(codes, found)
    assert np.array_equal(spread_rows, rows) and np.array_equal(spread_items, items)
    expected = [(i, item) for i, v in enumerate(values) for item in flat if item[0] == v]
    assert [(int(r), flat[i]) for r, i in zip(rows, items, strict=True)] == expected


def test_per_text_computes_each_text_once() -> None:
    calls = []
    length = per_text(lambda text: calls.append(text) or len(text))
    assert [length(t) for t in ["甲乙", "丙", "甲乙"]] == [2, 1, 2]
    assert calls == ["甲乙", "丙"]


def test_unused_char_is_the_first_from_the_line_break_that_no_string_holds() -> None:
    assert unused_char(["甲乙", "丙"]) == "\n"
    assert unused_char(["甲\n", "\x0b乙"]) == "\x0c"
    assert unused_char([]) == "\n"


@settings(max_examples=200, deadline=None, database=None)
@given(st.lists(st.text(alphabet="甲乙丙\n", max_size=6), max_size=12))
def test_where_found_calls_the_function_only_on_texts_holding_a_find(texts: list[str]) -> None:
    called = []

    def function(text: str) -> tuple:
        called.append(text)
        return tuple(i for i, c in enumerate(text) if c == "甲")

    def starts(text: str) -> list[int]:
        return [i for i, c in enumerate(text) if c == "甲"]

    assert where_found(texts, function, starts, "\n") == [function(t) for t in texts]
    assert called[: -len(texts) or None] == [t for t in texts if "甲" in t]
