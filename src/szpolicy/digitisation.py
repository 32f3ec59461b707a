"""Cross-agency digitisation comparison: lexicon hits, tool vs subject, scores with uncertainty.

A hit is a *tool* when the text shows the agency building or using a digital artefact, and a
*subject* when digital industry or law is what the agency legislates, supervises or promotes
(see the cues in the lexicon YAML). Sentences are attributed to their section's lead agency;
lede and introduction sentences, and sections without a lead agency, are left out of the
per-agency comparison. By default an agency's text is its sections' headings, sub-headings and
body; photo captions are left out because they restate the section rather than report work.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import numpy as np
import pandas as pd

from .lexicon import Lexicon, Term
from .parameters import check_choice

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
CLAUSE_BREAKS = frozenset("，,；;：:。！？!?")
PHRASE_BREAKS = CLAUSE_BREAKS | frozenset("、（）()《》〈〉")
ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _is_word_char(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _lengths_by_initial(surfaces: dict[str, tuple[str, Term]]) -> dict[str, tuple[int, ...]]:
    """First character -> lengths of the surfaces starting with it, longest first."""
    out: dict[str, set[int]] = {}
    for surface in filter(None, surfaces):
        out.setdefault(surface[0], set()).add(len(surface))
    return {initial: tuple(sorted(lengths, reverse=True)) for initial, lengths in out.items()}


def _matches(
    text: str, surfaces: dict[str, tuple[str, Term]], initials: dict[str, tuple[int, ...]]
) -> list[tuple[int, int]]:
    """Leftmost-longest, non-overlapping spans of lexicon surfaces (ASCII case-insensitive)."""
    folded = text.translate(ASCII_LOWER)
    spans, i = [], 0
    while i < len(text):
        for k in initials.get(folded[i], ()):
            if i + k <= len(text) and folded[i : i + k] in surfaces and _bounded(text, i, i + k):
                spans.append((i, i + k))
                i += k
                break
        else:
            i += 1
    return spans


def _bounded(text: str, start: int, end: int) -> bool:
    """A Latin or digit term must not sit inside a longer Latin word or number."""
    before = start > 0 and _is_word_char(text[start]) and _is_word_char(text[start - 1])
    after = end < len(text) and _is_word_char(text[end - 1]) and _is_word_char(text[end])
    return not (before or after)


def _in_title(text: str, start: int, brackets: Sequence[str]) -> bool:
    """True when position `start` lies inside an open title bracket such as 《…》."""
    return any(
        text.rfind(open_, 0, start) > text.rfind(close, 0, start) for open_, close in brackets
    )


def _span_to(text: str, start: int, breaks: frozenset[str], backwards: bool = False) -> str:
    """The text from `start` up to (or back to) the nearest break character."""
    if backwards:
        i = start
        while i > 0 and text[i - 1] not in breaks:
            i -= 1
        return text[i:start]
    j = start
    while j < len(text) and text[j] not in breaks:
        j += 1
    return text[start:j]


def _touches(text: str, word: str, start: int, end: int) -> bool:
    """True when `word` occurs right before, right after or overlapping text[start:end]."""
    i = text.find(word, max(0, start - len(word)))
    while i != -1 and i <= end:
        if i + len(word) >= start:
            return True
        i = text.find(word, i + 1)
    return False


def classify(text: str, start: int, end: int, term: Term, lexicon: Lexicon) -> str | None:
    """Use of the hit text[start:end]: 'subject', 'tool', or None for an offline counterpart."""
    cues = lexicon.cues
    surface, after = text[start:end], text[end:]
    if any(_touches(text, w, start, end) for w in cues.offline):
        return None
    if _in_title(text, start, cues.title_brackets) or any(
        after.startswith(w) for w in cues.subject_after
    ):
        return "subject"
    if term.use is not None:
        return term.use
    phrase = _span_to(text, end, PHRASE_BREAKS)
    heads = any(
        surface.endswith(h) or 0 <= phrase.find(h) <= cues.head_window for h in cues.tool_heads
    )
    clause = _span_to(text, start, CLAUSE_BREAKS, backwards=True)
    if heads or any(v in clause for v in cues.tool_verbs):
        return "tool"
    return lexicon.default_use


def lexicon_hits(sentences: pd.DataFrame, lexicon: Lexicon) -> pd.DataFrame:
    """One row per lexicon hit, with its tool/subject use and offsets into the whole report."""
    surfaces = {form.translate(ASCII_LOWER): hit for form, hit in lexicon.surfaces().items()}
    initials = _lengths_by_initial(surfaces)
    rows = []
    for sent in sentences.itertuples(index=False):
        for start, end in _matches(sent.text, surfaces, initials):
            category, term = surfaces[sent.text[start:end].translate(ASCII_LOWER)]
            use = classify(sent.text, start, end, term, lexicon)
            if use is None:
                continue
            rows.append(
                (
                    sent.report_id,
                    sent.section_no,
                    sent.sentence_no,
                    category,
                    term.zh_hant,
                    sent.text[start:end],
                    use,
                    sent.char_start + start,
                    sent.char_start + end,
                    lexicon.name,
                    lexicon.version,
                )
            )
    hits = pd.DataFrame(rows, columns=HIT_COLUMNS)
    ints = ["section_no", "sentence_no", "char_start", "char_end"]
    hits[ints] = hits[ints].astype("int64")
    return hits.sort_values(["report_id", "char_start"], kind="mergesort").reset_index(drop=True)


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
