"""A worker's CSV rows handed to the main process in a file of the build's staging folder.

Sent back through the pool's pipe, a batch's megabytes of rows would hold the worker until the
main process, busy with a batch of its own, had read them: its reading thread takes them 64 KB
at a time, each time it gets a turn (a tenth of a second a round, 5 ms through a file).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import NamedTuple

# A table's CSV rows by report: (report_id, its rows); read back, views of the file's bytes.
Parts = list[tuple[str, bytes | memoryview]]


class Spilled(NamedTuple):
    """Where each table's rows are: the file, and each table's row count and spans (report_id,
    offset, length) in it."""

    path: Path
    tables: dict[str, tuple[int, list[tuple[str, int, int]]]]


def spill(tables: dict[str, tuple[int, Parts]], folder: Path) -> Spilled:
    """Write every table's rows to a new file in `folder`; where they are."""
    fd, name = tempfile.mkstemp(prefix=".rows-", dir=folder)
    placed = {}
    with open(fd, "wb") as f:
        for table, (n, parts) in tables.items():
            spans = []
            for report_id, rows in parts:
                spans.append((report_id, f.tell(), len(rows)))
                f.write(rows)
            placed[table] = (n, spans)
    return Spilled(Path(name), placed)


def take_back(spilled: Spilled) -> dict[str, tuple[int, Parts]]:
    """Every table's rows read back from the file, which is removed."""
    data = memoryview(spilled.path.read_bytes())
    spilled.path.unlink()
    return {
        table: (n, [(report_id, data[start : start + size]) for report_id, start, size in spans])
        for table, (n, spans) in spilled.tables.items()
    }
