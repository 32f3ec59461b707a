"""Safety: the package never unpickles, never loads YAML unsafely, never evaluates strings."""

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


def test_the_scan_sees_the_package() -> None:
    names = {p.name for p in SOURCES}
    assert {"read.py", "structure.py", "build.py", "writer.py", "lexicon.py"} <= names


@pytest.mark.parametrize("rule", FORBIDDEN)
def test_no_unsafe_calls_in_src(rule: str) -> None:
    pattern = FORBIDDEN[rule]
    hits = [
        f"{path.relative_to(SRC.parent)}:{no}: {line.strip()}"
        for path in SOURCES
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
