"""Cut a report into lines, sections and sentences; every offset indexes the decoded text."""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from typing import NamedTuple

import cn2an
import yaml

from .errors import SzpolicyError
from .read import Document

BLANK = " \t\u3000\u00a0\ufeff"
# A sentence as (leading blanks, rest): the matches tile the text, so offsets can be summed.
SENTENCE = re.compile(rf"([{BLANK}]*)([^。！？!?…]*(?:[。！？!?…]+[」』”’）)】》〉\"']*|$))")
# A line: edge blanks around its content (group 1: from its first to its last non-blank
# character, or empty), then its line break or the end of the text.
LINE = re.compile(
    rf"[{BLANK}]*((?:[^\r\n{BLANK}](?:[^\r\n]*[^\r\n{BLANK}])?)?)[{BLANK}]*(?:\r\n|\r|\n|\Z)"
)
CAPTION_MAX_CHARS = 60
PROSE_MIN_CHARS = 40


class Line(NamedTuple):
    """One non-blank line: 1-based number and the offsets of its text without edge spaces.

    A named tuple, built three times faster than a frozen dataclass: reports have many lines.
    """

    no: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Style:
    """A heading style: its name, level (1 section, 2 sub-section) and line-start regex."""

    name: str
    level: int
    regex: re.Pattern


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
    warnings: list[str] = field(default_factory=list)


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
            re.compile(f"[{BLANK}]*" + s["pattern"].replace("{numeral}", spec["numeral"])),
        )
        for s in spec["styles"]
    )


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
    """Non-blank lines with offsets of their content (edge spaces, line ends excluded)."""
    return [
        Line(no, m.start(1), m.end(1), m.group(1))
        for no, m in enumerate(LINE.finditer(text), start=1)
        if m.start(1) < m.end(1)
    ]


def split_sentences(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Sentence spans at sentence-final punctuation, closing quotes kept, edge spaces dropped."""
    spans, pos = [], offset
    for lead, rest in SENTENCE.findall(text):
        pos += len(lead)
        if rest:  # starts after the blanks, so only its end may need trimming
            spans.append((pos, pos + len(rest.rstrip(BLANK))))
        pos += len(rest)
    return spans


@lru_cache(maxsize=4096)
def is_boilerplate(line: str) -> bool:
    """Web-page clutter (share buttons, breadcrumbs, print links, footers).

    Cached: a site repeats its clutter on every page, and searching each pattern is slow.
    """
    max_chars, patterns = boilerplate_rules()
    return len(line) <= max_chars and any(p.search(line) for p in patterns)


@cache
def _number(label: str) -> int:
    """The value of a heading number (三, 十二, 12); headings reuse few labels, so cached."""
    return int(cn2an.cn2an(label, "smart"))


def match_heading(line: str) -> Heading | None:
    """The first heading style the line starts with, and its number."""
    for style in heading_styles():
        m = style.regex.match(line)
        if m:
            label = m.group("num")
            return Heading(style, _number(label), label, m.end())
    return None


def _looks_like_prose(line: str, heading: Heading) -> bool:
    """A heading-like start that is prose: `三、四十年前…` or a long line ending a sentence."""
    rest = line[heading.end :]
    if match_heading(rest[:8] + "、") or re.match(r"[0-9一二三四五六七八九十百千两兩]", rest):
        return True
    return len(line) >= PROSE_MIN_CHARS and line[-1] in "。！？!?…"


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
            if line.text[-1] not in "。！？!?…":
                candidates.append(h.style)
    return candidates[0] if candidates else None


def _is_sub_style(style: Style, top: Style) -> bool:
    order = [s.name for s in heading_styles()]
    return style.level == 2 or order.index(style.name) > order.index(top.name)


def _label_lines(doc: Document, lines: list[Line]) -> list[tuple[Line, str, Heading | None]]:
    """Give each line a kind (boilerplate, heading, subheading, text) and check the numbering."""
    top = _top_style(lines)
    labelled, last, sub, seen = [], None, 0, {}
    for line in lines:
        if is_boilerplate(line.text):
            labelled.append((line, "boilerplate", None))
            continue
        h = match_heading(line.text)
        if h and top and h.style == top:
            if last is None and h.number == 1 or last and h.number == last.number + 1:
                kind = "heading"
            elif last and h.number == 1:
                kind, seen = "heading", {}
            elif _looks_like_prose(line.text, h):
                kind = "text"
            else:
                col = line.start - doc.text.rfind("\n", 0, line.start)
                raise SzpolicyError(_numbering_error(h, last, seen), doc.path, line.no, col)
            if kind == "heading":
                last, sub = h, 0
                seen[h.number] = line.no
        elif h and top and last and _is_sub_style(h.style, top) and h.number == sub + 1:
            kind, sub = "subheading", h.number
        else:
            kind = "text"
        labelled.append((line, kind, h if kind in ("heading", "subheading") else None))
    return labelled


def _caption_index(paragraphs: list[Line]) -> int | None:
    """Index of the section's caption: a short one-sentence last line after longer text.

    An annex label (附件：…) closing the section is passed over: it introduces the next part.
    """
    if paragraphs and annex_label().match(paragraphs[-1].text):
        paragraphs = paragraphs[:-1]
    if len(paragraphs) < 2:
        return None
    last = paragraphs[-1]
    longest = max(len(p.text) for p in paragraphs[:-1])
    one_sentence = len(split_sentences(last.text)) == 1
    if one_sentence and len(last.text) <= CAPTION_MAX_CHARS and 2 * len(last.text) <= longest:
        return len(paragraphs) - 1
    return None


def structure(doc: Document) -> Structure:
    """Sections and sentences of a report; raises SzpolicyError on impossible numbering."""
    lines = split_lines(doc.text)
    labelled = _label_lines(doc, lines)
    out = Structure()
    if not any(kind == "heading" for _, kind, _ in labelled):
        out.warnings.append(f"{doc.path}: no numbered headings; the report is one section")
        warnings.warn(out.warnings[-1], stacklevel=2)
    groups: list[dict] = []  # one per section, plus the preamble (section 0)
    current = {"part": 1, "section_no": 0, "heading": None, "lines": []}
    groups.append(current)
    part, prev_no = 1, 0
    for line, kind, h in labelled:
        if kind == "heading":
            if h.number == 1 and prev_no:
                part += 1
            prev_no = h.number
            current = {"part": part, "section_no": h.number, "heading": (line, h), "lines": []}
            groups.append(current)
        else:
            current["lines"].append((line, kind, h))
    if len(groups) == 1:  # no headings: the whole report is section 1
        groups[0]["section_no"] = 1
    for group in groups:
        _emit(doc, group, out)
    return out


def _emit(doc: Document, group: dict, out: Structure) -> None:
    """Append a section's rows and its sentences' rows to `out`."""
    text_lines = [ln for ln, k, _ in group["lines"] if k == "text"]
    body_lines = [ln for ln, k, _ in group["lines"] if k in ("text", "subheading")]
    if group["heading"] and not text_lines:
        line, h = group["heading"]
        raise SzpolicyError(f"section {h.label} has no body text", doc.path, line.no, 1)
    preamble = group["section_no"] == 0
    caption = None if preamble or not group["heading"] else _caption_index(text_lines)
    caption_line = text_lines[caption] if caption is not None else None
    sub = 0
    rows: list[tuple[Line, str, Heading | None]] = []
    if group["heading"]:
        rows.append((group["heading"][0], "heading", group["heading"][1]))
    rows += group["lines"]
    sentences, first_sentence = out.sentences, len(out.sentences)
    report_id, part, section_no = doc.report_id, group["part"], group["section_no"]
    for line, kind, h in rows:
        if kind == "subheading":
            sub = h.number
        if kind == "boilerplate":
            role = "boilerplate"
        elif preamble:
            role = "lede" if line is text_lines[0] and len(text_lines) > 1 else "intro"
        elif line is caption_line:
            role = "caption"
        elif kind in ("heading", "subheading"):
            role = kind
        else:
            role = "body"
        paragraph_no = sentences[-1]["paragraph_no"] + 1 if sentences else 1
        for i, (start, end) in enumerate(split_sentences(line.text, line.start)):
            sentences.append(
                {
                    "report_id": report_id,
                    "part": part,
                    "section_no": section_no,
                    "subsection_no": sub,
                    "paragraph_no": paragraph_no,
                    "sentence_no": len(sentences) + 1,
                    "role": "body" if role in ("heading", "subheading") and i else role,
                    "text": doc.text[start:end],
                    "line_no": line.no,
                    "char_start": start,
                    "char_end": end,
                }
            )
    if preamble:
        return
    heading_line, h = group["heading"] or (None, None)
    spans = [(s["char_start"], s["char_end"]) for s in out.sentences[first_sentence:]]
    out.sections.append(
        {
            "report_id": doc.report_id,
            "part": group["part"],
            "section_no": group["section_no"],
            "numbering": heading_line.text[: h.end] if h else "",
            "heading": out.sentences[first_sentence]["text"][h.end :].strip(BLANK) if h else "",
            "caption": caption_line.text if caption_line else None,
            "n_paragraphs": len(body_lines),
            "n_sentences": len(spans),
            "char_start": spans[0][0],
            "char_end": spans[-1][1],
        }
    )
