"""A frame's rows as plain tuples, for the stages' Python loops over a batch's tables."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd


def records(df: pd.DataFrame, columns: Iterable[str]) -> zip:
    """The rows of some columns as plain tuples: column lists zipped, no namedtuples, no Series
    and no Arrow scalars (a loop over those costs several times more)."""
    return zip(*(df[c].tolist() for c in columns), strict=True)
