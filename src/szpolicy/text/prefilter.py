"""Which of several rules can match a text, found in one pass: each rule lists words one of
which is in every text it matches, so a text holding none of a rule's words skips that rule."""

from __future__ import annotations

import re
from collections.abc import Sequence
from re import _parser  # type: ignore[attr-defined]

from ahocorasick_rs import AhoCorasick


class Prefilter:
    """The rules (numbered in order) that may match a text, by one Aho–Corasick pass over it for
    every rule's words: cheaper than trying each rule, or a quick test per rule, on every text."""

    def __init__(self, needs: Sequence[Sequence[str]]) -> None:
        words = sorted({w for rule in needs for w in rule})
        number = {w: i for i, w in enumerate(words)}
        rules_of: list[set[int]] = [set() for _ in words]
        for rule, rule_words in enumerate(needs):
            for w in rule_words:
                rules_of[number[w]].add(rule)
        self.always = frozenset(rule for rule, rule_words in enumerate(needs) if not rule_words)
        self.rules_of = [frozenset(rules) for rules in rules_of]
        self.words = AhoCorasick(words) if words else None

    def candidates(self, text: str) -> set[int]:
        """The rules that may match `text`: those without words, and those with a word in it."""
        found = set(self.always)
        if self.words is not None:
            seen = {w for w, _, _ in self.words.find_matches_as_indexes(text, overlapping=True)}
            for w in seen:
                found |= self.rules_of[w]
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
