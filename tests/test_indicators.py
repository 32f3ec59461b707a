"""Indicators and excluded numbers: case table in both scripts, the seed's reader list, offsets."""

from __future__ import annotations

import re
from functools import cache

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from szpolicy import schema
from szpolicy.io import paths
from szpolicy.stages.indicators import (
    ARABIC_THEN_DIGIT_RE,
    FORMS,
    FORMS_MASK,
    HAS_CUT_RE,
    LEXICAL,
    MARKS,
    PATTERNS,
    WHOLE_FORMS,
    Numeral,
    _row_at,
    _row_before,
    _sentence_filter,
    _settle,
    _words,
    extract_numbers,
    sentence_numbers,
)
from szpolicy.stages.number_rules import expand, rules
from szpolicy.text.numerals import NUMERAL_RE
from szpolicy.text.prefilter import ones
from szpolicy.text.script import hans_aligned

from .conftest import sentence_rows as split_sentences

pytestmark = pytest.mark.heavy  # run early: see conftest.py

MENTIONS = pd.DataFrame(
    columns=["report_id", "section_no", "sentence_no", "agency_id", "surface", "role"]
    + ["char_start", "char_end"]
)
SECTIONS = pd.DataFrame(columns=["report_id", "part", "section_no", "lead_agency_id"])


@pytest.fixture(scope="module")
def seed_tables(seed):
    return extract_numbers(split_sentences(seed.text), MENTIONS, SECTIONS)


@pytest.mark.parametrize(
    ("sentence", "surface", "value", "unit", "qualifier"),
    [
        ("代表等近800人出席。", "近800人", 800, "人", "nearly"),
        ("平台服務4萬餘人次。", "4萬餘人次", 40_000, "人次", "more_than"),
        ("接聽來電約4.1萬通。", "約4.1萬通", 41_000, "通", "about"),
        ("化解商事糾紛超千億元。", "超千億元", 1e11, "元", "more_than"),
        ("大灣區律師突破300名。", "突破300名", 300, "名", "more_than"),
        ("聯繫100家以上企業。", "100家以上", 100, "家", "at_least"),
        ("開展三批次法規清理。", "三批次", 3, "批次", "exact"),
        ("連續兩年舉辦大會。", "兩年", 2, "年", "exact"),
        ("推送知識536.8萬條。", "536.8萬條", 5_368_000, "條", "exact"),
        ("上訴率同比下降24.2%。", "24.2%", 24.2, "%", "exact"),
        ("走訪調研90餘家企業。", "90餘家", 90, "家", "more_than"),
        ("全球40多個國家。", "40多個", 40, "個", "more_than"),
        ("受理時間縮短至30日內。", "30日內", 30, "日", "up_to"),
        ("占比百分之二十。", "百分之二十", 20, "%", "exact"),
        ("人均收入比2010年翻番。", "翻番", 2, "倍", "exact"),
        ("差不多每兩天就有一個企業建成。", "差不多每兩天", 2, "天", "about"),
        ("每斤分別提高3分、5分和1毛錢。", "3分", 0.03, "元", "exact"),
        ("管理人員約占職工總數的四分之一。", "四分之一", 25, "%", "about"),
        ("生鐵和鋼的比例從1.03比1改為1比1。", "1.03比1", 1.03, "比", "exact"),
    ],
)
@pytest.mark.parametrize("script", ["hant", "hans"])
def test_indicator_cases(sentence, surface, value, unit, qualifier, script) -> None:
    text = sentence if script == "hant" else hans_aligned(sentence)
    found, _ = sentence_numbers(text)
    row = next(r for r in found if r["value"] == value)
    assert (row["unit"], row["qualifier"]) == (unit, qualifier)
    assert row["surface"] == (surface if script == "hant" else hans_aligned(surface))
    assert text[row["start"] : row["end"]] == row["surface"]


@pytest.mark.parametrize(
    ("sentence", "surface", "reason"),
    [
        ("覆蓋民事、行政、刑事三大訴訟。", "三", "idiom"),
        ("融入全市12345熱線。", "12345", "hotline"),
        ("融入全市「12345」民意速辦系統。", "12345", "hotline"),
        ("開創幫扶「4050」大齡退役軍人就業新路徑。", "4050", "programme_name"),
        ("獲評第七屆廣東省創新案例。", "第七屆", "ordinal"),
        ("入選「十佳優秀調研報告」。", "十佳", "award_title"),
        ("獲評創新百佳實踐項目。", "百佳", "award_title"),
        ("獲評改革創新十大案例。", "十大", "award_title"),
        ("回望剛剛過去的2024年。", "剛剛過去的2024年", "year"),
        ("助推深圳從千園之城邁向全域公園城市。", "千園之城", "idiom"),
        ("形成「一區一服務陣地」。", "一區一", "idiom"),
        ("實現服務資源一張圖。", "一張圖", "idiom"),
        ("實現7*24小時全時段接聽服務。", "7*24小時", "service_hours"),
        ("是一項重要任務。", "一項", "indefinite_article"),
        ("於2024年12月28日正式揭牌。", "2024年12月28日", "date"),
        ("2024華語律師大會在深圳舉辦。", "2024", "year"),
        ("《公園條例(草案修改二稿)》", "二", "part_of_name"),
        ("推動5G基站建設。", "5G", "part_of_name"),
        ("學習黨的二十大精神。", "二十大", "ordinal"),
        ("不應當把注意力放在產值的翻番上。", "翻番", "idiom"),
        ("如果以1950年為100。", "100", "index_base"),
        ("預算內和預算外兩項資金合計。", "兩項", "discourse_count"),
        ("鋼鐵廠、製呢廠兩個單位，占兩個單位職工總數。", "兩個", "discourse_count"),
    ],
)
@pytest.mark.parametrize("script", ["hant", "hans"])
def test_non_indicators(sentence, surface, reason, script) -> None:
    text = sentence if script == "hant" else hans_aligned(sentence)
    found, excluded = sentence_numbers(text)
    assert found == []
    rows = [(r["surface"], r["reason"]) for r in excluded]
    assert (surface if script == "hant" else hans_aligned(surface), reason) in rows


def test_words_with_numeral_characters_give_no_row() -> None:
    found, excluded = sentence_numbers("有機統一，一審改判，「一起來商量」，於一體。")
    assert found == [] and excluded == []


# What a careful reader lists from the seed: (surface, value, unit, qualifier).
READER_LIST = [
    ("三批次", 3, "批次", "exact"),
    ("15項", 15, "項", "exact"),
    ("十個", 10, "個", "exact"),
    ("90餘家", 90, "家", "more_than"),
    ("6個", 6, "個", "exact"),
    ("18條", 18, "條", "exact"),
    ("18個", 18, "個", "exact"),
    ("24個", 24, "個", "exact"),
    ("100餘場", 100, "場", "more_than"),
    ("100天", 100, "天", "exact"),
    ("100家以上", 100, "家", "at_least"),
    ("108場", 108, "場", "exact"),
    ("580場次", 580, "場次", "exact"),
    ("627件", 627, "件", "exact"),
    ("510件", 510, "件", "exact"),
    ("4006項", 4006, "項", "exact"),
    ("27項", 27, "項", "exact"),
    ("91場", 91, "場", "exact"),
    ("113名", 113, "名", "exact"),
    ("17家", 17, "家", "exact"),
    ("80名", 80, "名", "exact"),
    ("321萬次", 3_210_000, "次", "exact"),
    ("536.8萬條", 5_368_000, "條", "exact"),
    ("15.2萬件", 152_000, "件", "exact"),
    ("6.3萬場", 63_000, "場", "exact"),
    ("14.4萬份", 144_000, "份", "exact"),
    ("24.2%", 24.2, "%", "exact"),
    ("27.5%", 27.5, "%", "exact"),
    ("38天", 38, "天", "exact"),
    ("兩年", 2, "年", "exact"),
    ("40多個", 40, "個", "more_than"),
    ("近800人", 800, "人", "nearly"),
    ("3家", 3, "家", "exact"),
    ("2家", 2, "家", "exact"),
    ("突破300名", 300, "名", "more_than"),
    ("近60%", 60, "%", "nearly"),
    ("三個", 3, "個", "exact"),
    ("44293家", 44293, "家", "exact"),
    ("三年", 3, "年", "exact"),
    ("超千億元", 1e11, "元", "more_than"),
    ("142個", 142, "個", "exact"),
    ("15名", 15, "名", "exact"),
    ("60%", 60, "%", "exact"),
    ("8個", 8, "個", "exact"),
    ("11個", 11, "個", "exact"),
    ("91個", 91, "個", "exact"),
    ("500餘人", 500, "人", "more_than"),
    ("235場", 235, "場", "exact"),
    ("100場", 100, "場", "exact"),
    ("20場", 20, "場", "exact"),
    ("16萬人", 160_000, "人", "exact"),
    ("4萬餘人次", 40_000, "人次", "more_than"),
    ("約4.1萬通", 41_000, "通", "about"),
    ("140例", 140, "例", "exact"),
    ("103名", 103, "名", "exact"),
    ("2389名", 2389, "名", "exact"),
    ("11個", 11, "個", "exact"),
    ("4個", 4, "個", "exact"),
    ("300多名", 300, "名", "more_than"),
    ("10期", 10, "期", "exact"),
    ("25個", 25, "個", "exact"),
    ("199宗", 199, "宗", "exact"),
]
NOT_INDICATORS = ["2024", "12345", "12355", "4050", "七", "三屆", "十佳", "百佳", "十大", "千園"]


def _statements(table: pd.DataFrame) -> list[tuple]:
    return list(table[["surface", "value", "unit", "qualifier"]].itertuples(index=False, name=None))


def test_seed_recovers_the_reader_list(seed_tables) -> None:
    indicators, _ = seed_tables
    assert sorted(_statements(indicators)) == sorted(READER_LIST)


def test_seed_keeps_non_indicators_out(seed_tables) -> None:
    indicators, excluded = seed_tables
    for word in NOT_INDICATORS:
        assert not indicators["surface"].str.contains(word).any(), word
    assert {"date", "year", "hotline", "ordinal", "programme_name", "award_title", "idiom"} <= set(
        excluded["reason"]
    )
    assert set(excluded.loc[excluded["surface"].str.contains("12355"), "reason"]) == {"hotline"}


def test_seed_directions(seed_tables) -> None:
    indicators, _ = seed_tables
    direction = dict(zip(indicators["surface"], indicators["direction"], strict=False))
    assert direction["24.2%"] == direction["27.5%"] == direction["38天"] == "decrease"
    assert direction["142個"] == "increase"
    assert direction["108場"] == ""


def test_surfaces_are_the_report_text(seed, seed_tables) -> None:
    for table in seed_tables:
        for row in table.itertuples():
            assert seed.text[row.char_start : row.char_end] == row.surface


def test_every_numeral_is_in_one_table(seed, seed_tables) -> None:
    spans = [(r.char_start, r.char_end) for t in seed_tables for r in t.itertuples()]
    assert all(a[1] <= b[0] for a, b in zip(sorted(spans), sorted(spans)[1:], strict=False))
    covered = {i for start, end in spans for i in range(start, end)}
    uncovered = [
        m.group()
        for m in NUMERAL_RE.finditer(seed.text)
        if not covered & set(range(m.start(), m.end()))
    ]
    assert set(uncovered) <= {"一", "零"}  # 統一, 一審, 一起: words, not numbers


def test_simplified_conversion_gives_the_same_indicators(seed, seed_tables) -> None:
    hans = extract_numbers(split_sentences(hans_aligned(seed.text)), MENTIONS, SECTIONS)
    columns = ["value", "unit", "qualifier", "direction", "char_start", "char_end"]
    pd.testing.assert_frame_equal(hans[0][columns], seed_tables[0][columns])
    pd.testing.assert_frame_equal(
        hans[1][["reason", "char_start", "char_end"]],
        seed_tables[1][["reason", "char_start", "char_end"]],
    )


def test_tables_match_their_schemas(seed_tables) -> None:
    for name, table in zip(("indicators", "numbers_excluded"), seed_tables, strict=True):
        schema.validate(name, schema.conform(name, table))


def test_agency_from_subject_mention_else_section_lead() -> None:
    sentences = split_sentences("一、標題\n市政協開展活動108場。全年舉辦10期培訓。", "seed")
    mentions = MENTIONS.iloc[:0].copy()
    mentions.loc[0] = ["r", 1, 2, "sz_cppcc", "市政協", "subject", 5, 8]
    mentions["report_id"] = "seed"
    sections = pd.DataFrame(
        {"report_id": ["seed"], "part": [1], "section_no": [1], "lead_agency_id": ["sz_npc"]}
    )
    indicators, _ = extract_numbers(sentences, mentions, sections)
    assert list(indicators["agency_id"]) == ["sz_cppcc", "sz_npc"]
    assert list(indicators["measure"]) == ["活動", "培訓"]


@cache
def real_sentences() -> list[str]:
    """Every sentence of the seed and the national collection, folded to Simplified as the rules
    see it: real text, where rules match as they do in use."""
    files = [
        paths.RAW / "000_90487d465f63e9bb.txt",
        *sorted((paths.RAW / "national_gwr").glob("*.txt")),
    ]
    return [
        hans_aligned(t)
        for f in files
        for t in re.split(r"(?<=[。！？])|\n", f.read_text("utf-8"))
        if t
    ]


@pytest.mark.parametrize(
    "rule", [r for r in rules().patterns if r[2]], ids=lambda r: r[0].pattern[:24]
)
def test_a_rules_needs_are_in_every_text_it_matches(rule) -> None:
    """`needs` lets a rule be skipped in a sentence holding none of its words: one of them must
    be in every sentence of real text where the rule matches."""
    regex, _, needs = rule
    hits = [t for t in real_sentences() if regex.search(t)]
    assert [t for t in hits if not any(w in t for w in needs)] == []


@pytest.mark.parametrize("whole", WHOLE_FORMS, ids=lambda w: w[0].pattern[:24])
def test_a_whole_forms_needs_are_in_each_of_its_matches(whole) -> None:
    """A whole form (三分之一, 八成) is skipped in a sentence without its needed words: each of
    its matches in real text, and in text made to hold the words, must contain one."""
    form, _, needs = whole
    made = [f"{a}{n}{b}" for n in needs for a in ("三", "30", "一、") for b in ("五", "5", "万亿")]
    matches = [m.group() for t in real_sentences() + made for m in form.finditer(t)]
    assert matches
    assert [m for m in matches if not any(n in m for n in needs)] == []


def test_one_pass_finds_each_group_of_a_sentences_rules() -> None:
    """The one prefilter pass over a sentence (`_sentence_filter`) finds, on real sentences,
    what a test of each group's words would: whether a lexical word or a title or quote mark is
    there, and which whole forms and which exclusion patterns (all those without needs) may
    match, in order."""
    r = rules()
    marks = r.title_marks[0] + r.title_marks[1] + r.quote_marks[0] + r.quote_marks[1]
    found = {"lexical": 0, "marks": 0, "forms": 0, "patterns": 0}
    for t in real_sentences():
        mask = _sentence_filter().mask(t)
        groups = {
            "lexical": (mask >> LEXICAL & 1, int(any(w in t for w in r.lexical))),
            "marks": (mask >> MARKS & 1, int(any(c in t for c in marks))),
            "forms": (
                ones(mask >> FORMS & FORMS_MASK),
                [i for i, (_, _, words) in enumerate(WHOLE_FORMS) if any(w in t for w in words)],
            ),
            "patterns": (
                ones(mask >> PATTERNS),
                [i for i, (_, _, ws) in enumerate(r.patterns) if not ws or any(w in t for w in ws)],
            ),
        }
        for group, (one_pass, tested) in groups.items():
            assert one_pass == tested, (group, t)
            found[group] += bool(tested)
    assert all(found.values())  # each group is found in some sentence


def test_rules_with_needs_keep_their_exclusions(seed) -> None:
    """Skipping a rule by its `needs` changes nothing on the seed's sentences."""
    folded = [hans_aligned(t) for t in split_sentences(seed.text)["text"]]
    checked = 0
    for regex, reason, needs in rules().patterns:
        if needs:
            hits = [t for t in folded if regex.search(t)]
            assert all(any(w in t for w in needs) for t in hits), reason
            checked += len(hits)
    assert checked  # the seed has sentences these rules exclude numbers from


def _disjoint(bounds: list[int]) -> list[tuple[int, int]]:
    """Spans in order, none overlapping, from sorted distinct bounds taken in pairs."""
    return list(zip(bounds[::2], bounds[1::2], strict=False))


BOUNDS = st.lists(st.integers(0, 60), unique=True).map(sorted)


@settings(max_examples=300, deadline=None)
@given(BOUNDS, BOUNDS)
def test_a_numeral_takes_the_last_span_overlapping_it(numeral_bounds, span_bounds) -> None:
    """The one-sweep `_settle` gives what a look at every span would (the last that overlaps)."""
    spans = _disjoint(span_bounds)
    numerals = [Numeral(a, b) for a, b in _disjoint(numeral_bounds)]
    left = _settle(numerals, spans, "ordinal")
    for n in numerals:
        hits = [s for s in spans if s[0] < n.end and s[1] > n.start]
        assert (n.span, n.reason) == ((hits[-1], "ordinal") if hits else (None, ""))
    assert left == [n for n in numerals if not n.reason]


WORD = st.text(alphabet="万千瓦时亿元", min_size=1, max_size=4)


@settings(max_examples=300, deadline=None)
@given(st.lists(WORD, max_size=8), st.text(alphabet="万千瓦时亿元x", max_size=12), st.data())
def test_the_word_at_and_before_a_position_is_the_longest_there(words, text, data) -> None:
    """`_row_at` and `_row_before` find what an alternation of the words, longest first, finds
    at (and ending at) a position."""
    rows = sorted(((w, i) for i, w in enumerate(words)), key=lambda r: -len(r[0]))
    found = _words(rows)
    pos = data.draw(st.integers(0, len(text)))
    alternation = "|".join(re.escape(w) for w, _ in rows) or "(?!)"
    at = re.compile(alternation).match(text, pos)
    before = re.compile(f"(?:{alternation})\\Z").search(text, max(0, pos - 4), pos)
    first = {row[0]: row for row in reversed(rows)}  # the first row of each word
    assert _row_at(found, text, pos) == (first[at.group()] if at else None)
    assert _row_before(found, text, pos) == (first[before.group()] if before else None)


CUT_TEXT = st.text(alphabet="0１9两二〇○零一十年个、 x", max_size=16)


def _has_cut(text: str) -> bool:
    return HAS_CUT_RE.search(text) is not None


@settings(max_examples=500, deadline=None)
@given(CUT_TEXT)
def test_a_text_has_a_cut_where_a_run_would_split(text) -> None:
    """`HAS_CUT_RE`, which tells a sentence whose numeral runs may split, finds a cut exactly
    where the lookbehinds of `ARABIC_THEN_DIGIT_RE` do (made text)."""
    assert _has_cut(text) == (ARABIC_THEN_DIGIT_RE.search(text) is not None)


def test_the_cut_test_agrees_with_the_cuts_on_real_sentences() -> None:
    sentences = real_sentences()
    found = [_has_cut(t) for t in sentences]
    assert found == [ARABIC_THEN_DIGIT_RE.search(t) is not None for t in sentences]
    assert any(found)  # 1980两年: some sentences have one


# The two time-frame rules as they were written before the choices that begin with a numeral
# were written with it once (number_exclusions.yaml)
TIME_FRAMES_UNFACTORED = [
    "(?:过去|今后|未来|最近|(?<![将接])近|这|此后|前|后|头|今明|(?<!重)新)的?{n}[多余]?个?(?:年|月)"
    "(?:来|以来|间|中|里|内|多来)?|{n}[多余]?个?(?:年|月)(?:来|以来|间|中间|期间|当中"
    "|中(?![国央华小等外部西东期心]))(?!\\d)|{n}个?年(?:之)?内",
    "经过{n}[多余]?个?年|以来的?{n}[多余]?个?年|{n}[多余]?个?年的(?:成绩|成就|工作|实践|经验|努力"
    "|奋斗|历程)|(?<=[0-9０-９〇○零一二三四五六七八九]年){n}年|(?:^|(?<=[，；：。！？]))这?{n}[多余]?"
    "个?年(?![的时以左之内来前后底末代半制期间里中])(?=[\\u4e00-\\u9fff])|的{n}[多余]?个?年"
    "(?=[，。；！？、”]|$)|{n}年零{n}个?月|{n}[多余]?个?年(?:前|以前|之前|后|以后|之后)"
    "|(?<=[\\u4e00-\\u9fff]){n}年(?=累计|合计|共计|增长|增加|下降|减少|为{n})",
]
TIME_TEXT = st.text(
    alphabet="0１9.,两二〇一十百万几多余个年月零来以间中内之前后的这经过，。近新为累计增长x",
    max_size=20,
)


def _time_frames() -> list[tuple[re.Pattern, re.Pattern]]:
    """Each time-frame rule as compiled, and as it was written before."""
    compiled = [regex for regex, reason, _ in rules().patterns if reason == "time_frame"]
    return list(zip(compiled, (re.compile(expand(p)) for p in TIME_FRAMES_UNFACTORED), strict=True))


def _same_spans(pairs: list[tuple[re.Pattern, re.Pattern]], texts: list[str]) -> None:
    for now, before in pairs:
        found = [[m.span() for m in before.finditer(t)] for t in texts]
        assert [[m.span() for m in now.finditer(t)] for t in texts] == found, before.pattern


def test_the_time_frames_find_what_they_found_before_on_real_sentences() -> None:
    """A numeral written once before the choices after it finds the spans each choice found."""
    pairs = _time_frames()
    assert all(now.pattern != before.pattern for now, before in pairs)
    assert all(any(before.search(t) for t in real_sentences()) for _, before in pairs)
    _same_spans(pairs, real_sentences())


@settings(max_examples=500, deadline=None)
@given(st.lists(TIME_TEXT, min_size=1, max_size=10))
def test_the_time_frames_find_what_they_found_before_on_made_text(texts) -> None:
    _same_spans(_time_frames(), texts)
