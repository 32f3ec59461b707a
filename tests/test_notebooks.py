"""Notebooks run by papermill: parameters change the outputs, bad ones are refused, runs repeat.

nbval runs each committed notebook on the committed datasets; here every notebook runs once
through `run` on a small built folder (two reports and an annex), and the digitisation
notebook twice more (a rerun, other parameters), all in one module so the runs are shared.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from szpolicy import load
from szpolicy.errors import SzpolicyError
from szpolicy.io import paths
from szpolicy.notebooks import execute, notebook_parameters, notebook_paths, run, strip_volatile
from szpolicy.pipeline.build import build

pytestmark = pytest.mark.heavy  # run early: see conftest.py

SEED = paths.RAW / "000_90487d465f63e9bb.txt"

DIGITISATION = "02-digitisation-comparison"


def outputs_text(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            parts.append(out.get("text", ""))
            parts.append(out.get("data", {}).get("text/plain", ""))
    return "\n".join(parts)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


ANNEXED = """某市2023年法治政府建设情况报告
2023年，市政府坚持依法行政，推进法治政府建设。
一、推进数字政府建设
市政务服务数据管理局建成一体化政务服务平台，推行一网通办，上线电子证照。
二、加强行政执法监督
市司法局开展执法检查十二次，督促整改问题三十个。
附件
一、市中级人民法院工作情况
市中级人民法院上线智能审判系统，审结案件三千件。
二、市人民检察院工作情况
市人民检察院开展公益诉讼检察监督，办理案件二百件。
"""


N_BOOT = 50  # bootstrap draws of the digitisation notebook's runs here (its default: 1000)


@pytest.fixture(scope="module")
def several(tmp_path_factory) -> Path:
    """The seed and a report with an annex (another place, the other script), built."""
    raw = tmp_path_factory.mktemp("raw")
    (raw / "annexed.txt").write_text(ANNEXED, encoding="utf-8")
    (raw / "seed.txt").write_bytes(SEED.read_bytes())  # after "annexed": 01 follows the annex
    built = raw.parent / "built"
    build([raw], out=built)
    return built


@pytest.fixture(scope="module")
def runs(several, tmp_path_factory) -> dict[str, Path]:
    """Every notebook run by `run` on `several`, by number: the executed notebooks."""
    out = tmp_path_factory.mktemp("runs")
    data = {"data_dir": str(several)}
    done = run(["01", "03", "04", "05"], data, out_dir=out / "others", jobs=2)
    done += run([DIGITISATION], {**data, "n_boot": N_BOOT}, out_dir=out / DIGITISATION)
    return {path.name[:2]: path for path in done}


def test_every_notebook_has_a_parameters_cell():
    books = notebook_paths()
    assert [p.name[:2] for p in books] == ["01", "02", "03", "04", "05"]
    for path in books:
        nb = nbformat.read(path, as_version=4)
        tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(tagged) == 1, path


def test_every_notebook_parameter_has_help():
    """papermill reads a parameter's help (what `run --list` shows) from the comment on its own
    line; a line too long for ruff format would be wrapped in parentheses and lose it."""
    for path in notebook_paths():
        parameters = notebook_parameters(path)
        assert parameters, path
        assert [p.name for p in parameters.values() if not p.help] == [], path


def test_run_writes_notebook_html_and_outputs(runs):
    out = runs["02"].parent
    assert runs["02"].exists()
    html = (out / f"{DIGITISATION}.html").read_text(encoding="utf-8")
    assert "市中級人民法院" in html
    scores = pd.read_csv(out / "digitisation_by_agency.csv")
    assert list(scores.columns[:9]) == [
        "agency_id", "name_zh_hant", "name_en", "score", "ci_low", "ci_high", "rank", "n_chars",
        "n_hits",
    ]  # fmt: skip
    text = outputs_text(runs["02"])
    assert "Glyph" not in text
    assert "annexed" in text and "seed" in text and "深圳市" in text  # the reports it analyses
    assert (scores["ci_low"] <= scores["score"]).all() and (
        scores["score"] <= scores["ci_high"]
    ).all()
    assert (scores["rank_low"] <= scores["rank"]).all() and (
        scores["rank"] <= scores["rank_high"]
    ).all()


def results(path: Path) -> list:
    """A notebook's cells and outputs, without the kernel's stderr stream (where a loaded machine
    may add "IOStream.flush timed out")."""
    nb = nbformat.read(path, as_version=4)
    return [
        (cell.source, [o for o in cell.get("outputs", []) if o.get("name") != "stderr"])
        for cell in nb.cells
    ]


def test_same_parameters_give_identical_outputs(several, runs):
    """`runs` again into the same folder (which the rerun replaces)."""
    notebook, out = runs["02"], runs["02"].parent
    names = ("digitisation_by_agency.csv", "digitisation_by_agency.png")
    files, cells = {name: digest(out / name) for name in names}, results(notebook)
    run([DIGITISATION], {"data_dir": str(several), "n_boot": N_BOOT}, out_dir=out)
    assert {name: digest(out / name) for name in names} == files
    again = results(notebook)
    differ = [(i, a, b) for i, (a, b) in enumerate(zip(cells, again, strict=True)) if a != b]
    assert differ == [], differ[:1]  # the first cell that differs, whole


def test_other_parameters_change_the_outputs(several, runs, tmp_path):
    first = runs["02"].parent
    params = {
        "data_dir": str(several),
        "script": "hans",
        "lexicon": "digitisation_lexicon_narrow",
        "normalise": "per_sentence",
        "n_boot": 200,
    }
    execute(notebook_paths([DIGITISATION])[0], tmp_path, params, progress=False)
    text = outputs_text(tmp_path / f"{DIGITISATION}.ipynb")
    assert "市中级人民法院" in text and "Glyph" not in text
    assert "lexicon digitisation_narrow" in text
    new = pd.read_csv(tmp_path / "digitisation_by_agency.csv").set_index("agency_id")
    old = pd.read_csv(first / "digitisation_by_agency.csv").set_index("agency_id")
    assert (new["normalise"] == "per_sentence").all()
    assert new["n_hits"].sum() < old["n_hits"].sum()  # the narrow lexicon finds fewer terms
    assert digest(tmp_path / "digitisation_by_agency.png") != digest(
        first / "digitisation_by_agency.png"
    )


BAD_PARAMETERS = [
    (name, params, message)
    for name in ("01", "02", "03", "04", "05")
    for params, message in [
        ({"script": "klingon"}, "parameter script='klingon' is not allowed"),
        ({"report_id": "no-such-report"}, "parameter report_id='no-such-report' is not allowed"),
    ]
] + [
    ("03", {"reports": ["seed-of-doubt"]}, "parameter reports='seed-of-doubt' is not allowed"),
    ("05", {"data_dir": "no/such/folder"}, "holds no reports table"),
    ("02", {"normalise": "per_word"}, "parameter normalise='per_word' is not allowed"),
    ("02", {"n_boot": "many"}, "parameter n_boot='many' has type str; expected int"),
    ("02", {"lexicon": "no_such_lexicon"}, "no_such_lexicon"),
    ("02", {"count": "words"}, "parameter count='words' is not allowed"),
    ("05", {"count": "sentences"}, "parameter count='sentences' is not allowed"),
    ("01", {"sentence_no": 10**6}, "parameter sentence_no=1000000 is not allowed"),
]


def refusal(name: str, params: dict, tmp_path: Path) -> str:
    """The message with which a notebook's own code cells, run in order here with `params` set
    after the parameters cell (as papermill injects them), refuse the parameters."""
    nb = nbformat.read(notebook_paths([name])[0], as_version=4)
    namespace: dict = {}
    for cell in (c for c in nb.cells if c.cell_type == "code"):
        try:
            exec(cell.source, namespace)
        except SzpolicyError as err:
            return str(err)
        if "parameters" in cell.metadata.get("tags", []):
            namespace |= {"output_dir": str(tmp_path), **params}
    raise AssertionError(f"notebook {name} ran to the end with {params}")


def test_bad_parameters_are_refused_in_every_notebook(tmp_path):
    """Each case through the notebook's own cells; one also through papermill and a kernel, for
    the error `execute` raises (the kernel path of good parameters is tested above)."""
    for name, params, message in BAD_PARAMETERS:
        assert message in refusal(name, params, tmp_path / name), (name, params)
    name, params, message = BAD_PARAMETERS[0]
    notebook = notebook_paths([name])[0]
    with pytest.raises(SzpolicyError) as err:
        execute(notebook, tmp_path / "kernel", params, False)
    assert message in str(err.value)
    assert f"{notebook.name}: cell " in str(err.value)


def test_every_notebook_runs_on_a_built_folder_of_several_reports_with_an_annex(several, runs):
    """Reports of two places, two scripts and an annex whose numbering restarts: every notebook
    runs on them (default reports: all, as the folder has no seed collection) and names them."""
    sections = load("sections", several)
    assert sections.duplicated(["report_id", "section_no"]).any()  # the annex repeats numbers
    assert sorted(runs) == ["01", "02", "03", "04", "05"]
    for path in runs.values():
        text = outputs_text(path)
        assert "annexed" in text and "某市2023年法治政府建设情况报告" in text, path.name
        if not path.name.startswith("01"):
            assert "seed" in text, path.name
    timeline = pd.read_csv(runs["05"].parent / "timeline_by_year.csv")
    assert sorted(timeline["year"]) == sorted(load("reports", several)["year"].dropna().astype(int))


def test_stream_outputs_split_by_the_kernel_are_joined():
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("print(1); print(2)")
    cell.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="1\n"),
        nbformat.v4.new_output("stream", name="stdout", text="2\n"),
        nbformat.v4.new_output("stream", name="stderr", text="warn\n"),
        nbformat.v4.new_output("stream", name="stdout", text="3\n"),
    ]
    nb.cells = [cell]
    outputs = strip_volatile(nb).cells[0].outputs
    assert [(o["name"], o["text"]) for o in outputs] == [
        ("stdout", "1\n2\n"),
        ("stderr", "warn\n"),
        ("stdout", "3\n"),
    ]
