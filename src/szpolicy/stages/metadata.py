"""What a report is: its title, year, jurisdiction, genre and collection, from the manifest
where it says so, else from the text."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..io.manifest import Entry
from ..text.numerals import parse_number
from .dates import report_year, stated_review_year
from .genres import detect_genre, genre_of
from .jurisdictions import Jurisdiction, detect_jurisdiction
from .structure import ENDS, Structure

TITLE_MAX_CHARS = 40  # a title line is short, one phrase without sentence punctuation
OPENING_LINES = 8  # the lines where a title or a date line may stand
SALUTATION_MAX_CHARS = 12  # 各位代表：, 各位委員！
YEAR = re.compile(r"(?<![0-9０-９])((?:19|20)[0-9]{2}|[一二三四五六七八九〇零]{4})\s*年")
# A date line: a short line holding a full date (——2017年3月5日在第十二届全国人民代表大会…).
DATE = re.compile(
    r"(?<![0-9０-９])((?:19|20)[0-9]{2}|[一二三四五六七八九〇零]{4})\s*年\s*"
    r"[0-9一二三四五六七八九十]{1,3}\s*月\s*[0-9一二三四五六七八九十]{1,3}\s*日"
)


def _is_title_line(text: str) -> bool:
    return len(text) <= TITLE_MAX_CHARS and not any(c in text for c in ENDS + "，,；;：:！!")


def opening_lines(st: Structure) -> list[str]:
    """The report's first lines (clutter left out): where a title or a date line stands.

    A line's sentences are joined, and line breaks inside a paragraph removed.
    """
    lines: dict[int, str] = {}
    for s in st.sentences:
        if s["role"] == "boilerplate" or s["role"] == "heading":
            continue
        if s["line_no"] not in lines and len(lines) == OPENING_LINES:
            break
        lines[s["line_no"]] = lines.get(s["line_no"], "") + re.sub(r"\s*\n\s*", "", s["text"])
    return list(lines.values())


def _is_salutation(text: str) -> bool:
    return len(text) <= SALUTATION_MAX_CHARS and text[-1] in "：:！!，,"


def detect_title(st: Structure) -> str:
    """The report's title: an opening line before the first line of prose that reads like a
    title (short, no sentence punctuation); else the first sentence that is not a salutation
    (各位代表：); clutter lines never count."""
    lines = [line for line in opening_lines(st) if line]
    prose = next((i for i, line in enumerate(lines) if line[-1] in ENDS), len(lines))
    titled = (line for line in lines[:prose] if _is_title_line(line))
    first = next((line for line in lines if not _is_salutation(line)), lines[0] if lines else "")
    return next(titled, first)


def year_in(text: str, pattern: re.Pattern = YEAR) -> int | None:
    """The year of the first match of `pattern` (a year: 2025年, 二〇二五年) in a text, or None."""
    m = pattern.search(text)
    return int(parse_number(m[1])) if m else None


@dataclass(frozen=True)
class Metadata:
    """The columns of the reports table that say what a report is."""

    title: str
    year: int | None
    report_year: int | None  # the year it reviews, for relative dates
    jurisdiction: Jurisdiction | None
    declared: str  # the manifest's jurisdiction, kept when the gazetteer does not know it
    genre: str
    collection: str


def own_text(st: Structure) -> str:
    """The report's sentences without web-page clutter, a line each: a page's 来源：陕西省… or
    版权所有 line says where it was posted, not whom the report speaks for."""
    return "\n".join(s["text"] for s in st.sentences if s["role"] != "boilerplate")


def report_metadata(entry: Entry, st: Structure) -> Metadata:
    """A report's metadata: the manifest's values first, else what its text (clutter left out)
    says.

    The year is the manifest's, else the title's, else that of a date line (a short opening
    line with a full date), else the one the report says it reviews (and the genre's offset),
    else empty: never a guess. The reviewed year follows from the year and the genre, else is
    the most frequent year named (for relative dates only).
    """
    title = entry.title or detect_title(st)
    opening = opening_lines(st)
    text = own_text(st)
    genre = genre_of(entry.genre) if entry.genre else detect_genre(title, "".join(opening))
    dated = (year_in(line, DATE) for line in opening if len(line) <= TITLE_MAX_CHARS)
    year = entry.year or year_in(title) or next(filter(None, dated), None)
    if year is not None:
        reviewed = year + genre.reviewed_year_offset
    elif (reviewed := stated_review_year(text)) is not None:
        year = reviewed - genre.reviewed_year_offset
    else:
        reviewed = report_year(text)  # a guess from the years it names: good enough for 去年
    return Metadata(
        title=title,
        year=year,
        report_year=reviewed,
        jurisdiction=detect_jurisdiction(text, title, entry.jurisdiction or None),
        declared=entry.jurisdiction,
        genre=genre.id,
        collection=entry.collection or entry.path.parent.name,
    )
