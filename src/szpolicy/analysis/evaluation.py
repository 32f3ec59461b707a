"""Validation of a digitisation lexicon against hand-coded sentences: precision, recall and F1 of
finding digital sentences and of the tool/subject split, with Wilson intervals and denominators.

The gold file (tests/gold/digitisation_sample.csv, codebook beside it) labels each sentence tool,
subject, both or none. The lexicon's label of a sentence is read off its hits in that sentence:
tool when it has a tool hit, subject when it has a subject hit, both, or none without hits.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import SzpolicyError
from ..io import paths
from ..stages.lexicon import Lexicon
from ..stages.matcher import lexicon_hits
from .intervals import wilson_interval

GOLD = paths.ROOT / "tests" / "gold" / "digitisation_sample.csv"
GOLD_COLUMNS = ["report_id", "line", "sentence", "label", "terms", "family", "stratum"]
LABELS = ("tool", "subject", "both", "none")
TARGETS = {
    "digital (any hit)": lambda label: label != "none",
    "tool": lambda label: label in ("tool", "both"),
    "subject": lambda label: label in ("subject", "both"),
}


def load_gold(path: str | Path = GOLD) -> pd.DataFrame:
    """The hand-coded sentences, checked: the columns and labels the codebook defines."""
    path = Path(path)
    if not path.is_file():
        raise SzpolicyError(f"{path}: no such gold file")
    gold = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in GOLD_COLUMNS if c not in gold.columns]
    if missing:
        raise SzpolicyError(f"{path}: missing column(s) {', '.join(missing)}")
    bad = gold[~gold["label"].isin(LABELS)]
    if len(bad):
        row = bad.index[0] + 2  # header is line 1
        raise SzpolicyError(
            f"{path}:{row}: label {bad['label'].iloc[0]!r} is not one of {', '.join(LABELS)}"
        )
    return gold


def predict(gold: pd.DataFrame, lexicon: Lexicon) -> pd.DataFrame:
    """The gold sentences with the lexicon's label and the surfaces it found."""
    sentences = pd.DataFrame(
        {
            "report_id": "gold",
            "part": 1,
            "section_no": 1,
            "sentence_no": np.arange(len(gold), dtype="int64"),
            "text": gold["sentence"].to_numpy(object),
            "char_start": 0,
        }
    )
    hits = lexicon_hits(sentences, lexicon)
    per = hits.groupby("sentence_no")
    has = {
        use: per["use"].apply(lambda u, use=use: (u == use).any()) for use in ("tool", "subject")
    }
    tool = has["tool"].reindex(sentences["sentence_no"], fill_value=False).to_numpy()
    subject = has["subject"].reindex(sentences["sentence_no"], fill_value=False).to_numpy()
    predicted = np.select([tool & subject, tool, subject], ["both", "tool", "subject"], "none")
    found = per["surface"].agg("|".join).reindex(sentences["sentence_no"], fill_value="")
    return gold.assign(predicted=predicted, found=found.to_numpy())


def scores(predicted: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """Precision, recall and F1 per target (digital, tool, subject) and stratum ("all" first),
    with Wilson intervals of precision and recall and their denominators."""
    rows = []
    strata = [("all", predicted)] + list(predicted.groupby("stratum", sort=True))
    for stratum, frame in strata:
        for target, is_positive in TARGETS.items():
            truth = frame["label"].map(is_positive).to_numpy(bool)
            guess = frame["predicted"].map(is_positive).to_numpy(bool)
            tp, fp, fn = (
                int((truth & guess).sum()),
                int((~truth & guess).sum()),
                int((truth & ~guess).sum()),
            )
            p_low, p_high = wilson_interval(tp, tp + fp, level)
            r_low, r_high = wilson_interval(tp, tp + fn, level)
            precision = tp / (tp + fp) if tp + fp else float("nan")
            recall = tp / (tp + fn) if tp + fn else float("nan")
            f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else float("nan")
            rows.append(
                {
                    "stratum": stratum,
                    "target": target,
                    "n_sentences": len(frame),
                    "tp": tp,
                    "fp": fp,
                    "fn": fn,
                    "precision": precision,
                    "precision_low": p_low,
                    "precision_high": p_high,
                    "recall": recall,
                    "recall_low": r_low,
                    "recall_high": r_high,
                    "f1": f1,
                }
            )
    return pd.DataFrame(rows)


def f1_interval(
    predicted: pd.DataFrame, target: str, n_boot: int = 2000, seed: int = 0, level: float = 0.95
) -> tuple[float, float]:
    """Percentile interval of F1 for one target, resampling the gold sentences."""
    is_positive = TARGETS[target]
    truth = predicted["label"].map(is_positive).to_numpy(bool)
    guess = predicted["predicted"].map(is_positive).to_numpy(bool)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(truth), size=(n_boot, len(truth)))
    t, g = truth[idx], guess[idx]
    tp, fp, fn = (t & g).sum(1), (~t & g).sum(1), (t & ~g).sum(1)
    with np.errstate(invalid="ignore", divide="ignore"):
        f1 = 2 * tp / (2 * tp + fp + fn)
    low, high = np.nanquantile(f1, [(1 - level) / 2, (1 + level) / 2])
    return float(low), float(high)


def _overlaps(surface: str, terms: list[str]) -> bool:
    """True when a hit's surface and one of the hand-coded terms contain one another."""
    return any(surface in term or term in surface for term in terms)


def hit_scores(predicted: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """Precision of the lexicon's hits (a hit is right when it overlaps a hand-coded term) and
    recall of the hand-coded terms (found when a hit overlaps it), per stratum ("all" first)."""
    rows = []
    strata = [("all", predicted)] + list(predicted.groupby("stratum", sort=True))
    for stratum, frame in strata:
        n_hits = n_right = n_terms = n_found = 0
        for found, terms in zip(frame["found"], frame["terms"], strict=True):
            hits = [h for h in found.split("|") if h]
            gold = [t for t in terms.split("|") if t]
            n_hits += len(hits)
            n_right += sum(_overlaps(h, gold) for h in hits)
            n_terms += len(gold)
            n_found += sum(_overlaps(t, hits) for t in gold)
        precision = n_right / n_hits if n_hits else float("nan")
        recall = n_found / n_terms if n_terms else float("nan")
        rows.append(
            {
                "stratum": stratum,
                "n_hits": n_hits,
                "n_hits_right": n_right,
                "precision": precision,
                "precision_low": wilson_interval(n_right, n_hits, level)[0],
                "precision_high": wilson_interval(n_right, n_hits, level)[1],
                "n_terms": n_terms,
                "n_terms_found": n_found,
                "recall": recall,
                "recall_low": wilson_interval(n_found, n_terms, level)[0],
                "recall_high": wilson_interval(n_found, n_terms, level)[1],
                "f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
            }
        )
    return pd.DataFrame(rows)
