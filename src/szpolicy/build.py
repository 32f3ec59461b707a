"""Build the processed datasets from raw reports: read, structure, extract, validate, write."""

from __future__ import annotations

import contextlib
import json
import math
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path
from typing import BinaryIO

import pandas as pd
from tqdm import tqdm

from . import paths
from .agencies import agency_table
from .csvbytes import csv_bytes
from .errors import Diagnostic, SzpolicyError
from .manifest import Entry, read_manifest, verify_hash
from .metadata import report_metadata
from .read import read_report
from .schema import TABLES, columns, conform, dtypes, resource, validate
from .structure import structure
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
    """One report decoded (its hash checked against the manifest when it has one), structured
    and described."""
    if entry.sha256:
        try:
            verify_hash(entry, entry.path.read_bytes())
        except OSError as err:
            raise SzpolicyError(f"cannot read: {err.strerror}", entry.path) from None
    doc = read_report(entry.path, entry.report_id)
    st = structure(doc)
    return Report(doc, _source_file(entry.path), st, report_metadata(entry, st))


def _diagnostic_row(entry: Entry, d: Diagnostic) -> dict:
    """A diagnostics row; `path` (the file as given, for messages) is not a column."""
    return {
        "path": str(entry.path),
        "report_id": entry.report_id,
        "source_file": _source_file(entry.path),
        "line": d.line,
        "column": d.column,
        "severity": d.severity,
        "code": d.code,
        "message": d.message,
    }


def _skipped(entry: Entry, err: SzpolicyError) -> dict:
    """The diagnostics row of a report that could not be read or structured."""
    message = err.message + (f" (byte {err.byte})" if err.byte is not None else "")
    d = Diagnostic("error", err.code or "unreadable", message, err.line, err.column)
    return _diagnostic_row(entry, d)


def _stage_tables(
    reports: list[tuple[Entry, Report]], diagnostics: list[dict]
) -> dict[str, pd.DataFrame]:
    """The tables of the reports, every stage run on all of them at once; should a stage fail
    on the batch, each report runs alone and the ones that still fail are skipped as errors."""
    with contextlib.suppress(Exception):  # a defect on one report must not stop a corpus
        return batch_tables([report for _, report in reports])
    kept = []
    for entry, report in reports:
        try:
            kept.append(batch_tables([report]))
        except Exception as err:  # noqa: BLE001 - recorded, the report skipped
            message = (
                f"internal error while extracting ({type(err).__name__}: {err}); please report it"
            )
            d = Diagnostic("error", "internal_error", message)
            diagnostics.append(_diagnostic_row(entry, d))
    if not kept:
        return _empty_tables()
    return {name: pd.concat([t[name] for t in kept], ignore_index=True) for name in kept[0]}


def _empty_tables() -> dict[str, pd.DataFrame]:
    return {name: pd.DataFrame(columns=columns(name)) for name in TABLES if name != "agencies"}


Batch = tuple[dict[str, tuple[int, bytes | pd.DataFrame]], list[dict], list[str]]
"""Each table's (rows, CSV rows or the frame), the batch's diagnostics rows and the ids of the
agencies it mentions (the agencies table lists those of the whole build)."""


def process(entries: list[Entry], fmt: str = "csv") -> Batch:
    """The validated tables of a batch of reports (for CSV, their rows already formatted) and
    its diagnostics; a report that cannot be read or structured is skipped and recorded.

    Validating and formatting here, in the worker, lets the workers share that cost, and the
    main process need not keep the tables: every per-report table's key starts with report_id,
    so no key repeats across batches.
    """
    reports, diagnostics = [], []
    for entry in entries:
        try:
            report = _read(entry)
        except SzpolicyError as err:
            diagnostics.append(_skipped(entry, err))
            continue
        reports.append((entry, report))
        diagnostics += (_diagnostic_row(entry, d) for d in report.structure.diagnostics)
        if entry.jurisdiction and report.meta.jurisdiction is None:
            message = (
                f"the manifest's jurisdiction {entry.jurisdiction!r} is not in the gazetteer; "
                "its generic bodies (省政府, 本市) are left without a place"
            )
            diagnostics.append(
                _diagnostic_row(entry, Diagnostic("warning", "jurisdiction", message))
            )
    tables = _stage_tables(reports, diagnostics) if reports else _empty_tables()
    tables["diagnostics"] = pd.DataFrame(diagnostics, columns=columns("diagnostics"))
    batch = {name: validate(name, conform(name, df)) for name, df in tables.items()}
    found = diagnostics, sorted(set(tables["agency_mentions"]["agency_id"]))
    if fmt == "csv":
        return {n: (len(df), csv_bytes(df, header=False)) for n, df in batch.items()}, *found
    return {n: (len(df), df) for n, df in batch.items()}, *found


def _batches(entries: list[Entry], jobs: int) -> list[list[Entry]]:
    """The entries in batches of at most BATCH; with several workers, at least four per worker
    so they share the work evenly."""
    size = BATCH if jobs == 1 else max(1, min(BATCH, math.ceil(len(entries) / (jobs * 4))))
    return [entries[i : i + size] for i in range(0, len(entries), size)]


def _results(batches: list[list[Entry]], jobs: int, fmt: str) -> Iterator[Batch]:
    """The tables of each batch, in order, from `jobs` worker processes (or this one)."""
    if jobs > 1 and len(batches) > 1:
        with ProcessPoolExecutor(jobs) as pool:
            yield from pool.map(process, batches, repeat(fmt))
    else:
        yield from map(process, batches, repeat(fmt))


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote: rows per table, and the diagnostics (reports skipped or warned of)."""

    counts: dict[str, int]
    diagnostics: list[dict]

    @property
    def skipped(self) -> list[str]:
        """The reports skipped for an error, in report_id order."""
        return sorted({d["report_id"] for d in self.diagnostics if d["severity"] == "error"})


def collect(
    entries: list[Entry], folder: Path, fmt: str = "csv", jobs: int = 1, progress: bool = False
) -> BuildResult:
    """Process every report (in `jobs` processes) and write every table to `folder`.

    Batches go in report_id order and every per-report table's key starts with report_id, so
    the rows appended batch by batch are sorted. Parquet tables are partitioned by report, so
    each batch writes its own reports' files.
    """
    entries = sorted(entries, key=lambda e: e.report_id)
    counts = dict.fromkeys(TABLES, 0)
    found: set[str] = set()  # the agencies mentioned: the agencies table, written at the end
    empty: dict[str, pd.DataFrame] = {}  # Parquet tables that had no rows in a batch
    batches = _batches(entries, jobs)
    bar = tqdm(total=len(entries), unit="report", disable=not progress, leave=False)
    with ExitStack() as stack, bar:
        if fmt == "csv":
            files = {
                t: stack.enter_context(_open_csv(folder, t)) for t in TABLES if t != "agencies"
            }
        diagnostics: list[dict] = []
        for batch, (tables, problems, agency_ids) in zip(
            batches, _results(batches, jobs, fmt), strict=True
        ):
            diagnostics += problems
            found.update(agency_ids)
            for name, (n, rows) in tables.items():
                counts[name] += n
                if fmt == "csv":
                    files[name].write(rows)
                elif n:
                    _write_partitions(folder, name, rows)
                else:
                    empty[name] = rows
            bar.update(len(batch))
    agencies = validate("agencies", conform("agencies", agency_table(sorted(found))))
    counts["agencies"] = len(agencies)
    if fmt == "csv":
        (folder / "agencies.csv").write_bytes(csv_bytes(agencies))
    else:
        agencies.to_parquet(folder / "agencies.parquet", index=False)
    for name in (name for name in empty if not counts[name]):
        (folder / name).mkdir()  # one file without rows, so readers still find the columns
        empty[name].to_parquet(folder / name / "part-0.parquet", index=False)
    return BuildResult(counts, diagnostics)


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


def build(
    raw: list[str | Path] | None = None,
    out: str | Path = paths.PROCESSED,
    jobs: int = 1,
    fmt: str = "csv",
    progress: bool = False,
    strict: bool = False,
) -> BuildResult:
    """Build every table from the raw reports and write them to `out` atomically.

    A report that cannot be read or structured is skipped and recorded in diagnostics.csv;
    the others are written. When no report could be built, or with `strict` when any was
    skipped, SzpolicyError is raised and `out` is left as it was. The tables stay on disk (read
    them with `load`), so memory stays flat as the corpus grows.
    """
    if fmt not in FORMATS:
        raise SzpolicyError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    out = Path(out)
    check_out_dir(out)  # before the work, not after it
    entries = resolve_inputs(raw)
    result: list[BuildResult] = []

    def fill(folder: Path) -> None:
        done = collect(entries, folder, fmt, jobs, progress)
        if (strict and done.skipped) or len(done.skipped) == len(entries):
            errors = [d for d in done.diagnostics if d["severity"] == "error"]
            if len(errors) == 1:
                e = errors[0]
                raise SzpolicyError(e["message"], e["path"], e["line"], e["column"])
            listing = "\n".join(map(diagnostic_line, errors))
            why = "--strict: a report has an error" if strict else "no report could be built"
            raise SzpolicyError(f"{why}; {out} is left as it was:\n{listing}")
        _write_package(folder, fmt)
        result.append(done)

    write_atomically(out, fill)
    return result[0]


def diagnostic_line(d: dict) -> str:
    """A diagnostics row as `file:line:column: message` (`warning: ` before a warning's)."""
    where = ":".join(str(v) for v in (d["path"], d["line"], d["column"]) if v is not None)
    return f"{where}: {'warning: ' if d['severity'] == 'warning' else ''}{d['message']}"


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
