"""The rule registry: every rule file of the package loads checked and versioned, and a
misspelt column or key is refused naming the file and what is wrong."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import pytest
import yaml

from szpolicy import rules, schema
from szpolicy.errors import SzpolicyError


@pytest.fixture
def data(tmp_path) -> Path:
    """A copy of the package's rule files to spoil."""
    folder = tmp_path / "data"
    shutil.copytree(Path(str(resources.files("szpolicy").joinpath("data"))), folder)
    return folder


def test_every_rule_file_of_the_package_is_registered_and_versioned() -> None:
    files = {f.name for f in resources.files("szpolicy").joinpath("data").iterdir()}
    rule_files = {f for f in files if not f.endswith(".meta.yaml")}
    assert {rules.load(name).file for name in rules.names()} == rule_files
    versions = rules.versions()
    assert set(versions) == rule_files
    assert all(v not in (None, "") for v in versions.values())


def test_a_csv_rule_is_a_text_table_versioned_by_its_companion() -> None:
    rule = rules.load("qualifiers")
    assert rule.file == "qualifiers.csv"
    assert list(rule.data.columns) == ["cue", "position", "qualifier"]
    meta = resources.files("szpolicy").joinpath("data", "qualifiers.meta.yaml")
    assert rule.version == yaml.safe_load(meta.read_text("utf-8"))["version"]
    assert set(rule.data["position"]) <= {"before", "after_number", "after_unit", "before_share"}


def test_a_misspelt_csv_column_is_refused_naming_file_and_column(data) -> None:
    path = data / "qualifiers.csv"
    lines = path.read_text("utf-8").splitlines(keepends=True)
    path.write_text("cue,postion,qualifier\n" + "".join(lines[1:]), "utf-8")
    with pytest.raises(SzpolicyError, match="'postion'") as err:
        rules.read("qualifiers", data)
    assert err.value.path == "qualifiers.csv"


def test_a_column_the_companion_describes_must_be_there(data) -> None:
    path = data / "relative_dates.csv"
    text = path.read_text("utf-8").splitlines()
    path.write_text("\n".join(line.rsplit(",", 1)[0] for line in text) + "\n", "utf-8")
    with pytest.raises(SzpolicyError, match="expected") as err:
        rules.read("relative_dates", data)
    assert err.value.path == "relative_dates.csv"


def test_a_csv_without_its_companion_is_refused(data) -> None:
    (data / "units.meta.yaml").unlink()
    with pytest.raises(SzpolicyError, match="missing") as err:
        rules.read("units", data)
    assert err.value.path == "units.meta.yaml"


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda t: t.replace("\nnotices:", "\nnotice:"), "lacks notices"),
        (lambda t: t + "\nextra_rule: 1\n", "unknown key"),
        (lambda t: t.replace("\nversion:", "\n# version:"), "lacks version"),
    ],
)
def test_a_yaml_rule_must_hold_exactly_its_keys(data, edit, message) -> None:
    path = data / "boilerplate.yaml"
    path.write_text(edit(path.read_text("utf-8")), "utf-8")
    with pytest.raises(SzpolicyError, match=message) as err:
        rules.read("boilerplate", data)
    assert err.value.path == "boilerplate.yaml"


def test_an_unknown_rule_name_is_refused_listing_the_known_ones() -> None:
    with pytest.raises(SzpolicyError, match="qualifiers"):
        rules.load("qualifier")


def test_shared_fields_are_described_once_and_listed_by_name() -> None:
    shared = schema.shared_fields()
    assert {"report_id", "section_no", "sentence_no", "part"} <= set(shared)
    folder = resources.files("szpolicy").joinpath("schema")
    for path in folder.iterdir():
        if not path.name.endswith(".yaml") or path.name == schema.FIELDS_FILE:
            continue
        written = yaml.safe_load(path.read_text("utf-8"))["fields"]
        assert not any(isinstance(f, dict) and f["name"] in shared for f in written), path.name
        resolved = schema.spec(path.name.removesuffix(".yaml"))["fields"]
        for field in resolved:
            if field["name"] in shared:
                assert field == {"name": field["name"], **shared[field["name"]]}


def test_a_field_listed_by_name_must_be_shared(monkeypatch, tmp_path) -> None:
    (tmp_path / "toy.yaml").write_text("name: toy\nfields:\n  - report_idd\n", "utf-8")
    monkeypatch.setattr(schema, "FOLDERS", [*schema.FOLDERS, tmp_path])
    with pytest.raises(SzpolicyError, match="report_idd") as err:
        schema.spec("toy")
    assert err.value.path == "toy.yaml"
