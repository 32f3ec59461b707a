"""YAML parsing through libyaml's C loader where PyYAML was built with it.

The pure-Python loader took about a third of a second of a one-report build's start-up on the
packaged schema and word lists; the C loader builds the same objects several times faster.
"""

from __future__ import annotations

from typing import Any

import yaml

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text: str) -> Any:
    """The data of a YAML text, as `yaml.safe_load` gives it (YAMLError when it is not YAML)."""
    loader = LOADER(text)  # what yaml.safe_load does, with the C loader
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()
