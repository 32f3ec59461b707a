#!/usr/bin/env python3
"""Set up the pinned environment and run the project's jobs: `python3 tasks.py reproduce|test|lock`.

Only the standard library is used here, so the script runs on a fresh Python 3.11.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
LOCK = ROOT / "requirements.lock"
STAMP = VENV / ".szpolicy-installed"
USAGE = """usage: python3 tasks.py TASK [ARGS ...]

tasks:
  setup      create .venv with the locked dependencies and the project (once)
  reproduce  set up, build data/processed/ and run every notebook into reports/
             (ARGS go to `szpolicy reproduce`, e.g. --jobs 2)
  test       set up and run the tests (ARGS go to pytest)
  lock       rewrite requirements.lock and environment.yml from .venv
  --help     show this message"""


def _run(*cmd: str | Path) -> None:
    print("+", " ".join(map(str, cmd)), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, cwd=ROOT)


def _step(message: str) -> None:
    print(f"tasks.py: {message}", flush=True)


def setup() -> None:
    """Create .venv and install the locked dependencies, the project and its Jupyter kernel
    (`szpolicy (Python 3.11)`), unless already done."""
    if sys.version_info[:2] != (3, 11):
        sys.exit(f"tasks.py: Python 3.11 is required, this is {sys.version.split()[0]}")
    digest = hashlib.sha256(LOCK.read_bytes() + (ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == digest:
        return
    if not (BIN / "python").exists():
        _step(f"creating the virtual environment {VENV}")
        venv.create(VENV, with_pip=True)
    pins = sum(1 for line in LOCK.read_text().splitlines() if "==" in line)
    _step(f"installing {pins} pinned packages from {LOCK.name} (a few minutes the first time)")
    _run(BIN / "python", "-m", "pip", "install", "--no-deps", "--progress-bar", "off", "-r", LOCK)
    _step("installing the szpolicy package itself (editable)")
    _run(
        BIN / "python",
        "-m",
        "pip",
        "install",
        "--quiet",
        "--no-deps",
        "--no-build-isolation",
        "-e",
        ".",
    )
    _step("installing the Jupyter kernels python3 (papermill) and szpolicy (JupyterLab)")
    _run(BIN / "python", "-m", "ipykernel", "install", "--sys-prefix", "--name", "python3")
    _run(
        BIN / "python",
        "-m",
        "ipykernel",
        "install",
        "--sys-prefix",
        "--name",
        "szpolicy",
        "--display-name",
        "szpolicy (Python 3.11)",
    )
    # matplotlib says "building the font cache" once per machine: here, not in a notebook's output
    _step("building matplotlib's font cache")
    _run(BIN / "python", "-c", "import matplotlib.font_manager")
    # the tagger's store of jieba's dictionary (about 2 s, once per machine and jieba version)
    _step("building the tagger's dictionary store")
    _run(BIN / "python", "-c", "from szpolicy.text.dictionary import load; load()")
    STAMP.write_text(digest)
    _step("environment ready")


def lock() -> None:
    """Rewrite requirements.lock and environment.yml from what .venv holds (after an upgrade)."""
    frozen = subprocess.run(
        [
            BIN / "python",
            "-m",
            "pip",
            "freeze",
            "--all",
            "--exclude-editable",
            "--exclude",
            "szpolicy",
            "--exclude",
            "pip",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    unpinned = [line for line in frozen.splitlines() if " @ " in line]
    if unpinned:  # installed from a file or URL: a fresh machine could not install the lock
        sys.exit("tasks.py: reinstall from PyPI before locking: " + "; ".join(unpinned))
    pins = sorted((line for line in frozen.splitlines() if "==" in line), key=str.lower)
    LOCK.write_text(
        "# Every dependency, pinned; regenerate with `python3 tasks.py lock`.\n"
        + "\n".join(pins)
        + "\n"
    )
    env = [
        "name: szpolicy",
        "channels:",
        "  - conda-forge",
        "dependencies:",
        "  - python=3.11",
        "  - pip",
        "  - pip:",
    ]
    env += [f"      - {pin}" for pin in pins] + ["      - -e ."]
    (ROOT / "environment.yml").write_text(
        "# Same pins as requirements.lock (written by `python3 tasks.py lock`).\n"
        + "\n".join(env)
        + "\n"
    )


def main() -> None:
    """Dispatch the task named on the command line."""
    task = sys.argv[1] if len(sys.argv) > 1 else "--help"
    extra = sys.argv[2:]
    if task in ("-h", "--help", "help"):
        print(USAGE)
        return
    if task == "lock":
        lock()
        return
    if task not in ("reproduce", "test", "setup"):
        print(f"tasks.py: unknown task {task!r}\n\n{USAGE}", file=sys.stderr)
        sys.exit(2)
    setup()
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    if task == "reproduce":
        cmd = [BIN / "szpolicy", "reproduce", *extra]
    elif task == "test":
        cmd = [BIN / "python", "-m", "pytest", *extra]
    else:
        return
    sys.exit(subprocess.run([str(c) for c in cmd], cwd=ROOT, env=env).returncode)


if __name__ == "__main__":
    main()
