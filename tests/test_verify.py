"""`szpolicy verify`: passes on the repository, names the file when one byte or output changes.

Only the first test runs verify on the whole project (raw hashes, tables, a full build); the
notebooks' outputs are nbval's to check (one run each per test command), so verify's notebook
comparison is checked here without a kernel and the others use a small project copy.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from szpolicy.io import paths
from szpolicy.pipeline import verify_notebooks

from .projects import small_project

pytestmark = pytest.mark.heavy  # run early: see conftest.py


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project's data and notebooks, used through SZPOLICY_ROOT."""
    for folder in ("data", "notebooks"):
        shutil.copytree(paths.ROOT / folder, tmp_path / folder)
    return tmp_path


@pytest.fixture(scope="module")
def small_built(tmp_path_factory) -> Path:
    """The seed and two national reports, with their datasets built by `szpolicy build`."""
    root = small_project(tmp_path_factory.mktemp("small") / "project")
    proc = szpolicy(root, "build")
    assert proc.returncode == 0, proc.stderr
    return root


@pytest.fixture
def small(small_built: Path, tmp_path: Path) -> Path:
    """A fresh copy of the small project, for one test to change."""
    return Path(shutil.copytree(small_built, tmp_path / "project"))


def szpolicy(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "SZPOLICY_ROOT": str(root)}
    cmd = [sys.executable, "-m", "szpolicy.cli", *args]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=root)


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def verify(root: Path, *args: str) -> subprocess.CompletedProcess:
    return szpolicy(root, "verify", *args)


def test_verify_passes_on_the_repository_and_writes_nothing(project):
    before = tree(project)
    proc = verify(project, "--skip-notebooks")
    assert proc.returncode == 0, proc.stderr
    assert "what the code makes now" in proc.stdout
    assert tree(project) == before
    assert sorted(p.name for p in project.iterdir()) == ["data", "notebooks"]


def test_changed_dataset_byte_is_named(small):
    target = small / "data" / "processed" / "indicators.csv"
    data = bytearray(target.read_bytes())
    data[data.index(b"321")] = ord("4")  # 321萬次 becomes 421萬次
    target.write_bytes(bytes(data))
    proc = verify(small, "--skip-notebooks")
    assert proc.returncode == 2
    assert f"{target}: differs from a fresh build" in proc.stderr
    assert (
        f"{target}: surface of 000_90487d465f63e9bb at 2335-2340 is not the raw text" in proc.stderr
    )
    assert "2 difference(s) found" in proc.stderr


def test_changed_notebook_output_is_named(tmp_path, monkeypatch):
    """The committed notebook stands in for the fresh run (which the first test shows it equals),
    so the comparison is checked without starting a kernel."""
    committed = paths.NOTEBOOKS / "01-data-tour.ipynb"
    notebook = Path(shutil.copy2(committed, tmp_path / committed.name))
    nb = nbformat.read(notebook, as_version=4)
    no, first = next(
        (i, c) for i, c in enumerate(nb.cells, 1) if c.cell_type == "code" and c.outputs
    )
    first.outputs[0]["text"] = "report tampered\n"
    nbformat.write(nb, notebook)
    monkeypatch.setattr(verify_notebooks, "notebook_paths", lambda names: [notebook])
    monkeypatch.setattr(
        verify_notebooks, "run_in_place", lambda path, out: nbformat.read(committed, as_version=4)
    )
    problems = verify_notebooks.check_notebooks(["01"])
    assert f"{notebook}: cell {no} (code): outputs differ" in problems


def test_a_changed_raw_file_is_named(small):
    raw = small / "data" / "raw" / "000_90487d465f63e9bb.txt"
    raw.write_bytes(raw.read_bytes().replace(b"321", b"421"))
    proc = verify(small, "--skip-notebooks")
    assert proc.returncode == 2
    assert f"{raw}: sha256" in proc.stderr
