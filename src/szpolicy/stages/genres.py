"""Genres of report (government work report, rule-of-law review …): told from the title or
opening, and the rules that depend on them, from the package's genres.yaml."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ..errors import SzpolicyError
from ..rules import load as load_rule
from ..text.script import to_hans

OPENING_CHARS = 400  # how much of the opening text may name the genre when the title does not
REPORTING_GOVERNMENT = "reporting_government"  # the lead rule of a government work report


@dataclass(frozen=True)
class Genre:
    """A kind of report: its id, the patterns that name it, and the rules that depend on it."""

    id: str
    patterns: tuple[re.Pattern, ...]
    reviewed_year_offset: int
    lead: str


@cache
def genres() -> tuple[tuple[Genre, ...], Genre]:
    """The genres of genres.yaml in priority order, and the fallback `other`."""
    name = "genres.yaml"
    spec = load_rule("genres").data
    try:
        known = tuple(
            Genre(
                g["id"],
                tuple(map(re.compile, g["patterns"])),
                int(g["reviewed_year_offset"]),
                g["lead"],
            )
            for g in spec["genres"]
        )
        other = spec["other"]
        fallback = Genre("other", (), int(other["reviewed_year_offset"]), other["lead"])
    except (KeyError, TypeError, ValueError, re.error) as err:
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
            if any(p.search(text) for p in genre.patterns):
                return genre
    return fallback
