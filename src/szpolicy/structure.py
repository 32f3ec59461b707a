"""Cut a report into paragraphs, parts, sections and sentences; every offset indexes the text.

The top-level sections are found from the whole report, as a reader finds them: for each
heading style the best chain of numbered headings (one, two, three …) is chosen, the lists that
restart at one inside a section being nested items; the style whose chain no other style's
chain encloses gives the sections. Numbering a reader tolerates (a gap, a repeat) is recorded
as a Diagnostic, never refused.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import cache, lru_cache, partial
from importlib import resources
from typing import NamedTuple

import cn2an
import yaml

from .errors import Diagnostic, SzpolicyError
from .read import Document
from .script import SENTENCES_CACHED

BLANK = " \t\u3000\u00a0\ufeff\u200b"
ENDS = "。！？!?…"  # sentence-final punctuation
CLAUSE_ENDS = "；;，,、：:"  # a line ending so is a list item or runs on, not a title
CLOSERS = "」』”’）)】》〉\"'"  # closing quotes and brackets that stay with the sentence they close
# A sentence as (leading blanks, rest): the matches tile the text, so offsets can be summed.
SENTENCE = re.compile(rf"([{BLANK}]*)([^{ENDS}]*(?:[{ENDS}]+[{CLOSERS}]*|$))")
# A whole text as tokens, blanks between them skipped: a line break (group 1) or a sentence of
# one line, cut as SENTENCE cuts that line. A sentence starts at a non-blank and ends after its
# final punctuation and closing quotes (possessive `*+`: no backtracking in a line without
# them) or, lacking them, at the line's last non-blank.
_IN_LINE = rf"[^{ENDS}\r\n]"
_NON_BLANK = rf"[^{ENDS}{BLANK}\r\n]"
_END = rf"[{ENDS}]+[{CLOSERS}]*"
TOKEN = re.compile(
    rf"(\r\n|\r|\n)|{_NON_BLANK}(?:{_IN_LINE}*+{_END}|(?:{_IN_LINE}*{_NON_BLANK})?)|{_END}"
)
ENDED = re.compile(rf"{_END}$")  # a line that closes its last sentence
HEADING_LEAD = f"[{BLANK}]*"  # blanks that may precede a heading
CAPTION_MAX_CHARS = 60
TITLE_MAX_CHARS = 60  # a one-sentence paragraph up to this long, not ended, reads as a heading
SHORT_TITLE_CHARS = 40  # a heading that ends with 。 or runs into its body is this short
NOTICE_MAX_CHARS = 400
UNNUMBERED_MAX_CHARS = 30  # a heading without a number is at most this long
# Unnumbered headings are the top level over numbered ones that lie within one of their
# sections when there are at least this many (an opening and a closing line are not a level).
UNNUMBERED_OVER_NUMBERED = 3
CN_DIGITS = "〇零一二三四五六七八九"
FORMAL = str.maketrans("參", "叁")  # the Traditional formal three, which cn2an does not read
# How much a chain of headings loses for each defect: a number skipped, a heading of its style
# that no nesting explains, a first number past one. A heading of its style before the first
# one costs what it is worth (a clear heading left in the introduction says the chain is wrong).
GAP_COST, UNEXPLAINED_COST, START_COST = 0.5, 1.0, 0.5
MIN_CHAIN_SCORE = 0.6
STRONG = 0.8  # headings at least this clear are sections even when misnumbered
SUB_MIN = 0.4  # sub-headings must be at least this clear; weaker numbered lines are list items
CHAIN_LIMIT = 400  # candidates of one style past which chains are read in order, not weighed


class Line(NamedTuple):
    """One non-blank line: 1-based number, the offset and text without edge spaces, and the
    spans of its sentences.

    A named tuple, built three times faster than a frozen dataclass: reports have many lines.
    """

    no: int
    start: int
    text: str
    sentences: list[tuple[int, int]]


# Build a Line from a tuple, skipping the Python-level __new__ of named tuples: lines are many.
_new_line = partial(tuple.__new__, Line)


class Paragraph(NamedTuple):
    """Lines a reader takes as one paragraph, its raw text and its sentences as (start, end,
    line number); `boilerplate` marks web clutter."""

    lines: list[Line]
    text: str
    sentences: list[tuple[int, int, int]]
    boilerplate: bool


@dataclass(frozen=True)
class Style:
    """A heading style: its name, line-start regex, rank (its place in the priority order)
    and the styles of sections that make its own sections parts (第一部分 holding 一、 …)."""

    name: str
    regex: re.Pattern
    rank: int
    parts_over: frozenset[str]


@dataclass(frozen=True)
class Heading:
    """A line that starts like a heading."""

    style: Style
    number: int
    label: str
    end: int  # offset in the line where the heading's title starts


class Candidate(NamedTuple):
    """A paragraph that starts like a heading: its index, heading and how clearly it is one."""

    index: int
    heading: Heading
    score: float


@dataclass
class Structure:
    """Sections and sentences of one report, as rows ready for the tables, and the problems
    a reader should know about."""

    sections: list[dict] = field(default_factory=list)
    sentences: list[dict] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)


def _data(name: str) -> dict:
    return yaml.safe_load(resources.files("szpolicy.data").joinpath(name).read_text("utf-8"))


def _spec(name: str, keys: tuple[str, ...]) -> dict:
    """A rule file, refused with its name when a key is missing or a pattern does not compile."""
    spec = _data(name)
    missing = [k for k in keys if not isinstance(spec, dict) or k not in spec]
    if missing:
        raise SzpolicyError(f"{name} lacks {', '.join(missing)}", name)
    return spec


def _compile(pattern: str, name: str, flags: int = 0) -> re.Pattern:
    try:
        return re.compile(pattern, flags)
    except re.error as err:
        raise SzpolicyError(f"bad pattern {pattern!r}: {err}", name) from None


@cache
def heading_styles() -> tuple[Style, ...]:
    """Heading styles from the package's headings.yaml, in priority order."""
    spec = _spec("headings.yaml", ("numeral", "styles", "part_label"))
    return tuple(
        Style(
            s["name"],
            _compile(
                HEADING_LEAD + s["pattern"].replace("{numeral}", spec["numeral"]), "headings.yaml"
            ),
            rank,
            frozenset(s.get("parts_over", ())),
        )
        for rank, s in enumerate(spec["styles"])
    )


@cache
def _heading_regex() -> tuple[re.Pattern, dict[int, tuple[Style, int]]]:
    """All heading styles as one regex, so that a line takes one match call, not one a style.

    After the leading blanks, its alternatives are the styles' regexes as groups, tried in
    priority order; the second value maps the group of each (the match's last group) to its
    style and to the group of its number.
    """
    styles = heading_styles()
    alternatives = (
        f"(?P<s{s.rank}>"
        + s.regex.pattern.removeprefix(HEADING_LEAD).replace("(?P<num>", f"(?P<n{s.rank}>")
        + ")"
        for s in styles
    )
    regex = re.compile(HEADING_LEAD + "(?:" + "|".join(alternatives) + ")")
    groups = {regex.groupindex[f"s{s.rank}"]: (s, regex.groupindex[f"n{s.rank}"]) for s in styles}
    return regex, groups


@cache
def part_label() -> re.Pattern:
    """A line that opens a new part (附件, 附錄, 注释, 名词解释 …), from headings.yaml."""
    return _compile(_spec("headings.yaml", ("part_label",))["part_label"], "headings.yaml")


@cache
def boilerplate_rules() -> tuple[int, tuple[re.Pattern, ...], tuple[re.Pattern, ...]]:
    """From boilerplate.yaml: the longest clutter line, the line patterns, and the patterns of
    notices (licence boxes) that make a whole paragraph clutter."""
    spec = _spec("boilerplate.yaml", ("max_chars", "patterns", "notices"))
    return (
        spec["max_chars"],
        tuple(_compile(p, "boilerplate.yaml", re.I) for p in spec["patterns"]),
        tuple(_compile(p, "boilerplate.yaml", re.I) for p in spec["notices"]),
    )


def split_lines(text: str) -> list[Line]:
    """Non-blank lines with offsets of their content (edge spaces, line ends excluded) and their
    sentences, all from one regex pass over the text."""
    lines, no, spans = [], 1, []
    for m in TOKEN.finditer(text + "\n"):  # the added break closes the last line
        if m.lastindex is None:
            spans.append(m.span())
            continue
        if spans:
            start, end = spans[0][0], spans[-1][1]
            lines.append(_new_line((no, start, text[start:end], spans)))
            spans = []
        no += 1
    return lines


def split_sentences(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Sentence spans at sentence-final punctuation, closing quotes kept, edge spaces dropped."""
    spans, pos = [], offset
    for lead, rest in SENTENCE.findall(text):
        pos += len(lead)
        if rest:  # starts after the blanks, so only its end may need trimming
            spans.append((pos, pos + len(rest.rstrip(BLANK))))
        pos += len(rest)
    return spans


def is_boilerplate(line: str) -> bool:
    """Web-page clutter (share buttons, breadcrumbs, print links, footers): a short line that
    matches a clutter pattern."""
    return len(line) <= boilerplate_rules()[0] and _matches_clutter(line)


@lru_cache(maxsize=4096)
def _matches_clutter(line: str) -> bool:
    """Whether a clutter pattern is in the line (cached: sites repeat clutter on every page)."""
    return any(pattern.search(line) for pattern in boilerplate_rules()[1])


def is_notice(paragraph: str) -> bool:
    """A licence or transcription notice (本作品…公有领域, Public domain): clutter as a whole."""
    flat = re.sub(r"\s+", "", paragraph)
    return len(flat) <= NOTICE_MAX_CHARS and any(p.search(flat) for p in boilerplate_rules()[2])


def _blank_separated(lines: list[Line]) -> bool:
    """Whether the file separates paragraphs by blank lines (then a line break inside a
    paragraph is no paragraph end): most lines that end a sentence have a blank line after."""
    ended = [
        b.no - a.no > 1 for a, b in zip(lines, lines[1:], strict=False) if ENDED.search(a.text)
    ]
    return sum(ended) > 0 and 2 * sum(ended) >= len(ended)


def _continues(line: Line, nxt: Line, text: str) -> bool:
    """Whether `nxt` carries on `line`'s paragraph: right below it, `line` left unended, and
    `nxt` neither indented nor opening with a heading number."""
    if nxt.no != line.no + 1 or ENDED.search(line.text):
        return False
    indented = nxt.start > 0 and text[nxt.start - 1] not in "\r\n"
    return not indented and match_heading(nxt.text) is None


def paragraphs(text: str, lines: list[Line]) -> list[Paragraph]:
    """The report's paragraphs: each line, or in a file whose paragraphs are separated by blank
    lines, the lines that run on; a sentence running over a joined break is one sentence."""
    joined = _blank_separated(lines)
    out: list[Paragraph] = []
    group: list[Line] = []
    for i, line in enumerate(lines):
        group.append(line)
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        if (
            joined
            and nxt is not None
            and not is_boilerplate(line.text)
            and not is_boilerplate(nxt.text)
            and _continues(line, nxt, text)
        ):
            continue
        out.append(_paragraph(text, group))
        group = []
    return out


def _paragraph(text: str, lines: list[Line]) -> Paragraph:
    """One paragraph of lines; an unended last sentence of a line joins the next line's first."""
    sentences: list[tuple[int, int, int]] = []
    open_sentence = False
    for line in lines:
        for k, (start, end) in enumerate(line.sentences):
            if k == 0 and open_sentence:
                first, _, no = sentences.pop()
                sentences.append((first, end, no))
            else:
                sentences.append((start, end, line.no))
        open_sentence = not ENDED.search(line.text)
    raw = text[lines[0].start : lines[-1].start + len(lines[-1].text)]
    clutter = is_boilerplate(raw) if len(lines) == 1 else False
    return Paragraph(lines, raw, sentences, clutter or is_notice(raw))


@lru_cache(maxsize=SENTENCES_CACHED)
def match_heading(line: str) -> Heading | None:
    """The first heading style the line starts with, and its number (cached: each line is
    tried twice, and lines recur from report to report)."""
    regex, groups = _heading_regex()
    m = regex.match(line)
    if m is None:
        return None
    group = m.lastindex
    return _heading(group, m.group(groups[group][1]), m.end())


@cache
def _heading(group: int, label: str, end: int) -> Heading | None:
    """The heading that a match of a style's group, number label (三, 十二, 12) and end stands
    for, or None when the label is no number; headings reuse few of these, so cached."""
    number = label_number(label)
    if number is None:
        return None
    return Heading(_heading_regex()[1][group][0], number, label, end)


def label_number(label: str) -> int | None:
    """A heading label's number (三 → 3, 十二 → 12, １２ → 12), or None if it is none."""
    if label.isdecimal():
        return int(label)
    try:
        return int(cn2an.cn2an(label.translate(FORMAL), "smart"))
    except (ValueError, KeyError, IndexError):
        return None


def _label_of(number: int, like: str) -> str:
    """A number written as a label like `like` is (三 or 3), for messages."""
    return str(number) if like.isdecimal() else cn2an.an2cn(number)


def _looks_like_prose(rest: str, number: int) -> bool:
    """A heading number that opens prose: `三、四十年前` (a range: thirty or forty years) or
    numerals listed `一、二、三`; a year after it (`一、2021年`, `（一）一九五七年`) is a title."""
    m = re.match(r"[0-9０-９]+|[〇零一二三四五六七八九十百千两兩]+", rest)
    if m is None:
        return False
    token, after = m.group(), rest[m.end() : m.end() + 1]
    if after == "年" and len(token) >= 2 and all(c in CN_DIGITS or c.isdecimal() for c in token):
        return False  # a calendar year
    if after in "、，,":
        return True
    lead = label_number(token[0])
    return lead == number + 1


def heading_score(paragraph: Paragraph, heading: Heading) -> float:
    """How clearly a paragraph starting with a heading number is a heading: 1 a short title
    alone, 0.8 a short one-sentence title ended by 。, 0.4 a short title that runs into its
    body, 0.2 a long one or a list item ending with ；, 0 prose (`三、四十年前`)."""
    first_line = paragraph.lines[0].text
    if _looks_like_prose(first_line[heading.end :], heading.number):
        return 0.0
    start, end, _ = paragraph.sentences[0]
    title = end - start - heading.end
    if paragraph.text[-1] in CLAUSE_ENDS:  # 一、…企业； is an item of a list
        return 0.2
    if len(paragraph.sentences) == 1 and not ENDED.search(paragraph.text):
        return 1.0 if title <= TITLE_MAX_CHARS else 0.2
    if title <= SHORT_TITLE_CHARS:
        return 0.8 if len(paragraph.sentences) == 1 else 0.4
    return 0.2


def _candidates(pars: list[Paragraph], lo: int, hi: int) -> list[Candidate]:
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


def _unexplained(cands: list[Candidate], stack: list[int] | None = None) -> list[Candidate]:
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


def _encloses(outer: list[Candidate], inner: list[Candidate]) -> bool:
    """Whether all of `inner` lies in one section of `outer` (after one heading of it, before
    the next): `inner` is then nested in that section."""
    cuts = [c.index for c in outer]
    slots = {bisect_left(cuts, c.index) for c in inner}
    return len(slots) == 1 and 0 not in slots


def _level(cands: list[Candidate], floor: float = 0.0) -> list[Candidate]:
    """The headings of the top level among candidates: the best chain of the first style in
    headings.yaml (一、 before （一） before 1., as official documents rank them) whose chain
    no other style's chain encloses."""
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
        if not any(t is not s and _encloses(other, chain) for t, (_, other) in chains.items())
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
    extra = [c for inside in sections.values() for c in _unexplained(inside) if c.score >= STRONG]
    return sorted([*chain, *extra], key=lambda c: c.index)


UNNUMBERED = Style("unnumbered", re.compile(r"(?!)"), 1 << 10, frozenset())


def _unnumbered(doc: Document, pars: list[Paragraph], lo: int, hi: int) -> list[Candidate]:
    """Headings without numbers, found by layout where a report has no numbered ones: short
    unended lines that stand apart from the body paragraphs (not indented where they are, or
    after more blank lines than they are), each followed by two body paragraphs or more (so a
    title and its date line are none); at least two, or none."""
    layout = []
    for i in range(lo, hi):
        par = pars[i]
        if par.boilerplate:
            continue
        line = par.lines[0]
        before = line.no - pars[i - 1].lines[-1].no - 1 if i > 0 else 0
        indented = line.start > 0 and doc.text[line.start - 1] not in "\r\n"
        title = len(par.lines) == 1 and len(par.text) <= UNNUMBERED_MAX_CHARS
        if title and (
            ENDED.search(par.text) or par.text[-1] in CLAUSE_ENDS or match_heading(par.text)
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


def _column(doc: Document, line: Line) -> int:
    return line.start - doc.text.rfind("\n", 0, line.start)


def _numbering_diagnostics(
    doc: Document, pars: list[Paragraph], heads: list[Candidate]
) -> tuple[list[int], list[Diagnostic]]:
    """Each top heading's section number (as written, or one past the last when that would
    repeat or go back) and warnings for the numbering a reader tolerates."""
    numbers: list[int] = []
    found: list[Diagnostic] = []
    seen: dict[int, int] = {}
    for c in heads:
        h, line = c.heading, pars[c.index].lines[0]
        last = numbers[-1] if numbers else 0
        code = message = None
        if not numbers and h.number != 1:
            code, message = "numbering_start", f"first section is numbered {h.label}, expected one"
        elif numbers and h.number == last:
            code = "numbering_repeat"
            message = f"section {h.label} is repeated (first at line {seen[h.number]})"
        elif numbers and h.number < last:
            code = "numbering_order"
            message = f"section {h.label} follows {_label_of(last, h.label)} (out of order)"
        elif h.number > last + 1 and numbers:
            gap = range(last + 1, h.number)
            missing = "、".join(_label_of(n, h.label) for n in gap)
            verb = "is" if len(gap) == 1 else "are"
            code = "numbering_gap"
            message = (
                f"section {h.label} follows {_label_of(last, h.label)} ({missing} {verb} missing)"
            )
        number = h.number if h.number > last else last + 1
        if code and number != h.number:
            message += f"; numbered {number} here"
        if code:
            found.append(Diagnostic("warning", code, message, line.no, _column(doc, line)))
        seen.setdefault(h.number, line.no)
        numbers.append(number)
    return numbers, found


def _is_label(par: Paragraph) -> bool:
    return not par.boilerplate and len(par.lines) == 1 and part_label().match(par.text) is not None


def _part_starts(pars: list[Paragraph]) -> list[int]:
    """Indexes of the paragraphs that open a part after the main text: a short line such as
    附件 or 名词解释, after some text (labels in a row open one part)."""
    starts = []
    seen_text = after_label = False
    for i, par in enumerate(pars):
        if par.boilerplate:
            continue
        label = _is_label(par)
        if label and seen_text and not after_label:
            starts.append(i)
        seen_text, after_label = True, label
    return starts


def _parts(pars: list[Paragraph]) -> list[tuple[int, int, frozenset[int]]]:
    """Ranges of paragraphs (lo, hi, indexes of its part labels) of the main text and of the
    parts that part labels open."""
    bounds = [0, *_part_starts(pars), len(pars)]
    ranges = []
    for k, (lo, hi) in enumerate(zip(bounds, bounds[1:], strict=False)):
        labels = []
        for i in range(lo, hi if k else lo):
            if not (pars[i].boilerplate or _is_label(pars[i])):
                break
            labels += [i] if _is_label(pars[i]) else []
        ranges.append((lo, hi, frozenset(labels)))
    return ranges


def _chapter_parts(
    pars: list[Paragraph], lo: int, hi: int, labels: frozenset[int], heads: list[Candidate]
) -> list[tuple[int, int, frozenset[int], list[Candidate]]]:
    """The range split into parts when its top level is a style that may hold parts (第一部分 …)
    and at least two of its sections hold sections numbered in a style it is a part over (一、
    …); else the range whole."""
    over = heads[0].heading.style.parts_over if heads else frozenset()
    if not over:
        return [(lo, hi, labels, heads)]
    cuts = [c.index for c in heads] + [hi]
    inner = [_level(_candidates(pars, a + 1, b)) for a, b in zip(cuts, cuts[1:], strict=False)]
    restarts = [x and x[0].heading.number == 1 and x[0].heading.style.name in over for x in inner]
    if sum(map(bool, restarts)) < 2:
        return [(lo, hi, labels, heads)]
    first = (lo, cuts[1], labels | {cuts[0]}, inner[0])
    rest = zip(cuts[1:], cuts[2:], inner[1:], strict=False)
    return [first, *((a, b, frozenset([a]), level) for a, b, level in rest)]


def _restarts(
    doc: Document, pars: list[Paragraph], cands: list[Candidate], heads: list[Candidate]
) -> list[Diagnostic]:
    """Warnings for lists inside a section that restart at one in the sections' own style and
    look like headings: read as nested items, which a reader may want to check."""
    found = []
    cuts = [c.index for c in heads]
    for x in cands:
        slot = bisect_left(cuts, x.index)
        is_head = slot < len(cuts) and cuts[slot] == x.index
        if slot == 0 or is_head or x.heading.number != 1 or x.score < STRONG:
            continue
        head = heads[slot - 1].heading
        if x.heading.style is head.style:
            line = pars[x.index].lines[0]
            message = (
                f"a list numbered like the sections restarts at {x.heading.label} inside "
                f"section {head.label}; read as items nested in it"
            )
            found.append(
                Diagnostic("warning", "numbering_restart", message, line.no, _column(doc, line))
            )
    return found


def _kinds(doc: Document, pars: list[Paragraph], out: Structure) -> list[dict]:
    """Groups of paragraphs by part and section, each paragraph with its kind (boilerplate,
    label, heading, subheading, text) and heading."""
    ranges = []
    for lo, hi, labels in _parts(pars):
        cands = _candidates(pars, lo, hi)
        ranges += _chapter_parts(pars, lo, hi, labels, _level(cands))
    groups: list[dict] = []
    for part, (lo, hi, labels, heads) in enumerate(ranges, start=1):
        unnumbered = _unnumbered(doc, pars, lo, hi)
        if unnumbered and (
            not heads
            or (len(unnumbered) >= UNNUMBERED_OVER_NUMBERED and _encloses(unnumbered, heads))
        ):
            heads = unnumbered
            line = pars[heads[0].index].lines[0]
            message = "sections start at short unnumbered lines set apart from the text"
            out.diagnostics.append(
                Diagnostic("warning", "unnumbered_headings", message, line.no, _column(doc, line))
            )
        numbers, found = _numbering_diagnostics(doc, pars, heads)
        out.diagnostics += found
        out.diagnostics += _restarts(doc, pars, _candidates(pars, lo, hi), heads)
        starts = {c.index: (c, n) for c, n in zip(heads, numbers, strict=True)}
        cuts = [c.index for c in heads] + [hi]
        subs: dict[int, Candidate] = {}
        for c, end in zip(heads, cuts[1:], strict=False):
            subs.update((s.index, s) for s in _level(_candidates(pars, c.index + 1, end), SUB_MIN))
        group = _new_group(part, 0, None)
        groups.append(group)
        for i in range(lo, hi):
            par = pars[i]
            if par.boilerplate:
                group["items"].append((par, "boilerplate", None))
            elif i in starts:
                c, number = starts[i]
                group = _new_group(part, number, (par, c.heading))
                groups.append(group)
            elif i in subs:
                group["items"].append((par, "subheading", subs[i].heading))
            elif i in labels:
                group["items"].append((par, "label", None))
            else:
                group["items"].append((par, "text", None))
                group["text"].append(par)
    return groups


def _new_group(part: int, section_no: int, heading: tuple[Paragraph, Heading] | None) -> dict:
    """A section's paragraphs, as (paragraph, kind, heading) from its heading on, and its text."""
    items = [(heading[0], "heading", heading[1])] if heading else []
    return {"part": part, "section_no": section_no, "heading": heading, "items": items, "text": []}


def _caption_index(paragraphs: list[Paragraph]) -> int | None:
    """Index of the section's caption: a short one-sentence last paragraph after text at least
    twice as long."""
    last = len(paragraphs) - 1
    if last < 1:
        return None
    caption = paragraphs[last]
    if len(caption.sentences) == 1 and len(caption.text) <= CAPTION_MAX_CHARS:
        for paragraph in paragraphs[:last]:
            if len(paragraph.text) >= 2 * len(caption.text):
                return last
    return None


def structure(doc: Document) -> Structure:
    """Parts, sections and sentences of a report, with warnings for the numbering a reader
    tolerates; no line of any text raises."""
    pars = paragraphs(doc.text, split_lines(doc.text))
    out = Structure()
    groups = _kinds(doc, pars, out)
    if all(g["section_no"] == 0 for g in groups):  # no headings: the whole report is section 1
        first = next((p for p in pars if not p.boilerplate), None)
        line = first.lines[0] if first else None
        out.diagnostics.append(
            Diagnostic(
                "warning",
                "no_headings",
                "no numbered headings; the report is one section",
                line.no if line else None,
                _column(doc, line) if line else None,
            )
        )
        for g in groups:
            g["section_no"] = 1
    for group in groups:
        _emit(doc, group, out)
    out.diagnostics.sort(key=lambda d: d.line or 0)
    return out


def _emit(doc: Document, group: dict, out: Structure) -> None:
    """Append a section's rows and its sentences' rows to `out`."""
    text_pars, heading = group["text"], group["heading"]
    kinds = [kind for _, kind, _ in group["items"]]
    run_in = heading and ENDED.search(heading[0].text)  # 1.名词：解释。 holds its own text
    if heading and not run_in and "text" not in kinds and "subheading" not in kinds:
        line = heading[0].lines[0]
        out.diagnostics.append(
            Diagnostic(
                "warning",
                "empty_section",
                f"section {heading[1].label} has no body text",
                line.no,
                _column(doc, line),
            )
        )
    preamble = group["section_no"] == 0
    caption = None if preamble or not heading else _caption_index(text_pars)
    caption_par = text_pars[caption] if caption is not None else None
    lede = text_pars[0] if preamble and group["part"] == 1 and len(text_pars) > 1 else None
    text, sentences, first_sentence = doc.text, out.sentences, len(out.sentences)
    report_id, part, section_no = doc.report_id, group["part"], group["section_no"]
    sentence_no, sub, n_paragraphs = first_sentence, 0, 0
    paragraph_no = sentences[-1]["paragraph_no"] if sentences else 0
    for par, kind, h in group["items"]:
        if kind == "text":
            n_paragraphs += 1
            if preamble:
                role = "lede" if par is lede else "intro"
            else:
                role = "caption" if par is caption_par else "body"
            later = role  # the role of the paragraph's sentences after the first
        elif kind == "boilerplate":
            role = later = "boilerplate"
        elif kind == "label":
            role = later = "heading"
        else:
            if kind == "subheading":
                n_paragraphs += 1
                sub = h.number
            role, later = kind, "body"
        paragraph_no += 1
        whole = par.text if len(par.sentences) == 1 else None  # reused, not copied
        for start, end, line_no in par.sentences:
            sentence_no += 1
            sentences.append(
                {
                    "report_id": report_id,
                    "part": part,
                    "section_no": section_no,
                    "subsection_no": sub,
                    "paragraph_no": paragraph_no,
                    "sentence_no": sentence_no,
                    "role": role,
                    "text": whole or text[start:end],
                    "line_no": line_no,
                    "char_start": start,
                    "char_end": end,
                }
            )
            role = later
    if preamble:
        return
    h = heading[1] if heading else None
    first = sentences[first_sentence]
    out.sections.append(
        {
            "report_id": report_id,
            "part": part,
            "section_no": section_no,
            "numbering": heading[0].lines[0].text[: h.end] if h else "",
            "heading": first["text"][h.end :].strip(BLANK) if h else "",
            "caption": caption_par.text if caption_par else None,
            "n_paragraphs": n_paragraphs,
            "n_sentences": sentence_no - first_sentence,
            "char_start": first["char_start"],
            "char_end": sentences[-1]["char_end"],
        }
    )
