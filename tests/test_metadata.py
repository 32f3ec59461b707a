"""Report metadata: title, year, genre, jurisdiction and collection, from manifest or text."""

from __future__ import annotations

from pathlib import Path

import pytest

from szpolicy.io.manifest import Entry
from szpolicy.io.read import Document
from szpolicy.stages.metadata import detect_genre, genre_of, report_metadata
from szpolicy.stages.structure import structure
from szpolicy.text.script import detect_script

GWR = """首页 > 政务公开 > 正文
分享到：
陕西省政府工作报告
——2025年1月15日在陕西省第十四届人民代表大会第四次会议上
各位代表：
现在，我代表省人民政府，向大会报告工作，请予审议。
一、2024年工作回顾
去年全省生产总值增长5%。
二、2025年重点工作
今年要稳中求进。
"""


def meta(text: str, entry: Entry | None = None, name: str = "r"):
    path = Path("corpus") / f"{name}.txt"
    doc = Document(name, path, text, "utf-8", detect_script(text), "", len(text.encode()))
    return report_metadata(entry or Entry(path, name, ""), structure(doc))


def test_title_year_and_genre_come_from_the_text_clutter_left_out():
    m = meta(GWR)
    assert m.title == "陕西省政府工作报告"
    assert (m.year, m.report_year, m.genre) == (2025, 2024, "government_work_report")
    assert m.collection == "corpus"  # the folder, without a manifest
    assert m.jurisdiction.name == "陕西省"  # the place the title names


def test_manifest_values_win():
    entry = Entry(Path("x/r.txt"), "r", "", "A title", "provinces", 2023, "陕西省", "other")
    m = meta(GWR, entry)
    assert (m.title, m.year, m.collection, m.jurisdiction.code, m.genre) == (
        "A title",
        2023,
        "provinces",
        "610000",
        "other",
    )
    assert m.report_year == 2023  # `other` reviews its own year


def test_traditional_script_gives_the_same_metadata():
    import opencc

    hant = opencc.OpenCC("s2hk").convert(GWR)
    a, b = meta(GWR), meta(hant)
    assert (a.year, a.report_year, a.genre) == (b.year, b.report_year, b.genre)


def test_a_review_states_the_year_it_reviews():
    text = (
        "民主法治建设回顾\n回望刚刚过去的2024年，本市法治建设迈出新步伐。\n"
        "一、立法\n市人大常委会制定条例。\n"
    )
    m = meta(text)
    assert (m.title, m.year, m.report_year, m.genre) == (
        "民主法治建设回顾",
        2024,
        2024,
        "rule_of_law_review",
    )


def test_no_stated_year_leaves_the_year_empty():
    m = meta("一份说明\n2019年和2020年都有工作。\n2020年继续。\n")
    assert m.year is None
    assert m.report_year == 2020  # for relative dates only: the most frequent year named
    assert m.genre == "other"


@pytest.mark.parametrize(
    ("opening", "genre"),
    [
        ("現在，我代表中央人民政府作工作報告。", "government_work_report"),
        ("我代表国务院，向大会报告过去五年的政府工作。", "government_work_report"),
        ("现在，我代表最高人民法院向大会报告工作。", "other"),
        ("全過程人民民主深圳實踐。民主與法治是現代政治文明的基石。", "rule_of_law_review"),
    ],
)
def test_genre_from_the_opening_lines(opening, genre):
    assert detect_genre("", opening).id == genre


def test_unknown_genre_id_is_other():
    assert genre_of("no-such-genre").id == "other"
