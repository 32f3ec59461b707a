"""The agency gazetteer and the mentions of its organisations in a report's sentences."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from functools import cache, partial
from itertools import pairwise
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from ahocorasick_rs import AhoCorasick

from ..rules import load as load_rule
from ..schema import columns, spec
from ..text.distinct import distinct_values, per_text, spread, unused_char, where_found
from ..text.script import to_hans
from .bodies import (
    BARE,
    KEY_SEP,
    NATIONAL_KEY,
    OWN,
    body_candidates,
    body_rules,
    describe,
    foreign_before,
    form_index,
    is_department,
    own_prefix,
    resolve,
    roles,
)
from .genres import REPORTING_GOVERNMENT, genre_of
from .jurisdictions import COUNTRY_CODE, Jurisdiction, jurisdictions
from .records import records

GAZETTEER = "agencies.csv"
ALIAS_SEP = "|"
AGENCY_ID = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
SENTENCE_COLUMNS = ["report_id", "section_no", "sentence_no", "text", "char_start"]
# the stage's mention columns; the build adds jurisdiction_code from the report's metadata
MENTION_COLUMNS = [c for c in columns("agency_mentions") if c != "jurisdiction_code"]
INT_COLUMNS = {"section_no", "sentence_no", "char_start", "char_end"}
MENTION_DTYPES = {c: "int64" if c in INT_COLUMNS else "str" for c in MENTION_COLUMNS}
SECTION_KEYS = ["report_id", "part", "section_no"]
Context = tuple[Jurisdiction | None, str]  # a report's jurisdiction and genre id


def _enum(field: str) -> set[str]:
    """Allowed values of a gazetteer column."""
    return next(set(f["enum"]) for f in spec("agencies")["fields"] if f["name"] == field)


def alias_list(row: Mapping[str, Any]) -> list[str]:
    """The surface forms of one gazetteer row."""
    return row["aliases"].split(ALIAS_SEP)


def _row_problem(row: Mapping[str, Any], kinds: set[str], levels: set[str]) -> str | None:
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


def _static_columns() -> list[str]:
    """Columns of the packaged gazetteer: the agencies table's but jurisdiction_name (derived)."""
    return [f["name"] for f in spec("agencies")["fields"] if f["name"] != "jurisdiction_name"]


def validate_gazetteer(df: pd.DataFrame, source: str = GAZETTEER) -> pd.DataFrame:
    """Check a gazetteer: exact columns, well-formed rows, unique ids, no alias on two agencies."""
    expected = _static_columns()
    if list(df.columns) != expected:
        raise ValueError(f"{source}: columns {list(df.columns)}, expected {expected}")
    kinds, levels = _enum("kind"), _enum("level")
    seen_ids: dict[str, int] = {}
    owner: dict[str, tuple[str, int]] = {}
    for line, row in enumerate(df.to_dict("records"), start=2):  # the header is line 1
        problem = _row_problem(row, kinds, levels)
        if problem:
            raise ValueError(f"{source}:{line}: {problem}")
        if row["agency_id"] in seen_ids:
            first = seen_ids[row["agency_id"]]
            raise ValueError(f"{source}:{line}: agency_id {row['agency_id']} repeats line {first}")
        seen_ids[row["agency_id"]] = line
        if row["jurisdiction_code"] and row["jurisdiction_code"] not in jurisdictions():
            raise ValueError(
                f"{source}:{line}: unknown jurisdiction_code {row['jurisdiction_code']}"
            )
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
    return validate_gazetteer(load_rule("agencies").data, f"szpolicy/data/{GAZETTEER}")


def load_gazetteer() -> pd.DataFrame:
    """The packaged gazetteer of named organisations (national, international, generic and a few
    local ones), validated, with jurisdiction_name; bodies of a jurisdiction are in bodies.py."""
    df = _packaged_gazetteer().copy()
    table = jurisdictions()
    df["jurisdiction_name"] = [table[c].name if c else "" for c in df["jurisdiction_code"]]
    return df


def agency_table(agency_ids: list[str]) -> pd.DataFrame:
    """The agencies table of the ids a build found: gazetteer rows and generated bodies' rows
    (role, place and names from bodies.describe), sorted by agency_id."""
    gazetteer = load_gazetteer()
    known = set(gazetteer["agency_id"])
    generated = [describe(a) for a in sorted(set(agency_ids) - known)]
    rows = pd.DataFrame([g for g in generated if g is not None], columns=gazetteer.columns)
    found = gazetteer[gazetteer["agency_id"].isin(agency_ids)]
    out = pd.concat([found, rows], ignore_index=True) if len(rows) else found
    return out.sort_values("agency_id").reset_index(drop=True)


@cache
def role_rules() -> dict:
    """The cue words that decide a mention's role and a section's lead (data/agency_roles.yaml)."""
    return load_rule("agency_roles").data


def surface_index(gazetteer: pd.DataFrame) -> dict[str, str]:
    """Every alias, as written and in Simplified script, mapped to its agency_id."""
    index = {}
    for agency_id, aliases in zip(gazetteer["agency_id"], gazetteer["aliases"], strict=True):
        for alias in aliases.split(ALIAS_SEP):
            index[alias] = agency_id
            index[to_hans(alias)] = agency_id
    return index


Candidate = tuple[int, int, str]  # (start, end, agency_id) of an alias in a text


class AliasMatcher(NamedTuple):
    """A `surface_index` in the form `agency_mentions` scans texts with in C."""

    words: AhoCorasick  # every alias, place name and cue, found where it begins (also in others)
    kinds: tuple[tuple[bool, bool, bool], ...]  # per word: is it an alias, a place name, a cue
    nested: dict[str, tuple[tuple[int, str], ...]]  # alias -> (length, agency_id) of its prefixes
    separator: str  # a character no word holds, to search many texts joined by it at once
    national: frozenset[str] = frozenset()  # the country's organisations (美国国务院 is not one)


def alias_matcher(
    index: dict[str, str], places: Iterable[str] = (), cues: Iterable[str] = ()
) -> AliasMatcher:
    """The `AliasMatcher` of a surface index, the place names bodies follow and the cues of
    their patterns (form_index).

    An Aho-Corasick automaton finds every alias, place and cue in one pass in C (it builds in
    milliseconds, where a regex of the aliases took a tenth of a second to compile and scanned
    twice as slowly; one pass for aliases and places, two thirds of one for each). Every alias
    that starts at a position is a prefix of the longest one there, so `nested` lists them all,
    shortest first.
    """
    surfaces = sorted(filter(None, index))
    nested = {surface: _prefix_aliases(surface, index) for surface in surfaces}
    place_names, cue_words = frozenset(places), frozenset(cues)
    words = sorted(place_names.union(surfaces, cue_words))
    kinds = tuple((word in nested, word in place_names, word in cue_words) for word in words)
    return AliasMatcher(AhoCorasick(words), kinds, nested, unused_char(words))


def _prefix_aliases(surface: str, index: dict[str, str]) -> tuple[tuple[int, str], ...]:
    """(length, agency_id) of every alias that begins `surface`, itself included, shortest first."""
    prefixes = (surface[:n] for n in range(1, len(surface) + 1))
    return tuple((len(p), index[p]) for p in prefixes if p in index)


def _matcher(gazetteer: pd.DataFrame) -> AliasMatcher:
    """`alias_matcher` of a gazetteer's aliases and the bodies' forms without a place (财政部,
    区政协); a gazetteer alias wins over a body form written the same way."""
    index = form_index()
    matcher = alias_matcher(index.fixed | surface_index(gazetteer), index.kinds, index.cues)
    national = gazetteer.loc[gazetteer["jurisdiction_code"].eq(COUNTRY_CODE), "agency_id"]
    return matcher._replace(national=frozenset(national))


@cache
def packaged_matcher() -> AliasMatcher:
    """`_matcher` of the packaged gazetteer, built once."""
    return _matcher(load_gazetteer())


def matchable(text: str) -> str:
    """The Simplified rendering when it keeps every offset, else the text as it is."""
    hans = to_hans(text)
    return hans if len(hans) == len(text) else text


@cache
def _title_regexes() -> tuple[tuple[str, re.Pattern], ...]:
    """Per title bracket pair: its opening bracket and a regex capturing the inside of a title."""
    out = []
    for pair in role_rules()["title_brackets"]:
        opening, closing = re.escape(pair[0]), re.escape(pair[1])
        out.append((pair[0], re.compile(f"{opening}([^{opening}{closing}]*){closing}")))
    return tuple(out)


def _title_insides(text: str) -> list[tuple[int, int]]:
    """Spans of the inside of every bracketed title (《…》) in a text.

    Most texts hold no opening bracket: a substring test skips the regex for them.
    """
    return [
        m.span(1)
        for opening, regex in _title_regexes()
        if opening in text
        for m in regex.finditer(text)
    ]


def _inside_title(start: int, end: int, titles: list[tuple[int, int]]) -> bool:
    return any(a <= start and end <= b and (a, b) != (start, end) for a, b in titles)


def _scan(text: str, known: AliasMatcher) -> tuple[list[Candidate], list[tuple[int, int]], bool]:
    """The (start, end, agency_id) of the longest alias at every position where one begins, the
    (start, end) of every place name where one is found (overlapping), and whether a cue of the
    bodies' patterns is there, in one pass."""
    found = known.words.find_matches_as_indexes(text, overlapping=True)
    if not found:  # most sentences: nothing to sort out
        return [], [], False
    ends: dict[int, int] = {}
    places = []
    cued = False
    for word, start, end in found:
        alias, place, cue = known.kinds[word]
        if alias and end > ends.get(start, start):
            ends[start] = end
        if place:
            places.append((start, end))
        cued = cued or cue
    longest = [
        (start, end, known.nested[text[start:end]][-1][1]) for start, end in sorted(ends.items())
    ]
    return longest, places, cued


def _with_prefixes(text: str, known: AliasMatcher, longest: list[Candidate]) -> list[Candidate]:
    """The candidates `longest` and every shorter alias that begins where one of them does."""
    return [
        (start, start + length, agency_id)
        for start, end, _ in longest
        for length, agency_id in known.nested[text[start:end]]
    ]


def _overlapping(candidates: list[Candidate]) -> bool:
    """True when any two candidates (in start order, as `_scan` gives them) overlap."""
    return any(a[1] > b[0] for a, b in pairwise(candidates))


def _span_key(candidate: Candidate) -> tuple[int, int]:
    """Sort key of `_longest_first`: longest first, then leftmost."""
    return candidate[0] - candidate[1], candidate[0]


def _longest_first(candidates: list[Candidate]) -> list[Candidate]:
    """The candidates kept longest first, then leftmost, skipping any that overlaps a kept one."""
    chosen: list[Candidate] = []
    for candidate in sorted(candidates, key=_span_key):
        start, end, _ = candidate
        for a, b, _ in chosen:
            if start < b and a < end:
                break
        else:
            chosen.append(candidate)
    return sorted(chosen)


def _outside_titles(candidates: list[Candidate], titles: list[tuple[int, int]]) -> list[Candidate]:
    """The candidates not inside a longer title."""
    return [c for c in candidates if not _inside_title(c[0], c[1], titles)]


def _surfaces(text: str, known: AliasMatcher, longest: list[Candidate]) -> list[Candidate]:
    """Non-overlapping (start, end, agency_id) matches in a text, given its longest aliases.

    Longer wins, and none is inside a longer title. Every alias that overlaps others competes,
    longest first (`_longest_first`). When the longest aliases at each start do not overlap
    one another they all win, and the shorter ones starting with them lose to them, so only
    then are those shorter ones looked at.
    """
    titles = _title_insides(text)
    if titles:  # a shorter alias is inside a title whenever the longest one it begins is
        longest = _outside_titles(longest, titles)
    if len(longest) < 2 or not _overlapping(longest):
        return longest
    candidates = _with_prefixes(text, known, longest)
    return _longest_first(_outside_titles(candidates, titles) if titles else candidates)


class _RoleCues(NamedTuple):
    """`role_rules` in the forms `mention_role` tests in one C call each."""

    partner: tuple[str, ...]
    modifier: tuple[str, ...]
    opens_clause: re.Pattern  # fullmatches text[:start] when start opens a clause (after openers)
    enumerators: frozenset[str]


@cache
def _role_cues() -> _RoleCues:
    rules = role_rules()
    openers = "|".join(f"(?:{p})" for p in rules["subject_openers"])
    delimiters = "|".join(map(re.escape, rules["clause_delimiters"]))
    # up to and including the first character of the last delimiter (atomic: that one only),
    # then nothing but openers
    clause = f"(?>(?:(?s:.*)(?={delimiters})(?s:.))?)\\s*(?:(?:{openers})\\s*)*"
    return _RoleCues(
        partner=tuple(rules["partner_cues"]),
        modifier=tuple(rules["modifier_after"]),
        opens_clause=re.compile(clause),
        enumerators=frozenset(rules["enumerators"]),
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
    if cues.opens_clause.fullmatch(text, 0, start):
        return "subject"
    if previous is not None and text[previous[0] : start] in cues.enumerators:
        return previous[1]
    return "mentioned"


Mention = tuple[int, int, str, str]  # (start, end, agency_id, role): in a text, or in a report


def _with_bodies(
    text: str, known: AliasMatcher, longest: list[Candidate], bodies: list[Candidate]
) -> list[Candidate]:
    """Non-overlapping matches among aliases and body forms (`bodies.body_candidates`): longer
    wins, an alias wins over a body form of the same span, none inside a longer title."""
    titles = _title_insides(text)
    candidates = _with_prefixes(text, known, longest) + bodies
    return _longest_first(_outside_titles(candidates, titles) if titles else candidates)


@cache
def _not_before() -> tuple[str, ...]:
    return tuple(body_rules()["not_before"])


def _may_be_foreign(agency_id: str, national: frozenset[str]) -> bool:
    """Whether a mention may be another country's body: one of the country's organisations or a
    national, bare or own form (a named place's body, 陕西省政府, is that place's)."""
    if not agency_id.startswith(KEY_SEP):
        return agency_id in national
    return agency_id.endswith((NATIONAL_KEY, BARE, OWN))


def _bare_fits(text: str, start: int, end: int) -> bool:
    """Whether a bare form (人民政协, 工会) at text[start:end] is the report's own body: not after
    a level (各级人民政府, 基层工会); a listed one (工会, 人大) only before its characters."""
    rules = body_rules()
    if start and text[start - 1] in rules["bare_not_after"]:
        return False
    following = rules["bare_listed"].get(to_hans(text[start:end]))
    return following is None or end == len(text) or text[end] in following


def _text_mentions(text: str, known: AliasMatcher) -> tuple[Mention, ...]:
    """Every mention in one matchable text, in order; bodies' agency ids are still keys
    (@role@place) that `agency_mentions` resolves per report."""
    longest, places, cued = _scan(text, known)
    if not longest and not places and not cued:  # most sentences
        return ()
    bodies = body_candidates(text, places, cued) if places or cued else []  # aliases alone
    if not longest and not bodies:
        return ()
    chosen = _with_bodies(text, known, longest, bodies) if bodies else None
    not_before, rules = _not_before(), body_rules()
    not_followed, not_preceded = rules["not_followed_by"], rules["not_preceded_by"]
    out, previous = [], None
    for start, end, agency_id in chosen or _surfaces(text, known, longest):
        if is_department(agency_id) and text.startswith(not_before, end):
            continue  # 财政部门: finance departments, not the ministry
        if agency_id.endswith(BARE) and not _bare_fits(text, start, end):
            continue
        if _may_be_foreign(agency_id, known.national) and foreign_before(text, start):
            continue  # 美国国务院, 苏联高等教育部: another country's body
        surface = text[start:end]
        if text.startswith(not_followed.get(surface, "\0"), end):
            continue  # 联合国际: 联合 + 国际, not the United Nations
        if text.endswith(not_preceded.get(surface, "\0"), 0, start):
            continue  # 非共产党人士
        role = mention_role(text, start, end, previous)
        previous = (end, role)
        out.append((start, end, agency_id, role))
    return tuple(out)


@per_text
def _packaged_mentions(text: str) -> tuple[Mention, ...]:
    """`_text_mentions` with the packaged gazetteer, cached: sentences recur across reports."""
    return _text_mentions(text, packaged_matcher())


def _distinct_texts(sentences: pd.DataFrame) -> tuple[np.ndarray, list[str], list[str]]:
    """Per sentence the number of its distinct text, and per number the text and its `matchable`.

    Sentences recur across reports, so each distinct one is matched once; `to_hans` is cached,
    so texts the build has already folded for text_hans are not converted again.
    """
    codes, texts = distinct_values(sentences["text"].tolist())
    return codes, texts, [matchable(text) for text in texts]


def _mention_frame(
    sentences: pd.DataFrame, codes: np.ndarray, texts: list[str], found: list[tuple[Mention, ...]]
) -> pd.DataFrame:
    """The mentions table (MENTION_COLUMNS) of every sentence, given the mentions `found` in each
    distinct text (numbered by `codes`); offsets into the whole report.
    """
    rows, items = spread(codes, found)
    mentions = [m for ms in found for m in ms]
    starts, ends, agency_ids, roles = (
        map(list, zip(*mentions, strict=True)) if mentions else [[]] * 4
    )
    surfaces = [text[s:e] for text, ms in zip(texts, found, strict=True) for s, e, _, _ in ms]
    offsets = sentences["char_start"].to_numpy()[rows]
    columns = {
        "report_id": sentences["report_id"].array.take(rows),
        "section_no": sentences["section_no"].to_numpy()[rows],
        "sentence_no": sentences["sentence_no"].to_numpy()[rows],
        "agency_id": pd.array(agency_ids, dtype="str").take(items),
        "surface": pd.array(surfaces, dtype="str").take(items),
        "role": pd.array(roles, dtype="str").take(items),
        "char_start": offsets + np.array(starts, dtype=np.int64)[items],
        "char_end": offsets + np.array(ends, dtype=np.int64)[items],
    }
    out = pd.DataFrame({c: pd.array(v, dtype=MENTION_DTYPES[c]) for c, v in columns.items()})
    return out.sort_values(["report_id", "char_start"], kind="mergesort").reset_index(drop=True)


def agency_mentions(
    sentences: pd.DataFrame,
    contexts: Mapping[str, Context] | None = None,
    gazetteer: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Every organisation named in the sentences, in either script, with its role, resolved in
    each report's jurisdiction (`contexts`: report_id -> (jurisdiction, genre); a report not
    listed has none, so only bodies of named places are found in it).

    Matching runs on the Simplified rendering (OpenCC hk2s keeps offsets; the original text is
    used when it would not) against every alias in both scripts. Longer matches win and matches
    never overlap, so 福田區人大常委會 is one mention and 市人大 inside it is none. A name inside a
    longer 《》 title belongs to the title. Roles follow `mention_role`.
    """
    missing = [c for c in SENTENCE_COLUMNS if c not in sentences.columns]
    if missing:
        raise ValueError(f"agency_mentions: sentences lack columns {missing}")
    if gazetteer is None:
        known, mentions_of = packaged_matcher(), _packaged_mentions
    else:
        known = _matcher(gazetteer)
        mentions_of = partial(_text_mentions, known=known)
    codes, texts, matchables = _distinct_texts(sentences)
    mentions = where_found(matchables, mentions_of, partial(_word_starts, known), known.separator)
    found = _mention_frame(sentences, codes, texts, mentions)
    return _resolved(found, contexts or {}, gazetteer)


def _word_starts(known: AliasMatcher, text: str) -> Iterator[int]:
    """Where a word of `known` (an alias, a place name, a cue) starts in a text (not all of them:
    without overlaps); a text without one has no mention (`_scan`)."""
    return (start for _, start, _ in known.words.find_matches_as_indexes(text))


def _resolved(
    mentions: pd.DataFrame, contexts: Mapping[str, Context], gazetteer: pd.DataFrame | None
) -> pd.DataFrame:
    """Bodies' keys turned into agency ids in each report's jurisdiction (unresolvable ones, a
    bare 市政府 in a national report, dropped), and each mention's jurisdiction_code."""
    gazetteer = load_gazetteer() if gazetteer is None else gazetteer
    places = dict(zip(gazetteer["agency_id"], gazetteer["jurisdiction_code"], strict=True))
    cache: dict[tuple[str, str], tuple[str | None, str]] = {}
    ids, codes = [], []
    for report_id, key, surface in records(mentions, ["report_id", "agency_id", "surface"]):
        own = contexts.get(report_id, (None, ""))[0]
        if not key.startswith(KEY_SEP):
            code = places.get(key, "")
            meant = _local_meant(surface, code, own)
            ids.append(key if meant else None)
            codes.append(code if meant else "")
            continue
        where = (own.code if own is not None else "", key)
        if where not in cache:
            cache[where] = resolve(key, own)
        agency, code = cache[where]
        ids.append(agency)
        codes.append(code)
    out = mentions.assign(agency_id=pd.array(ids, dtype="str"))
    out["jurisdiction_code"] = pd.array(codes, dtype="str")
    return out[out["agency_id"].notna()].reset_index(drop=True)


def _local_meant(surface: str, code: str, own: Jurisdiction | None) -> bool:
    """Whether a gazetteer organisation of one place is meant: its surface names the place
    (深圳巴士集团), or the report is of that place, of one within it or holding it, or of
    unknown place; 巴士集团 or 市育新学校 in another city's report is that city's own."""
    if own is None or code in ("", COUNTRY_CODE, own.code):
        return True
    place = jurisdictions().get(code)
    if place is None:
        return True
    hans = to_hans(surface)
    if any(name and name in hans for name in (place.name, place.short)):
        return True
    return code in _lineage(own.code) or own.code in _lineage(code)


@cache
def _lineage(code: str) -> frozenset[str]:
    """The codes of the places that hold a jurisdiction (its province, the country)."""
    table, found = jurisdictions(), set()
    while code in table and table[code].parent_code and table[code].parent_code not in found:
        code = table[code].parent_code
        found.add(code)
    return frozenset(found)


def lead_agencies(
    sentences: pd.DataFrame, mentions: pd.DataFrame, contexts: Mapping[str, Context] | None = None
) -> pd.DataFrame:
    """The acting organisation of each numbered section, by the genre of its report.

    In a report whose genre's lead rule is `reporting_government` (genres.yaml: a government work
    report; `contexts`: report_id -> (jurisdiction, genre id)) the reporting government acts
    throughout: every section's lead is the
    report's own government (the State Council for the country), unless the section's heading has
    a subject mention of another organisation, which then leads. In any other report (a review
    organised by agency) the lead is the subject of the earliest body sentence that has a subject
    mention (the first one in that sentence); failing that, the heading's subject. Places rather
    than organisations (roles with never_lead: 我市, 我省) never lead. The lead is missing when
    the section names no acting organisation (or a work report's jurisdiction is unknown).
    """
    leads, in_heading = _section_leads(sentences, mentions)
    governments = {
        report_id: reporting_government(own)
        for report_id, (own, genre) in (contexts or {}).items()
        if genre_of(genre).lead == REPORTING_GOVERNMENT
    }
    sections = _numbered_sections(sentences)
    found = [  # in a work report, the heading's subject, else the reporting government
        in_heading.get(key, governments[key[0]]) if key[0] in governments else leads.get(key)
        for key in records(sections, SECTION_KEYS)
    ]
    return sections.assign(lead_agency_id=pd.Series(found, dtype=object))


def _numbered_sections(sentences: pd.DataFrame) -> pd.DataFrame:
    """The SECTION_KEYS of the sections with body sentences, in key order, typed as in
    `sentences`."""
    numbered = sentences["role"].eq("body") & sentences["section_no"].gt(0)
    keys = sentences.loc[numbered, SECTION_KEYS]
    return keys.drop_duplicates().sort_values(SECTION_KEYS).reset_index(drop=True)


def reporting_government(own: Jurisdiction | None) -> str | None:
    """The agency id of a jurisdiction's own people's government (the State Council for the
    country), the actor of its government work report."""
    if own is None:
        return None
    if own.level == "national":
        return "state_council"
    return f"{own_prefix(own)}_{roles()['government'].stems.get(own.designator, 'government')}"


def _section_leads(
    sentences: pd.DataFrame, mentions: pd.DataFrame
) -> tuple[dict[tuple, str], dict[tuple, str]]:
    """The lead agency of each section (by SECTION_KEYS) that has one, and its heading's subject.

    Candidates are subject mentions, in body or heading sentences (the last one with the
    mention's report_id and sentence_no), of agencies that may lead; body ones come first, then
    the earliest, then the first listed. Plain dicts: a section has a handful of candidates.
    """
    never = set(role_rules()["never_lead"])
    never_roles = {r.role_id for r in roles().values() if r.never_lead}
    located = ["report_id", "sentence_no"]
    columns = [*located, "section_no", "agency_id", "char_start", "role"]
    subjects = [
        m
        for m in records(mentions, columns)
        if m[5] == "subject" and m[3] not in never and _role_of(m[3]) not in never_roles
    ]
    wanted = {m[:2] for m in subjects}
    places = {  # (report_id, sentence_no) -> (part, role) of its last sentence
        s[:2]: s[2:] for s in records(sentences, [*located, "part", "role"]) if s[:2] in wanted
    }
    leads: dict[tuple, tuple] = {}
    in_heading: dict[tuple, tuple] = {}
    for listed, (report_id, sentence_no, section_no, agency, start, _) in enumerate(subjects):
        part, role = places.get((report_id, sentence_no), (None, None))
        if role not in ("body", "heading"):
            continue
        key, rank = (report_id, part, section_no), (role == "heading", start, listed)
        for best in (leads, in_heading) if role == "heading" else (leads,):
            if key not in best or rank < best[key][0]:
                best[key] = (rank, agency)
    return {k: v[1] for k, v in leads.items()}, {k: v[1] for k, v in in_heading.items()}


def _role_of(agency: str) -> str:
    """The role id of an agency id (a gazetteer organisation is its own role)."""
    row = describe(agency) if agency not in _packaged_ids() else None
    return row["role_id"] if row else agency


@cache
def _packaged_ids() -> frozenset[str]:
    return frozenset(load_gazetteer()["agency_id"])
