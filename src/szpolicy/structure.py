"""Cut a report into lines, sections and sentences; every offset indexes the decoded text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache, partial
from importlib import resources
from typing import NamedTuple

import cn2an
import yaml

from .errors import Diagnostic, SzpolicyError
from .read import Document
from .script import SENTENCES_CACHED

BLANK = " \t\u3000\u00a0\ufeff"
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
HEADING_LEAD = f"[{BLANK}]*"  # blanks that may precede a heading
CAPTION_MAX_CHARS = 60
PROSE_MIN_CHARS = 40


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


@dataclass(frozen=True)
class Style:
    """A heading style: its name, level (1 section, 2 sub-section), line-start regex and rank
    (its place in the priority order)."""

    name: str
    level: int
    regex: re.Pattern
    rank: int


@dataclass(frozen=True)
class Heading:
    """A line that starts like a heading."""

    style: Style
    number: int
    label: str
    end: int  # offset in the line where the heading's title starts


@dataclass
class Structure:
    """Sections and sentences of one report, as rows ready for the tables."""

    sections: list[dict] = field(default_factory=list)
    sentences: list[dict] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)


def _data(name: str) -> dict:
    return yaml.safe_load(resources.files("szpolicy.data").joinpath(name).read_text("utf-8"))


@cache
def heading_styles() -> tuple[Style, ...]:
    """Heading styles from the package's headings.yaml, in priority order."""
    spec = _data("headings.yaml")
    return tuple(
        Style(
            s["name"],
            s["level"],
            re.compile(HEADING_LEAD + s["pattern"].replace("{numeral}", spec["numeral"])),
            rank,
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
def annex_label() -> re.Pattern:
    """The line that announces an annex (附件, 附錄 …), from headings.yaml."""
    return re.compile(_data("headings.yaml")["annex_label"])


@cache
def boilerplate_rules() -> tuple[int, tuple[re.Pattern, ...]]:
    """Clutter patterns from boilerplate.yaml and the longest line they may mark."""
    spec = _data("boilerplate.yaml")
    return spec["max_chars"], tuple(re.compile(p, re.I) for p in spec["patterns"])


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
def _heading(group: int, label: str, end: int) -> Heading:
    """The heading that a match of a style's group, number label (三, 十二, 12) and end stands
    for; headings reuse few of these, so cached."""
    number = int(cn2an.cn2an(label, "smart"))
    return Heading(_heading_regex()[1][group][0], number, label, end)


def _looks_like_prose(line: str, heading: Heading) -> bool:
    """A heading-like start that is prose: `三、四十年前…` or a long line ending a sentence."""
    rest = line[heading.end :]
    if match_heading(rest[:8] + "、") or re.match(r"[0-9一二三四五六七八九十百千两兩]", rest):
        return True
    return len(line) >= PROSE_MIN_CHARS and line[-1] in ENDS


def _numbering_error(heading: Heading, last: Heading | None, seen: dict[int, int]) -> str:
    """Why a heading's number is impossible here, in the reader's terms."""
    label = heading.label
    if last is None:
        return f"first section is numbered {label}, expected one"
    if heading.number == last.number:
        return f"section {label} is repeated (first at line {seen[heading.number]})"
    if heading.number in seen:
        return (
            f"section {label} follows {last.label} (out of order: {label} is at line "
            f"{seen[heading.number]})"
        )
    gap = range(last.number + 1, heading.number)
    missing = "、".join(str(n) if label.isdigit() else cn2an.an2cn(n) for n in gap)
    verb = "is" if len(gap) == 1 else "are"
    return f"section {label} follows {last.label} ({missing} {verb} missing)"


def _top_style(lines: list[Line]) -> Style | None:
    """The report's section style: the first level-1 style on a line numbered one, else on a
    heading-like line (so that a report whose first section is misnumbered gets an error)."""
    candidates = []
    for line in lines:
        h = match_heading(line.text)
        if h and h.style.level == 1 and not _looks_like_prose(line.text, h):
            if h.number == 1:
                return h.style
            if line.text[-1] not in ENDS:
                candidates.append(h.style)
    return candidates[0] if candidates else None


def _is_sub_style(style: Style, top: Style) -> bool:
    return style.level == 2 or style.rank > top.rank


def _new_group(part: int, section_no: int, heading: tuple[Line, Heading] | None) -> dict:
    """A section's lines, as (line, kind, heading) from its heading line on, and its text lines."""
    lines = [(heading[0], "heading", heading[1])] if heading else []
    return {"part": part, "section_no": section_no, "heading": heading, "lines": lines, "text": []}


def _group_lines(doc: Document, lines: list[Line]) -> list[dict]:
    """Give each line a kind (boilerplate, heading, subheading, text), check the numbering, and
    gather the lines by section: the preamble (section 0), then one group per heading."""
    top = _top_style(lines)
    group = _new_group(1, 0, None)
    groups, last, sub, seen = [group], None, 0, {}
    for line in lines:
        if is_boilerplate(line.text):
            group["lines"].append((line, "boilerplate", None))
            continue
        h = match_heading(line.text)
        if h and h.style is top:
            restart = last is not None and h.number == 1  # a new part (an annex) begins
            if h.number == (last.number + 1 if last else 1) or restart:
                group = _new_group(group["part"] + restart, h.number, (line, h))
                groups.append(group)
                last, sub, seen = h, 0, {} if restart else seen
                seen[h.number] = line.no
                continue
            if not _looks_like_prose(line.text, h):
                col = line.start - doc.text.rfind("\n", 0, line.start)
                raise SzpolicyError(_numbering_error(h, last, seen), doc.path, line.no, col)
        elif h and last and _is_sub_style(h.style, top) and h.number == sub + 1:
            group["lines"].append((line, "subheading", h))
            sub = h.number
            continue
        group["lines"].append((line, "text", None))
        group["text"].append(line)
    return groups


def _caption_index(paragraphs: list[Line]) -> int | None:
    """Index of the section's caption: a short one-sentence last line after text at least twice
    as long.

    An annex label (附件：…) closing the section is passed over: it introduces the next part.
    """
    last = len(paragraphs) - 1
    if last >= 0 and annex_label().match(paragraphs[last].text):
        last -= 1
    if last < 1:
        return None
    caption = paragraphs[last]
    if len(caption.sentences) == 1 and len(caption.text) <= CAPTION_MAX_CHARS:
        for paragraph in paragraphs[:last]:
            if len(paragraph.text) >= 2 * len(caption.text):
                return last
    return None


def structure(doc: Document) -> Structure:
    """Sections and sentences of a report; raises SzpolicyError on impossible numbering."""
    groups = _group_lines(doc, split_lines(doc.text))
    out = Structure()
    if len(groups) == 1:  # no headings: the whole report is section 1
        message = "no numbered headings; the report is one section"
        out.diagnostics.append(Diagnostic("warning", "no_headings", message))
        groups[0]["section_no"] = 1
    for group in groups:
        _emit(doc, group, out)
    return out


def _emit(doc: Document, group: dict, out: Structure) -> None:
    """Append a section's rows and its sentences' rows to `out`."""
    text_lines, heading = group["text"], group["heading"]
    if heading and not text_lines:
        line, h = heading
        raise SzpolicyError(f"section {h.label} has no body text", doc.path, line.no, 1)
    preamble = group["section_no"] == 0
    caption = None if preamble or not heading else _caption_index(text_lines)
    caption_line = text_lines[caption] if caption is not None else None
    lede = text_lines[0] if preamble and len(text_lines) > 1 else None
    text, sentences, first_sentence = doc.text, out.sentences, len(out.sentences)
    report_id, part, section_no = doc.report_id, group["part"], group["section_no"]
    sentence_no, sub, n_paragraphs = first_sentence, 0, 0
    paragraph_no = sentences[-1]["paragraph_no"] if sentences else 0
    for line, kind, h in group["lines"]:
        if kind == "text":
            n_paragraphs += 1
            if preamble:
                role = "lede" if line is lede else "intro"
            else:
                role = "caption" if line is caption_line else "body"
            later = role  # the role of the line's sentences after the first
        elif kind == "boilerplate":
            role = later = "boilerplate"
        else:
            if kind == "subheading":
                n_paragraphs += 1
                sub = h.number
            role, later = kind, "body"
        paragraph_no += 1
        line_no = line.no
        whole = line.text if len(line.sentences) == 1 else None  # reused, not copied
        for start, end in line.sentences:
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
            "numbering": heading[0].text[: h.end] if h else "",
            "heading": first["text"][h.end :].strip(BLANK) if h else "",
            "caption": caption_line.text if caption_line else None,
            "n_paragraphs": n_paragraphs,
            "n_sentences": sentence_no - first_sentence,
            "char_start": first["char_start"],
            "char_end": sentences[-1]["char_end"],
        }
    )
