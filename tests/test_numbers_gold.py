"""Numbers against hand-read gold, the audit of both tables on real reports, and linear cost."""

from __future__ import annotations

from bisect import bisect_right

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from szpolicy.errors import SzpolicyError
from szpolicy.io.read import read_report
from szpolicy.stages import indicators, number_rules
from szpolicy.stages.indicators import sentence_numbers
from szpolicy.text.numerals import NUMERAL_RE, read_numeral

from .numbers_gold import (
    judge_sample,
    match_excluded,
    match_indicators,
    report_path,
    report_rows,
)


def test_gold_indicators_recall() -> None:
    """Recall on value+unit >= 95 % and with the qualifier >= 90 % (issue 14). 240 statements;
    2026-12: 239/240 and 239/240 (before the classes fixed then: 219 and 217); unchanged by the
    not_measured rules of the v6/v7 round."""
    matched = match_indicators()
    assert len(matched) == 240
    assert matched["value_unit"].mean() >= 0.95
    assert matched["with_qualifier"].mean() >= 0.90


def test_gold_non_indicators_stay_out() -> None:
    """Gold non-indicators not counted as indicators (210 numbers, 2026-12: 205; before: 199)."""
    matched = match_excluded()
    assert len(matched) == 210
    assert (matched["counted_as"] == "").mean() >= 0.95


SAMPLES = [f"numbers_precision_sample_v{v}.csv" for v in (2, 3, 4, 5, 6, 7, 8)]


@pytest.mark.parametrize("name", SAMPLES)
def test_judged_sample_is_precise_and_keeps_its_right_rows(name: str) -> None:
    """Of the sample's rows the tool still makes, >= 95 % have the judged value, unit and
    qualifier (issue 14), and no row judged right is lost or changed. Right as drawn, then after
    fixing the classes each showed: v2 86/100, then 90/91; v3 (drawn after the v2 fixes) 87/100,
    then 88/89; v4 (drawn after the v3 fixes) 85/100, then 90/93; v5 (drawn after the v4 fixes
    and a scan of year and small-count rows) 91/100, then 96/97; v6 (drawn after the not_measured
    rules) 94/100, then 96/97; v7 (drawn after the v6 fixes, the clean figure) 95/100, then 97/100;
    v8 (drawn after the v7 fixes, judged before any change) 97/100, then 100/100 (v7 97/97).
    Figures after fixing are optimistic (fixed on the same sample); the clean ones are as drawn."""
    judged = judge_sample(name)
    assert len(judged) == 100
    made = judged[judged["made"]]
    assert made["right"].mean() >= 0.95
    assert judged[judged["correct"] == "yes"]["right"].all()


REPORTS = ["national_gwr_1956", "national_gwr_1979", "national_gwr_1998", "national_gwr_2022"]


@pytest.mark.parametrize("report_id", REPORTS)
def test_every_numeral_of_a_real_report_is_in_one_table(report_id: str) -> None:
    """Rows never overlap, and a numeral in neither table is a lone 一/零 of a word (统一)."""
    text = read_report(report_path(report_id)).text
    found, left = report_rows(report_id)
    spans = sorted((r.at, r.at + len(r.surface)) for t in (found, left) for r in t.itertuples())
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False))
    starts = [s for s, _ in spans]

    def covered(start: int, end: int) -> bool:
        i = bisect_right(starts, end - 1)
        return bool(i) and spans[i - 1][1] > start

    uncovered = {m.group() for m in NUMERAL_RE.finditer(text) if not covered(*m.span())}
    words = set("一零〇○").union(*map(set, number_rules.rules().lexical))  # 统一, 百姓, 零售
    assert uncovered <= words, uncovered


NUMERAL_CHARS = (  # the characters numerals are written with, and a space
    "0123456789０１２３４５６７８９,.，．·一二两兩三四五六七八九十百千万萬亿億几幾零〇点點 "
)


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=NUMERAL_CHARS,
        max_size=30,
    )
)
def test_numeral_runs_never_raise(s: str) -> None:
    """Any run of numeral characters is read or reported unreadable, never an exception."""
    for m in NUMERAL_RE.finditer(s):
        reading = read_numeral(m.group())
        assert reading is None or reading.low <= reading.value <= reading.high


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet="0123456789０５,.，一二两三十百千万亿几零点分之成倍翻番上数以计多余约近%％年个人元、至到—是第届",
        max_size=40,
    )
)
def test_sentences_of_numeral_characters_never_raise(s: str) -> None:
    found, excluded = sentence_numbers(s)
    for row in [*found, *excluded]:
        assert s[row["start"] : row["end"]] == row["surface"]


def test_cost_is_linear_in_sentence_length(monkeypatch) -> None:
    """No per-number scan of the whole sentence: the text the tagger sees grows with the number
    count, not with its square (a 3.8 MB sentence of 80,000 numbers once took 157 s)."""
    seen: list[int] = []
    real = indicators.pos_tags
    monkeypatch.setattr(indicators, "pos_tags", lambda t: seen.append(len(t)) or real(t))
    sizes = []
    for n in (200, 400):
        seen.clear()
        sentence_numbers("开展活动" + "".join(f"{i}场举办培训" for i in range(n)) + "。")
        sizes.append(sum(seen))
    assert sizes[1] <= 2.2 * sizes[0]
    assert max(seen) <= 2 * indicators.WINDOW + 2


NAN = float("nan")
CASES = [
    ("以下几个方面", [], [("几个", "vague")]),
    ("两三万人", [("两三万人", 20_000, 20_000, 30_000, "人", "count", "approx")], []),
    ("三四百家", [("三四百家", 300, 300, 400, "家", "count", "approx")], []),
    ("十五六岁", [("十五六岁", 15, 15, 16, "歲", "duration", "approx")], []),
    ("一千二三百人", [("一千二三百人", 1200, 1200, 1300, "人", "count", "approx")], []),
    ("几十个国家", [("几十个", 20, 20, 90, "個", "count", "indefinite")], []),
    ("上千家企业", [("上千家", 1000, 1000, 10_000, "家", "count", "indefinite")], []),
    (
        "装机214万千瓦",
        [("214万千瓦", 2_140_000, 2_140_000, 2_140_000, "千瓦", "power", "exact")],
        [],
    ),
    ("投资3000多亿元", [("3000多亿元", 3e11, 3e11, 4e11, "元", "currency", "more_than")], []),
    ("增长4.5%—5%", [("4.5%—5%", 4.5, 4.5, 5, "%", "percent", "range")], []),
    ("用3至5年时间", [("3至5年", 3, 3, 5, "年", "duration", "range")], []),
    ("翻两番", [("翻两番", 4, 4, 4, "倍", "multiple", "exact")], []),
    ("增长1.6倍", [("1.6倍", 1.6, 1.6, 1.6, "倍", "multiple", "exact")], []),
    ("千分之一", [("千分之一", 0.1, 0.1, 0.1, "%", "percent", "exact")], []),
    ("三成以上", [("三成以上", 30, 30, float("nan"), "%", "percent", "at_least")], []),
    ("３．６８％", [("３．６８％", 3.68, 3.68, 3.68, "%", "percent", "exact")], []),
    (
        "２７，２０３，３１９，０００元",
        [
            ("２７，２０３，３１９，０００元", 27_203_319_000)
            + (27_203_319_000,) * 2
            + ("元", "currency", "exact")
        ],
        [],
    ),
    ("增加一、二千万亩", [("一、二千万亩", 1e7, 1e7, 2e7, "畝", "area", "approx")], []),
    ("半数以上", [("半数以上", 50, 50, float("nan"), "%", "percent", "at_least")], []),
    ("六倍半", [("六倍半", 6.5, 6.5, 6.5, "倍", "multiple", "exact")], []),
    ("用一年半时间", [("一年半", 1.5, 1.5, 1.5, "年", "duration", "exact")], []),
    ("百分之八至百分之九", [("百分之八至百分之九", 8, 8, 9, "%", "percent", "range")], []),
    ("数十个国家", [("数十个", 20, 20, 90, "個", "count", "indefinite")], []),
    (
        "提高2个多百分点",
        [("2个多百分点", 2, 2, 3, "個百分點", "percentage_point", "more_than")],
        [],
    ),
    (
        "研究生1 7 ．5 万人",
        [("1 7 ．5 万人", 175_000, 175_000, 175_000, "人", "count", "exact")],
        [],
    ),
    ("八十年代初", [], [("八十年代", "date")]),
    ("比上年增长一倍", [("一倍", 1, 1, 1, "倍", "multiple", "exact")], []),
    ("降低一个百分点", [("一个百分点", 1, 1, 1, "個百分點", "percentage_point", "exact")], []),
    ("外贸出口一度出现负增长", [], []),
    ("完成一项重要任务", [], [("一项", "indefinite_article")]),
    ("为六万万人", [("六万万人", 6e8, 6e8, 6e8, "人", "count", "exact")], []),
    ("提高到十三斤半", [("十三斤半", 13.5, 13.5, 13.5, "斤", "mass", "exact")], []),
    ("下降到1 0 ．0 6 ‰", [("1 0 ．0 6 ‰", 1.006, 1.006, 1.006, "%", "percent", "exact")], []),
    ("压缩至6个工作日以内", [("6个工作日以内", 6, NAN, 6, "工作日", "duration", "up_to")], []),
    ("人口控制在十二亿以内", [("十二亿以内", 1.2e9, NAN, 1.2e9, "人", "count", "up_to")], []),
    ("很不平凡的五年。", [], [("的五年", "time_frame")]),
    ("这两种错误", [], [("两种", "idiom")]),
    ("三年行动计划", [], [("三年行动", "plan_name")]),
    ("五年来", [], [("五年来", "time_frame")]),
    ("“十四五”时期", [], [("十四五", "plan_name")]),
    ("三峡二期工程", [], [("二期", "ordinal")]),
    ("国务院提出的以上十项经济建设方针", [], [("十项", "discourse_count")]),
    ("严把土地、信贷两个闸门", [], [("两个", "discourse_count")]),
    ("内蒙古、新疆、广西、宁夏四个自治区", [], [("四个", "discourse_count")]),
    (
        "提出6个方面18条具体意见",  # a count in digits is a figure stated (GB/T 15835)
        [("6个", 6, 6, 6, "個", "count", "exact"), ("18条", 18, 18, 18, "條", "count", "exact")],
        [],
    ),
    ("新建三个铁矿", [("三个", 3, 3, 3, "個", "count", "exact")], []),
    ("今后五年是打基础的关键性五年。", [], [("五年", "time_frame")]),
    ("粮食连续6年增产", [("6年", 6, 6, 6, "年", "duration", "exact")], []),
    ("设立5年过渡期", [("5年", 5, 5, 5, "年", "duration", "exact")], []),
    ("两千多年的友好历史", [], [("两千多年", "time_frame")]),
    ("实现中华民族的百年梦想", [], [("百年", "idiom")]),
    (
        "净减少10.6万、3.3万平方公里",
        [
            ("10.6万", 106_000, 106_000, 106_000, "平方公里", "area", "exact"),
            ("3.3万平方公里", 33_000, 33_000, 33_000, "平方公里", "area", "exact"),
        ],
        [],
    ),
    (
        "减少1/3以上",
        [("1/3以上", 33.3333333333, 33.3333333333, NAN, "%", "percent", "at_least")],
        [],
    ),
    (
        "每年有上千万农村人口转移",
        [("上千万", 1e7, 1e7, 1e8, "人", "count", "indefinite")],
        [],
    ),
    ("十九届四中全会", [], [("十九届四中全会", "ordinal")]),
]


def _same(a, b) -> bool:
    return a == b or (a != a and b != b) or (isinstance(a, float) and abs(a - b) < 1e-9)


@pytest.mark.parametrize(("text", "rows", "excluded"), CASES)
def test_forms(text: str, rows: list, excluded: list) -> None:
    found, left = sentence_numbers(text)
    keys = ("surface", "value", "value_low", "value_high", "unit", "unit_kind", "qualifier")
    got = [tuple(r[k] for k in keys) for r in found]
    assert len(got) == len(rows)
    for g, want in zip(got, rows, strict=True):
        assert all(_same(a, b) for a, b in zip(g, want, strict=True)), g
    assert set(excluded) <= {(r["surface"], r["reason"]) for r in left}


def test_base_of_a_relative_change() -> None:
    found, _ = sentence_numbers("粮食产量比上年增长5%，比2012年翻一番。")
    assert [(r["surface"], r["base"]) for r in found] == [
        ("5%", "previous_year"),
        ("翻一番", "earlier_year"),
    ]


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=99_999_999))
def test_arabic_chinese_and_fullwidth_forms_agree(n: int) -> None:
    import cn2an

    fullwidth = str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    values = [read_numeral(s).value for s in (str(n), cn2an.an2cn(n), fullwidth, f"{n:,}")]
    assert values == [n] * 4


@pytest.fixture
def units_file(monkeypatch, tmp_path):
    """Write a units.csv (beside the real units.meta.yaml) that the numbers stage then reads."""
    from szpolicy import rules

    meta = rules.data_folder().joinpath("units.meta.yaml").read_text("utf-8")
    (tmp_path / "units.meta.yaml").write_text(meta, "utf-8")
    monkeypatch.setattr(number_rules, "load_rule", lambda name: rules.read(name, tmp_path))
    number_rules.units.cache_clear()
    yield lambda text: (tmp_path / "units.csv").write_text(text, "utf-8")
    number_rules.units.cache_clear()


def test_a_misspelt_column_is_an_error_naming_the_file(units_file) -> None:
    units_file("writen,unit,kind,factor\n%,%,percent,1\n")
    with pytest.raises(SzpolicyError, match="units.csv"):
        number_rules.units()
    units_file("written,unit,kind,factor\n%,%,percnt,1\n")
    with pytest.raises(SzpolicyError, match="units.csv.*2"):
        number_rules.units()


def test_a_unit_factor_that_is_not_a_positive_number_is_an_error_naming_the_file(
    units_file,
) -> None:
    units_file("written,unit,kind,factor\n兆瓦,千瓦,power,0\n")
    with pytest.raises(SzpolicyError, match="units.csv.*2"):
        number_rules.units()


@pytest.mark.parametrize("needs", ["年", ["年", ""], [3]])
def test_needs_that_are_not_a_list_of_words_are_an_error_naming_the_file(
    monkeypatch, tmp_path, needs
) -> None:
    """A rule's `needs` must list words: a bare string would be read as its characters."""
    import yaml

    from szpolicy import rules

    raw = rules.load("number_exclusions").data
    raw = raw | {"patterns": [{"reason": "date", "regex": "{n}年代", "needs": needs}]}
    (tmp_path / "number_exclusions.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True))
    monkeypatch.setattr(number_rules, "load_rule", lambda name: rules.read(name, tmp_path))
    number_rules.rules.cache_clear()
    try:
        with pytest.raises(SzpolicyError, match="number_exclusions.yaml"):
            number_rules.rules()
    finally:
        number_rules.rules.cache_clear()


def test_units_scale_and_implied_units_follow_the_data_files() -> None:
    """兆瓦 and ‰ are scaled to 千瓦 and %; a count without classifier takes its noun's unit."""
    found, _ = sentence_numbers("新增装机10兆瓦，出生率6.45‰，3700多万学生受益，惠及近千万家庭。")
    got = [(r["value"], r["unit"], r["qualifier"]) for r in found]
    assert got == [
        (10_000, "千瓦", "exact"),
        (0.645, "%", "exact"),
        (37_000_000, "人", "more_than"),
        (10_000_000, "戶", "nearly"),
    ]
