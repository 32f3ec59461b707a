"""Cut a report into parts, sections and sentences; every offset indexes the decoded text.

Paragraphs come from paragraphs.py, the levels of headings from levels.py; here the report is
divided into parts (part labels such as 附件, 第X部分 holding sections of their own), sections
and sub-sections, and the numbering a reader tolerates (a gap, a repeat, a restart, a section
without body) is recorded as a Diagnostic, never refused. No line of any text raises.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field

from ..errors import Diagnostic
from ..io.read import Document
from .headings import Heading, label_of, match_heading, part_label
from .levels import STRONG, Candidate, candidates, encloses, level, unnumbered, within
from .paragraphs import BLANK, Line, Paragraph, ended, paragraphs, split_lines
from .paragraphs import ENDS as ENDS  # re-exported: metadata.py reads sentence ends from here

CAPTION_MAX_CHARS = 60
# Unnumbered headings are the top level over numbered ones that lie within one of their
# sections when there are at least this many (an opening and a closing line are not a level).
UNNUMBERED_OVER_NUMBERED = 3
SUB_MIN = 0.4  # sub-headings must be at least this clear; weaker numbered lines are list items
SECTION_FIELDS = (  # the columns of a section row, also when a report has none (only clutter)
    "report_id",
    "part",
    "section_no",
    "numbering",
    "heading",
    "caption",
    "n_paragraphs",
    "n_sentences",
    "char_start",
    "char_end",
)


@dataclass
class Structure:
    """Sections and sentences of one report, as rows ready for the tables, and the problems
    a reader should know about."""

    sections: list[dict] = field(default_factory=list)
    sentences: list[dict] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)


def _opens_heading(line: str) -> bool:
    return match_heading(line) is not None


def _labels_a_part(line: str) -> bool:
    return part_label().match(line) is not None


def _column(doc: Document, line: Line) -> int:
    return line.start - doc.text.rfind("\n", 0, line.start)


def _numbering_diagnostics(
    doc: Document, pars: list[Paragraph], heads: list[Candidate]
) -> tuple[list[int], list[Diagnostic]]:
    """Each top heading's section number (as written, or one past the last section's when that
    would repeat or go back, so that numbers stay unique) and warnings for the numbering a
    reader tolerates, judged on the numbers as written."""
    numbers: list[int] = []
    found: list[Diagnostic] = []
    seen: dict[int, int] = {}
    prev = 0  # the previous heading's number as written
    for c in heads:
        h, line = c.heading, pars[c.index].lines[0]
        code = message = None
        if not numbers and h.number != 1:
            code, message = "numbering_start", f"first section is numbered {h.label}, expected one"
        elif numbers and h.number == prev:
            code = "numbering_repeat"
            message = f"section {h.label} is repeated (first at line {seen[h.number]})"
        elif numbers and h.number < prev:
            code = "numbering_order"
            message = f"section {h.label} follows {label_of(prev, h.label)} (out of order)"
        elif numbers and h.number > prev + 1:
            gap = range(prev + 1, h.number)
            missing = "、".join(label_of(n, h.label) for n in gap)
            verb = "is" if len(gap) == 1 else "are"
            code = "numbering_gap"
            message = (
                f"section {h.label} follows {label_of(prev, h.label)} ({missing} {verb} missing)"
            )
        last = numbers[-1] if numbers else 0
        number = h.number if h.number > last else last + 1
        if code and number != h.number:
            message += f"; numbered {number} here"
        if code:
            found.append(Diagnostic("warning", code, message, line.no, _column(doc, line)))
        seen.setdefault(h.number, line.no)
        numbers.append(number)
        prev = h.number
    return numbers, found


def _is_label(par: Paragraph) -> bool:
    return not par.boilerplate and len(par.lines) == 1 and _labels_a_part(par.text)


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
    every: list[Candidate], lo: int, hi: int, labels: frozenset[int], heads: list[Candidate]
) -> list[tuple[int, int, frozenset[int], list[Candidate]]]:
    """The range split into parts when its top level is a style that may hold parts (第一部分 …)
    and at least two of its sections hold sections numbered in a style it is a part over (一、
    …); else the range whole (`every`: the report's heading candidates)."""
    over = heads[0].heading.style.parts_over if heads else frozenset()
    if not over:
        return [(lo, hi, labels, heads)]
    cuts = [c.index for c in heads] + [hi]
    inner = [level(within(every, a + 1, b)) for a, b in zip(cuts, cuts[1:], strict=False)]
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


def _or_unnumbered(
    doc: Document, pars: list[Paragraph], lo: int, hi: int, heads: list[Candidate], out: Structure
) -> list[Candidate]:
    """The top headings of a part: headings without numbers where it has no numbered ones, or
    where enough of them enclose its numbered ones (so those are nested in one of them)."""
    plain = unnumbered(doc, pars, lo, hi)
    if not plain or (
        heads and (len(plain) < UNNUMBERED_OVER_NUMBERED or not encloses(plain, heads))
    ):
        return heads
    line = pars[plain[0].index].lines[0]
    message = "sections start at short unnumbered lines set apart from the text"
    out.diagnostics.append(
        Diagnostic("warning", "unnumbered_headings", message, line.no, _column(doc, line))
    )
    return plain


def _kinds(doc: Document, pars: list[Paragraph], out: Structure) -> list[dict]:
    """Groups of paragraphs by part and section, each paragraph with its kind (boilerplate,
    label, heading, subheading, text) and heading; the paragraphs that start like headings
    found once, then taken by range."""
    every = candidates(pars, 0, len(pars))
    ranges = []
    for lo, hi, labels in _parts(pars):
        ranges += _chapter_parts(every, lo, hi, labels, level(within(every, lo, hi)))
    groups: list[dict] = []
    for part, (lo, hi, labels, heads) in enumerate(ranges, start=1):
        heads = _or_unnumbered(doc, pars, lo, hi, heads, out)
        numbers, found = _numbering_diagnostics(doc, pars, heads)
        out.diagnostics += found
        out.diagnostics += _restarts(doc, pars, within(every, lo, hi), heads)
        starts = {c.index: (c, n) for c, n in zip(heads, numbers, strict=True)}
        cuts = [c.index for c in heads] + [hi]
        subs: dict[int, Candidate] = {}
        for c, end in zip(heads, cuts[1:], strict=False):
            subs.update((s.index, s) for s in level(within(every, c.index + 1, end), SUB_MIN))
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
    pars = paragraphs(doc.text, split_lines(doc.text), _opens_heading, _labels_a_part)
    out = Structure()
    groups = _kinds(doc, pars, out)
    # A part without headings is one section: the main text of a report without headings (its
    # annex's numbered terms notwithstanding), an annex that holds a table.
    numbered = {g["part"] for g in groups if g["section_no"]}
    plain = {g["part"] for g in groups if g["text"]} - numbered
    first = next((p.lines[0] for p in pars if not p.boilerplate), None)
    if first is None:
        message = "the file holds only web-page clutter (buttons, source lines …): no section"
        out.diagnostics.append(Diagnostic("warning", "no_text", message, 1, 1))
    elif not numbered or 1 in plain:
        message = "no numbered headings; the report is one section"
        column = _column(doc, first)
        out.diagnostics.append(Diagnostic("warning", "no_headings", message, first.no, column))
    for g in groups:
        if g["part"] in plain:
            g["section_no"] = 1
    for group in groups:
        _emit(doc, group, out)
    out.diagnostics.sort(key=lambda d: d.line or 0)
    return out


def _empty_section(doc: Document, group: dict) -> list[Diagnostic]:
    """A warning for a section with neither text nor sub-headings under its heading (a heading
    that holds its own text, 1.名词：解释。, is not empty)."""
    heading = group["heading"]
    kinds = {kind for _, kind, _ in group["items"]}
    if not heading or ended(heading[0].text) or kinds & {"text", "subheading"}:
        return []
    par, h = heading
    line = par.lines[0]
    message = f"section {h.label or par.text} has no body text"
    return [Diagnostic("warning", "empty_section", message, line.no, _column(doc, line))]


def _emit(doc: Document, group: dict, out: Structure) -> None:
    """Append a section's rows and its sentences' rows to `out`."""
    text_pars, heading = group["text"], group["heading"]
    out.diagnostics += _empty_section(doc, group)
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
    own = [s for s in sentences[first_sentence:] if s["role"] != "boilerplate"]
    if preamble or not own:  # nothing to make a section of
        return
    h = heading[1] if heading else None
    first = own[0]
    values = (
        report_id,
        part,
        section_no,
        heading[0].lines[0].text[: h.end] if h else "",
        first["text"][h.end :].strip(BLANK) if h else "",
        caption_par.text if caption_par else None,
        n_paragraphs,
        len(own),
        first["char_start"],
        own[-1]["char_end"],
    )
    out.sections.append(dict(zip(SECTION_FIELDS, values, strict=True)))
