"""Fuzzing the reader, the structure pass and the number parser with hypothesis.

Nothing but SzpolicyError (ValueError for parse_number) may escape, and every successful
structure round-trips its offsets. The normal run is short (60 examples a test); the long run:

    SZPOLICY_FUZZ=long .venv/bin/pytest tests/test_fuzz.py -p no:nbval -o addopts="" -q

(2000 examples a test, a few minutes).
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from szpolicy.errors import SzpolicyError
from szpolicy.io.read import decode, read_report
from szpolicy.stages.paragraphs import BLANK
from szpolicy.stages.structure import structure
from szpolicy.text.numerals import CN_CHARS, parse_number

settings.register_profile(
    "szpolicy-short",
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "szpolicy-long",
    max_examples=2000,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
FUZZ = settings.get_profile(
    "szpolicy-long" if os.environ.get("SZPOLICY_FUZZ") == "long" else "szpolicy-short"
)
PATH = Path("fuzz.txt")

# Report-like text: heading starts of every style, prose with sentence ends, quotes, spaces.
NUMERALS = ["一", "二", "三", "四", "十", "十一", "二十", "兩", "1", "2", "3"]
HEADINGS = st.one_of(
    st.builds("{}、".format, st.sampled_from(NUMERALS)),
    st.builds("（{}）".format, st.sampled_from(NUMERALS)),
    st.builds("({})".format, st.sampled_from(NUMERALS)),
    st.builds("第{}章".format, st.sampled_from(NUMERALS)),
    st.builds("{}.".format, st.sampled_from(["1", "2", "3", "12"])),
)
PROSE_CHARS = (
    "市政府推進法治建設完成項工作人民數據平台，、：；。！？!?…「」『』《》（）\u3000 \t34萬億"
)
PROSE = st.text(alphabet=PROSE_CHARS, min_size=0, max_size=40)
LINE = st.one_of(
    st.builds(
        lambda indent, head, rest: indent + head + rest,
        st.sampled_from(["", "\u3000\u3000", "  "]),
        HEADINGS,
        PROSE,
    ),
    PROSE,
    st.sampled_from(["", "\u3000", "分享到：微信", "「好。」他說。", "（完）"]),
)
NEWLINES = st.sampled_from(["\n", "\r\n", "\r"])
REPORT_TEXT = st.builds(
    lambda lines, nl, end: nl.join(lines) + end,
    st.lists(LINE, min_size=1, max_size=25),
    NEWLINES,
    st.sampled_from(["", "\n", "\r\n"]),
)
CN_NUMERALS = "一二三四五六七八九十兩"
WORDS = "市政府推進法治建設完成工作人民平台"
BODY = st.builds(  # a paragraph: words, commas, inner sentence ends, a final one
    str.__add__,
    st.text(alphabet=WORDS + "，、。！？「」\u3000", min_size=1, max_size=30),
    st.sampled_from(["。", "！", "？", "。」", "……"]),
)
TITLE = st.text(alphabet=WORDS + "，", max_size=15)


@st.composite
def well_formed(draw) -> str:
    """A report whose sections are numbered one, two, ... each with a body: must structure."""
    nl = draw(NEWLINES)
    lines = [draw(BODY)]
    for i in range(draw(st.integers(1, 10))):
        lines.append(
            draw(st.sampled_from(["", "\u3000\u3000"])) + CN_NUMERALS[i] + "、" + draw(TITLE)
        )
        for j in range(draw(st.integers(0, 3))):
            if j < len(CN_NUMERALS) and draw(st.booleans()):
                lines.append(f"（{CN_NUMERALS[j]}）" + draw(BODY))
            lines.append(draw(BODY))
        lines.append(draw(BODY))
    return nl.join(lines)


def check_round_trip(text: str) -> None:
    """Every sentence's offsets give its text; each non-blank character is in one sentence."""
    doc = read_report_text(text)
    st_ = structure(doc)
    covered = [0] * len(doc.text)
    last_end = 0
    for s in st_.sentences:
        a, b = s["char_start"], s["char_end"]
        assert doc.text[a:b] == s["text"]
        assert s["text"] and s["text"] == s["text"].strip(BLANK)
        assert a >= last_end
        last_end = b
        for i in range(a, b):
            covered[i] += 1
    for i, ch in enumerate(doc.text):
        assert covered[i] == 1 or (covered[i] == 0 and (ch.isspace() or ch in BLANK)), (i, ch)
    for sec in st_.sections:
        assert 0 <= sec["char_start"] < sec["char_end"] <= len(doc.text)


_FOLDER = Path(tempfile.mkdtemp(prefix="szpolicy-fuzz-"))
atexit.register(shutil.rmtree, _FOLDER, ignore_errors=True)


def read_report_text(text: str):
    path = _FOLDER / PATH
    path.write_bytes(text.encode("utf-8"))
    return read_report(path)


@FUZZ
@given(st.binary(max_size=3000))
def test_decode_arbitrary_bytes(data: bytes) -> None:
    try:
        text, encoding = decode(data, PATH)
    except SzpolicyError as err:
        assert err.path == str(PATH)
        return
    assert isinstance(text, str) and encoding


@FUZZ
@given(
    st.text(max_size=400),
    st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "gb18030", "big5hkscs"]),
)
def test_read_arbitrary_text_in_any_encoding(text: str, encoding: str) -> None:
    path = _FOLDER / "encoded.txt"
    data = text.encode(encoding, errors="ignore")
    path.write_bytes(data)
    try:
        doc = read_report(path)
    except SzpolicyError as err:
        assert err.path == str(path)
        return
    if encoding in ("utf-8", "utf-8-sig", "utf-16"):  # no guessing: the text comes back
        assert doc.text == data.decode(encoding)


@FUZZ
@given(REPORT_TEXT)
def test_structure_of_report_like_text(text: str) -> None:
    try:
        check_round_trip(text)
    except SzpolicyError as err:
        assert err.path == str(_FOLDER / PATH)


@FUZZ
@given(well_formed())
def test_well_formed_reports_structure_and_round_trip(text: str) -> None:
    check_round_trip(text)  # no SzpolicyError allowed here


@FUZZ
@given(
    st.one_of(
        st.text(max_size=30), st.text(alphabet=CN_CHARS + "0123456789０１.,點点 ", max_size=20)
    )
)
def test_parse_number_raises_only_value_error(s: str) -> None:
    try:
        value = parse_number(s)
    except ValueError:
        return
    assert isinstance(value, float)
    assert value >= 0 or value != value  # non-negative (there is no minus sign to read)
