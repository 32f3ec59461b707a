"""Unseen-like reports made from the real ones (tests/variants.py): the other script, a scraped
web page around a report, a province's or another city's report, annexes, odd files. What a
reader sees in the report must not change with its wrapping."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import pandas as pd
import pytest

from szpolicy.io import paths
from szpolicy.io.manifest import Entry
from szpolicy.io.read import Document
from szpolicy.stages.agencies import agency_mentions, lead_agencies
from szpolicy.stages.metadata import Metadata, report_metadata
from szpolicy.stages.paragraphs import is_boilerplate, split_lines
from szpolicy.stages.registry import _frame, content_of
from szpolicy.stages.structure import Structure, structure
from szpolicy.text.script import detect_script, to_hans

from . import variants as v
from .conftest import SEED

NATIONAL = paths.RAW / "national_gwr"
# Reports across the decades: 1954 (Traditional, no numbered headings), 1964 (unnumbered
# headings), 1980, 2007 (sub-headings), 2025.
SAMPLE = ["national_gwr_1954", "national_gwr_1964", "national_gwr_1980", "national_gwr_2007"]
SAMPLE += ["national_gwr_2025"]
LONG_LINE_BYTES = 512 << 10  # a whole report on one line


class Read(NamedTuple):
    """A text as the build reads it, the numbers stage aside."""

    text: str
    structure: Structure
    meta: Metadata
    mentions: pd.DataFrame
    leads: pd.DataFrame


def read(text: str) -> Read:
    doc = Document("r", Path("web/r.txt"), text, "utf-8", detect_script(text), "", 0)
    st = structure(doc)
    meta = report_metadata(Entry(doc.path, "r", ""), st)
    sentences = content_of(_frame(st.sentences))
    context = {"r": (meta.jurisdiction, meta.genre)}
    mentions = agency_mentions(sentences, context)
    return Read(text, st, meta, mentions, lead_agencies(sentences, mentions, context))


def raw(name: str) -> str:
    path = SEED if name == SEED.stem else NATIONAL / f"{name}.txt"
    return path.read_text("utf-8")


def seen(r: Read, at=lambda offset: offset, convert=lambda text: text, skip=()) -> dict:
    """What a reader sees: sections, sentences (but those of lines `skip`), mentions, leads and
    metadata; offsets through `at`, headings and title through `convert`."""
    m, st = r.meta, r.structure
    return {
        "sections": [
            (s["part"], s["section_no"], s["numbering"], to_hans(convert(s["heading"])))
            + (at(s["char_start"]), at(s["char_end"]))
            for s in st.sections
        ],
        "sentences": [
            (at(s["char_start"]), at(s["char_end"]), s["role"], s["section_no"], s["subsection_no"])
            for s in st.sentences
            if s["line_no"] not in skip
        ],
        "mentions": list(
            zip(
                r.mentions["agency_id"],
                map(at, r.mentions["char_start"]),
                r.mentions["role"],
                strict=True,
            )
        ),
        "leads": r.leads["lead_agency_id"].fillna("").tolist(),
        "meta": (
            to_hans(convert(m.title)),
            m.year,
            m.jurisdiction and m.jurisdiction.code,
            m.genre,
        ),
    }


@pytest.mark.parametrize("name", [*SAMPLE, SEED.stem])
def test_the_other_script_reads_the_same(name):
    text = raw(name)
    config = "hk2s" if detect_script(text) == "hant" else "s2hk"
    converted = v.convert(text, config)
    assert len(converted) == len(text)
    assert seen(read(converted)) == seen(read(text), convert=lambda t: v.convert(t, config))


@pytest.mark.parametrize("name", ["national_gwr_2007", SEED.stem])
def test_taiwan_wording_reads_the_same(name):
    text = to_hans(raw(name))
    converted, where = v.convert_with_offsets(text, "s2twp")  # 优化 → 最佳化: offsets shift
    assert len(converted) != len(text)
    expected = seen(read(text), where.__getitem__, lambda t: v.convert(t, "s2twp"))
    assert seen(read(converted)) == expected


PAGES = [
    ("national_gwr_1954", "hant", False),
    ("national_gwr_1964", "hans", True),
    ("national_gwr_2025", "hans", True),
    ("national_gwr_2025", "hant", False),
    (SEED.stem, "hant", True),
    (SEED.stem, "hans", False),
]


@pytest.mark.parametrize(("name", "script", "crlf"), PAGES)
def test_a_scraped_page_reads_as_its_report(name, script, crlf):
    config = "hk2s" if script == "hans" else "s2hk"
    body = v.convert(raw(name), config)
    title = v.convert(
        "深圳市2024年民主法治建设综述" if name == SEED.stem else "政府工作报告", config
    )
    report = v.titled(title, body)
    source = "深圳市人民政府" if name == SEED.stem else "陕西省人民政府办公厅"  # a repost
    page = v.wrap_page(title, body, source, hant=script == "hant")
    text = v.crlf(page.text) if crlf else page.text

    def at(offset: int) -> int:
        shifted = page.shift(report, offset)
        return v.crlf_offset(page.text, shifted) if crlf else shifted

    wrapped = read(text)
    got = seen(wrapped, skip=page.clutter_lines)
    clutter = [s for s in wrapped.structure.sentences if s["line_no"] in page.clutter_lines]
    assert {s["line_no"] for s in clutter} == set(page.clutter_lines)
    assert {s["role"] for s in clutter} == {"boilerplate"}
    assert got == seen(read(report), at)
    assert wrapped.meta.title == title


CLUTTER = """网站首页 | 政务公开 | 政务服务 | 互动交流
首页 > 政务公开 > 政府工作报告
您当前的位置：首页 > 政务公开
【字体：大 中 小】【打印】【关闭】
【字号：大 中 小】
字号：T | T
【字体：默认 超大 大 中 小】
A- A A+
【 打印 】【 关闭 】
打印本页 关闭窗口
分享到：微信 微博 QQ空间
来源：陕西省人民政府办公厅  发布时间：2025-01-20 09:30  浏览次数：1234
信息来源：陕西省政府办公厅 发布日期：2025-01-20
2025-01-20 09:30
阅读次数：1234
责任编辑：张三
审核：王五
相关链接：
主办：陕西省人民政府办公厅  承办：陕西省大数据中心
网站标识码：6100000001  陕ICP备05004960号-1
联系电话：029-12345678
扫一扫在手机打开当前页
【我要纠错】【收藏】
视力保护色：
返回顶部
上一篇：关于印发2025年重点民生实事的通知
第1页 共2页
附件下载：
手机版
无障碍浏览
长者模式""".splitlines()
# A footer or header run together on one line by the scraper.
CLUTTER += [
    "主办：陕西省人民政府办公厅 承办：陕西省大数据中心 网站标识码：6100000035 "
    "陕ICP备05004960号-1 陕公网安备 61010202000425号 建议使用1920*1080分辨率 IE9及以上浏览器",
    "来源：陕西省人民政府办公厅 发布时间：2025-01-20 09:30 浏览次数：1234 "
    "【字体：大 中 小】【打印】【关闭】 分享到：微信 微博 QQ空间 扫一扫在手机打开当前页",
]
# Taiwan and Hong Kong page furniture, written as those sites write it.
CLUTTER += """字級：小 中 大
友善列印
回上一頁
回首頁
返回頁首
瀏覽人次：1234
更新日期：114-01-20
發布單位：行政院主計總處
資料來源：行政院
最後修訂日期：2025年1月20日
分享至：Facebook Twitter""".splitlines()
NOT_CLUTTER = [
    "【专栏1】2025年重点民生实事",
    "2025年1月20日",
    "附件1",
    "一、2025年工作回顾",
    "各位代表：",
    "首页设计要简洁。",
    "打印机产业持续壮大，主办单位要加强统筹。",
    "加强知识产权保护，维护版权所有者的合法权益，严厉打击侵权盗版行为。" * 3,
    "主办：省商务厅 时间：2025年5月 地点：西安 内容：丝绸之路国际博览会暨中国东西部合作与投资"
    "贸易洽谈会，签约项目三百余个，总金额超过两千亿元，吸引了来自一百多个国家和地区的客商参会。",
]


@pytest.mark.parametrize("line", CLUTTER)
def test_page_furniture_is_clutter_in_both_scripts(line):
    assert is_boilerplate(line)
    assert is_boilerplate(v.convert(line, "s2hk"))
    assert is_boilerplate(v.convert(line, "hk2s"))


@pytest.mark.parametrize("line", NOT_CLUTTER)
def test_report_lines_are_not_clutter(line):
    assert not is_boilerplate(line)


def test_no_line_of_the_national_reports_is_clutter_but_their_licence_notice():
    for path in sorted(NATIONAL.glob("*.txt")):
        text = path.read_text("utf-8")
        notice = text.rindex("本作品")
        clutter = [x.text for x in split_lines(text) if is_boilerplate(x.text)]
        assert all(text.index(x, notice) for x in clutter), (path.name, clutter)


@pytest.mark.parametrize("name", ["national_gwr_1964", "national_gwr_2025"])
def test_a_provinces_work_report(name):
    r = read(v.provincialise(to_hans(raw(name))))
    assert (r.meta.jurisdiction.code, r.meta.genre) == ("610000", "government_work_report")
    assert r.meta.title == "陕西省政府工作报告"
    generic = r.mentions[r.mentions["surface"].isin(["省政府", "我省", "陕西省人民政府", "省政协"])]
    assert len(generic) >= 5
    assert set(generic["jurisdiction_code"]) == {"610000"}
    assert set(generic["agency_id"]) <= {"province_government", "province_whole", "province_cppcc"}
    assert set(r.leads["lead_agency_id"]) == {"province_government"}
    places = set(r.mentions["jurisdiction_code"]) - {"", "100000", "610000"}
    assert not places


@pytest.mark.parametrize(("city", "code"), [("成都", "510100"), ("廣州", "440100")])
@pytest.mark.parametrize("script", ["hant", "hans"])
def test_another_citys_review_never_names_shenzhen(city, code, script):
    text = v.recity(raw(SEED.stem), city)
    r = read(text if script == "hant" else v.convert(text, "hk2s"))
    assert (r.meta.jurisdiction.code, r.meta.genre) == (code, "rule_of_law_review")
    m = r.mentions
    assert "440300" not in set(m["jurisdiction_code"])  # Shenzhen's own bodies, unless named
    guangdong = m[m["jurisdiction_code"].eq("440000")]
    assert all(to_hans(s).startswith("广东") for s in guangdong["surface"])
    own = m[m["agency_id"].str.startswith("city_")]
    assert len(own) >= 30
    assert set(own["jurisdiction_code"]) == {code}
    assert set(r.leads["lead_agency_id"].dropna()) <= set(own["agency_id"]) | {
        "national_prosecutors_college_gba_branch"
    }


@pytest.mark.parametrize("name", ["national_gwr_1954", "national_gwr_2025", SEED.stem])
@pytest.mark.parametrize("hant", [False, True])
def test_annexes_are_parts_after_the_report(name, hant):
    text = raw(name)
    before = read(text).structure.sections
    r = read(v.with_annex(text, hant))
    main = max(s["part"] for s in before)
    assert r.structure.sections[: len(before)] == before
    annex = [
        (s["part"], s["section_no"], s["numbering"]) for s in r.structure.sections[len(before) :]
    ]
    glossary, table = main + 1, main + 2
    assert annex == [(glossary, 1, "1."), (glossary, 2, "2."), (glossary, 3, "3."), (table, 1, "")]
    rows = [s for s in r.structure.sentences if s["part"] == table]
    assert [s["role"] for s in rows] == ["heading"] + ["body"] * 5  # 附件1, title, header, rows
    assert all("\n" not in s["text"] for s in rows)  # a table row never runs on


def test_a_section_that_opens_with_a_subheading():
    text = raw("national_gwr_2007")
    lines = text.split("\n")
    head = lines.index("三、促进经济又好又快发展")
    sub = next(i for i in range(head, len(lines)) if lines[i].startswith("（一）"))
    cut = "\n".join(lines[: head + 1] + lines[sub:])
    before, after = read(text).structure, read(cut).structure
    assert [s["heading"] for s in after.sections] == [s["heading"] for s in before.sections]
    opened = next(s for s in after.sentences if s["text"].startswith("（一）坚持加强"))
    assert (opened["section_no"], opened["subsection_no"], opened["role"]) == (3, 1, "subheading")


def test_headings_that_name_years_nest_their_subheadings():
    text = raw("national_gwr_2007").replace("一、2006年工作回顾", "一、2025年工作回顾")
    text = text.replace("二、2007年工作总体部署", "二、2026年重点工作")
    st = read(text).structure
    assert [s["heading"] for s in st.sections][:2] == ["2025年工作回顾", "2026年重点工作"]
    subs = {
        (s["section_no"], s["subsection_no"]) for s in st.sentences if s["role"] == "subheading"
    }
    assert {(1, 1), (1, 2), (3, 1), (3, 2)} <= subs


def odd_files(folder: Path) -> dict[str, str]:
    """Files a build must take without a traceback, made from the real reports; the expected
    outcome: built (0) or refused with a message (error)."""
    text, seed = raw("national_gwr_2025")[:6000], raw(SEED.stem)
    page = v.wrap_page("政府工作报告", text, "中国政府网")
    files = {
        "clutter_only": v.CRUMBS + "\n" + "\n".join(v.HEADER) + "\n版权所有：中国政府网\n",
        "headings_only": "一、总体要求\n二、主要任务\n（一）稳增长\n（二）促改革\n三、保障措施\n",
        "one_line": text.replace("\n", "") * (LONG_LINE_BYTES // len(text.encode())),
        "mixed_scripts": text[:3000] + v.convert(text[3000:], "s2hk"),
        "full_width_spaces": "\u3000"
        + text.replace("\n", "\n\u3000\u3000").replace("，", "，\u3000"),
        "page_crlf": v.crlf(page.text),
        "province": v.provincialise(text),
        "city": v.recity(seed, "成都"),
        "annex": v.with_annex(text, hant=True),
        "only_punctuation": "。。。，，\n\n……\n",
    }
    expected = dict.fromkeys(files, "built")
    data = {name: body.encode() for name, body in files.items()}
    data |= {
        "nul_byte": text[:300].encode() + b"\x00" + text[300:600].encode(),
        "utf16_bom": b"\xff\xfe" + text.encode("utf-16-le"),
        "gb18030": text.encode("gb18030"),
        "big5": v.convert(seed, "s2hk").encode("big5hkscs", errors="replace"),
        "latin1": "Café résumé".encode("latin-1"),
    }
    expected |= {"utf16_bom": "built", "gb18030": "built", "big5": "built"}
    expected |= {"nul_byte": "error", "latin1": "error"}
    for name, body in data.items():
        (folder / f"{name}.txt").write_bytes(body)
    return expected


def test_odd_files_never_reach_a_traceback(tmp_path):
    folder = tmp_path / "odd"
    folder.mkdir()
    expected = odd_files(folder)
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "szpolicy.cli", "build", str(folder), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert "Traceback" not in done.stderr
    assert done.returncode in (0, 3), done.stderr
    reports = pd.read_csv(out / "reports.csv", dtype=str)
    diagnostics = pd.read_csv(out / "diagnostics.csv", dtype=str)
    errors = diagnostics[diagnostics["severity"].eq("error")]
    refused = set(errors.loc[errors["code"].ne("internal_error"), "report_id"])
    assert refused == {n for n, outcome in expected.items() if outcome == "error"}
    built = set(reports["report_id"]) | set(
        errors.loc[errors["code"].eq("internal_error"), "report_id"]
    )
    assert built == {n for n, outcome in expected.items() if outcome == "built"}
    assert {"clutter_only", "headings_only", "only_punctuation"} <= set(reports["report_id"])
    assert not set(reports["title"].dropna()) & {v.CRUMBS, *v.HEADER}


HEADERS = [  # title blocks as provinces and cities print them, one line each
    ("政府工作报告\n——2025年1月15日在陕西省第十四届人民代表大会第四次会议上\n陕西省省长　赵刚\n"),
    ("关于2024年法治政府建设情况的报告\n西安市人民政府\n（2025年3月28日）\n"),
]


@pytest.mark.parametrize("header", HEADERS)
@pytest.mark.parametrize("wrapped", [False, True])
def test_a_title_block_of_lines_without_stops(header, wrapped):
    body = v.provincialise(to_hans(raw("national_gwr_2025")), "").lstrip()
    if "西安" in header:  # a city's review: the city's own words
        body = body.replace("陕西省人民政府", "市人民政府").replace("全省", "全市")
    title, rest = header.split("\n", 1)
    text = (
        v.wrap_page(title, rest + "\n" + body, "陕西省人民政府").text if wrapped else header + body
    )
    meta = read(text).meta
    assert meta.title == title
    assert (meta.year, meta.jurisdiction.name) == (
        (2025, "陕西省") if "陕西" in header else (2024, "西安市")
    )
    genre = "rule_of_law_review" if "法治政府" in title else "government_work_report"
    assert meta.genre == genre


def test_the_country_named_in_a_provinces_opening_is_no_speaker():
    # 中国式现代化 precedes the province's name: the province speaks, not the country
    body = v.provincialise(to_hans(raw("national_gwr_2025")), "政府工作报告").replace(
        "各位代表：", "各位代表：\n\n奋力谱写中国式现代化建设的陕西新篇章。", 1
    )
    assert read(body).meta.jurisdiction.name == "陕西省"


def test_a_hong_kong_report_names_its_own_government():
    text = v.convert(
        "行政长官2024年施政报告\n\n一、引言\n\n今年是香港特别行政区成立二十七周年。"
        "特区政府会继续全力拼经济、谋发展。\n\n二、推动经济发展\n\n特区政府将成立专责小组。\n",
        "s2hk",
    )
    r = read(text)
    assert r.meta.jurisdiction.code == "810000"
    found = r.mentions[r.mentions["surface"].eq("特區政府")]
    assert found["agency_id"].tolist() == ["province_government"] * 2
    assert set(found["jurisdiction_code"]) == {"810000"}
    # a city is no SAR: 特区政府 in its report is no body of its own
    city = read(v.titled("深圳市2024年民主法治建设综述", "特区政府出台了条例。市政府加强监督。"))
    assert city.mentions["surface"].tolist() == ["市政府"]


@pytest.mark.parametrize("name", ["national_gwr_1964", "national_gwr_1982"])
def test_a_page_title_over_the_articles_own_is_no_section(name):
    # reports whose sections start at unnumbered lines: the repeated title must not be one
    report = v.titled("政府工作报告", raw(name))
    page = v.wrap_page("政府工作报告", report, "中国政府网")
    sections = [s["heading"] for s in read(page.text).structure.sections]
    assert sections == [s["heading"] for s in read(report).structure.sections]
    assert "政府工作报告" not in sections
