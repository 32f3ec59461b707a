"""Timeline mechanics: every year a row (zeros included), exact bounds, evidence for each count."""

from __future__ import annotations

import pandas as pd
import pytest

from szpolicy.analysis import timeline as tl
from szpolicy.analysis.digitisation import with_families
from szpolicy.analysis.intervals import poisson_interval
from szpolicy.errors import SzpolicyError
from szpolicy.stages.lexicon import load_lexicon
from szpolicy.stages.matcher import lexicon_hits

LEX = load_lexicon("digitisation_lexicon")
# (report_id, year, sentences); one report has no hit, two share a year
REPORTS = [
    ("a", 1960, ["發展農業。", "修建水庫。"]),
    ("b", 2001, ["推進國民經濟信息化。", "加強互聯網建設和管理,加強互聯網管理。"]),
    ("c", 2020, ["建成政務服務平台,推行一網通辦。"]),
    ("d", 2020, ["發展數字經濟和人工智能產業。"]),
    ("e", None, ["推進信息化。"]),
]


@pytest.fixture(scope="module")
def corpus():
    sentences = pd.DataFrame(
        [
            dict(report_id=r, part=1, section_no=1, sentence_no=i, role="body", text=t)
            | dict(char_start=100 * i)
            for r, _, texts in REPORTS
            for i, t in enumerate(texts, start=1)
        ]
    )
    reports = pd.DataFrame(
        [dict(report_id=r, year=y, collection="x") for r, y, _ in REPORTS]
    ).astype({"year": "Int64"})
    hits = with_families(lexicon_hits(sentences, LEX), LEX)
    return sentences, reports, hits


def test_every_year_with_a_report_is_a_row_and_zeros_have_finite_bounds(corpus) -> None:
    sentences, reports, hits = corpus
    years = tl.report_years(reports, list(reports["report_id"]))
    assert list(years.index) == ["a", "b", "c", "d"]  # e has no year
    counted = tl.counted_hits(hits, sentences, reports, "distinct", "all")
    table = tl.yearly(counted, sentences, years).set_index("year")
    assert list(table.index) == [1960, 2001, 2020]
    assert table.loc[2020, "n_reports"] == 2 and table.loc[2020, "report_ids"] == "c, d"
    zero = table.loc[1960]
    assert zero["n_hits"] == 0 and zero["rate"] == 0
    chars = len("發展農業。修建水庫。")
    assert zero["rate_high"] == pytest.approx(poisson_interval(0)[1] / (chars / 10_000))
    assert table.loc[2001, "n_hits"] == 2  # 互聯網 twice in one sentence counts once
    terms = tl.yearly(tl.counted_hits(hits, sentences, reports, "terms", "all"), sentences, years)
    assert terms.set_index("year").loc[2001, "n_hits"] == 3
    assert (table["rate_low"] <= table["rate"]).all() and (
        table["rate"] <= table["rate_high"]
    ).all()
    assert table["n_hits"].eq(table["n_tool"] + table["n_subject"]).all()


def test_families_first_appearance_and_evidence_match_the_counts(corpus) -> None:
    sentences, reports, hits = corpus
    years = tl.report_years(reports, list(reports["report_id"]))
    counted = tl.counted_hits(hits, sentences, reports, "distinct", "all")
    counted = counted[counted["report_id"].isin(years.index)]
    first = tl.first_appearance(counted).set_index("family")
    assert first.loc["informatisation", "first_year"] == 2001
    assert first.loc["informatisation", "text"] == "推進國民經濟信息化。"
    assert first.loc["ai", "first_year"] == 2020
    grid = tl.by_family(counted, years, ["hotline"])
    assert len(grid) == len(set(years)) * grid["family"].nunique()
    assert grid.loc[grid["family"] == "hotline", "n_hits"].eq(0).all()
    ev = tl.evidence(counted)
    nonzero = grid[grid["n_hits"] > 0].set_index(["year", "family"])["n_hits"]
    assert ev.groupby(["year", "family"]).size().reindex(nonzero.index).eq(nonzero).all()
    assert all(s in t for s, t in zip(ev["surface"], ev["text"], strict=True))


def test_tool_share_and_bad_choices(corpus) -> None:
    sentences, reports, hits = corpus
    years = tl.report_years(reports, ["a", "c"])
    tools = tl.counted_hits(hits, sentences, reports, "distinct", "tool")
    table = tl.yearly(tools, sentences, years).set_index("year")
    assert table.loc[2020, "n_subject"] == 0 and table.loc[2020, "tool_share"] == 1
    assert pd.isna(table.loc[1960, "tool_share"])
    with pytest.raises(SzpolicyError, match="count='sentences' is not allowed"):
        tl.counted_hits(hits, sentences, reports, "sentences", "all")
