"""The raw-data manifest: which files make the corpus, where they came from, and their hashes."""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

from ..errors import SzpolicyError
from .files import read_limited
from .read import MAX_BYTES, Document, document

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
MAX_MANIFEST_BYTES = 64 * 1024 * 1024  # far above a million rows; /dev/zero is refused anyway
RESERVED = ("manifest.csv", "SOURCE.md")  # files of the raw folder that are not reports


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


def manifest_text(path: Path) -> str:
    """A manifest's text: UTF-8 (a byte-order mark is allowed), refused with the line otherwise."""
    data = read_limited(path, MAX_MANIFEST_BYTES)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise SzpolicyError(
            "manifest is not UTF-8 text; save it as UTF-8", path, line, byte=err.start
        ) from None


def manifest_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """A manifest's header and rows, refused when empty or when it lists no reports."""
    text = manifest_text(path)
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        rows = list(reader)
    except csv.Error as err:
        raise SzpolicyError(f"manifest is not valid CSV ({err})", path) from None
    header = list(reader.fieldnames or [])
    if not header:
        raise SzpolicyError("manifest is empty; it needs a header and a row per report", path)
    lacking = [k for k in ("file", "report_id", "sha256") if k not in header]
    if lacking:
        raise SzpolicyError(f"manifest header lacks {', '.join(lacking)}", path, 1)
    if not rows:
        raise SzpolicyError("manifest lists no reports", path)
    return header, rows


def check_file_name(name: str, manifest: Path, line: int) -> None:
    """Refuse a listed file outside the manifest's folder or one of the folder's own files."""
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        raise SzpolicyError(f"file {name!r} has a control character in its name", manifest, line)
    posix, windows = PurePosixPath(name), PureWindowsPath(name)
    if posix.is_absolute() or windows.is_absolute() or windows.drive:
        raise SzpolicyError(
            f"file {name!r} is an absolute path; name a file in the folder", manifest, line
        )
    if ".." in posix.parts or ".." in windows.parts:
        raise SzpolicyError(f"file {name!r} reaches outside the manifest's folder", manifest, line)
    if posix.name in RESERVED:
        raise SzpolicyError(
            f"file {name!r} is the folder's {posix.name}, not a report", manifest, line
        )


def read_manifest(path: Path) -> list[Entry]:
    """Entries of a manifest CSV: files in the manifest's folder (each is checked to be a regular
    file within the size limit when read, so that one bad file skips only its report)."""
    _, rows = manifest_rows(path)
    folder = path.parent.resolve()
    entries, seen = [], {}
    for line, row in enumerate(rows, start=2):
        missing = [k for k in ("file", "report_id", "sha256") if not (row.get(k) or "").strip()]
        if missing:
            raise SzpolicyError(f"manifest row lacks {', '.join(missing)}", path, line)
        check_file_name(row["file"], path, line)
        file = path.parent / row["file"]
        if not file.resolve().is_relative_to(folder):
            raise SzpolicyError(
                f"file {row['file']!r} links outside the manifest's folder", path, line
            )
        first = seen.get(row["report_id"])
        if first:
            raise SzpolicyError(
                f"report_id {row['report_id']!r} is repeated (first at line {first})",
                path,
                line,
            )
        seen[row["report_id"]] = line
        year = (row.get("year") or "").strip()
        if year and not (year.isascii() and year.isdigit()):
            raise SzpolicyError(f"manifest year {year!r} is not a year", path, line)
        entries.append(
            Entry(
                file,
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


def read_entry(entry: Entry) -> Document:
    """A manifest entry's report, its bytes read once: refused if they do not match the recorded
    sha256 (when there is one), else decoded and checked."""
    data = read_limited(entry.path, MAX_BYTES)
    if entry.sha256:
        verify_hash(entry, data)
    return document(data, entry.path, entry.report_id)


def verify_hash(entry: Entry, data: bytes) -> None:
    """Refuse a raw file whose bytes do not match the manifest's sha256."""
    actual = hashlib.sha256(data).hexdigest()
    if actual != entry.sha256:
        raise SzpolicyError(
            f"sha256 {actual} does not match the manifest's {entry.sha256}; "
            "the raw file changed: restore it or record the new file with `szpolicy add-raw`",
            entry.path,
        )
