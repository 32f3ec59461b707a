"""Quantitative indicators: each numeral of a sentence is a measurement or excluded, with why.

The rules (units, qualifiers, directions, exclusion cues) are data files in `szpolicy/data`;
matching runs on the sentence folded to Simplified with offsets kept, so a report and its
Simplified conversion give the same rows.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from functools import cache, partial
from itertools import accumulate
from operator import attrgetter, itemgetter

import pandas as pd

from ..schema import columns
from ..text.distinct import SENTENCES_CACHED
from ..text.lookahead import with_lookahead
from ..text.numerals import (
    CN_CHARS,
    DIGIT,
    NUMERAL,
    NUMERAL_FIRST,
    NUMERAL_RE,
    Reading,
    place,
    read_numeral,
)
from ..text.prefilter import Prefilter, ones
from ..text.script import hans_aligned as fold
from ..text.segment import Tags, parts, pos_tags
from .agencies import Mention
from .dates import find_dates
from .number_rules import (
    CLAUSE_MARKS,
    Unit,
    bases,
    directions,
    implied_units,
    marks,
    qualifiers,
    rules,
    units,
)
from .records import records

INDICATOR_COLUMNS = columns("indicators")
EXCLUDED_COLUMNS = columns("numbers_excluded")
INDICATOR_VALUES = itemgetter(*INDICATOR_COLUMNS[4:-2])  # a row's fields from surface to measure
CLAUSE_END_RE = re.compile(f"[{CLAUSE_MARKS}]")
DIGIT_RE = re.compile(DIGIT)
MULTIPLIERS = "十百千万亿"
NOUN_FLAGS = ("n", "vn", "an", "j", "b", "a", "l", "s", "eng")
VERB_FLAGS = ("v", "vd", "p")
NOMINAL_SUFFIXES = "率量数额值"  # 上訴率, 改判率: the tagger reads these as verbs
COMPARISON_WORDS = {"同比", "环比", "大幅", "累计", "共计", "合计", "总计", "分别", "共", "达"}
# How far the measure, base and direction look from a number: bounded, so a sentence with many
# numbers and no clause marks costs time linear in its length.
WINDOW = 24
# Between the two ends of a range: 4.5%—5%, 3至5年, 两到三年
RANGE_GAP_RE = re.compile(r"\s*(?:[—–－~～\-]{1,2}|至|到)\s*")
PERCENT: Unit = ("%", "%", "percent", 1.0)
MULTIPLE: Unit = ("倍", "倍", "multiple", 1.0)


# word -> its first row; first character -> the lengths of the words it begins, longest first;
# last character -> the lengths of the words it ends, longest first
Words = tuple[dict[str, tuple], dict[str, tuple[int, ...]], dict[str, tuple[int, ...]]]
Matcher = tuple[re.Pattern, dict[str, tuple], int]  # alternation, word -> row, longest word


def _first_rows(rows: list[tuple]) -> dict[str, tuple]:
    """Rows keyed by their first field, the word (the first row of each word)."""
    lookup: dict[str, tuple] = {}
    for row in rows:
        lookup.setdefault(row[0], row)
    return lookup


def _words(rows: list[tuple]) -> Words:
    """`_first_rows`, and the lengths of the words by first and by last character: a word at a
    position is found by slicing only what may be there, longest first (cheaper than trying an
    alternation of all of them)."""
    lookup = _first_rows(rows)
    return lookup, _lengths(lookup, 0), _lengths(lookup, -1)


def _lengths(words: dict[str, tuple], end: int) -> dict[str, tuple[int, ...]]:
    """Character at index `end` of the words -> their distinct lengths, longest first."""
    out: dict[str, set[int]] = {}
    for word in words:
        out.setdefault(word[end], set()).add(len(word))
    return {c: tuple(sorted(lengths, reverse=True)) for c, lengths in out.items()}


def _matcher(rows: list[tuple], wrap: str) -> Matcher:
    """The rows as one regex trying them in order (longest first, so the longest word wins),
    the first row of each word, and the longest word's length."""
    lookup = _first_rows(rows)
    words = "|".join(re.escape(row[0]) for row in rows) or "(?!)"
    return re.compile(wrap.format(words)), lookup, max(map(len, lookup), default=0)


def _row_at(words: Words, text: str, pos: int) -> tuple | None:
    """The row of the longest word written at pos, or None."""
    lookup, by_first, _ = words
    for length in by_first.get(text[pos : pos + 1], ()):
        if (row := lookup.get(text[pos : pos + length])) is not None:
            return row  # a slice cut short by the text's end is the longest prefix there is
    return None


def _row_before(words: Words, text: str, pos: int) -> tuple | None:
    """The row of the longest word ending at pos, or None."""
    lookup, _, by_last = words
    for length in by_last.get(text[pos - 1 : pos] if pos else "", ()):
        if length <= pos and (row := lookup.get(text[pos - length : pos])) is not None:
            return row
    return None


@cache
def _unit_words() -> Words:
    return _words(units())


@cache
def _cue_words(position: str) -> Words:
    return _words(qualifiers().get(position, []))


@cache
def _cue_matcher(position: str, wrap: str) -> Matcher:
    return _matcher(qualifiers().get(position, []), wrap)


def _unit_at(folded: str, pos: int) -> Unit | None:
    """The unit written at pos, after at most one space (3 ％ in a spaced-out transcription)."""
    space = folded.startswith((" ", "\u200b", "\u3000"), pos)
    row = _row_at(_unit_words(), folded, pos + space)
    if row is None:
        return None
    written, unit, kind, factor = row
    return (folded[pos] + written if space else written), unit, kind, factor


@cache
def _implied_words() -> Words:
    return _words(implied_units())


def _head_at(folded: str, pos: int) -> str:
    """The implied-unit head noun starting at pos (家庭), or ''."""
    row = _row_at(_implied_words(), folded, pos)
    return row[0] if row else ""


def _implied_unit(measure: str) -> Unit | None:
    """The unit implied by the first head noun of a measure (农村人口: 人; 农村人口饮水问题: 人)."""
    found = [(i + len(u[0]), u) for u in implied_units() if (i := measure.find(u[0])) >= 0]
    return min(found, key=lambda f: f[0])[1] if found else None


# 8000多万农业转移人口: the head noun a few characters after the number, before 的, 和, 、
HEAD_REACH = 8
HEAD_STOP_RE = re.compile("[的和与及、]")
IMPLIED_GAP = 6  # 人口控制在12亿: at most this many characters between the noun and the number


def _implied_unit_before(before: str) -> Unit | None:
    """The unit implied by a head noun shortly before the number with nothing of another noun
    between (人口控制在12亿左右: 人; not 农户一年的收入300, nor 劳动者…、让三百六十行)."""
    found = [(before.rfind(u[0]) + len(u[0]), u) for u in implied_units() if u[0] in before]
    if not found:
        return None
    end, unit = max(found, key=lambda f: f[0])
    gap = before[end:]
    return unit if len(gap) <= IMPLIED_GAP and not set(gap) & set("的、") else None


def _cue_at(folded: str, pos: int, position: str) -> tuple[str, str] | None:
    return _row_at(_cue_words(position), folded, pos)


def _cue_before(folded: str, pos: int) -> tuple[str, str] | None:
    """The longest `before` cue ending at pos."""
    return _row_before(_cue_words("before"), folded, pos)


# 约占全年投资总额的三分之二: a `before_share` cue (约占), the whole (at most SHARE_GAP characters,
# no clause mark), 的, then the number
SHARE_GAP = 16
SHARE_WRAP = f"(?P<cue>{{}})[^{CLAUSE_MARKS}]{{{{0,{SHARE_GAP}}}}}?的\\Z"  # around the cues


def _share_cue(folded: str, clause_start: int, start: int) -> str:
    """The qualifier of a cue such as 约占 before the whole and 的 that end at the number, or ''."""
    regex, lookup, longest = _cue_matcher("before_share", SHARE_WRAP)
    m = regex.search(folded, max(clause_start, start - SHARE_GAP - longest - 2), start)
    return lookup[m.group("cue")][1] if m else ""


def _containers(
    folded: str, opens: str, closes: str, max_chars: int | None
) -> list[tuple[int, int]]:
    """Spans inside paired marks (《…》, 「…」); quotes over max_chars are speech, not names."""
    spans, stack = [], []
    for m in marks(opens + closes).finditer(folded):
        i, ch = m.start(), m.group()
        if ch in opens and not (ch in closes and stack):
            stack.append(i)
        elif ch in closes and stack:
            start = stack.pop()
            if max_chars is None or i - start - 1 <= max_chars:
                spans.append((start + 1, i))
    return spans


def _word_spans(folded: str, words: list[str]) -> list[tuple[int, int]]:
    return [
        (m.start(), m.end())
        for w in words
        if w in folded
        for m in re.finditer(re.escape(w), folded)
    ]


class Spans:
    """Spans of a sentence, asked whether one contains or overlaps a range in O(log n): the
    lookups run once per numeral, so a linear scan would make a long sentence quadratic."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.spans = sorted(spans)
        self.starts = [s for s, _ in self.spans]
        self.reach = list(accumulate((e for _, e in self.spans), max))  # furthest end so far

    def contains(self, start: int, end: int) -> bool:
        """Whether a span holds all of [start, end)."""
        i = bisect_right(self.starts, start)
        return bool(i) and self.reach[i - 1] >= end

    def overlaps(self, start: int, end: int) -> bool:
        """Whether a span shares a character with [start, end)."""
        i = bisect_left(self.starts, end)
        return bool(i) and self.reach[i - 1] > start


NO_SPANS = Spans([])  # read only: most sentences have no lexical word, title or mention


@dataclass(slots=True)
class Numeral:
    """A numeral in a sentence and what was decided about it (offsets local to the sentence).

    Forms read as a whole (三分之一, 八成, 翻一番, 数以万计, 3000多亿) carry their reading and unit.
    """

    start: int
    end: int
    reason: str = ""  # non-empty when excluded
    span: tuple[int, int] | None = None  # the excluded row's span when larger than the numeral
    skip: bool = False  # a word, not a number (统一, 一审): no row at all
    reading: Reading | None = None  # set by a whole form
    unit: Unit | None = None  # set by a whole form (三分之一: %)
    qualifier: str = ""  # set by a whole form (3000多亿: more_than)


def _span_rules(
    text: str, folded: str, candidates: int
) -> Iterator[tuple[list[tuple[int, int]], str]]:
    """Span groups that exclude every numeral they touch, in rule order: dates, then patterns.

    A pattern runs only if it is among the candidates (bits: the sentence holds one of its
    `needs`, or it has none; `_sentence_filter`); one with a group named x excludes that group
    only (the rest of its match is context). The spans of one group come in order and never
    overlap (as dates and a regex's matches do). Groups are made as they are asked for: a
    sentence whose numerals an early rule settles runs no later one. Empty groups are left
    out: they settle nothing.
    """
    dates = find_dates(text)
    for p, reason in (("year", "year"), ("month", "date"), ("day", "date")) if dates else ():
        if spans := [(d.start, d.end) for d in dates if d.precision == p]:
            yield spans, reason
    patterns = _patterns()
    for i in ones(candidates):  # the few rules that may match, in order
        regex, reason, group = patterns[i]
        if spans := [s for m in regex.finditer(folded) if (s := m.span(group))[1] > s[0]]:
            yield spans, reason


@cache
def _patterns() -> list[tuple[re.Pattern, str, int | str]]:
    """The exclusion patterns, each with the group it excludes: x if it has one (the rest of its
    match is context), else the whole match (looked up once: `groupindex` copies a dict)."""
    return [
        (regex, reason, "x" if "x" in regex.groupindex else 0)
        for regex, reason, _ in rules().patterns
    ]


def _apply_span_rules(text: str, folded: str, numerals: list[Numeral], candidates: int) -> None:
    """Give each numeral the first rule whose span overlaps it, and that span; rules run only
    while some numeral is left unsettled (patterns only among the candidates, as bits)."""
    pending = numerals
    for spans, reason in _span_rules(text, folded, candidates) if pending else ():
        pending = _settle(pending, spans, reason)
        if not pending:
            return


def _settle(numerals: list[Numeral], spans: list[tuple[int, int]], reason: str) -> list[Numeral]:
    """Give each numeral the last of `spans` that overlaps it, and the reason; the numerals none
    overlaps. One sweep: numerals and spans are each in order and disjoint."""
    left, i, last = [], -1, len(spans) - 1
    for n in numerals:
        while i < last and spans[i + 1][0] < n.end:
            i += 1
        if i >= 0 and spans[i][1] > n.start:
            n.span, n.reason = spans[i], reason
        else:
            left.append(n)
    return left


def _is_hotline(folded: str, n: Numeral) -> bool:
    r, token = rules(), folded[n.start : n.end]
    if not token.isdigit() or len(token) < 3:
        return False
    if r.hotline_numbers.fullmatch(token):
        return True
    after = folded[n.end : n.end + r.hotline_gap + 4]
    before = folded[max(0, n.start - r.hotline_gap) : n.start]
    return any(c in after for c in r.hotline_after) or any(c in before for c in r.hotline_before)


def _is_year(folded: str, n: Numeral) -> bool:
    low, high, _ = rules().years
    token = folded[n.start : n.end].replace(" ", "").replace("\u200b", "")
    return len(token) == 4 and token.isdigit() and low <= int(token) <= high


# Forms read as a whole, each a regex and a function from its match to (reading, unit,
# qualifier). Their parts are numerals the plain scan would read one by one, wrongly.
_N = f"(?={NUMERAL_FIRST}){NUMERAL}"  # the lookahead: same matches, most positions fail at once
# 三分之一到三分之二 is two fractions (a range merged later), not 三分之一到三 (n2 = 三)
FRACTION_RE = re.compile(
    rf"(?P<d>{_N})分之(?P<n>{_N})(?:(?:[到至~～—－\-])(?P<n2>{_N})(?!{_N}|分之))?"
)
# 1/3, 1／4: a fraction written with a slash (not a date or a part of a longer run)
SLASH_FRACTION_RE = re.compile(
    with_lookahead(
        rf"(?<![{DIGIT[1:-1]}/／.．])(?P<n>{DIGIT}{{1,2}})\s*[/／]\s*(?P<d>{DIGIT}{{1,2}})(?![{DIGIT[1:-1]}/／.．])"
    )
)
# 八成, 近八成, 三成以上: tenths; not 一成不变, 八成为 (成 as a verb), 成本 …
TENTHS_RE = re.compile(
    with_lookahead(
        "(?<![成])(?P<n>[一二两三四五六七八九]|十)成半?(?!为|员|立|本|果|效|绩|功|就|长|型|熟|交|片|网"
        "|套|龙|风|才|家|群结|千|百|万|规|色|品|分|都|年|像|器|书|语|败|全|文|批|倍|事|亲|婚|材|衣|药"
        "|活|行|不|一|了|建|熟|灾)"
    )
)
WORD_FORMS_RE = re.compile("倍增|翻番|半[数數]")  # whole forms with no numeral character
DOUBLING_RE = re.compile("翻了?(?P<k>[一两二三四])番|翻番|倍增")
HALF_RE = re.compile(
    with_lookahead("(?<![一二两三四五六七八九十])一半|半数")
)  # 缩小一半, 半数以上: 50%
MANY_RE = re.compile(
    with_lookahead(
        f"数以(?P<x>[{MULTIPLIERS}]+)计"  # 数以万计: tens of thousands
        f"|成(?P<a>[十百千万])上(?P<b>[百千万亿])"  # 成千上万
        f"|(?<![以之向至])上(?P<m>[十百千]万|[百千万亿])(?![年里])"  # 上千, 上万, 上千万
        "|(?<![人总次户件指基分倍系函参变多少半岁无个天年页票位级])"
        f"数(?P<s>[{MULTIPLIERS}]+)"  # 数十, 数百万: several tens, several millions
    )
)
# 一、二千万, 二、三十亿: two neighbouring digits listed before one multiplier (approx); not a
# list marker (nothing before it) nor an ordinal (第一、二)
ENUMERATED_RE = re.compile(
    with_lookahead(
        "(?<=[\u4e00-\u9fff])(?<![第一二两三四五六七八九十])"
        f"(?P<a>[一二两三四五六七八])、(?P<b>[二两三四五六七八九])(?P<m>[{MULTIPLIERS}]+)"
    )
)
MORE_THAN_MULTIPLIER_RE = re.compile(
    rf"(?P<n>{_N})(?P<q>[多余])(?P<m>[{MULTIPLIERS}]+)"  # 3000多亿, 十多万, 一百余万
)


def _value(token: str) -> float:
    reading = read_numeral(token)
    if reading is None:
        raise ValueError(token)
    return reading.value


def _fraction(m: re.Match) -> tuple[Reading, tuple, str]:
    whole, part = read_numeral(m["d"]), read_numeral(m["n"])
    if whole is None or part is None or not whole.value:
        raise ValueError(m.group())
    low, high = 100 * part.low / whole.value, 100 * part.high / whole.value
    if m["n2"]:
        return Reading(low, low, 100 * _value(m["n2"]) / whole.value, "range"), PERCENT, "range"
    return Reading(_round(low), _round(low), _round(high), part.qualifier), PERCENT, ""


def _slash_fraction(m: re.Match) -> tuple[Reading, tuple, str]:
    value = _round(100 * _value(m["n"]) / _value(m["d"]))
    return Reading(value, value, value, "exact"), PERCENT, ""


def _round(x: float) -> float:
    """Shortest float near x (33.333333333333336 stays, 14.000000000000002 -> 14)."""
    return float(f"{x:.12g}")


def _tenths(m: re.Match) -> tuple[Reading, tuple, str]:
    value = _value(m["n"]) * 10 + (5 if m.group().endswith("半") else 0)
    return Reading(value, value, value, "exact"), PERCENT, ""


def _doubling(m: re.Match) -> tuple[Reading, tuple, str]:
    value = float(2 ** int(_value(m["k"]))) if m["k"] else 2.0
    return Reading(value, value, value, "exact"), MULTIPLE, ""


def _half(m: re.Match) -> tuple[Reading, tuple, str]:
    return Reading(50.0, 50.0, 50.0, "exact"), PERCENT, ""


def _many(m: re.Match) -> tuple[Reading, None, str]:
    """成千上万, 数以万计, 上千: from the first magnitude to ten times it; 数十, 数亿: 2..9 times
    the magnitude, as 几十, 几亿 (numerals.read_numeral)."""
    if m["a"]:
        low, high = _value(m["a"]), _value(m["b"]) * 10
    elif m["s"]:
        scale = _value(m["s"])
        low, high = 2 * scale, 9 * scale
    else:
        scale = _value(m["x"] or m["m"])
        low, high = scale, scale * 10
    return Reading(low, low, high, "indefinite"), None, ""


def _more_than_multiplier(m: re.Match) -> tuple[Reading, None, str]:
    """3000多亿 = 3000亿..4000亿, 二十五亿七千多万 = 25.7亿..25.8亿: the multiplier after 多 scales
    the whole number, and 多 reaches the next step of its last digit."""
    value = _value(m["n"] + m["m"])
    return Reading(value, value, _round(value + place(value)), "more_than"), None, ""


def _enumerated(m: re.Match) -> tuple[Reading, None, str]:
    reading = read_numeral(m["a"] + m["b"] + m["m"])
    if reading is None or reading.qualifier != "approx":
        raise ValueError(m.group())
    return reading, None, ""


# Each whole form with what its match always contains (one of): a sentence holding none of
# these skips the regex. Pairs of characters, where a form has them, rule out more sentences
# than a common character alone (、, 成, 上, 多).
WHOLE_FORMS = (
    (ENUMERATED_RE, _enumerated, tuple(d + "、" for d in "一二两三四五六七八")),
    (FRACTION_RE, _fraction, ("分之",)),
    (SLASH_FRACTION_RE, _slash_fraction, ("/", "／")),
    (TENTHS_RE, _tenths, tuple(d + "成" for d in "一二两三四五六七八九十")),
    (DOUBLING_RE, _doubling, ("番", "倍增")),
    (HALF_RE, _half, ("一半", "半数")),
    (MANY_RE, _many, ("数以", *(c + m for c in "上数" for m in MULTIPLIERS))),
    (
        MORE_THAN_MULTIPLIER_RE,
        _more_than_multiplier,
        tuple(q + m for q in "多余" for m in MULTIPLIERS),
    ),
)
# The bits of `_sentence_filter`'s rules: the lexical words, the title and quote marks, the
# whole forms, then the exclusion patterns (last: a shift leaves only theirs).
LEXICAL, MARKS, FORMS = 0, 1, 2
PATTERNS = FORMS + len(WHOLE_FORMS)
FORMS_MASK = (1 << len(WHOLE_FORMS)) - 1


@cache
def _sentence_filter() -> Prefilter:
    """One prefilter for every rule that words a sentence lacks rule out (bits as above): one
    pass over a sentence finds them all, instead of one pass or search for each group."""
    r = rules()
    marks = r.title_marks[0] + r.title_marks[1] + r.quote_marks[0] + r.quote_marks[1]
    forms = [needs for _, _, needs in WHOLE_FORMS]
    return Prefilter([r.lexical, list(marks), *forms, *(needs for _, _, needs in r.patterns)])


TRIMMED = frozenset(MULTIPLIERS + "萬億")  # multipliers a unit may begin with (千瓦, 万元)


def _trim_unit(folded: str, start: int, end: int) -> int:
    """End of a numeral without a unit that starts with a multiplier (214万千瓦: 214万)."""
    if end - start < 2:  # most numerals: one character, nothing to cut
        return end
    for cut in (end - 1, end - 2):
        if cut > start and folded[cut] in TRIMMED:
            unit = _unit_at(folded, cut)
            if unit is not None and unit[0][0] in CN_CHARS:
                return cut
    return end


# 1980两年, 一九八二两个: a count after a year (两 never continues a string of digits)
AFTER_ARABIC, BEFORE_TWO = "一二两三四五六七八九〇○零", "〇○零一二三四五六七八九"
ARABIC_THEN_DIGIT_RE = re.compile(
    f"(?<={DIGIT})(?=[{AFTER_ARABIC}])|(?<=[{BEFORE_TWO}]{{2}})(?=两)"
)
# Whether a text has such a cut, by a search that begins with a class of characters, so the engine
# skips to where a cut can be (lookbehinds first are tried at every position): a digit, then a
# Chinese digit after an Arabic one, or a second digit and 两 after a Chinese one
HAS_CUT_RE = re.compile(
    f"[{DIGIT[1:-1]}{BEFORE_TWO}]"
    f"(?:(?<={DIGIT})[{AFTER_ARABIC}]|(?<=[{BEFORE_TWO}])[{BEFORE_TWO}]两)"
)


def _split(m: re.Match) -> list[tuple[int, int]]:
    """A run is two numerals where a Chinese digit follows Arabic ones (1980两年: 1980, 两)."""
    cuts = [m.start() + c.start() for c in ARABIC_THEN_DIGIT_RE.finditer(m.group())]
    bounds = [m.start(), *cuts, m.end()]
    return list(zip(bounds, bounds[1:], strict=False))


def _whole(m: re.Match) -> tuple[tuple[int, int]]:
    """A run as one numeral: `_split` of a run in a sentence without a cut."""
    return (m.span(),)


def _numerals(folded: str, forms: list[int]) -> list[Numeral]:
    """Every numeral of a folded sentence: whole forms first (those of `forms`, the ones that
    may match, in order), then the plain numerals left."""
    wholes: list[Numeral] = []
    for i in forms:
        regex, read, _ = WHOLE_FORMS[i]
        for m in regex.finditer(folded):
            try:
                reading, unit, qualifier = read(m)
            except (ValueError, ArithmeticError):
                continue
            end = _trim_unit(folded, m.start(), m.end()) if unit is None else m.end()
            if end < m.end():  # 1500多万千瓦: read again without the unit's 千
                again = regex.fullmatch(folded, m.start(), end)
                if again is None:
                    continue
                reading, unit, qualifier = read(again)
            wholes.append(Numeral(m.start(), end, reading=reading, unit=unit, qualifier=qualifier))
    wholes.sort(key=lambda n: (n.start, -n.end))
    taken: list[Numeral] = []
    for n in wholes:
        if not taken or n.start >= taken[-1].end:
            taken.append(n)
    spans = Spans([(n.start, n.end) for n in taken]) if taken else NO_SPANS
    # a run splits only where the sentence has a cut: most have none, and skip the test per run
    split = _split if HAS_CUT_RE.search(folded) else _whole
    plain = [
        Numeral(start, _trim_unit(folded, start, end))
        for m in NUMERAL_RE.finditer(folded)
        if spans is NO_SPANS or not spans.overlaps(m.start(), m.end())
        for start, end in split(m)
    ]
    return sorted(taken + plain, key=attrgetter("start")) if taken else plain  # in order


def classify(text: str, mention_spans: list[tuple[int, int]] = ()) -> list[Numeral]:
    """Every numeral of a sentence, each excluded with a reason, skipped as a word, or kept."""
    r = rules()
    folded = fold(text)
    found = _sentence_filter().mask(folded)
    numerals = _numerals(folded, ones(found >> FORMS & FORMS_MASK))
    if not numerals:
        return numerals
    lexical = Spans(_word_spans(folded, r.lexical)) if found >> LEXICAL & 1 else NO_SPANS
    titles = quotes = NO_SPANS
    if found >> MARKS & 1:
        titles = Spans(_containers(folded, r.title_marks[0], r.title_marks[1], None))
        quotes = Spans(_containers(folded, *r.quote_marks[:2], r.quote_marks[3]))
    mentions = Spans(list(mention_spans)) if mention_spans else NO_SPANS
    for n in numerals if lexical is not NO_SPANS else ():
        n.skip = n.reading is None and lexical.contains(n.start, n.end)
    _apply_span_rules(text, folded, [n for n in numerals if not n.skip], found >> PATTERNS)
    for i, n in enumerate(numerals):
        if n.skip or n.reason:
            continue
        token = folded[n.start : n.end]
        whole = n.reading is not None
        unit = n.unit or _unit_at(folded, _after_number_cue_end(folded, n.end))
        if not whole and unit is None and token in r.lexical_chars:
            n.skip = True
        elif not whole and folded[n.start - 1 : n.start] in ("多", "余") and token in MULTIPLIERS:
            n.reason = "unreadable"  # 550 / 多万公里: the digits were cut off by a line break
        elif not whole and unit is None and _is_hotline(folded, n):
            n.reason = "hotline"
        elif titles.contains(n.start, n.end):
            n.reason = r.title_marks[2]
        elif quotes.contains(n.start, n.end):
            n.reason = r.quote_marks[2]
        elif mentions.contains(n.start, n.end):
            n.reason = r.mention_reason
        elif whole:
            continue
        elif token in r.vague[0]:
            n.reason = r.vague[1]
            n.span = (n.start, n.end + (len(unit[0]) if unit else 0))
        elif (unit is None or unit[1] == "年") and _is_year(folded, n):
            n.reason = r.years[2]  # 1998年 in a spaced-out transcription the date rules miss
        elif _is_article(token, unit, folded, n.end):
            n.reason = "indefinite_article"
            n.span = (n.start, n.end + len(unit[0]))
        elif (
            unit is None
            and not DIGIT_RE.search(token)
            and not _range_head(folded, numerals, i)
            and not _counts_alone(token)
        ):
            n.reason = "idiom"
    return numerals


COUNT_ALONE_RE = re.compile(
    "[一二两三四五六七八九几][十百千万亿]*[百千万亿]|[百千万亿].*[一二两三四五六七八九]"
)


def _counts_alone(token: str) -> bool:
    """A Chinese number with a digit and 百, 千, 万 or 亿 counts even without a classifier
    (三十万手工业者, 五亿多农民); 三, 十, 百, 亿万 alone are idioms (三农, 十大, 亿万人民)."""
    return len(token) > 1 and COUNT_ALONE_RE.search(token) is not None


def _range_head(folded: str, numerals: list[Numeral], i: int) -> bool:
    """Whether numeral i and the next are the two ends of a range (三至五年, 4.5%—5%)."""
    if i + 1 >= len(numerals):
        return False
    n, nxt = numerals[i], numerals[i + 1]
    pos = n.end
    if (unit := _unit_at(folded, pos)) is not None:
        pos += len(unit[0])
    m = RANGE_GAP_RE.match(folded, pos)
    return m is not None and m.end() == nxt.start


def _after_number_cue_end(folded: str, pos: int) -> int:
    cue = _cue_at(folded, pos, "after_number")
    return pos + len(cue[0]) if cue else pos


def _clausemarks(folded: str) -> list[int]:
    """Positions of the clause marks of a sentence, found once for all its numbers."""
    return [m.start() for m in CLAUSE_END_RE.finditer(folded)]


def _clause(folded: str, start: int, end: int, marks: list[int]) -> tuple[int, int]:
    """The clause around [start, end), cut to WINDOW characters on either side."""
    i = bisect_left(marks, start)
    j = bisect_left(marks, end)
    first = marks[i - 1] + 1 if i else 0
    last = marks[j] if j < len(marks) else len(folded)
    return max(first, start - WINDOW), min(last, end + WINDOW)


@cache
def _direction_matcher() -> Matcher:
    """The longest direction cue starting at each position (a lookahead, so cues may overlap)."""
    return _matcher(directions(), "(?=({}))")


def _direction(folded: str, clause_start: int, start: int) -> str:
    """The cue of the clause that ends nearest before the number, within the window."""
    window = rules().direction_window
    regex, lookup, longest = _direction_matcher()
    best, best_end = "", -1
    for m in regex.finditer(folded, max(clause_start, start - window - longest), start):
        end = m.end(1)
        if start - end <= window and end > best_end:
            best, best_end = lookup[m.group(1)][1], end
    return best


def _base(folded: str, clause_start: int, start: int) -> str:
    """What a change is measured against: the last base cue of the clause before the number."""
    found = ""
    for m in bases().finditer(folded, clause_start, start):
        found = m.lastgroup.rsplit("_", 1)[0]
    return found


def _nounish(word: str, flag: str) -> bool:
    return flag.startswith("n") or flag in NOUN_FLAGS or word in NOMINAL_SUFFIXES


@cache
def _words_before_number() -> frozenset[str]:
    """Words between a counted noun and its number (同比, 增長, 超過): skipped by `_measure`."""
    cues = {c for c, _ in directions()} | {c for c, _ in qualifiers()["before"]}
    return frozenset(COMPARISON_WORDS | cues)


def _measure(
    folded: str, start: int, end: int, clause: tuple[int, int]
) -> Generator[str, Tags, tuple[int, int]]:
    """Span of the noun phrase counted: after the unit (15名理事), else before (閱卷15.2萬件).
    Yields each text it needs tagged, and is sent its tags (`_tagged_together`)."""
    pos = end + (folded.startswith("的", end))
    words = list((yield folded[pos : clause[1]]))
    if words and words[0][1] in VERB_FLAGS and "的" in folded[pos : clause[1]]:
        pos = folded.index("的", pos) + 1  # 十個具有區域特色的樣板點: the head after the clause
        words = list((yield folded[pos : clause[1]]))
    if len(words) == 2 and words[0][1] == "v" and _nounish(*words[1]):
        words[0] = (words[0][0], "vn")  # 4個應用場景 at a clause end: a verb in a compound noun
    length = 0
    for word, flag in words:
        if not _nounish(word, flag):
            break
        length += len(word)
    if length:
        return pos, pos + length
    # the words before, a part of the text at a time from its end, while they may change it
    before, words = parts(folded[clause[0] : start]), []
    while (found := _noun_before(words, whole=not before)) is None:
        words[:0] = yield before.pop()
    skipped, length = found
    return start - skipped - length, start - skipped


def _noun_before(words: list[tuple[str, str]], whole: bool) -> tuple[int, int] | None:
    """(characters of the trailing words skipped, length of the noun phrase before them) of the
    words before a number; None when they are not `whole` and earlier words could change that
    (every one is skipped, or every one left is nounish)."""
    skip, i, skipped = _words_before_number(), len(words), 0
    while i and (
        words[i - 1][0] in skip or words[i - 1][1][0] in "dupcmrqx" or words[i - 1][0] == "等"
    ):
        i -= 1
        skipped += len(words[i][0])
    length = 0
    for j in range(i - 1, -1, -1):
        word, flag = words[j]
        suffix_head = j + 1 < i and words[j + 1][0] in NOMINAL_SUFFIXES
        if not (_nounish(word, flag) or suffix_head):
            break
        length += len(word)
    else:
        if not whole:  # all skipped or all nounish: the words before may go on
            return None
    if not length and i and len(words[i - 1][0]) > 1:
        length = len(words[i - 1][0])  # the tagger's verb is often the counted thing (閱卷, 提案)
    return skipped, length


def _indicator(text: str, folded: str, n: Numeral, marks: list[int]) -> Tagging:
    """Value, bounds, unit, qualifier, base, direction and measure of a kept numeral (the
    measure's tagging deferred: `_measure`)."""
    token = folded[n.start : n.end]
    reading = n.reading or read_numeral(token)
    if reading is None:
        raise ValueError(token)
    start, end, qualifier, bounded = n.start, n.end, "exact", False
    if (cue := _cue_before(folded, start)) is not None:
        start, qualifier = start - len(cue[0]), cue[1]
        if qualifier == "exact" and (outer := _cue_before(folded, start)) is not None:
            start, qualifier = start - len(outer[0]), outer[1]  # 至少节约15%: at_least
    unit = n.unit
    if unit is None:
        if (cue := _cue_at(folded, end, "after_number")) is not None:
            end, bounded = end + len(cue[0]), cue[1] == "more_than"
            qualifier = qualifier if qualifier != "exact" else cue[1]
        unit = _unit_at(folded, end)
        if unit is not None and len(_head_at(folded, end)) > len(unit[0]):
            unit = None  # 千万家庭: 家 begins the noun 家庭, it is not the classifier
        if unit is not None and _half_after(folded, end, unit):
            end, reading = end + 1, _plus_half(reading)
        if unit is not None:
            end += len(unit[0])
    if (cue := _cue_at(folded, end, "after_unit")) is not None and qualifier == "exact":
        end, qualifier, bounded = end + len(cue[0]), cue[1], cue[1] == "more_than"
    low, high = _bounds(reading, qualifier, bounded)
    clause = _clause(folded, n.start, n.end, marks)
    qualifier = n.qualifier or (reading.qualifier if reading.qualifier != "exact" else qualifier)
    if qualifier == "exact":  # the bounds of about are the number's own
        qualifier = _share_cue(folded, clause[0], start) or qualifier
    m_start, m_end = yield from _measure(folded, start, end, clause)
    if unit is None and (m_start - end <= folded.startswith("的", end) or m_end <= start):
        unit = _implied_unit(folded[m_start:m_end])  # the noun after (的) the number, or before
    if unit is None:
        unit = _implied_unit_before(folded[clause[0] : start])
    if unit is None:
        unit = _implied_unit(HEAD_STOP_RE.split(folded[end : min(clause[1], end + HEAD_REACH)])[0])
    factor = unit[3] if unit else 1.0
    return {
        "surface": text[start:end],
        "value": _scaled(reading.value, factor),
        "value_low": _scaled(low, factor),
        "value_high": _scaled(high, factor),
        "unit": unit[1] if unit else "",
        "unit_kind": unit[2] if unit else "",
        "qualifier": qualifier,
        "base": _base(folded, clause[0], start),
        # 至少降低30%: the qualifier's words hold the direction cue (asked only if it has words)
        "direction": _direction(folded, clause[0], start)
        or (_direction(folded, clause[0], n.start) if start < n.start else ""),
        "measure": text[m_start:m_end],
        "start": start,
        "end": end,
        "number_start": n.start,
        "word": n.reading is None and not DIGIT_RE.search(token),  # a Chinese numeral read alone
        "factor": factor,
    }


NAN = float("nan")
HALF_KINDS = ("duration", "multiple", "mass", "length", "area")  # 一年半, 六倍半, 十三斤半


def _scaled(x: float, factor: float) -> float:
    """x in the reported unit (6.45‰ -> 0.645 %); unscaled numbers keep every digit."""
    return x if factor == 1 else _round(x * factor)


ARTICLE_KINDS = ("count", "duration")  # 一项任务, 一年; not 一倍, 一个百分点, 一吨: the number one


def _is_article(token: str, unit: Unit | None, folded: str, end: int) -> bool:
    """Whether a lone 一 before a classifier is the indefinite article (一项重要任务)."""
    return (
        unit is not None
        and token == rules().article
        and unit[2] in ARTICLE_KINDS
        and not _half_after(folded, end, unit)
    )


def _half_after(folded: str, end: int, unit: Unit) -> bool:
    """Whether 半 follows a number's unit and adds a half to it (一年半, 六倍半)."""
    return unit[2] in HALF_KINDS and folded.startswith("半", end + len(unit[0]))


def _plus_half(reading: Reading) -> Reading:
    return Reading(reading.value + 0.5, reading.low + 0.5, reading.high + 0.5, reading.qualifier)


def _bounds(reading: Reading, qualifier: str, bounded: bool) -> tuple[float, float]:
    """(low, high) a statement allows; NaN where the text sets no bound on that side.

    A vague numeral (两三万, 几十) has its own bounds; 40多 and 4万余 reach the next step of the
    last digit (40..50, 40,000..50,000); 超过, 以上 set only the low bound, 近, 以内 the high one.
    """
    if reading.qualifier != "exact":
        return reading.low, reading.high
    value = reading.value
    if qualifier == "more_than":
        return value, (_round(value + place(value)) if bounded else NAN)
    if qualifier == "at_least":
        return value, NAN
    if qualifier in ("nearly", "up_to"):
        return NAN, value
    return value, value


def _merge_adjacent(rows: list[dict], join: Callable[[dict, dict], dict | None]) -> list[dict]:
    """`rows`, each row that `join` joins to the one before it merged into it (the joined row)."""
    out: list[dict] = []
    for row in rows:
        joined = join(out[-1], row) if out else None
        if joined is None:
            out.append(row)
        else:
            out[-1] = joined
    return out


def _range(folded: str, prev: dict, row: dict) -> dict | None:
    """Two rows joined by 至, 到 or a dash with one unit are one range (3至5年, 4.5%—5%)."""
    if (
        (
            prev["qualifier"] in ("exact", "approx")
            or prev["qualifier"] == row["qualifier"] == "more_than"  # 一百多亿到二百多亿
        )
        and row["start"] == row["number_start"]
        and prev["unit"] in ("", row["unit"])
        and RANGE_GAP_RE.fullmatch(folded, prev["end"], row["start"]) is not None
        and prev["value"] < row["value"]
    ):
        return row | {
            "surface": None,
            "value": prev["value"],
            "value_low": prev["value_low"],
            "qualifier": "range",
            "base": prev["base"],
            "direction": prev["direction"],
            "start": prev["start"],
            "number_start": prev["number_start"],
        }
    return None


RATIO_GAP_RE = re.compile(r"\s*比\s*")


def _ratio(folded: str, prev: dict, row: dict) -> dict | None:
    """Two exact numbers with no unit joined by 比 are one ratio, their quotient (生铁和钢产量的
    比例1.03比1: 1.03; 1比1: 1), unit 比."""
    if (
        not prev["unit"]
        and not row["unit"]
        and prev["qualifier"] == row["qualifier"] == "exact"
        and row["value"]
        and row["start"] == row["number_start"]
        and RATIO_GAP_RE.fullmatch(folded, prev["end"], row["start"]) is not None
    ):
        ratio = prev["value"] / row["value"]
        return prev | {
            "value": ratio,
            "value_low": ratio,
            "value_high": ratio,
            "unit": "比",
            "unit_kind": "ratio",
            "end": row["end"],
        }
    return None


SHARED_UNIT_GAP_RE = re.compile(r"\s*(?:、|和|及|与|或)\s*")


def _share_units(folded: str, rows: list[dict]) -> list[dict]:
    """Numbers listed before one unit take it (10.6万、3.8万平方公里; 4.2和0.7个百分点), or,
    followed by a word that with the last character of the listed unit is a unit of the same
    kind, that unit (3分、5分和1毛钱: 分 + 钱 is 分钱, 0.03 元)."""
    tail, spelt_before = "", False  # the listed unit's last character, kept along 3分、5分和
    for row, nxt in zip(reversed(rows[:-1]), reversed(rows[1:]), strict=True):
        tail = tail if spelt_before else folded[nxt["end"] - 1]
        spelt_before = False  # nxt of the next pair is this row
        if row["unit"] or not nxt["unit"] or nxt["start"] != nxt["number_start"]:
            continue
        joiner = SHARED_UNIT_GAP_RE.search(folded, row["end"], nxt["start"])
        if joiner is None or joiner.end() != nxt["start"]:
            continue
        word = folded[row["end"] : joiner.start()]
        if word:
            spelt = word + tail
            unit = _unit_at(spelt, 0)
            if unit is None or unit[0] != spelt or unit[2] != nxt["unit_kind"]:
                continue
            row["end"], spelt_before, factor = joiner.start(), True, unit[3]
        else:
            unit, factor = (None, nxt["unit"], nxt["unit_kind"]), nxt["factor"]
        for key in ("value", "value_low", "value_high"):
            row[key] = _scaled(row[key], factor)
        row.update(unit=unit[1], unit_kind=unit[2], factor=factor)
    return rows


def _not_measured(folded: str, row: dict, marks: list[int]) -> str:
    """Why a row with a unit measures nothing (a small count of abstract things, a count restating
    a list, a number of years that is a period talked about), or ''; rules in not_measured."""
    r = rules()
    unit = fold(row["unit"])
    clause_start = _clause(folded, row["start"], row["end"], marks)[0]
    i = bisect_left(marks, row["start"])
    whole_clause_start = marks[i - 1] + 1 if i else 0  # not cut to WINDOW: a list may be long
    if row["word"] and row["unit_kind"] == "count" and row["qualifier"] == "exact":
        counts, (reason, largest, item_chars, unless) = r.abstract_counts, r.listed_counts
        if (
            row["value"] <= counts.max
            and unit in counts.classifiers
            and counts.heads.match(folded, row["end"])
        ):
            return counts.reason
        reach = max(whole_clause_start, row["start"] - largest * (item_chars + 1))
        if (
            row["value"] <= largest
            and _restates_list(folded[reach : row["start"]], row["value"], item_chars)
            and not unless.match(folded, row["end"])
        ):
            return reason
    years = r.durations
    if unit in years.units:
        before = folded[max(clause_start, row["number_start"] - years.window) : row["number_start"]]
        after = years.after.match(folded, row["end"])
        if not (years.before.search(before) or after):
            return years.reason
    return ""


LAST_JOINER_RE = re.compile("以及|和|与|及")
# 三个单位…，占三个单位职工总数: a count written in words that repeats (its first NAMED_CHARS
# characters: numeral, classifier, noun) a count left out earlier in its sentence for a reason in
# POINTING points back at the same things, and is left out too
NAMED_CHARS = 4
POINTING = ("discourse_count", "idiom")


def _restates_list(before: str, count: float, item_chars: int) -> bool:
    """Whether the text before a count is a list of exactly that many short items, joined by 、
    (the last pair may be joined by 和, 与, 及): 香港、澳门两个; 政治、业务和体格三个; or a pair
    of short items joined by 和, 与, 及 alone: 预算内和预算外两项."""
    if before.endswith("等"):
        return False
    if "、" not in before:
        pair = LAST_JOINER_RE.split(before)
        return count == len(pair) == 2 and all(0 < len(i) <= item_chars for i in pair)
    items = before.split("、")
    last = LAST_JOINER_RE.split(items.pop(), maxsplit=1)
    items += last
    return len(items) == count and all(0 < len(i) <= item_chars for i in items[1:])


def sentence_numbers(text: str, mention_spans: list[tuple[int, int]] = ()) -> tuple[list, list]:
    """(indicators, excluded) of one sentence, as dicts with local offsets."""
    return _worked_out([(text, tuple(mention_spans))])[0] if _holds_numbers(text) else ([], [])


def _holds_numbers(text: str) -> bool:
    """Whether a text may hold a number: a numeral character, or a whole form without one."""
    return NUMERAL_RE.search(text) is not None or WORD_FORMS_RE.search(text) is not None


Sentence = tuple[str, tuple[tuple[int, int], ...]]  # a text and its mentions' spans
Rows = tuple[list[dict], list[dict]]  # a sentence's (indicators, excluded)
# Sentences recur across a corpus (set phrases, a report's text reused the next year); their
# rows are shared between calls and only read. Only those that may hold a number are kept.
_rows: dict[Sentence, Rows] = {}


def _numbers_of(sentences: list[Sentence]) -> list[Rows]:
    """`sentence_numbers` of each sentence that may hold a number, cached; the new ones worked
    out together (`_worked_out`)."""
    rows = {key: _rows.get(key) for key in sentences}
    new = [key for key, found in rows.items() if found is None]
    rows.update(zip(new, _worked_out(new), strict=True))
    if len(_rows) + len(new) > SENTENCES_CACHED:
        _rows.clear()
    _rows.update((key, rows[key]) for key in new)
    return [rows[key] for key in sentences]


def _worked_out(sentences: list[Sentence]) -> list[Rows]:
    """`sentence_numbers` of each sentence that may hold a number, a step at a time for all
    (classify, measure, merge): the clauses that the measures need are tagged in a row, so the
    tagger's tables stay in the processor's caches."""
    drafts = [_draft(*key) for key in sentences]
    kept = [(draft, n) for draft in drafts for n in draft[2] if not n.reason]
    tasks = [_indicator(text, folded, n, marks) for (text, folded, _, marks), n in kept]
    measured = iter(_tagged_together(tasks))
    return [_finished(*draft, measured) for draft in drafts]


Draft = tuple[str, str, list[Numeral], list[int]]  # text, folded, numerals, clause marks


def _draft(text: str, mention_spans: tuple[tuple[int, int], ...]) -> Draft:
    """A sentence's numerals as classified (but those skipped as words), before the kept ones
    are measured, and its clause marks (asked for only when a numeral is kept)."""
    folded = fold(text)
    numerals = [n for n in classify(text, mention_spans) if not n.skip]
    # most sentences keep no numeral: their clause marks are never asked for
    marks = _clausemarks(folded) if any(not n.reason for n in numerals) else []
    return text, folded, numerals, marks


def _finished(
    text: str, folded: str, numerals: list[Numeral], marks: list[int], found: Iterator
) -> Rows:
    """A draft's rows, its kept numerals' indicators taken in order from `found` (None: the
    numeral could not be read)."""
    indicators, excluded = [], {}
    for n in numerals:
        if not n.reason:
            row = next(found)
            if row is not None:
                indicators.append(row)
                continue
            n.reason = "unreadable"
        key = n.span or (n.start, n.end)
        row = excluded.setdefault(key, {"reason": n.reason, "start": key[0], "end": key[1]})
        row["start"], row["end"] = min(row["start"], n.start), max(row["end"], n.end)
    if indicators:  # most sentences with numerals keep none: nothing to merge or check
        indicators = _measured(text, folded, indicators, excluded, marks)
    return indicators, [
        {"surface": text[row["start"] : row["end"]], **row}
        for row in _outermost(indicators, excluded).values()
    ]


Tagging = Generator[str, Tags, dict]  # yields each text it needs tagged, is sent its tags


def _tagged_together(tasks: list[Tagging]) -> list[dict | None]:
    """What each task returns, None for one that raised ValueError or ArithmeticError (a
    numeral that cannot be read). The tasks go on in rounds, and the texts they ask for in a
    round are tagged one after the other (a third faster than between other work)."""
    done: list[dict | None] = [None] * len(tasks)
    sending: list[tuple[int, Tags | Exception | None]] = [(i, None) for i in range(len(tasks))]
    while sending:
        asked = []
        for i, tags in sending:
            task = tasks[i]
            try:
                text = task.throw(tags) if isinstance(tags, Exception) else task.send(tags)
            except StopIteration as stop:
                done[i] = stop.value
            except (ValueError, ArithmeticError):
                continue
            else:
                asked.append((i, text))
        tagged = {text: _tags(text) for text in dict.fromkeys(text for _, text in asked)}
        sending = [(i, tagged[text]) for i, text in asked]
    return done


def _tags(text: str) -> Tags | Exception:
    """The text's tags, or the error the tagger raised (given to the task that asked)."""
    try:
        return pos_tags(text)
    except (ValueError, ArithmeticError) as err:
        return err


def _measured(
    text: str, folded: str, indicators: list[dict], excluded: dict, marks: list[int]
) -> list[dict]:
    """The indicators merged into ranges, ratios and shared units, less those that measure
    nothing (added to `excluded` with why), with their surface and reported fields only."""
    indicators = _merge_adjacent(indicators, partial(_range, folded))
    indicators = _share_units(folded, _merge_adjacent(indicators, partial(_ratio, folded)))
    pointing = {  # counts left out as pointing at things named, by their first characters
        folded[e["start"] : e["start"] + NAMED_CHARS]: e["start"]
        for e in sorted(excluded.values(), key=lambda e: -e["start"])
        if e["reason"] in POINTING
    }
    for row in indicators:
        reason = _not_measured(folded, row, marks)
        named = folded[row["number_start"] : row["number_start"] + NAMED_CHARS]
        if not reason and row["word"] and pointing.get(named, len(folded)) < row["start"]:
            reason = rules().listed_counts[0]
        if reason:
            key = (row["start"], row["end"])
            excluded[key] = {"reason": reason, "start": key[0], "end": key[1]}
            if reason in POINTING:
                pointing.setdefault(named, row["number_start"])
    indicators = [r for r in indicators if (r["start"], r["end"]) not in excluded]
    for row in indicators:
        if row["word"] and not row["unit"]:  # a range head left alone: 三 of 三至五大
            key = (row["number_start"], row["end"])
            excluded[key] = {"reason": "idiom", "start": key[0], "end": key[1]}
    indicators = [r for r in indicators if r["unit"] or not r["word"]]
    for row in indicators:
        row["surface"] = text[row["start"] : row["end"]]
        del row["number_start"], row["word"], row["factor"]  # working fields, not reported
    return indicators


def _outermost(indicators: list[dict], excluded: dict) -> dict:
    """The excluded rows not inside an indicator or a longer excluded row (百 of 2个多百分点 is
    the unit's, 百 of 一个百分点 the article's), in one sweep over the spans sorted by start."""
    if len(indicators) + len(excluded) < 2:  # most sentences: one row, inside nothing
        return excluded
    spans = [(r["start"], -r["end"], 0, i) for i, r in enumerate(indicators)]
    spans += [(row["start"], -row["end"], 1, key) for key, row in excluded.items()]
    out, reach = {}, -1
    for _start, neg_end, is_excluded, key in sorted(spans):
        if is_excluded and -neg_end > reach:
            out[key] = excluded[key]
        reach = max(reach, -neg_end)
    return out


SENTENCE_FIELDS = ["report_id", "part", "section_no", "sentence_no", "text", "char_start"]


def _by_sentence(mentions: pd.DataFrame) -> dict[tuple[str, int], list[Mention]]:
    """(report_id, sentence_no) -> its mentions, ordered by char_start (stable)."""
    ordered = mentions.sort_values(["report_id", "char_start"], kind="mergesort")
    keys = records(ordered, ["report_id", "sentence_no"])
    found = records(ordered, ["char_start", "char_end", "agency_id", "role"])
    out: dict[tuple[str, int], list[Mention]] = {}
    for key, mention in zip(keys, found, strict=True):
        out.setdefault(key, []).append(mention)
    return out


def _agency(subjects: list[tuple[int, str]], lead: str, start: int) -> str:
    """The subject mention of the sentence nearest before the number, else the section's lead."""
    if subjects:
        i = bisect_right(subjects, start, key=lambda m: m[0])
        return subjects[i - 1 if i else 0][1]
    return lead


def _lead(agency_id: object) -> str:
    """A section's lead agency as written in a row: '' when it has none (None, NaN)."""
    return "" if agency_id is None or pd.isna(agency_id) else str(agency_id)


def extract_numbers(
    sentences: pd.DataFrame, mentions: pd.DataFrame, sections: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(indicators, numbers_excluded): every numeral of every sentence in exactly one of them."""
    leads = dict(
        zip(
            records(sections, ["report_id", "part", "section_no"]),
            map(_lead, sections["lead_agency_id"].tolist()),
            strict=True,
        )
    )
    grouped = _by_sentence(mentions)
    ordered = sentences.sort_values("report_id", kind="mergesort")
    held, keys = [], []
    for report_id, part, section_no, sentence_no, text, offset in records(ordered, SENTENCE_FIELDS):
        if not _holds_numbers(text):  # most sentences: nothing to look up or remember
            continue
        here = grouped.get((report_id, sentence_no), ())
        spans = tuple((start - offset, end - offset) for start, end, _, _ in here) if here else ()
        held.append((report_id, part, section_no, sentence_no, offset, here))
        keys.append((text, spans))
    ind_rows, exc_rows = [], []
    for (report_id, part, section_no, sentence_no, offset, here), (found, excluded) in zip(
        held, _numbers_of(keys), strict=True
    ):
        if not (found or excluded):
            continue
        subjects = [(start, agency) for start, _, agency, role in here if role == "subject"]
        lead = leads.get((report_id, part, section_no), "")
        key = (report_id, section_no, sentence_no)
        for row in found:
            start, end = row["start"] + offset, row["end"] + offset
            values = INDICATOR_VALUES(row)
            ind_rows.append((*key, _agency(subjects, lead, start), *values, start, end))
        for row in excluded:
            start, end = row["start"] + offset, row["end"] + offset
            exc_rows.append((*key, row["surface"], row["reason"], start, end))
    return _table(ind_rows, INDICATOR_COLUMNS), _table(exc_rows, EXCLUDED_COLUMNS)


def _table(rows: list[tuple], columns: list[str]) -> pd.DataFrame:
    table = pd.DataFrame(rows, columns=columns)
    if "value" in table:
        table["value"] = table["value"].astype("float64")
    return table.sort_values(["report_id", "char_start"], kind="mergesort").reset_index(drop=True)
