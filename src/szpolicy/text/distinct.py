"""The build's speed machinery in one place: per-text caches, distinct values of a batch's
rows, and per-value results spread back over the rows.

Sentences recur across reports, so a stage analyses each distinct text once (`per_text`
remembers it across batches, `distinct_values` finds a batch's) and then gives every sentence
the results of its text (`spread`); both steps run in C for a whole batch.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from functools import lru_cache
from itertools import count
from typing import TypeVar

import numpy as np

# Sentences the per-text caches keep: a build batch's (up to 200 reports of ~100) with room, so
# the stages that each fold every sentence of a batch convert it once, not once per stage.
SENTENCES_CACHED = 1 << 16
F = TypeVar("F", bound=Callable)


def per_text(function: F) -> F:
    """`function` of a text (and other hashable arguments), its results kept for the last
    SENTENCES_CACHED texts: what every stage wraps its per-sentence analysis in."""
    return lru_cache(maxsize=SENTENCES_CACHED)(function)  # type: ignore[return-value]


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


def spread(codes: np.ndarray, found: Sequence[Sequence]) -> tuple[np.ndarray, np.ndarray]:
    """`repeated` for the results `found` in each distinct value (numbered by `codes`): the row
    and the index in the flat list of results of every result of every row."""
    return repeated(codes, np.fromiter(map(len, found), dtype=np.intp, count=len(found)))


def where_found(
    texts: list[str],
    function: Callable[[str], tuple],
    starts: Callable[[str], Iterable[int]],
    separator: str,
) -> list[tuple]:
    """`function` of each text in which `starts` (the start of each thing it finds in a text)
    finds something, () for the others: for a function that finds nothing, hence (), in a text
    without such things (most sentences), it spares their calls.

    `starts` runs once, on the texts joined by `separator`: a character that nothing found
    holds nor looks around at, so that it finds in each text what it finds in it alone.
    """
    whole = separator.join(texts)
    ends = np.cumsum(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) + 1)
    out: list[tuple] = [()] * len(texts)
    for i in np.unique(np.searchsorted(ends, list(starts(whole)), side="right")).tolist():
        out[i] = function(texts[i])
    return out


def unused_char(strings: Iterable[str]) -> str:
    """The first character from the line break on that none of the strings holds: texts joined
    by it can be searched at once for the strings, none found across two texts."""
    held = set().union(*strings)
    return next(c for c in map(chr, count(ord("\n"))) if c not in held)
