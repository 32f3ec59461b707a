"""Bodies every jurisdiction has (government, congress, party committee, courts, departments …):
their forms in a text, and which agency a form is in a given report's jurisdiction."""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import NamedTuple

from ..rules import load as load_rule
from ..text.prefilter import literal_run
from ..text.script import to_hans, to_hant
from ..text.segment import RE_HAN_INTERNAL, pos_tags, word_frequencies
from .jurisdictions import COUNTRY_CODE, Jurisdiction, jurisdictions, names

BODY_ROLES = "body_roles.yaml"
PLACEHOLDER = re.compile(r"\{(place|name|short|d)\}")
NATIONAL = "national"  # id prefix of the country's generated bodies (national_finance_ministry)
# Key of a generated candidate: @role@code for a named place, @role@~designator for a bare one.
KEY_SEP = "@"


class Role(NamedTuple):
    """A role of the gazetteer: what every jurisdiction's body of this kind is called."""

    role_id: str
    kind: str
    name: str  # Chinese name template ({place} or {d})
    name_en: str  # English template ({adj}, {adj_lower})
    stems: dict[str, str]  # designator -> id stem, when not the role id
    levels: tuple[str, ...]  # the jurisdiction levels it exists at; () for all
    of_districts: bool  # stands for the districts of a city (区政协)
    never_lead: bool
    national_id: str | None  # the gazetteer id of the country's body (state_council)


NATIONAL_KEY = KEY_SEP + COUNTRY_CODE  # the end of a national form's key (财政部)
FOREIGN_WINDOW = 8  # characters before a mention that foreign_before segments
OWN = "~own"  # target of a key for the report's own body (十四届人大)
BARE = "~bare"  # target of a key for a bare form (工会、共青团): own body, checked in context


class FormIndex(NamedTuple):
    """The role forms as the matcher looks them up."""

    kinds: dict[str, frozenset[str]]  # place text (full or short name, designator) -> its kinds
    codes: dict[str, str]  # matched place text (not a bare designator) -> its code
    forms: dict[str, list[tuple[str, str, str]]]  # suffix -> (prefix, placeholder, role_id)
    beginnings: frozenset[str]  # every beginning of a suffix ("" included)
    fixed: dict[str, str]  # forms without a place (区政协, 财政部) -> key
    patterns: tuple[tuple[re.Pattern, str], ...]  # regular expression -> agency id or key
    cues: frozenset[str]  # a word of each pattern (prefilter.literal_run): none in a text, no match


@cache
def body_rules() -> dict:
    """data/body_roles.yaml, checked: every role has kind, name, name_en and forms."""
    rules = load_rule("body_roles").data
    for role_id, spec in rules["roles"].items():
        missing = {"kind", "name", "name_en", "forms"} - set(spec)
        if missing:
            raise ValueError(f"szpolicy/data/{BODY_ROLES}: role {role_id} lacks {sorted(missing)}")
    return rules


@cache
def roles() -> dict[str, Role]:
    """Every role, the listed ones and one per department and unit (finance_bureau …)."""
    rules = body_rules()
    out = {
        role_id: Role(
            role_id,
            spec["kind"],
            spec["name"],
            spec["name_en"],
            spec.get("stems", {}),
            tuple(spec.get("levels", ())),
            spec.get("of_districts", False),
            spec.get("never_lead", False),
            spec.get("national_id"),
        )
        for role_id, spec in rules["roles"].items()
    }
    units = rules["department_units"] | rules["national_units"]
    for stem_id, english, stems in rules["departments"]:
        for unit, (unit_id, unit_en) in units.items():
            role_id = f"{stem_id}_{unit_id}"
            if role_id not in out:
                name = f"{{place}}{stems[0]}{unit}"
                english_name = f"{{adj}} {english} {unit_en}"
                role = Role(role_id, "government", name, english_name, {}, (), False, False, None)
                out[role_id] = role
    return out


@cache
def _department_roles() -> frozenset[str]:
    rules = body_rules()
    units = rules["department_units"] | rules["national_units"]
    return frozenset(f"{d[0]}_{unit[0]}" for d in rules["departments"] for unit in units.values())


def is_department(key: str) -> bool:
    """Whether a candidate key is a department's form (省财政厅, 财政部)."""
    return key.startswith(KEY_SEP) and key.split(KEY_SEP)[1] in _department_roles()


def _department_forms(rules: dict) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """(suffix, role_id) of departments after a place; national forms (财政部) -> key."""
    local, national = [], {}
    for stem_id, _, stems in rules["departments"]:
        for stem in stems:
            for unit, (unit_id, _) in rules["department_units"].items():
                local.append((stem + unit, f"{stem_id}_{unit_id}"))
                national[f"国家{stem}{unit}"] = f"{stem_id}_{unit_id}"
            for unit, (unit_id, _) in rules["national_units"].items():
                national[f"{stem}{unit}"] = f"{stem_id}_{unit_id}"
                national[f"国家{stem}{unit}"] = f"{stem_id}_{unit_id}"
    for stem_id, stems in rules["national_commissions"]:
        for stem in stems:
            national[f"国家{stem}委"] = f"{stem_id}_commission"
    return local, {s: KEY_SEP.join(("", r, COUNTRY_CODE)) for s, r in national.items()}


@cache
def form_index() -> FormIndex:
    """The packaged role forms, indexed by the text that follows the place."""
    rules = body_rules()
    kinds: dict[str, set[str]] = {}
    codes = {name: code for name, code in names().items() if code != COUNTRY_CODE}
    for j in jurisdictions().values():
        if j.code == COUNTRY_CODE:
            continue
        variants = {j.name}
        if j.designator in ("自治区", "自治州"):
            variants.add(j.short + j.designator)
            variants.add(j.short + j.designator[-1])  # 恩施州, 广西区
        for v in variants | {to_hant(v) for v in variants}:
            kinds.setdefault(v, set()).add("name")
            codes.setdefault(v, j.code)
        for v in (j.short, to_hant(j.short)):
            kinds.setdefault(v, set()).add("short")
            codes.setdefault(v, names().get(j.short, j.code))
    for designator in rules["designators"]:
        kinds.setdefault(designator, set()).add("d")
        kinds.setdefault(to_hant(designator), set()).add("d")
    forms: dict[str, list[tuple[str, str, str]]] = {}
    fixed: dict[str, str] = {}
    for role_id, spec in rules["roles"].items():
        for form in spec.get("bare", ()):
            fixed[form] = KEY_SEP.join(("", role_id, BARE))
        for form in spec["forms"]:
            found = PLACEHOLDER.search(form)
            if found is None:  # 区政协: the districts of the report's city
                fixed[form] = KEY_SEP.join(("", role_id, "~区"))
                continue
            prefix, suffix = form[: found.start()], form[found.end() :]
            for pre, suf in {(prefix, suffix), (to_hant(prefix), to_hant(suffix))}:
                forms.setdefault(suf, []).append((pre, found.group(1), role_id))
    local, national = _department_forms(rules)
    for suffix, role_id in local:
        for suf in {suffix, to_hant(suffix)}:
            forms.setdefault(suf, []).append(("", "place", role_id))
    fixed |= national
    fixed |= {to_hant(form): key for form, key in fixed.items()}
    patterns = tuple(
        (re.compile(regex), key)
        for pattern, key in rules["patterns"]
        for regex in {pattern, to_hant(pattern)}
    )
    return FormIndex(
        {k: frozenset(v) for k, v in kinds.items()},
        codes,
        forms,
        frozenset(suffix[:n] for suffix in forms for n in range(len(suffix) + 1)),
        fixed,
        patterns,
        frozenset(_cue(regex.pattern) for regex, _ in patterns),
    )


def _cue(pattern: str) -> str:
    """The word every match of a body pattern holds, which the matcher looks for first."""
    word = literal_run(pattern)
    if not word:
        raise ValueError(f"szpolicy/data/{BODY_ROLES}: pattern {pattern} holds no fixed word")
    return word


ACCEPTS = {"place": {"name", "d"}, "name": {"name"}, "short": {"short"}, "d": {"d"}}


def _two_char_word(pair: str) -> bool:
    """Whether `pair` is a two-character word of jieba's dictionary (one with a frequency: the
    dictionary also lists each word's prefixes, at 0): a bare designator inside one is no
    mention. Looked up, not collected: a set of them took a tenth of a second to build."""
    return len(pair) == 2 and bool(word_frequencies().get(pair))


def _inside_word(text: str, start: int) -> bool:
    """True when text[start] ends a two-character word with the character before it (资本|市场)."""
    return start > 0 and _two_char_word(text[start - 1 : start + 1])


def foreign_before(text: str, start: int) -> bool:
    """True when a place name (jieba tag ns, two characters or more) that names no Chinese
    jurisdiction comes right before text[start], maybe with 政府 between (美国国务院).

    Nothing is segmented at a text's start or after a character outside jieba's blocks
    (punctuation, a blank: a word of its own, tagged x), where many mentions stand."""
    if start == 0 or RE_HAN_INTERNAL.fullmatch(text, start - 1, start) is None:
        return False
    tags = list(pos_tags(text[max(0, start - FOREIGN_WINDOW) : start]))
    if tags and tags[-1][0] == "政府":
        tags.pop()
    if not tags:
        return False
    word, flag = tags[-1]
    if to_hans(word).endswith("政府") and len(word) > 2:
        word, flag = pos_tags(word[:-2])[-1]
    return flag == "ns" and len(word) > 1 and to_hans(word) not in names()


def _word_after(text: str, end: int) -> bool:
    """True when a form ending in 委 at `end` continues as a word (江苏省委派: 委派 'delegate')."""
    return text[end - 1 : end] == "委" and _two_char_word(text[end - 1 : end + 1])


def _suffix_lengths(text: str, end: int, index: FormIndex) -> list[int]:
    """Each length n, longest first, for which text[end : end + n] begins a role form's suffix:
    only these can be suffixes after a place ending at `end` (most places have none but 0)."""
    lengths = [0]
    while end + lengths[-1] < len(text) and text[end : end + lengths[-1] + 1] in index.beginnings:
        lengths.append(lengths[-1] + 1)
    return lengths[::-1]


def leftmost_longest(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans that do not overlap, taken leftmost first and longest at a start, as an
    Aho-Corasick search leftmost-longest finds them among all its overlapping matches."""
    chosen: list[tuple[int, int]] = []
    for start, end in sorted(spans, key=lambda span: (span[0], -span[1])):
        if not chosen or start >= chosen[-1][1]:
            chosen.append((start, end))
    return chosen


def body_candidates(
    text: str, places: list[tuple[int, int]], cued: bool, index: FormIndex | None = None
) -> list[tuple[int, int, str]]:
    """(start, end, key) of every role form in a Simplified text: the longest at each place name
    (`places`: every (start, end) of a name of `index.kinds` in it, overlapping ones included)
    and the patterns' matches (`cued`: a word of `index.cues` is in it, else there is none).

    A key is @role@code for a named place and @role@~designator for a bare designator (省政府);
    `resolve` turns it into an agency id once the report's jurisdiction is known.
    """
    index = index or form_index()
    out = []
    for ps, pe in leftmost_longest(places):
        place = text[ps:pe]
        kinds = index.kinds[place]
        best = None
        for length in _suffix_lengths(text, pe, index):
            for prefix, placeholder, role_id in index.forms.get(text[pe : pe + length], ()):
                if not kinds & ACCEPTS[placeholder] or not text.endswith(prefix, 0, ps):
                    continue
                span = (ps - len(prefix), pe + length)
                if best is None or span[1] - span[0] > best[1] - best[0]:
                    target = f"~{to_hans(place)}" if "d" in kinds else index.codes[place]
                    best = (*span, KEY_SEP.join(("", role_id, target)))
            if best is not None:
                break
        if best is None or _word_after(text, best[1]):
            continue
        if best[2].split(KEY_SEP)[2].startswith("~") and _inside_word(text, best[0]):
            continue
        out.append(best)
    if cued:
        out += [(*m.span(), key) for regex, key in index.patterns for m in regex.finditer(text)]
    return sorted(out)


def resolve(key: str, own: Jurisdiction | None) -> tuple[str | None, str]:
    """The agency id (None: unresolvable) and jurisdiction code of a candidate key in a report
    speaking for `own` (None: unknown).

    A named place is itself; a bare designator is the report's own jurisdiction when its
    designator is one it may stand for, else the province of the report's city, else None. In
    a report of unknown place a bare designator is taken for its own (市婦聯: city_…, code empty).
    """
    _, role_id, target = key.split(KEY_SEP)
    role = roles()[role_id]
    table = jurisdictions()
    if target in (OWN, BARE):
        place = own
    elif target == "~区":  # the districts of the report's city
        if own is not None and own.designator != "市":
            return None, ""
        return f"city_{_stem(role, '市')}", own.code if own is not None else ""
    elif target.startswith("~") and own is None:
        designator = body_rules()["designators"][target[1:]][0]
        prefix = body_rules()["own_prefix"][designator]
        return f"{prefix}_{_stem(role, designator)}", ""
    elif target.startswith("~"):
        wanted = body_rules()["designators"][target[1:]]
        parent = table.get(own.parent_code) if own is not None else None
        place = next((j for j in (own, parent) if j is not None and j.designator in wanted), None)
    else:
        place = table[target]
    if place is None or (role.levels and place.level not in role.levels):
        return None, ""
    if role.never_lead and place is not own:  # 我省 is the report's own place or none
        return None, ""
    if place.code == COUNTRY_CODE and role.national_id:
        return role.national_id, place.code
    return agency_id(role, place, own), place.code


def _stem(role: Role, designator: str) -> str:
    return role.stems.get(designator, role.role_id)


def own_prefix(place: Jurisdiction) -> str:
    """Id prefix of a report's own bodies: city (any 市), province, prefecture, national."""
    if place.code == COUNTRY_CODE:
        return NATIONAL
    return body_rules()["own_prefix"].get(place.designator, "prefecture")


def agency_id(role: Role, place: Jurisdiction, own: Jurisdiction | None) -> str:
    """<own_prefix>_<stem> for the report's own jurisdiction, else <slug>_<stem>."""
    stem = _stem(role, place.designator)
    if place.code == COUNTRY_CODE:
        return f"{NATIONAL}_{stem}"
    prefix = own_prefix(place) if own is not None and place.code == own.code else place.slug
    return f"{prefix}_{stem}"


@lru_cache(maxsize=4096)
def describe(agency: str) -> dict[str, str] | None:
    """The agencies-table row of a generated agency id, or None when it is not one."""
    for prefix, designator, place in _prefixes():
        if agency.startswith(prefix + "_"):
            role = _roles_by_stem(designator).get(agency[len(prefix) + 1 :])
            if role is not None:
                return _row(agency, role, designator, place)
    return None


@cache
def _prefixes() -> list[tuple[str, str, Jurisdiction | None]]:
    """Every prefix of a generated id, longest first, with its designator and its place (None:
    the report's own)."""
    rules, table = body_rules(), jurisdictions()
    relative = {v: k for k, v in reversed(rules["own_prefix"].items())}
    slugs = {j.slug: j for j in table.values()} | {NATIONAL: table[COUNTRY_CODE]}
    return [
        (p, relative.get(p) or slugs[p].designator, None if p in relative else slugs[p])
        for p in sorted({*relative, *slugs}, key=len, reverse=True)
    ]


@cache
def _roles_by_stem(designator: str) -> dict[str, Role]:
    """The first role of each id stem for a place of this designator."""
    found: dict[str, Role] = {}
    for role in roles().values():
        found.setdefault(_stem(role, designator), role)
    return found


def _row(agency: str, role: Role, designator: str, place: Jurisdiction | None) -> dict[str, str]:
    """Names, kind and place of one generated agency (place None: the report's own)."""
    adjective = body_rules()["adjective_en"].get(designator, "National")
    where = place.name if place is not None and place.code != COUNTRY_CODE else designator
    if place is not None and place.code == COUNTRY_CODE:  # 财政部, 国家统计局
        where, adjective = ("" if role.name.endswith(("部", "署")) else "国家"), "National"
    name = PLACEHOLDER.sub(where, role.name)
    english = role.name_en.format(adj=adjective, adj_lower=adjective.lower())
    if place is not None and place.code != COUNTRY_CODE:
        english = f"{place.name_en} {english}"
    level = "district" if role.of_districts else _level(place, designator)
    return {
        "agency_id": agency,
        "name_zh_hant": to_hant(name),
        "name_zh_hans": name,
        "name_en": english,
        "kind": role.kind,
        "level": level,
        "aliases": "|".join(dict.fromkeys([to_hant(name), name])),
        "role_id": role.role_id,
        "jurisdiction_code": place.code if place is not None else "",
        "jurisdiction_name": place.name if place is not None else f"(the reporting {designator})",
    }


def _level(place: Jurisdiction | None, designator: str) -> str:
    if place is not None:
        return {"national": "national", "provincial": "provincial"}.get(place.level, "municipal")
    return "provincial" if designator in ("省", "自治区", "特别行政区") else "municipal"
