"""Checks for notebook parameters: a wrong value stops the notebook with the allowed values."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from pathlib import Path

from .errors import SzpolicyError
from .io import paths
from .text.script import SCRIPTS

LABEL_SCRIPTS = (*SCRIPTS, "en")  # what chart labels may be written in


def check_choice(name: str, value: object, allowed: Iterable[object]) -> None:
    """Refuse a parameter value outside `allowed`, naming the parameter and the choices."""
    allowed = list(allowed)
    if value not in allowed:
        choices = ", ".join(map(repr, allowed))
        raise SzpolicyError(f"parameter {name}={value!r} is not allowed; choose one of: {choices}")


def check_type(name: str, value: object, kind: type | tuple[type, ...]) -> None:
    """Refuse a parameter of the wrong type (bool is not accepted where an int is asked for)."""
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
        wanted = " or ".join(k.__name__ for k in kinds)
        raise SzpolicyError(
            f"parameter {name}={value!r} has type {type(value).__name__}; expected {wanted}"
        )


def resolve_path(name: str, value: str | None, default: Path) -> Path:
    """A path parameter resolved against the project root (not the kernel's directory)."""
    if value is None:
        return default
    check_type(name, value, str)
    path = Path(value).expanduser()
    return (path if path.is_absolute() else paths.ROOT / path).resolve()


def scratch_dir() -> Path:
    """Where a notebook run without output_dir writes: not reports/, which only `szpolicy run`
    replaces (whole, when every notebook succeeded)."""
    return Path(tempfile.gettempdir()).resolve() / "szpolicy-scratch"


def shown(path: Path) -> str:
    """A path as a reader should see it: relative to the project root or $TMPDIR when inside."""
    path = path.resolve()
    for root, label in ((paths.ROOT, ""), (Path(tempfile.gettempdir()).resolve(), "$TMPDIR/")):
        if path.is_relative_to(root):
            return label + path.relative_to(root).as_posix()
    return str(path)


def check_common(
    report_id: str | None, script: str, output_dir: str | None, known_reports: Iterable[str]
) -> tuple[str, Path]:
    """Check the parameters every notebook shares; returns the report id and output folder."""
    known = sorted(known_reports)
    if report_id is None:
        report_id = known[0]
    check_choice("report_id", report_id, known)
    check_choice("script", script, LABEL_SCRIPTS)
    out = resolve_path("output_dir", output_dir, scratch_dir())
    out.mkdir(parents=True, exist_ok=True)
    return report_id, out
