"""The package's layout: which parts of the library the build and the notebooks depend on."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

from szpolicy.io import paths


@pytest.fixture(scope="module")
def after_a_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """A build of the seed by `szpolicy.cli.main` in a fresh process that has imported verify
    too: the output folder and the modules the process then holds (one process, two tests)."""
    seed = next(paths.RAW.glob("000_*.txt"))
    out = tmp_path_factory.mktemp("layout") / "out"
    code = (
        "import json, sys, szpolicy.pipeline.verify\nfrom szpolicy.cli import main\n"
        f"sys.argv = ['szpolicy', 'build', {str(seed)!r}, '--out', {str(out)!r}]\n"
        "main()\nprint(json.dumps(sorted(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return out, json.loads(done.stdout.strip().splitlines()[-1])


def test_the_build_and_verify_import_no_analysis_and_no_notebook_parameters(after_a_build) -> None:
    """Nor does `verify` until it checks notebooks: the Jupyter stack costs 1.5 s of start-up."""
    _, modules = after_a_build
    shunned = ("szpolicy.analysis", "szpolicy.parameters", "szpolicy.notebooks")
    assert [m for m in modules if m.startswith(shunned)] == []


def test_a_build_imports_no_test_dependency(after_a_build) -> None:
    """hypothesis and cn2an (the numeral readers' test oracle) are test dependencies: a build,
    validation included, loads neither."""
    out, modules = after_a_build
    assert (out / "reports.csv").is_file()
    assert [m for m in ("hypothesis", "cn2an") if m in modules] == []


def _imports(root: Path) -> dict[str, str]:
    """Top-level names of the absolute imports in the modules under `root`, each with the
    first module (relative to root) that imports it."""
    found: dict[str, str] = {}
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.split(".")[0], str(path.relative_to(root)))
    return found


def _name(requirement: str) -> str:
    """A requirement's distribution name, normalised (PEP 503)."""
    return re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9._-]+", requirement).group()).lower()


def test_every_third_party_import_is_a_declared_dependency() -> None:
    project = tomllib.loads((paths.ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    declared = {_name(r) for r in project["dependencies"]}
    optional = {_name(r) for reqs in project["optional-dependencies"].values() for r in reqs}
    providers = packages_distributions()
    missing = {}
    for name, module in _imports(paths.ROOT / "src" / "szpolicy").items():
        if name in sys.stdlib_module_names or name == "szpolicy":
            continue
        dists = {_name(d) for d in providers.get(name, [name])}
        allowed = declared | (optional if module == "pipeline/dask_engine.py" else set())
        if not dists & allowed:
            missing[name] = (module, sorted(dists))
    assert not missing, f"imported but not declared in pyproject.toml: {missing}"
