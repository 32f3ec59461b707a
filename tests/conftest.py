"""Shared fixtures: the seed report and small reports written on the fly."""

from __future__ import annotations

from pathlib import Path

import pytest

from szpolicy import paths
from szpolicy.read import Document, read_report

SEED = paths.RAW / "000_90487d465f63e9bb.txt"


@pytest.fixture(scope="session")
def seed() -> Document:
    return read_report(SEED)


@pytest.fixture
def write_report(tmp_path: Path):
    """Write text (or bytes) to a report file and return its path."""

    def write(content: str | bytes, name: str = "report.txt", encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        data = content if isinstance(content, bytes) else content.encode(encoding)
        path.write_bytes(data)
        return path

    return write
