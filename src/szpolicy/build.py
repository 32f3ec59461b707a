"""Build the processed datasets from raw reports: read, structure, extract, validate, write."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from contextlib import ExitStack
from functools import partial
from itertools import repeat
from pathlib import Path
from typing import BinaryIO

import pandas as pd
from tqdm import tqdm

from . import paths, workers
from .agencies import load_gazetteer
from .csvbytes import csv_bytes
from .errors import SzpolicyError
from .files import read_limited
from .manifest import Entry, read_manifest, verify_hash
from .read import MAX_BYTES, read_report
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
        elif item.exists():  # a FIFO or device is refused by name when read
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
        verify_hash(entry, read_limited(entry.path, MAX_BYTES))
    return read_report(entry.path, entry.report_id), _source_file(entry.path), entry.title


Batch = dict[str, tuple[int, bytes | pd.DataFrame]]  # table -> (rows, CSV rows or the frame)


def process(entries: list[Entry], fmt: str = "csv") -> Batch:
    """The validated tables of a batch of reports: for CSV, their rows already formatted.

    Reports are read as the previous one is structured. Validating and formatting here, in the
    worker, lets the workers share that cost, and the main process need not keep the tables:
    every per-report table's key starts with report_id, so no key repeats across batches.
    """
    tables = batch_tables(map(_read, entries))
    batch = {name: validate(name, conform(name, df)) for name, df in tables.items()}
    if fmt == "csv":
        return {name: (len(df), csv_bytes(df, header=False)) for name, df in batch.items()}
    return {name: (len(df), df) for name, df in batch.items()}


def _batches(entries: list[Entry], jobs: int) -> list[list[Entry]]:
    """The entries in batches of at most BATCH; with several workers, at least four per worker
    so they share the work evenly."""
    size = BATCH if jobs == 1 else max(1, min(BATCH, math.ceil(len(entries) / (jobs * 4))))
    return [entries[i : i + size] for i in range(0, len(entries), size)]


def _results(batches: list[list[Entry]], jobs: int, fmt: str) -> Iterator[Batch]:
    """The tables of each batch, in order, from `jobs` worker processes (or this one)."""
    if jobs > 1 and len(batches) > 1:
        # Pool's exit terminates the workers, also when Ctrl-C or SIGTERM stops the main process
        with workers.pool(jobs) as running:
            yield from running.imap(partial(process, fmt=fmt), batches)
    else:
        yield from map(process, batches, repeat(fmt))


def collect(
    entries: list[Entry], folder: Path, fmt: str = "csv", jobs: int = 1, progress: bool = False
) -> dict[str, int]:
    """Process every report (in `jobs` processes) and write every table to `folder`; row counts.

    Batches go in report_id order and every per-report table's key starts with report_id, so
    the rows appended batch by batch are sorted. Parquet tables are partitioned by report, so
    each batch writes its own reports' files.
    """
    entries = sorted(entries, key=lambda e: e.report_id)
    gazetteer = validate("agencies", conform("agencies", load_gazetteer()))
    counts = dict.fromkeys(TABLES, 0) | {"agencies": len(gazetteer)}
    empty: dict[str, pd.DataFrame] = {}  # Parquet tables that had no rows in a batch
    batches = _batches(entries, jobs)
    bar = tqdm(total=len(entries), unit="report", disable=not progress, leave=False)
    with ExitStack() as stack, bar:
        if fmt == "csv":
            (folder / "agencies.csv").write_bytes(csv_bytes(gazetteer))
            files = {
                t: stack.enter_context(_open_csv(folder, t)) for t in TABLES if t != "agencies"
            }
        else:
            gazetteer.to_parquet(folder / "agencies.parquet", index=False)
        for batch, tables in zip(batches, _results(batches, jobs, fmt), strict=True):
            for name, (n, rows) in tables.items():
                counts[name] += n
                if fmt == "csv":
                    files[name].write(rows)
                elif n:
                    _write_partitions(folder, name, rows)
                else:
                    empty[name] = rows
            bar.update(len(batch))
    for name in (name for name in empty if not counts[name]):
        (folder / name).mkdir()  # one file without rows, so readers still find the columns
        empty[name].to_parquet(folder / name / "part-0.parquet", index=False)
    return counts


def _open_csv(folder: Path, table: str) -> BinaryIO:
    """A table's CSV file in `folder`, opened for its rows with the header written."""
    f = (folder / f"{table}.csv").open("wb")
    f.write(csv_bytes(pd.DataFrame(columns=columns(table))))
    return f


def _write_partitions(folder: Path, table: str, df: pd.DataFrame) -> None:
    """Add a table's rows to its folder partitioned by report: report_id=<id>/part-0.parquet."""
    df.to_parquet(
        folder / table,
        index=False,
        partition_cols=["report_id"],
        basename_template="part-{i}.parquet",
    )


def _write_package(folder: Path, fmt: str) -> None:
    """Write datapackage.json: every table's file, fields and keys."""
    resources = []
    for name in TABLES:
        if fmt == "csv":
            resources.append(resource(name, f"{name}.csv"))
        else:  # a folder partitioned by report, or one file for the gazetteer
            resources.append(resource(name, f"{name}.parquet" if name == "agencies" else name))
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


def _owned(name: str) -> bool:
    """Files a build writes in either format: never carried over from a previous build."""
    stem = name.removesuffix(".csv").removesuffix(".parquet")
    return stem in TABLES or name == "datapackage.json"


def build(
    raw: list[str | Path] | None = None,
    out: str | Path = paths.PROCESSED,
    jobs: int = 1,
    fmt: str = "csv",
    progress: bool = False,
) -> dict[str, int]:
    """Build every table from the raw reports and write them to `out` atomically; row counts.

    The tables stay on disk (read them with `load`), so memory stays flat as the corpus grows.
    """
    if fmt not in FORMATS:
        raise SzpolicyError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if jobs < 1:
        raise SzpolicyError(f"--jobs must be 1 or more, not {jobs}")
    out = Path(out)
    check_out_dir(out)  # before the work, not after it
    entries = resolve_inputs(raw)
    counts: dict[str, int] = {}

    def fill(folder: Path) -> None:
        counts.update(collect(entries, folder, fmt, jobs, progress))
        _write_package(folder, fmt)

    write_atomically(out, fill, owned=_owned)
    return counts


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
