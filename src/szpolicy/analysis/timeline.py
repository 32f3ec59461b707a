"""Digitisation over time in a collection of reports: the rate per year with exact intervals,
when each term family first appears and its share, tool versus subject, and the evidence
sentence of every count. A year with reports but no hits is a row of zeros, never a gap.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from ..parameters import check_choice
from .intervals import binomial_interval, poisson_interval
from .labels import chart_labels
from .plotting import use_cjk_font

TEXT_ROLES = ("lede", "intro", "heading", "subheading", "body", "caption")  # all but clutter
COUNTS = ("distinct", "terms")
USES = ("all", "tool", "subject")
PER = 10_000  # the rate is per this many characters
EVIDENCE_COLUMNS = [
    "year",
    "report_id",
    "sentence_no",
    "family",
    "term",
    "surface",
    "use",
    "char_start",
    "text",
]
LABELS = chart_labels("timeline")


def counted_hits(
    hits: pd.DataFrame, sentences: pd.DataFrame, reports: pd.DataFrame, count: str, use: str
) -> pd.DataFrame:
    """The hits that count, with their year and sentence text: in the text roles, of the use
    asked for, each distinct term once per sentence unless count="terms"."""
    check_choice("count", count, COUNTS)
    check_choice("use", use, USES)
    keys = ["report_id", "sentence_no"]
    text = sentences.loc[sentences["role"].isin(TEXT_ROLES), [*keys, "text"]]
    out = hits.merge(text, on=keys, how="inner", validate="many_to_one")
    if use != "all":
        out = out[out["use"] == use]
    if count == "distinct":
        out = out.drop_duplicates([*keys, "term"])
    years = reports.set_index("report_id")["year"]
    out = out.assign(year=out["report_id"].map(years))
    return out.sort_values(["report_id", "char_start"], kind="mergesort").reset_index(drop=True)


def report_years(reports: pd.DataFrame, ids: list[str]) -> pd.Series:
    """Each chosen report's year; reports without a year cannot be placed on a timeline."""
    years = reports.set_index("report_id").loc[ids, "year"]
    return years[years.notna()].astype("int64")


def yearly(
    counted: pd.DataFrame, sentences: pd.DataFrame, years: pd.Series, level: float = 0.95
) -> pd.DataFrame:
    """One row per year with a report: characters, hits, tool and subject hits, the rate per
    10,000 characters with its exact Poisson interval, and the tool share with its
    Clopper–Pearson interval (NaN without hits)."""
    text = sentences[sentences["role"].isin(TEXT_ROLES) & sentences["report_id"].isin(years.index)]
    size = (
        text.assign(year=text["report_id"].map(years), n=text["text"].str.len())
        .groupby("year")
        .agg(n_chars=("n", "sum"), n_sentences=("sentence_no", "size"))
    )
    reports_per_year = years.groupby(years).agg(
        n_reports="size", report_ids=lambda s: ", ".join(sorted(s.index))
    )
    table = reports_per_year.join(size).fillna({"n_chars": 0, "n_sentences": 0})
    hits = counted[counted["report_id"].isin(years.index)]
    for column, rows in (
        ("n_hits", hits),
        ("n_tool", hits[hits["use"] == "tool"]),
        ("n_subject", hits[hits["use"] == "subject"]),
    ):
        table[column] = rows.groupby("year").size().reindex(table.index, fill_value=0)
    sentences_with = hits.drop_duplicates(["report_id", "sentence_no"]).groupby("year").size()
    table["n_sentences_with_hits"] = sentences_with.reindex(table.index, fill_value=0)
    table = table.astype({c: "int64" for c in table.columns if c.startswith("n_")})
    exposure = table["n_chars"] / PER
    bounds = [poisson_interval(int(k), level) for k in table["n_hits"]]
    table["rate"] = table["n_hits"] / exposure
    table["rate_low"] = [low for low, _ in bounds] / exposure
    table["rate_high"] = [high for _, high in bounds] / exposure
    shares = [
        binomial_interval(int(t), int(t + s), level) if t + s else (np.nan, np.nan)
        for t, s in zip(table["n_tool"], table["n_subject"], strict=True)
    ]
    table["tool_share"] = table["n_tool"] / (table["n_tool"] + table["n_subject"]).replace(
        0, np.nan
    )
    table["tool_share_low"] = [low for low, _ in shares]
    table["tool_share_high"] = [high for _, high in shares]
    return table.rename_axis("year").reset_index()


def by_family(
    counted: pd.DataFrame, years: pd.Series, families: list[str] | None = None
) -> pd.DataFrame:
    """Year × family: hits and their share of the year's hits (every year and every family,
    by default those of the hits, zeros included)."""
    families = sorted(set(counted["family"]) | set(families or []))
    grid = pd.MultiIndex.from_product([sorted(set(years)), families], names=["year", "family"])
    n = counted.groupby(["year", "family"]).size().reindex(grid, fill_value=0).rename("n_hits")
    out = n.reset_index()
    total = out.groupby("year")["n_hits"].transform("sum")
    out["share"] = (out["n_hits"] / total.replace(0, np.nan)).astype("float64")
    return out


def first_appearance(counted: pd.DataFrame) -> pd.DataFrame:
    """Per family: the first year it occurs, its first sentence (report_id, sentence_no, text),
    the years it occurs in and its hits, earliest family first."""
    if counted.empty:
        columns = ["family", "first_year", "report_id", "sentence_no", "surface", "text"]
        return pd.DataFrame(columns=[*columns, "n_years", "n_hits"])
    ordered = counted.sort_values(["year", "report_id", "char_start"], kind="mergesort")
    first = ordered.drop_duplicates("family")[
        ["family", "year", "report_id", "sentence_no", "surface", "text"]
    ].rename(columns={"year": "first_year"})
    stats = counted.groupby("family").agg(n_years=("year", "nunique"), n_hits=("term", "size"))
    out = first.merge(stats, left_on="family", right_index=True)
    return out.sort_values(["first_year", "family"], kind="mergesort").reset_index(drop=True)


def evidence(counted: pd.DataFrame) -> pd.DataFrame:
    """Every counted hit with its year, report, sentence number and sentence text."""
    return (
        counted[EVIDENCE_COLUMNS]
        .sort_values(["year", "report_id", "char_start"], kind="mergesort")
        .reset_index(drop=True)
    )


def plot_rate(table: pd.DataFrame, script: str = "hant") -> Figure:
    """Rate per year with its interval (points and bars), every year of the collection."""
    use_cjk_font()
    fig = Figure(figsize=(9.0, 3.6), layout="constrained")
    ax = fig.subplots()
    ax.vlines(table["year"], table["rate_low"], table["rate_high"], color="C0", alpha=0.6)
    sns.scatterplot(data=table, x="year", y="rate", color="C0", ax=ax)
    ax.set_xlabel(LABELS["year"][script])
    ax.set_ylabel(LABELS["rate"][script])
    ax.set_title(LABELS["rate_title"][script])
    sns.despine(fig=fig)
    return fig


def plot_families(families: pd.DataFrame, order: list[str], script: str = "hant") -> Figure:
    """Heatmap of hits per family (rows, in order of first appearance) and year (columns)."""
    use_cjk_font()
    grid = families.pivot(index="family", columns="year", values="n_hits")
    grid = grid.reindex(index=order) if order else grid
    fig = Figure(figsize=(max(6.0, 0.22 * grid.shape[1] + 2.5), 1.2 + 0.38 * max(1, len(grid))))
    fig.set_layout_engine("constrained")
    ax = fig.subplots()
    if grid.empty:
        ax.axis("off")
    else:
        sns.heatmap(grid, cmap="Blues", cbar=True, linewidths=0.2, ax=ax)
    ax.set_xlabel(LABELS["year"][script])
    ax.set_ylabel("")
    ax.set_title(LABELS["family_title"][script])
    return fig


def plot_tool_share(table: pd.DataFrame, script: str = "hant") -> Figure:
    """Share of tool hits per year with its Clopper–Pearson interval (years with hits)."""
    use_cjk_font()
    data = table[table["n_tool"] + table["n_subject"] > 0]
    fig = Figure(figsize=(9.0, 3.2), layout="constrained")
    ax = fig.subplots()
    ax.vlines(data["year"], data["tool_share_low"], data["tool_share_high"], color="C2", alpha=0.6)
    sns.scatterplot(data=data, x="year", y="tool_share", color="C2", ax=ax)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel(LABELS["year"][script])
    ax.set_ylabel(LABELS["tool_share"][script])
    ax.set_title(LABELS["tool_title"][script])
    sns.despine(fig=fig)
    return fig
