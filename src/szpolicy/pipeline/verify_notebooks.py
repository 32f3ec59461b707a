"""`szpolicy verify`'s notebook check: committed notebooks against a fresh papermill run.

Apart from verify.py because it imports papermill, nbformat and Jupyter's client (about 1.5 s),
which `verify --skip-notebooks` does not need.
"""

from __future__ import annotations

import configparser
import re
import tempfile
from pathlib import Path

import nbformat

from ..errors import SzpolicyError
from ..io import paths
from ..notebooks import notebook_paths, run_in_place, source_hashes


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
