"""Cross-agency digitisation comparison: lexicon hits, tool vs subject, scores with uncertainty.

A hit is a *tool* when the text shows the agency building or using a digital artefact, and a
*subject* when digital industry or law is what the agency legislates, supervises or promotes
(see the cues in the lexicon YAML). Sentences are attributed to their section's lead agency;
lede and introduction sentences, and sections without a lead agency, are left out of the
per-agency comparison. By default an agency's text is its sections' headings, sub-headings and
body; photo captions are left out because they restate the section rather than report work.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Sequence
from functools import cache, lru_cache, partial
from itertools import chain
from typing import NamedTuple

import numpy as np
import pandas as pd

from .distinct import distinct_values, repeated
from .lexicon import Cues, Lexicon, Term
from .parameters import check_choice
from .script import SENTENCES_CACHED

NORMALISATIONS = ("per_1000_chars", "per_sentence", "raw")
USE_CHOICES = ("tool", "subject", "all")
DEFAULT_ROLES = ("heading", "subheading", "body")
HIT_COLUMNS = [
    "report_id",
    "section_no",
    "sentence_no",
    "category",
    "term",
    "surface",
    "use",
    "char_start",
    "char_end",
    "lexicon",
    "lexicon_version",
]
SCORE_COLUMNS = [
    "agency_id",
    "name_zh_hant",
    "name_en",
    "score",
    "ci_low",
    "ci_high",
    "rank",
    "n_chars",
    "n_hits",
    "name_zh_hans",
    "n_sentences",
    "n_hits_tool",
    "n_hits_subject",
    "normalise",
    "use",
]
INT_COLUMNS = ["section_no", "sentence_no", "char_start", "char_end"]
CLAUSE_BREAKS = frozenset("，,；;：:。！？!?")
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
    return _Terms(surfaces, re.compile(_alternation(longest_first)))


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
    """A lexicon's cues in the forms `classify` tests in one C call each."""

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


def classify(text: str, start: int, end: int, term: Term, lexicon: Lexicon) -> str | None:
    """Use of the hit text[start:end]: 'subject', 'tool', or None for an offline counterpart."""
    return _use(text, start, end, term, lexicon, _cue_search(lexicon.cues))


def _use(
    text: str, start: int, end: int, term: Term, lexicon: Lexicon, search: _CueSearch
) -> str | None:
    """`classify`, given the `_CueSearch` of the lexicon's cues (found once for many hits)."""
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
    return lru_cache(maxsize=SENTENCES_CACHED)(hits)


def lexicon_hits(sentences: pd.DataFrame, lexicon: Lexicon) -> pd.DataFrame:
    """One row per lexicon hit, with its tool/subject use and offsets into the whole report.

    Each distinct sentence text is scanned once; its hits go to every sentence with that text.
    """
    codes, texts = distinct_values(sentences["text"].tolist())
    hits_of = _cached_hits(lexicon)
    return _hit_frame(sentences, codes, texts, [hits_of(text) for text in texts], lexicon)


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
    counts = np.fromiter(map(len, found), dtype=np.intp, count=len(found))
    if not counts.any():
        return pd.DataFrame([], columns=HIT_COLUMNS).astype(dict.fromkeys(INT_COLUMNS, "int64"))
    rows, items = repeated(codes, counts)
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


def _require_columns(df: pd.DataFrame, name: str, columns: Sequence[str]) -> None:
    """Raise a ValueError naming the table and the columns it lacks."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{name} is missing column(s) {', '.join(missing)}")


def _attributed(
    sentences: pd.DataFrame, sections: pd.DataFrame, roles: Sequence[str]
) -> pd.DataFrame:
    """Sentences with their section's lead agency, kept when attributed and of a counted role."""
    if not roles:
        raise ValueError("roles must name at least one sentence role")
    keys = ["report_id", "part", "section_no"]
    _require_columns(sentences, "sentences", [*keys, "sentence_no", "role", "text"])
    _require_columns(sections, "sections", [*keys, "lead_agency_id"])
    leads = sections[[*keys, "lead_agency_id"]]
    out = sentences[[*keys, "sentence_no", "role", "text"]].merge(leads, on=keys, how="left")
    return out[out["role"].isin(list(roles)) & out["lead_agency_id"].notna()].copy()


def _hit_counts(attributed: pd.DataFrame, hits: pd.DataFrame) -> pd.DataFrame:
    """Per attributed sentence: its length and its tool and subject hit counts."""
    out = attributed.copy()
    index = pd.MultiIndex.from_frame(out[["report_id", "sentence_no"]])
    for use in ("tool", "subject"):
        counts = hits[hits["use"] == use].groupby(["report_id", "sentence_no"]).size()
        out[use] = counts.reindex(index, fill_value=0).to_numpy().astype("int64")
    out["all"] = out["tool"] + out["subject"]
    out["n_chars"] = out["text"].str.len().astype("int64")
    return out


def _score(hits: np.ndarray, chars: np.ndarray, n_sentences: int, normalise: str) -> np.ndarray:
    """The normalised score from summed hits and characters (arrays, for the bootstrap)."""
    if normalise == "per_1000_chars":
        return 1000 * hits / chars
    if normalise == "per_sentence":
        return hits / n_sentences
    return hits.astype("float64")


def _point_scores(per_sentence: pd.DataFrame, normalise: str, use: str) -> pd.DataFrame:
    """Per agency: sentences, characters, hits of each use and the normalised score."""
    agg = per_sentence.groupby("lead_agency_id", sort=True).agg(
        n_sentences=("sentence_no", "size"),
        n_chars=("n_chars", "sum"),
        n_hits=(use, "sum"),
        n_hits_tool=("tool", "sum"),
        n_hits_subject=("subject", "sum"),
    )
    agg["score"] = _score(
        agg["n_hits"].to_numpy(),
        agg["n_chars"].to_numpy(),
        agg["n_sentences"].to_numpy(),
        normalise,
    )
    agg["rank"] = agg["score"].rank(method="min", ascending=False).astype("int64")
    return agg.rename_axis("agency_id").reset_index()


def _bootstrap(
    group: pd.DataFrame, agency_id: str, normalise: str, use: str, n_boot: int, seed: int, ci: float
) -> tuple[float, float]:
    """Percentile interval from resampling the agency's sentences with replacement."""
    rng = np.random.default_rng([seed, zlib.crc32(agency_id.encode("utf-8"))])
    n = len(group)
    idx = rng.integers(0, n, size=(n_boot, n))
    stats = _score(
        group[use].to_numpy()[idx].sum(axis=1),
        group["n_chars"].to_numpy()[idx].sum(axis=1),
        n,
        normalise,
    )
    low, high = np.quantile(stats, [(1 - ci) / 2, (1 + ci) / 2])
    return float(low), float(high)


def score_agencies(
    sentences: pd.DataFrame,
    sections: pd.DataFrame,
    hits: pd.DataFrame,
    agencies: pd.DataFrame,
    normalise: str = "per_1000_chars",
    n_boot: int = 1000,
    seed: int = 0,
    use: str = "tool",
    roles: Sequence[str] = DEFAULT_ROLES,
    ci: float = 0.95,
) -> pd.DataFrame:
    """The digitisation_by_agency table: score, bootstrap interval and rank per lead agency.

    Each agency's interval comes from `default_rng([seed, crc32(agency_id)])`, so it does not
    depend on which other agencies are compared. Ties share the best rank ("min" ranking).
    """
    check_choice("normalise", normalise, NORMALISATIONS)
    check_choice("use", use, USE_CHOICES)
    if not isinstance(n_boot, int) or n_boot < 1:
        raise ValueError(f"n_boot must be a positive integer; got {n_boot!r}")
    if not 0 < ci < 1:
        raise ValueError(f"ci must lie strictly between 0 and 1; got {ci!r}")
    per_sentence = _hit_counts(_attributed(sentences, sections, roles), hits)
    table = _point_scores(per_sentence, normalise, use)
    intervals = [
        _bootstrap(group, agency_id, normalise, use, n_boot, seed, ci)
        for agency_id, group in per_sentence.groupby("lead_agency_id", sort=True)
    ]
    table["ci_low"] = [low for low, _ in intervals]
    table["ci_high"] = [high for _, high in intervals]
    names = ["agency_id", "name_zh_hant", "name_zh_hans", "name_en"]
    _require_columns(agencies, "agencies", names)
    unknown = sorted(set(table["agency_id"]) - set(agencies["agency_id"]))
    if unknown:
        raise ValueError(f"lead agencies not in the agencies gazetteer: {', '.join(unknown)}")
    table = table.merge(agencies[names], on="agency_id", how="left")
    table["normalise"], table["use"] = normalise, use
    table = table.sort_values(["rank", "agency_id"], kind="mergesort").reset_index(drop=True)
    return table[SCORE_COLUMNS]


def _spearman(a: pd.Series, b: pd.Series) -> float:
    """Spearman's rho as the Pearson correlation of average ranks (NaN if either is constant)."""
    ra, rb = a.rank().to_numpy(), b.rank().to_numpy()
    if ra.std() == 0 or rb.std() == 0:
        return float("nan")
    return float(np.corrcoef(ra, rb)[0, 1])


def leave_one_category_out(
    sentences: pd.DataFrame,
    sections: pd.DataFrame,
    hits: pd.DataFrame,
    normalise: str = "per_1000_chars",
    use: str = "tool",
    roles: Sequence[str] = DEFAULT_ROLES,
) -> pd.DataFrame:
    """Rank of every agency with each hit category dropped in turn: how stable is the ranking?

    One row per (dropped_category, agency_id), with the rank shift against the full ranking and
    Spearman's rho between full and reduced scores (the same value on every row of a category).
    """
    check_choice("normalise", normalise, NORMALISATIONS)
    check_choice("use", use, USE_CHOICES)
    attributed = _attributed(sentences, sections, roles)
    full = _point_scores(_hit_counts(attributed, hits), normalise, use)
    frames = []
    for category in sorted(hits["category"].unique()):
        kept = hits[hits["category"] != category]
        reduced = _point_scores(_hit_counts(attributed, kept), normalise, use)
        frame = reduced[["agency_id", "score", "rank"]].assign(
            dropped_category=category, full_rank=full["rank"].to_numpy()
        )
        frame["rank_shift"] = frame["rank"] - frame["full_rank"]
        frame["spearman"] = _spearman(full["score"], reduced["score"])
        frames.append(frame)
    columns = [
        "dropped_category",
        "agency_id",
        "score",
        "rank",
        "full_rank",
        "rank_shift",
        "spearman",
    ]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]


def evidence(
    sentences: pd.DataFrame,
    sections: pd.DataFrame,
    hits: pd.DataFrame,
    roles: Sequence[str] = DEFAULT_ROLES,
) -> pd.DataFrame:
    """Every hit with the sentence it came from and its agency; `counted` marks scored ones."""
    keys = ["report_id", "part", "section_no"]
    context = sentences[[*keys, "sentence_no", "role", "text"]].merge(
        sections[[*keys, "lead_agency_id"]], on=keys, how="left"
    )
    out = hits.merge(
        context.drop(columns="section_no"), on=["report_id", "sentence_no"], how="left"
    )
    out["counted"] = out["role"].isin(list(roles)) & out["lead_agency_id"].notna()
    out = out.rename(columns={"lead_agency_id": "agency_id"})
    columns = [
        "agency_id",
        "sentence_no",
        "category",
        "term",
        "use",
        "text",
        "report_id",
        "section_no",
        "role",
        "surface",
        "char_start",
        "counted",
    ]
    return out.sort_values(["report_id", "char_start"], kind="mergesort")[columns].reset_index(
        drop=True
    )
