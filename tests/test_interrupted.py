"""A build killed midway (SIGKILL while it writes its staging folder) leaves the previous output
exactly as it was; the next successful build clears the staging folder it left behind."""

from __future__ import annotations

import hashlib
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from szpolicy.cli import main
from szpolicy.writer import STAGING_PREFIX

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
