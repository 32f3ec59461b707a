"""Dates: explicit, implied-year and relative forms, and the report year."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from szpolicy import schema
from szpolicy.stages import dates
from szpolicy.stages.dates import REVIEW_RE, extract_dates, find_dates, report_year
from szpolicy.text.numerals import parse_number
from szpolicy.text.script import hans_aligned
from tests.conftest import sentence_rows as split_sentences

REPORTS = Path(__file__).resolve().parents[1] / "data/raw/national_gwr"


@pytest.mark.parametrize(
    ("text", "surface", "start", "end", "precision"),
    [
        ("於2024年12月28日正式揭牌。", "2024年12月28日", "2024-12-28", "2024-12-28", "day"),
        ("2024年3月，全市召開大會。", "2024年3月", "2024-03-01", "2024-03-31", "month"),
        ("截至2024年底，企業44293家。", "2024年底", "2024-12-01", "2024-12-31", "month"),
        ("2024年度優秀成果。", "2024年度", "2024-01-01", "2024-12-31", "year"),
        ("二〇二三年上半年。", "二〇二三年上半年", "2023-01-01", "2023-06-30", "month"),
        ("獲11月30日《人民政協報》頭版刊發。", "11月30日", "2024-11-30", "2024-11-30", "day"),
        ("去年市人大常委會制定意見。", "去年", "2024-01-01", "2024-12-31", "year"),
    ],
)
@pytest.mark.parametrize("script", ["hant", "hans"])
def test_dates_resolve(text, surface, start, end, precision, script) -> None:
    text = text if script == "hant" else hans_aligned(text)
    sentences = split_sentences(text)
    row = extract_dates(sentences, 2024).iloc[0]
    assert row["surface"] == (surface if script == "hant" else hans_aligned(surface))
    assert (row["date_start"], row["date_end"], row["precision"]) == (start, end, precision)
    assert text[row["char_start"] : row["char_end"]] == row["surface"]


def test_each_report_resolves_against_its_own_year() -> None:
    text = "去年開展活動，11月30日揭牌。"
    sentences = pd.concat([split_sentences(text, "a"), split_sentences(text, "b")])
    table = extract_dates(sentences, {"a": 2024, "b": 2020})
    starts = table.groupby("report_id")["date_start"].apply(list).to_dict()
    assert starts == {"a": ["2024-01-01", "2024-11-30"], "b": ["2020-01-01", "2020-11-30"]}


def test_relative_dates_stay_unresolved_without_a_report_year() -> None:
    table = extract_dates(split_sentences("去年開展活動，近年不斷完善，2024年揭牌。"), None)
    assert list(table["resolved"]) == [False, False, True]
    assert list(table["is_relative"]) == [True, True, False]
    assert table.loc[0, "date_start"] == ""


def test_durations_and_counts_are_not_dates() -> None:
    assert find_dates("連續兩年舉辦，用100天時間，6個月內完成") == []


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("回望剛剛過去的2024年，深圳…2022年實施的條例。2022年。", 2024),
        ("2022年立法，2023年修訂，2023年實施。", 2023),
        ("2022年立法，2023年修訂。", 2023),
        ("沒有年份。", None),
    ],
)
def test_report_year(text: str, year: int | None) -> None:
    assert report_year(text) == year


@pytest.mark.parametrize(
    "text",
    [
        "深圳市人大\n\n回顧2023年工作，展望未來。\n2022年。",
        "回望2024\n年，深圳。",  # 年 on the next line
        "總結2022\n年",  # the match reaches the end of the text
        "乾隆皇后\n回望2024年，深圳。",  # a phrase that folds unlike its characters
        "總結" + "，" * 500 + "2021年，2022年。",  # no review phrase: the most frequent year
    ],
)
def test_report_year_folded_line_by_line_is_that_of_the_whole_text(text: str) -> None:
    m = REVIEW_RE.search(hans_aligned(text))
    assert report_year(text) == (int(parse_number(m["y"])) if m else 2022)


def test_seed_dates(seed) -> None:
    year = report_year(seed.text)
    table = extract_dates(split_sentences(seed.text), year)
    assert year == 2024
    assert {"2024年12月28日", "11月30日", "2024年3月", "2024年底", "去年"} <= set(table["surface"])
    assert table["resolved"].sum() == len(table) - 1  # only 近年 cannot be placed
    for row in table.itertuples():
        assert seed.text[row.char_start : row.char_end] == row.surface
    schema.validate("dates", schema.conform("dates", table))
    hans = extract_dates(split_sentences(hans_aligned(seed.text)), year)
    columns = ["date_start", "date_end", "precision", "char_start"]
    pd.testing.assert_frame_equal(hans[columns], table[columns])


DATE_CHARS = "2０19〇一二十三年月日号份度底末初上下半去今前全内近几来过的 ，x"
DATE_TEXT = st.text(alphabet=DATE_CHARS, max_size=14)


def _dates_found_without_the_cue(monkeypatch, text: str) -> tuple:
    """A text's dates as `find_dates` finds them when its first search is told every text may
    hold one."""
    monkeypatch.setattr(dates, "_date_cue", lambda: re.compile(""))
    return dates._dates.__wrapped__(text)


@settings(max_examples=500, deadline=None)
@given(st.lists(DATE_TEXT, min_size=1, max_size=20))
def test_every_date_holds_a_word_of_the_first_search(texts) -> None:
    """`_dates` gives up on a text where its cue (年, 月, a relative term) finds nothing: every
    date found without that search holds one of its words (made text)."""
    cue = dates._date_cue()
    with pytest.MonkeyPatch.context() as monkeypatch:
        found = [(t, d) for t in texts for d in _dates_found_without_the_cue(monkeypatch, t)]
    assert all(cue.search(t, d.start, d.end) for t, d in found)


def test_the_first_search_loses_no_date_of_the_reports(monkeypatch) -> None:
    lines = [hans_aligned(t) for p in sorted(REPORTS.glob("*.txt")) for t in p.open()]
    cue = dates._date_cue()
    found = [d for t in lines for d in _dates_found_without_the_cue(monkeypatch, t)]
    monkeypatch.undo()
    assert found  # the reports are full of dates
    assert [d for t in lines for d in find_dates(t)] == found
    assert all(cue.search(t) for t in lines if find_dates(t))
