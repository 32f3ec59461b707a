"""Check that raw data, datasets and notebooks in the repository are what the code makes now."""

from __future__ import annotations

import configparser
import re
import tempfile
from pathlib import Path

import nbformat

from . import paths
from .build import build, load
from .errors import SzpolicyError
from .manifest import read_manifest, verify_hash
from .notebooks import notebook_paths, run_in_place
from .read import read_report
from .schema import TABLES, columns

SPAN_TEXT = ("text", "surface", "title")
COMPARED = ("text", "data")


def check_raw() -> tuple[list[str], dict[str, str]]:
    """Raw files against the manifest's hashes; returns problems and each report's text."""
    problems, texts = [], {}
    for entry in read_manifest(paths.MANIFEST):
        try:
            verify_hash(entry, entry.path.read_bytes())
            texts[entry.report_id] = read_report(entry.path, entry.report_id).text
        except (OSError, SzpolicyError) as err:
            problems.append(f"{entry.path}: {getattr(err, 'message', err)}")
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
    """The committed datasets against a fresh build, file by file."""
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
            if not (fresh / name).exists()
            or not (paths.PROCESSED / name).exists()
            or (fresh / name).read_bytes() != (paths.PROCESSED / name).read_bytes()
        ]


def sanitizer() -> list[tuple[re.Pattern, str]]:
    """The regex replacements nbval applies (notebooks/nbval-sanitize.cfg)."""
    config = configparser.ConfigParser(interpolation=None)
    config.read(paths.SANITIZE, encoding="utf-8")
    return [(re.compile(config[s]["regex"]), config[s]["replace"]) for s in config.sections()]


def _outputs(nb: nbformat.NotebookNode, rules: list[tuple[re.Pattern, str]]) -> list[list[str]]:
    """Each code cell's outputs as sanitised text (images left out, as nbval does by default)."""
    cells = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        texts = []
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            parts = [out.get("text", "")] + [
                v for k, v in sorted(data.items()) if k.startswith("text/")
            ]
            text = "".join(p if isinstance(p, str) else "".join(p) for p in parts)
            for regex, replace in rules:
                text = regex.sub(replace, text)
            texts.append(text)
        cells.append(texts)
    return cells


def check_notebooks(names: list[str] | None = None) -> list[str]:
    """Committed notebook outputs against a fresh papermill run with the default parameters."""
    problems, rules = [], sanitizer()
    with tempfile.TemporaryDirectory() as tmp:
        for path in notebook_paths(names):
            committed = nbformat.read(path, as_version=4)
            fresh = run_in_place(path, Path(tmp) / path.name)
            old, new = _outputs(committed, rules), _outputs(fresh, rules)
            differing = [i + 1 for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b]
            if len(old) != len(new):
                problems.append(f"{path}: {len(old)} code cells committed, {len(new)} now")
            elif differing:
                cells = ", ".join(map(str, differing))
                problems.append(f"{path}: outputs of code cell(s) {cells} differ from a fresh run")
    return problems


def verify(notebooks: list[str] | None = None, skip_notebooks: bool = False) -> list[str]:
    """Everything that differs from what the code makes now (an empty list when all is well)."""
    problems, texts = check_raw()
    problems += check_tables(texts)
    problems += check_build()
    if not skip_notebooks:
        problems += check_notebooks(notebooks)
    return problems
