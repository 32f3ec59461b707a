"""Heading numbers at the start of a line (一、 （一） 1. 第一部分 …), from headings.yaml, and how
clearly a paragraph that starts with one is a heading."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ..errors import SzpolicyError
from ..rules import compile_rule
from ..rules import load as load_rule
from ..text.distinct import per_text
from ..text.numerals import read_label, write_numeral
from .paragraphs import BLANK, Paragraph, ended

HEADING_LEAD = f"[{BLANK}]*"  # blanks that may precede a heading
CLAUSE_ENDS = "；;，,、：:"  # a line ending so is a list item or runs on, not a title
TITLE_MAX_CHARS = 60  # a one-sentence paragraph up to this long, not ended, reads as a heading
SHORT_TITLE_CHARS = 40  # a heading that ends with 。 or runs into its body is this short
CN_DIGITS = "〇零一二三四五六七八九"


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


@cache
def heading_styles() -> tuple[Style, ...]:
    """Heading styles from the package's headings.yaml, in priority order; a style without a
    name or a pattern with a `num` group, or naming an unknown style, is refused."""
    spec = load_rule("headings").data
    entries = spec["styles"] if isinstance(spec["styles"], list) else [None]
    names = {s.get("name") for s in entries if isinstance(s, dict)}
    styles = []
    for rank, s in enumerate(entries):
        pattern = s.get("pattern") if isinstance(s, dict) else None
        over = frozenset(s.get("parts_over", ())) if isinstance(s, dict) else frozenset()
        if not isinstance(pattern, str) or "(?P<num>" not in pattern or not s.get("name"):
            raise SzpolicyError(
                f"style {rank + 1} needs a name and a pattern with (?P<num>…)", "headings.yaml"
            )
        if not over <= names:
            raise SzpolicyError(
                f"style {s['name']} names unknown styles in parts_over", "headings.yaml"
            )
        pattern = pattern.replace("{numeral}", spec["numeral"])
        pattern = pattern.replace("{formal_numeral}", spec["formal_numeral"])
        regex = compile_rule(HEADING_LEAD + pattern, "headings.yaml")
        styles.append(Style(s["name"], regex, rank, over))
    return tuple(styles)


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
    return compile_rule(load_rule("headings").data["part_label"], "headings.yaml")


@per_text
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
    number = read_label(label)
    if number is None or number < 1:  # 〇、 numbers nothing
        return None
    return Heading(_heading_regex()[1][group][0], number, label, end)


def label_of(number: int, like: str) -> str:
    """A number written as a label like `like` is (三 or 3), for messages."""
    return str(number) if like.isdecimal() else write_numeral(number)


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
    lead = read_label(token[0])
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
    if len(paragraph.sentences) == 1 and not ended(paragraph.text):
        return 1.0 if title <= TITLE_MAX_CHARS else 0.2
    if title <= SHORT_TITLE_CHARS:
        return 0.8 if len(paragraph.sentences) == 1 else 0.4
    return 0.2
