"""The build's stages, each declared once: its function, what it needs and what it produces.

Every stage has one shape: `run(*needed)` gets the values named in `needs` (tables, or the
batch's structured reports as "structured") and returns the one value named in `produces`, or
a tuple of them in that order. `batch_tables` runs them in the order listed, so a stage comes
after the stages it needs. A new table needs a module with its function, one `Stage` in
STAGES, and its schema in schema/<table>.yaml.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from ..io.read import Document
from ..schema import TABLES, has_schema
from ..text.script import to_hans, to_hans_all
from .agencies import Context, agency_mentions, lead_agencies
from .dates import extract_dates
from .indicators import extract_numbers
from .instruments import extract_instruments
from .lexicon import load_lexicon
from .matcher import lexicon_hits
from .metadata import Metadata
from .records import records
from .structure import SECTION_FIELDS, Structure

DEFAULT_LEXICON = "digitisation_lexicon"


class Report(NamedTuple):
    """A report read and structured: what every stage after the structure starts from."""

    doc: Document
    source_file: str
    structure: Structure
    meta: Metadata


@dataclass(frozen=True)
class Stage:
    """One step of the build: `run(*needs)` gives the values named in `produces`."""

    run: Callable[..., Any]
    needs: tuple[str, ...]
    produces: tuple[str, ...]


def sentence_table(structured: list[Report]) -> pd.DataFrame:
    """Every sentence of the reports, with its Simplified text."""
    sentences = _frame([row for r in structured for row in r.structure.sentences])
    sentences["text_hans"] = pd.Series(to_hans_all(sentences["text"].tolist()), dtype=object)
    return sentences


def contexts_of(structured: list[Report]) -> dict[str, Context]:
    """Each report's jurisdiction and genre, by report_id."""
    return {r.doc.report_id: (r.meta.jurisdiction, r.meta.genre) for r in structured}


def content_of(sentences: pd.DataFrame) -> pd.DataFrame:
    """The sentences that are the report's own text: web-page clutter (来源：…, 版权所有 …) names
    no agency, number or date of the report."""
    if "role" not in sentences:
        return sentences
    kept = sentences["role"].ne("boilerplate")
    return sentences if kept.all() else sentences[kept].reset_index(drop=True)


def section_table(
    structured: list[Report],
    content: pd.DataFrame,
    mentions: pd.DataFrame,
    contexts: dict[str, Context],
) -> pd.DataFrame:
    """Every section of the reports, with its Simplified heading and its lead agency."""
    rows = [row for r in structured for row in r.structure.sections]
    sections = _frame(rows) if rows else pd.DataFrame(columns=SECTION_FIELDS)
    sections["heading_hans"] = [to_hans(t) for t in sections["heading"]]
    leads = lead_agencies(content, mentions, contexts)
    return sections.assign(lead_agency_id=_looked_up(sections, leads, "lead_agency_id"))


def _looked_up(rows: pd.DataFrame, found: pd.DataFrame, column: str) -> pd.Series:
    """`found[column]` for each row of `rows` with the same values in their other columns
    (missing where none): a left merge on those keys, at a dict's cost."""
    keys = [k for k in found.columns if k != column]
    by_key = dict(zip(records(found, keys), found[column].tolist(), strict=True))
    wanted = [by_key.get(key) for key in records(rows, keys)]
    return pd.Series(wanted, index=rows.index, dtype=object)


def years_of(structured: list[Report]) -> dict[str, int | None]:
    """Each report's year, which relative dates count from."""
    return {r.doc.report_id: r.meta.report_year for r in structured}


def digitisation_hits(content: pd.DataFrame) -> pd.DataFrame:
    """The hits of the packaged digitisation lexicon."""
    return lexicon_hits(content, load_lexicon(DEFAULT_LEXICON))


def report_table(structured: list[Report]) -> pd.DataFrame:
    """One row per report."""
    return pd.DataFrame([_report_row(r) for r in structured])


STAGES = [
    Stage(sentence_table, ("structured",), ("sentences",)),
    Stage(contexts_of, ("structured",), ("contexts",)),
    Stage(content_of, ("sentences",), ("content",)),
    Stage(agency_mentions, ("content", "contexts"), ("agency_mentions",)),
    Stage(section_table, ("structured", "content", "agency_mentions", "contexts"), ("sections",)),
    Stage(
        extract_numbers,
        ("content", "agency_mentions", "sections"),
        ("indicators", "numbers_excluded"),
    ),
    Stage(years_of, ("structured",), ("years",)),
    Stage(report_table, ("structured",), ("reports",)),
    Stage(extract_dates, ("content", "years"), ("dates",)),
    Stage(extract_instruments, ("content",), ("legal_instruments",)),
    Stage(digitisation_hits, ("content",), ("digitisation_hits",)),
]
BUILD_TABLES = ("agencies", "diagnostics")  # written by the build itself, not per report


def tables() -> tuple[str, ...]:
    """Every table the build writes: the packaged ones in TABLES order, then any other that a
    registered stage produces (a value with a schema is a table; one without is passed on)."""
    produced = [name for stage in STAGES for name in stage.produces]
    return TABLES + tuple(name for name in produced if name not in TABLES and has_schema(name))


def batch_tables(structured: list[Report]) -> dict[str, pd.DataFrame]:
    """Every per-report table of several structured reports, each stage run once on all their
    sentences."""
    values: dict[str, Any] = {"structured": structured}
    for stage in STAGES:
        out = stage.run(*(values[name] for name in stage.needs))
        values.update(zip(stage.produces, out if len(stage.produces) > 1 else (out,), strict=True))
    return {name: values[name] for name in tables() if name not in BUILD_TABLES}


def _frame(rows: list[dict]) -> pd.DataFrame:
    """Row dicts as a frame, built by column; text stays Python strings, as every stage reads it
    as lists (conform types the tables at the end)."""
    columns = {key: [row[key] for row in rows] for key in rows[0]} if rows else {}
    return pd.DataFrame({k: _column(v) for k, v in columns.items()})


def _column(values: list) -> pd.Series:
    """A column of a frame: strings as Python objects; numbers typed by numpy, five times
    faster than pandas from a list (anything else, such as numbers with None, as pandas
    types it)."""
    if isinstance(values[0], str):
        return pd.Series(values, dtype=object)
    array = np.asarray(values)
    return pd.Series(array if array.dtype.kind in "iuf" else values)


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
