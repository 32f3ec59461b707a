"""The package's layout: which parts of the library the build and the notebooks depend on."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

from szpolicy.io import paths


def test_the_build_and_verify_import_no_analysis_and_no_notebook_parameters() -> None:
    """Nor does `verify` until it checks notebooks: the Jupyter stack costs 1.5 s of start-up."""
    code = (
        "import sys, szpolicy.pipeline.build, szpolicy.pipeline.verify, szpolicy.cli\n"
        "print(sorted(m for m in sys.modules if m.startswith(('szpolicy.analysis', "
        "'szpolicy.parameters', 'szpolicy.notebooks'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_build_imports_no_test_dependency(tmp_path: Path) -> None:
    """hypothesis and cn2an (the numeral readers' test oracle) are test dependencies: a build,
    validation included, loads neither."""
    seed = next(paths.RAW.glob("000_*.txt"))
    code = (
        "import sys\nfrom szpolicy.cli import main\n"
        f"sys.argv = ['szpolicy', 'build', {str(seed)!r}, '--out', {str(tmp_path / 'out')!r}]\n"
        "main()\nprint(sorted(m for m in ('hypothesis', 'cn2an') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert (tmp_path / "out" / "reports.csv").is_file()
    assert out.stdout.strip().splitlines()[-1] == "[]"


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
