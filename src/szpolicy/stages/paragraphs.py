"""Cut a text into lines, sentences and paragraphs, and mark web clutter; offsets index the text.

A paragraph is a line, or in a file whose paragraphs are separated by blank lines, the lines
that run on (a line left without sentence-final punctuation continues on the next); a sentence
running over such a break is one sentence, its text the raw slice with the break in it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, lru_cache, partial
from typing import NamedTuple

from ..errors import SzpolicyError
from ..rules import compile_rule
from ..rules import load as load_rule
from ..text.lookahead import any_of

BLANK = " \t\u3000\u00a0\ufeff\u200b"
ENDS = "。！？!?…"  # sentence-final punctuation
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
NOTICE_MAX_CHARS = 400
# In a report's opening a line opening with a dash (——2025年1月15日在…会议上: the date line
# under the title) is a paragraph of its own, neither run on from the title above nor into the
# speaker's name below; so are short phrases (the title, the issuer, the date).
DASH_LINE = re.compile("[—―－-]{2}|—")
TITLE_LINE_MAX_CHARS = 40  # a line of a title block is at most this long …
PHRASE_BREAKS = re.compile(f"[{ENDS}，,；;：:]")  # … and holds no clause or sentence break
CELL_GAP = re.compile(rf"[^{BLANK}](?:\t|[{BLANK}]{{2,}})[^{BLANK}]")  # a gap between table cells


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


class ClutterRules(NamedTuple):
    """The rules of boilerplate.yaml."""

    max_chars: int  # the longest clutter line
    max_chars_joined: int  # the longest line of several clutter fields run together
    patterns: tuple[re.Pattern, ...]  # clutter lines (lookahead.any_of: any one found)
    notices: tuple[re.Pattern, ...]  # notices (licence boxes) that make a paragraph clutter


@cache
def boilerplate_rules() -> ClutterRules:
    """The clutter rules of boilerplate.yaml, refused with the file's name when malformed; each
    list joined into a few regexes (searched in any case, they would each scan every line)."""
    name = "boilerplate.yaml"
    spec = load_rule("boilerplate").data
    if not all(isinstance(spec[k], int) for k in ("max_chars", "max_chars_joined")):
        raise SzpolicyError("max_chars and max_chars_joined must be whole numbers", name)
    return ClutterRules(
        spec["max_chars"],
        spec["max_chars_joined"],
        _joined_rules(spec["patterns"], name),
        _joined_rules(spec["notices"], name),
    )


def _joined_rules(patterns: list[str], name: str) -> tuple[re.Pattern, ...]:
    """`any_of` the patterns in any case; a bad one refused with the file's name (each compiled
    alone only then: compiling them all twice would slow every start)."""
    try:
        return any_of(patterns, re.I)
    except (re.error, TypeError):
        for pattern in patterns:
            compile_rule(pattern, name, re.I)
        raise


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


def ended(text: str) -> bool:
    """Whether a text closes its last sentence: sentence-final punctuation at its end, maybe
    closing quotes after it (the regex `{_END}$`, without a scan of the whole text)."""
    last = text.removesuffix("\n").rstrip(CLOSERS)[-1:]
    return last != "" and last in ENDS


def is_boilerplate(line: str) -> bool:
    """Web-page clutter (share buttons, breadcrumbs, print links, footers): a short line that
    matches a clutter pattern, or a longer one of fields set apart by spaces (a footer run
    together: 主办：… 承办：… 陕ICP备…) two of which are clutter and hold half its text."""
    rules = boilerplate_rules()
    if len(line) <= rules.max_chars:
        return _matches_clutter(line)
    if len(line) > rules.max_chars_joined:
        return False
    fields = line.split()
    if len(fields) < 2:  # prose: one field cannot be two of clutter
        return False
    clutter = [f for f in fields if _matches_clutter(f)]
    return len(clutter) >= 2 and 2 * sum(map(len, clutter)) >= sum(map(len, fields))


@lru_cache(maxsize=4096)
def _matches_clutter(line: str) -> bool:
    """Whether a clutter pattern is in the line (cached: sites repeat clutter on every page)."""
    return any(pattern.search(line) for pattern in boilerplate_rules().patterns)


def is_notice(paragraph: str) -> bool:
    """A licence or transcription notice (本作品…公有领域, Public domain): clutter as a whole."""
    flat = "".join(paragraph.split())  # str.split's white space is regex's \s
    return len(flat) <= NOTICE_MAX_CHARS and any(
        p.search(flat) for p in boilerplate_rules().notices
    )


def _title_block(line: str, nxt: str) -> bool:
    """Whether two lines of a report's opening are lines of its title block, each a paragraph:
    one opens with a dash (——2025年1月15日在…会议上), or both are short phrases (the title, the
    issuer, （2025年3月28日）)."""
    if DASH_LINE.match(line) or DASH_LINE.match(nxt):
        return True
    return all(len(x) <= TITLE_LINE_MAX_CHARS and not PHRASE_BREAKS.search(x) for x in (line, nxt))


def _blank_separated(lines: list[Line]) -> bool:
    """Whether the file separates paragraphs by blank lines (then a line break inside a
    paragraph is no paragraph end): most lines that end a sentence have a blank line after."""
    gaps = [b.no - a.no > 1 for a, b in zip(lines, lines[1:], strict=False) if ended(a.text)]
    return sum(gaps) > 0 and 2 * sum(gaps) >= len(gaps)


def _continues(line: Line, nxt: Line, text: str, opens: Callable[[str], bool]) -> bool:
    """Whether `nxt` carries on `line`'s paragraph: right below it, `line` left unended, neither
    a row of a table (cells set apart by wide gaps) nor `nxt` indented or opening a heading
    (`opens`)."""
    if nxt.no != line.no + 1 or ended(line.text):
        return False
    if CELL_GAP.search(line.text) or CELL_GAP.search(nxt.text):
        return False
    indented = nxt.start > 0 and text[nxt.start - 1] not in "\r\n"
    return not indented and not opens(nxt.text)


def paragraphs(
    text: str,
    lines: list[Line],
    opens: Callable[[str], bool],
    alone: Callable[[str], bool] = lambda _: False,
) -> list[Paragraph]:
    """The report's paragraphs: each line, or in a file whose paragraphs are separated by blank
    lines, the lines that run on, up to a line that `opens` a heading, and never from a line
    that stands `alone` (a part label: 附件1), nor in the opening into or from a dash line; a
    sentence running over a joined break is one sentence."""
    joined = _blank_separated(lines)
    clutter = [is_boilerplate(line.text) for line in lines] + [False]  # each line's, once
    out: list[Paragraph] = []
    group: list[Line] = []
    opening = True  # no sentence ended, no heading opened yet: the title block
    for i, line in enumerate(lines):
        group.append(line)
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        if not clutter[i]:
            opening = opening and not ended(line.text) and not opens(line.text)
        if (
            joined
            and nxt is not None
            and not clutter[i]
            and not clutter[i + 1]
            and not alone(line.text)
            and not (opening and _title_block(line.text, nxt.text))
            and _continues(line, nxt, text, opens)
        ):
            continue
        out.append(_paragraph(text, group, len(group) == 1 and clutter[i]))
        group = []
    return out


def _paragraph(text: str, lines: list[Line], clutter: bool) -> Paragraph:
    """One paragraph of lines (`clutter`: a line of clutter alone): most are one line, whose
    sentences and text it takes as they are."""
    if len(lines) == 1:
        line = lines[0]
        no = line.no
        sentences = [(start, end, no) for start, end in line.sentences]
        raw = line.text
    else:
        sentences = _run_on(lines)
        raw = text[lines[0].start : lines[-1].start + len(lines[-1].text)]
    return Paragraph(lines, raw, sentences, clutter or is_notice(raw))


def _run_on(lines: list[Line]) -> list[tuple[int, int, int]]:
    """The sentences of lines run on, as (start, end, line number): an unended last sentence of
    a line joins the next line's first."""
    sentences: list[tuple[int, int, int]] = []
    open_sentence = False
    for line in lines:
        for k, (start, end) in enumerate(line.sentences):
            if k == 0 and open_sentence:
                first, _, no = sentences.pop()
                sentences.append((first, end, no))
            else:
                sentences.append((start, end, line.no))
        open_sentence = not ended(line.text)
    return sentences
