"""What a report is: its title, year, jurisdiction, genre and collection, from the manifest
where it says so, else from the text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

from .dates import report_year
from .errors import SzpolicyError
from .manifest import Entry
from .numerals import parse_number
from .script import to_hans
from .structure import ENDS, Structure

TITLE_MAX_CHARS = 60  # a title line is short and ends without sentence-final punctuation
OPENING_CHARS = 400  # how much of the opening text may name the genre when the title does not
YEAR = re.compile(r"(?<![0-9０-９])((?:19|20)[0-9]{2}|[一二三四五六七八九〇零]{4})\s*年")


@dataclass(frozen=True)
class Genre:
    """A kind of report: its id, the words that name it, and the rules that depend on it."""

    id: str
    words: tuple[str, ...]
    reviewed_year_offset: int
    lead: str


@cache
def genres() -> tuple[tuple[Genre, ...], Genre]:
    """The genres of genres.yaml in priority order, and the fallback `other`."""
    name = "genres.yaml"
    spec = yaml.safe_load(resources.files("szpolicy.data").joinpath(name).read_text("utf-8"))
    try:
        known = tuple(
            Genre(g["id"], tuple(g["words"]), int(g["reviewed_year_offset"]), g["lead"])
            for g in spec["genres"]
        )
        other = spec["other"]
        fallback = Genre("other", (), int(other["reviewed_year_offset"]), other["lead"])
    except (KeyError, TypeError, ValueError) as err:
        raise SzpolicyError(f"bad genre entry: {err!r}", f"szpolicy/data/{name}") from None
    return known, fallback


def genre_of(genre_id: str) -> Genre:
    """The genre with this id (`other` for an unknown or empty id)."""
    known, fallback = genres()
    return next((g for g in known if g.id == genre_id), fallback)


def detect_genre(title: str, opening: str) -> Genre:
    """The first genre named in the title, else in the opening text, else `other`."""
    known, fallback = genres()
    for text in (to_hans(title), to_hans(opening[:OPENING_CHARS])):
        for genre in known:
            if any(word in text for word in genre.words):
                return genre
    return fallback


def _is_title_line(text: str) -> bool:
    return len(text) <= TITLE_MAX_CHARS and text[-1] not in ENDS + "，,；;：:"


def detect_title(st: Structure) -> str:
    """The report's title: the first line before the first section that reads like a title,
    else its first sentence; clutter lines never count."""
    lines: dict[int, str] = {}
    for s in st.sentences:
        if s["role"] == "boilerplate":
            continue
        if s["section_no"] != 0 and lines:
            break
        lines[s["line_no"]] = lines.get(s["line_no"], "") + s["text"]
    titled = (text for text in lines.values() if _is_title_line(text))
    first = next(iter(lines.values()), "")
    return next(titled, first)


def year_in(text: str) -> int | None:
    """The first year written in a text (2025年, 二〇二五年), or None."""
    m = YEAR.search(text)
    return int(parse_number(m[1])) if m else None


@dataclass(frozen=True)
class Metadata:
    """The columns of the reports table that say what a report is."""

    title: str
    year: int | None
    report_year: int | None  # the year it reviews, for relative dates
    jurisdiction: str
    genre: str
    collection: str


def report_metadata(entry: Entry, text: str, st: Structure) -> Metadata:
    """A report's metadata: the manifest's values first, else what the text says.

    The year is the manifest's, else the title's, else one written in the lines before the
    first section (a date line), else the reviewed year found in the text; the reviewed year
    follows from the year and the genre.
    """
    title = entry.title or detect_title(st)
    preamble = "".join(s["text"] for s in st.sentences if s["section_no"] == 0)
    genre = genre_of(entry.genre) if entry.genre else detect_genre(title, preamble or text)
    year = entry.year or year_in(title) or year_in(preamble)
    if year is None:
        reviewed = report_year(text)
        year = reviewed - genre.reviewed_year_offset if reviewed is not None else None
    else:
        reviewed = year + genre.reviewed_year_offset
    return Metadata(
        title=title,
        year=year,
        report_year=reviewed,
        jurisdiction=entry.jurisdiction,
        genre=genre.id,
        collection=entry.collection or entry.path.parent.name,
    )
