"""Attribute text rows (sentences, lexicon hits, indicators, instruments) to their section's lead
agency: one join for every analysis, keyed by (report_id, part, section_no), so that annexes
(numbering that restarts in a later part) and corpora of many reports are attributed correctly.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

SECTION_KEYS = ["report_id", "part", "section_no"]
SENTENCE_KEYS = ["report_id", "sentence_no"]
AGENCY_NAMES = ["agency_id", "name_zh_hant", "name_zh_hans", "name_en"]


def require(df: pd.DataFrame, name: str, columns: Sequence[str]) -> None:
    """Raise a ValueError naming the table and the columns it lacks."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{name} is missing column(s) {', '.join(missing)}")


def with_sentence(
    rows: pd.DataFrame, sentences: pd.DataFrame, columns: Sequence[str]
) -> pd.DataFrame:
    """`rows` with `columns` of the sentence each points to (report_id, sentence_no), in order;
    a ValueError names the first row whose sentence is not in `sentences`."""
    require(sentences, "sentences", [*SENTENCE_KEYS, *columns])
    require(rows, "rows", SENTENCE_KEYS)
    context = sentences[[*SENTENCE_KEYS, *columns]]
    out = rows.merge(context, on=SENTENCE_KEYS, how="left", validate="many_to_one")
    lost = out[columns[0]].isna()
    if lost.any():
        first = out[lost].iloc[0]
        raise ValueError(
            f"a row points to sentence {first['sentence_no']} of {first['report_id']}, "
            "which is not in the sentences table"
        )
    return out


def attribute(
    rows: pd.DataFrame,
    sentences: pd.DataFrame,
    sections: pd.DataFrame,
    roles: Sequence[str] | None = None,
) -> pd.DataFrame:
    """`rows` with their sentence's part, section_no and role and their section's
    lead_agency_id, in the order given.

    Rows that are not sentences (hits, indicators …) find their section through their sentence
    (report_id, sentence_no), since section numbers repeat across parts. With `roles`, only rows
    of a sentence of those roles in a section with a lead agency are kept.
    """
    require(sections, "sections", [*SECTION_KEYS, "lead_agency_id"])
    if sections.duplicated(SECTION_KEYS).any():
        first = sections[sections.duplicated(SECTION_KEYS)].iloc[0]
        raise ValueError(
            f"sections repeat the key (report_id, part, section_no) = "
            f"({first['report_id']}, {first['part']}, {first['section_no']})"
        )
    out = rows.drop(columns=["part", "section_no", "role", "lead_agency_id"], errors="ignore")
    out = with_sentence(out, sentences, ["part", "section_no", "role"])
    leads = sections[[*SECTION_KEYS, "lead_agency_id"]]
    out = out.merge(leads, on=SECTION_KEYS, how="left", validate="many_to_one")
    out = out.astype({"part": "int64", "section_no": "int64"})
    out["lead_agency_id"] = out["lead_agency_id"].where(
        out["lead_agency_id"].notna() & (out["lead_agency_id"] != "")
    )
    if roles is not None:
        if not roles:
            raise ValueError("roles must name at least one sentence role")
        out = out[out["role"].isin(list(roles)) & out["lead_agency_id"].notna()]
    return out.reset_index(drop=True)


def agency_names(agencies: pd.DataFrame, ids: Sequence[str]) -> pd.DataFrame:
    """The gazetteer's names of the agencies (id and three scripts), to merge onto rows keyed by
    agency_id; a ValueError names the ids the gazetteer lacks."""
    require(agencies, "agencies", AGENCY_NAMES)
    unknown = sorted(set(ids) - set(agencies["agency_id"]))
    if unknown:
        raise ValueError(f"lead agencies not in the agencies gazetteer: {', '.join(unknown)}")
    return agencies[AGENCY_NAMES]
