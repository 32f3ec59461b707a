"""The build: output is valid, atomic and traceable to the raw text.

The dataset tests read the committed datasets: test_verify checks once that they are what a
fresh build of the whole corpus makes (a second full build here would repeat it), and
test_determinism that a build gives the same bytes in any process and setting.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import frictionless
import pandas as pd
import pytest

import szpolicy
from szpolicy.cli import main
from szpolicy.errors import SzpolicyError
from szpolicy.io import paths
from szpolicy.pipeline.build import build
from szpolicy.schema import TABLES, columns, conform, dtypes, sort_key, validate

from .conftest import SEED

pytestmark = pytest.mark.heavy  # run early: see conftest.py

OFFSET_TEXT = {"sentences": "text", "agency_mentions": "surface", "indicators": "surface"}


def snapshot(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_datapackage_is_valid_with_keys():
    report = frictionless.validate(paths.PROCESSED / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]


@pytest.mark.parametrize("table", TABLES)
def test_load_is_typed_and_valid(table):
    df = szpolicy.load(table, paths.PROCESSED)
    validate(table, df)
    assert len(df) > 0


@pytest.mark.parametrize(
    ("change", "found"),
    [
        (lambda df: df.assign(n_chars=df["n_chars"].astype(float)), "'n_chars' has type float64"),
        (lambda df: df.assign(title=df["title"].astype(object)), "'title' has type object"),
        (lambda df: df.assign(report_id=None), "report_id"),  # required, and a string
        (lambda df: df.assign(script="latin"), "not in its enum"),
        (  # a nullable integer in a required integer column: its type, and the value missing
            lambda df: df.assign(n_chars=df["n_chars"].astype("Int64").where(df.index > 0)),
            "'n_chars' is required: 1 missing",
        ),
        (lambda df: df.drop(columns="sha256"), "sha256"),
        (lambda df: df[[*df.columns[1:], "report_id"]], "expected ['report_id'"),  # order
        (lambda df: pd.concat([df, df], ignore_index=True), "primary key ['report_id'] repeats"),
        (  # in key order, the repeat next to its first
            lambda df: pd.concat([df, df[:1]]).sort_values("report_id", kind="mergesort"),
            "primary key ['report_id'] repeats",
        ),
    ],
)
def test_validate_refuses_a_table_unlike_its_schema(change, found):
    reports = szpolicy.load("reports", paths.PROCESSED)
    with pytest.raises(SzpolicyError, match="table reports fails its schema") as err:
        validate("reports", change(reports))
    assert found in err.value.message


def test_conform_types_and_sorts_without_changing_its_input():
    reports = szpolicy.load("reports", paths.PROCESSED)
    given = reports.iloc[::-1].assign(jurisdiction="", year=reports["year"].astype("int64"))
    before = given.copy()
    out = conform("reports", given)
    pd.testing.assert_frame_equal(given, before)  # the caller's frame is left as it was
    assert out["jurisdiction"].isna().all()  # empty means missing
    assert str(out["year"].dtype) == "Int64"
    assert out["report_id"].tolist() == sorted(reports["report_id"])
    validate("reports", out)


def _diagnostics(*places: tuple[str, int | None, int | None]) -> pd.DataFrame:
    rows = [(r, f"{r}.txt", line, col, "warning", "gap", "m") for r, line, col in places]
    return pd.DataFrame(rows, columns=columns("diagnostics"))


@pytest.mark.parametrize(
    "places",
    [
        [("a", 1, 5), ("a", 2, 1), ("b", 1, 1)],  # in order: ties broken by the next column
        [("a", 2, 1), ("a", 1, 5), ("b", 1, 1)],  # the first column ties, the second does not
        [("b", 1, 1), ("a", 1, 2), ("a", 1, 1)],
        [("a", None, None), ("a", 3, None), ("a", 3, 2)],  # missing values go last
        [("a", 1, 1), ("a", 1, 1)],  # equal keys keep their order
    ],
)
def test_conform_sorts_by_the_whole_key(places):
    given = _diagnostics(*places).assign(message=[f"m{i}" for i in range(len(places))])
    out = conform("diagnostics", given)
    key = sort_key("diagnostics")
    expected = given.astype(dtypes("diagnostics")).sort_values(key, kind="mergesort")
    assert out["message"].tolist() == expected["message"].tolist()
    validate("diagnostics", out)


@pytest.mark.parametrize("table", TABLES)
def test_conform_types_an_empty_table(table):
    out = conform(table, pd.DataFrame(columns=columns(table)))
    assert out.dtypes.to_dict() == dtypes(table)
    validate(table, out)
    out[columns(table)[0]] = 1  # the caller's own frame: the next one is as before
    assert conform(table, pd.DataFrame(columns=columns(table))).dtypes.to_dict() == dtypes(table)


@pytest.mark.parametrize("table", sorted(OFFSET_TEXT))
def test_offsets_index_the_raw_text(table):
    reports = szpolicy.load("reports", paths.PROCESSED).set_index("report_id")
    df = szpolicy.load(table, paths.PROCESSED)
    column = OFFSET_TEXT[table]
    for report_id, rows in df.groupby("report_id"):
        text = (paths.ROOT / reports.source_file[report_id]).read_bytes().decode("utf-8")
        spans = zip(rows.char_start, rows.char_end, rows[column], strict=True)
        assert all(text[a:b] == t for a, b, t in spans), report_id


def test_report_row():
    reports = szpolicy.load("reports", paths.PROCESSED)
    row = reports.iloc[0]
    assert (row.report_id, row.script, row.encoding, row.n_sections) == (
        SEED.stem,
        "hant",
        "utf-8",
        15,
    )
    assert row.sha256 == hashlib.sha256(SEED.read_bytes()).hexdigest()


def test_bad_reports_are_skipped_and_recorded_the_rest_written(tmp_path, capsys):
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(SEED, folder / "good.txt")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    assert main(["build", str(folder), "--out", str(tmp_path / "out")]) == 3
    err = capsys.readouterr().err
    assert f"{folder / 'empty.txt'}: empty file" in err
    assert f"{folder / 'image.txt'}: " in err
    assert list(szpolicy.load("reports", tmp_path / "out").report_id) == ["good"]
    diagnostics = szpolicy.load("diagnostics", tmp_path / "out")
    errors = diagnostics[diagnostics.severity == "error"]
    assert sorted(errors.report_id) == ["empty", "image"]
    assert set(errors.source_file) == {"empty.txt", "image.txt"}


def test_strict_build_with_a_bad_report_leaves_output_untouched(tmp_path, write_report):
    out = tmp_path / "out"
    shutil.copytree(paths.PROCESSED, out)
    before = snapshot(out)
    bad = write_report(b"", name="bad.txt")
    with pytest.raises(SzpolicyError, match="bad.txt: empty file"):
        build([SEED, bad], out=out, strict=True)
    assert snapshot(out) == before
    assert not list(tmp_path.glob(".szpolicy-staging-*"))
    assert main(["build", str(SEED), str(bad), "--out", str(out), "--strict"]) == 2
    assert snapshot(out) == before


def test_extra_files_in_output_are_kept(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "NOTES.md").write_text("mine")
    build([SEED], out=out)
    assert (out / "NOTES.md").read_text() == "mine"
    assert (out / "sentences.csv").exists()


def test_hash_mismatch_is_refused(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "r.txt").write_bytes(SEED.read_bytes() + b"\n")
    (raw / "manifest.csv").write_text(
        f"file,report_id,sha256\nr.txt,r,{hashlib.sha256(SEED.read_bytes()).hexdigest()}\n"
    )
    with pytest.raises(SzpolicyError, match="does not match the manifest") as err:
        build([raw], out=tmp_path / "out")
    assert str(raw / "r.txt") in str(err.value)
    assert not (tmp_path / "out").exists()


def test_duplicate_report_ids_are_refused(tmp_path):
    for sub in ("a", "b"):
        (tmp_path / sub).mkdir()
        shutil.copy(SEED, tmp_path / sub / "same.txt")
    with pytest.raises(SzpolicyError, match="report_id 'same' also names"):
        build([tmp_path / "a", tmp_path / "b"], out=tmp_path / "out")


def test_cli_exit_status_and_message(tmp_path, capsys):
    target = tmp_path / "file"
    target.write_text("not a folder")
    assert main(["build", str(SEED), "--out", str(target)]) == 2
    assert f"{target}: output folder is a file" in capsys.readouterr().err
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    proc = subprocess.run(
        [sys.executable, "-m", "szpolicy.cli", "build", str(empty), "--out", str(tmp_path / "o")],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert f"{empty}: empty file" in proc.stderr


def test_sentences_join_back_to_paragraphs():
    text = SEED.read_bytes().decode("utf-8")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    sentences = szpolicy.load("sentences", paths.PROCESSED).query("report_id == @SEED.stem")
    paragraphs = []
    for _, para in sentences.groupby("paragraph_no"):
        starts, ends = list(para.char_start), list(para.char_end)
        gaps = [text[a:b] for a, b in zip(ends[:-1], starts[1:], strict=True)]
        assert all(not g.strip() for g in gaps)
        paragraphs.append(text[starts[0] : ends[-1]])
    assert paragraphs == lines
    assert (sentences.text_hans.str.len() == sentences.text.str.len()).all()


def test_annex_sections_keep_their_own_lead_agency(tmp_path, write_report):
    text = "導語……\n引言。\n一、甲\n市婦聯開展活動。全年開展12場。\n附件\n一、培訓\n開展培訓5期。\n"
    build([write_report(text)], out=tmp_path / "out")
    tables = {name: szpolicy.load(name, tmp_path / "out") for name in ("sections", "indicators")}
    sections = tables["sections"].set_index(["part", "section_no"])
    assert sections.loc[(1, 1), "lead_agency_id"] == "city_womens_federation"
    assert pd.isna(sections.loc[(2, 1), "lead_agency_id"])
    agency = tables["indicators"].set_index("surface")["agency_id"]
    assert agency["12場"] == "city_womens_federation"
    assert pd.isna(agency["5期"])


def test_parquet_tables_without_rows_still_load(tmp_path, write_report):
    report = write_report("導語……\n引言。\n一、甲\n市婦聯開展活動。\n")
    counts = build([report], out=tmp_path / "parquet", fmt="parquet").counts
    assert counts["legal_instruments"] == 0 < counts["sentences"]
    for name in TABLES:
        df = szpolicy.load(name, tmp_path / "parquet")
        assert len(df) == counts[name]
        validate(name, df)  # exact columns and types, rows or not


def test_unknown_declared_jurisdiction_is_a_warning_and_kept(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SEED, raw / "r.txt")
    sha = hashlib.sha256(SEED.read_bytes()).hexdigest()
    (raw / "manifest.csv").write_text(
        f"file,report_id,sha256,jurisdiction\nr.txt,r,{sha},Atlantis\n", encoding="utf-8"
    )
    done = build([raw], out=tmp_path / "out")
    assert [(d["code"], d["severity"]) for d in done.diagnostics] == [("jurisdiction", "warning")]
    row = szpolicy.load("reports", tmp_path / "out").iloc[0]
    assert row.jurisdiction == "Atlantis" and pd.isna(row.jurisdiction_code)
