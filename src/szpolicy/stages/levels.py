"""The levels of a report's headings: which numbered chain is the top level, as a reader sees
it from the whole report, and which the level below.

For each heading style the best chain of numbered headings (one, two, three …) is chosen, the
lists that restart at one inside a section being nested items; the first style in headings.yaml
(the rank of official documents: 一、 above （一） above 1.) whose chain no other style's chain
encloses is the level. Headings without numbers are found by layout where a report uses them.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from typing import NamedTuple

from ..io.read import Document
from .headings import CLAUSE_ENDS, Heading, Style, heading_score, match_heading
from .paragraphs import Paragraph, ended

UNNUMBERED_MAX_CHARS = 30  # a heading without a number is at most this long
# How much a chain of headings loses for each defect: a number skipped, a heading of its style
# that no nesting explains, a first number past one. A heading of its style before the first
# one costs what it is worth (a clear heading left in the introduction says the chain is wrong).
GAP_COST, UNEXPLAINED_COST, START_COST = 0.5, 1.0, 0.5
MIN_CHAIN_SCORE = 0.6
STRONG = 0.8  # headings at least this clear are sections even when misnumbered
CHAIN_LIMIT = 400  # candidates of one style past which chains are read in order, not weighed
# The style of headings without numbers: it matches no line and ranks below every style.
UNNUMBERED = Style("unnumbered", re.compile(r"(?!)"), 1 << 10, frozenset())


class Candidate(NamedTuple):
    """A paragraph that starts like a heading: its index, heading and how clearly it is one."""

    index: int
    heading: Heading
    score: float


def candidates(pars: list[Paragraph], lo: int, hi: int) -> list[Candidate]:
    """Paragraphs lo..hi-1 that start like headings and are not prose."""
    out = []
    for i in range(lo, hi):
        par = pars[i]
        if par.boilerplate:
            continue
        h = match_heading(par.lines[0].text)
        if h is not None:
            score = heading_score(par, h)
            if score > 0:
                out.append(Candidate(i, h, score))
    return out


def within(cands: list[Candidate], lo: int, hi: int) -> list[Candidate]:
    """The candidates of paragraphs lo..hi-1 among `cands` (in order, from a range holding
    them): `candidates(pars, lo, hi)`, as each paragraph is judged on its own."""
    return cands[bisect_left(cands, lo, key=_index) : bisect_left(cands, hi, key=_index)]


def _index(c: Candidate) -> int:
    return c.index


def _push(stack: list[int], number: int) -> bool:
    """Read one heading number into the open lists (`stack`: the last number of each, outermost
    first): it opens a list at one or continues the innermost list it follows. False when it
    does neither."""
    if number == 1:
        stack.append(1)
        return True
    for depth in range(len(stack) - 1, -1, -1):
        if stack[depth] == number - 1:
            del stack[depth + 1 :]
            stack[depth] = number
            return True
    return False


def unexplained(cands: list[Candidate], stack: list[int] | None = None) -> list[Candidate]:
    """Candidates (of one style, in order) that lists restarting at one cannot explain."""
    stack = [] if stack is None else stack
    return [c for c in cands if not _push(stack, c.heading.number)]


def _between(cands: list[Candidate]) -> list[list[int | None]]:
    """For each pair of candidates i < j (row i + 1; row 0 is the start, column n the end): how
    many candidates strictly between them no nesting explains, or None when j would rather
    continue the list nested just before it (一 … 五 nested in a section, then 六)."""
    n = len(cands)
    rows = []
    for i in range(-1, n):
        stack = [cands[i].heading.number] if i >= 0 else []
        left, row = 0, [None] * (n + 1)
        for j in range(i + 1, n + 1):
            blocked = j < n and len(stack) > 1 and stack[-1] == cands[j].heading.number - 1
            row[j] = None if blocked else left
            if j < n:
                left += not _push(stack, cands[j].heading.number)
        rows.append(row)
    return rows


def _best_chain(cands: list[Candidate], floor: float) -> tuple[float, list[Candidate]]:
    """The chain of one style's candidates at least `floor` clear (numbers rising in reading
    order) that reads best as a level: clear headings, few gaps, and every other candidate
    nested in one section. Past CHAIN_LIMIT candidates (no report has so many headings of one
    style), the numbers are read in order instead."""
    n = len(cands)
    if n > CHAIN_LIMIT:
        return _chain_in_order(cands, floor)
    between = _between(cands)
    best: list[float] = [float("-inf")] * n
    back: list[int] = [-1] * n
    before = 0.0  # the worth of the candidates before j
    for j, c in enumerate(cands):
        before += cands[j - 1].score if j else 0.0
        if c.score < floor:
            continue
        k = c.heading.number
        if between[0][j] is not None:
            best[j] = (
                c.score - START_COST * max(k - 1, 0) - before - UNEXPLAINED_COST * between[0][j]
            )
        for i in range(j):
            step, left = k - cands[i].heading.number, between[i + 1][j]
            if step <= 0 or left is None or best[i] == float("-inf"):
                continue
            value = best[i] + c.score - GAP_COST * (step - 1) - UNEXPLAINED_COST * left
            if value > best[j]:
                best[j], back[j] = value, i
    totals = [best[j] - UNEXPLAINED_COST * (between[j + 1][n] or 0) for j in range(n)]
    last = max(range(n), key=lambda j: (totals[j], -j), default=-1)
    if last < 0 or totals[last] == float("-inf"):
        return 0.0, []
    score, chain = totals[last], []
    while last >= 0:
        chain.append(cands[last])
        last = back[last]
    return score, chain[::-1]


def _chain_in_order(cands: list[Candidate], floor: float) -> tuple[float, list[Candidate]]:
    """The headings numbered one, two, three … as they come, for inputs too large to weigh."""
    chain: list[Candidate] = []
    for c in cands:
        if c.score >= floor and c.heading.number == (chain[-1].heading.number + 1 if chain else 1):
            chain.append(c)
    return sum(c.score for c in chain), chain


def encloses(outer: list[Candidate], inner: list[Candidate]) -> bool:
    """Whether all of `inner` lies in one section of `outer` (after one heading of it, before
    the next): `inner` is then nested in that section."""
    cuts = [c.index for c in outer]
    slots = {bisect_left(cuts, c.index) for c in inner}
    return len(slots) == 1 and 0 not in slots


def level(cands: list[Candidate], floor: float = 0.0) -> list[Candidate]:
    """The headings of the highest level among candidates (the sections of a part, or the
    sub-sections of a section): the best chain, at least `floor` clear, of the first style in
    headings.yaml (一、 before （一） before 1., as official documents rank them) whose chain
    no other style's chain encloses; with the misnumbered clear headings of that style."""
    by_style: dict[Style, list[Candidate]] = {}
    for c in cands:
        by_style.setdefault(c.heading.style, []).append(c)
    chains = {}
    for style, group in by_style.items():
        score, chain = _best_chain(group, floor)
        if chain and score >= MIN_CHAIN_SCORE and (len(chain) > 1 or chain[0].heading.number == 1):
            chains[style] = (score, chain)
    free = [
        s
        for s, (_, chain) in chains.items()
        if not any(t is not s and encloses(other, chain) for t, (_, other) in chains.items())
    ]
    if not free:
        return []
    top = min(free, key=lambda s: s.rank)
    chain = chains[top][1]
    return _with_misnumbered(chain, by_style[top])


def _with_misnumbered(chain: list[Candidate], group: list[Candidate]) -> list[Candidate]:
    """The chain plus clear headings of its style that no nesting explains (a repeated or
    out-of-order number): a reader still sees them as sections."""
    cuts = [c.index for c in chain]
    in_chain = set(cuts)
    sections: dict[int, list[Candidate]] = {}
    for c in group:
        slot = bisect_left(cuts, c.index)
        if c.index not in in_chain and slot > 0:
            sections.setdefault(slot, []).append(c)
    extra = [c for inside in sections.values() for c in unexplained(inside) if c.score >= STRONG]
    return sorted([*chain, *extra], key=lambda c: c.index)


def unnumbered(doc: Document, pars: list[Paragraph], lo: int, hi: int) -> list[Candidate]:
    """Headings without numbers, found by layout where a report has no numbered ones: short
    unended lines that stand apart from the body paragraphs (not indented where they are, or
    after more blank lines than they are), each followed by two body paragraphs or more (so a
    title and its date line are none), the report's first line (its title) never, nor that
    line repeated (a page's title over the article's own); at least two, or none."""
    layout = []
    first_line = next((par.text for par in pars if not par.boilerplate), None)
    for i in range(lo, hi):
        par = pars[i]
        if par.boilerplate:
            continue
        line = par.lines[0]
        before = line.no - pars[i - 1].lines[-1].no - 1 if i > 0 else 0
        indented = line.start > 0 and doc.text[line.start - 1] not in "\r\n"
        title = par.text != first_line and len(par.lines) == 1
        if title and (
            len(par.text) > UNNUMBERED_MAX_CHARS
            or ended(par.text)
            or par.text[-1] in CLAUSE_ENDS
            or match_heading(par.text)
        ):
            title = False
        layout.append((i, title, indented, before))
    body = [(indented, before) for _, title, indented, before in layout if not title]
    if not body:
        return []
    indent_share = sum(indented for indented, _ in body) / len(body)
    usual_gap = sorted(before for _, before in body)[len(body) // 2]
    found = [
        i
        for i, title, indented, before in layout
        if title and ((indent_share > 0.5 and not indented) or before > usual_gap)
    ]
    body_after = [
        sum(not pars[j].boilerplate for j in range(i + 1, nxt))
        for i, nxt in zip(found, [*found[1:], hi], strict=False)
    ]
    found = [i for i, n in zip(found, body_after, strict=True) if n >= 2]  # not a title block
    if len(found) < 2:
        return []
    return [Candidate(i, Heading(UNNUMBERED, k, "", 0), 1.0) for k, i in enumerate(found, 1)]
