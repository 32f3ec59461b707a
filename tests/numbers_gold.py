"""Hand-read gold for numbers (tests/gold/numbers_*.csv) against the tool, line by line."""

from __future__ import annotations

import math
import re
from functools import cache
from pathlib import Path

import pandas as pd

from szpolicy.io import paths
from szpolicy.io.read import read_report
from szpolicy.stages.indicators import sentence_numbers
from szpolicy.text.script import hans_aligned

GOLD = Path(__file__).parent / "gold"
# The national collection, in the repository beside the seed
CORPUS = paths.RAW / "national_gwr"
SENTENCE_RE = re.compile(r"[^。！？\n]+[。！？]?")
# The gold's spelling of a qualifier where it differs from the table's
QUALIFIER_NAMES = {"at_most": "up_to"}


def report_path(report_id: str) -> Path:
    """The raw file of a gold report: the seed in data/raw, the others in its national_gwr/."""
    seed = paths.RAW / f"{report_id}.txt"
    return seed if seed.exists() else CORPUS / f"{report_id}.txt"


@cache
def report_rows(report_id: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(indicators, excluded) of a report with the line of each row, sentence by sentence."""
    text = read_report(report_path(report_id)).text
    found, left = [], []
    for m in SENTENCE_RE.finditer(text):
        indicators, excluded = sentence_numbers(m.group())
        line = text.count("\n", 0, m.start()) + 1
        found += [r | {"line": line, "at": r["start"] + m.start()} for r in indicators]
        left += [r | {"line": line, "at": r["start"] + m.start()} for r in excluded]
    return pd.DataFrame(found), pd.DataFrame(left)


@cache
def _line_starts(report_id: str) -> tuple[str, list[int]]:
    """The text of a report and the offset where each of its lines starts."""
    text = read_report(report_path(report_id)).text
    return text, [0, *(m.end() for m in re.finditer("\n", text))]


def _at(rows: pd.DataFrame, report_id: str, line: int, surface: str) -> list:
    """The tool's rows on a gold row's line that overlap the gold surface where the line first
    has it (the gold's convention); by surface alone if the line does not hold it verbatim."""
    if not len(rows):
        return []
    here = list(rows[rows["line"] == line].itertuples())
    text, starts = _line_starts(report_id)
    end_of_line = starts[line] if line < len(starts) else len(text)
    found = text.find(surface, starts[line - 1], end_of_line)
    if found < 0:
        return [r for r in here if _overlap(r.surface, surface)]
    return [r for r in here if r.at < found + len(surface) and found < r.at + len(r.surface)]


def _same(found: float, gold: str) -> bool:
    """The tool's value equals the gold's to the gold's written decimals (三分之一: 33.333)."""
    decimals = len(gold.partition(".")[2])
    value = float(gold)
    if math.isnan(found) or math.isnan(value):
        return math.isnan(found) and math.isnan(value)
    tolerance = 0.5 * 10**-decimals if decimals else 0.0
    return abs(found - value) <= tolerance or math.isclose(found, value, rel_tol=1e-6)


def _overlap(a: str, b: str) -> bool:
    a, b = hans_aligned(a), hans_aligned(b)
    return a in b or b in a


def match_indicators() -> pd.DataFrame:
    """Each gold indicator with the tool's row on its line whose surface overlaps and whose
    value is closest; columns say whether value+unit and the qualifier agree."""
    gold = pd.read_csv(
        GOLD / "numbers_indicators.csv", dtype={"unit": str, "value": str}, keep_default_na=False
    )
    out = []
    for g in gold.itertuples():
        here = _at(report_rows(g.report_id)[0], g.report_id, g.line, g.surface)
        best = min(here, key=lambda r: abs(r.value - float(g.value)), default=None)
        value_unit = best is not None and _same(best.value, g.value)
        value_unit = value_unit and hans_aligned(best.unit or "") == hans_aligned(g.unit)
        qualifier = QUALIFIER_NAMES.get(g.qualifier, g.qualifier)
        out.append(
            {
                "report_id": g.report_id,
                "line": g.line,
                "surface": g.surface,
                "found": best.surface if best is not None else "",
                "value_unit": value_unit,
                "with_qualifier": value_unit and best.qualifier == qualifier,
            }
        )
    return pd.DataFrame(out)


def match_excluded() -> pd.DataFrame:
    """Each gold non-indicator and whether a tool indicator on its line overlaps it."""
    gold = pd.read_csv(GOLD / "numbers_excluded.csv", keep_default_na=False)
    out = []
    for g in gold.itertuples():
        rows, left = report_rows(g.report_id)
        wrongly = [r.surface for r in _at(rows, g.report_id, g.line, g.surface)]
        reasons = left[left["line"] == g.line]["reason"].tolist() if len(left) else []
        out.append({**g._asdict(), "counted_as": "|".join(wrongly), "reasons": "|".join(reasons)})
    return pd.DataFrame(out)


def judge_sample(name: str) -> pd.DataFrame:
    """Each row of a judged random sample (tests/gold/numbers_precision_sample_v*.csv) with the
    tool's row now at its place: `made` (a row overlaps it) and `right` (that row has the
    judged right value, unit and qualifier; a row judged not an indicator is never right)."""
    sample = pd.read_csv(GOLD / name, dtype=str, keep_default_na=False)
    out = []
    for g in sample.itertuples():
        rows, _ = report_rows(g.report_id)
        start, end = int(g.char_start), int(g.char_end)
        here = [r for r in rows.itertuples() if r.at < end and start < r.at + len(r.surface)]
        right = g.indicator == "yes" and any(
            _same(r.value, g.right_value)
            and hans_aligned(r.unit or "") == hans_aligned(g.right_unit)
            and r.qualifier == g.right_qualifier
            for r in here
        )
        out.append({**g._asdict(), "made": bool(here), "right": right})
    return pd.DataFrame(out)
