"""The data packages of both formats: valid for frictionless, readable by DuckDB and pandas,
and carrying the project version, each report's source and licence and the rule versions."""

from __future__ import annotations

import json
from importlib import resources

import duckdb
import frictionless
import pytest
import yaml

import szpolicy
from szpolicy.io import paths
from szpolicy.io.manifest import read_manifest
from szpolicy.pipeline.build import build
from szpolicy.schema import TABLES

SEED = paths.RAW / "000_90487d465f63e9bb.txt"


@pytest.fixture(scope="module")
def packages(tmp_path_factory):
    """The seed and a second small report built in both formats."""
    tmp = tmp_path_factory.mktemp("package")
    second = tmp / "other report.txt"  # a space in report_id, escaped in the partition folder
    second.write_text(
        "導語……\n引言。\n一、甲\n市婦聯開展活動12場。\n二、乙\n市政協調研。\n", "utf-8"
    )
    return {
        fmt: build([SEED, second], out=tmp / fmt, fmt=fmt) and tmp / fmt
        for fmt in ("csv", "parquet")
    }


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_frictionless_accepts_the_package(packages, fmt) -> None:
    report = frictionless.validate(packages[fmt] / "datapackage.json")
    problems = [e.message for task in report.tasks for e in task.errors]
    assert report.valid, problems
    assert {task.name for task in report.tasks} == set(TABLES)
    sentences = next(task for task in report.tasks if task.name == "sentences")
    assert sentences.stats["rows"] == len(szpolicy.load("sentences", packages[fmt])) > 0


def test_parquet_partitions_read_alike_in_duckdb_pandas_and_alone(packages) -> None:
    out = packages["parquet"]
    for name in TABLES:
        assert szpolicy.load(name, out).equals(szpolicy.load(name, packages["csv"])), name
    counts = duckdb.sql(
        f"select report_id, count(*) from read_parquet('{out}/sentences/*/*.parquet', "
        "hive_partitioning = true) group by report_id order by report_id"
    ).fetchall()
    sentences = szpolicy.load("sentences", out)
    assert counts == sorted(sentences.groupby("report_id").size().items())
    for part in (out / "sentences").glob("*/*.parquet"):  # a file alone names its report
        alone = duckdb.sql(f"select distinct report_id from read_parquet('{part}')").fetchall()
        assert [f"report_id={alone[0][0]}"] == [part.parent.name.replace("%20", " ")]


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_package_names_versions_sources_and_licences(packages, fmt) -> None:
    package = json.loads((packages[fmt] / "datapackage.json").read_text("utf-8"))
    assert package["szpolicy_version"] == szpolicy.__version__
    seed = next(e for e in read_manifest(paths.MANIFEST) if e.report_id == SEED.stem)
    source = next(s for s in package["sources"] if s["title"].startswith(SEED.stem))
    assert seed.licence and source["licence"] == seed.licence
    assert seed.licence in {lic["title"] for lic in package["licenses"]}
    assert any(s["title"] == "other report" for s in package["sources"])
    lexicon = resources.files("szpolicy").joinpath("data", "digitisation_lexicon.yaml")
    units = resources.files("szpolicy").joinpath("data", "units.meta.yaml")
    rules = package["rule_versions"]
    assert (
        rules["digitisation_lexicon.yaml"] == yaml.safe_load(lexicon.read_text("utf-8"))["version"]
    )
    assert rules["units.csv"] == yaml.safe_load(units.read_text("utf-8"))["version"]
