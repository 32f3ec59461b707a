"""Cross-agency digitisation comparison: scores of lexicon hits (`stages.matcher`) with uncertainty.

Sentences are attributed to their section's lead agency;
lede and introduction sentences, and sections without a lead agency, are left out of the
per-agency comparison. By default an agency's text is its sections' headings, sub-headings and
body; photo captions are left out because they restate the section rather than report work.

A sentence counts each distinct term once by default (`count`), so a term repeated, or an entry
per function of one system, does not multiply a single mention. Intervals are exact for small
counts and zeros, resample whole sections (one report) or reports (several), and ranks come
with the range the intervals allow (see `score_agencies`).
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..parameters import check_choice
from ..stages.lexicon import Lexicon
from .attribution import SECTION_KEYS, agency_names, attribute, require
from .intervals import binomial_interval, poisson_interval, rank_intervals, unit_bootstrap

NORMALISATIONS = ("per_1000_chars", "per_sentence", "raw")
USE_CHOICES = ("tool", "subject", "all")
COUNTS = ("distinct", "terms", "sentences")  # how a sentence's hits count (see sentence_counts)
UNITS = ("section", "report")  # what the bootstrap resamples
MIN_UNITS = 5  # fewer units than this: the exact interval alone
DEFAULT_ROLES = ("heading", "subheading", "body")
HEADING_ROLES = ("heading", "subheading")
SCORE_COLUMNS = [
    "agency_id",
    "name_zh_hant",
    "name_en",
    "score",
    "ci_low",
    "ci_high",
    "rank",
    "n_chars",
    "n_hits",
    "name_zh_hans",
    "n_sentences",
    "n_hits_tool",
    "n_hits_subject",
    "normalise",
    "use",
    "count",
    "unit",
    "n_units",
    "interval",
    "rank_low",
    "rank_high",
]
SCORE_STATS = [
    "score",
    "ci_low",
    "ci_high",
    "n_chars",
    "n_hits",
    "n_sentences",
    "n_units",
    "interval",
]


def with_families(hits: pd.DataFrame, lexicon: Lexicon) -> pd.DataFrame:
    """The hits with the `family` of their term (as the lexicon gives it)."""
    return hits.assign(family=hits["term"].map(lexicon.families()).fillna("").astype("str"))


def sentence_counts(
    sentences: pd.DataFrame, hits: pd.DataFrame, use: str = "tool", count: str = "distinct"
) -> pd.Series:
    """Counted hits per sentence of `sentences` (aligned with it), by `count`:
    "terms" every hit, "distinct" each distinct term once per sentence, "sentences" 1 for a
    sentence with any counted hit."""
    check_choice("use", use, USE_CHOICES)
    check_choice("count", count, COUNTS)
    kept = hits if use == "all" else hits[hits["use"] == use]
    per = kept.groupby(["report_id", "sentence_no"])["term"]
    counts = {
        "terms": per.size,
        "distinct": per.nunique,
        "sentences": lambda: per.size().clip(upper=1),
    }
    index = pd.MultiIndex.from_frame(sentences[["report_id", "sentence_no"]])
    values = counts[count]().reindex(index, fill_value=0).to_numpy().astype("int64")
    return pd.Series(values, index=sentences.index, name="n_hits")


def counted_text(
    sentences: pd.DataFrame,
    sections: pd.DataFrame,
    hits: pd.DataFrame,
    use: str = "tool",
    roles: Sequence[str] = DEFAULT_ROLES,
    count: str = "distinct",
) -> pd.DataFrame:
    """The sentences each agency is scored on (their section's lead agency, of a counted role),
    with their length and counted hits."""
    if not roles:
        raise ValueError("roles must name at least one sentence role")
    require(sentences, "sentences", ["text"])
    out = attribute(sentences, sentences, sections, roles)
    out["n_chars"] = out["text"].str.len().astype("int64")
    out["n_hits"] = sentence_counts(out, hits, use, count)
    return out


def _exposure(frame: pd.DataFrame, normalise: str) -> pd.Series:
    """What a score divides the hits by: thousands of characters, sentences, or nothing."""
    if normalise == "per_1000_chars":
        return frame["n_chars"] / 1000
    if normalise == "per_sentence":
        return frame["n_sentences"].astype("float64")
    return pd.Series(1.0, index=frame.index)


def _exact(n_hits: int, n_sentences: int, exposure: float, normalise: str, count: str, ci: float):
    """Exact bounds of a score: Clopper–Pearson for the share of sentences with a hit, else
    Garwood's Poisson bounds of the count divided by its exposure."""
    if normalise == "per_sentence" and count == "sentences":
        return binomial_interval(n_hits, n_sentences, ci)
    low, high = poisson_interval(n_hits, ci)
    return low / exposure, high / exposure


def _scores(
    text: pd.DataFrame,
    by: list[str],
    unit: str,
    normalise: str,
    count: str,
    n_boot: int,
    seed: int,
    ci: float,
) -> pd.DataFrame:
    """Score, exact and unit-bootstrap interval and rank interval per group of `by`."""
    units = [u for u in (["report_id"] if unit == "report" else SECTION_KEYS) if u not in by]
    per_unit = text.groupby([*by, *units], sort=True).agg(
        n_hits=("n_hits", "sum"), n_chars=("n_chars", "sum"), n_sentences=("sentence_no", "size")
    )
    per_unit["exposure"] = _exposure(per_unit, normalise)
    rows = []
    for key, group in per_unit.groupby(level=by, sort=True):
        n_hits, n_sentences = int(group["n_hits"].sum()), int(group["n_sentences"].sum())
        exposure = float(group["exposure"].sum())
        low, high = _exact(n_hits, n_sentences, exposure, normalise, count, ci)
        method = "exact"
        if len(group) >= MIN_UNITS:
            name = "|".join(map(str, key if isinstance(key, tuple) else (key,)))
            rng = np.random.default_rng([seed, zlib.crc32(name.encode("utf-8"))])
            events, weights = group["n_hits"].to_numpy(float), group["exposure"].to_numpy(float)
            b_low, b_high = unit_bootstrap(events, weights, n_boot, rng, ci)
            low, high, method = min(low, b_low), max(high, b_high), "exact+bootstrap"
        rows.append(
            {
                **dict(zip(by, key if isinstance(key, tuple) else (key,), strict=True)),
                "score": n_hits / exposure,
                "ci_low": low,
                "ci_high": high,
                "n_chars": int(group["n_chars"].sum()),
                "n_hits": n_hits,
                "n_sentences": n_sentences,
                "n_units": len(group),
                "interval": method,
            }
        )
    return pd.DataFrame(rows, columns=[*by, *SCORE_STATS])


def _ranked(table: pd.DataFrame, within: list[str]) -> pd.DataFrame:
    """Point rank (ties share the best) and rank interval of each row within its group."""
    table = table.copy()
    for column in ("rank", "rank_low", "rank_high"):
        table[column] = 0
    parts = [part for _, part in table.groupby(within, sort=False)] if within else [table]
    for part in parts:
        table.loc[part.index, "rank"] = part["score"].rank(method="min", ascending=False)
        best, worst = rank_intervals(part["ci_low"].to_numpy(), part["ci_high"].to_numpy())
        table.loc[part.index, "rank_low"], table.loc[part.index, "rank_high"] = best, worst
    return table.astype({"rank": "int64", "rank_low": "int64", "rank_high": "int64"})


def _check_scoring(normalise: str, use: str, count: str, unit: str | None, n_boot: int, ci: float):
    check_choice("normalise", normalise, NORMALISATIONS)
    check_choice("use", use, USE_CHOICES)
    check_choice("count", count, COUNTS)
    check_choice("unit", unit, [None, *UNITS])
    if not isinstance(n_boot, int) or n_boot < 1:
        raise ValueError(f"n_boot must be a positive integer; got {n_boot!r}")
    if not 0 < ci < 1:
        raise ValueError(f"ci must lie strictly between 0 and 1; got {ci!r}")


def score_agencies(
    sentences: pd.DataFrame,
    sections: pd.DataFrame,
    hits: pd.DataFrame,
    agencies: pd.DataFrame,
    normalise: str = "per_1000_chars",
    n_boot: int = 1000,
    seed: int = 0,
    use: str = "tool",
    roles: Sequence[str] = DEFAULT_ROLES,
    ci: float = 0.95,
    count: str = "distinct",
    unit: str | None = None,
) -> pd.DataFrame:
    """The digitisation_by_agency table: score, interval, rank and rank interval per lead agency
    (pooled over the reports given).

    The interval is the exact bound of the count (Poisson, or binomial for the share of
    sentences), widened to the percentile bootstrap that resamples the agency's units when it
    has at least MIN_UNITS of them. The unit is the section within one report and the report
    within several (`unit` overrides). Each agency's draws come from
    `default_rng([seed, crc32(agency_id)])`. Ties share the best rank; `rank_low`–`rank_high`
    is the range of ranks the intervals allow.
    """
    _check_scoring(normalise, use, count, unit, n_boot, ci)
    text = counted_text(sentences, sections, hits, use, roles, count)
    unit = unit or ("report" if text["report_id"].nunique() > 1 else "section")
    table = _ranked(_scores(text, ["lead_agency_id"], unit, normalise, count, n_boot, seed, ci), [])
    table = table.rename(columns={"lead_agency_id": "agency_id"})
    tools = counted_text(sentences, sections, hits, "tool", roles, count)
    subjects = counted_text(sentences, sections, hits, "subject", roles, count)
    for column, frame in (("n_hits_tool", tools), ("n_hits_subject", subjects)):
        sums = frame.groupby("lead_agency_id")["n_hits"].sum()
        table[column] = table["agency_id"].map(sums).fillna(0).astype("int64")
    table = table.merge(agency_names(agencies, table["agency_id"]), on="agency_id", how="left")
    table["normalise"], table["use"], table["count"], table["unit"] = normalise, use, count, unit
    table = table.sort_values(["rank", "agency_id"], kind="mergesort").reset_index(drop=True)
    return table[SCORE_COLUMNS]


def score_panel(
    sentences: pd.DataFrame,
    sections: pd.DataFrame,
    hits: pd.DataFrame,
    agencies: pd.DataFrame,
    normalise: str = "per_1000_chars",
    use: str = "tool",
    roles: Sequence[str] = DEFAULT_ROLES,
    ci: float = 0.95,
    count: str = "distinct",
    n_boot: int = 1000,
    seed: int = 0,
) -> pd.DataFrame:
    """Agency × report: each lead agency's score in each report, with its interval (sections
    resampled within the report) and its rank among the agencies of that report. `kind` is the
    agency's role_id when the gazetteer has one (the same kind of body across places), else its id.
    """
    _check_scoring(normalise, use, count, None, n_boot, ci)
    text = counted_text(sentences, sections, hits, use, roles, count)
    by = ["report_id", "lead_agency_id"]
    table = _scores(text, by, "section", normalise, count, n_boot, seed, ci)
    table = _ranked(table, ["report_id"]).rename(columns={"lead_agency_id": "agency_id"})
    table = table.merge(agency_names(agencies, table["agency_id"]), on="agency_id", how="left")
    roles = agencies.set_index("agency_id")["role_id"] if "role_id" in agencies else pd.Series()
    kind = table["agency_id"].map(roles)
    table["kind"] = kind.where(kind.notna() & (kind != ""), table["agency_id"])
    return table.sort_values(["kind", "report_id"], kind="mergesort").reset_index(drop=True)


def sensitivity(
    sentences: pd.DataFrame,
    sections: pd.DataFrame,
    hits: pd.DataFrame,
    narrow_hits: pd.DataFrame,
    agencies: pd.DataFrame,
    normalise: str = "per_1000_chars",
    use: str = "tool",
    roles: Sequence[str] = DEFAULT_ROLES,
    count: str = "distinct",
    n_boot: int = 200,
    seed: int = 0,
) -> pd.DataFrame:
    """Scores and rank intervals of every agency under each analytic choice changed in turn:
    lexicon breadth, hotlines in or out, headings counted or not, how hits are counted.

    `hits` must carry `family` (with_families) so that hotlines can be left out. One row per
    (variant, agency_id).
    """
    require(hits, "hits", ["family"])
    if any(r in HEADING_ROLES for r in roles):
        headings = ("headings left out", tuple(r for r in roles if r not in HEADING_ROLES))
    else:
        headings = ("headings counted", (*roles, *HEADING_ROLES))
    variants = [
        ("baseline", hits, roles, count),
        ("narrow lexicon", narrow_hits, roles, count),
        ("hotlines left out", hits[hits["family"] != "hotline"], roles, count),
        (headings[0], hits, headings[1] or ("body",), count),
        *((f"count: {c}", hits, roles, c) for c in COUNTS if c != count),
    ]
    frames = []
    for name, variant_hits, variant_roles, variant_count in variants:
        table = score_agencies(
            sentences,
            sections,
            variant_hits,
            agencies,
            normalise=normalise,
            n_boot=n_boot,
            seed=seed,
            use=use,
            roles=variant_roles,
            count=variant_count,
        )
        frames.append(table.assign(variant=name))
    out = pd.concat(frames, ignore_index=True)
    columns = [
        "variant",
        "agency_id",
        "score",
        "ci_low",
        "ci_high",
        "rank",
        "rank_low",
        "rank_high",
        "n_hits",
    ]
    return out[columns]


def evidence(
    sentences: pd.DataFrame,
    sections: pd.DataFrame,
    hits: pd.DataFrame,
    roles: Sequence[str] = DEFAULT_ROLES,
) -> pd.DataFrame:
    """Every hit with the sentence it came from and its agency; `counted` marks scored ones."""
    context = sentences[["report_id", "sentence_no", "text"]]
    out = attribute(hits, sentences, sections).merge(
        context, on=["report_id", "sentence_no"], how="left", validate="many_to_one"
    )
    out["counted"] = out["role"].isin(list(roles)) & out["lead_agency_id"].notna()
    out = out.rename(columns={"lead_agency_id": "agency_id"})
    columns = [
        "agency_id",
        "sentence_no",
        "category",
        "term",
        "use",
        "text",
        "report_id",
        "part",
        "section_no",
        "role",
        "surface",
        "char_start",
        "counted",
    ]
    columns += [c for c in ("family",) if c in out.columns]
    return out.sort_values(["report_id", "char_start"], kind="mergesort")[columns].reset_index(
        drop=True
    )
