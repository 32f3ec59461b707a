"""Project contracts: lint-clean code, pins that agree, a valid citation file, a README contract."""

from __future__ import annotations

import re
import subprocess
import sys

import yaml

from szpolicy.io import paths

LINTED = ["src", "tests", "benchmarks", "notebooks", "tasks.py"]


def test_ruff_is_clean():
    for args in (["check"], ["format", "--check"]):
        proc = subprocess.run(
            [sys.executable, "-m", "ruff", *args, *LINTED],
            cwd=paths.ROOT,
            capture_output=True,
            text=True,
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr


def test_environment_yml_has_the_lock_pins():
    lock = {
        line.strip()
        for line in (paths.ROOT / "requirements.lock").read_text().splitlines()
        if line and not line.startswith("#")
    }
    env = yaml.safe_load((paths.ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert {p for p in pip if "==" in p} == lock
    assert all(re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[\w.+!]+", pin) for pin in lock)


def test_citation_file_is_valid():
    cff = yaml.safe_load((paths.ROOT / "CITATION.cff").read_text())
    assert cff["cff-version"] == "1.2.0"
    assert {"title", "authors", "message", "version", "license"} <= set(cff)


def test_ci_runs_the_readme_test_command():
    readme = (paths.ROOT / "README.md").read_text()
    blocks = re.findall(r"```\n(.*?)```", readme, re.S)
    assert "python3 tasks.py reproduce\n" in blocks
    assert "python3 tasks.py test\n" in blocks
    assert "python3 tasks.py test" in (paths.ROOT / ".ci" / "run").read_text()
