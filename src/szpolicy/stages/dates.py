"""Dates in the report: explicit (2024年12月28日), implied-year (11月30日) and relative (去年)."""

from __future__ import annotations

import calendar
import re
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

import pandas as pd

from ..rules import load as load_rule
from ..schema import columns
from ..text.distinct import per_text
from ..text.lookahead import with_lookahead
from ..text.numerals import parse_number
from ..text.script import hans_aligned
from .records import records

# Figures may be full-width (１９５５年３月) and 〇 may be written ○ (一九八○年).
YEAR = r"(?:[12１２][0-9０-９]{3}|[〇○零一二三四五六七八九]{4})"
MONTH = r"(?:[1１][0-2０-２]|[0０]?[1-9１-９]|十[一二]?|[一二三四五六七八九])"
DAY = (
    r"(?:[3３][01０１]|[12１２][0-9０-９]|[0０]?[1-9１-９]|三十一?|二?十[一二三四五六七八九]?"
    r"|[一二三四五六七八九])"
)
NOT_NUMERAL = r"(?<![0-9０-９〇○零一二三四五六七八九十百千万亿两几个])"
EXPLICIT_RE = re.compile(
    with_lookahead(
        rf"(?P<pre>(?:刚刚)?过去的)?{NOT_NUMERAL}(?P<y>{YEAR})\s*年"
        rf"(?:(?P<m>{MONTH})\s*月(?:(?P<d>{DAY})\s*[日号])?|(?P<part>度|底|末|初|上半年|下半年))?"
    )
)
MONTH_DAY_RE = re.compile(
    with_lookahead(rf"{NOT_NUMERAL}(?P<m>{MONTH})\s*月(?:份)?(?:(?P<d>{DAY})\s*[日号])?")
)
# The year a retrospective report reviews: 回望剛剛過去的2024年, 回顧2024年, 2024年工作回顾
REVIEW_RE = re.compile(
    rf"(?:回望|回顾|过去的|总结)\D{{0,4}}?(?P<y>{YEAR})\s*年|(?P<y2>{YEAR})\s*年工作回顾"
)
PARTS = {"度": (1, 12), "底": (12, 12), "末": (12, 12), "初": (1, 1), "上半年": (1, 6)}
PARTS["下半年"] = (7, 12)
COLUMNS = columns("dates")


@dataclass(frozen=True)
class DateSpan:
    """A date expression in a text: offsets, what it states, and what it leaves to the context."""

    start: int
    end: int
    precision: str  # year | month | day
    year: int | None  # None when the text leaves the year to the report (11月30日, 去年)
    months: tuple[int, int] | None  # first and last month covered; None when not resolvable
    day: int | None = None
    year_offset: int | None = None  # for relative words: years after the report year

    @property
    def is_relative(self) -> bool:
        return self.year is None


@cache
def _relative_terms() -> pd.DataFrame:
    table = load_rule("relative_dates").data
    numbers = ("year_offset", "month_start", "month_end")
    terms = table.assign(
        **{c: pd.to_numeric(table[c].replace("", None)).astype("Int64") for c in numbers}
    )
    return terms.assign(n=terms["term"].str.len()).sort_values("n", ascending=False)


@cache
def _relative_rows() -> tuple[tuple[str, int | None, tuple[int, int] | None], ...]:
    """(term, year offset, months) per relative term, in the order `find_dates` tries them."""
    columns = ["term", "year_offset", "month_start", "month_end"]
    rows = []
    for term, offset, first, last in _relative_terms()[columns].itertuples(index=False, name=None):
        known = not pd.isna(offset)
        months = (int(first), int(last)) if known else None
        rows.append((term, int(offset) if known else None, months))
    return tuple(rows)


@cache
def _relative_cue() -> re.Pattern:
    """Any relative term: most sentences hold none, which one search tells."""
    return re.compile("|".join(re.escape(term) for term, _, _ in _relative_rows()))


def _valid(year: int, month: int, day: int | None) -> bool:
    return 1 <= month <= 12 and (day is None or 1 <= day <= calendar.monthrange(year, month)[1])


def _explicit(m: re.Match) -> DateSpan | None:
    year = int(parse_number(m["y"]))
    if m["m"]:
        month, day = int(parse_number(m["m"])), int(parse_number(m["d"])) if m["d"] else None
        if not _valid(year, month, day):
            return None
        return DateSpan(m.start(), m.end(), "day" if day else "month", year, (month, month), day)
    first, last = PARTS.get(m["part"] or "度")
    precision = "year" if (first, last) == (1, 12) else "month"
    return DateSpan(m.start(), m.end(), precision, year, (first, last))


def _month_day(m: re.Match) -> DateSpan | None:
    month, day = int(parse_number(m["m"])), int(parse_number(m["d"])) if m["d"] else None
    if not _valid(2000, month, day):  # a leap year, so 2月29日 passes
        return None
    return DateSpan(m.start(), m.end(), "day" if day else "month", None, (month, month), day, 0)


# Each form of date with the word every match of it holds
DATE_FORMS = ((EXPLICIT_RE, _explicit, "年"), (MONTH_DAY_RE, _month_day, "月"))


@cache
def _date_cue() -> re.Pattern:
    """Any word a date holds (each form's, a relative term): most sentences hold none, which one
    search tells before anything else is tried."""
    words = [word for _, _, word in DATE_FORMS] + [term for term, _, _ in _relative_rows()]
    return re.compile("|".join(map(re.escape, words)))


def find_dates(text: str) -> list[DateSpan]:
    """Every date expression in a text, in order, none overlapping (either script)."""
    return list(_dates(text))


@per_text
def _dates(text: str) -> tuple[DateSpan, ...]:
    """`find_dates`, cached: numbers and dates both need a sentence's dates."""
    folded = hans_aligned(text)
    if _date_cue().search(folded) is None:
        return ()
    spans: list[DateSpan] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s.start or start >= s.end for s in spans)

    for regex, read, needed in DATE_FORMS:
        if needed not in folded:  # every match has it; a quick test saves a slow scan
            continue
        for m in regex.finditer(folded):
            if free(m.start(), m.end()) and (span := read(m)) is not None:
                spans.append(span)
    for term, offset, months in _relative_rows() if _relative_cue().search(folded) else ():
        start = folded.find(term)
        while start != -1:
            end = start + len(term)
            if free(start, end):
                precision = "year" if months in ((1, 12), None) else "month"
                spans.append(DateSpan(start, end, precision, None, months, None, offset))
            start = folded.find(term, end)
    return tuple(sorted(spans, key=lambda s: s.start))


def stated_review_year(text: str) -> int | None:
    """The year a report says it reviews (回望/回顧/過去的 2024年, 2024年工作回顾), else None."""
    folded = "\n".join(map(hans_aligned, text.split("\n")))  # lines recur: each folded once
    m = REVIEW_RE.search(folded)
    return int(parse_number(m["y"] or m["y2"])) if m else None


def report_year(text: str) -> int | None:
    """The year a report reviews: the one it says it reviews, else the most frequent explicit
    year (ties go to the latest), else None."""
    if (stated := stated_review_year(text)) is not None:
        return stated
    years = Counter(s.year for s in find_dates(text) if s.year is not None)
    if not years:
        return None
    return max(years, key=lambda y: (years[y], y))


def _iso_range(span: DateSpan, year: int) -> tuple[str, str]:
    first, last = span.months
    if span.day is not None:
        iso = f"{year:04d}-{first:02d}-{span.day:02d}"
        return iso, iso
    last_day = calendar.monthrange(year, last)[1]
    return f"{year:04d}-{first:02d}-01", f"{year:04d}-{last:02d}-{last_day:02d}"


SENTENCE_FIELDS = ["report_id", "section_no", "sentence_no", "text", "char_start"]


@per_text
def _date_rows(text: str, year_of_report: int | None) -> tuple[tuple[tuple, int, int], ...]:
    """The dates of a text as (COLUMNS surface to resolved, span start, span end), cached:
    sentences recur."""
    rows = []
    for span in _dates(text):
        if span.year is not None:
            year = span.year
        elif year_of_report is not None and span.year_offset is not None:
            year = year_of_report + span.year_offset
        else:
            year = None
        start, end = _iso_range(span, year) if year is not None else ("", "")
        surface = text[span.start : span.end]
        fields = (surface, start, end, span.precision, span.is_relative, year is not None)
        rows.append((fields, span.start, span.end))
    return tuple(rows)


def extract_dates(
    sentences: pd.DataFrame, report_year: int | None | Mapping[str, int | None]
) -> pd.DataFrame:
    """One row per date expression, ISO-resolved; relative ones against the report year (one
    for all sentences, or report_id -> year for several reports)."""
    years = report_year if isinstance(report_year, Mapping) else defaultdict(lambda: report_year)
    rows = [
        (report_id, section_no, sentence_no, *fields, offset + start, offset + end)
        for report_id, section_no, sentence_no, text, offset in records(sentences, SENTENCE_FIELDS)
        if _dates(text)  # most sentences have none: no rows to make or remember
        for fields, start, end in _date_rows(text, years[report_id])
    ]
    table = pd.DataFrame(rows, columns=COLUMNS)
    return table.sort_values(["report_id", "char_start"], kind="mergesort").reset_index(drop=True)
