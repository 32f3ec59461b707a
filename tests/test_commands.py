"""Commands that write are safe: parameters are names the notebook takes and values are data,
`run`, `refresh` and `add-raw` change nothing unless they succeed, output folders are locked and
never followed out of, `verify` compares every cell, and the CLI explains itself.

Notebook runs are replaced by a stand-in for papermill.execute_notebook (no kernel starts): it
half-writes its target and an output file first, as papermill and a notebook do, then fails,
is interrupted, or finishes.
"""

from __future__ import annotations

import ast
import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import nbformat
import papermill as pm
import pytest
from papermill.translators import PythonTranslator

from szpolicy import __version__, notebooks, parameters
from szpolicy.cli import main, parser
from szpolicy.errors import SzpolicyError
from szpolicy.io import paths
from szpolicy.io.writer import STAGING_PREFIX, folder_lock, remove_stale_staging, write_atomically
from szpolicy.pipeline import verify, verify_notebooks

from .conftest import SEED
from .projects import write_notebook

TINY_PARAMETERS = 'script = "hant"  # labels\noutput_dir = None  # where files go\nn = 1  # a count'


def snapshot(root: Path) -> dict[str, str]:
    """Every path under `root`: files by content hash, links by target, the rest by kind."""
    shot = {}
    for p in sorted(root.rglob("*")):
        key = p.relative_to(root).as_posix()
        if p.is_symlink():
            shot[key] = f"link {os.readlink(p)}"
        elif p.is_file():
            shot[key] = hashlib.sha256(p.read_bytes()).hexdigest()
        else:
            shot[key] = f"{'dir' if p.is_dir() else 'special'} {p.stat().st_mode:o}"
    return shot


def tiny_notebook(path: Path) -> Path:
    return write_notebook(path, TINY_PARAMETERS, "print(output_dir)", title="# A tiny notebook")


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    """A notebooks folder with one tiny notebook and an output folder holding a previous run."""
    books = tmp_path / "notebooks"
    books.mkdir()
    tiny_notebook(books / "01-tiny.ipynb")
    monkeypatch.setattr(paths, "NOTEBOOKS", books)
    out = tmp_path / "reports"
    out.mkdir()
    (out / "01-tiny.ipynb").write_text("previous run\n")
    (out / "01-tiny.html").write_text("previous html\n")
    (out / "table.csv").write_text("old\n")
    (out / "NOTE.md").write_text("kept by the user\n")
    return tmp_path


def stand_in(monkeypatch, tmp_path: Path, end: BaseException | None = None) -> list[dict]:
    """Replace papermill's execute: half-write, write a table, then raise `end` or finish."""
    calls: list[dict] = []

    def execute(input_path, output_path, parameters=None, **kwargs):
        calls.append(dict(parameters or {}))
        Path(output_path).write_text("")  # papermill saves the notebook as it goes
        out_dir = Path((parameters or {}).get("output_dir") or tmp_path / "scratch")
        out_dir.mkdir(exist_ok=True)
        (out_dir / "table.csv").write_text("new\n")
        if end is not None:
            raise end
        nb = nbformat.read(input_path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.execution_count = 1
                cell.outputs = [
                    nbformat.v4.new_output("stream", name="stdout", text=f"folder {out_dir}\n")
                ]
        nbformat.write(nb, output_path)

    monkeypatch.setattr(notebooks.pm, "execute_notebook", execute)
    return calls


def run_cli(argv: list[str], capsys) -> tuple[int, str]:
    status = main(argv)
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return status, err.strip().splitlines()[-1] if err.strip() else ""


# --- parameters: names the notebook takes, values as data --------------------------------


def test_misspelt_parameter_is_refused_naming_the_real_one(tmp_path, monkeypatch, capsys):
    calls = stand_in(monkeypatch, tmp_path)
    out = tmp_path / "reports"
    out.mkdir()
    status, err = run_cli(
        ["run", "02-digitisation-comparison", "-p", "scirpt", "hans", "--out", str(out)], capsys
    )
    assert status == 2
    book = paths.NOTEBOOKS / "02-digitisation-comparison.ipynb"
    assert err.startswith(
        f"szpolicy: {book}: 02-digitisation-comparison has no parameter 'scirpt' "
        "(did you mean 'script'?); it takes: "
    )
    assert ", script, " in err and err.rstrip().endswith(", max_evidence")
    assert calls == [] and list(out.iterdir()) == []


BAD_PARAMETERS = {
    "code-in-the-name": (
        ["x=1; import os; os.system('touch PWNED'); y", "1"],
        "parameter name \"x=1; import os; os.system('touch PWNED'); y\" is not a Python identifier",
    ),
    "keyword-as-name": (["class", "1"], "parameter name 'class' is not a Python identifier"),
    "unknown-name": (
        ["nn", "1"],
        "01-tiny has no parameter 'nn' (did you mean 'n'?); it takes: script, output_dir, n",
    ),
    "unknown-name-unlike-any": (["zzz", "1"], "01-tiny has no parameter 'zzz'; it takes: script"),
    "bad-yaml": (
        ["script", "[hans"],
        "parameter script: value '[hans' is not valid YAML (expected ',' or ']', but got "
        "'<stream end>'); quote it to pass it as text",
    ),
    "yaml-date": (
        ["script", "2024-01-01"],
        "parameter script: value datetime.date(2024, 1, 1) (date) is not plain data; give text, "
        "a number, true/false or null (quote text that looks like a date)",
    ),
    "not-a-number": (["n", ".nan"], "parameter n: value nan (float) is not plain data"),
    "output-dir-as-parameter": (["output_dir", "/tmp"], "set output_dir with --out"),
}


@pytest.mark.parametrize("name", BAD_PARAMETERS)
def test_bad_parameter_is_refused_before_anything_runs(name, project, monkeypatch, capsys):
    calls = stand_in(monkeypatch, project)
    pair, message = BAD_PARAMETERS[name]
    before = snapshot(project)
    status, err = run_cli(["run", "01", "-p", *pair, "--out", str(project / "reports")], capsys)
    assert status == 2
    assert message in err
    assert calls == []
    assert snapshot(project) == before
    assert not Path("PWNED").exists()


@pytest.mark.parametrize(
    "value",
    ['hant"\nimport os\nos.system("x")\n"', "\\'; import os #", "{{7*7}}", "a\u2028b", "\x00"],
)
def test_values_reach_the_notebook_as_data(value, project):
    notebooks.check_parameters(project / "notebooks" / "01-tiny.ipynb", {"script": value})
    cell = ast.parse(PythonTranslator.codify({"script": value}))
    assigns = [node for node in cell.body]
    assert len(assigns) == 1 and isinstance(assigns[0], ast.Assign)
    assert ast.literal_eval(assigns[0].value) == value


# --- run and refresh: staged, swapped, or nothing changes ---------------------------------

FAILED = pm.PapermillExecutionError(2, 3, "raise ValueError", "ValueError", "bad", [])


@pytest.mark.parametrize(
    ("end", "status", "message"),
    [
        (FAILED, 2, "cell 3 failed: ValueError: bad"),
        (KeyboardInterrupt(), 130, "szpolicy: interrupted; the previous outputs are unchanged"),
    ],
)
def test_failed_or_interrupted_run_leaves_previous_outputs(
    end, status, message, project, monkeypatch, capsys
):
    stand_in(monkeypatch, project, end)
    before = snapshot(project)
    code, err = run_cli(["run", "01", "--out", str(project / "reports")], capsys)
    assert code == status
    assert message in err
    assert snapshot(project) == before  # no half-written notebook, no new table, no staging


def test_run_swaps_in_the_outputs_as_if_written_in_place(project, monkeypatch, capsys):
    calls = stand_in(monkeypatch, project)
    out = project / "reports"
    assert main(["run", "01", "-p", "n", "3", "--out", str(out)]) == 0
    assert calls[0]["n"] == 3 and calls[0]["output_dir"] != str(out)  # ran into staging
    assert (out / "table.csv").read_text() == "new\n"
    assert (out / "NOTE.md").read_text() == "kept by the user\n"
    text = (out / "01-tiny.ipynb").read_text(encoding="utf-8")
    assert f"folder {out}\\n" in text and STAGING_PREFIX not in text
    assert STAGING_PREFIX not in (out / "01-tiny.html").read_text(encoding="utf-8")
    assert sorted(p.name for p in project.iterdir()) == ["notebooks", "reports"]


def test_parallel_run_in_worker_processes_swaps_all_or_nothing(project, monkeypatch, capsys):
    tiny_notebook(project / "notebooks" / "02-tiny.ipynb")
    out = project / "reports"
    stand_in(monkeypatch, project, FAILED)
    before = snapshot(project)
    status, err = run_cli(["run", "--jobs", "2", "--out", str(out)], capsys)
    assert status == 2 and "-tiny.ipynb: cell 3 failed: ValueError: bad" in err
    assert snapshot(project) == before
    stand_in(monkeypatch, project)
    assert main(["run", "--jobs", "2", "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "01-tiny.html", "01-tiny.ipynb", "02-tiny.html", "02-tiny.ipynb", "NOTE.md", "table.csv"
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("end", "status"), [(FAILED, 2), (KeyboardInterrupt(), 130), (OSError(28, "No space"), 1)]
)
def test_failed_refresh_keeps_the_committed_notebook(end, status, project, monkeypatch, capsys):
    stand_in(monkeypatch, project, end)
    books = project / "notebooks"
    before = snapshot(books)
    code, err = run_cli(["refresh", "01"], capsys)
    assert code == status and err.startswith("szpolicy: ")
    assert snapshot(books) == before


def test_refresh_replaces_the_notebook_and_records_its_sources(project, monkeypatch, capsys):
    stand_in(monkeypatch, project)
    book = project / "notebooks" / "01-tiny.ipynb"
    book.chmod(0o664)
    assert main(["refresh", "01"]) == 0
    nb = nbformat.read(book, as_version=4)
    assert nb.cells[2].outputs[0]["text"].startswith("folder ")
    assert nb.metadata["szpolicy"]["source_sha256"] == notebooks.source_hashes(nb)
    assert book.stat().st_mode & 0o777 == 0o664
    assert [p.name for p in book.parent.iterdir()] == ["01-tiny.ipynb"]


def test_a_notebook_run_without_output_dir_writes_outside_the_project():
    _, out = parameters.check_common(None, "hant", None, ["r1"])
    assert out == parameters.scratch_dir()
    assert not out.is_relative_to(paths.ROOT)
    assert parameters.shown(out) == "$TMPDIR/szpolicy-scratch"


# --- add-raw: everything checked before anything is written -------------------------------


@pytest.fixture
def raw(tmp_path: Path, monkeypatch) -> Path:
    """A copy of data/raw/ with the seed alone, used as the project's raw folder."""
    folder = tmp_path / "data" / "raw"
    shutil.copytree(paths.RAW, folder, ignore=shutil.ignore_patterns("national_gwr"))
    lines = (folder / "manifest.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    seed = [line for line in lines[1:] if line.startswith(SEED.name)]
    (folder / "manifest.csv").write_text("".join(lines[:1] + seed), encoding="utf-8")
    monkeypatch.setattr(paths, "RAW", folder)
    monkeypatch.setattr(paths, "MANIFEST", folder / "manifest.csv")
    (tmp_path / "in").mkdir()
    return folder


REPORT = "一、法治建設\n市政府推進法治建設，完成十五項工作。\n".encode()


def incoming(raw: Path, name: str | bytes, data: bytes = REPORT) -> Path:
    folder = os.fsencode(raw.parent.parent / "in")
    path = Path(os.fsdecode(os.path.join(folder, os.fsencode(name))))
    path.write_bytes(data)
    return path


def clash(raw):
    path = incoming(raw, SEED.name)
    return (
        path,
        ["--report-id", "other"],
        (
            f"{raw / 'manifest.csv'}:2: data/raw/{SEED.name} is already in the manifest as report "
            f"'{SEED.stem}'; rename the file or give --report-id {SEED.stem} to replace that report"
        ),
    )


def untracked(raw):
    (raw / "new.txt").write_bytes(REPORT + b"\n")
    return (
        incoming(raw, "new.txt"),
        [],
        (
            f"{raw / 'new.txt'}: a different file of that name is in data/raw/ but not in the "
            "manifest; move it away or rename the new file"
        ),
    )


def reserved(name):
    def make(raw):
        path = incoming(raw, name)
        return (
            path,
            [],
            f"{path}: {name} is a name the raw folder keeps for itself; rename the file",
        )

    return make


def refused_content(data, message):
    def make(raw):
        path = incoming(raw, "r.txt", data)
        return path, [], f"{path}: {message}"

    return make


def folder_input(raw):
    path = raw.parent.parent / "in" / "folder.txt"
    path.mkdir()
    return path, [], f"{path}: a folder, not a regular file"


def dangling(raw):
    path = raw.parent.parent / "in" / "gone.txt"
    path.symlink_to(raw.parent.parent / "nowhere.txt")
    return path, [], f"{path}: cannot read: No such file or directory"


def bad_name(raw):
    path = incoming(raw, b"\xff\xfe.txt")
    return (
        path,
        [],
        f"{path}: file name is not valid UTF-8; rename the file".encode(
            "utf-8", "backslashreplace"
        ).decode(),
    )


def bad_id(raw):
    return (
        incoming(raw, "r.txt"),
        ["--report-id", "../r"],
        (
            "report id '../r' is not allowed: use letters, digits, '-', '_' or '.', "
            "not starting with '.'"
        ),
    )


def gb_manifest(raw):
    manifest = raw / "manifest.csv"
    text = manifest.read_text(encoding="utf-8").replace(f"{SEED.stem},,", f"{SEED.stem},深圳,")
    manifest.write_bytes(text.encode("gb18030"))
    return incoming(raw, "r.txt"), [], f"{manifest}:2: manifest is not UTF-8 text; save it as UTF-8"


ADD_RAW_CASES: dict[str, Callable] = {
    "name-of-another-report": clash,
    "untracked-file-of-that-name": untracked,
    "named-manifest.csv": reserved("manifest.csv"),
    "named-SOURCE.md": reserved("SOURCE.md"),
    "empty": refused_content(b"", "empty file"),
    "binary": refused_content(b"\x89PNG\r\n\x1a\n", "binary file (PNG image), not a text report"),
    "a-folder": folder_input,
    "dangling-link": dangling,
    "name-not-utf8": bad_name,
    "report-id-with-a-path": bad_id,
    "gb18030-manifest": gb_manifest,
}


@pytest.mark.parametrize("name", ADD_RAW_CASES)
def test_add_raw_refuses_before_writing(name, raw, capsys):
    path, extra, message = ADD_RAW_CASES[name](raw)
    before = snapshot(raw.parent)
    status, err = run_cli(["add-raw", str(path), "--source", "test", *extra], capsys)
    assert status == 2
    assert message in err
    assert snapshot(raw.parent) == before


def test_add_raw_refuses_an_unwritable_raw_folder(raw, monkeypatch, capsys):
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("szpolicy.io.raw.tempfile.mkstemp", refuse)
    before = snapshot(raw.parent)
    status, err = run_cli(["add-raw", str(incoming(raw, "r.txt")), "--source", "s"], capsys)
    assert (status, err) == (
        2,
        f"szpolicy: {raw}: cannot write to the raw folder (Permission denied)",
    )
    assert snapshot(raw.parent) == before


def test_add_raw_refuses_while_another_command_writes(raw, capsys):
    before = snapshot(raw.parent)
    with folder_lock(raw):
        status, err = run_cli(["add-raw", str(incoming(raw, "r.txt")), "--source", "s"], capsys)
    assert status == 2
    assert err == (
        f"szpolicy: {raw}: another szpolicy command is writing this folder; wait for it to finish"
    )
    assert snapshot(raw.parent) == before


def test_add_raw_copies_and_records_keeping_other_columns(raw, capsys):
    manifest = raw / "manifest.csv"
    lines = manifest.read_text(encoding="utf-8").splitlines()
    manifest.write_text(
        "\n".join([lines[0] + ",notes", lines[1] + ",checked by hand"]) + "\n", encoding="utf-8"
    )
    source = (raw / "SOURCE.md").read_bytes()
    assert main(["add-raw", str(incoming(raw, "new.txt")), "--source", "a site"]) == 0
    rows = manifest.read_text(encoding="utf-8").splitlines()
    assert rows[0] == lines[0] + ",notes"
    assert rows[1].endswith(",checked by hand")
    assert rows[2].startswith("new.txt,new,,a site,,") and rows[2].endswith(",utf-8,hant,,,,,")
    assert (raw / "new.txt").read_bytes() == REPORT
    assert (raw / "SOURCE.md").read_bytes() == source
    assert sorted(p.name for p in raw.iterdir()) == sorted(
        ["manifest.csv", "SOURCE.md", SEED.name, "new.txt"]
    )


# --- output folders: links kept as links, one writer, only its own staging ---------------


def test_links_in_the_output_folder_are_carried_over_as_links(tmp_path):
    big = tmp_path / "elsewhere"
    big.mkdir()
    (big / "data.bin").write_bytes(b"x" * 1000)
    out = tmp_path / "out"
    out.mkdir()
    (out / "to-folder").symlink_to(big)
    (out / "to-file").symlink_to(big / "data.bin")
    write_atomically(out, lambda staging: (staging / "table.csv").write_text("t\n"))
    assert os.readlink(out / "to-folder") == str(big)
    assert os.readlink(out / "to-file") == str(big / "data.bin")
    assert (out / "table.csv").read_text() == "t\n"


def test_a_special_file_in_the_output_folder_is_refused_not_read(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    os.mkfifo(out / "pipe")
    before = snapshot(tmp_path)
    with pytest.raises(SzpolicyError) as err:
        write_atomically(out, lambda staging: (staging / "table.csv").write_text("t\n"))
    assert str(err.value).startswith(f"{out / 'pipe'}: cannot carry over a file the folder holds")
    assert snapshot(tmp_path) == before


def test_an_output_folder_reached_through_a_link_keeps_the_link(tmp_path):
    target = tmp_path / "target"
    target.mkdir()
    (target / "old.csv").write_text("o\n")
    link = tmp_path / "link"
    link.symlink_to(target)
    write_atomically(link, lambda staging: (staging / "new.csv").write_text("n\n"))
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert sorted(p.name for p in target.iterdir()) == ["new.csv", "old.csv"]


def test_a_parquet_build_does_not_keep_the_previous_csv_tables(tmp_path):
    out = tmp_path / "processed"
    shutil.copytree(paths.PROCESSED, out)
    (out / "NOTES.md").write_text("kept by the user\n")
    assert main(["build", str(SEED), "--out", str(out), "--format", "parquet"]) == 0
    assert not list(out.glob("*.csv"))
    assert (out / "NOTES.md").read_text() == "kept by the user\n"
    assert (out / "agencies.parquet").is_file() and (out / "sentences").is_dir()


def test_a_full_disk_leaves_the_output_folder_as_it_was(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "old.csv").write_text("old\n")
    before = snapshot(tmp_path)

    def fill(staging: Path) -> None:
        (staging / "half.csv").write_text("ha")
        raise OSError(28, "No space left on device")

    with pytest.raises(SzpolicyError) as err:
        write_atomically(out, fill)
    assert str(err.value) == f"{out}: cannot write the output folder (No space left on device)"
    assert snapshot(tmp_path) == before


def test_only_the_folders_own_stale_staging_is_removed(tmp_path):
    out = tmp_path / "processed"
    mine = tmp_path / f"{STAGING_PREFIX}processed-abcd1234"
    other = tmp_path / f"{STAGING_PREFIX}processed-x-abcd1234"  # a build of processed-x
    for folder in (mine, other):
        folder.mkdir()
    remove_stale_staging(out)
    assert not mine.exists() and other.exists()


def test_jobs_must_be_positive_for_run(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["run", "--jobs", "0"])
    assert exit_.value.code == 2
    assert (
        "argument --jobs: must be a whole number of at least 1, not '0'" in capsys.readouterr().err
    )


# --- verify: every cell, nothing written --------------------------------------------------


def executed_notebook() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Title"),
        nbformat.v4.new_code_cell("plot()", execution_count=1),
    ]
    nb.cells[1].outputs = [
        nbformat.v4.new_output(
            "display_data",
            data={"image/png": "iVBORw0KGgo=", "text/plain": "<Figure at 0x7f12ab34cd>"},
        )
    ]
    nb.metadata["szpolicy"] = {"source_sha256": notebooks.source_hashes(nb)}
    return nb


def _png_byte(nb):
    nb.cells[1].outputs[0]["data"]["image/png"] = "iVBORw0KGgp="


def _execution_count(nb):
    nb.cells[1].execution_count = 2


def _address(nb):  # sanitised as nbval does: not a difference
    nb.cells[1].outputs[0]["data"]["text/plain"] = "<Figure at 0x7f99ffffff>"


@pytest.mark.parametrize(
    ("change", "found"),
    [
        (_png_byte, ["cell 2 (code): outputs differ"]),
        (_execution_count, ["cell 2 (code): execution count differ"]),
        (_address, []),
    ],
)
def test_verify_compares_every_output(change, found):
    committed, fresh = executed_notebook(), executed_notebook()
    change(committed)
    problems = verify_notebooks.compare_notebooks(Path("nb.ipynb"), committed, fresh)
    assert problems == [f"nb.ipynb: {f}" for f in found]


def test_verify_names_a_cell_edited_after_its_run():
    nb = executed_notebook()
    nb.cells[0].source = "# Another title"
    assert verify_notebooks.check_sources(Path("nb.ipynb"), nb) == [
        "nb.ipynb: source of cell(s) 1 changed since `szpolicy refresh` ran it"
    ]
    del nb.metadata["szpolicy"]
    assert verify_notebooks.check_sources(Path("nb.ipynb"), nb) == [
        "nb.ipynb: no record of the sources it was run with; run `szpolicy refresh`"
    ]


def test_verify_without_datasets_says_so(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "PROCESSED", tmp_path / "processed")
    assert verify.check_build() == [
        f"{tmp_path / 'processed'}: no datasets; build them with `szpolicy build`"
    ]


def test_verify_checks_the_manifests_recorded_facts(raw):
    manifest = raw / "manifest.csv"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace(",utf-8,hant", ",big5hkscs,hant"),
        encoding="utf-8",
    )
    problems, texts = verify.check_raw()
    assert problems == [f"{manifest}:2: encoding is 'big5hkscs', the file's is 'utf-8'"]
    assert list(texts) == [SEED.stem]


# --- an explicit CLI ----------------------------------------------------------------------


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out == f"szpolicy {__version__}\n"


def test_run_list_shows_parameters_with_types_and_defaults(capsys):
    assert main(["run", "--list"]) == 0
    out = capsys.readouterr().out
    assert "02-digitisation-comparison\n" in out
    assert '  -p script (str, default "hant"): labels:' in out
    assert "  -p n_boot (int, default 1000): bootstrap resamples" in out
    assert "  --out DIR (optional, default None):" in out


def test_every_option_has_help():
    """Every option of every command has help text."""
    sub = next(a for a in parser()._actions if a.dest == "command")
    missing = [
        f"{name} {action.dest}"
        for name, command in sub.choices.items()
        for action in command._actions
        if action.help is None
    ]
    assert missing == []


def test_tasks_help_exits_zero_and_unknown_task_two():
    tasks = [sys.executable, str(paths.ROOT / "tasks.py")]
    shown = subprocess.run([*tasks, "--help"], capture_output=True, text=True)
    assert shown.returncode == 0 and shown.stdout.startswith("usage: python3 tasks.py TASK")
    wrong = subprocess.run([*tasks, "bogus"], capture_output=True, text=True)
    assert wrong.returncode == 2 and "unknown task 'bogus'" in wrong.stderr
