"""Which of several rules can match a text, found in one pass: each rule lists words one of
which is in every text it matches, so a text holding none of a rule's words skips that rule."""

from __future__ import annotations

import re
from collections.abc import Sequence
from re import _parser  # type: ignore[attr-defined]

from ahocorasick_rs import AhoCorasick, Implementation


class Prefilter:
    """The rules (numbered in order) that may match a text, by one Aho–Corasick pass over it for
    every rule's words: cheaper than trying each rule, or a quick test per rule, on every text."""

    def __init__(self, needs: Sequence[Sequence[str]]) -> None:
        words = sorted({w for rule in needs for w in rule})
        number = {w: i for i, w in enumerate(words)}
        self.bits = [0] * len(words)  # word -> the rules that need it, as bits
        for rule, rule_words in enumerate(needs):
            for w in rule_words:
                self.bits[number[w]] |= 1 << rule
        self.always = sum(1 << rule for rule, rule_words in enumerate(needs) if not rule_words)
        # a DFA: a little more memory for a few hundred words, the fastest pass over each text
        self.words = AhoCorasick(words, implementation=Implementation.DFA) if words else None

    def mask(self, text: str) -> int:
        """The rules that may match `text` as bits (rule i: bit i; `ones` lists them): those
        without words, and those with a word in it. Bits, not sets: a text's words cost an or."""
        found = self.always
        if self.words is not None:
            for w, _, _ in self.words.find_matches_as_indexes(text, overlapping=True):
                found |= self.bits[w]
        return found


def ones(mask: int) -> list[int]:
    """The set bits of `mask`, lowest first: the rules of a `Prefilter.mask`, in order."""
    found = []
    while mask:
        low = mask & -mask
        found.append(low.bit_length() - 1)
        mask ^= low
    return found


def literal_run(pattern: str) -> str:
    """The longest run of plain characters every match of a regular expression holds (among its
    top-level items), "" when there is none: a word for a rule's list of needs."""
    parsed = _parser.parse(pattern)
    if parsed.state.flags & re.IGNORECASE:
        return ""
    best = run = ""
    for op, av in parsed:
        run = run + chr(av) if op is _parser.LITERAL else ""
        best = max(best, run, key=len)
    return best
