"""Turn reports into their rows for every table, by calling each stage in order."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from .agencies import GOVERNMENT_WORK_REPORT, Context, agency_mentions, lead_agencies
from .dates import extract_dates, report_year
from .digitisation import lexicon_hits
from .indicators import extract_numbers
from .instruments import extract_instruments
from .jurisdictions import detect_jurisdiction
from .lexicon import load_lexicon
from .read import Document
from .script import to_hans
from .structure import Structure, structure

DEFAULT_LEXICON = "digitisation_lexicon"
GENRE_SENTENCES = 10  # sentences of the opening that the stand-in genre reads
Report = tuple[Document, str, str]  # a decoded report, its source file and its title (or "")


def batch_tables(reports: Iterable[Report]) -> dict[str, pd.DataFrame]:
    """Every per-report table for several reports, each stage run once on all their sentences.

    Each report is structured as it comes, so a bad report fails before the next is read.
    """
    structured = [(report, structure(report[0])) for report in reports]
    sentences = _frame([row for _, st in structured for row in st.sentences])
    sentences["text_hans"] = pd.Series([to_hans(t) for t in sentences["text"]], dtype=object)
    contexts = {report[0].report_id: _context(report, st) for report, st in structured}
    mentions = agency_mentions(sentences, contexts)
    sections = pd.DataFrame([row for _, st in structured for row in st.sections])
    sections["heading_hans"] = [to_hans(t) for t in sections["heading"]]
    leads = lead_agencies(sentences, mentions, contexts)
    sections = sections.merge(leads, on=["report_id", "part", "section_no"], how="left")
    indicators, excluded = extract_numbers(sentences, mentions, sections)
    years = {report[0].report_id: report_year(report[0].text) for report, _ in structured}
    return {
        "reports": pd.DataFrame([_report_row(*report, st, years) for report, st in structured]),
        "sections": sections,
        "sentences": sentences,
        "agency_mentions": mentions,
        "indicators": indicators,
        "numbers_excluded": excluded,
        "dates": extract_dates(sentences, years),
        "legal_instruments": extract_instruments(sentences),
        "digitisation_hits": lexicon_hits(sentences, load_lexicon(DEFAULT_LEXICON)),
    }


def _context(report: Report, st: Structure) -> Context:
    """The report's jurisdiction and genre, read off its title (else first sentence) and opening."""
    doc, _, title = report
    first = [s["text"] for s in st.sentences if s["role"] != "boilerplate"][:GENRE_SENTENCES]
    title = title or next(iter(first), "")
    return detect_jurisdiction(doc.text, title), genre(title, "".join(first))


def genre(title: str, opening: str) -> str:
    """government_work_report when the title says 政府工作报告; rule_of_law_review when the
    opening speaks of 法治; else other. A stand-in until the genre stage exists."""
    if "政府工作报告" in to_hans(title):
        return GOVERNMENT_WORK_REPORT
    return "rule_of_law_review" if "法治" in to_hans(opening) else "other"


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


def _report_row(
    doc: Document, source_file: str, title: str, st: Structure, years: dict[str, int | None]
) -> dict:
    """The row of one report in the reports table."""
    first = (s["text"] for s in st.sentences if s["role"] != "boilerplate")
    return {
        "report_id": doc.report_id,
        "title": title or next(first, ""),
        "script": doc.script,
        "encoding": doc.encoding,
        "sha256": doc.sha256,
        "n_bytes": doc.n_bytes,
        "n_chars": len(doc.text),
        "n_sections": len(st.sections),
        "n_sentences": len(st.sentences),
        "report_year": years[doc.report_id],
        "source_file": source_file,
    }
