"""Open input files safely: regular files only, size checked before reading, UTF-8 names."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ..errors import SzpolicyError

KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def check_name(path: Path) -> None:
    """Refuse a file name that is not valid UTF-8: it could not be written to a table."""
    try:
        os.fsdecode(os.fsencode(path)).encode("utf-8")
    except UnicodeError:
        raise SzpolicyError("file name is not valid UTF-8; rename the file", path) from None
    if "\x00" in str(path):
        raise SzpolicyError("file name has a NUL character", path)


def check_regular(path: Path, limit: int) -> int:
    """Refuse anything but a regular file of at most `limit` bytes, without reading it; its size."""
    check_name(path)
    try:
        info = path.stat()
    except OSError as err:
        raise SzpolicyError(f"cannot read: {err.strerror}", path) from None
    if not stat.S_ISREG(info.st_mode):
        kind = next((name for test, name in KINDS if test(info.st_mode)), "not a regular file")
        raise SzpolicyError(f"{kind}, not a regular file", path)
    if info.st_size > limit:
        raise SzpolicyError(
            f"file is {info.st_size:,} bytes, over the {limit:,}-byte limit for one report", path
        )
    return info.st_size


def read_limited(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes (checked before and while reading)."""
    check_regular(path, limit)
    try:
        with path.open("rb") as fh:
            data = fh.read(limit + 1)
    except OSError as err:
        raise SzpolicyError(f"cannot read: {err.strerror}", path) from None
    if len(data) > limit:  # it grew after the check
        raise SzpolicyError(f"file grew over the {limit:,}-byte limit while read", path)
    return data
