"""Corpus mode: many reports in one build, in every encoding and script, and Parquet for engines."""

from __future__ import annotations

import duckdb
import pytest

import szpolicy
from szpolicy.pipeline.build import build
from szpolicy.schema import TABLES
from szpolicy.testing import write_corpus
from szpolicy.text.script import to_hans

from .conftest import SEED

VARIANTS = {
    "seed_utf8": ("hant", "utf-8", b""),
    "seed_bom": ("hant", "utf-8", b"\xef\xbb\xbf"),
    "seed_big5": ("hant", "big5hkscs", b""),
    "seed_utf16": ("hant", "utf-16-le", b"\xff\xfe"),
    "seed_hans_utf8": ("hans", "utf-8", b""),
    "seed_hans_gb": ("hans", "gb18030", b""),
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    text = SEED.read_bytes().decode("utf-8")
    for name, (script, encoding, bom) in VARIANTS.items():
        body = to_hans(text) if script == "hans" else text
        (folder / f"{name}.txt").write_bytes(bom + body.encode(encoding))
    generated = write_corpus(folder / "generated", 6, seed=3)
    return folder, generated


@pytest.fixture(scope="module")
def built(corpus, tmp_path_factory):
    folder, _ = corpus
    out = tmp_path_factory.mktemp("out")
    counts = build([folder], out=out / "csv", jobs=2).counts
    tables = {name: szpolicy.load(name, out / "csv") for name in TABLES}
    assert counts == {name: len(df) for name, df in tables.items()}
    return tables, out


def test_one_row_per_report_and_no_key_collisions(corpus, built):
    folder, generated = corpus
    tables, _ = built
    reports = tables["reports"]
    assert sorted(reports["report_id"]) == sorted([*VARIANTS, *(p.stem for p in generated)])
    for name, (script, _, _) in VARIANTS.items():
        assert reports.set_index("report_id").loc[name, "script"] == script


def test_the_same_text_gives_the_same_sections(built):
    tables, _ = built
    sections = tables["sections"]
    shape = {
        rid: list(
            zip(
                df["section_no"], df["heading_hans"], df["char_end"] - df["char_start"], strict=True
            )
        )
        for rid, df in sections.groupby("report_id")
        if rid in VARIANTS
    }
    assert len({repr(v) for v in shape.values()}) == 1
    counts = tables["indicators"].groupby("report_id").size()
    assert counts[list(VARIANTS)].nunique() == 1


def test_parquet_is_read_by_duckdb_directly(corpus, built):
    folder, _ = corpus
    tables, out = built
    build([folder], out=out / "parquet", jobs=2, fmt="parquet")
    query = (
        f"select report_id, count(*) as n from read_parquet('{out}/parquet/sentences/*/*.parquet', "
        "hive_partitioning = true) group by report_id order by report_id"
    )
    rows = duckdb.sql(query).fetchall()
    expected = tables["sentences"].groupby("report_id").size()
    assert rows == list(expected.items())
    for name in TABLES:
        assert szpolicy.load(name, out / "parquet").equals(tables[name]), name
