"""Turn one report into its rows for every table, by calling each stage in order."""

from __future__ import annotations

import pandas as pd

from .agencies import agency_mentions, lead_agencies, load_gazetteer
from .dates import extract_dates, report_year
from .digitisation import lexicon_hits
from .indicators import extract_numbers
from .instruments import extract_instruments
from .lexicon import load_lexicon
from .read import Document
from .script import to_hans
from .structure import structure

DEFAULT_LEXICON = "digitisation_lexicon"


def report_tables(doc: Document, source_file: str, title: str = "") -> dict[str, pd.DataFrame]:
    """Every per-report table for one decoded report (the gazetteer table is added by the build)."""
    st = structure(doc)
    sentences = pd.DataFrame(st.sentences)
    sentences["text_hans"] = [to_hans(t) for t in sentences["text"]]
    mentions = agency_mentions(sentences, load_gazetteer())
    sections = pd.DataFrame(st.sections)
    sections["heading_hans"] = [to_hans(t) for t in sections["heading"]]
    leads = lead_agencies(sentences, mentions)
    sections = sections.merge(leads, on=["report_id", "part", "section_no"], how="left")
    indicators, excluded = extract_numbers(sentences, mentions, sections)
    year = report_year(doc.text)
    first = sentences.loc[~sentences["role"].eq("boilerplate"), "text"]
    report = {
        "report_id": doc.report_id,
        "title": title or (first.iloc[0] if len(first) else ""),
        "script": doc.script,
        "encoding": doc.encoding,
        "sha256": doc.sha256,
        "n_bytes": doc.n_bytes,
        "n_chars": len(doc.text),
        "n_sections": len(sections),
        "n_sentences": len(sentences),
        "report_year": year,
        "source_file": source_file,
    }
    return {
        "reports": pd.DataFrame([report]),
        "sections": sections,
        "sentences": sentences,
        "agency_mentions": mentions,
        "indicators": indicators,
        "numbers_excluded": excluded,
        "dates": extract_dates(sentences, year),
        "legal_instruments": extract_instruments(sentences),
        "digitisation_hits": lexicon_hits(sentences, load_lexicon(DEFAULT_LEXICON)),
    }
