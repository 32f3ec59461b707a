"""Add a report to data/raw/: copy it unchanged and record it in the manifest."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

from . import paths
from .errors import SzpolicyError
from .manifest import FIELDS
from .read import read_report


def add_raw(
    file: Path, source: str, licence: str = "", report_id: str | None = None, title: str = ""
) -> dict[str, str]:
    """Copy `file` into data/raw/ byte for byte and add or replace its manifest row."""
    doc = read_report(file, report_id)
    target = paths.RAW / file.name
    paths.RAW.mkdir(parents=True, exist_ok=True)
    if file.resolve() != target.resolve():
        shutil.copyfile(file, target)
    row = {
        "file": target.name,
        "report_id": doc.report_id,
        "title": title,
        "source": source,
        "licence": licence,
        "sha256": doc.sha256,
        "bytes": str(doc.n_bytes),
        "encoding": doc.encoding,
        "script": doc.script,
    }
    rows = []
    if paths.MANIFEST.exists():
        with paths.MANIFEST.open(encoding="utf-8", newline="") as fh:
            rows = [r for r in csv.DictReader(fh) if r["report_id"] != row["report_id"]]
    if any(r["file"] == row["file"] for r in rows):
        raise SzpolicyError("file is already in the manifest under another report_id", target)
    rows = sorted([*rows, row], key=lambda r: r["report_id"])
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    paths.MANIFEST.write_text(buf.getvalue(), encoding="utf-8")
    return row
