"""Where batches run changes no byte: batching, worker processes and a Dask cluster."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pytest

from szpolicy.cli import main
from szpolicy.pipeline import build as build_module
from szpolicy.pipeline import handover
from szpolicy.pipeline.build import (
    Source,
    _rounds,
    build,
    in_order,
    process,
    resolve_inputs,
    sources,
)

from .conftest import SEED
from .projects import SMALL

pytestmark = pytest.mark.heavy  # run early: see conftest.py


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


@pytest.mark.parametrize(
    "batch",
    [
        1,  # two reports a round, one a batch: a worker's and this process's, round after round
        200,  # one round dealt into two batches: their rows merged by report
    ],
)
def test_worker_processes_write_the_same_bytes(local, tmp_path, monkeypatch, batch):
    monkeypatch.setattr(build_module, "BATCH", batch)
    monkeypatch.setattr(build_module, "BATCH_BYTES", (1, 1 << 30))
    rounds = _rounds(sources(resolve_inputs(SMALL)), 2)
    ids = [[[s.entry.report_id for s in b] for b in r] for r in rounds]
    assert ids == (
        [[[SEED.stem], ["national_gwr_1975"]], [["national_gwr_2013"]]]
        if batch == 1
        else [[[SEED.stem, "national_gwr_2013"], ["national_gwr_1975"]]]
    )
    build(SMALL, out=tmp_path / "two", jobs=2)
    assert snapshot(tmp_path / "two") == snapshot(local)


def test_a_worker_writes_the_same_parquet(tmp_path, monkeypatch):
    # two reports a round, one a batch: the worker writes its reports' partitions itself
    monkeypatch.setattr(build_module, "BATCH", 1)
    monkeypatch.setattr(build_module, "BATCH_BYTES", (1, 1 << 30))
    build(SMALL, out=tmp_path / "one", fmt="parquet")
    build(SMALL, out=tmp_path / "two", jobs=2, fmt="parquet")
    assert snapshot(tmp_path / "two") == snapshot(tmp_path / "one")
    assert len([p for p in snapshot(tmp_path / "one") if p.startswith("sentences/")]) == 3


def test_handed_over_rows_come_back_and_leave_no_file(tmp_path):
    tables = {"sentences": (3, [("a", b"a,1\n"), ("b", b"b,1\nb,2\n")]), "dates": (0, [])}
    spilled = handover.spill(tables, tmp_path)
    assert spilled.path.parent == tmp_path
    back = handover.take_back(spilled)
    assert {t: (n, [(r, bytes(rows)) for r, rows in parts]) for t, (n, parts) in back.items()} == (
        tables
    )
    assert not list(tmp_path.iterdir())


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


def test_rounds_keep_the_order_and_share_the_bytes(tmp_path, monkeypatch):
    monkeypatch.setattr(build_module, "BATCH_BYTES", (100, 1000))
    todo = _fake_sources([50, 400, 30, 30, 300, 10, 500, 40, 60, 200], tmp_path)
    size = lambda batch: sum(s.entry.path.stat().st_size for s in batch)  # noqa: E731
    for workers in (1, 2, 3):
        rounds = _rounds(todo, workers)
        # a round holds consecutive sources, each batch of a round keeps their order
        order = todo.index
        assert [s for r in rounds for s in sorted((s for b in r for s in b), key=order)] == todo
        assert all(b == sorted(b, key=order) for r in rounds for b in r)
        assert all(len(r) <= workers and all(r) for r in rounds)
    assert [list(map(size, r)) for r in _rounds(todo, 1)] == [[1320], [300]]
    # dealt to the batch with the fewest bytes so far: 400 and 500 land in different batches
    assert [list(map(size, r)) for r in _rounds(todo, 2)] == [[910, 710]]
    even = _fake_sources([100] * 12, tmp_path / "even")
    assert [list(map(len, r)) for r in _rounds(even, 1)] == [[10], [2]]  # 1,000 bytes a batch
    assert [list(map(len, r)) for r in _rounds(even, 2)] == [[6, 6]]  # one batch a worker
    small = _fake_sources([40] * 3, tmp_path / "small")
    assert [list(map(len, r)) for r in _rounds(small, 2)] == [[3]]  # at least 100 bytes a batch
    monkeypatch.setattr(build_module, "BATCH", 3)
    assert max(len(b) for r in _rounds(todo, 2) for b in r) == 3


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
