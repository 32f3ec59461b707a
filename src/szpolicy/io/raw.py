"""Add a report to data/raw/: copy it unchanged and record it in the manifest."""

from __future__ import annotations

import csv
import filecmp
import hashlib
import io
import os
import tempfile
from pathlib import Path

from ..errors import SzpolicyError
from . import paths
from .files import check_name, read_limited
from .manifest import FIELDS, RESERVED, manifest_rows
from .read import MAX_BYTES, read_report
from .writer import folder_lock

FORBIDDEN_ID = set('/\\:*?"<>|') | {chr(c) for c in range(32)} | {"\x7f"}


def check_report_id(report_id: str) -> None:
    """Refuse an id that cannot name a partition folder (`report_id=<id>`) or a file."""
    if (
        not report_id
        or report_id != report_id.strip()
        or report_id in (".", "..")
        or report_id.startswith(".")
        or FORBIDDEN_ID & set(report_id)
    ):
        raise SzpolicyError(
            f"report id {report_id!r} is not allowed: use letters, digits, '-', '_' or '.', "
            "not starting with '.'"
        )


def _existing_rows(report_id: str, name: str) -> tuple[list[str], list[dict[str, str]]]:
    """The manifest's columns and rows; refuse a file name another report already has."""
    if not paths.MANIFEST.exists():
        return list(FIELDS), []
    header, rows = manifest_rows(paths.MANIFEST)
    for line, row in enumerate(rows, start=2):
        if row["file"] == name and row["report_id"] != report_id:
            raise SzpolicyError(
                f"data/raw/{name} is already in the manifest as report {row['report_id']!r}; "
                "rename the file or give --report-id "
                f"{row['report_id']} to replace that report",
                paths.MANIFEST,
                line,
            )
    fields = list(FIELDS) + [f for f in header if f not in FIELDS]
    return fields, rows


def _stage(data: bytes, target: Path) -> Path:
    """Write `data` to a hidden temporary file beside `target`, to be renamed over it."""
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.chmod(name, 0o644)
    return Path(name)


def add_raw(
    file: Path, source: str, licence: str = "", report_id: str | None = None, title: str = ""
) -> dict[str, str]:
    """Copy `file` into data/raw/ byte for byte and add or replace its manifest row.

    Everything is checked before anything is written; the file and the manifest are staged
    beside their targets and renamed into place, so a refusal or a crash changes nothing.
    """
    check_name(file)
    name = file.name
    if name.casefold() in {r.casefold() for r in RESERVED} or name.startswith("."):
        raise SzpolicyError(
            f"{name} is a name the raw folder keeps for itself; rename the file", file
        )
    doc = read_report(file, report_id)  # refuses unreadable, empty, binary and non-text files
    check_report_id(doc.report_id)
    target = paths.RAW / name
    if not paths.RAW.is_dir():
        raise SzpolicyError("raw folder does not exist", paths.RAW)
    with folder_lock(paths.RAW):
        fields, rows = _existing_rows(doc.report_id, name)
        copy = file.resolve() != target.resolve()
        listed = {r["file"] for r in rows}
        if copy and target.exists() and name not in listed and not filecmp.cmp(target, file, False):
            raise SzpolicyError(
                "a different file of that name is in data/raw/ but not in the manifest; "
                "move it away or rename the new file",
                target,
            )
        rows = [r for r in rows if r["report_id"] != doc.report_id]
        row = {
            "file": name,
            "report_id": doc.report_id,
            "title": title,
            "source": source,
            "licence": licence,
            "sha256": doc.sha256,
            "bytes": str(doc.n_bytes),
            "encoding": doc.encoding,
            "script": doc.script,
        }
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n", restval="")
        writer.writeheader()
        writer.writerows(sorted([*rows, row], key=lambda r: r["report_id"]))
        staged: list[Path] = []
        try:
            if copy:
                data = read_limited(file, MAX_BYTES)
                if hashlib.sha256(data).hexdigest() != doc.sha256:
                    raise SzpolicyError("file changed while it was added; add it again", file)
                staged.append(_stage(data, target))
            staged.append(_stage(buf.getvalue().encode("utf-8"), paths.MANIFEST))
            if len(staged) == 2:
                os.replace(staged[0], target)
            os.replace(staged[-1], paths.MANIFEST)
        except OSError as err:
            raise SzpolicyError(
                f"cannot write to the raw folder ({err.strerror})", paths.RAW
            ) from None
        finally:
            for path in staged:
                path.unlink(missing_ok=True)
    return row
