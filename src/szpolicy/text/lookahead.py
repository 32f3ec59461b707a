"""A first-character lookahead for regular expressions that Python's engine cannot skip through.

Python's `re` finds a match's start quickly only when the pattern begins with a literal or a
character class; a pattern that begins with a choice of lookbehinds, optional words or numerals
is tried in full at every position. Prefixing `(?=[chars])`, the characters a match can begin
with (read from the parsed pattern), rejects most positions in one test and finds the same
matches. Under re.IGNORECASE the class is read in any case too, and the engine cannot skip to a
letter either. The parser is Python's own (re._parser, as in 3.11 and 3.12).

`any_of` joins many patterns, such as a rule file's list, into a few whose searches tell
whether any of them is found: one pass over the text instead of one a pattern.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from re import _parser  # type: ignore[attr-defined]

Ranges = list[tuple[int, int]]
ZERO_WIDTH = (_parser.AT, _parser.ASSERT, _parser.ASSERT_NOT)
REPEATS = (_parser.MAX_REPEAT, _parser.MIN_REPEAT, _parser.POSSESSIVE_REPEAT)


class _AnyChar(Exception):
    """Raised when a match may begin with any character (or with nothing)."""


def with_lookahead(pattern: str, flags: int = 0) -> str:
    """`pattern`, to be compiled with `flags`, prefixed with a lookahead for the characters a
    match can begin with when the engine cannot skip to them itself; unchanged when it can,
    when any character may start a match (or the match may be empty), or when the pattern
    sets flags."""
    parsed = _parser.parse(pattern)
    if parsed.state.flags & ~re.UNICODE or _skippable(parsed, bool(flags & re.IGNORECASE)):
        return pattern  # (?x) cannot be wrapped
    first = _first_ranges(parsed)
    return f"(?=[{_charset(first)}])(?:{pattern})" if first else pattern


def any_of(patterns: Sequence[str], flags: int = 0) -> tuple[re.Pattern, ...]:
    """Regexes, compiled with `flags`, one of which is found in a text exactly when one of
    `patterns` is: those anchored at the start (^…) joined behind one more ^ (the engine then
    tries the start only), those whose first characters are known joined behind one
    lookahead, the others joined as they are; a pattern that sets flags, names a group (two
    might name one alike) or refers to one stays alone."""
    anchored, bounded, other, alone = [], [], [], []
    first: Ranges = []  # the characters the bounded ones begin with
    for pattern in patterns:
        parsed = _parser.parse(pattern)
        if parsed.state.flags & ~re.UNICODE or parsed.state.groupdict or _refers(parsed):
            alone.append(pattern)
        elif len(parsed) and parsed[0] == (_parser.AT, _parser.AT_BEGINNING):
            anchored.append(pattern)
        elif ranges := _first_ranges(parsed):
            bounded.append(pattern)
            first += ranges
        else:
            other.append(pattern)
    joined = [
        f"^(?:{_joined(anchored)})" if anchored else "",
        with_lookahead(bounded[0], flags) if len(bounded) == 1 else "",
        f"(?=[{_charset(first)}])(?:{_joined(bounded)})" if len(bounded) > 1 else "",
        _joined(other),
        *alone,
    ]
    return tuple(re.compile(p, flags) for p in joined if p)


def _joined(patterns: list[str]) -> str:
    """The patterns as one choice (each in its own group: a choice in one stays inside it)."""
    return "|".join(f"(?:{p})" for p in patterns)


def _refers(items: object) -> bool:
    """Whether a parsed pattern refers to a group (\\1, (?P=name), (?(1)…)), which another
    pattern's groups before it would renumber."""
    return any(
        op in (_parser.GROUPREF, _parser.GROUPREF_EXISTS) or any(map(_refers, _nested(av)))
        for op, av in items
    )


def _nested(av: object) -> list:
    """The parsed sub-patterns held by an item's argument (a group's, a repeat's, a choice's)."""
    if isinstance(av, _parser.SubPattern):
        return [av]
    if isinstance(av, (list, tuple)):
        return [sub for x in av for sub in _nested(x)]
    return []


def _first_ranges(parsed: object) -> Ranges:
    """The code point ranges a match can begin with; none when any character may begin one,
    or the match may be empty."""
    try:
        ranges, nullable = _first(parsed)
    except _AnyChar:
        return []
    return [] if nullable else ranges


def _skippable(parsed: object, ignorecase: bool) -> bool:
    """Whether the engine finds starts itself, or the pattern has its own lookahead: it begins
    with a literal, a class, a choice of literals (as re's _compiler looks for a prefix; in any
    case only when they are characters without case), an anchor (^ is tried at the start
    only), or a lookahead."""
    op, av = parsed[0] if len(parsed) else (None, None)
    while op is _parser.SUBPATTERN and len(av[3]):
        op, av = av[3][0]
    if op is _parser.AT or (op is _parser.ASSERT and av[0] == 1):
        return True
    if op is _parser.IN:
        return not ignorecase
    if op is _parser.BRANCH:
        return all(len(b) and _uncased_literal(*b[0], ignorecase) for b in av[1])
    return _uncased_literal(op, av, ignorecase)


def _uncased_literal(op: object, av: object, ignorecase: bool) -> bool:
    """Whether an item is a literal the engine can skip to: any, or under re.IGNORECASE one
    without case (a Chinese character, a digit)."""
    return op is _parser.LITERAL and not (ignorecase and chr(av).lower() != chr(av).upper())


def _first(items: object) -> tuple[Ranges, bool]:
    """The code point ranges a sequence's match can begin with, and whether it can be empty."""
    ranges: Ranges = []
    for op, av in items:
        here, nullable = _first_of(op, av)
        ranges += here
        if not nullable:
            return ranges, False
    return ranges, True


def _first_of(op: object, av: object) -> tuple[Ranges, bool]:
    """The first-character ranges of one parsed item, and whether it can match nothing."""
    if op is _parser.LITERAL:
        return [(av, av)], False
    if op is _parser.IN:
        return _class_ranges(av), False
    if op in ZERO_WIDTH:
        return [], True
    if op is _parser.SUBPATTERN:
        if av[1] or av[2]:  # inline flags (?i:...) change what a character matches
            raise _AnyChar
        return _first(av[3])
    if op is _parser.ATOMIC_GROUP:
        return _first(av)
    if op is _parser.BRANCH:
        found = [_first(branch) for branch in av[1]]
        return [r for ranges, _ in found for r in ranges], any(n for _, n in found)
    if op in REPEATS:
        ranges, nullable = _first(av[2])
        return ranges, nullable or av[0] == 0
    raise _AnyChar  # ANY, NOT_LITERAL, a category, a group reference: not worth bounding


def _class_ranges(items: object) -> Ranges:
    """The code point ranges of a character class without negation or categories."""
    ranges: Ranges = []
    for op, av in items:
        if op is _parser.LITERAL:
            ranges.append((av, av))
        elif op is _parser.RANGE:
            ranges.append(av)
        else:  # NEGATE, CATEGORY (\d, \s): leave the pattern as it is
            raise _AnyChar
    return ranges


def _charset(ranges: Ranges) -> str:
    """A character class body for the ranges."""
    return "".join(
        re.escape(chr(lo)) if lo == hi else f"{re.escape(chr(lo))}-{re.escape(chr(hi))}"
        for lo, hi in sorted(set(ranges))
    )
