"""Load the rule files of src/szpolicy/data/ that a researcher may edit, refusing bad ones.

`load(name)` is the one way in: a YAML file must be a mapping holding exactly the keys listed
in KEYS; a CSV file must have exactly the columns its `.meta.yaml` companion describes, which
also gives its version. Every rule carries its version into datapackage.json (`versions`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

import pandas as pd
import yaml

from ..errors import SzpolicyError
from ..io.yamlfile import safe_load

LEXICON_KEYS = ("name", "version", "description", "default_use", "cues", "categories")
KEYS = {  # the top-level keys of each YAML rule file: all required, no others
    "agency_roles": (
        "version",
        "clause_delimiters",
        "subject_openers",
        "partner_cues",
        "modifier_after",
        "enumerators",
        "title_brackets",
        "never_lead",
    ),
    "body_roles": (
        "version",
        "designators",
        "own_prefix",
        "adjective_en",
        "bare_not_after",
        "bare_listed",
        "patterns",
        "roles",
        "department_units",
        "national_units",
        "not_followed_by",
        "not_preceded_by",
        "not_before",
        "national_commissions",
        "departments",
    ),
    "boilerplate": ("version", "max_chars", "max_chars_joined", "patterns", "notices"),
    "chart_labels": ("version", "description", "charts"),
    "digitisation_lexicon": LEXICON_KEYS,
    "digitisation_lexicon_narrow": LEXICON_KEYS,
    "genres": ("version", "genres", "other"),
    "governance_lexicon": LEXICON_KEYS,
    "headings": ("version", "numeral", "formal_numeral", "part_label", "styles"),
    "number_exclusions": (
        "version",
        "patterns",
        "hotline",
        "containers",
        "years",
        "lexical",
        "lexical_chars",
        "vague",
        "indefinite_article",
        "direction_window",
        "not_measured",
    ),
    "outcome_cues": (
        "name",
        "version",
        "description",
        "rate_unit_kinds",
        "rate_nouns",
        "change_cues",
    ),
}
META_KEYS = ("version", "file", "columns")  # what a CSV's .meta.yaml must at least hold


@dataclass(frozen=True)
class Rule:
    """A rule file as loaded: its file name, version and data (a mapping, or a table of text)."""

    file: str
    version: Any
    data: Any


def data_folder() -> Traversable:
    """The package's folder of rule files."""
    return resources.files("szpolicy").joinpath("data")


def names() -> list[str]:
    """The name of every rule file in the package (without .yaml or .csv)."""
    files = [f.name for f in data_folder().iterdir()]
    return sorted(
        f.rsplit(".", 1)[0]
        for f in files
        if f.endswith(".csv") or (f.endswith(".yaml") and not f.endswith(".meta.yaml"))
    )


@cache
def load(name: str) -> Rule:
    """The packaged rule file `name` (e.g. "qualifiers", "headings"), read once and checked."""
    return read(name, data_folder())


def read(name: str, folder: Traversable) -> Rule:
    """Rule file `name` of `folder`, checked; SzpolicyError naming the file and what is wrong."""
    csv = folder.joinpath(f"{name}.csv")
    if csv.is_file():
        return _read_csv(csv, _read_yaml(folder.joinpath(f"{name}.meta.yaml"), META_KEYS))
    path = folder.joinpath(f"{name}.yaml")
    if name not in KEYS or not path.is_file():
        raise SzpolicyError(f"no rule file {name!r} (known: {', '.join(names())})")
    data = _read_yaml(path, KEYS[name])
    extra = [k for k in data if k not in KEYS[name]]
    if extra:
        raise SzpolicyError(f"unknown key(s) {', '.join(map(str, extra))}", path.name)
    return Rule(path.name, data["version"], data)


def _read_yaml(path: Traversable, keys: tuple[str, ...]) -> dict:
    """A YAML mapping holding `keys`, refused with the file's name otherwise."""
    if not path.is_file():
        raise SzpolicyError("missing", path.name)
    try:
        data = safe_load(path.read_text("utf-8"))
    except yaml.YAMLError as err:
        raise SzpolicyError(f"not valid YAML: {err}", path.name) from None
    missing = [k for k in keys if not isinstance(data, dict) or k not in data]
    if missing:
        raise SzpolicyError(f"lacks {', '.join(missing)}", path.name)
    return data


def _read_csv(path: Traversable, meta: dict) -> Rule:
    """A CSV rule table as text, its columns exactly those its companion describes."""
    if meta["file"] != path.name:
        raise SzpolicyError(f"its companion describes {meta['file']}", path.name)
    with path.open(encoding="utf-8") as f:
        table = pd.read_csv(f, dtype=str, keep_default_na=False)
    described = list(meta["columns"])
    for column in table.columns:
        if column not in described:
            raise SzpolicyError(f"column {column!r} is not described in its .meta.yaml", path.name)
    if list(table.columns) != described:  # one missing, or in another order
        raise SzpolicyError(f"columns {list(table.columns)}, expected {described}", path.name)
    return Rule(path.name, meta["version"], table)


def versions() -> dict[str, Any]:
    """The version of every packaged rule file, by file name."""
    return dict(sorted((rule.file, rule.version) for rule in map(load, names())))


def compile_rule(pattern: str, name: str, flags: int = 0) -> re.Pattern:
    """A pattern of a rule file, refused with the file's name when it does not compile."""
    try:
        return re.compile(pattern, flags)
    except (re.error, TypeError) as err:
        raise SzpolicyError(f"bad pattern {pattern!r}: {err}", name) from None
