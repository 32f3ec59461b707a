"""A build killed midway (SIGKILL while it writes its staging folder) leaves the previous output
exactly as it was; the next successful build clears the staging folder it left behind. SIGTERM
or Ctrl-C ends the build and its worker processes with a message, leaving the output as it was."""

from __future__ import annotations

import hashlib
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from szpolicy.cli import main
from szpolicy.io import paths
from szpolicy.io.writer import STAGING_PREFIX

from .conftest import SEED

COPIES = 2  # a second or so of work before the staging folder appears


def snapshot(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_killed_build_leaves_previous_output_intact(tmp_path: Path, capsys) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    for i in range(COPIES):
        shutil.copy(SEED, raw / f"copy_{i:02d}.txt")
    out = tmp_path / "processed"
    assert main(["build", str(SEED), "--out", str(out)]) == 0
    (out / "NOTES.md").write_text("kept by the user\n")
    before = snapshot(out)

    # Parquet, one partition per report: a longer write, so the kill lands inside it.
    argv = [sys.executable, "-m", "szpolicy.cli", "build", str(raw), "--out", str(out)]
    proc = subprocess.Popen([*argv, "--format", "parquet"], stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    staged: list[Path] = []
    while proc.poll() is None and time.monotonic() < deadline:
        staged = list(tmp_path.glob(f"{STAGING_PREFIX}*"))
        if staged:
            proc.send_signal(signal.SIGKILL)
            break
        time.sleep(0.001)
    proc.wait(timeout=30)
    stderr = proc.stderr.read().decode()
    proc.stderr.close()

    assert staged, f"the build ended (status {proc.returncode}) before it staged: {stderr}"
    assert proc.returncode == -signal.SIGKILL
    assert snapshot(out) == before
    assert list(tmp_path.glob(f"{STAGING_PREFIX}*")), "the killed build's staging folder"

    assert main(["build", str(SEED), "--out", str(out)]) == 0
    assert f"wrote {out}" in capsys.readouterr().out
    assert not list(tmp_path.glob(f"{STAGING_PREFIX}*"))
    # the same build as the first, so the folder matches its first state
    assert snapshot(out) == before


def children(pid: int) -> set[int]:
    """The live child processes of `pid` (Linux /proc)."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        found |= {int(c) for c in task.read_text().split()}
    return found


def alive(pid: int) -> bool:
    """Whether `pid` runs (a zombie waiting to be reaped does not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_ends_the_workers_and_keeps_previous_output(sig, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    # 1.4 MB in three batches: this process builds one while two workers build the others
    for i in range(8):
        shutil.copy(paths.RAW / "national_gwr" / "national_gwr_1955.txt", raw / f"r_{i:02d}.txt")
    out = tmp_path / "processed"
    shutil.copytree(paths.PROCESSED, out)
    before = snapshot(out)
    argv = [sys.executable, "-m", "szpolicy.cli", "build", str(raw), "--out", str(out)]
    proc = subprocess.Popen([*argv, "--jobs", "3"], stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    workers: set[int] = set()
    while proc.poll() is None and time.monotonic() < deadline and len(workers) < 2:
        workers = children(proc.pid)
        time.sleep(0.01)
    assert len(workers) == 2, "the build ended before its workers started"
    proc.send_signal(sig)
    _, stderr = proc.communicate(timeout=60)

    assert proc.returncode == 130, stderr
    assert stderr.strip().splitlines()[-1] == (
        "szpolicy: interrupted; the previous outputs are unchanged"
    )
    assert "Traceback" not in stderr
    deadline = time.monotonic() + 10
    while any(map(alive, workers)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(map(alive, workers))
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["processed", "raw"]
