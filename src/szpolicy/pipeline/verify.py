"""Check that raw data, datasets and notebooks in the repository are what the code makes now."""

from __future__ import annotations

import configparser
import re
import tempfile
from pathlib import Path

import nbformat

from ..errors import SzpolicyError
from ..io import paths
from ..io.manifest import manifest_rows, read_entry, read_manifest
from ..notebooks import notebook_paths, run_in_place, source_hashes
from ..schema import TABLES, columns
from .build import build, load

SPAN_TEXT = ("text", "surface", "title")


def check_raw() -> tuple[list[str], dict[str, str]]:
    """Raw files against the manifest's hashes and recorded facts; returns problems and texts."""
    try:
        _, rows = manifest_rows(paths.MANIFEST)
        entries = read_manifest(paths.MANIFEST)
    except SzpolicyError as err:
        return [str(err)], {}
    problems, texts = [], {}
    for line, (row, entry) in enumerate(zip(rows, entries, strict=True), start=2):
        try:
            doc = read_entry(entry)
        except SzpolicyError as err:
            problems.append(f"{entry.path}: {err.message}")
            continue
        texts[entry.report_id] = doc.text
        facts = {"bytes": str(doc.n_bytes), "encoding": doc.encoding, "script": doc.script}
        problems += [
            f"{paths.MANIFEST}:{line}: {key} is {row[key]!r}, the file's is {value!r}"
            for key, value in facts.items()
            if row.get(key) not in (None, "", value)
        ]
    return problems, texts


def check_tables(texts: dict[str, str]) -> list[str]:
    """Every committed table against its schema and keys, and its offsets against the raw text."""
    problems = []
    for table in TABLES:
        where = paths.PROCESSED / f"{table}.csv"
        try:
            df = load(table, paths.PROCESSED)
        except (SzpolicyError, ValueError, OSError) as err:
            problems.append(f"{where}: {err}")
            continue
        span = [c for c in SPAN_TEXT if c in columns(table)]
        if "char_start" not in df or not span:
            continue
        for row in df.itertuples(index=False):
            text = texts.get(row.report_id, "")
            if text[row.char_start : row.char_end] != getattr(row, span[0]):
                problems.append(
                    f"{where}: {span[0]} of {row.report_id} at {row.char_start}-{row.char_end} "
                    "is not the raw text there"
                )
    return problems


def check_build() -> list[str]:
    """The committed datasets against a fresh build (in a temporary folder), file by file."""
    if not paths.PROCESSED.is_dir():
        return [f"{paths.PROCESSED}: no datasets; build them with `szpolicy build`"]
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "processed"
        try:
            build(out=fresh)
        except SzpolicyError as err:
            return [f"a fresh build fails: {err}"]
        names = sorted(
            {p.name for p in fresh.iterdir()} | {p.name for p in paths.PROCESSED.iterdir()}
        )
        return [
            f"{paths.PROCESSED / name}: differs from a fresh build"
            for name in names
            if not _same_tree(fresh / name, paths.PROCESSED / name)
        ]


def _same_tree(a: Path, b: Path) -> bool:
    """Two files with the same bytes, or two folders (Parquet partitions) of such files."""
    if a.is_dir() and b.is_dir():
        listing = {p.relative_to(a) for p in a.rglob("*") if p.is_file()}
        listing |= {p.relative_to(b) for p in b.rglob("*") if p.is_file()}
        return all(_same_tree(a / rel, b / rel) for rel in listing)
    return a.is_file() and b.is_file() and a.read_bytes() == b.read_bytes()


def sanitizer() -> list[tuple[re.Pattern, str]]:
    """The regex replacements nbval applies (notebooks/nbval-sanitize.cfg)."""
    config = configparser.ConfigParser(interpolation=None)
    config.read(paths.SANITIZE, encoding="utf-8")
    return [(re.compile(config[s]["regex"]), config[s]["replace"]) for s in config.sections()]


def _output(out: dict, rules: list[tuple[re.Pattern, str]]) -> dict:
    """One output as compared: text sanitised as nbval does, other data (images) byte for byte."""

    def text(value: object) -> str:
        joined = value if isinstance(value, str) else "".join(value)
        for regex, replace in rules:
            joined = regex.sub(replace, joined)
        return joined

    shown = {k: v for k, v in out.items() if k not in ("metadata", "transient")}
    if "text" in shown:
        shown["text"] = text(shown["text"])
    if "traceback" in shown:
        shown["traceback"] = text(shown["traceback"])
    if "data" in shown:
        shown["data"] = {
            k: text(v) if k.startswith("text/") else v for k, v in shown["data"].items()
        }
    return shown


def _cell(cell: dict, rules: list[tuple[re.Pattern, str]]) -> dict:
    """What is compared of a cell: its type, source, execution count and outputs."""
    return {
        "type": cell["cell_type"],
        "source": cell["source"],
        "execution count": cell.get("execution_count"),
        "outputs": [_output(o, rules) for o in cell.get("outputs", [])],
    }


def compare_notebooks(
    path: Path, committed: nbformat.NotebookNode, fresh: nbformat.NotebookNode
) -> list[str]:
    """Differences between a committed notebook and a fresh run, naming cells and what differs."""
    if len(committed.cells) != len(fresh.cells):
        return [f"{path}: {len(committed.cells)} cells committed, {len(fresh.cells)} now"]
    rules, problems = sanitizer(), []
    for no, (old, new) in enumerate(zip(committed.cells, fresh.cells, strict=True), start=1):
        a, b = _cell(old, rules), _cell(new, rules)
        differing = [key for key in a if a[key] != b[key]]
        if differing:
            problems.append(f"{path}: cell {no} ({a['type']}): {', '.join(differing)} differ")
    return problems


def check_sources(path: Path, nb: nbformat.NotebookNode) -> list[str]:
    """Cells edited since `szpolicy refresh` ran the notebook (their outputs may be stale)."""
    recorded = nb.metadata.get("szpolicy", {}).get("source_sha256")
    if recorded is None:
        return [f"{path}: no record of the sources it was run with; run `szpolicy refresh`"]
    now = source_hashes(nb)
    if len(recorded) != len(now):
        return [f"{path}: {len(now)} cells, {len(recorded)} when `szpolicy refresh` ran it"]
    pairs = enumerate(zip(recorded, now, strict=True), start=1)
    changed = [str(i) for i, (a, b) in pairs if a != b]
    if changed:
        cells = ", ".join(changed)
        return [f"{path}: source of cell(s) {cells} changed since `szpolicy refresh` ran it"]
    return []


def check_notebooks(names: list[str] | None = None) -> list[str]:
    """Committed notebooks against a fresh papermill run (default parameters, temporary files)."""
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        for path in notebook_paths(names):
            committed = nbformat.read(path, as_version=4)
            problems += check_sources(path, committed)
            try:
                fresh = run_in_place(path, Path(tmp) / path.name)
            except SzpolicyError as err:
                problems.append(f"{path}: a fresh run fails: {err.message}")
                continue
            problems += compare_notebooks(path, committed, fresh)
    return problems


def verify(notebooks: list[str] | None = None, skip_notebooks: bool = False) -> list[str]:
    """Everything that differs from what the code makes now (an empty list when all is well)."""
    problems, texts = check_raw()
    problems += check_tables(texts)
    problems += check_build()
    if not skip_notebooks:
        problems += check_notebooks(notebooks)
    return problems
