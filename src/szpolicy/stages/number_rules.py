"""The numbers stage's rules, read from their data files (number_exclusions.yaml, units.csv,
qualifiers.csv, directions.csv, bases.csv, implied_units.csv), checked, folded to Simplified
and compiled once; a bad entry is an error naming the file (and line)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import pandas as pd

from ..errors import SzpolicyError
from ..rules import load as load_rule
from ..text.lookahead import with_lookahead
from ..text.numerals import CN_CHARS, DIGIT, NUMERAL, NUMERAL_FIRST
from ..text.punctuation import CLAUSE_BREAKS
from ..text.script import hans_aligned as fold

UNIT_KINDS = {"currency", "count", "percent", "percentage_point", "multiple", "ratio", "length"}
UNIT_KINDS |= {"area", "mass", "energy", "power", "duration", "other"}
QUALIFIERS = {"exact", "more_than", "at_least", "nearly", "about", "up_to"}
POSITIONS = {"before", "after_number", "after_unit", "before_share"}
BASES = {"previous_year", "previous_period", "earlier_year"}
CLAUSE_MARKS = "".join(sorted(CLAUSE_BREAKS))
Unit = tuple[str, str, str, float]  # written form, reported unit, kind, factor to that unit


@dataclass(frozen=True)
class Rules:
    """The exclusion rules and word lists, folded to Simplified and compiled."""

    patterns: list[tuple[re.Pattern, str, tuple[str, ...]]]  # regex, reason, needs (may be ())
    hotline_numbers: re.Pattern
    hotline_after: list[str]
    hotline_before: list[str]
    hotline_gap: int
    title_marks: tuple[str, str, str]
    quote_marks: tuple[str, str, str, int]
    mention_reason: str
    years: tuple[int, int, str]
    lexical: list[str]
    lexical_chars: str
    vague: tuple[str, str]  # characters that alone state no magnitude (几), and the reason
    article: str
    direction_window: int
    abstract_counts: AbstractCounts
    listed_counts: tuple[str, int, int, re.Pattern]  # reason, largest, longest item, unless
    durations: Durations


@dataclass(frozen=True)
class AbstractCounts:
    """A small count of abstract things (十项方针): not a measurement (number_exclusions.yaml)."""

    reason: str
    max: int
    classifiers: frozenset[str]
    heads: re.Pattern  # the noun phrase after the classifier, ending in an abstract head


@dataclass(frozen=True)
class Durations:
    """Years are measured only with a cue (用三年时间, 连续6年); else the span talked about."""

    reason: str
    units: frozenset[str]
    window: int
    before: re.Pattern
    after: re.Pattern


def _csv(name: str, columns: list[str], allowed: dict[str, set[str]] | None = None) -> pd.DataFrame:
    """A word list with exactly these columns, no empty cell, and known words where `allowed`
    says so; SzpolicyError naming the file otherwise."""
    table = load_rule(name.removesuffix(".csv")).data
    if list(table.columns) != columns:
        raise SzpolicyError(f"columns {list(table.columns)}, expected {columns}", name)
    for column in columns:
        for i, value in enumerate(table[column].tolist()):
            known = (allowed or {}).get(column)
            if not value.strip() or (known is not None and value not in known):
                wanted = f" (one of {sorted(known)})" if known else ""
                raise SzpolicyError(f"{column} {value!r} is not allowed{wanted}", name, i + 2)
    return table


@cache
def rules() -> Rules:
    """Load number_exclusions.yaml once; a missing or misspelt key is an error naming the file."""
    name = "number_exclusions.yaml"
    raw = load_rule("number_exclusions").data
    try:
        return _rules(raw)
    except (KeyError, TypeError, ValueError, re.error) as err:
        raise SzpolicyError(f"bad or missing entry: {err}", name) from None


PLACEHOLDERS = {
    "{n}": f"(?={NUMERAL_FIRST}){NUMERAL}",
    "{cn}": f"[{CN_CHARS}]",
    "{ar}": f"{DIGIT}+",
}


def expand(regex: str) -> str:
    """An exclusion pattern as written in the rules, its placeholders ({n}, {cn}, {ar}) filled in,
    folded to Simplified."""
    for key, value in PLACEHOLDERS.items():
        regex = regex.replace(key, value)
    return fold(regex)


def _rules(raw: dict) -> Rules:
    def compile_(regex: str) -> re.Pattern:
        return re.compile(with_lookahead(expand(regex)))

    hot, box, years = raw["hotline"], raw["containers"], raw["years"]
    titles, quotes = box["titles"], box["quotes"]
    return Rules(
        patterns=[
            (compile_(p["regex"]), p["reason"], _needs(p.get("needs", []))) for p in raw["patterns"]
        ],
        hotline_numbers=re.compile(hot["numbers"]),
        hotline_after=[fold(c) for c in hot["cues_after"]],
        hotline_before=[fold(c) for c in hot["cues_before"]],
        hotline_gap=int(hot["gap"]),
        title_marks=(titles["open"], titles["close"], titles["reason"]),
        quote_marks=(quotes["open"], quotes["close"], quotes["reason"], int(quotes["max_chars"])),
        mention_reason=box["agency_mentions"]["reason"],
        years=(int(years["min"]), int(years["max"]), years["reason"]),
        lexical=[fold(w) for w in raw["lexical"]],
        lexical_chars=fold(raw["lexical_chars"]),
        vague=(fold(raw["vague"]["chars"]), raw["vague"]["reason"]),
        article=fold(raw["indefinite_article"]),
        direction_window=int(raw["direction_window"]),
        **_not_measured_rules(raw["not_measured"]),
    )


def _needs(words: list) -> tuple[str, ...]:
    """A rule's `needs`: words, folded, one of which is in every text the rule matches."""
    if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
        raise ValueError(f"needs {words!r} is not a list of words")
    return tuple(fold(w) for w in words)


def _not_measured_rules(raw: dict) -> dict:
    """The rules of `not_measured`, folded and compiled."""
    abstract, listed, years = raw["abstract_counts"], raw["listed_counts"], raw["durations"]
    words = [fold(w) for w in abstract["heads"]]
    long_heads = "|".join(re.escape(w) for w in words if len(w) > 1)
    short_heads = "|".join(re.escape(w) for w in words if len(w) == 1) or "(?!)"
    gap = int(abstract["gap"])
    modifier = f"[^{CLAUSE_MARKS}、和与及{CN_CHARS}0-9]"
    heads = f"(?:{modifier}{{0,{gap}}}?(?:{long_heads})|(?:{short_heads}))"
    stop = "|".join(re.escape(fold(w)) for w in abstract["not_followed_by"]) or "(?!)"

    def cues(key: str) -> str:
        return "|".join(re.escape(fold(w)) for w in years[key])

    return {
        "abstract_counts": AbstractCounts(
            reason=abstract["reason"],
            max=int(abstract["max"]),
            classifiers=frozenset(fold(c) for c in abstract["classifiers"]),
            heads=re.compile(f"{heads}(?!{stop})"),
        ),
        "listed_counts": (
            listed["reason"],
            int(listed["max"]),
            int(listed["item_chars"]),
            re.compile(fold(listed["unless_followed_by"])),
        ),
        "durations": Durations(
            reason=years["reason"],
            units=frozenset(fold(u) for u in years["units"]),
            window=int(years["window"]),
            before=re.compile(cues("cues_before")),
            after=re.compile(f"(?:{cues('cues_after')})"),
        ),
    }


@cache
def units() -> list[Unit]:
    """(written form folded, unit, kind, factor), longest written form first; the factor turns
    the written unit into the reported one (兆瓦 → 1000 千瓦, ‰ → 0.1 %)."""
    name = "units.csv"
    table = _csv(name, ["written", "unit", "kind", "factor"], {"kind": UNIT_KINDS})
    rows = {
        (fold(r.written), r.unit, r.kind, _factor(r.factor, name, r.Index + 2))
        for r in table.itertuples()
    }
    return sorted(rows, key=lambda r: (-len(r[0]), r[0]))


def _factor(text: str, name: str, line: int) -> float:
    """A unit's factor: a positive number, else SzpolicyError naming the file and line."""
    try:
        factor = float(text)
    except ValueError:
        factor = 0.0
    if not factor > 0:
        raise SzpolicyError(f"factor {text!r} is not a positive number", name, line)
    return factor


@cache
def qualifiers() -> dict[str, list[tuple[str, str]]]:
    """position -> [(cue folded, qualifier)], longest cue first."""
    allowed = {"position": POSITIONS, "qualifier": QUALIFIERS}
    table = _csv("qualifiers.csv", ["cue", "position", "qualifier"], allowed)
    out: dict[str, list[tuple[str, str]]] = {}
    for r in table.itertuples():
        out.setdefault(r.position, []).append((fold(r.cue), r.qualifier))
    return {k: sorted(v, key=lambda c: -len(c[0])) for k, v in out.items()}


@cache
def directions() -> list[tuple[str, str]]:
    """(cue folded, direction), longest cue first."""
    allowed = {"direction": {"increase", "decrease"}}
    table = _csv("directions.csv", ["cue", "direction"], allowed)
    return sorted(
        ((fold(r.cue), r.direction) for r in table.itertuples()), key=lambda c: -len(c[0])
    )


YEAR_CUE = rf"(?:{DIGIT}{{4}}|[〇○零一二三四五六七八九]{{4}})年(?:底|末|初)?"


@cache
def bases() -> re.Pattern:
    """One regex of the base cues (bases.csv); the group named after the row gives the base.
    Its choices begin with groups, so a lookahead lets the engine skip to their first characters."""
    table = _csv("bases.csv", ["cue", "base"], {"base": BASES})
    rows = sorted(table.itertuples(), key=lambda r: -len(r.cue))
    parts = [
        f"(?P<{r.base}_{i}>{re.escape(fold(r.cue)).replace(re.escape('{year}'), YEAR_CUE)})"
        for i, r in enumerate(rows)
    ]
    return re.compile(with_lookahead("|".join(parts) or "(?!)"))


@cache
def implied_units() -> list[Unit]:
    """(head noun folded, unit, kind, 1.0): the unit a count takes from the noun it counts
    when no classifier is written (3700多万学生: 人; 近千万家庭: 户), longest head first."""
    table = _csv("implied_units.csv", ["head", "unit", "kind"], {"kind": UNIT_KINDS})
    rows = {(fold(r.head), r.unit, r.kind, 1.0) for r in table.itertuples()}
    return sorted(rows, key=lambda r: (-len(r[0]), r[0]))


@cache
def marks(chars: str) -> re.Pattern:
    return re.compile(f"[{re.escape(chars)}]")
