"""Notebook runs are quiet and robust: the kernel's own chatter stays out of the output, the
progress bar names the notebook, a kernel that dies at start is started again, and a failure
names the notebook."""

from __future__ import annotations

import json
import sys

import nbformat
import pytest

from szpolicy import notebooks
from szpolicy.errors import SzpolicyError

from .projects import write_notebook

pytestmark = pytest.mark.heavy  # run early: see conftest.py


def small_notebook(path):
    return write_notebook(path, "output_dir = None", "print(6 * 7)")


def test_a_run_prints_only_its_progress_named_after_the_notebook(tmp_path, capfd) -> None:
    book = small_notebook(tmp_path / "99-small.ipynb")
    done = notebooks.execute(book, tmp_path / "out")
    out, err = capfd.readouterr()
    assert "42" in json.dumps(nbformat.read(done, as_version=4).cells[-1].outputs)
    assert "99-small" in err
    for noise in ("without encryption", "ERROR", "WARNING", "KeyboardInterrupt"):
        assert noise not in out + err


def test_a_kernel_that_dies_at_start_is_retried_then_named(tmp_path, monkeypatch, capfd) -> None:
    starts = tmp_path / "starts"
    spec = tmp_path / "jupyter" / "kernels" / "dies"
    spec.mkdir(parents=True)
    code = (
        f"open({str(starts)!r}, 'a').write('x'); import sys; "
        "print('zmq.error.ZMQError: Address already in use', file=sys.stderr); sys.exit(1)"
    )
    kernel = {"argv": [sys.executable, "-c", code, "{connection_file}"], "language": "python"}
    (spec / "kernel.json").write_text(json.dumps({**kernel, "display_name": "dies"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.setattr(notebooks, "KERNEL", "dies")
    book = small_notebook(tmp_path / "98-dies.ipynb")
    with pytest.raises(SzpolicyError) as err:
        notebooks.execute(book, tmp_path / "out", progress=False)
    assert "98-dies.ipynb" in str(err.value)
    assert "Address already in use" in str(err.value)
    assert starts.read_text() == "x" * notebooks.ATTEMPTS
    assert "Address already in use" not in "".join(capfd.readouterr())
