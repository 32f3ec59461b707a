"""Build the processed datasets from raw reports: read, structure, extract, validate, write."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from itertools import repeat
from pathlib import Path
from typing import BinaryIO

import pandas as pd
from tqdm import tqdm

from . import paths
from .agencies import load_gazetteer
from .csvbytes import csv_bytes
from .errors import SzpolicyError
from .manifest import Entry, read_manifest, verify_hash
from .read import read_report
from .schema import TABLES, columns, conform, dtypes, resource, validate
from .tables import Report, batch_tables
from .writer import check_out_dir, write_atomically

FORMATS = ("csv", "parquet")
BATCH = 200  # reports per batch: each stage runs once per batch, on all its sentences


def _source_file(path: Path) -> str:
    try:
        return path.resolve().relative_to(paths.ROOT).as_posix()
    except ValueError:
        return path.name


def resolve_inputs(raw: list[str | Path] | None) -> list[Entry]:
    """Manifest entries for the given files and folders (a file the manifest lists keeps its id)."""
    listed = (
        {e.path.resolve(): e for e in read_manifest(paths.MANIFEST)}
        if paths.MANIFEST.exists()
        else {}
    )
    if not raw:
        if not listed:
            raise SzpolicyError("no raw files given and no manifest found", paths.MANIFEST)
        return list(listed.values())
    entries = []
    for item in map(Path, raw):
        if item.is_dir():
            manifest = item / "manifest.csv"
            if manifest.exists():
                entries += read_manifest(manifest)
                continue
            files = sorted(p for p in item.rglob("*.txt") if p.is_file())
            if not files:
                raise SzpolicyError("folder holds no .txt reports", item)
        elif item.is_file():
            files = [item]
        else:
            raise SzpolicyError("no such file or folder", item)
        entries += [listed.get(f.resolve(), Entry(f, f.stem, "")) for f in files]
    seen: dict[str, Path] = {}
    for e in entries:
        if e.report_id in seen:
            raise SzpolicyError(
                f"report_id {e.report_id!r} also names {seen[e.report_id]}; rename one file", e.path
            )
        seen[e.report_id] = e.path
    return entries


def _read(entry: Entry) -> Report:
    """One report decoded, with its hash checked against the manifest when it has one."""
    if entry.sha256:
        try:
            verify_hash(entry, entry.path.read_bytes())
        except OSError as err:
            raise SzpolicyError(f"cannot read: {err.strerror}", entry.path) from None
    return read_report(entry.path, entry.report_id), _source_file(entry.path), entry.title


Batch = tuple[dict[str, pd.DataFrame], dict[str, bytes]]  # conformed tables, their CSV rows


def process(entries: list[Entry], fmt: str = "csv") -> Batch:
    """The conformed tables of a batch of reports and, for CSV, their rows already formatted.

    Reports are read as the previous one is structured. Formatting here, in the worker, lets the
    workers share that cost instead of leaving it to the main process after they finish.
    """
    tables = {name: conform(name, df) for name, df in batch_tables(map(_read, entries)).items()}
    if fmt != "csv":
        return tables, {}
    return tables, {name: csv_bytes(df, header=False) for name, df in tables.items()}


def _batches(entries: list[Entry], jobs: int) -> list[list[Entry]]:
    """The entries in batches: at most BATCH each, and several per worker to share the work."""
    size = max(1, min(BATCH, math.ceil(len(entries) / (jobs * 4))))
    return [entries[i : i + size] for i in range(0, len(entries), size)]


def _results(batches: list[list[Entry]], jobs: int, fmt: str) -> Iterator[Batch]:
    """The tables of each batch, in order, from `jobs` worker processes (or this one)."""
    if jobs > 1 and len(batches) > 1:
        with ProcessPoolExecutor(jobs) as pool:
            yield from pool.map(process, batches, repeat(fmt))
    else:
        yield from map(process, batches, repeat(fmt))


def collect(
    entries: list[Entry], jobs: int = 1, progress: bool = False, csv_folder: Path | None = None
) -> dict[str, pd.DataFrame]:
    """Process every report (in `jobs` processes), join the tables and validate them.

    Batches go in report_id order and every per-report table's key starts with report_id, so
    the batches joined in order are sorted. With `csv_folder`, every table's CSV is written
    there, the per-report ones as their batches arrive.
    """
    entries = sorted(entries, key=lambda e: e.report_id)
    bar = tqdm(total=len(entries), unit="report", disable=not progress, leave=False)
    parts: dict[str, list[pd.DataFrame]] = {t: [] for t in TABLES if t != "agencies"}
    files = {t: _open_csv(csv_folder, t) for t in parts} if csv_folder else {}
    batches = _batches(entries, jobs)
    fmt = "csv" if csv_folder else "parquet"
    for batch, (tables, rows) in zip(batches, _results(batches, jobs, fmt), strict=True):
        for name, df in tables.items():
            parts[name].append(df)
        for name, data in rows.items():
            files[name].write(data)
        bar.update(len(batch))
    bar.close()
    for f in files.values():
        f.close()
    joined = {"agencies": conform("agencies", load_gazetteer())}
    if csv_folder:
        (csv_folder / "agencies.csv").write_bytes(csv_bytes(joined["agencies"]))
    for name in list(parts):  # one table at a time, its batches freed as it is joined
        joined[name] = pd.concat(parts.pop(name), ignore_index=True)
    return {name: validate(name, joined[name]) for name in TABLES}


def _open_csv(folder: Path, table: str) -> BinaryIO:
    """A table's CSV file in `folder`, opened for its rows with the header written."""
    f = (folder / f"{table}.csv").open("wb")
    f.write(csv_bytes(pd.DataFrame(columns=columns(table))))
    return f


def _write(folder: Path, tables: dict[str, pd.DataFrame], fmt: str) -> None:
    """Write datapackage.json, and the tables unless they are CSVs (`collect` wrote those)."""
    resources = []
    for name in TABLES:
        df = tables[name]
        if fmt == "csv":
            rel = f"{name}.csv"
        elif "report_id" in df:
            rel = name  # a folder partitioned by report: report_id=<id>/part-0.parquet
            df.to_parquet(
                folder / rel,
                index=False,
                partition_cols=["report_id"],
                basename_template="part-{i}.parquet",
            )
        else:
            rel = f"{name}.parquet"
            df.to_parquet(folder / rel, index=False)
        resources.append(resource(name, rel))
    package = {
        "profile": "tabular-data-package",
        "name": "szpolicy-processed",
        "title": "Tidy datasets built by szpolicy from Chinese policy reports",
        "licenses": [
            {"name": "other-at", "title": "Report text: third-party terms, see data/raw/SOURCE.md"}
        ],
        "text_hans_conversion": "OpenCC hk2s",
        "resources": resources,
    }
    text = json.dumps(package, ensure_ascii=False, indent=2) + "\n"
    (folder / "datapackage.json").write_text(text, encoding="utf-8")


def build(
    raw: list[str | Path] | None = None,
    out: str | Path = paths.PROCESSED,
    jobs: int = 1,
    fmt: str = "csv",
    progress: bool = False,
) -> dict[str, pd.DataFrame]:
    """Build every table from the raw reports and write them to `out` atomically."""
    if fmt not in FORMATS:
        raise SzpolicyError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    out = Path(out)
    check_out_dir(out)  # before the work, not after it
    entries = resolve_inputs(raw)
    tables: dict[str, pd.DataFrame] = {}

    def fill(folder: Path) -> None:
        tables.update(collect(entries, jobs, progress, folder if fmt == "csv" else None))
        _write(folder, tables, fmt)

    write_atomically(out, fill)
    return tables


def load(name: str, folder: str | Path = paths.PROCESSED) -> pd.DataFrame:
    """A processed table as a typed DataFrame (CSV, or Parquet when built with --format parquet)."""
    if name not in TABLES:
        raise SzpolicyError(f"unknown table {name!r}; choose one of {', '.join(TABLES)}")
    folder = Path(folder)
    if (folder / f"{name}.csv").exists():
        df = pd.read_csv(
            folder / f"{name}.csv", dtype=dtypes(name), keep_default_na=False, na_values=[""]
        )
    elif (folder / f"{name}.parquet").exists():
        df = pd.read_parquet(folder / f"{name}.parquet")
    else:
        df = pd.read_parquet(folder / name)
    return conform(name, df)
