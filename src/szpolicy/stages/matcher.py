"""The build's lexicon matcher: every lexicon term in the sentences, with its tool or subject use.

A hit is a *tool* when the text shows the agency building or using a digital artefact, and a
*subject* when digital industry or law is what the agency legislates, supervises or promotes
(see the cues in the lexicon YAML). Matches are leftmost-longest and never overlap.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterator, Sequence
from functools import cache, lru_cache, partial
from itertools import chain
from typing import NamedTuple

import numpy as np
import pandas as pd

from ..schema import columns
from ..text.distinct import distinct_values, per_text, spread, unused_char, where_found
from ..text.punctuation import CLAUSE_BREAKS
from .lexicon import Cues, Lexicon, Term

HIT_COLUMNS = columns("digitisation_hits")
INT_COLUMNS = ["section_no", "sentence_no", "char_start", "char_end"]
PHRASE_BREAKS = CLAUSE_BREAKS | frozenset("、（）()《》〈〉")
# matched at i: the text on to the next phrase break; matched up to i: up to the last clause break
PHRASE_REST = re.compile(f"[^{re.escape(''.join(sorted(PHRASE_BREAKS)))}]*")
TO_CLAUSE_BREAK = re.compile(f"(?s:.*)[{re.escape(''.join(sorted(CLAUSE_BREAKS)))}]")
ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
ASCII_UPPER = re.compile("[A-Z]")
WORD_CHAR = "[0-9A-Za-z]"  # the characters `_is_word_char` accepts
LEXICONS_CACHED = 8  # lexicons whose hits per sentence text are kept (notebooks compare a few)


def _is_word_char(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _ascii_folded(text: str) -> str:
    """The text with ASCII capitals lowercased; translate is slow on CJK text, so only if needed."""
    return text.translate(ASCII_LOWER) if ASCII_UPPER.search(text) else text


def _cases(ch: str) -> str:
    """A character of an ASCII-lowercased surface and, if it is a Latin letter, its capital."""
    return ch + ch.upper() if "a" <= ch <= "z" else ch


def _rest_pattern(surface: str) -> str:
    """Regex of a surface after its first character; a Latin or digit end must end a word."""
    rest = "".join(re.escape(c) if c == _cases(c) else f"[{_cases(c)}]" for c in surface[1:])
    return rest + (f"(?!{WORD_CHAR})" if _is_word_char(surface[-1]) else "")


def _alternation(longest_first: list[str]) -> str:
    """A regex of the surfaces, matching them in the text as written with Latin letters in
    either case, so that sentences need not be lowercased first.

    It branches on the first character (數(?:字政府|據)|智(?:…)…), so the engine tries only the
    surfaces that start with the character at hand, still in the given order. Every branch
    starts with a literal (a Latin letter gets one branch per case), so the engine skips to
    positions where a term can begin. A Latin or digit first character must not continue a
    word; the check follows it.
    """
    rests: dict[str, list[str]] = {}
    for surface in longest_first:
        rests.setdefault(surface[0], []).append(_rest_pattern(surface))
    branches = []
    for first, alternatives in rests.items():
        check = f"(?<!{WORD_CHAR}.)" if _is_word_char(first) else ""
        for case in _cases(first):
            branches.append(f"{re.escape(case)}{check}(?:{'|'.join(alternatives)})")
    return "|".join(branches)


class _Terms(NamedTuple):
    """A lexicon's surfaces, ASCII-lowercased, and one regex matching any of them."""

    surfaces: dict[str, tuple[str, Term]]
    regex: re.Pattern
    separator: str  # in no surface, no word character: texts joined by it are searched at once


@cache
def _terms(lexicon: Lexicon) -> _Terms:
    """The `_Terms` of a lexicon, built once per lexicon.

    Alternatives are tried in order, longest first, so a match is the longest bounded surface
    at the leftmost position where one starts, and the next search resumes after it: the
    leftmost-longest, non-overlapping rule. Look a match up in `surfaces` by its
    `_ascii_folded` form.
    """
    surfaces = {form.translate(ASCII_LOWER): hit for form, hit in lexicon.surfaces().items()}
    longest_first = sorted(surfaces, key=len, reverse=True)
    separator = unused_char([*surfaces, string.digits + string.ascii_letters])
    return _Terms(surfaces, re.compile(_alternation(longest_first)), separator)


def _in_title(text: str, start: int, brackets: Sequence[str]) -> bool:
    """True when position `start` lies inside an open title bracket such as 《…》."""
    for opening, closing in brackets:
        if text.rfind(opening, 0, start) > text.rfind(closing, 0, start):
            return True
    return False


def _phrase_end(text: str, start: int) -> int:
    """Where the phrase that goes on from `start` ends: at the next phrase break, or the end."""
    return PHRASE_REST.match(text, start).end()


def _clause_start(text: str, end: int) -> int:
    """Where the clause that goes on to `end` starts: after the last clause break before it."""
    last = TO_CLAUSE_BREAK.match(text, 0, end)  # backtracks from `end` in C to the last break
    return last.end() if last else 0


def _touches(text: str, word: str, start: int, end: int) -> bool:
    """True when `word` occurs right before, right after or overlapping text[start:end]."""
    return text.find(word, max(0, start - len(word)), end + len(word)) != -1


def _any_of(words: frozenset[str]) -> re.Pattern:
    """A regex matching any of the words (a search finds the leftmost occurrence of any)."""
    return re.compile("|".join(map(re.escape, sorted(words))))


class _CueSearch(NamedTuple):
    """A lexicon's cues in the forms `_use` tests in one C call each."""

    subject_after: tuple[str, ...]
    tool_heads: tuple[str, ...]
    any_head: re.Pattern
    any_verb: re.Pattern
    any_offline: re.Pattern


@cache
def _cue_search(cues: Cues) -> _CueSearch:
    """The `_CueSearch` of a lexicon's cues, built once per cues."""
    return _CueSearch(
        subject_after=tuple(cues.subject_after),
        tool_heads=tuple(cues.tool_heads),
        any_head=_any_of(cues.tool_heads),
        any_verb=_any_of(cues.tool_verbs),
        any_offline=_any_of(cues.offline),
    )


def _use(
    text: str, start: int, end: int, term: Term, lexicon: Lexicon, search: _CueSearch
) -> str | None:
    """Use of the hit text[start:end]: 'subject', 'tool', or None for an offline counterpart;
    `search` is the lexicon's cues, found once for many hits."""
    cues = lexicon.cues
    offline = search.any_offline.search(text) is not None  # rare: look closer only if present
    if offline and any(_touches(text, w, start, end) for w in cues.offline):
        return None
    if _in_title(text, start, cues.title_brackets) or text.startswith(search.subject_after, end):
        return "subject"
    if term.use is not None:
        return term.use
    if text.endswith(search.tool_heads, start, end):
        return "tool"
    head = search.any_head.search(text, end, _phrase_end(text, end))
    if head is not None and head.start() - end <= cues.head_window:
        return "tool"
    if search.any_verb.search(text, _clause_start(text, start), start):
        return "tool"
    return lexicon.default_use


Hit = tuple[str, str, int, int, str]  # (category, term, start, end, use) of a hit in a text


def _text_hits(text: str, lexicon: Lexicon, terms: _Terms, search: _CueSearch) -> tuple[Hit, ...]:
    """Every hit in one text with its use, in order; offline counterparts are left out."""
    found = []
    for match in terms.regex.finditer(text):
        start, end = match.span()
        category, term = terms.surfaces[_ascii_folded(match.group())]
        use = _use(text, start, end, term, lexicon, search)
        if use is not None:
            found.append((category, term.zh_hant, start, end, use))
    return tuple(found)


@lru_cache(maxsize=LEXICONS_CACHED)
def _cached_hits(lexicon: Lexicon) -> Callable[[str], tuple[Hit, ...]]:
    """`_text_hits` with one lexicon, cached per text: sentences recur across reports.

    Keyed by the lexicon's value, so lexicons loaded with other parameters never share hits.
    """
    hits = partial(
        _text_hits, lexicon=lexicon, terms=_terms(lexicon), search=_cue_search(lexicon.cues)
    )
    return per_text(hits)


def lexicon_hits(sentences: pd.DataFrame, lexicon: Lexicon) -> pd.DataFrame:
    """One row per lexicon hit, with its tool/subject use and offsets into the whole report.

    Each distinct sentence text is scanned once (all of them in one search, then those holding
    a term); its hits go to every sentence with that text.
    """
    codes, texts = distinct_values(sentences["text"].tolist())
    terms = _terms(lexicon)
    found = where_found(
        texts, _cached_hits(lexicon), partial(_starts, terms.regex), terms.separator
    )
    return _hit_frame(sentences, codes, texts, found, lexicon)


def _starts(regex: re.Pattern, text: str) -> Iterator[int]:
    """Where the regex's matches start in a text; a text without one has no hit (`_text_hits`)."""
    return (match.start() for match in regex.finditer(text))


def _hit_frame(
    sentences: pd.DataFrame,
    codes: np.ndarray,
    texts: list[str],
    found: list[tuple[Hit, ...]],
    lexicon: Lexicon,
) -> pd.DataFrame:
    """The hits table of every sentence, given the hits `found` in each distinct text (numbered
    by `codes`); offsets into the whole report.

    report_id is typed from its values, as in a frame built from rows; the other text columns
    hold strings only, so they are 'str' arrays, taken in C. Text columns are object when there
    are no hits. Integer columns are int64.
    """
    if not any(found):
        return pd.DataFrame([], columns=HIT_COLUMNS).astype(dict.fromkeys(INT_COLUMNS, "int64"))
    rows, items = spread(codes, found)
    categories, terms, starts, ends, uses = zip(*chain.from_iterable(found), strict=True)
    surfaces = [
        text[s:e] for text, hits in zip(texts, found, strict=True) for _, _, s, e, _ in hits
    ]
    offsets = sentences["char_start"].to_numpy(np.int64)[rows]
    frame = pd.DataFrame(
        {
            "report_id": sentences["report_id"].to_numpy(object)[rows].tolist(),
            "section_no": sentences["section_no"].to_numpy(np.int64)[rows],
            "sentence_no": sentences["sentence_no"].to_numpy(np.int64)[rows],
            "category": _strings(categories).take(items),
            "term": _strings(terms).take(items),
            "surface": _strings(surfaces).take(items),
            "use": _strings(uses).take(items),
            "char_start": offsets + np.array(starts, dtype=np.int64)[items],
            "char_end": offsets + np.array(ends, dtype=np.int64)[items],
            "lexicon": _copies(lexicon.name, len(rows)),
            "lexicon_version": _copies(lexicon.version, len(rows)),
        }
    )
    return frame.sort_values(["report_id", "char_start"], kind="mergesort").reset_index(drop=True)


def _strings(values: Sequence[str]) -> pd.api.extensions.ExtensionArray:
    """The strings as the pandas 'str' array a frame would build of them, to take from in C."""
    return pd.array(values, dtype="str")


def _copies(value: str, n: int) -> pd.api.extensions.ExtensionArray:
    """`n` copies of a string as a 'str' array, taken in C from an array of one."""
    return _strings([value]).take(np.zeros(n, dtype=np.intp))
