"""Check that raw data, datasets and notebooks in the repository are what the code makes now."""

from __future__ import annotations

import tempfile
from pathlib import Path

from ..errors import SzpolicyError
from ..io import paths
from ..io.manifest import manifest_rows, read_entry, read_manifest
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


def verify(notebooks: list[str] | None = None, skip_notebooks: bool = False) -> list[str]:
    """Everything that differs from what the code makes now (an empty list when all is well)."""
    problems, texts = check_raw()
    problems += check_tables(texts)
    problems += check_build()
    if not skip_notebooks:
        from .verify_notebooks import check_notebooks  # the Jupyter stack only when needed

        problems += check_notebooks(notebooks)
    return problems
