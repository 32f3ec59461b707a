"""The first-character lookahead added to regular expressions the engine cannot skip through."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from szpolicy.rules import load as load_rule
from szpolicy.stages.dates import EXPLICIT_RE, MONTH_DAY_RE
from szpolicy.stages.number_rules import bases, expand, rules
from szpolicy.stages.paragraphs import boilerplate_rules
from szpolicy.text.lookahead import any_of, with_lookahead
from szpolicy.text.script import hans_aligned as fold

REPORTS = Path(__file__).resolve().parents[1] / "data/raw/national_gwr"


@pytest.fixture(scope="module")
def lines() -> list[str]:
    """The national reports' lines, folded as the stages see them."""
    return [fold(line) for path in sorted(REPORTS.glob("*.txt")) for line in path.open()]


@pytest.mark.parametrize(
    ("pattern", "first"),
    [
        ("(?<=[，。])这?[一二三]年", "(?=[一三二这])"),  # the lookbehind is no character
        ("(?:过去|今后)的?[0-9]+年|经过[0-9]+年", "(?=[今经过])"),
        ("(?:近|这)?的?[0-9]+个?月", "(?=[0-9的近这])"),  # optional parts: what follows counts too
        ("(?:^|(?<=[，]))[一二]+是", "(?=[一二])"),
    ],
)
def test_the_lookahead_lists_the_characters_a_match_can_begin_with(
    pattern: str, first: str
) -> None:
    wrapped = with_lookahead(pattern)
    assert wrapped == f"{first}(?:{pattern})"


@pytest.mark.parametrize(
    "pattern",
    [
        "经过[0-9]+年",  # a literal first: the engine skips to it itself
        "[一二三]年",  # a class first
        "十年|百年",  # a choice of literals
        "(?=[0-9])[0-9]+年",  # its own lookahead already
        "^这?[一二]是",  # anchored: tried at the start only
        "(?<=年).年",  # any character may begin a match
        "[^年]+年",  # a negated class
        "(?<=[，])(?:这)?",  # a match may be empty
        "(?i)(?<=[，])[a-z]年",  # flags: wrapping would move them
    ],
)
def test_patterns_that_gain_nothing_or_cannot_be_bounded_are_left_alone(pattern: str) -> None:
    assert with_lookahead(pattern) == pattern


def test_the_exclusion_rules_find_the_same_spans_with_and_without_it(lines: list[str]) -> None:
    """Over the national reports' lines: every rule matches as it is written."""
    written = [expand(p["regex"]) for p in load_rule("number_exclusions").data["patterns"]]
    compiled = [regex for regex, _, _ in rules().patterns]
    changed = [(w, r) for w, r in zip(written, compiled, strict=True) if r.pattern != w]
    assert changed  # the time frames and plan names, among others, gained a lookahead
    for pattern, regex in changed:
        original = re.compile(pattern)
        found = [m.span() for line in lines for m in original.finditer(line)]
        assert [m.span() for line in lines for m in regex.finditer(line)] == found, pattern


def _unwrapped(regex: re.Pattern) -> re.Pattern:
    """A regex that `with_lookahead` wrapped, as it was written."""
    return re.compile(regex.pattern[regex.pattern.index("])(?:") + len("])(?:") : -1])


@pytest.mark.parametrize("regex", [EXPLICIT_RE, MONTH_DAY_RE])
def test_the_date_patterns_find_the_same_dates_with_and_without_it(
    regex: re.Pattern, lines: list[str]
) -> None:
    assert regex.pattern.startswith("(?=[")  # 过去的2024年 or a numeral: chosen in full before
    original = _unwrapped(regex)
    found = [m.groupdict() | {"span": m.span()} for line in lines for m in original.finditer(line)]
    assert found  # the reports are full of dates
    assert [
        m.groupdict() | {"span": m.span()} for line in lines for m in regex.finditer(line)
    ] == found


def test_the_base_cues_find_the_same_matches_with_and_without_it(lines: list[str]) -> None:
    """The base cues (bases.csv) begin with named groups: the lookahead changes no match."""
    regex = bases()
    assert regex.pattern.startswith("(?=[")
    original = _unwrapped(regex)
    found = [(m.lastgroup, m.span()) for line in lines for m in original.finditer(line)]
    assert found  # 比上年, 同比: the reports compare with earlier years
    assert [(m.lastgroup, m.span()) for line in lines for m in regex.finditer(line)] == found


@pytest.mark.parametrize(
    ("pattern", "first"),
    [
        ("wiki|維基", "(?=[w維])"),  # a letter in any case: the engine cannot skip to it
        ("[a-c]+x", "(?=[a-c])"),
    ],
)
def test_under_ignorecase_letters_first_gain_the_lookahead(pattern: str, first: str) -> None:
    assert with_lookahead(pattern, re.I) == f"{first}(?:{pattern})"
    assert with_lookahead("維基|维基", re.I) == "維基|维基"  # no case: the engine skips itself


def test_any_of_joins_the_patterns_by_where_they_start_and_keeps_group_references_alone() -> None:
    patterns = ["^本作品", r"public\s*domain", "wiki", r"\s>\s", r"(a)\1", "(?P<x>b)(?P=x)"]
    joined = [p.pattern for p in any_of(patterns, re.I)]
    assert joined == [
        "^(?:(?:^本作品))",  # the start only
        r"(?=[pw])(?:(?:public\s*domain)|(?:wiki))",
        r"(?:\s>\s)",
        r"(a)\1",
        "(?P<x>b)(?P=x)",
    ]
    assert [p.pattern for p in any_of(["wiki|維基"], re.I)] == ["(?=[w維])(?:wiki|維基)"]


def _fuzzed(patterns: list[str], n: int) -> list[str]:
    """Random strings of the patterns' words and characters, in any case, with blanks, marks
    and characters that fold to ASCII letters (ſ, K, İ, ı) between: near misses and hits."""
    words = {w for p in patterns for w in re.findall(r"[^\W\d_]+|\S", p)}
    words |= {w.swapcase() for w in words} | {w.upper() for w in words}
    glue = ["", "", " ", "\u3000", "：", ":", "】", "【", ">", " > ", "|", "2025"]
    glue += ["ſ", "K", "İ", "ı"]
    rng = random.Random(19)
    pieces = sorted(words)
    return [
        "".join(rng.choice(pieces) + rng.choice(glue) for _ in range(rng.randint(1, 6)))
        for _ in range(n)
    ]


@pytest.mark.parametrize("key", ["patterns", "notices"])
def test_the_clutter_rules_joined_find_clutter_exactly_where_the_listed_ones_do(
    key: str, lines: list[str]
) -> None:
    """Every line of the national reports (as it is and without its blanks, as notices are
    searched), each of their fields, and fuzzed strings: found by one listed pattern exactly
    when by one joined regex."""
    listed = load_rule("boilerplate").data[key]
    joined = getattr(boilerplate_rules(), key)
    assert len(joined) < len(listed)
    one = [re.compile(p, re.I) for p in listed]
    raw = [line.strip() for path in sorted(REPORTS.glob("*.txt")) for line in path.open()]
    texts = raw + ["".join(t.split()) for t in raw] + [f for t in raw for f in t.split()]
    texts += _fuzzed(listed, 50_000)
    found = [any(p.search(t) for p in one) for t in texts]
    assert any(found)
    assert [any(p.search(t) for p in joined) for t in texts] == found
