"""Build the processed datasets from raw reports: read, structure, extract, validate, write."""

from __future__ import annotations

import contextlib
import gc
import json
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, replace
from functools import cache, partial
from itertools import islice
from multiprocessing.pool import AsyncResult
from operator import call, itemgetter
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import quote

import pandas as pd
import pyarrow as pa

from .. import __version__, rules
from ..errors import Diagnostic, SzpolicyError
from ..io import paths
from ..io.csvbytes import csv_bytes, csv_header, csv_parts
from ..io.loading import load as load  # where it was, for existing callers
from ..io.manifest import Entry, read_entry, read_manifest
from ..io.writer import check_out_dir, write_atomically
from ..schema import columns, conform, resource, validate
from ..stages import registry
from ..stages.agencies import agency_table, packaged_matcher
from ..stages.metadata import report_metadata
from ..stages.number_rules import rules as number_rules
from ..stages.registry import Report, batch_tables
from ..stages.structure import structure
from ..text.segment import word_frequencies
from . import handover, workers
from .handover import Parts

FORMATS = ("csv", "parquet")
ENGINES = ("local", "dask")
# Each stage runs once per batch, on all its sentences; a batch also costs about 0.1 s of fixed
# work (building, conforming and validating eleven tables), so batches are sized by bytes: big
# enough to make that small, small enough to share the work among the workers. Each worker gets
# one batch of a round of consecutive reports, dealt so the workers finish together.
BATCH = 200  # reports at most
BATCH_BYTES = (256 << 10, 4 << 20)  # bytes of raw text: at least (unless the corpus is
# smaller), at most


def _source_file(path: Path) -> str:
    try:
        return path.resolve().relative_to(paths.ROOT).as_posix()
    except ValueError:
        return path.name


def _listed() -> dict[Path, Entry]:
    """The project manifest's entries by resolved path (none without a manifest)."""
    if not paths.MANIFEST.exists():
        return {}
    return {e.path.resolve(): e for e in read_manifest(paths.MANIFEST)}


def resolve_inputs(raw: list[str | Path] | None) -> list[Entry]:
    """Manifest entries for the given files and folders (a file the manifest lists keeps its id)."""
    listed = cache(_listed)  # read only for files that no folder's manifest lists
    if not raw:
        if not listed():
            raise SzpolicyError("no raw files given and no manifest found", paths.MANIFEST)
        return list(listed().values())
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
        entries += [listed().get(f.resolve(), Entry(f, f.stem, "")) for f in files]
    seen: dict[str, Path] = {}
    for e in entries:
        if e.report_id in seen:
            raise SzpolicyError(
                f"report_id {e.report_id!r} also names {seen[e.report_id]}; rename one file", e.path
            )
        seen[e.report_id] = e.path
    return entries


@dataclass(frozen=True)
class Source:
    """A report to build with what depends on the caller's process fixed here (the file as
    given, its absolute path and its source_file), so any process, on any machine sharing the
    files, builds the same rows from it."""

    entry: Entry  # its path absolute
    shown: str  # the file as the user gave it, for messages
    source_file: str  # relative to the project root, else the file name


def sources(entries: list[Entry]) -> list[Source]:
    """The entries as sources, in report_id order (the order of every per-report table)."""
    return [
        Source(replace(e, path=e.path.absolute()), str(e.path), _source_file(e.path))
        for e in sorted(entries, key=lambda e: e.report_id)
    ]


def _read(source: Source) -> Report:
    """One report decoded (its hash checked against the manifest when it has one), structured
    and described."""
    doc = read_entry(source.entry)
    st = structure(doc)
    return Report(doc, source.source_file, st, report_metadata(source.entry, st))


def _diagnostic_row(source: Source, d: Diagnostic) -> dict:
    """A diagnostics row; `path` (the file as given, for messages) is not a column."""
    return {
        "path": source.shown,
        "report_id": source.entry.report_id,
        "source_file": source.source_file,
        "line": d.line,
        "column": d.column,
        "severity": d.severity,
        "code": d.code,
        "message": d.message,
    }


def _skipped(source: Source, err: SzpolicyError) -> dict:
    """The diagnostics row of a report that could not be read or structured."""
    message = err.message + (f" (byte {err.byte})" if err.byte is not None else "")
    d = Diagnostic("error", err.code or "unreadable", message, err.line, err.column)
    return _diagnostic_row(source, d)


def _stage_tables(
    reports: list[tuple[Source, Report]], diagnostics: list[dict]
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
    return {
        name: pd.DataFrame(columns=columns(name))
        for name in registry.tables()
        if name != "agencies"
    }


Batch = tuple[dict[str, tuple[int, Parts | pd.DataFrame]], list[dict], list[str]]
"""Each table's (rows, CSV rows by report or the frame), the batch's diagnostics rows and the
ids of the agencies it mentions (the agencies table lists those of the whole build)."""


def process(batch: list[Source], fmt: str = "csv") -> Batch:
    """The validated tables of a batch of reports (for CSV, each report's rows already
    formatted) and its diagnostics; a report that cannot be read or structured is skipped and
    recorded.

    A pure function of the files and the arguments (per-text caches change no result), so a
    batch may run in any process. Validating and formatting here, in the worker, lets the
    workers share that cost, and the main process need not keep the tables: every per-report
    table's key starts with report_id, so no key repeats across batches.
    """
    with _collector_paused():
        return _process(batch, fmt)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for the block. A batch makes millions of objects
    that live until its tables are formatted, and every full collection walks them, the rules
    and the per-text caches (0.2 s, 7 % of a one-worker build of the development corpus); what
    garbage has cycles waits for the first collection after the batch."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _process(batch: list[Source], fmt: str) -> Batch:
    """`process`, with the garbage collector as it is."""
    reports, diagnostics = [], []
    for source in batch:
        try:
            report = _read(source)
        except SzpolicyError as err:
            diagnostics.append(_skipped(source, err))
            continue
        reports.append((source, report))
        diagnostics += (_diagnostic_row(source, d) for d in report.structure.diagnostics)
        if source.entry.jurisdiction and report.meta.jurisdiction is None:
            message = (
                f"the manifest's jurisdiction {source.entry.jurisdiction!r} is not in the "
                "gazetteer; its generic bodies (省政府, 本市) are left without a place"
            )
            diagnostics.append(
                _diagnostic_row(source, Diagnostic("warning", "jurisdiction", message))
            )
    tables = _stage_tables(reports, diagnostics) if reports else _empty_tables()
    tables["diagnostics"] = pd.DataFrame(diagnostics, columns=columns("diagnostics"))
    batch = {name: validate(name, conform(name, df)) for name, df in tables.items()}
    found = diagnostics, sorted(set(tables["agency_mentions"]["agency_id"]))
    if fmt == "csv":
        return {n: (len(df), csv_parts(df, "report_id")) for n, df in batch.items()}, *found
    return {n: (len(df), df) for n, df in batch.items()}, *found


def _size(source: Source) -> int:
    try:
        return source.entry.path.stat().st_size
    except OSError:  # process() reports it
        return 0


def _rounds(todo: list[Source], workers: int) -> list[list[list[Source]]]:
    """Rounds of consecutive sources, each dealt into up to `workers` batches of about equal
    bytes (one a worker, within BATCH_BYTES and BATCH reports).

    A report goes to the batch with the fewest bytes so far: each batch then holds reports from
    the whole round, so when reports' cost per byte drifts along the corpus (older reports
    cost more) the workers still finish together, and each pays a batch's fixed work once.
    """
    sizes = [_size(s) for s in todo]
    least, most = BATCH_BYTES
    target = max(least, min(most, sum(sizes) // workers))
    rounds, group, filled = [], [], 0
    for source, size in zip(todo, sizes, strict=True):
        group.append((source, size))
        filled += size
        if filled >= target * workers or len(group) == BATCH * workers:
            rounds.append(_deal(group, workers))
            group, filled = [], 0
    return rounds + [_deal(group, workers)] if group else rounds


def _deal(group: list[tuple[Source, int]], workers: int) -> list[list[Source]]:
    """The sources in batches for up to `workers` (each of at least BATCH_BYTES[0] bytes when
    the group has that many, at most BATCH sources), each to the batch with the fewest bytes so
    far that has room."""
    total = sum(size for _, size in group)
    n = min(workers, max(1, total // BATCH_BYTES[0], -(-len(group) // BATCH)))
    batches: list[list[Source]] = [[] for _ in range(n)]
    filled = [0] * n
    for source, size in group:
        k = min(range(n), key=lambda k: (len(batches[k]) == BATCH, filled[k]))
        batches[k].append(source)
        filled[k] += size
    return [b for b in batches if b]


def in_order(
    submit: Callable[[list[Source]], Any],
    batches: Iterable,
    ahead: int,
    take: Callable[[Any], Batch] = lambda future: future.result(),
) -> Iterator[Batch]:
    """The results of every batch in order, with at most `ahead` batches submitted and not yet
    taken, so results that arrive early wait in memory only that far; `take` waits for one
    submitted batch's result."""
    todo = iter(batches)
    pending = deque(map(submit, islice(todo, ahead)))
    while pending:
        result = take(pending.popleft())
        pending.extend(map(submit, islice(todo, 1)))
        yield result


def _then(items: Iterable, done: Callable[[], None]) -> Iterator:
    """The items, then `done()` once they run out."""
    yield from items
    done()


def _handed_over(
    batch: list[Source], fmt: str, folder: Path
) -> tuple[handover.Spilled | dict[str, tuple[int, pd.DataFrame]], list[dict], list[str]]:
    """`process` in a worker, its bulk left in `folder` (the staging folder) rather than sent
    through the pool's pipe (see `handover`): CSV rows in a file, Parquet partitions written in
    place (their frames then sent back empty)."""
    tables, diagnostics, agency_ids = process(batch, fmt)
    if fmt == "csv":
        return handover.spill(tables, folder), diagnostics, agency_ids
    for name, (n, df) in tables.items():
        if n:
            _write_partitions(folder, name, df)
    return {name: (n, df.iloc[:0]) for name, (n, df) in tables.items()}, diagnostics, agency_ids


def _taken(pending: AsyncResult) -> Batch:
    """A worker's result, its CSV rows read back from their file."""
    tables, diagnostics, agency_ids = pending.get()
    if isinstance(tables, handover.Spilled):
        tables = handover.take_back(tables)
    return tables, diagnostics, agency_ids


def _preload() -> None:
    """Load here, before the workers fork, what each would otherwise load for itself: jieba's
    dictionary and tagger and the gazetteer's matcher (over a second of CPU each), and the
    numbers stage's compiled exclusion rules (a twentieth of a second)."""
    word_frequencies()
    packaged_matcher()
    number_rules()


def _results(
    rounds: list[list[list[Source]]],
    jobs: int,
    fmt: str,
    engine: str,
    scheduler: str | None,
    folder: Path,
) -> Iterator[Batch]:
    """The tables of every round's batches, in order, from a Dask cluster, else from this
    process and up to `jobs - 1` worker processes (`_shared`)."""
    batches = [batch for batches in rounds for batch in batches]
    if engine == "dask":
        from .dask_engine import dask_results

        yield from dask_results(process, batches, fmt, jobs, scheduler)
    elif len(batches) > len(rounds):  # with one job every round is one batch
        yield from _shared(rounds, jobs, fmt, folder)
    else:
        yield from (process(b, fmt) for b in batches)


def _shared(rounds: list[list[list[Source]]], jobs: int, fmt: str, folder: Path) -> Iterator[Batch]:
    """The tables of every round's batches, in order: the first of each round built here (no
    fork, no transfer, and this process busy while it waits), the others by up to `jobs - 1`
    worker processes, which leave their bulk in `folder` (`_handed_over`)."""
    # Forked workers inherit this process's objects; frozen, the workers' garbage collector
    # leaves them alone instead of copying every page it walks (about 10 % of their CPU).
    # The pool's exit terminates the workers, also when Ctrl-C or SIGTERM stops this process.
    _preload()
    gc.freeze()
    try:
        pooled = sum(len(batches) - 1 for batches in rounds)
        with workers.pool(min(jobs - 1, pooled)) as running:

            def submit(item: tuple[list[Source], bool]) -> Callable[[], Batch]:
                """A worker's batch started now; this process's, a call to run when taken."""
                batch, here = item
                if here:
                    return partial(process, batch, fmt)
                return partial(_taken, running.apply_async(_handed_over, (batch, fmt, folder)))

            todo = ((b, k == 0) for batches in rounds for k, b in enumerate(batches))
            # closed once the last batch is submitted: a worker leaves (unmapping its memory
            # takes a few hundredths of a second) while this process merges and writes
            yield from in_order(submit, _then(todo, running.close), 2 * jobs, take=call)
    finally:
        gc.unfreeze()


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
    entries: list[Entry],
    folder: Path,
    fmt: str = "csv",
    jobs: int = 1,
    progress: bool = False,
    engine: str = "local",
    scheduler: str | None = None,
) -> BuildResult:
    """Process every report (in `jobs` processes, or on a Dask cluster) and write every table
    to `folder`.

    Rounds go in report_id order and every per-report table's key starts with report_id, so
    the rows of a round's batches merged by report and appended round by round are sorted.
    Parquet tables are partitioned by report, so each batch writes its own reports' files.
    """
    from tqdm import tqdm  # only a terminal shows it: not part of every build's start-up

    counts = dict.fromkeys(registry.tables(), 0)
    found: set[str] = set()  # the agencies mentioned: the agencies table, written at the end
    empty: dict[str, pd.DataFrame] = {}  # Parquet tables that had no rows in a batch
    rounds = _rounds(sources(entries), jobs)
    bar = tqdm(total=len(entries), unit="report", disable=not progress, leave=False)
    with ExitStack() as stack, bar:
        if fmt == "csv":
            files = {
                t: stack.enter_context(_open_csv(folder, t))
                for t in registry.tables()
                if t != "agencies"
            }
        diagnostics: list[dict] = []
        flat = [batch for batches in rounds for batch in batches]
        last = [k == len(batches) - 1 for batches in rounds for k in range(len(batches))]
        done: list[Batch] = []  # the results of the round so far
        results = _results(rounds, jobs, fmt, engine, scheduler, folder)
        for batch, ends_round, result in zip(flat, last, results, strict=True):
            done.append(result)
            bar.update(len(batch))
            if not ends_round:
                continue
            problems = sorted((d for _, rows, _ in done for d in rows), key=itemgetter("report_id"))
            diagnostics += problems
            for tables, _, agency_ids in done:
                found.update(agency_ids)
                for name, (n, rows) in tables.items():
                    counts[name] += n
                    if fmt == "parquet" and n:  # a worker's come back empty: it wrote them
                        _write_partitions(folder, name, rows)
                    elif fmt == "parquet":
                        empty[name] = rows
            if fmt == "csv":
                for name, file in files.items():
                    parts = (part for tables, _, _ in done for part in tables[name][1])
                    file.writelines(rows for _, rows in sorted(parts, key=itemgetter(0)))
            done = []
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
    f.write(csv_header(columns(table)))
    return f


def _write_partitions(folder: Path, table: str, df: pd.DataFrame) -> None:
    """Add a table's rows to its folder partitioned by report: report_id=<id>/part-0.parquet.

    Each file keeps report_id as a column (dictionary-encoded, so pyarrow merges it with the
    folder's hive key), so a file alone, the folder (pyarrow, pandas, frictionless) and DuckDB's
    `hive_partitioning` all read the same table.
    """
    import pyarrow.parquet as pq  # a CSV build needs none of it (nor its file systems and ssl)

    rid = pa.dictionary(pa.int32(), pa.string())
    for report_id, rows in df.groupby("report_id", sort=True):
        part = folder / table / f"report_id={quote(str(report_id), safe='')}"
        part.mkdir(parents=True)
        arrow = pa.Table.from_pandas(rows, preserve_index=False)
        i = arrow.schema.get_field_index("report_id")
        arrow = arrow.set_column(i, pa.field("report_id", rid), arrow["report_id"].cast(rid))
        pq.write_table(arrow, part / "part-0.parquet")


def _write_package(folder: Path, fmt: str, entries: list[Entry]) -> None:
    """Write datapackage.json: every table's file, fields and keys; the project and rule-file
    versions; each report's source and licence."""
    described = []
    for name in registry.tables():
        if fmt == "csv":
            described.append(resource(name, f"{name}.csv"))
        else:  # a folder partitioned by report, or one file for the gazetteer
            described.append(resource(name, f"{name}.parquet" if name == "agencies" else name))
    entries = sorted(entries, key=lambda e: e.report_id)
    licences = sorted({e.licence for e in entries if e.licence})
    package = {
        "profile": "tabular-data-package",
        "name": "szpolicy-processed",
        "title": "Tidy datasets built by szpolicy from Chinese policy reports",
        "licenses": [
            {"name": "other-at", "title": "Report text: third-party terms, see data/raw/SOURCE.md"}
        ]
        + [{"name": "other-at", "title": licence} for licence in licences],
        "sources": [
            {
                "title": f"{e.report_id}: {e.title}" if e.title else e.report_id,
                **({"path": e.source} if e.source.startswith(("http://", "https://")) else {}),
                **({"description": e.source} if e.source and "://" not in e.source else {}),
                "licence": e.licence,
            }
            for e in entries
        ],
        "szpolicy_version": __version__,
        "rule_versions": rules.versions(),
        "text_hans_conversion": "OpenCC hk2s",
        "resources": described,
    }
    text = json.dumps(package, ensure_ascii=False, indent=2) + "\n"
    (folder / "datapackage.json").write_text(text, encoding="utf-8")


def _owned(name: str) -> bool:
    """Files a build writes in either format: never carried over from a previous build."""
    stem = name.removesuffix(".csv").removesuffix(".parquet")
    return stem in registry.tables() or name == "datapackage.json"


def build(
    raw: list[str | Path] | None = None,
    out: str | Path = paths.PROCESSED,
    jobs: int = 1,
    fmt: str = "csv",
    progress: bool = False,
    strict: bool = False,
    engine: str = "local",
    scheduler: str | None = None,
) -> BuildResult:
    """Build every table from the raw reports and write them to `out` atomically.

    `engine="dask"` runs the batches on a Dask cluster (at `scheduler`, else a local one of
    `jobs` worker processes), with the same bytes out.

    A report that cannot be read or structured is skipped and recorded in diagnostics.csv;
    the others are written. When no report could be built, or with `strict` when any was
    skipped, SzpolicyError is raised and `out` is left as it was. The tables stay on disk (read
    them with `load`), so memory stays flat as the corpus grows.
    """
    if fmt not in FORMATS:
        raise SzpolicyError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if engine not in ENGINES:
        raise SzpolicyError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    if scheduler and engine != "dask":
        raise SzpolicyError("a scheduler address is for the dask engine (--engine dask)")
    if jobs < 1:
        raise SzpolicyError(f"--jobs must be 1 or more, not {jobs}")
    out = Path(out)
    check_out_dir(out)  # before the work, not after it
    entries = resolve_inputs(raw)
    result: list[BuildResult] = []

    def fill(folder: Path) -> None:
        done = collect(entries, folder, fmt, jobs, progress, engine, scheduler)
        if (strict and done.skipped) or len(done.skipped) == len(entries):
            errors = [d for d in done.diagnostics if d["severity"] == "error"]
            if len(errors) == 1:
                e = errors[0]
                raise SzpolicyError(e["message"], e["path"], e["line"], e["column"])
            listing = "\n".join(map(diagnostic_line, errors))
            why = "--strict: a report has an error" if strict else "no report could be built"
            raise SzpolicyError(f"{why}; {out} is left as it was:\n{listing}")
        _write_package(folder, fmt, [e for e in entries if e.report_id not in done.skipped])
        result.append(done)

    write_atomically(out, fill, owned=_owned)
    return result[0]


def diagnostic_line(d: dict) -> str:
    """A diagnostics row as `file:line:column: message` (`warning: ` before a warning's)."""
    where = ":".join(str(v) for v in (d["path"], d["line"], d["column"]) if v is not None)
    return f"{where}: {'warning: ' if d['severity'] == 'warning' else ''}{d['message']}"
