"""Structure: sections, parts, roles and sentences, on the seed and on variants of its kind."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from szpolicy.errors import SzpolicyError
from szpolicy.io.read import Document, read_report
from szpolicy.rules import compile_rule
from szpolicy.rules import load as load_rule
from szpolicy.stages import paragraphs as paragraphs_module
from szpolicy.stages.headings import heading_score, heading_styles, match_heading
from szpolicy.stages.levels import candidates, within
from szpolicy.stages.paragraphs import (
    BLANK,
    CLOSERS,
    ENDS,
    ended,
    is_boilerplate,
    paragraphs,
    split_lines,
    split_sentences,
)
from szpolicy.stages.structure import structure
from szpolicy.text.numerals import read_label
from szpolicy.text.script import to_hans, to_hant

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
        ("首页", True),
        ("【下載】", True),
        ("上一篇：關於做好春節期間工作的通知", True),
        ("索 引 号：000014349/2024-00012", True),
        ("发布日期：2025-01-20", True),
        ("首頁工作", False),
        ("下載量增長了三成。", False),
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


def blank_separated(*paragraphs: str) -> str:
    """A report whose paragraphs are separated by blank lines, as transcriptions are."""
    return "\n\n".join(paragraphs) + "\n"


@pytest.mark.parametrize("simplified", [False, True])
def test_a_year_or_number_after_the_heading_number_is_a_heading(write_report, simplified):
    text = report(
        "一、2025年工作回顧",
        BODY,
        "（一）一九五七年的成就",
        BODY,
        "二、２０２６年重點工作",
        BODY,
        "三、12345熱線服務",
        BODY,
    )
    text = to_hans(text) if simplified else text
    doc, st = sentences_of(write_report(text))
    assert [(s["section_no"], s["heading"][:5]) for s in st.sections] == [
        (1, "2025年"),
        (2, "２０２６年"),
        (3, "12345"),
    ]
    assert [s["subsection_no"] for s in st.sentences if s["role"] == "subheading"] == [1]
    assert st.diagnostics == []


@pytest.mark.parametrize(
    ("line", "prose"),
    [
        ("三、四十年前，這裡還是一片農田。", True),  # thirty or forty years ago
        ("一、二、三產業協調發展。", True),  # numerals listed
        ("五、六年來，變化很大。", True),
        ("一、三年來的工作", False),  # one: the work of three years
        ("一、一九五八年的成就", False),
        ("二、二〇二一年工作回顧", False),
        ("三、2026年重點工作", False),
    ],
)
def test_prose_after_a_heading_number_is_told_from_a_title(line, prose):
    (par,) = paragraphs(line, split_lines(line), lambda _: False)
    assert (heading_score(par, match_heading(line)) == 0) is prose


def test_the_top_level_is_found_from_the_whole_report(write_report):
    lede = "本年度要做到以下幾點："
    text = report(
        "一、要加強學習；",  # a list in the introduction, not the first section
        "二、要改進作風；",
        "（一）當前形勢",
        BODY,
        "（二）今後方針",
        BODY,
        "一、發展農業",  # ten points of the policy, nested in （二）
        BODY,
        "二、發展工業",
        BODY,
        "（三）前景",
        BODY,
        lede=lede,
    )
    doc, st = sentences_of(write_report(text))
    assert [(s["section_no"], s["numbering"]) for s in st.sections] == [
        (1, "（一）"),
        (2, "（二）"),
        (3, "（三）"),
    ]
    subs = [
        (s["section_no"], s["subsection_no"]) for s in st.sentences if s["role"] == "subheading"
    ]
    assert subs == [(2, 1), (2, 2)]
    intro = [s["text"] for s in st.sentences if s["section_no"] == 0]
    assert intro[2:4] == ["一、要加強學習；", "二、要改進作風；"]


def test_a_longer_nested_list_is_not_the_top_level(write_report):
    """Six items nested in section 二 do not make 一 and 二 an introduction's list."""
    items = [x for n in "一二三四五六" for x in (f"{n}、{BODY}", BODY)]
    doc, st = sentences_of(write_report(report("一、甲", BODY, "二、乙", BODY, *items)))
    assert [s["heading"] for s in st.sections] == ["甲", "乙"]


def test_a_section_number_after_a_nested_list_that_reached_it_continues_that_list(write_report):
    """一 … 五 nested in section 一, then 六 and 七: they continue the nested list (a reader
    would take 六 for the sixth item), so the report keeps sections 一 and 二."""
    items = [x for n in "一二三四五六七" for x in (f"{n}、{BODY}", BODY)]
    doc, st = sentences_of(write_report(report("一、甲", BODY, *items, "二、乙", BODY)))
    assert [s["heading"] for s in st.sections] == ["甲", "乙"]


@pytest.mark.parametrize("simplified", [False, True])
def test_lines_that_run_on_are_one_paragraph_and_one_sentence(write_report, simplified):
    broken = "我們聽了\n關於憲法草案的報告\n並進行了討論，通過了\n憲法\n。這是大事。"
    text = blank_separated(
        "各位代表：", "一、總任務", broken, "\u3000\u3000另一段。\n\u3000\u3000新的一段。"
    )
    text = to_hans(text) if simplified else text
    doc, st = sentences_of(write_report(text))
    body = [s for s in st.sentences if s["role"] in ("body", "caption")]
    first = text[text.index("我") : text.index("。") + 1]  # the raw slice, line breaks kept
    assert [(s["text"], s["line_no"]) for s in body[:2]] == [
        (first, 5),
        (to_hans("這是大事。") if simplified else "這是大事。", 9),
    ]
    assert body[0]["paragraph_no"] == body[1]["paragraph_no"]
    # an indented line starts a paragraph even without a blank line before it
    assert body[2]["paragraph_no"] + 1 == body[3]["paragraph_no"]
    assert st.sections[0]["n_paragraphs"] == 3
    assert_lossless(doc, st)


def test_without_blank_lines_each_line_is_a_paragraph(write_report):
    doc, st = sentences_of(write_report(report("一、甲", "沒有句號的一行", "下一行。")))
    body = [s for s in st.sentences if s["role"] in ("body", "caption")]
    assert [s["text"] for s in body] == ["沒有句號的一行", "下一行。"]
    assert body[0]["paragraph_no"] + 1 == body[1]["paragraph_no"]


@pytest.mark.parametrize("simplified", [False, True])
@pytest.mark.parametrize("separated", [False, True])
def test_clutter_anywhere_is_boilerplate(write_report, simplified, separated):
    clutter = [
        "首頁 > 政務公開 > 政府工作報告",
        "字號：大 中 小",
        "來源：市政府辦公廳 發布時間：2024-01-15",
        "【打印本頁】【關閉窗口】",
        "掃一掃在手機打開當前頁",
        "【下載】",
        "Public domain",
    ]
    paragraphs = [
        *clutter[:3],
        "各位代表：",
        "一、甲",
        BODY,
        clutter[3],
        "二、乙",
        BODY,
        *clutter[4:],
    ]
    text = (blank_separated if separated else report)(*paragraphs)
    text = to_hans(text) if simplified else text
    doc, st = sentences_of(write_report(text))
    boiler = [s["text"] for s in st.sentences if s["role"] == "boilerplate"]
    assert boiler == [to_hans(c) if simplified else c for c in clutter]
    assert [s["n_paragraphs"] for s in st.sections] == [1, 1]
    assert_lossless(doc, st)


def test_a_licence_notice_is_boilerplate_as_a_whole(write_report):
    notice = "本作品是中华人民共和国的\n法律\n，根据《\n著作权法\n》，属于\n公有领域\n。"
    doc, st = sentences_of(write_report(blank_separated("一、甲", BODY, notice)))
    rows = [s for s in st.sentences if s["char_start"] >= doc.text.index("本作品")]
    assert rows and {s["role"] for s in rows} == {"boilerplate"}


def test_numerals_alone_on_their_lines_are_headings(write_report):
    doc, st = sentences_of(write_report(blank_separated("各位代表：", "一", BODY, "二", BODY)))
    assert [(s["section_no"], s["numbering"], s["heading"]) for s in st.sections] == [
        (1, "一", ""),
        (2, "二", ""),
    ]


def test_unnumbered_headings_set_apart_by_layout(write_report):
    body = "\u3000\u3000" + BODY
    text = blank_separated(
        "各位代表：", "國內建設", body, body, "對外工作", body, body, "結束語", body, body
    )
    doc, st = sentences_of(write_report(text))
    assert [(s["section_no"], s["numbering"], s["heading"]) for s in st.sections] == [
        (1, "", "國內建設"),
        (2, "", "對外工作"),
        (3, "", "結束語"),
    ]
    assert codes(st) == [("unnumbered_headings", 3)]


def test_unnumbered_headings_around_a_numbered_list_are_the_top_level(write_report):
    body = "\u3000\u3000" + BODY
    text = blank_separated(
        "各位代表：", "國內建設", body, body, "一、農業", body, "二、工業", body,
        "對外工作", body, body, "結束語", body, body,
    )  # fmt: skip
    doc, st = sentences_of(write_report(text))
    assert [s["heading"] for s in st.sections] == ["國內建設", "對外工作", "結束語"]
    subs = [
        (s["section_no"], s["subsection_no"]) for s in st.sentences if s["role"] == "subheading"
    ]
    assert subs == [(1, 1), (1, 2)]


def test_a_title_and_date_line_are_no_headings(write_report):
    body = "\u3000\u3000" + BODY
    text = blank_separated("政府工作報告", "二〇二五年一月十五日", body, body, body)
    doc, st = sentences_of(write_report(text))
    assert codes(st) == [("no_headings", 1)]


def test_ordinals_number_points_nested_in_a_section(write_report):
    text = report("一、甲", BODY, "第一、加強農業", BODY, "第二、發展工業", BODY, "二、乙", BODY)
    doc, st = sentences_of(write_report(text))
    assert [s["section_no"] for s in st.sections] == [1, 2]
    subs = [s["text"] for s in st.sentences if s["role"] == "subheading"]
    assert subs == ["第一、加強農業", "第二、發展工業"]


@pytest.mark.parametrize("label", ["几", "十十", "百", "幾"])
def test_a_label_that_is_no_number_never_raises(write_report, label):
    assert read_label(label) is None
    text = report(f"{label}、方面", BODY, "從以下幾個方面：", f"（{label}）子項", BODY)
    doc, st = sentences_of(write_report(text))
    assert_lossless(doc, st)


def test_formal_numerals_of_traditional_reports(write_report):
    text = report(
        "壹、總體情況", BODY, "貳、主要工作", BODY, "參、未來展望", BODY, "拾壹、附記", BODY
    )
    doc, st = sentences_of(write_report(text))
    assert [s["section_no"] for s in st.sections] == [1, 2, 3, 11]
    assert codes(st) == [("numbering_gap", 9)]


SCRAPED = """首页 > 政务公开 > 政府工作报告
字号：大 中 小
来源：省政府办公厅 发布时间：2025-01-20 浏览次数：12345
【打印本页】【关闭窗口】

政府工作报告

各位代表：

　　现在，我代表省人民政府，向大会报告工作，请予审议。

一、2024年工作回顾

　　过去一年，全省生产总值增长5.3%。

（一）坚持稳中求进，经济实现量质齐升。全年固定资产投资增长4%。

（二）坚持创新驱动，产业结构持续优化。高新技术企业达到1.7万家。

　　三、四十年前这里还是一片荒原，如今已成为现代化新城，人口超过百万。

　　全省上下团结奋斗，各项事业取得新的进展。

二、2025年主要目标

　　生产总值增长5.5%左右。

三、2025年重点工作

（一）着力扩大有效需求。

　　实施提振消费专项行动。

（二）着力推进科技创新。

　　加快建设创新驱动平台。

附件

名词解释

1.新质生产力：由技术革命性突破催生的先进生产力质态。

2.创新平台：创新驱动平台的简称。

扫一扫在手机打开当前页
【打印】【关闭】
"""


@pytest.mark.parametrize("simplified", [True, False])
def test_a_scraped_provincial_report(write_report, simplified):
    text = SCRAPED if simplified else to_hant(SCRAPED)
    doc, st = sentences_of(write_report(text))
    assert [(s["part"], s["section_no"], s["heading"][:6]) for s in st.sections] == [
        (1, 1, "2024年工"),
        (1, 2, "2025年主"),
        (1, 3, "2025年重"),
        (2, 1, text[text.index("新质" if simplified else "新質") :][:6]),
        (2, 2, text[text.index("创新平" if simplified else "創新平") :][:6]),
    ]
    lines = SCRAPED.splitlines()

    def line_of(start: str) -> int:
        return next(n for n, line in enumerate(lines, 1) if line.startswith(start))

    roles = [(s["line_no"], s["role"]) for s in st.sentences]
    clutter = [line_of(x) for x in ("首页", "字号", "来源", "【打印本页", "扫一扫", "【打印】")]
    assert [n for n, role in roles if role == "boilerplate"] == clutter
    subs = [line_of(x) for x in ("（一）坚持", "（二）坚持", "（一）着力", "（二）着力")]
    assert [n for n, role in roles if role == "subheading"] == subs
    labels = [
        (s["part"], s["role"])
        for s in st.sentences
        if s["text"] in ("附件", to_hant("名词解释"), "名词解释")
    ]
    assert labels == [(2, "heading"), (2, "heading")]
    prose = next(s for s in st.sentences if s["line_no"] == line_of("　　三、四十年前"))
    assert (prose["section_no"], prose["role"]) == (1, "body")
    assert st.diagnostics == []
    assert_lossless(doc, st)


def test_bad_rules_are_refused_naming_their_file():
    with pytest.raises(SzpolicyError, match="bad pattern") as err:
        compile_rule("[unclosed", "headings.yaml")
    assert err.value.path == "headings.yaml"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n\n",
        "〇、甲\n一、乙\n",
        "一、\n一、\n二、二、\n",
        "附件\n附件\n一、甲\n",
        "【打印】\n",
    ],
)
def test_odd_texts_structure_without_raising(text):
    doc = Document("r", Path("r.txt"), text, "utf-8", "hans", "", 0)
    st = structure(doc)
    keys = [(s["part"], s["section_no"]) for s in st.sections]
    assert len(keys) == len(set(keys))
    assert all(s["text"] == text[s["char_start"] : s["char_end"]] for s in st.sentences)


def test_formal_numerals_number_the_level_above_plain_ones(write_report):
    text = report("壹、總體情況", "一、甲", BODY, "二、乙", BODY, "貳、未來展望", "一、丙", BODY)
    doc, st = sentences_of(write_report(text))
    assert [(s["section_no"], s["numbering"]) for s in st.sections] == [(1, "壹、"), (2, "貳、")]
    subs = [
        (s["section_no"], s["subsection_no"]) for s in st.sentences if s["role"] == "subheading"
    ]
    assert subs == [(1, 1), (1, 2), (2, 1)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("增长5%。", True),
        ("他说：“好！”）", True),
        ("一、总体要求", False),
        ("。好", False),
        ("”", False),
    ],
)
def test_ended_reads_the_end_of_a_text(text, expected):
    assert ended(text) is expected


@given(st.text(alphabet=ENDS + CLOSERS + "字a \n", max_size=8))
def test_ended_agrees_with_the_regex_it_replaces(text):
    # sentence-final punctuation, then closing quotes only, up to the end (or a final newline)
    assert ended(text) == bool(re.search(f"[{ENDS}]+[{re.escape(CLOSERS)}]*$", text))


def test_candidates_taken_by_range_are_the_range_s_own() -> None:
    """`within` the report's heading candidates gives every range's candidates, as found in it."""
    folder = Path(__file__).resolve().parents[1] / "data/raw/national_gwr"
    found = 0
    for path in sorted(folder.glob("*.txt"))[::5]:
        text = read_report(path).text
        pars = paragraphs(text, split_lines(text), lambda line: match_heading(line) is not None)
        every = candidates(pars, 0, len(pars))
        found += len(every)
        cuts = range(0, len(pars) + 1, 7)
        for lo, hi in [(a, b) for a in cuts for b in cuts if a <= b] + [(0, len(pars))]:
            assert within(every, lo, hi) == candidates(pars, lo, hi)
    assert found > 100  # the reports number their sections


@pytest.mark.parametrize("bad", ["[unclosed", 12])
def test_a_bad_clutter_pattern_is_refused_naming_the_file(monkeypatch, bad) -> None:
    rule = load_rule("boilerplate")
    data = {**rule.data, "notices": [*rule.data["notices"], bad]}
    monkeypatch.setattr(paragraphs_module, "load_rule", lambda _: replace(rule, data=data))
    paragraphs_module.boilerplate_rules.cache_clear()
    try:
        with pytest.raises(SzpolicyError, match="bad pattern") as err:
            paragraphs_module.boilerplate_rules()
        assert err.value.path == "boilerplate.yaml"
    finally:
        paragraphs_module.boilerplate_rules.cache_clear()
