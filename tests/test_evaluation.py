"""Lexicon validation mechanics: labels read off hits, counts, intervals, a checked gold file."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from szpolicy.analysis.evaluation import GOLD, f1_interval, hit_scores, load_gold, predict, scores
from szpolicy.errors import SzpolicyError
from szpolicy.stages.lexicon import load_lexicon

FULL = load_lexicon("digitisation_lexicon")


def gold(rows: list[tuple[str, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            dict(report_id="r", line=i, sentence=s, label=label, terms="", family="", stratum="x")
            for i, (s, label) in enumerate(rows)
        ]
    )


def test_the_lexicon_label_of_a_sentence_comes_from_its_hits() -> None:
    predicted = predict(
        gold(
            [
                ("市局建成全市大數據平台。", "tool"),
                ("促進大數據產業發展。", "subject"),
                ("建成熱線,發展數字經濟。", "both"),
                ("種植水稻。", "none"),
            ]
        ),
        FULL,
    )
    assert list(predicted["predicted"]) == ["tool", "subject", "both", "none"]
    assert predicted["found"].iloc[2] == "熱線|數字經濟"


def test_scores_count_true_and_false_positives_with_denominators() -> None:
    predicted = gold([("a", "tool"), ("b", "tool"), ("c", "none"), ("d", "subject")]).assign(
        predicted=["tool", "none", "tool", "both"]
    )
    table = scores(predicted).set_index(["stratum", "target"])
    tool = table.loc[("all", "tool")]
    assert (tool["tp"], tool["fp"], tool["fn"]) == (1, 2, 1)
    assert tool["precision"] == pytest.approx(1 / 3) and tool["recall"] == pytest.approx(1 / 2)
    assert tool["f1"] == pytest.approx(2 / 5)
    assert tool["precision_low"] < tool["precision"] < tool["precision_high"]
    digital = table.loc[("all", "digital (any hit)")]
    assert (digital["tp"], digital["fp"], digital["fn"]) == (2, 1, 1)
    assert set(table.index.get_level_values("stratum")) == {"all", "x"}
    low, high = f1_interval(predicted, "tool", n_boot=200)
    assert 0 <= low <= high <= 1


def test_a_gold_file_with_an_unknown_label_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "gold.csv"
    gold([("a", "tool"), ("b", "maybe")]).to_csv(path, index=False)
    with pytest.raises(SzpolicyError, match=r"gold.csv:3: label 'maybe'"):
        load_gold(path)
    with pytest.raises(SzpolicyError, match="no such gold file"):
        load_gold(tmp_path / "none.csv")


def test_the_shipped_gold_sample_is_large_enough_and_well_formed() -> None:
    sample = load_gold(GOLD)
    assert len(sample) >= 300
    assert (sample.loc[sample["label"] == "none", "terms"] == "").all()
    coded = sample[sample["label"] != "none"]
    assert all(
        term in sentence
        for terms, sentence in zip(coded["terms"], coded["sentence"], strict=True)
        for term in terms.split("|")
    )


def test_hit_scores_match_hits_to_hand_coded_terms_by_overlap() -> None:
    predicted = gold([("a", "tool"), ("b", "subject"), ("c", "none")]).assign(
        terms=["12355熱線|智慧系統", "數字經濟", ""], found=["12355熱線", "數字經濟|數據", "網站"]
    )
    row = hit_scores(predicted).set_index("stratum").loc["all"]
    assert (row["n_hits"], row["n_hits_right"]) == (4, 2)
    assert (row["n_terms"], row["n_terms_found"]) == (3, 2)
    assert row["f1"] == pytest.approx(2 * 0.5 * (2 / 3) / (0.5 + 2 / 3))
