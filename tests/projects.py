"""A small copy of the project for end-to-end tests: a few raw reports and their manifest rows,
so a build or `verify` in a subprocess does what it does on the whole corpus, only quicker."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import nbformat

from szpolicy.io import paths

from .conftest import SEED

# The seed (Traditional, Shenzhen) and two national reports (Simplified, 1975 and 2013).
SMALL = (SEED, *(paths.RAW / "national_gwr" / f"national_gwr_{y}.txt" for y in (1975, 2013)))


def small_project(root: Path, files: tuple[Path, ...] = SMALL) -> Path:
    """`root` made a project holding only `files` in data/raw/, with their manifest rows; returns
    `root` (point SZPOLICY_ROOT at it)."""
    raw = root / "data" / "raw"
    raw.mkdir(parents=True)
    wanted = {f.resolve().relative_to(paths.RAW.resolve()).as_posix() for f in files}
    with paths.MANIFEST.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = [row for row in reader if row["file"] in wanted]
        fields = reader.fieldnames
    assert len(rows) == len(files), "every file must be in the project's manifest"
    with (raw / "manifest.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    for name in wanted:
        (raw / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(paths.RAW / name, raw / name)
    return root


def write_notebook(path: Path, parameters: str, *code: str, title: str = "") -> Path:
    """A notebook at `path` on the python3 kernel: a `title` cell if given, the parameters cell,
    then one code cell per `code`; returns `path`."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(title)] if title else []
    nb.cells.append(nbformat.v4.new_code_cell(parameters, metadata={"tags": ["parameters"]}))
    nb.cells += [nbformat.v4.new_code_cell(source) for source in code]
    kernel = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["kernelspec"] = kernel
    nbformat.write(nb, path)
    return path
