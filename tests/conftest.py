"""Shared fixtures: the seed report and small reports written on the fly."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from szpolicy import paths
from szpolicy.read import Document, read_report
from szpolicy.script import detect_script
from szpolicy.structure import structure

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


def sentence_rows(text: str, report_id: str = "r") -> pd.DataFrame:
    """The sentences table of a report given as text, cut by the real structure stage."""
    doc = Document(report_id, Path(f"{report_id}.txt"), text, "utf-8", detect_script(text), "", 0)
    return pd.DataFrame(structure(doc).sentences)
