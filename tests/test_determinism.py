"""Identical datasets whatever the hash seed, locale, time zone, working directory and the
state of the process's per-text caches; and the output lands where the user said (relative
`--out` against the caller's folder, no `--out` in the project's data/processed, never in the
caller's folder)."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from szpolicy.pipeline.build import build

from .projects import SMALL, small_project


def snapshot(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def third_locale() -> str:
    """zh_TW.UTF-8 where the system has it, else POSIX (still a different setting)."""
    listed = subprocess.run(["locale", "-a"], capture_output=True, text=True).stdout.split()
    wanted = {name.lower().replace("-", ""): name for name in listed}
    return wanted.get("zh_tw.utf8", "POSIX")


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, tuple[Path, Path, subprocess.CompletedProcess]]:
    """Three builds of the seed and two national reports at once, each changing every setting
    from the others; the third builds a project copy listing just those in its manifest."""
    base = tmp_path_factory.mktemp("determinism").resolve()
    project = small_project(base / "project")  # found via SZPOLICY_ROOT
    files = [str(f) for f in SMALL]
    env = {k: v for k, v in os.environ.items() if k not in ("LANG", "LANGUAGE", "SZPOLICY_ROOT")}
    env.pop("LC_ALL", None)
    settings = {
        # name: (cwd, extra arguments, environment, where the output must land)
        "relative-out": (
            base / "caller-a",
            [*files, "--out", "out"],
            {"PYTHONHASHSEED": "0", "LANG": "C", "LC_ALL": "C", "TZ": "UTC"},
            base / "caller-a" / "out",
        ),
        "absolute-out": (
            base / "caller-b",
            [*files, "--out", str(base / "elsewhere" / "out")],
            {"PYTHONHASHSEED": "1", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TZ": "Asia/Shanghai"},
            base / "elsewhere" / "out",
        ),
        "default-out": (
            base / "caller-c",
            [],
            {
                "PYTHONHASHSEED": "random",
                "LANG": third_locale(),
                "LC_ALL": third_locale(),
                "TZ": "America/New_York",
                "SZPOLICY_ROOT": str(project),
            },
            project / "data" / "processed",
        ),
    }
    procs = {}
    for name, (cwd, args, extra, out) in settings.items():
        cwd.mkdir()
        cmd = [sys.executable, "-m", "szpolicy.cli", "build", *args]
        procs[name] = (cwd, out, subprocess.Popen(cmd, cwd=cwd, env=env | extra, **PIPES))
    done = {}
    for name, (cwd, out, proc) in procs.items():
        stdout, stderr = proc.communicate(timeout=180)
        done[name] = (
            cwd,
            out,
            subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr),
        )
    return done


PIPES = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "text": True}


@pytest.mark.parametrize("name", ["relative-out", "absolute-out", "default-out"])
def test_output_lands_where_the_user_said(runs, name) -> None:
    cwd, out, proc = runs[name]
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"szpolicy: wrote {out} (")
    assert (out / "datapackage.json").is_file()
    # nothing else written in the caller's folder
    assert list(cwd.iterdir()) == ([out] if name == "relative-out" else [])


def test_same_datasets_under_every_setting(runs) -> None:
    outputs = {name: snapshot(out) for name, (_, out, _) in runs.items()}
    reference = outputs.pop("relative-out")
    assert len(reference) == 12  # eleven tables and datapackage.json
    for name, files in outputs.items():
        assert files == reference, name


def test_a_build_in_a_warm_process_writes_what_fresh_processes_write(runs, tmp_path) -> None:
    """The second of two builds in this process finds every per-text cache warm from the first."""
    build(SMALL, out=tmp_path / "first")
    build(SMALL, out=tmp_path / "warm")
    reference = snapshot(runs["relative-out"][1])
    assert snapshot(tmp_path / "first") == snapshot(tmp_path / "warm") == reference
