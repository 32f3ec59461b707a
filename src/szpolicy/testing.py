"""Synthetic reports for tests and benchmarks: the source reports' sections recombined,
renumbered, and written in every script, heading style, line ending and encoding szpolicy reads.

Every random choice comes from one `random.Random(seed)`, drawn in a fixed order whatever is
overridden, so two calls that differ in one keyword share every other choice (the same sections,
in the same order) and their sentences can be compared.
"""

from __future__ import annotations

import codecs
import os
import random
import re
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from .io import paths
from .io.read import Document, read_report
from .stages.headings import match_heading
from .stages.paragraphs import split_sentences
from .stages.structure import structure
from .text.numerals import write_numeral
from .text.script import SCRIPTS, detect_script, to_hans, to_hant

# Hant is the source text as-is or passed through OpenCC s2hk; Hans is OpenCC hk2s.
CONVERSIONS = ("as-is", "s2hk")
HEADING_STYLES = {
    "cn_dun": "{cn}、",
    "chapter": "第{cn}部分 ",
    "arabic_dun": "{n}、",
    "arabic_dot": "{n}. ",
}
INDENTS = ("", "\u3000\u3000", "  ")
NEWLINES = {"lf": "\n", "crlf": "\r\n"}
ENCODINGS = {
    "hant": ("utf-8", "utf-8-sig", "big5hkscs", "utf-16"),
    "hans": ("utf-8", "utf-8-sig", "gb18030", "utf-16"),
}
LEGACY = ("big5hkscs", "gb18030")
# What `read_report` reports for each encoding (UTF-16 is written little-endian with its BOM).
READ_AS = {"utf-16": "utf-16-le"}
CLUTTER_TOP = ("首頁 > 新聞中心 > 要聞", "當前位置：首頁 > 工作動態", "字號：【大 中 小】")
CLUTTER_BOTTOM = (
    "分享到：",
    "微信 微博 QQ空間",
    "【打印本頁】【關閉窗口】",
    "掃一掃在手機打開當前頁",
)
ANNEX_LABEL = "附件：典型案例"
SECTIONS_RANGE = (8, 22)  # the seed has 15 sections; reports average about its size
ANNEX_RANGE = (2, 4)
P_SUBHEADINGS, P_CLUTTER, P_ANNEX = 0.3, 0.4, 0.2
VARIED = re.compile("(?<=[^0-9])[0-9]+")  # Arabic numbers `vary_numbers` redraws


@dataclass(frozen=True)
class Section:
    """A source section: its title without numbering, body lines and caption (if any)."""

    title: str
    body: tuple[str, ...]
    caption: str | None


@dataclass(frozen=True)
class Pool:
    """What reports are made of: the sources' preambles (lede, intro) and their sections."""

    preambles: tuple[tuple[str, ...], ...]
    sections: tuple[Section, ...]


@dataclass(frozen=True)
class Plan:
    """Every choice for one report, drawn first so that overriding one keeps the others."""

    script: str
    conversion: str
    heading_style: str
    indent: str
    newline: str
    encoding_draw: float
    n_sections: int
    subheadings: bool
    clutter: bool
    annex: bool
    n_annex: int
    top: tuple[str, ...]
    bottom: tuple[str, ...]
    preamble: int
    order: tuple[int, ...]


def chinese_numeral(n: int) -> str:
    """一 … 九十九: the numerals of section headings."""
    if not 1 <= n <= 99:
        raise ValueError(f"section number {n} outside 1..99")
    return write_numeral(n)


def _heads_like(line: str) -> bool:
    """A line that some heading style would read as a heading, so it cannot be moved freely."""
    return match_heading(line) is not None


def _parse(index: int, text: str) -> tuple[tuple[str, ...], list[Section]]:
    """A source's preamble lines and its sections whose body lines cannot pass for headings."""
    doc = Document(f"source{index}", Path(f"<source {index}>"), text, "utf-8", "", "", 0)
    lines: dict[tuple[int, int], list[dict]] = {}
    for s in structure(doc).sentences:
        lines.setdefault((s["part"], s["section_no"]), []).append(s)
    preamble, sections = (), []
    for (part, number), rows in lines.items():
        by_line: dict[int, list[dict]] = {}
        for row in rows:
            by_line.setdefault(row["line_no"], []).append(row)
        spans = [
            (r[0]["role"], text[r[0]["char_start"] : r[-1]["char_end"]]) for r in by_line.values()
        ]
        if number == 0 and part == 1:
            preamble = tuple(t for role, t in spans if role in ("lede", "intro"))
            continue
        section = _section(spans)
        if section is not None:
            sections.append(section)
    if any(_heads_like(line) for line in preamble):
        preamble = ()
    return preamble, sections


def _section(spans: list[tuple[str, str]]) -> Section | None:
    """A Section from a source section's (role, line) pairs, or None if it cannot be reused."""
    if not spans or spans[0][0] != "heading":
        return None
    heading = match_heading(spans[0][1])
    title = spans[0][1][heading.end :].strip() if heading else ""
    body = tuple(t for role, t in spans if role == "body")
    captions = [t for role, t in spans if role == "caption"]
    caption = captions[0] if captions else None
    if not title or not body or any(_heads_like(line) for line in (*body, *captions)):
        return None
    return Section(title, body, caption)


@cache
def _source_pool(sources: tuple[str, ...]) -> Pool:
    """The sections and preambles of the source texts, parsed once."""
    preambles, sections = [], []
    for i, text in enumerate(sources):
        preamble, found = _parse(i, text)
        preambles.append(preamble)
        sections += found
    if not sections:
        raise ValueError("the source texts hold no reusable section (heading, body)")
    return Pool(tuple(preambles), tuple(sections))


@cache
def _source_scripts(sources: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(detect_script(text) for text in sources)


@cache
def _convert(text: str, script: str) -> str:
    return to_hant(text) if script == "hant" else to_hans(text)


def _conversion(plan: Plan, sources: tuple[str, ...]) -> str:
    """The OpenCC step actually applied: as-is only for Hant reports made of Hant sources."""
    if plan.script == "hans":
        return "hk2s"
    as_is = plan.conversion == "as-is" and set(_source_scripts(sources)) == {"hant"}
    return "as-is" if as_is else "s2hk"


@cache
def _rendered(sources: tuple[str, ...], script: str, conversion: str) -> Pool:
    """The pool in the target script, converted by OpenCC unless kept as-is."""
    pool = _source_pool(sources)

    def conv(text: str) -> str:
        return text if conversion == "as-is" else _convert(text, script)

    sections = tuple(
        Section(conv(s.title), tuple(map(conv, s.body)), s.caption and conv(s.caption))
        for s in pool.sections
    )
    return Pool(tuple(tuple(map(conv, p)) for p in pool.preambles), sections)


@cache
def _default_sources() -> tuple[str, ...]:
    """The raw reports of the project (the seed), decoded."""
    return tuple(read_report(p).text for p in sorted(paths.RAW.glob("*.txt")))


def _draw(rng: random.Random, pool: Pool) -> Plan:
    """Every random choice of a report, always all of them and always in this order."""
    return Plan(
        script=rng.choice(SCRIPTS),
        conversion=rng.choice(CONVERSIONS),
        heading_style=rng.choice(list(HEADING_STYLES)),
        indent=rng.choice(INDENTS),
        newline=rng.choice(list(NEWLINES)),
        encoding_draw=rng.random(),
        n_sections=rng.randint(*SECTIONS_RANGE),
        subheadings=rng.random() < P_SUBHEADINGS,
        clutter=rng.random() < P_CLUTTER,
        annex=rng.random() < P_ANNEX,
        n_annex=rng.randint(*ANNEX_RANGE),
        top=tuple(rng.sample(CLUTTER_TOP, rng.randint(1, len(CLUTTER_TOP)))),
        bottom=tuple(rng.sample(CLUTTER_BOTTOM, rng.randint(1, len(CLUTTER_BOTTOM)))),
        preamble=rng.randrange(len(pool.preambles)),
        order=tuple(rng.sample(range(len(pool.sections)), len(pool.sections))),
    )


def _override(plan: Plan, **given: object) -> Plan:
    """The plan with the caller's choices in place of the drawn ones, checked."""
    fields = {k: v for k, v in given.items() if v is not None}
    allowed = {
        "script": SCRIPTS,
        "heading_style": HEADING_STYLES,
        "newline": NEWLINES,
        "indent": INDENTS,
    }
    for key, options in allowed.items():
        if key in fields and fields[key] not in options:
            raise ValueError(
                f"{key}={fields[key]!r}; choose one of {', '.join(map(repr, options))}"
            )
    script = fields.get("script", plan.script)
    encoding = fields.pop("encoding", None)
    if encoding is not None and encoding not in ENCODINGS[script]:
        raise ValueError(f"encoding {encoding!r} is not written for {script} reports")
    if encoding == "big5hkscs":  # Big5 pages hold the original HK text; s2hk may leave Big5
        fields["conversion"] = "as-is"
    n = fields.get("n_sections", plan.n_sections)
    if not 1 <= n <= 99:
        raise ValueError(f"n_sections={n}; choose 1..99")
    return replace(plan, **fields)


def _subheaded(body: tuple[str, ...], k: int) -> list[tuple[str, ...]]:
    """The body cut into k groups of lines (at sentences when it is one line), never into a
    line that could pass for a heading; fewer groups when there is not enough text."""
    lines = body
    if len(body) == 1:
        lines = tuple(body[0][a:b] for a, b in split_sentences(body[0]))
        if any(_heads_like(line) for line in lines):
            lines = body
    k = max(1, min(k, len(lines)))
    step, extra = divmod(len(lines), k)
    groups, start = [], 0
    for i in range(k):
        stop = start + step + (i < extra)
        groups.append(lines[start:stop])
        start = stop
    return groups


def _sub_title(pool: Pool, index: int) -> str:
    """A short sub-heading title: the first clause of another section's title."""
    title = pool.sections[index].title
    for mark in "，,；;：:":
        title = title.split(mark)[0]
    return title[:20]


def _section_lines(
    pool: Pool, section: Section, number: int, style: str, sub: tuple[int, ...] | None
) -> list[str]:
    """Heading, body (with `（一）` sub-headings when `sub` gives their titles) and caption."""
    numbering = HEADING_STYLES[style].format(n=number, cn=chinese_numeral(number))
    lines = [numbering + section.title]
    if sub is None:
        lines += section.body
    else:
        for i, group in enumerate(_subheaded(section.body, sub[0])):
            lines.append(f"（{chinese_numeral(i + 1)}）{_sub_title(pool, sub[1 + i])}")
            lines += group
    if section.caption:
        lines.append(section.caption)
    return lines


def _picks(plan: Plan, count: int) -> list[int]:
    """Pool indexes of `count` sections: the drawn order, cycled when the pool is smaller."""
    return [plan.order[i % len(plan.order)] for i in range(count)]


def _report_lines(pool: Pool, plan: Plan, rng: random.Random) -> tuple[list[str], list[int]]:
    """The lines of a report, and the pool index of each of its sections."""
    main = plan.n_sections
    total = main + (plan.n_annex if plan.annex else 0)
    picks = _picks(plan, total)
    # Sub-heading draws are made for every section, used or not, to keep the draws aligned.
    n_pool = len(pool.sections)
    subs = [(rng.choice((2, 3)), *(rng.randrange(n_pool) for _ in range(3))) for _ in picks]
    top = [_convert(c, plan.script) for c in plan.top] if plan.clutter else []
    bottom = [_convert(c, plan.script) for c in plan.bottom] if plan.clutter else []
    lines = [*top, *pool.preambles[plan.preamble]]
    for i, index in enumerate(picks):
        if i == main:
            lines.append(_convert(ANNEX_LABEL, plan.script))
        number = i + 1 if i < main else i - main + 1
        sub = subs[i] if plan.subheadings else None
        lines += _section_lines(pool, pool.sections[index], number, plan.heading_style, sub)
    return lines + bottom, picks


def _varied_numbers(lines: list[str], rng: random.Random) -> list[str]:
    """The Arabic numbers not at a line's start redrawn (all digits but a long number's first)."""

    def redraw(m: re.Match) -> str:
        digits = m.group()
        first = digits[0] if len(digits) > 1 else rng.choice("123456789")  # 2xxx stays a year
        return first + "".join(rng.choice("0123456789") for _ in digits[1:])

    return [VARIED.sub(redraw, line) for line in lines]


def _encode(text: str, encoding: str) -> bytes:
    """Bytes of the text; UTF-16 is little-endian with a BOM on every machine."""
    if encoding == "utf-16":
        return codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    return text.encode(encoding)


def _pick_encoding(text: str, plan: Plan, given: str | None) -> str:
    """The given encoding, or one drawn among those of the script that can hold the text."""
    if given is not None:
        return given
    options = [e for e in ENCODINGS[plan.script] if e not in LEGACY or _encodable(text, e)]
    return options[int(plan.encoding_draw * len(options))]


def _encodable(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def generate_report(
    seed: int,
    source_texts: list[str] | None = None,
    *,
    script: str | None = None,
    heading_style: str | None = None,
    newline: str | None = None,
    encoding: str | None = None,
    n_sections: int | None = None,
    clutter: bool | None = None,
    annex: bool | None = None,
    subheadings: bool | None = None,
    indent: str | None = None,
    vary_numbers: bool = False,
) -> tuple[str, bytes, dict]:
    """A realistic report (text, its bytes, and the choices made) from the source reports;
    any keyword left None is drawn from `seed`, so one seed always gives the same report.

    `vary_numbers` redraws the digits of Arabic numbers inside lines (not heading numbers), as
    another year's report would, so that sentences repeat less across the corpus (about a third
    become distinct; most others hold no Arabic number).
    """
    sources = tuple(source_texts) if source_texts is not None else _default_sources()
    pool = _source_pool(sources)
    rng = random.Random(seed)  # noqa: S311 -- reproducible test data, not secrets
    plan = _override(
        _draw(rng, pool),
        script=script,
        heading_style=heading_style,
        newline=newline,
        n_sections=n_sections,
        clutter=clutter,
        annex=annex,
        subheadings=subheadings,
        indent=indent,
        encoding=encoding,
    )
    conversion = _conversion(plan, sources)
    rendered = _rendered(sources, plan.script, conversion)
    lines, picks = _report_lines(rendered, plan, rng)
    if vary_numbers:
        lines = _varied_numbers(lines, random.Random(~seed))  # noqa: S311 -- test data
    nl = NEWLINES[plan.newline]
    text = nl.join(plan.indent + line for line in lines) + nl
    chosen = _pick_encoding(text, plan, encoding)
    try:
        data = _encode(text, chosen)
    except UnicodeEncodeError as err:
        raise ValueError(f"the report cannot be written in {chosen}: {err.reason}") from None
    n_annex = plan.n_annex if plan.annex else 0
    info = {
        "seed": seed,
        "script": plan.script,
        "conversion": conversion,
        "heading_style": plan.heading_style,
        "indent": plan.indent,
        "newline": plan.newline,
        "encoding": chosen,
        "read_encoding": READ_AS.get(chosen, chosen),
        "n_sections": plan.n_sections + n_annex,
        "n_main": plan.n_sections,
        "n_annex": n_annex,
        "subheadings": plan.subheadings,
        "clutter": plan.clutter,
        "annex": plan.annex,
        "sections": picks,
    }
    return text, data, info


def corpus_seed(seed: int, i: int) -> int:
    """The seed of the i-th report of a corpus: distinct for every (seed, i)."""
    return (seed << 32) | i


def write_corpus(folder: Path, n: int, seed: int = 0, **kw: object) -> list[Path]:
    """Write n generated reports `gen_00000.txt`… to folder; each file appears whole (written
    aside, then renamed), so concurrent writers and readers never see a partial report."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for i in range(n):
        _, data, _ = generate_report(corpus_seed(seed, i), **kw)
        path = folder / f"gen_{i:05d}.txt"
        tmp = folder / f".{path.name}.{os.getpid()}.tmp"
        tmp.write_bytes(data)
        os.replace(tmp, path)
        written.append(path)
    return written
