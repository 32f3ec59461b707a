"""Structure: sections, parts, roles and sentences, on the seed and on variants of its kind."""

from __future__ import annotations

import re

import pytest

from szpolicy.read import read_report
from szpolicy.script import to_hans
from szpolicy.structure import (
    BLANK,
    heading_styles,
    is_boilerplate,
    match_heading,
    split_lines,
    split_sentences,
    structure,
)

BODY = "市婦聯開展活動12場，惠及3000人。活動獲得好評！"


def report(*sections: str, lede: str = "導語……", intro: str = "引言。", nl: str = "\n") -> str:
    return nl.join([lede, intro, *sections])


def sentences_of(path):
    doc = read_report(path)
    return doc, structure(doc)


def assert_lossless(doc, st):
    covered = [0] * len(doc.text)
    for s in st.sentences:
        assert doc.text[s["char_start"] : s["char_end"]] == s["text"]
        for i in range(s["char_start"], s["char_end"]):
            covered[i] += 1
    for i, ch in enumerate(doc.text):
        assert covered[i] == 1 or (covered[i] == 0 and ch.isspace()), (i, ch)


def test_seed_sections_and_roles(seed):
    st = structure(seed)
    assert [s["section_no"] for s in st.sections] == list(range(1, 16))
    assert {s["part"] for s in st.sections} == {1}
    roles = [s["role"] for s in st.sentences]
    assert roles[0] == "lede" and roles.count("lede") == 1
    assert roles.count("heading") == 15 and roles.count("caption") == 15
    assert all(s["caption"] for s in st.sections)
    assert_lossless(seed, st)


def test_closing_quotes_stay_with_their_sentence():
    text = "他說：「好。」然後走了。（完）"
    spans = split_sentences(text)
    assert [text[a:b] for a, b in spans] == ["他說：「好。」", "然後走了。", "（完）"]


@pytest.mark.parametrize("nl", ["\n", "\r\n"])
@pytest.mark.parametrize("indent", ["", "\u3000\u3000", "  "])
@pytest.mark.parametrize("simplified", [False, True])
def test_variants_of_the_kind(write_report, nl, indent, simplified):
    text = report(
        f"{indent}一、加強立法",
        BODY,
        "第二段正文，說明更多的情況與數字，共有五十個項目。",
        f"{indent}二、推進監督",
        BODY,
        "圖為活動現場。",
        nl=nl,
    )
    if simplified:
        text = to_hans(text)
    doc, st = sentences_of(write_report(text))
    assert doc.script == ("hans" if simplified else "hant")
    assert [(s["section_no"], s["n_paragraphs"]) for s in st.sections] == [(1, 2), (2, 2)]
    assert st.sections[0]["caption"] is None  # two body paragraphs, no caption line
    assert st.sections[1]["caption"] == ("图为活动现场。" if simplified else "圖為活動現場。")
    assert_lossless(doc, st)


def codes(st) -> list[tuple[str, int | None]]:
    return [(d.code, d.line) for d in st.diagnostics]


def test_restart_without_a_label_is_a_nested_list(write_report):
    text = report("一、甲", BODY, "二、乙", BODY, "一、細項", BODY, "二、細項", BODY)
    doc, st = sentences_of(write_report(text))
    assert [(s["part"], s["section_no"]) for s in st.sections] == [(1, 1), (1, 2)]
    assert st.sections[1]["n_paragraphs"] == 5  # its body and the nested list's two items
    subs = [
        (s["section_no"], s["subsection_no"]) for s in st.sentences if s["role"] == "subheading"
    ]
    assert subs == [(2, 1), (2, 2)]
    assert codes(st) == [("numbering_restart", 7)]


@pytest.mark.parametrize("label", ["附件：典型案例", "附件2", "名詞解釋", "注释"])
def test_a_part_label_opens_a_part_whose_sections_restart(write_report, label):
    text = report("一、甲", BODY, "二、乙", BODY, label, "一、案例", BODY, "二、案例", BODY)
    doc, st = sentences_of(write_report(text))
    assert [(s["part"], s["section_no"]) for s in st.sections] == [(1, 1), (1, 2), (2, 1), (2, 2)]
    row = next(s for s in st.sentences if s["text"] == label)
    assert (row["part"], row["section_no"], row["role"]) == (2, 0, "heading")
    assert st.diagnostics == []


def test_chapters_holding_numbered_sections_are_parts(write_report):
    text = report(
        "第一部分 回顧",
        "一、甲",
        BODY,
        "二、乙",
        BODY,
        "第二部分 任務",
        "一、丙",
        BODY,
        "二、丁",
        BODY,
    )
    doc, st = sentences_of(write_report(text))
    assert [(s["part"], s["section_no"], s["heading"]) for s in st.sections] == [
        (1, 1, "甲"),
        (1, 2, "乙"),
        (2, 1, "丙"),
        (2, 2, "丁"),
    ]
    parts = [(s["part"], s["role"]) for s in st.sentences if s["text"].startswith("第")]
    assert parts == [(1, "heading"), (2, "heading")]


@pytest.mark.parametrize(
    ("headings", "expected"),
    [
        (
            ["一、甲", "二、乙", "四、丁"],
            [("numbering_gap", 7, "section 四 follows 二 (三 is missing)")],
        ),
        (
            ["一、甲", "二、乙", "二、乙"],
            [("numbering_repeat", 7, "section 二 is repeated (first at line 5); numbered 3 here")],
        ),
        (
            ["一、甲", "三、丙", "二、乙"],
            [
                ("numbering_gap", 5, "section 三 follows 一 (二 is missing)"),
                ("numbering_order", 7, "section 二 follows 三 (out of order); numbered 4 here"),
            ],
        ),
        (
            ["二、乙", "三、丙"],
            [("numbering_start", 3, "first section is numbered 二, expected one")],
        ),
        (
            ["1、甲", "2、乙", "5、戊"],
            [("numbering_gap", 7, "section 5 follows 2 (3、4 are missing)")],
        ),
    ],
)
def test_tolerated_numbering_is_a_warning_naming_line_and_numbers(write_report, headings, expected):
    text = report(*[x for h in headings for x in (h, BODY)])
    doc, st = sentences_of(write_report(text))
    assert len(st.sections) == len(headings)  # every heading a reader sees is a section
    numbers = [s["section_no"] for s in st.sections]
    assert numbers == sorted(set(numbers))  # unique and rising: the table's key holds
    assert [(d.code, d.line, d.message) for d in st.diagnostics] == expected
    assert all(d.severity == "warning" and d.column == 1 for d in st.diagnostics)


def test_sections_without_body_are_kept_with_a_warning(write_report):
    doc, st = sentences_of(write_report(report("一、甲", BODY, "二、乙", "三、丙", BODY)))
    assert [s["section_no"] for s in st.sections] == [1, 2, 3]
    assert [(d.code, d.line, d.message) for d in st.diagnostics] == [
        ("empty_section", 5, "section 二 has no body text")
    ]
    doc, st = sentences_of(write_report("一、甲\n二、乙\n"))
    assert codes(st) == [("empty_section", 1), ("empty_section", 2)]


def test_a_section_that_opens_with_a_subheading_is_normal(write_report):
    text = report("一、甲", "（一）子甲", BODY, "（二）子乙", BODY, "二、乙", BODY)
    doc, st = sentences_of(write_report(text))
    assert [s["section_no"] for s in st.sections] == [1, 2]
    assert st.diagnostics == []


def test_prose_that_starts_like_a_heading_is_body(write_report):
    prose = "三、四十年前，這裡還是一片農田，如今已經高樓林立。"
    doc, st = sentences_of(write_report(report("一、甲", BODY, prose, "二、乙", BODY)))
    assert [s["section_no"] for s in st.sections] == [1, 2]
    assert any(s["text"] == prose and s["role"] == "body" for s in st.sentences)


def test_no_headings_is_one_section_with_a_warning(write_report):
    doc, st = sentences_of(write_report("第一段。\n第二段。\n"))
    assert [(s["section_no"], s["heading"]) for s in st.sections] == [(1, "")]
    assert {s["role"] for s in st.sentences} == {"body"}
    assert [(d.severity, d.code, d.line) for d in st.diagnostics] == [("warning", "no_headings", 1)]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("第一部分 總體情況", "第二部分 主要工作"),
        ("第一章 總則", "第二章 附則"),
        ("1、總體", "2、工作"),
        ("1. 總體", "2. 工作"),
    ],
)
def test_other_heading_styles(write_report, first, second):
    doc, st = sentences_of(write_report(report(first, BODY, second, BODY)))
    assert [s["section_no"] for s in st.sections] == [1, 2]
    assert st.sections[1]["heading"] == re.split(r"\s|、|\. ", second, maxsplit=1)[1]


def test_parenthesised_subheadings_are_subsections(write_report):
    text = report("一、甲", "（一）子甲", BODY, "（二）子乙", BODY, "二、乙", "(一)子丙", BODY)
    doc, st = sentences_of(write_report(text))
    subs = [
        (s["section_no"], s["subsection_no"], s["role"])
        for s in st.sentences
        if s["role"] == "subheading"
    ]
    assert subs == [(1, 1, "subheading"), (1, 2, "subheading"), (2, 1, "subheading")]
    assert [s["section_no"] for s in st.sections] == [1, 2]


@pytest.mark.parametrize("simplified", [False, True])
def test_web_clutter_is_boilerplate(write_report, simplified):
    clutter = [
        "首頁 > 新聞 > 正文",
        "【字體：大 中 小】",
        "打印本頁",
        "分享到：",
        "來源：深圳新聞網",
    ]
    text = "\n".join([*clutter[:2], report("一、甲", BODY, *clutter[2:], "二、乙", BODY)])
    if simplified:
        text = to_hans(text)
    doc, st = sentences_of(write_report(text))
    boiler = [s["text"] for s in st.sentences if s["role"] == "boilerplate"]
    assert boiler == [to_hans(c) if simplified else c for c in clutter]
    assert [s["n_paragraphs"] for s in st.sections] == [1, 1]
    assert_lossless(doc, st)


@pytest.mark.parametrize(
    ("line", "clutter"),
    [
        ("当前位置：首页 > 工作动态", True),
        ("Copyright © 2024", True),
        ("COPYRIGHT 2024", True),
        ("版权所有 深圳市人民政府", True),
        ("粵ICP備12345號", True),
        ("icp备12345号", True),
        ("微信 微博 QQ空間", True),
        ("qq", True),
        ("【打印】【關閉窗口】", True),
        ("返回頂部", True),
        ("市婦聯開展活動12場，惠及3000人。", False),
        ("一、加強立法", False),
        ("打印本頁" + "很長的一句話" * 20, False),  # over max_chars: prose that mentions it
    ],
)
def test_clutter_lines_in_both_scripts_and_any_case(line, clutter):
    assert is_boilerplate(line) is clutter


def test_annex_label_is_not_a_caption(write_report):
    text = report("一、甲", BODY + BODY, "圖為現場。", "附件：典型案例", "一、案例", BODY)
    doc, st = sentences_of(write_report(text))
    assert st.sections[0]["caption"] == "圖為現場。"
    assert [(s["part"], s["section_no"]) for s in st.sections] == [(1, 1), (2, 1)]


def test_one_pass_cuts_each_line_as_split_sentences_does():
    lines = [
        "\ufeff導語……\u3000",
        "",
        "  \t",
        "他說：「好。」 然後走了。（完）",
        "\u3000\u3000一、加強立法 ",
        "。。開頭是句號？！」後面\u00a0沒有句號\u3000\u3000",
        "Copyright 2024 ©  版權所有",
        "最後一行沒有換行",
    ]
    text = "\r\n".join(lines[:3]) + "\r" + "\n".join(lines[3:6]) + "\r\n\r\n" + "\n".join(lines[6:])
    numbers = [1, 4, 5, 6, 8, 9]  # non-blank lines, counting \r\n, \r and \n as one break each
    found = split_lines(text)  # lines and sentences from one pass over the whole text
    assert [line.no for line in found] == numbers
    for line, content in zip(found, [x for x in lines if x.strip(BLANK)], strict=True):
        assert line.text == text[line.start : line.start + len(line.text)]
        assert line.text == content.strip(BLANK)
        assert line.sentences == split_sentences(line.text, line.start)


@pytest.mark.parametrize(
    "line",
    [
        "第一章 總則",
        "第12部分：工作",
        "一、加強",
        "十二、推進",
        "\u3000三、標題",
        "兩、",
        "1、總體",
        "1. 總體",
        "1.5億元",
        "（一）子",
        "(二)子",
        "甲、乙",
        "",
    ],
)
def test_one_heading_regex_takes_the_styles_in_priority_order(line):
    first = next((s for s in heading_styles() if s.regex.match(line)), None)
    heading = match_heading(line)
    assert (heading.style if heading else None) == first
    if heading:
        m = first.regex.match(line)
        assert (heading.label, heading.end) == (m.group("num"), m.end())
