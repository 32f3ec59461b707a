"""The top-level structure of the 52 national work reports against headings read by hand.

tests/gold/national_gwr_structure.csv lists, per report, the numbered top-level headings a
reader sees (line, part, number); a report without rows has no numbered top level. The rules
were written from the texts, not from this file: at least 50 of the 52 reports must agree.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

from szpolicy.io import paths
from szpolicy.io.read import read_report
from szpolicy.stages.structure import structure

GOLD = Path(__file__).parent / "gold" / "national_gwr_structure.csv"
CORPUS = paths.RAW / "national_gwr"
MIN_EQUAL = 50

Top = list[tuple[int, int, int]]  # (part, number, line) of each numbered top-level heading


def gold() -> dict[str, Top]:
    rows: dict[str, Top] = defaultdict(list)
    with GOLD.open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            rows[r["report_id"]].append((int(r["part"]), int(r["number"]), int(r["line"])))
    return rows


def found(path: Path) -> Top:
    """The report's numbered sections as (part, number, line of the heading)."""
    st = structure(read_report(path, path.stem))
    lines = {}
    for s in st.sentences:
        if s["role"] == "heading" and s["section_no"]:
            lines.setdefault((s["part"], s["section_no"]), s["line_no"])
    return [
        (s["part"], s["section_no"], lines[s["part"], s["section_no"]])
        for s in st.sections
        if s["numbering"]
    ]


def test_top_level_structure_agrees_with_the_hand_read_gold():
    reports = sorted(CORPUS.glob("national_gwr_*.txt"))
    assert len(reports) == 52
    expected = gold()
    assert set(expected) <= {p.stem for p in reports}
    differ, true_positive, n_found, n_gold = [], 0, 0, 0
    for path in reports:
        want, got = expected.get(path.stem, []), found(path)
        true_positive += len(set(want) & set(got))
        n_found += len(got)
        n_gold += len(want)
        if got != want:
            differ.append(f"{path.stem}: gold {want} found {got}")
    equal = len(reports) - len(differ)
    print(f"reports equal: {equal}/{len(reports)}")
    print(f"heading precision {true_positive}/{n_found}, recall {true_positive}/{n_gold}")
    print("\n".join(differ))
    assert equal >= MIN_EQUAL, "\n".join(differ)
