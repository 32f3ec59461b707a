"""Governance mechanisms per agency: legislation, supervision, consultation, disputes, services.

The mechanisms are found with a lexicon in the digitisation lexicon's format (loaded and validated
by `szpolicy.stages.lexicon`, matched by `szpolicy.stages.matcher.lexicon_hits`), so one
matcher serves both analyses. As in the digitisation comparison, a sentence counts for its
section's lead agency; lede and introduction sentences, and sections without a lead agency, are
left out.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from ..parameters import check_choice
from ..stages.lexicon import Lexicon
from .attribution import AGENCY_NAMES, agency_names, attribute
from .digitisation import DEFAULT_ROLES, USE_CHOICES, evidence
from .labels import chart_labels
from .plotting import label, use_cjk_font

DEFAULT_LEXICON = "governance_lexicon"
MECHANISM_COLUMNS = [
    *AGENCY_NAMES,
    "category",
    "n_hits",
    "n_sentences_with_hits",
    "n_sentences",
    "n_chars",
    "per_1000_chars",
    "use",
]
INSTRUMENT_COLUMNS = [*AGENCY_NAMES, "kind", "n_citations", "n_titles", "n_drafts", "titles"]
PLOT_VALUES = ("n_hits", "per_1000_chars")
TITLE = chart_labels("governance")["title"]


def mechanisms_by_agency(
    sentences: pd.DataFrame,
    sections: pd.DataFrame,
    hits: pd.DataFrame,
    agencies: pd.DataFrame,
    categories: Sequence[str] | None = None,
    use: str = "all",
    roles: Sequence[str] = DEFAULT_ROLES,
) -> pd.DataFrame:
    """Hits per lead agency and category (zeros included), with the agency's text length.

    `categories` fixes the categories reported (the lexicon's, so that an unused one shows as
    zeros); by default those present in `hits`. `use` keeps practised ("tool") or named
    ("subject") mentions only; "all" counts both.
    """
    check_choice("use", use, USE_CHOICES)
    text = attribute(sentences, sentences, sections, roles)
    size = text.groupby("lead_agency_id").agg(
        n_sentences=("sentence_no", "size"), n_chars=("text", lambda t: int(t.str.len().sum()))
    )
    counted = evidence(sentences, sections, hits, roles)
    counted = counted[counted["counted"] & ((counted["use"] == use) | (use == "all"))]
    cats = sorted(hits["category"].unique()) if categories is None else list(categories)
    grid = pd.MultiIndex.from_product([size.index, cats], names=["agency_id", "category"])
    per = counted.groupby(["agency_id", "category"])
    out = pd.DataFrame(
        {
            "n_hits": per.size().reindex(grid, fill_value=0),
            "n_sentences_with_hits": per["sentence_no"].nunique().reindex(grid, fill_value=0),
        }
    ).reset_index()
    out = out.merge(size, left_on="agency_id", right_index=True)
    out["per_1000_chars"] = 1000 * out["n_hits"] / out["n_chars"]
    out["use"] = use
    out = out.merge(agency_names(agencies, out["agency_id"]), on="agency_id", how="left")
    ints = ["n_hits", "n_sentences_with_hits", "n_sentences", "n_chars"]
    out[ints] = out[ints].astype("int64")
    return out[MECHANISM_COLUMNS].reset_index(drop=True)


def instruments_by_agency(
    legal_instruments: pd.DataFrame,
    sentences: pd.DataFrame,
    sections: pd.DataFrame,
    agencies: pd.DataFrame,
    include_short_references: bool = False,
) -> pd.DataFrame:
    """Legal instruments cited per lead agency and instrument kind, with their titles.

    `n_citations` counts every citation, `n_titles` the distinct titles, `n_drafts` the citations
    of drafts. Short back-references (《條例》) are left out unless `include_short_references`.
    """
    data = legal_instruments
    if not include_short_references:
        data = data[~data["is_short_reference"].astype(bool)]
    data = attribute(data, sentences, sections)
    data = data[data["lead_agency_id"].notna()].rename(columns={"lead_agency_id": "agency_id"})
    rows = [
        {
            "agency_id": agency_id,
            "kind": kind,
            "n_citations": len(group),
            "n_titles": group["title"].nunique(),
            "n_drafts": int(group["is_draft"].astype(bool).sum()),
            "titles": "；".join(dict.fromkeys(group.sort_values("char_start")["title"])),
        }
        for (agency_id, kind), group in data.groupby(["agency_id", "kind"], sort=True)
    ]
    columns = [c for c in INSTRUMENT_COLUMNS if c not in AGENCY_NAMES[1:]]
    out = pd.DataFrame(rows, columns=columns)
    out = out.merge(agency_names(agencies, out["agency_id"]), on="agency_id", how="left")
    return out[INSTRUMENT_COLUMNS]


def plot_mechanisms(
    table: pd.DataFrame, lexicon: Lexicon, script: str = "hant", value: str = "n_hits"
) -> Figure:
    """Heatmap of agencies (rows, most hits first) by mechanism category (lexicon order)."""
    check_choice("value", value, PLOT_VALUES)
    use_cjk_font()
    order = table.groupby("agency_id")[value].sum().sort_values(ascending=False, kind="stable")
    names = table.drop_duplicates("agency_id").set_index("agency_id").loc[order.index]
    cats = [c for c in lexicon.categories if c.id in set(table["category"])]
    grid = table.pivot(index="agency_id", columns="category", values=value)
    grid = grid.loc[order.index, [c.id for c in cats]]
    grid.index = [textwrap.fill(n, 34) for n in label(names.reset_index(), script)]
    grid.columns = [label(vars(c), script, prefix="label") for c in cats]
    fig = Figure(figsize=(8.0, 2.2 + 0.45 * len(grid)), layout="constrained")
    ax = fig.subplots()
    fmt = "d" if value == "n_hits" else ".1f"
    sns.heatmap(grid, annot=True, fmt=fmt, cmap="Blues", cbar=False, ax=ax)
    ax.set_xlabel("")
    ax.set_ylabel("")
    fig.suptitle(TITLE[value][script])
    ax.tick_params(axis="x", labelrotation=30)
    for tick in ax.get_xticklabels():
        tick.set_horizontalalignment("right")
    return fig
