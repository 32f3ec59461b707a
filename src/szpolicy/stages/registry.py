"""Turn reports into their rows for every table, by calling each stage in order."""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd

from ..io.read import Document
from ..text.script import to_hans
from .agencies import Context, agency_mentions, lead_agencies
from .dates import extract_dates
from .indicators import extract_numbers
from .instruments import extract_instruments
from .lexicon import load_lexicon
from .matcher import lexicon_hits
from .metadata import Metadata
from .structure import SECTION_FIELDS, Structure

DEFAULT_LEXICON = "digitisation_lexicon"


class Report(NamedTuple):
    """A report read and structured: what every stage after the structure starts from."""

    doc: Document
    source_file: str
    structure: Structure
    meta: Metadata


def batch_tables(structured: list[Report]) -> dict[str, pd.DataFrame]:
    """Every per-report table for several structured reports, each stage run once on all their
    sentences."""
    sentences = _frame([row for r in structured for row in r.structure.sentences])
    sentences["text_hans"] = pd.Series([to_hans(t) for t in sentences["text"]], dtype=object)
    contexts: dict[str, Context] = {
        r.doc.report_id: (r.meta.jurisdiction, r.meta.genre) for r in structured
    }
    content = _content(sentences)
    mentions = agency_mentions(content, contexts)
    sections = pd.DataFrame(
        [row for r in structured for row in r.structure.sections], columns=SECTION_FIELDS
    )
    sections["heading_hans"] = [to_hans(t) for t in sections["heading"]]
    leads = lead_agencies(content, mentions, contexts)
    sections = sections.merge(leads, on=["report_id", "part", "section_no"], how="left")
    indicators, excluded = extract_numbers(content, mentions, sections)
    years = {r.doc.report_id: r.meta.report_year for r in structured}
    return {
        "reports": pd.DataFrame([_report_row(r) for r in structured]),
        "sections": sections,
        "sentences": sentences,
        "agency_mentions": mentions,
        "indicators": indicators,
        "numbers_excluded": excluded,
        "dates": extract_dates(content, years),
        "legal_instruments": extract_instruments(content),
        "digitisation_hits": lexicon_hits(content, load_lexicon(DEFAULT_LEXICON)),
    }


def _content(sentences: pd.DataFrame) -> pd.DataFrame:
    """The sentences that are the report's own text: web-page clutter (来源：…, 版权所有 …) names
    no agency, number or date of the report."""
    if "role" not in sentences:
        return sentences
    kept = sentences["role"].ne("boilerplate")
    return sentences if kept.all() else sentences[kept].reset_index(drop=True)


def _frame(rows: list[dict]) -> pd.DataFrame:
    """Row dicts as a frame, built by column; text stays Python strings, as every stage reads it
    as lists (conform types the tables at the end)."""
    columns = {key: [row[key] for row in rows] for key in rows[0]} if rows else {}
    return pd.DataFrame(
        {
            k: pd.Series(v, dtype=object if isinstance(v[0], str) else None)
            for k, v in columns.items()
        }
    )


def _report_row(r: Report) -> dict:
    """The row of one report in the reports table."""
    doc, st, meta = r.doc, r.structure, r.meta
    return {
        "report_id": doc.report_id,
        "title": meta.title,
        "year": meta.year,
        "jurisdiction": meta.jurisdiction.name if meta.jurisdiction else meta.declared or None,
        "jurisdiction_code": meta.jurisdiction.code if meta.jurisdiction else None,
        "genre": meta.genre,
        "collection": meta.collection,
        "script": doc.script,
        "encoding": doc.encoding,
        "sha256": doc.sha256,
        "n_bytes": doc.n_bytes,
        "n_chars": len(doc.text),
        "n_sections": len(st.sections),
        "n_sentences": len(st.sentences),
        "report_year": meta.report_year,
        "source_file": r.source_file,
    }
