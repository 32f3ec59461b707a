"""The reports a notebook analyses: a processed folder (`data_dir`) and a `reports` parameter
naming one report, a list of them, a collection, or "all"."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from ..errors import SzpolicyError
from ..io import paths
from ..parameters import check_choice, resolve_path, shown
from ..pipeline.build import load

ALL = "all"
DESCRIBED = ["report_id", "title", "year", "jurisdiction", "genre", "collection", "source"]


def data_folder(value: str | None) -> Path:
    """The processed folder a `data_dir` parameter names (default data/processed), which must
    hold a reports table."""
    folder = resolve_path("data_dir", value, paths.PROCESSED)
    if not any((folder / f"reports{suffix}").exists() for suffix in (".csv", ".parquet", "")):
        raise SzpolicyError(
            f"parameter data_dir={value!r}: {shown(folder)} holds no reports table; "
            f"build one with: szpolicy build RAW ... --out {shown(folder)}"
        )
    return folder


def select_reports(
    value: str | Sequence[str] | None,
    reports: pd.DataFrame,
    default: str = "seed",
    report_id: str | None = None,
) -> list[str]:
    """The report ids a `reports` parameter names, in the order of the reports table.

    `report_id` is the older one-report parameter, an alias. None takes the collection
    `default` when the folder has it, else every report.
    """
    ids = list(reports["report_id"])
    collections = sorted(set(reports["collection"].dropna()) - {""})
    name = "reports"
    if report_id is not None:
        if value is not None and value != report_id:
            raise SzpolicyError("give the parameter reports or report_id, not both")
        value, name = report_id, "report_id"
    if value is None:
        value = default if default in collections else ALL
    if value == ALL:
        return ids
    if isinstance(value, str):
        if value in collections:
            return list(reports.loc[reports["collection"] == value, "report_id"])
        check_choice(name, value, [ALL, *collections, *ids])
        return [value]
    if isinstance(value, list | tuple) and value and all(isinstance(v, str) for v in value):
        for v in value:
            check_choice(name, v, ids)
        return [r for r in ids if r in set(value)]
    raise SzpolicyError(
        f"parameter {name}={value!r} must be a report id, a list of ids, a collection or 'all'"
    )


def describe(reports: pd.DataFrame, ids: Sequence[str]) -> pd.DataFrame:
    """Title, year, jurisdiction, genre, collection and source of each chosen report; the
    source is the manifest's (data/raw/manifest.csv) when it lists the report, else its file."""
    chosen = reports[reports["report_id"].isin(list(ids))].copy()
    source = chosen["source_file"].astype("str")
    if paths.MANIFEST.is_file():
        manifest = pd.read_csv(paths.MANIFEST, dtype=str, keep_default_na=False)
        if {"report_id", "source"} <= set(manifest.columns):
            known = manifest.set_index("report_id")["source"]
            source = chosen["report_id"].map(known).where(lambda s: s.notna() & (s != ""), source)
    chosen["source"] = source
    return chosen[DESCRIBED].reset_index(drop=True)


def load_selected(name: str, folder: Path, ids: Sequence[str]) -> pd.DataFrame:
    """A processed table's rows of the chosen reports (a table without report_id whole)."""
    table = load(name, folder)
    if "report_id" not in table.columns:
        return table
    return table[table["report_id"].isin(list(ids))].reset_index(drop=True)
