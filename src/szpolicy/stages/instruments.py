"""Legal and policy instruments cited in a report, their kind read from the title's last word."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from functools import cache
from itertools import accumulate

import pandas as pd

from ..rules import load as load_rule
from ..schema import columns
from ..text.distinct import per_text, unused_char
from ..text.script import hans_aligned
from ..text.segment import pos_tags

COLUMNS = columns("legal_instruments")
TITLE_RE = re.compile(r"《([^《》]{1,80})》")
TRAILING_NOTE_RE = re.compile(r"\s*[（(][^（）()]*[）)]\s*$")  # (草案修改二稿), (試行)
DRAFT_RE = re.compile(r"草案|征求意见稿|送审稿|讨论稿")
SHORT_PREFIX = ("本", "该", "此", "上述", "前述")
CJK = r"[\u4e00-\u9fff]"
# Unbracketed names: a jurisdiction prefix (深圳經濟特區…條例) or 關於…的<kind>
PLACE_SUFFIX = r"(?:经济特区|特别行政区|自治区|省|市)"
PLACE_LEAD = 6  # at most this many characters of a place name come before its suffix
JURISDICTION = rf"(?:中华人民共和国|{CJK}{{2,{PLACE_LEAD}}}?{PLACE_SUFFIX})"
ENACTING = r"(?:制定出台|出台|制定|推出|发布|印发|颁布|修订|修改|审议通过|通过)"


@cache
def kinds() -> pd.DataFrame:
    """instrument_kinds.csv with a folded column for matching, longest kind first."""
    table = load_rule("instrument_kinds").data
    table = table.assign(folded=table["kind"].map(hans_aligned), bare=table["bare"] == "true")
    return table.assign(n=table["kind"].str.len()).sort_values("n", ascending=False)


@cache
def _kinds_by_ending() -> tuple[list[int], dict[str, str]]:
    """Lengths of the folded kinds, longest first, and the kind of each folded form.

    A title has one ending of each length, so looking each up, longest first, finds the kind
    that trying every kind in `kinds` order would (the first listed, if two fold alike).
    """
    by_folded: dict[str, str] = {}
    for folded, kind in zip(kinds()["folded"].tolist(), kinds()["kind"].tolist(), strict=True):
        by_folded.setdefault(folded, kind)
    return sorted({len(folded) for folded in by_folded}, reverse=True), by_folded


def kind_of(title: str) -> str:
    """The instrument kind a title ends with (after a trailing note), or '' for other works."""
    core = hans_aligned(title)
    if "）" in core or ")" in core:  # a trailing note ends with one; most titles have none
        core = TRAILING_NOTE_RE.sub("", core)
    lengths, by_folded = _kinds_by_ending()
    for n in lengths:
        if n <= len(core) and (kind := by_folded.get(core[-n:])) is not None:
            return kind
    return ""


@cache
def _kind_alternation(bare_only: bool) -> str:
    """Folded kinds as a regex alternation: the bare ones, or all with more than one character."""
    table = kinds()
    table = table[table["bare"]] if bare_only else table[table["kind"].str.len() > 1]
    return "|".join(table["folded"])


@cache
def _names_a_kind() -> re.Pattern:
    """Any kind an unbracketed name can end with: a text without one names no instrument."""
    return re.compile(f"{_kind_alternation(False)}|{_kind_alternation(True)}")


@cache
def _citation_marks() -> tuple[re.Pattern, str]:
    """A regex finding a 《 or a kind (what `_instruments_in` looks for first), and a
    character that neither holds, to join texts by."""
    marks = f"《|{_names_a_kind().pattern}"
    return re.compile(marks), unused_char([marks])


def _citing(folded: list[str]) -> list[int]:
    """Indices of the folded texts `_instruments_in` may find something in: with a 《 or a kind.

    One scan runs over all the texts joined by a character no mark holds, so no match spans
    two texts; the many texts that cite nothing then cost nothing more in Python. After a
    mark, the search resumes at the next text: one mark is enough.
    """
    marks, separator = _citation_marks()
    whole, ends = separator.join(folded), list(accumulate(len(text) + 1 for text in folded))
    citing, pos = [], 0
    while (m := marks.search(whole, pos)) is not None:
        i = bisect_right(ends, m.start())
        citing.append(i)
        pos = ends[i]
    return citing


@cache
def _unbracketed() -> list[re.Pattern]:
    any_kind, bare = _kind_alternation(False), _kind_alternation(True)
    return [
        re.compile(rf"(?P<name>关于{CJK}[^，。；《》「」]{{1,40}}?的(?:{any_kind}))"),
        re.compile(rf"(?P<name>{JURISDICTION}{CJK}{{1,20}}?(?:{any_kind}))(?!{CJK}*》)"),
        re.compile(rf"{ENACTING}(?P<name>{CJK}{{2,20}}?(?:{bare}))"),
    ]


@cache
def _jurisdiction_hint() -> re.Pattern:
    """What every jurisdiction-led name holds: a place suffix or 中华人民共和国, then its kind.

    The search skips in C to a suffix, where the jurisdiction regex, which starts with any
    character, would try every position.
    """
    return re.compile(
        rf"(?:中华人民共和国|{PLACE_SUFFIX}){CJK}{{1,20}}?(?:{_kind_alternation(False)})"
    )


def _jurisdiction_names(folded: str) -> Iterator[re.Match]:
    """The matches `_unbracketed()[1].finditer(folded)` gives, found faster.

    A match starts at most PLACE_LEAD characters before a place suffix (or at a 中华人民共和国)
    that `_jurisdiction_hint` finds, so the regex is tried at those starts only, leftmost
    first, where `finditer` would try every position.
    """
    regex, hint, pos = _unbracketed()[1], _jurisdiction_hint(), 0
    while (near := hint.search(folded, pos)) is not None:
        for start in range(max(pos, near.start() - PLACE_LEAD), near.start() + 1):
            if (match := regex.match(folded, start)) is not None:
                yield match
                pos = match.end()
                break
        else:
            pos = near.start() + 1


def _place_start(folded: str, start: int, end: int) -> int | None:
    """Where a jurisdiction-led name really starts: at its first place name (制定出台|深圳…條例)."""
    if folded.startswith("中华人民共和国", start):
        return start
    pos = start
    for word, flag in pos_tags(folded[start:end]):
        if flag == "ns" or (flag == "nt" and re.fullmatch(JURISDICTION, word)):
            return pos
        pos += len(word)
    return None


@cache
def _follower() -> re.Pattern:
    """A further bare-kind name joined by 和, 及, 与 or 、."""
    return re.compile(rf"[和及与、]({CJK}{{2,20}}?(?:{_kind_alternation(True)}))")


def _coordinated(folded: str, end: int) -> list[tuple[int, int]]:
    """證券仲裁規則和專利仲裁規則: further names joined to the one ending at `end`."""
    out = []
    while (m := _follower().match(folded, end)) is not None:
        out.append(m.span(1))
        end = m.end()
    return out


def _bracketed(text: str, folded: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) of the 《》 titles that end with an instrument kind."""
    found = []
    for m in TITLE_RE.finditer(folded):
        if kind := kind_of(text[m.start(1) : m.end(1)]):
            found.append((m.start(1), m.end(1), kind))
    return found


def _add_unbracketed(text: str, folded: str, found: list[tuple[int, int, str]]) -> None:
    """Add the names without 《》 that touch no name found before them."""
    for i, regex in enumerate(_unbracketed()):
        for m in _jurisdiction_names(folded) if i == 1 else regex.finditer(folded):
            start, end = m.span("name")
            if i == 1 and (start := _place_start(folded, start, end)) is None:
                continue
            for s, e in [(start, end), *(_coordinated(folded, end) if i == 2 else [])]:
                if all(e <= fs - 1 or s >= fe + 1 for fs, fe, _ in found):
                    found.append((s, e, kind_of(text[s:e])))


@per_text
def _instruments_in(text: str) -> tuple[tuple[int, int, str], ...]:
    """(start, end, kind) of every instrument title in a text, offsets excluding the 《》; cached:
    sentences recur (boilerplate, formulaic phrases).

    Most sentences have no 《 and name no kind: two quick tests skip the regexes for them.
    """
    folded = hans_aligned(text)
    found = _bracketed(text, folded) if "《" in folded else []
    if _names_a_kind().search(folded) is not None:
        _add_unbracketed(text, folded, found)
    return tuple(sorted(found))


def _is_short(title: str, kind: str) -> bool:
    """《條例》, 本條例: a title that is only its kind (`kind_of(title)`), maybe after 本, 该 …"""
    core = hans_aligned(title)
    if core.startswith(SHORT_PREFIX):
        core = core.removeprefix(next(p for p in SHORT_PREFIX if core.startswith(p)))
    return bool(kind) and hans_aligned(kind) == core


def extract_instruments(sentences: pd.DataFrame) -> pd.DataFrame:
    """One row per instrument cited; 《條例》-style back-references are kept and flagged."""
    texts = sentences["text"].tolist()
    folded = [hans_aligned(text) for text in texts]
    found = [
        (i, start, end, kind)
        for i in _citing(folded)
        for start, end, kind in _instruments_in(texts[i])
    ]
    return _instrument_frame(sentences, texts, found)


def _instrument_frame(
    sentences: pd.DataFrame, texts: list[str], found: list[tuple[int, int, int, str]]
) -> pd.DataFrame:
    """The instruments table of (sentence index, start, end, kind) finds.

    Offsets are into the whole report. Columns are typed from their values, as a frame built
    from rows is: object when nothing was found.
    """
    report_ids, section_nos, sentence_nos, offsets = (
        sentences[c].tolist() for c in ["report_id", "section_no", "sentence_no", "char_start"]
    )
    titles = [texts[i][start:end] for i, start, end, _ in found]
    kinds = [kind for *_, kind in found]
    columns = {
        "report_id": [report_ids[i] for i, *_ in found],
        "section_no": [section_nos[i] for i, *_ in found],
        "sentence_no": [sentence_nos[i] for i, *_ in found],
        "title": titles,
        "kind": kinds,
        "is_short_reference": list(map(_is_short, titles, kinds)),
        "is_draft": [DRAFT_RE.search(hans_aligned(title)) is not None for title in titles],
        "char_start": [offsets[i] + start for i, start, _, _ in found],
        "char_end": [offsets[i] + end for i, _, end, _ in found],
    }
    table = pd.DataFrame(columns) if found else pd.DataFrame([], columns=COLUMNS)
    return table.sort_values(["report_id", "char_start"], kind="mergesort").reset_index(drop=True)
