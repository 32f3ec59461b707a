"""Agencies against hand-read samples: named bodies found (recall) and mentions judged (precision).

The samples span the seed and national reports of seven decades (the national collection in
data/raw/national_gwr). Mentions are read
line by line here, so reports whose headings the structure stage refuses are judged too.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

from szpolicy.io import paths
from szpolicy.io.read import read_report
from szpolicy.stages.agencies import agency_mentions, agency_table
from szpolicy.stages.jurisdictions import COUNTRY_CODE, detect_jurisdiction, jurisdictions

from .conftest import SEED

GOLD = Path(__file__).parent / "gold"
NAMED = GOLD / "agencies_named_bodies.csv"  # copied unchanged from the hand-read gold
JUDGED = GOLD / "agencies_precision_sample.csv"  # 150 mentions judged by reading
MAX_MISSED = 0.05
MIN_PRECISION = 0.95


def raw_path(report_id: str) -> Path:
    return SEED if report_id == SEED.stem else paths.RAW / "national_gwr" / f"{report_id}.txt"


@cache
def report_mentions(report_id: str) -> tuple[str, pd.DataFrame]:
    """A report's text and its mentions, one sentence per line, in its detected jurisdiction."""
    text = read_report(raw_path(report_id)).text
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    sentences = pd.DataFrame(
        {
            "report_id": report_id,
            "section_no": 0,
            "sentence_no": range(1, len(lines) + 1),
            "text": [line.rstrip("\r\n") for line in lines],
            "char_start": starts[:-1],
        }
    )
    contexts = {report_id: (detect_jurisdiction(text), "other")}
    return text, agency_mentions(sentences, contexts)


def read_gold(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def test_named_bodies_are_found() -> None:
    """At most 5 % of the named bodies read by hand have no mention overlapping them."""
    gold = read_gold(NAMED)
    missed = []
    for report_id, rows in gold.groupby("report_id"):
        text, mentions = report_mentions(report_id)
        lines = text.splitlines(keepends=True)
        offsets = [sum(map(len, lines[:i])) for i in range(len(lines))]
        spans = list(zip(mentions["char_start"], mentions["char_end"], strict=True))
        seen: dict[tuple[str, str], int] = {}
        for row in rows.itertuples():
            key = (row.line, row.surface)
            seen[key] = seen.get(key, -1) + 1
            line = lines[int(row.line) - 1]
            at = -1
            for _ in range(seen[key] + 1):
                at = line.find(row.surface, at + 1)
            assert at >= 0, f"{report_id}:{row.line}: {row.surface} not in the line"
            start = offsets[int(row.line) - 1] + at
            end = start + len(row.surface)
            if not any(a < end and start < b for a, b in spans):
                missed.append(f"{report_id}:{row.line}:{row.surface}")
    assert len(gold) == 232
    assert len(missed) / len(gold) <= MAX_MISSED, missed


def test_judged_mentions_are_precise_and_still_found() -> None:
    """The sample's precision is at least 95 %, and every mention judged correct is still made
    with the same agency and place."""
    judged = read_gold(JUDGED)
    assert len(judged) == 150 and judged["report_id"].nunique() >= 8
    assert set(judged["correct"]) <= {"yes", "no"}
    assert (judged["correct"] == "yes").mean() >= MIN_PRECISION
    for report_id, rows in judged[judged["correct"] == "yes"].groupby("report_id"):
        text, mentions = report_mentions(report_id)
        made = mentions.set_index("char_start")
        for row in rows.itertuples():
            start = int(row.char_start)
            assert text[start : int(row.char_end)] == row.surface
            assert start in made.index, f"{report_id}:{start}: {row.surface} no longer found"
            got = made.loc[start, ["agency_id", "jurisdiction_code"]].tolist()
            assert got == [row.agency_id, row.jurisdiction_code], (report_id, row.surface)


def test_no_mention_is_another_places_body_unless_named() -> None:
    """Across the seed and the corpus, a body of another place than the report's own (or the
    country, or the province its city lies in) is one whose surface names that place."""
    table = jurisdictions()
    national = (paths.RAW / "national_gwr").glob("national_gwr_*.txt")
    report_ids = [SEED.stem] + sorted(p.stem for p in national)
    for report_id in report_ids:
        text, mentions = report_mentions(report_id)
        own = detect_jurisdiction(text)
        allowed = {"", COUNTRY_CODE, own.code, own.parent_code}
        for row in mentions[~mentions["jurisdiction_code"].isin(allowed)].itertuples():
            place = table[row.jurisdiction_code]
            names = {place.short, place.name, place.name_hant, place.short[:2]}
            assert any(n and n in row.surface for n in names), (report_id, row.surface)
        ids = set(mentions["agency_id"])
        assert set(agency_table(sorted(ids))["agency_id"]) == ids  # every id has its row
