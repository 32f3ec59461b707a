"""Jurisdictions (the country, provinces, prefectures) and the one a report speaks for."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import pandas as pd

from ..rules import load as load_rule
from ..text.script import to_hans

JURISDICTIONS = "jurisdictions.csv"
COUNTRY_CODE = "100000"  # the country: not a GB/T 2260 code, the one common map services use
COLUMNS = [
    "code",
    "name_zh_hans",
    "name_zh_hant",
    "short_hans",
    "short_hant",
    "designator",
    "level",
    "parent_code",
    "slug",
    "name_en",
]
LEVELS = {"national", "provincial", "prefecture"}
# Words of a lede that make the country the speaker (我代表国务院 …) when no place is named first.
COUNTRY_CUES = ("国务院", "中央人民政府", "全国人民代表大会", "中华人民共和国")
LEDE_CHARS = 600  # how much of a report's opening the detection reads after its title


@dataclass(frozen=True)
class Jurisdiction:
    """A jurisdiction: GB/T 2260 code (100000 for the country), names, level and designator."""

    code: str
    name: str  # Simplified full name, 陕西省
    name_hant: str
    level: str  # national | provincial | prefecture
    designator: str = ""  # 省, 自治区, 市, 自治州 …; 国 for the country
    short: str = ""  # 陕西
    parent_code: str = ""
    slug: str = ""  # id prefix of its bodies: ISO 3166-2 for provinces (gd), gd_shenzhen …
    name_en: str = ""


def validate_jurisdictions(df: pd.DataFrame, source: str = JURISDICTIONS) -> pd.DataFrame:
    """Check the jurisdictions table: columns, six-digit unique codes, known levels and parents."""
    if list(df.columns) != COLUMNS:
        raise ValueError(f"{source}: columns {list(df.columns)}, expected {COLUMNS}")
    codes = set(df["code"])
    for line, row in enumerate(df.to_dict("records"), start=2):  # the header is line 1
        if not re.fullmatch(r"\d{6}", row["code"]):
            raise ValueError(f"{source}:{line}: code {row['code']!r} is not six digits")
        if row["level"] not in LEVELS:
            raise ValueError(f"{source}:{line}: level {row['level']!r} is not one of {LEVELS}")
        if row["parent_code"] and row["parent_code"] not in codes:
            raise ValueError(f"{source}:{line}: parent_code {row['parent_code']} is unknown")
        if not row["name_zh_hans"] or not row["slug"]:
            raise ValueError(f"{source}:{line}: empty name or slug")
    for column in ("code", "slug"):
        repeated = df[column][df[column].duplicated()]
        if len(repeated):
            raise ValueError(f"{source}: {column} {repeated.iloc[0]} repeats")
    return df


@cache
def jurisdictions() -> dict[str, Jurisdiction]:
    """Every packaged jurisdiction by code (data/jurisdictions.csv, made by scripts/)."""
    df = validate_jurisdictions(load_rule("jurisdictions").data, f"szpolicy/data/{JURISDICTIONS}")
    return {
        r.code: Jurisdiction(
            r.code,
            r.name_zh_hans,
            r.name_zh_hant,
            r.level,
            r.designator,
            r.short_hans,
            r.parent_code,
            r.slug,
            r.name_en,
        )
        for r in df.itertuples(index=False)
    }


@cache
def names() -> dict[str, str]:
    """Simplified full and short names (and 中国, 全国) -> code; a short name two places share
    goes to the higher level (吉林 is the province)."""
    out: dict[str, str] = {}
    ordered = sorted(jurisdictions().values(), key=lambda j: j.code != COUNTRY_CODE)
    for j in sorted(ordered, key=lambda j: ["national", "provincial", "prefecture"].index(j.level)):
        for name in (j.name, j.short):
            out.setdefault(name, j.code)
    out.setdefault("全国", COUNTRY_CODE)
    return out


@cache
def _name_regex() -> re.Pattern:
    return re.compile("|".join(map(re.escape, sorted(names(), key=len, reverse=True))))


def lookup(name: str) -> Jurisdiction | None:
    """The jurisdiction a name (full, short, either script, or a code) stands for."""
    key = to_hans(name.strip())
    code = key if key in jurisdictions() else names().get(key)
    return jurisdictions()[code] if code else None


def detect_jurisdiction(
    text: str, title: str = "", declared: str | None = None
) -> Jurisdiction | None:
    """The jurisdiction a report speaks for: the declared one (a manifest value) wins; else the
    first place its title names; else, in its opening, the country when it speaks for the State
    Council and names no place before, or the place (not the country) named there that the
    whole text names most.
    """
    if declared:
        return lookup(declared)
    table, regex = jurisdictions(), _name_regex()
    title = to_hans(title)
    named = regex.search(title)
    if named:
        return table[names()[named.group()]]
    if any(cue in title for cue in COUNTRY_CUES):
        return table[COUNTRY_CODE]
    hans = to_hans(text)
    opening = hans[:LEDE_CHARS]
    cue = min((i for i in map(opening.find, COUNTRY_CUES) if i >= 0), default=None)
    places = [  # the country is told by its cues: any report names 中国式现代化 or 全国
        m
        for m in regex.finditer(opening)
        if (cue is None or m.start() < cue) and names()[m.group()] != COUNTRY_CODE
    ]
    if not places:
        return table[COUNTRY_CODE] if cue is not None else None
    counts = {m.group(): hans.count(m.group()) for m in places}
    best = max(places, key=lambda m: counts[m.group()])  # max keeps the first of equals
    return table[names()[best.group()]]
