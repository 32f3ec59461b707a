"""Shared fixtures: the seed report and small reports written on the fly; the modules' order."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from szpolicy import load
from szpolicy.io import paths
from szpolicy.io.read import Document, read_report
from szpolicy.stages.structure import structure
from szpolicy.text.script import detect_script

SEED = paths.RAW / "000_90487d465f63e9bb.txt"


def seed_table(name: str) -> pd.DataFrame:
    """A committed table's rows of the seed report (data/processed holds the whole corpus)."""
    df = load(name)
    return df[df["report_id"] == SEED.stem].reset_index(drop=True) if "report_id" in df else df


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


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The modules marked `heavy` and the notebooks (nbval) first, each in place otherwise.

    pytest-xdist hands whole modules to the workers in this order (`--dist loadscope
    --no-loadscope-reorder`), so the short modules fill in at the end while no long one is left
    to run alone on one worker after the other has finished.
    """
    items.sort(
        key=lambda item: not (item.get_closest_marker("heavy") or item.path.suffix == ".ipynb")
    )
