"""The raw-data manifest: which files make the corpus, where they came from, and their hashes."""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path

from .errors import SzpolicyError

FIELDS = (
    "file",
    "report_id",
    "title",
    "source",
    "licence",
    "sha256",
    "bytes",
    "encoding",
    "script",
    "collection",
    "year",
    "jurisdiction",
    "genre",
)


@dataclass(frozen=True)
class Entry:
    """One raw report as the manifest records it."""

    path: Path
    report_id: str
    sha256: str
    title: str = ""
    collection: str = ""
    year: int | None = None
    jurisdiction: str = ""
    genre: str = ""
    source: str = ""
    licence: str = ""


def read_manifest(path: Path) -> list[Entry]:
    """Entries of a manifest CSV; file paths are relative to the manifest's folder."""
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
    except OSError as err:
        raise SzpolicyError(f"cannot read manifest: {err.strerror}", path) from None
    entries = []
    for line, row in enumerate(rows, start=2):
        missing = [k for k in ("file", "report_id", "sha256") if not (row.get(k) or "").strip()]
        if missing:
            raise SzpolicyError(f"manifest row lacks {', '.join(missing)}", path, line)
        year = (row.get("year") or "").strip()
        if year and not (year.isascii() and year.isdigit()):
            raise SzpolicyError(f"manifest year {year!r} is not a year", path, line)
        entries.append(
            Entry(
                path.parent / row["file"],
                row["report_id"],
                row["sha256"],
                (row.get("title") or "").strip(),
                (row.get("collection") or "").strip(),
                int(year) if year else None,
                (row.get("jurisdiction") or "").strip(),
                (row.get("genre") or "").strip(),
                (row.get("source") or "").strip(),
                (row.get("licence") or "").strip(),
            )
        )
    return entries


def verify_hash(entry: Entry, data: bytes) -> None:
    """Refuse a raw file whose bytes do not match the manifest's sha256."""
    actual = hashlib.sha256(data).hexdigest()
    if actual != entry.sha256:
        raise SzpolicyError(
            f"sha256 {actual} does not match the manifest's {entry.sha256}; "
            "the raw file changed: restore it or record the new file with `szpolicy add-raw`",
            entry.path,
        )
