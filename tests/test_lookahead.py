"""The first-character lookahead added to regular expressions the engine cannot skip through."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from szpolicy.rules import load as load_rule
from szpolicy.stages.dates import EXPLICIT_RE, MONTH_DAY_RE
from szpolicy.stages.number_rules import bases, expand, rules
from szpolicy.text.lookahead import with_lookahead
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
