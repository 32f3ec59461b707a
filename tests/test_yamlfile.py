"""The C YAML loader reads every packaged file as the pure-Python safe loader does."""

from __future__ import annotations

from importlib import resources

import pytest
import yaml

from szpolicy.io.yamlfile import LOADER, safe_load

PACKAGED = sorted(
    f
    for folder in ("data", "schema")
    for f in resources.files("szpolicy").joinpath(folder).iterdir()
    if f.name.endswith(".yaml")
)


def test_the_c_loader_is_used_where_pyyaml_has_it():
    assert LOADER is getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@pytest.mark.parametrize("source", PACKAGED, ids=lambda f: f.name)
def test_packaged_files_load_as_with_the_safe_loader(source):
    text = source.read_text("utf-8")
    assert safe_load(text) == yaml.safe_load(text)


def test_bad_yaml_raises_yaml_error():
    with pytest.raises(yaml.YAMLError):
        safe_load("terms: [unclosed\n")
    with pytest.raises(yaml.YAMLError):  # a safe loader: no Python objects
        safe_load("!!python/object/apply:os.system ['true']\n")
