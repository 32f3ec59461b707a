"""Numeral reading: a table of cases in both scripts, and round trips on random integers."""

from __future__ import annotations

import itertools
import re

import cn2an
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from szpolicy.text.numerals import (
    NUMERAL,
    NUMERAL_FIRST,
    NUMERAL_RE,
    parse_number,
    read_label,
    read_numeral,
    write_numeral,
)

TRADITIONAL = str.maketrans("万亿两", "萬億兩")
# The characters of heading labels (headings.yaml's numeral and formal_numeral).
PLAIN_LABEL_CHARS = "一二三四五六七八九十百零〇两兩"
FORMAL_LABEL_CHARS = "壹贰貳叁參肆伍陆陸柒捌玖拾佰"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("321", 321),
        ("536.8萬", 5_368_000),
        ("536.8万", 5_368_000),
        ("4.1萬", 41_000),
        ("千億", 10**11),
        ("千亿", 10**11),
        ("三", 3),
        ("兩", 2),
        ("两", 2),
        ("十", 10),
        ("十五", 15),
        ("百", 100),
        ("萬", 10_000),
        ("一千零五", 1005),
        ("一萬二", 12_000),
        ("三千五", 3500),
        ("一萬零二", 10_002),
        ("一億二千萬", 120_000_000),
        ("一萬億", 10**12),
        ("二〇二四", 2024),
        ("1万2千", 12_000),
        ("1,234.5", 1234.5),
        ("３０", 30),
        ("４．５萬", 45_000),
        ("三點五萬", 35_000),
        ("幾十", 10),
        ("十幾", 10),
    ],
)
def test_parse_number(text: str, value: float) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["", "超千億", "萬餘", "x", "幾", "二三十", "12a"])
def test_parse_number_rejects_non_numbers(text: str) -> None:
    with pytest.raises(ValueError):
        parse_number(text)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="0129０５一二十百萬万億兩零幾,.．，a、 ", max_size=40))
def test_the_fast_numeral_regex_finds_what_the_definition_does(text: str) -> None:
    plain = re.compile(NUMERAL)
    assert [m.span() for m in NUMERAL_RE.finditer(text)] == [m.span() for m in plain.finditer(text)]


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="0129０５一二十百萬万億兩零幾點点,.．，a、 ", max_size=40))
@example("三十六點九")
def test_a_numeral_begins_with_a_character_of_numeral_first(text: str) -> None:
    """Rules put NUMERAL_FIRST as a lookahead before NUMERAL: it must hold wherever NUMERAL
    matches, also where a numeral begins mid-run (the 點 of 六點九)."""
    plain, first = re.compile(NUMERAL), re.compile(NUMERAL_FIRST)
    starts = [i for i in range(len(text)) if plain.match(text, i)]
    assert [i for i in starts if not first.match(text, i)] == []


def test_numeral_runs_stop_at_words() -> None:
    found = [m.group() for m in NUMERAL_RE.finditer("輔助閱卷15.2萬件，開展三批次，參與隊伍大陸")]
    assert found == ["15.2萬", "三"]


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=10**12))
def test_chinese_integers_round_trip(n: int) -> None:
    simplified = cn2an.an2cn(n)
    assert parse_number(simplified) == n
    assert parse_number(simplified.translate(TRADITIONAL)) == n


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=1, max_value=9999),
    st.sampled_from(["", "十", "百", "千", "萬", "万", "億", "亿", "千萬", "百萬", "千億"]),
    st.booleans(),
)
def test_numbers_with_multipliers_round_trip(n: int, multiplier: str, chinese: bool) -> None:
    scale = 1
    for ch in multiplier:
        scale *= {"十": 10, "百": 100, "千": 1000, "萬": 10**4, "万": 10**4}.get(ch, 10**8)
    written = cn2an.an2cn(n) if chinese else str(n)
    if chinese and multiplier[:1] in "十百千" and multiplier:
        written = str(n)  # 五十百 is not Chinese; small units follow Arabic digits only
    assert parse_number(written + multiplier) == n * scale


@settings(max_examples=200, deadline=None)
@given(st.decimals(min_value=0, max_value=9999, places=1, allow_nan=False))
def test_decimals_with_wan_round_trip(d) -> None:
    assert parse_number(f"{d}萬") == pytest.approx(float(d) * 10**4)


def test_a_vague_digit_that_reads_as_no_number_is_unreadable() -> None:
    """八几 (found by the property test) once read as 82..9: bounds out of order."""
    assert read_numeral("八几") is None


def test_numerals_are_written_as_cn2an_writes_them() -> None:
    assert [write_numeral(n) for n in range(1, 1000)] == [cn2an.an2cn(n) for n in range(1, 1000)]


def _cn2an_label(label: str) -> int | None:
    """cn2an's reading of a label (its "smart" mode, with 參 as the 叁 it knows), or None."""
    try:
        return int(cn2an.cn2an(label.replace("參", "叁"), "smart"))
    except (ValueError, KeyError, IndexError):
        return None


@pytest.mark.parametrize("mode", ["low", "up"])
def test_labels_1_to_999_read_as_cn2an_reads_them(mode: str) -> None:
    """一 … 九百九十九 and 壹 … 玖佰玖拾玖, also in Traditional forms (貳, 參, 陸, 兩)."""
    traditional = str.maketrans("贰叁陆二", "貳參陸兩")
    for n in range(1, 1000):
        label = cn2an.an2cn(n, mode)
        for written in (label, label.translate(traditional)):
            assert read_label(written) == _cn2an_label(written) == n, written


@pytest.mark.parametrize("chars", [PLAIN_LABEL_CHARS, FORMAL_LABEL_CHARS])
def test_a_label_read_is_read_as_cn2an_reads_it(chars: str) -> None:
    """Every label of up to three characters that is read at all gets cn2an's number."""
    labels = ["".join(t) for k in (1, 2, 3) for t in itertools.product(chars, repeat=k)]
    read = {label: n for label in labels if (n := read_label(label)) is not None}
    assert {label: _cn2an_label(label) for label in read} == read


@pytest.mark.parametrize("label", ["百", "佰", "十十", "二二", "零五", "一百十", "十三五", "千"])
def test_a_label_not_written_out_is_no_number(label: str) -> None:
    """Bare multipliers, digit strings and shortened forms number no section (cn2an guesses
    some of them: 二二 → 22)."""
    assert read_label(label) is None
