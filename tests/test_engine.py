"""Where batches run changes no byte: batching, worker processes and a Dask cluster."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pytest

from szpolicy.cli import main
from szpolicy.pipeline import build as build_module
from szpolicy.pipeline.build import (
    Source,
    _batches,
    build,
    in_order,
    process,
    resolve_inputs,
    sources,
)

from .conftest import SEED
from .projects import SMALL


def snapshot(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def local(tmp_path_factory) -> Path:
    """The small corpus built in this process, in one batch."""
    out = tmp_path_factory.mktemp("local") / "out"
    build(SMALL, out=out)
    return out


def test_dask_local_cluster_writes_the_same_bytes(local, tmp_path, monkeypatch, capsys):
    # one report a batch, so two worker processes each build some and the order must be restored
    monkeypatch.setattr(build_module, "BATCH_BYTES", (1, 1))
    out = tmp_path / "dask"
    status = main(["build", *map(str, SMALL), "--out", str(out), "--engine", "dask", "--jobs", "2"])
    assert status == 0, capsys.readouterr().err
    assert snapshot(out) == snapshot(local)
    assert len(snapshot(local)) == 12  # eleven tables and datapackage.json


def test_worker_processes_write_the_same_bytes(local, tmp_path, monkeypatch):
    monkeypatch.setattr(build_module, "BATCH_BYTES", (1, 1))
    build(SMALL, out=tmp_path / "two", jobs=2)
    assert snapshot(tmp_path / "two") == snapshot(local)


def test_dask_engine_without_dask_exits_2_with_a_message(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "distributed", None)  # `import distributed` now fails
    out = tmp_path / "out"
    assert main(["build", str(SEED), "--out", str(out), "--engine", "dask"]) == 2
    err = capsys.readouterr().err
    assert "pip install 'szpolicy[dask]'" in err
    assert "Traceback" not in err
    assert not out.exists()


def test_a_scheduler_needs_the_dask_engine(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["build", str(SEED), "--out", str(out), "--scheduler", "tcp://127.0.0.1:1"]) == 2
    assert "--engine dask" in capsys.readouterr().err
    assert not out.exists()


def test_a_batch_is_the_same_whatever_the_working_folder(tmp_path, monkeypatch):
    """process() is a pure function of its sources: the caller fixed the relative path."""
    (tmp_path / "caller").mkdir()
    (tmp_path / "caller" / "report.txt").write_bytes(SEED.read_bytes())
    monkeypatch.chdir(tmp_path / "caller")
    batch = sources(resolve_inputs(["report.txt"]))
    here = process(batch)
    monkeypatch.chdir(tmp_path)
    assert process(batch) == here
    assert here[0]["reports"][0] == 1
    assert batch[0].shown == "report.txt"  # messages name the file as the user gave it


def _fake_sources(sizes: list[int], tmp_path: Path) -> list[Source]:
    tmp_path.mkdir(exist_ok=True)
    todo = []
    for k, size in enumerate(sizes):
        path = tmp_path / f"r{k:03d}.txt"
        path.write_bytes(b"x" * size)
        todo.append(Source(build_module.Entry(path, path.stem, ""), path.name, path.name))
    return todo


def test_batches_keep_the_order_and_share_the_bytes(tmp_path, monkeypatch):
    monkeypatch.setattr(build_module, "BATCH_BYTES", (100, 1000))
    todo = _fake_sources([50, 400, 30, 30, 300, 10, 500, 40, 60, 200], tmp_path)
    one = _batches(todo, 1)
    two = _batches(todo, 2)
    for batches in (one, two):
        assert [s for b in batches for s in b] == todo  # consecutive, nothing lost
        sizes = [sum(s.entry.path.stat().st_size for s in b) for b in batches]
        assert all(size >= 100 for size in sizes[:-1])
        last = [b[-1].entry.path.stat().st_size for b in batches]
        assert all(size - end < 1000 for size, end in zip(sizes, last, strict=True))
    even = _fake_sources([100] * 12, tmp_path / "even")
    assert list(map(len, _batches(even, 1))) == [10, 2]  # up to 1,000 bytes a batch
    assert list(map(len, _batches(even, 2))) == [3] * 4  # two a worker
    monkeypatch.setattr(build_module, "BATCH", 3)
    assert max(map(len, _batches(todo, 1))) == 3


class _Done:
    def __init__(self, value):
        self.value = value

    def result(self):
        return self.value


def test_in_order_submits_at_most_ahead(tmp_path):
    submitted, taken = [], []

    def submit(batch):
        submitted.append(batch)
        # three in flight, and the next is submitted before a result is handed over
        assert len(submitted) - len(taken) <= 3 + 1
        return _Done(batch * 10)

    for result in in_order(submit, range(8), ahead=3):
        taken.append(result)
    assert taken == [k * 10 for k in range(8)]
