"""The agency gazetteer and the mentions of its organisations in a report's sentences."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from itertools import repeat
from typing import NamedTuple

import pandas as pd
import yaml

from .schema import spec
from .script import to_hans

GAZETTEER = "agencies.csv"
ROLE_RULES = "agency_roles.yaml"
ALIAS_SEP = "|"
AGENCY_ID = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
SENTENCE_COLUMNS = ["report_id", "section_no", "sentence_no", "text", "char_start"]
MENTION_COLUMNS = [
    "report_id",
    "section_no",
    "sentence_no",
    "agency_id",
    "surface",
    "role",
    "char_start",
    "char_end",
]
INT_COLUMNS = {"section_no", "sentence_no", "char_start", "char_end"}
SECTION_KEYS = ["report_id", "part", "section_no"]


def _data_file(name: str) -> Traversable:
    return resources.files("szpolicy").joinpath("data", name)


def _enum(field: str) -> set[str]:
    """Allowed values of a gazetteer column."""
    return next(set(f["enum"]) for f in spec("agencies")["fields"] if f["name"] == field)


def alias_list(row: pd.Series) -> list[str]:
    """The surface forms of one gazetteer row."""
    return row["aliases"].split(ALIAS_SEP)


def _row_problem(row: pd.Series, kinds: set[str], levels: set[str]) -> str | None:
    """Why one gazetteer row is malformed, or None."""
    if not AGENCY_ID.fullmatch(row["agency_id"]):
        return f"agency_id {row['agency_id']!r} is not snake-case ASCII"
    empty = [c for c in ("name_zh_hant", "name_zh_hans", "name_en", "aliases") if not row[c]]
    if empty:
        return f"{row['agency_id']}: empty {', '.join(empty)}"
    if row["kind"] not in kinds:
        return f"{row['agency_id']}: kind {row['kind']!r} is not one of {sorted(kinds)}"
    if row["level"] not in levels:
        return f"{row['agency_id']}: level {row['level']!r} is not one of {sorted(levels)}"
    bad = [a for a in alias_list(row) if not a or a != a.strip()]
    if bad:
        return f"{row['agency_id']}: empty or space-padded alias {bad[0]!r}"
    return None


def validate_gazetteer(df: pd.DataFrame, source: str = GAZETTEER) -> pd.DataFrame:
    """Check a gazetteer: exact columns, well-formed rows, unique ids, no alias on two agencies."""
    expected = [f["name"] for f in spec("agencies")["fields"]]
    if list(df.columns) != expected:
        raise ValueError(f"{source}: columns {list(df.columns)}, expected {expected}")
    kinds, levels = _enum("kind"), _enum("level")
    seen_ids: dict[str, int] = {}
    owner: dict[str, tuple[str, int]] = {}
    for i, row in df.reset_index(drop=True).iterrows():
        line = int(i) + 2  # the header is line 1
        problem = _row_problem(row, kinds, levels)
        if problem:
            raise ValueError(f"{source}:{line}: {problem}")
        if row["agency_id"] in seen_ids:
            first = seen_ids[row["agency_id"]]
            raise ValueError(f"{source}:{line}: agency_id {row['agency_id']} repeats line {first}")
        seen_ids[row["agency_id"]] = line
        for alias in alias_list(row):
            key = to_hans(alias)
            other = owner.setdefault(key, (row["agency_id"], line))
            if other[0] != row["agency_id"]:
                raise ValueError(
                    f"{source}:{line}: alias {alias} of {row['agency_id']} "
                    f"is also an alias of {other[0]} (line {other[1]})"
                )
    return df


@cache
def _packaged_gazetteer() -> pd.DataFrame:
    path = _data_file(GAZETTEER)
    with path.open(encoding="utf-8") as f:
        df = pd.read_csv(f, dtype=str, keep_default_na=False)
    return validate_gazetteer(df, f"szpolicy/data/{GAZETTEER}")


def load_gazetteer() -> pd.DataFrame:
    """The packaged gazetteer, validated, so every extraction names organisations the same way."""
    return _packaged_gazetteer().copy()


@cache
def role_rules() -> dict:
    """The cue words that decide a mention's role and a section's lead (data/agency_roles.yaml)."""
    return yaml.safe_load(_data_file(ROLE_RULES).read_text("utf-8"))


def surface_index(gazetteer: pd.DataFrame) -> dict[str, str]:
    """Every alias, as written and in Simplified script, mapped to its agency_id."""
    index = {}
    for agency_id, aliases in zip(gazetteer["agency_id"], gazetteer["aliases"], strict=True):
        for alias in aliases.split(ALIAS_SEP):
            index[alias] = agency_id
            index[to_hans(alias)] = agency_id
    return index


class AliasMatcher(NamedTuple):
    """A `surface_index` in the form `find_surfaces` uses to scan a text in C, not per character."""

    longest: re.Pattern  # a search finds the next position where an alias begins, and its longest
    nested: dict[str, tuple[tuple[int, str], ...]]  # alias -> (length, agency_id) of its prefixes


def alias_matcher(index: dict[str, str]) -> AliasMatcher:
    """The `AliasMatcher` of a surface index.

    The regex branches on the first character (市(?:人大常委會|人大|…)|區(?:…)…) rather than
    trying every alias in turn, so the engine skips to where an alias begins and checks few of
    them; within a branch the longest alias comes first. Every alias that starts at a position is
    a prefix of the longest one there, so `nested` lists them all, shortest first.
    """
    surfaces = sorted(filter(None, index), key=len, reverse=True)
    rests: dict[str, list[str]] = {}
    for surface in surfaces:
        rests.setdefault(surface[0], []).append(re.escape(surface[1:]))
    branches = [f"{re.escape(first)}(?:{'|'.join(r)})" for first, r in rests.items()]
    nested = {surface: _prefix_aliases(surface, index) for surface in surfaces}
    pattern = "|".join(branches) or "(?!)"  # (?!): an empty index finds nothing
    return AliasMatcher(re.compile(pattern), nested)


def _prefix_aliases(surface: str, index: dict[str, str]) -> tuple[tuple[int, str], ...]:
    """(length, agency_id) of every alias that begins `surface`, itself included, shortest first."""
    prefixes = (surface[:n] for n in range(1, len(surface) + 1))
    return tuple((len(p), index[p]) for p in prefixes if p in index)


@cache
def _packaged_matcher() -> AliasMatcher:
    """`alias_matcher` of the packaged gazetteer, built once."""
    return alias_matcher(surface_index(load_gazetteer()))


def matchable(text: str) -> str:
    """The Simplified rendering when it keeps every offset, else the text as it is."""
    hans = to_hans(text)
    return hans if len(hans) == len(text) else text


@cache
def _title_regexes() -> tuple[re.Pattern, ...]:
    """One regex per title bracket pair, capturing the inside of a title."""
    out = []
    for pair in role_rules()["title_brackets"]:
        opening, closing = re.escape(pair[0]), re.escape(pair[1])
        out.append(re.compile(f"{opening}([^{opening}{closing}]*){closing}"))
    return tuple(out)


def _title_insides(text: str) -> list[tuple[int, int]]:
    """Spans of the inside of every bracketed title (《…》) in a text."""
    return [m.span(1) for regex in _title_regexes() for m in regex.finditer(text)]


def _inside_title(start: int, end: int, titles: list[tuple[int, int]]) -> bool:
    return any(a <= start and end <= b and (a, b) != (start, end) for a, b in titles)


def _candidates(text: str, known: AliasMatcher) -> list[tuple[int, int, str]]:
    """Every (start, end, agency_id) whose text is an alias, overlapping ones included."""
    out = []
    found = known.longest.search(text)
    while found is not None:
        start = found.start()
        for length, agency_id in known.nested[found.group()]:
            out.append((start, start + length, agency_id))
        found = known.longest.search(text, start + 1)
    return out


def _longest_first(candidates: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """The candidates kept longest first, then leftmost, skipping any that overlaps a kept one."""
    chosen: list[tuple[int, int, str]] = []
    for start, end, agency_id in sorted(candidates, key=lambda c: (c[0] - c[1], c[0])):
        if all(end <= a or b <= start for a, b, _ in chosen):
            chosen.append((start, end, agency_id))
    return sorted(chosen)


def find_surfaces(text: str, known: AliasMatcher) -> list[tuple[int, int, str]]:
    """Non-overlapping (start, end, agency_id) matches; longer wins; none inside a longer title."""
    candidates = _candidates(text, known)
    titles = _title_insides(text) if candidates else []
    if titles:
        candidates = [c for c in candidates if not _inside_title(c[0], c[1], titles)]
    if len(candidates) > 1:  # one or none: nothing to choose between
        candidates = _longest_first(candidates)
    return candidates


class _RoleCues(NamedTuple):
    """`role_rules` in the forms `mention_role` tests in one C call each."""

    partner: tuple[str, ...]
    modifier: tuple[str, ...]
    delimiters: tuple[str, ...]
    enumerators: frozenset[str]
    openers: re.Pattern


@cache
def _role_cues() -> _RoleCues:
    rules = role_rules()
    openers = "|".join(f"(?:{p})" for p in rules["subject_openers"])
    return _RoleCues(
        partner=tuple(rules["partner_cues"]),
        modifier=tuple(rules["modifier_after"]),
        delimiters=tuple(rules["clause_delimiters"]),
        enumerators=frozenset(rules["enumerators"]),
        openers=re.compile(f"\\s*(?:(?:{openers})\\s*)*"),
    )


def mention_role(text: str, start: int, end: int, previous: tuple[int, str] | None) -> str:
    """Role of the mention text[start:end], given the end and role of the sentence's previous one.

    partner: a collaboration cue (聯合, 會同, 與, 邀請 …) stands right before it;
    mentioned: a modifier word follows it (的, 負責人, 前總幹事 …: a person or part of it acts);
    subject: it opens the sentence or a clause, maybe after openers (time words, 由, numbering);
    a mention joined to the previous one by an enumerator (、, 及) takes that one's role;
    mentioned: anything else.
    """
    cues = _role_cues()
    if text.endswith(cues.partner, 0, start):
        return "partner"
    if text.startswith(cues.modifier, end):
        return "mentioned"
    # the last delimiter before the mention: max(text.rfind(d, 0, start)) over the delimiters
    clause_start = max(map(text.rfind, cues.delimiters, repeat(0), repeat(start)))
    if cues.openers.fullmatch(text, clause_start + 1, start):
        return "subject"
    if previous is not None and text[previous[0] : start] in cues.enumerators:
        return previous[1]
    return "mentioned"


def _sentence_mentions(row: tuple, known: AliasMatcher) -> list[tuple]:
    """Mention rows (MENTION_COLUMNS) of one sentence (its SENTENCE_COLUMNS values).

    Offsets are into the whole report.
    """
    report_id, section_no, sentence_no, original, char_start = row
    text = matchable(original)
    rows, previous = [], None
    for start, end, agency_id in find_surfaces(text, known):
        role = mention_role(text, start, end, previous)
        previous = (end, role)
        rows.append(
            (
                report_id,
                section_no,
                sentence_no,
                agency_id,
                original[start:end],
                role,
                char_start + start,
                char_start + end,
            )
        )
    return rows


def agency_mentions(sentences: pd.DataFrame, gazetteer: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every gazetteer organisation named in the sentences, in either script, with its role.

    Matching runs on the Simplified rendering (OpenCC hk2s keeps offsets; the original text is
    used when it would not) against every alias in both scripts. Longer matches win and matches
    never overlap, so 福田區人大常委會 is one mention and 市人大 inside it is none. A name inside a
    longer 《》 title belongs to the title. Roles follow `mention_role`.
    """
    missing = [c for c in SENTENCE_COLUMNS if c not in sentences.columns]
    if missing:
        raise ValueError(f"agency_mentions: sentences lack columns {missing}")
    known = _packaged_matcher() if gazetteer is None else alias_matcher(surface_index(gazetteer))
    columns = [sentences[c].tolist() for c in SENTENCE_COLUMNS]
    rows = [m for row in zip(*columns, strict=True) for m in _sentence_mentions(row, known)]
    out = pd.DataFrame(rows, columns=MENTION_COLUMNS)
    out = out.astype({c: "int64" if c in INT_COLUMNS else "str" for c in MENTION_COLUMNS})
    return out.sort_values(["report_id", "char_start"], kind="mergesort").reset_index(drop=True)


def lead_agencies(sentences: pd.DataFrame, mentions: pd.DataFrame) -> pd.DataFrame:
    """The acting organisation of each numbered section, read off the grammar of its text.

    The lead is the subject of the earliest body sentence that has a subject mention (the first
    one in that sentence); failing that, the heading's subject. Places rather than organisations
    (agency_roles.yaml `never_lead`: the city as a whole, 我市) never lead a section.
    The lead is missing when the section names no acting organisation.
    """
    body = sentences[sentences["role"].eq("body") & sentences["section_no"].gt(0)]
    sections = body[SECTION_KEYS].drop_duplicates()
    where = sentences[["report_id", "sentence_no", "part", "role"]].rename(
        columns={"role": "sentence_role"}
    )
    subjects = mentions[mentions["role"].eq("subject")].merge(
        where, on=["report_id", "sentence_no"]
    )
    leading = subjects["sentence_role"].isin(["body", "heading"]) & ~subjects["agency_id"].isin(
        role_rules()["never_lead"]
    )
    subjects = subjects[leading].assign(from_heading=lambda d: d["sentence_role"].eq("heading"))
    first = subjects.sort_values(["from_heading", "char_start"], kind="mergesort")
    first = first.drop_duplicates(SECTION_KEYS)[[*SECTION_KEYS, "agency_id"]]
    out = sections.merge(first, on=SECTION_KEYS, how="left", validate="one_to_one")
    out = out.rename(columns={"agency_id": "lead_agency_id"})
    return out.sort_values(SECTION_KEYS, kind="mergesort").reset_index(drop=True)
