"""Distinct values of a batch's rows, and per-value results spread back over the rows.

Sentences recur across reports, so a stage analyses each distinct text once and then gives
every sentence the results of its text; both steps run in C for a whole batch.
"""

from __future__ import annotations

from collections.abc import Hashable

import numpy as np


def distinct_values(values: list[Hashable]) -> tuple[np.ndarray, list[Hashable]]:
    """Per value the number of its distinct value, and the distinct values in that order.

    Numbers follow first appearance. Dicts do it in C; for Python strings they beat pandas'
    factorize, which first encodes every string to UTF-8.
    """
    uniques = list(dict.fromkeys(values))
    number = {value: i for i, value in enumerate(uniques)}
    codes = np.fromiter(map(number.__getitem__, values), dtype=np.intp, count=len(values))
    return codes, uniques


def repeated(codes: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Spread a flat list of items, `counts[k]` per distinct value k in turn, over the rows.

    Row i holds the items of its value codes[i]. Returns, for every item of every row in row
    order, the row and the item's index in the flat list, computed in C for a whole batch.
    """
    per_row = counts[codes]
    rows = np.repeat(np.arange(len(codes)), per_row)
    row_begins = np.cumsum(per_row) - per_row
    flat_begins = np.cumsum(counts) - counts
    items = np.arange(len(rows)) + np.repeat(flat_begins[codes] - row_begins, per_row)
    return rows, items
