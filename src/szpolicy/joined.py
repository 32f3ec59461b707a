"""Many texts scanned as one string: joined by a character that no pattern holds, so one regex
call in C covers a batch's sentences, and each match is traced back to its text."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable
from itertools import accumulate, count


def separator(used: Iterable[str], refuse: Callable[[str], bool] = lambda c: False) -> str:
    """The first character from the line break on that none of `used` holds (nor `refuse`s)."""
    taken = set("".join(used))
    return next(c for c in map(chr, count(ord("\n"))) if c not in taken and not refuse(c))


def join(texts: list[str], sep: str) -> tuple[str, list[int]]:
    """The texts joined by `sep`, and the end of each in the joined string plus one."""
    return sep.join(texts), list(accumulate(len(text) + 1 for text in texts))


def locate(ends: list[int], pos: int) -> tuple[int, int]:
    """Which text (its index) holds position `pos` of the joined string, and where it starts."""
    i = bisect_right(ends, pos)
    return i, ends[i - 1] if i else 0
