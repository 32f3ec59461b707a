"""Load and validate a digitisation lexicon (YAML) so that a notebook parameter can swap it."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

import yaml

from ..errors import SzpolicyError
from ..io.yamlfile import safe_load
from ..text.script import SCRIPT_KEYS

USES = ("tool", "subject")
TOP_KEYS = ("name", "version", "description", "default_use", "cues", "categories")
CATEGORY_KEYS = ("id", "label_en", "label_zh_hant", "label_zh_hans", "terms")
CUE_LISTS = ("subject_after", "tool_heads", "tool_verbs", "offline")


class LexiconError(SzpolicyError, ValueError):
    """A lexicon file that cannot be used: says which file and what is wrong with it."""


@dataclass(frozen=True)
class Term:
    """One lexicon entry: its Traditional and Simplified forms, an optional fixed use, its
    family (for timelines; the category id when the file gives none) and other written forms."""

    zh_hant: str
    zh_hans: str
    use: str | None = None
    family: str = ""
    variants: tuple[str, ...] = ()

    def forms(self) -> tuple[str, ...]:
        """Every written form matched for the term: both scripts, then the variants."""
        return tuple(dict.fromkeys((self.zh_hant, self.zh_hans, *self.variants)))


@dataclass(frozen=True)
class Category:
    """A group of terms with labels in both scripts and English."""

    id: str
    label_en: str
    label_zh_hant: str
    label_zh_hans: str
    terms: tuple[Term, ...]


@dataclass(frozen=True)
class Cues:
    """Words around a hit that tell a policy subject from an agency's own tool (both scripts)."""

    title_brackets: tuple[str, ...]
    subject_after: frozenset[str]
    tool_heads: frozenset[str]
    head_window: int
    tool_verbs: frozenset[str]
    offline: frozenset[str]


@dataclass(frozen=True)
class Lexicon:
    """A validated lexicon; `source` is the file it came from."""

    name: str
    version: str
    description: str
    default_use: str
    cues: Cues
    categories: tuple[Category, ...]
    source: str

    def surfaces(self) -> dict[str, tuple[str, Term]]:
        """Every matchable surface form (either script) mapped to its category id and term."""
        return {
            form: (cat.id, term)
            for cat in self.categories
            for term in cat.terms
            for form in term.forms()
        }

    def families(self) -> dict[str, str]:
        """Each term (its Traditional form, as hits report it) mapped to its family."""
        return {term.zh_hant: term.family for cat in self.categories for term in cat.terms}


def packaged_lexicons() -> list[str]:
    """Names of the lexicons shipped in szpolicy/data."""
    files = resources.files("szpolicy.data").iterdir()
    return sorted(
        f.name.removesuffix(".yaml")
        for f in files
        if "_lexicon" in f.name and f.name.endswith(".yaml")
    )


def _resolve(name_or_path: str | Path) -> tuple[Traversable, bool]:
    """The file of a lexicon given as a file path or a packaged name, and whether it is packaged."""
    path = Path(name_or_path)
    stem = path.name.removesuffix(".yaml")
    if path.is_file():
        return path, False
    if str(name_or_path) in (stem, path.name) and stem in packaged_lexicons():
        return resources.files("szpolicy.data").joinpath(f"{stem}.yaml"), True
    raise LexiconError(
        f"{name_or_path}: no such lexicon file, and no packaged lexicon of that name "
        f"(packaged: {', '.join(packaged_lexicons())})"
    )


def _read(source: Traversable) -> str:
    """The text of a lexicon file, which must be UTF-8."""
    try:
        return source.read_text("utf-8")
    except UnicodeDecodeError as err:
        raise LexiconError(f"{source}: not UTF-8 text ({err.reason} at byte {err.start})") from None


def _require(mapping: object, keys: tuple[str, ...], where: str, source: str) -> dict:
    """Check that `mapping` is a mapping with all `keys`; name the missing ones otherwise."""
    if not isinstance(mapping, dict):
        raise LexiconError(f"{source}: {where} must be a mapping, got {type(mapping).__name__}")
    missing = [k for k in keys if k not in mapping]
    if missing:
        raise LexiconError(f"{source}: {where} is missing key(s) {', '.join(missing)}")
    return mapping


def _words(value: object, where: str, source: str) -> list[str]:
    """A list of non-empty strings (numbers written bare in YAML are taken as text)."""
    if not isinstance(value, list) or not value:
        raise LexiconError(f"{source}: {where} must be a non-empty list")
    words = [str(v).strip() if isinstance(v, str | int) else None for v in value]
    if any(not w for w in words):
        raise LexiconError(f"{source}: {where} must hold non-empty strings only")
    return words


def _cues(raw: object, source: str) -> Cues:
    """Parse the cue block; every word list is given in both scripts."""
    cues = _require(raw, ("title_brackets", "head_window", *CUE_LISTS), "cues", source)
    brackets = _words(cues["title_brackets"], "cues.title_brackets", source)
    if any(len(b) != 2 for b in brackets):
        raise LexiconError(f"{source}: cues.title_brackets must be opening+closing pairs like 《》")
    window = cues["head_window"]
    if not isinstance(window, int) or isinstance(window, bool) or window < 0:
        raise LexiconError(f"{source}: cues.head_window must be a non-negative integer")
    lists = {}
    for key in CUE_LISTS:
        block = _require(cues[key], SCRIPT_KEYS, f"cues.{key}", source)
        lists[key] = frozenset(
            w
            for script in SCRIPT_KEYS
            for w in _words(block[script], f"cues.{key}.{script}", source)
        )
    return Cues(title_brackets=tuple(brackets), head_window=window, **lists)


def _term(raw: object, where: str, source: str, category: str) -> Term:
    """Parse one term entry {zh_hant, zh_hans, use?, family?, variants?}."""
    entry = _require(raw, SCRIPT_KEYS, where, source)
    forms = _words([entry["zh_hant"], entry["zh_hans"]], where, source)
    use = entry.get("use")
    if use is not None and use not in USES:
        raise LexiconError(f"{source}: {where} has use {use!r}; allowed: {', '.join(USES)}")
    family = _words([entry.get("family", category)], f"{where} family", source)[0]
    variants = entry.get("variants", [])
    variants = _words(variants, f"{where} variants", source) if variants else []
    return Term(forms[0], forms[1], use, family, tuple(variants))


def _categories(raw: object, source: str) -> tuple[Category, ...]:
    """Parse the categories, rejecting empty ones and terms listed twice in any script."""
    if not isinstance(raw, list) or not raw:
        raise LexiconError(f"{source}: categories must be a non-empty list")
    seen_ids: set[str] = set()
    seen_forms: dict[str, str] = {}
    out = []
    for i, item in enumerate(raw):
        cat = _require(item, CATEGORY_KEYS, f"category {i + 1}", source)
        cid = str(cat["id"])
        if cid in seen_ids:
            raise LexiconError(f"{source}: category id {cid!r} appears twice")
        seen_ids.add(cid)
        if not isinstance(cat["terms"], list) or not cat["terms"]:
            raise LexiconError(f"{source}: category {cid!r} has no terms")
        terms = tuple(
            _term(t, f"category {cid!r} term {j + 1}", source, cid)
            for j, t in enumerate(cat["terms"])
        )
        for term in terms:
            for form in term.forms():
                if form in seen_forms:
                    raise LexiconError(
                        f"{source}: duplicate term {form!r} in category {cid!r} "
                        f"(already in {seen_forms[form]})"
                    )
                seen_forms[form] = f"category {cid!r}"
        labels = {k: str(cat[k]) for k in CATEGORY_KEYS[1:4]}
        out.append(Category(id=cid, terms=terms, **labels))
    return tuple(out)


def load_lexicon(name_or_path: str | Path) -> Lexicon:
    """Load a lexicon from a YAML path or a packaged name (e.g. 'digitisation_lexicon')."""
    source, packaged = _resolve(name_or_path)
    if packaged:
        stamp = os.stat(source).st_mtime_ns if isinstance(source, Path) else 0
        return _packaged_lexicon(source, stamp)
    return _parse(_read(source), str(source))


@cache
def _packaged_lexicon(source: Traversable, stamp: int) -> Lexicon:
    """A packaged lexicon, parsed once per version of its file (`stamp`: its mtime)."""
    return _parse(_read(source), str(source))


def _parse(text: str, source: str) -> Lexicon:
    """A lexicon from the text of its YAML file; `source` names the file in errors."""
    try:
        raw = safe_load(text)
    except yaml.YAMLError as err:
        raise LexiconError(f"{source}: not valid YAML: {err}") from None
    top = _require(raw, TOP_KEYS, "the top level", source)
    if top["default_use"] not in USES:
        raise LexiconError(f"{source}: default_use must be one of {', '.join(USES)}")
    return Lexicon(
        name=str(top["name"]),
        version=str(top["version"]),
        description=str(top["description"]),
        default_use=top["default_use"],
        cues=_cues(top["cues"], source),
        categories=_categories(top["categories"], source),
        source=source,
    )
