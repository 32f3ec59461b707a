"""Read a processed table back, typed; apart from the build so reading needs none of its stages."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import SzpolicyError
from ..schema import TABLES, conform, dtypes
from . import paths


def load(name: str, folder: str | Path = paths.PROCESSED) -> pd.DataFrame:
    """A processed table as a typed DataFrame (CSV, or Parquet when built with --format parquet)."""
    if name not in TABLES:
        raise SzpolicyError(f"unknown table {name!r}; choose one of {', '.join(TABLES)}")
    folder = Path(folder)
    if (folder / f"{name}.csv").exists():
        df = pd.read_csv(
            folder / f"{name}.csv", dtype=dtypes(name), keep_default_na=False, na_values=[""]
        )
    elif (folder / f"{name}.parquet").exists():
        df = pd.read_parquet(folder / f"{name}.parquet")
    else:
        df = pd.read_parquet(folder / name)
    return conform(name, df)
