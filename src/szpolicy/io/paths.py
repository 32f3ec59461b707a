"""Project paths in one place, resolved from the package, never from the caller's directory."""

from __future__ import annotations

import os
from pathlib import Path


def project_root() -> Path:
    """The checkout the package lives in (override with SZPOLICY_ROOT for an installed copy)."""
    env = os.environ.get("SZPOLICY_ROOT")
    if env:
        return Path(env).resolve()
    return Path(__file__).resolve().parents[3]


ROOT = project_root()
RAW = ROOT / "data" / "raw"
MANIFEST = RAW / "manifest.csv"
PROCESSED = ROOT / "data" / "processed"
NOTEBOOKS = ROOT / "notebooks"
SANITIZE = NOTEBOOKS / "nbval-sanitize.cfg"
REPORTS = ROOT / "reports"
