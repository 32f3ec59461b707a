"""Load the rule files of src/szpolicy/data/ that a researcher may edit, refusing bad ones."""

from __future__ import annotations

import re
from importlib import resources

import yaml

from .errors import SzpolicyError
from .yamlfile import safe_load


def load_rules(name: str, keys: tuple[str, ...]) -> dict:
    """A YAML rule file, refused with its name when it is not a mapping holding `keys`."""
    try:
        spec = safe_load(resources.files("szpolicy.data").joinpath(name).read_text("utf-8"))
    except yaml.YAMLError as err:
        raise SzpolicyError(f"not valid YAML: {err}", name) from None
    missing = [k for k in keys if not isinstance(spec, dict) or k not in spec]
    if missing:
        raise SzpolicyError(f"{name} lacks {', '.join(missing)}", name)
    return spec


def compile_rule(pattern: str, name: str, flags: int = 0) -> re.Pattern:
    """A pattern of a rule file, refused with the file's name when it does not compile."""
    try:
        return re.compile(pattern, flags)
    except (re.error, TypeError) as err:
        raise SzpolicyError(f"bad pattern {pattern!r}: {err}", name) from None
