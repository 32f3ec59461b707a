"""Quantitative indicators: each numeral of a sentence is a measurement or excluded, with why.

The rules (units, qualifiers, directions, exclusion cues) are data files in `szpolicy/data`;
matching runs on the sentence folded to Simplified with offsets kept, so a report and its
Simplified conversion give the same rows.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

import pandas as pd
import yaml

from .dates import find_dates
from .numerals import CN_CHARS, DIGIT, NUMERAL, NUMERAL_RE, parse_number
from .script import SENTENCES_CACHED, hans_aligned
from .segment import pos_tags

INDICATOR_COLUMNS = [
    "report_id",
    "section_no",
    "sentence_no",
    "agency_id",
    "surface",
    "value",
    "unit",
    "unit_kind",
    "qualifier",
    "direction",
    "measure",
    "char_start",
    "char_end",
]
EXCLUDED_COLUMNS = [
    "report_id",
    "section_no",
    "sentence_no",
    "surface",
    "reason",
    "char_start",
    "char_end",
]
CLAUSE_END = "，。；：！？,;:!?"
CLAUSE_END_RE = re.compile(f"[{CLAUSE_END}]")
DIGIT_RE = re.compile(DIGIT)
PERCENT_RE = re.compile(f"百分之([0-9.{CN_CHARS}]+)")
NOUN_FLAGS = ("n", "vn", "an", "j", "b", "a", "l", "s", "eng")
VERB_FLAGS = ("v", "vd", "p")
NOMINAL_SUFFIXES = "率量数额值"  # 上訴率, 改判率: the tagger reads these as verbs
COMPARISON_WORDS = {"同比", "环比", "大幅", "累计", "共计", "合计", "总计", "分别", "共", "达"}


@dataclass(frozen=True)
class Rules:
    """The exclusion rules and word lists, folded to Simplified and compiled."""

    patterns: list[tuple[re.Pattern, str, re.Pattern | None]]  # regex, reason, requires
    hotline_numbers: re.Pattern
    hotline_after: list[str]
    hotline_before: list[str]
    hotline_gap: int
    title_marks: tuple[str, str, str]
    quote_marks: tuple[str, str, str, int]
    mention_reason: str
    years: tuple[int, int, str]
    lexical: list[str]
    any_lexical: re.Pattern  # finds nothing in a sentence that has none of the lexical words
    any_mark: re.Pattern  # finds nothing in a sentence without title or quote marks
    lexical_chars: str
    article: str
    direction_window: int


def _data(name: str):
    return resources.files("szpolicy").joinpath("data", name)


def _csv(name: str) -> pd.DataFrame:
    with _data(name).open(encoding="utf-8") as f:
        return pd.read_csv(f, dtype=str, keep_default_na=False)


def _fold(word: str) -> str:
    return hans_aligned(word)


@cache
def rules() -> Rules:
    """Load number_exclusions.yaml once."""
    raw = yaml.safe_load(_data("number_exclusions.yaml").read_text("utf-8"))
    place = {"{n}": NUMERAL, "{cn}": f"[{CN_CHARS}]", "{ar}": f"{DIGIT}+"}

    def compile_(regex: str) -> re.Pattern:
        for key, value in place.items():
            regex = regex.replace(key, value)
        return re.compile(_fold(regex))

    hot, box, years = raw["hotline"], raw["containers"], raw["years"]
    titles, quotes = box["titles"], box["quotes"]
    requires = [compile_(p["requires"]) if "requires" in p else None for p in raw["patterns"]]
    return Rules(
        patterns=[
            (compile_(p["regex"]), p["reason"], quick)
            for p, quick in zip(raw["patterns"], requires, strict=True)
        ],
        hotline_numbers=re.compile(hot["numbers"]),
        hotline_after=[_fold(c) for c in hot["cues_after"]],
        hotline_before=[_fold(c) for c in hot["cues_before"]],
        hotline_gap=int(hot["gap"]),
        title_marks=(titles["open"], titles["close"], titles["reason"]),
        quote_marks=(quotes["open"], quotes["close"], quotes["reason"], int(quotes["max_chars"])),
        mention_reason=box["agency_mentions"]["reason"],
        years=(int(years["min"]), int(years["max"]), years["reason"]),
        lexical=[_fold(w) for w in raw["lexical"]],
        any_lexical=re.compile("|".join(re.escape(_fold(w)) for w in raw["lexical"]) or "(?!)"),
        any_mark=_marks(titles["open"] + titles["close"] + quotes["open"] + quotes["close"]),
        lexical_chars=_fold(raw["lexical_chars"]),
        article=_fold(raw["indefinite_article"]),
        direction_window=int(raw["direction_window"]),
    )


@cache
def units() -> list[tuple[str, str, str]]:
    """(written form folded, unit, kind), longest written form first."""
    table = _csv("units.csv")
    rows = {(_fold(r.written), r.unit, r.kind) for r in table.itertuples()}
    return sorted(rows, key=lambda r: (-len(r[0]), r[0]))


@cache
def qualifiers() -> dict[str, list[tuple[str, str]]]:
    """position -> [(cue folded, qualifier)], longest cue first."""
    table = _csv("qualifiers.csv")
    out: dict[str, list[tuple[str, str]]] = {}
    for r in table.itertuples():
        out.setdefault(r.position, []).append((_fold(r.cue), r.qualifier))
    return {k: sorted(v, key=lambda c: -len(c[0])) for k, v in out.items()}


@cache
def directions() -> list[tuple[str, str]]:
    """(cue folded, direction), longest cue first."""
    table = _csv("directions.csv")
    return sorted(
        ((_fold(r.cue), r.direction) for r in table.itertuples()), key=lambda c: -len(c[0])
    )


Matcher = tuple[re.Pattern, dict[str, tuple], int]  # alternation, word -> row, longest word


def _matcher(rows: list[tuple], wrap: str = "{}") -> Matcher:
    """Rows keyed by their first field as one regex trying them in order (longest first, so the
    longest word wins), the first row of each word, and the longest word's length."""
    lookup: dict[str, tuple] = {}
    for row in rows:
        lookup.setdefault(row[0], row)
    words = "|".join(re.escape(row[0]) for row in rows) or "(?!)"
    return re.compile(wrap.format(words)), lookup, max(map(len, lookup), default=0)


@cache
def _unit_matcher() -> Matcher:
    return _matcher(units())


@cache
def _cue_matcher(position: str, wrap: str = "{}") -> Matcher:
    return _matcher(qualifiers().get(position, []), wrap)


def _unit_at(folded: str, pos: int) -> tuple[str, str, str] | None:
    regex, lookup, _ = _unit_matcher()
    m = regex.match(folded, pos)
    return lookup[m.group()] if m else None


def _cue_at(folded: str, pos: int, position: str) -> tuple[str, str] | None:
    regex, lookup, _ = _cue_matcher(position)
    m = regex.match(folded, pos)
    return lookup[m.group()] if m else None


def _cue_before(folded: str, pos: int) -> tuple[str, str] | None:
    """The longest `before` cue ending at pos (the leftmost match that ends there is longest)."""
    regex, lookup, longest = _cue_matcher("before", "(?:{})\\Z")
    m = regex.search(folded, max(0, pos - longest), pos)
    return lookup[m.group()] if m else None


def _containers(
    folded: str, opens: str, closes: str, max_chars: int | None
) -> list[tuple[int, int]]:
    """Spans inside paired marks (《…》, 「…」); quotes over max_chars are speech, not names."""
    spans, stack = [], []
    for m in _marks(opens + closes).finditer(folded):
        i, ch = m.start(), m.group()
        if ch in opens and not (ch in closes and stack):
            stack.append(i)
        elif ch in closes and stack:
            start = stack.pop()
            if max_chars is None or i - start - 1 <= max_chars:
                spans.append((start + 1, i))
    return spans


@cache
def _marks(chars: str) -> re.Pattern:
    return re.compile(f"[{re.escape(chars)}]")


def _word_spans(folded: str, words: list[str]) -> list[tuple[int, int]]:
    return [
        (m.start(), m.end())
        for w in words
        if w in folded
        for m in re.finditer(re.escape(w), folded)
    ]


def _inside(start: int, end: int, spans: list[tuple[int, int]]) -> tuple[int, int] | None:
    return next(((s, e) for s, e in spans if s <= start and end <= e), None)


def _overlapping(start: int, end: int, spans: list[tuple[int, int]]) -> tuple[int, int] | None:
    return next(((s, e) for s, e in spans if s < end and start < e), None)


@dataclass(slots=True)
class Numeral:
    """A numeral in a sentence and what was decided about it (offsets local to the sentence)."""

    start: int
    end: int
    reason: str = ""  # non-empty when excluded
    span: tuple[int, int] | None = None  # the excluded row's span when larger than the numeral
    skip: bool = False  # a word, not a number (统一, 一审): no row at all


def _span_rules(text: str, folded: str) -> list[tuple[tuple[int, int], str]]:
    """Spans that exclude every numeral they touch, in rule order: dates, then patterns.

    A pattern with `requires` runs only when that quicker regex finds something.
    """
    dates = find_dates(text)
    out = [((d.start, d.end), "year" if d.precision == "year" else "date") for d in dates]
    for regex, reason, requires in rules().patterns:
        if requires is not None and requires.search(folded) is None:
            continue
        for m in regex.finditer(folded):
            out.append((m.span(), reason))
    return out


def _overlapping_rule(
    start: int, end: int, rules_: list[tuple[tuple[int, int], str]]
) -> tuple[tuple[int, int], str] | None:
    """The first rule whose span overlaps [start, end)."""
    for rule in rules_:
        if rule[0][0] < end and start < rule[0][1]:
            return rule
    return None


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
    token = folded[n.start : n.end]
    return len(token) == 4 and token.isdigit() and low <= int(token) <= high


def classify(text: str, mention_spans: list[tuple[int, int]] = ()) -> list[Numeral]:
    """Every numeral of a sentence, each excluded with a reason, skipped as a word, or kept."""
    r = rules()
    folded = hans_aligned(text)
    numerals = [Numeral(m.start(), m.end()) for m in NUMERAL_RE.finditer(folded)]
    if not numerals:
        return numerals
    lexical = _word_spans(folded, r.lexical) if r.any_lexical.search(folded) else []
    span_rules = _span_rules(text, folded)
    titles = quotes = []
    if r.any_mark.search(folded):
        titles = _containers(folded, r.title_marks[0], r.title_marks[1], None)
        quotes = _containers(folded, *r.quote_marks[:2], r.quote_marks[3])
    for n in numerals:
        if _inside(n.start, n.end, lexical):
            n.skip = True
            continue
        hit = _overlapping_rule(n.start, n.end, span_rules)
        if hit is not None:
            n.reason, n.span = hit[1], hit[0]
            continue
        after_unit = _unit_at(folded, _after_number_cue_end(folded, n.end))
        if after_unit is None and folded[n.start : n.end] in r.lexical_chars:
            n.skip = True
        elif after_unit is None and _is_hotline(folded, n):
            n.reason = "hotline"
        elif _inside(n.start, n.end, titles):
            n.reason = r.title_marks[2]
        elif _inside(n.start, n.end, quotes):
            n.reason = r.quote_marks[2]
        elif _inside(n.start, n.end, list(mention_spans)):
            n.reason = r.mention_reason
        elif after_unit is None and _is_year(folded, n):
            n.reason = r.years[2]
        elif after_unit is not None and folded[n.start : n.end] == r.article:
            n.reason = "indefinite_article"
            n.span = (n.start, n.end + len(after_unit[0]))
        elif after_unit is None and not DIGIT_RE.search(folded, n.start, n.end):
            n.reason = "idiom"
    return numerals


def _after_number_cue_end(folded: str, pos: int) -> int:
    cue = _cue_at(folded, pos, "after_number")
    return pos + len(cue[0]) if cue else pos


def _clause_marks(folded: str) -> list[int]:
    """Positions of the clause marks of a sentence, found once for all its numbers."""
    return [m.start() for m in CLAUSE_END_RE.finditer(folded)]


def _clause(folded: str, start: int, end: int, marks: list[int]) -> tuple[int, int]:
    """The clause around [start, end): from after the clause mark before it to the next one."""
    i = bisect_left(marks, start)
    j = bisect_left(marks, end)
    return (marks[i - 1] + 1 if i else 0), (marks[j] if j < len(marks) else len(folded))


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


def _nounish(word: str, flag: str) -> bool:
    return flag.startswith("n") or flag in NOUN_FLAGS or word in NOMINAL_SUFFIXES


@cache
def _words_before_number() -> frozenset[str]:
    """Words between a counted noun and its number (同比, 增長, 超過): skipped by `_measure`."""
    cues = {c for c, _ in directions()} | {c for c, _ in qualifiers()["before"]}
    return frozenset(COMPARISON_WORDS | cues)


def _measure(folded: str, start: int, end: int, clause: tuple[int, int]) -> tuple[int, int]:
    """Span of the noun phrase counted: after the unit (15名理事), else before (閱卷15.2萬件)."""
    pos = end + (folded.startswith("的", end))
    words = list(pos_tags(folded[pos : clause[1]]))
    if words and words[0][1] in VERB_FLAGS and "的" in folded[pos : clause[1]]:
        pos = folded.index("的", pos) + 1  # 十個具有區域特色的樣板點: the head after the clause
        words = list(pos_tags(folded[pos : clause[1]]))
    if len(words) == 2 and words[0][1] == "v" and _nounish(*words[1]):
        words[0] = (words[0][0], "vn")  # 4個應用場景 at a clause end: a verb in a compound noun
    length = 0
    for word, flag in words:
        if not _nounish(word, flag):
            break
        length += len(word)
    if length:
        return pos, pos + length
    skip = _words_before_number()
    words = list(pos_tags(folded[clause[0] : start]))
    stop = start
    while words and (words[-1][0] in skip or words[-1][1][0] in "dupcmrqx" or words[-1][0] == "等"):
        stop -= len(words.pop()[0])
    length = 0
    for i in range(len(words) - 1, -1, -1):
        word, flag = words[i]
        suffix_head = i + 1 < len(words) and words[i + 1][0] in NOMINAL_SUFFIXES
        if not (_nounish(word, flag) or suffix_head):
            break
        length += len(word)
    if not length and words and len(words[-1][0]) > 1:
        length = len(words[-1][0])  # the tagger's verb is often the counted thing (閱卷, 提案)
    return stop - length, stop


def _indicator(text: str, folded: str, n: Numeral, marks: list[int]) -> dict:
    """Value, unit, qualifier, direction and measure of a kept numeral (local offsets)."""
    token = folded[n.start : n.end]
    start, end, qualifier = n.start, n.end, "exact"
    if (cue := _cue_before(folded, start)) is not None:
        start, qualifier = start - len(cue[0]), cue[1]
    if (cue := _cue_at(folded, end, "after_number")) is not None:
        end, qualifier = end + len(cue[0]), qualifier if qualifier != "exact" else cue[1]
    unit = _unit_at(folded, end)
    if unit is not None:
        end += len(unit[0])
        if (cue := _cue_at(folded, end, "after_unit")) is not None and qualifier == "exact":
            end, qualifier = end + len(cue[0]), cue[1]
    if qualifier == "exact" and (cue := qualifiers().get("within")):
        qualifier = next((q for c, q in cue if c in token), qualifier)
    clause = _clause(folded, n.start, n.end, marks)
    m_start, m_end = _measure(folded, start, end, clause)
    return {
        "surface": text[start:end],
        "value": parse_number(token),
        "unit": unit[1] if unit else "",
        "unit_kind": unit[2] if unit else "",
        "qualifier": qualifier,
        "direction": _direction(folded, clause[0], start),
        "measure": text[m_start:m_end],
        "start": start,
        "end": end,
    }


def _percent_spoken(text: str, folded: str, marks: list[int]) -> list[dict]:
    """百分之二十: the whole phrase is one percentage."""
    out = []
    for m in PERCENT_RE.finditer(folded):
        try:
            value = parse_number(m.group(1))
        except ValueError:
            continue
        start, end = m.start(), m.end()
        clause = _clause(folded, start, end, marks)
        m_start, m_end = _measure(folded, start, end, clause)
        row = {"surface": text[start:end], "value": value, "unit": "%", "unit_kind": "percent"}
        out.append(
            row
            | {"qualifier": "exact", "direction": _direction(folded, clause[0], start)}
            | {"measure": text[m_start:m_end], "start": start, "end": end}
        )
    return out


def sentence_numbers(text: str, mention_spans: list[tuple[int, int]] = ()) -> tuple[list, list]:
    """(indicators, excluded) of one sentence, as dicts with local offsets."""
    if NUMERAL_RE.search(text) is None:  # the pattern knows both scripts' numerals
        return [], []
    folded = hans_aligned(text)
    marks = _clause_marks(folded)
    spoken = _percent_spoken(text, folded, marks)
    taken = [(row["start"], row["end"]) for row in spoken]
    indicators, excluded = list(spoken), {}
    for n in classify(text, mention_spans):
        if n.skip or _overlapping(n.start, n.end, taken):
            continue
        if not n.reason:
            indicators.append(_indicator(text, folded, n, marks))
            continue
        key = n.span or (n.start, n.end)
        row = excluded.setdefault(key, {"reason": n.reason, "start": key[0], "end": key[1]})
        row["start"], row["end"] = min(row["start"], n.start), max(row["end"], n.end)
    for row in excluded.values():
        row["surface"] = text[row["start"] : row["end"]]
    return indicators, [
        {k: row[k] for k in ("surface", "reason", "start", "end")} for row in excluded.values()
    ]


# Sentences recur across a corpus (set phrases, a report's text reused the next year); their
# rows are shared between calls and only read.
_sentence_numbers_cached = lru_cache(maxsize=SENTENCES_CACHED)(sentence_numbers)

Mention = tuple[int, int, str, str]  # (char_start, char_end, role, agency_id), report offsets
SENTENCE_FIELDS = ["report_id", "part", "section_no", "sentence_no", "text", "char_start"]


def _records(df: pd.DataFrame, columns: list[str]) -> zip:
    """The rows of some columns as plain tuples (no namedtuples, no Series)."""
    return zip(*(df[c].tolist() for c in columns), strict=True)


def _by_sentence(mentions: pd.DataFrame) -> dict[tuple[str, int], list[Mention]]:
    """(report_id, sentence_no) -> its mentions, ordered by char_start (stable)."""
    ordered = mentions.sort_values(["report_id", "char_start"], kind="mergesort")
    keys = _records(ordered, ["report_id", "sentence_no"])
    found = _records(ordered, ["char_start", "char_end", "role", "agency_id"])
    out: dict[tuple[str, int], list[Mention]] = {}
    for key, mention in zip(keys, found, strict=True):
        out.setdefault(key, []).append(mention)
    return out


def _agency(subjects: list[tuple[int, str]], lead: object, start: int) -> str:
    """The subject mention of the sentence nearest before the number, else the section's lead."""
    if subjects:
        i = bisect_right(subjects, start, key=lambda m: m[0])
        return subjects[i - 1 if i else 0][1]
    return "" if lead is None or pd.isna(lead) else str(lead)


def extract_numbers(
    sentences: pd.DataFrame, mentions: pd.DataFrame, sections: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(indicators, numbers_excluded): every numeral of every sentence in exactly one of them."""
    leads = dict(
        zip(
            _records(sections, ["report_id", "part", "section_no"]),
            sections["lead_agency_id"].tolist(),
            strict=True,
        )
    )
    grouped = _by_sentence(mentions)
    ordered = sentences.sort_values("report_id", kind="mergesort")
    ind_rows, exc_rows = [], []
    for report_id, part, section_no, sentence_no, text, offset in _records(
        ordered, SENTENCE_FIELDS
    ):
        here = grouped.get((report_id, sentence_no), ())
        spans = tuple((start - offset, end - offset) for start, end, _, _ in here)
        found, excluded = _sentence_numbers_cached(text, spans)
        if not (found or excluded):
            continue
        subjects = [(start, agency) for start, _, role, agency in here if role == "subject"]
        lead = leads.get((report_id, part, section_no))
        key = (report_id, section_no, sentence_no)
        for row in found:
            start, end = row["start"] + offset, row["end"] + offset
            values = [row[c] for c in INDICATOR_COLUMNS[4:-2]]
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
