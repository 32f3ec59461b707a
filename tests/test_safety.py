"""Safety: the package never unpickles what it did not write, never loads YAML unsafely, never
evaluates strings."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import szpolicy

SRC = Path(szpolicy.__file__).parent
FORBIDDEN = {
    "pickle (and pandas read_pickle/to_pickle)": re.compile(r"pickle"),
    "yaml.load (use yaml.safe_load)": re.compile(r"yaml\s*\.\s*(load|unsafe_load|full_load)\s*\("),
    "a YAML loader that builds objects": re.compile(r"\b(Unsafe|Full)?Loader\b(?<!SafeLoader)"),
    "eval()": re.compile(r"(?<![\w.])eval\s*\("),
    "exec()": re.compile(r"(?<![\w.])exec\s*\("),
    "a shell command": re.compile(r"shell\s*=\s*True|os\.system\s*\(|os\.popen\s*\("),
}
SOURCES = sorted(SRC.rglob("*.py"))
# The one reasoned exception: a build's workers hand their results to the main process as pickle
# files that they wrote themselves, in the build's staging folder (mkdtemp: the user's alone).
ALLOWED = {("pickle (and pandas read_pickle/to_pickle)", "szpolicy/pipeline/workers.py")}


def test_the_scan_sees_the_package() -> None:
    names = {p.name for p in SOURCES}
    assert {"read.py", "structure.py", "build.py", "writer.py", "lexicon.py"} <= names


@pytest.mark.parametrize("rule", FORBIDDEN)
def test_no_unsafe_calls_in_src(rule: str) -> None:
    pattern = FORBIDDEN[rule]
    hits = [
        f"{path.relative_to(SRC.parent)}:{no}: {line.strip()}"
        for path in SOURCES
        if (rule, path.relative_to(SRC.parent).as_posix()) not in ALLOWED
        for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if pattern.search(line)
    ]
    assert not hits, f"{rule} found:\n" + "\n".join(hits)


@pytest.mark.parametrize(
    ("rule", "line"),
    [
        ("pickle (and pandas read_pickle/to_pickle)", "df.to_pickle(path)"),
        ("yaml.load (use yaml.safe_load)", "data = yaml.load(text, Loader=yaml.Loader)"),
        ("a YAML loader that builds objects", "yaml.load(text, Loader=FullLoader)"),
        ("eval()", "value = eval(expr)"),
        ("exec()", "exec(code, {})"),
        ("a shell command", "subprocess.run(cmd, shell=True)"),
    ],
)
def test_the_scan_catches_each_pattern(rule: str, line: str) -> None:
    assert FORBIDDEN[rule].search(line)


@pytest.mark.parametrize(
    "line", ["yaml.safe_load(text)", "ast.literal_eval(s)", "df.eval('a + b')", "model.eval()"]
)
def test_the_scan_allows_safe_lookalikes(line: str) -> None:
    assert not any(pattern.search(line) for pattern in FORBIDDEN.values())


def test_worker_results_are_private_files(tmp_path: Path) -> None:
    """The exception's ground: a worker's result file is its owner's alone, and read once."""
    from szpolicy.pipeline.workers import _into_file, _out_of_file

    path = _into_file(tmp_path, sorted, [3, 1, 2])
    assert path.parent == tmp_path and path.stat().st_mode & 0o077 == 0
    assert _out_of_file(path) == [1, 2, 3] and not path.exists()
