"""Fuzzing the commands that write: random manifests and file trees, `run` parameters and
`add-raw` inputs. No traceback: every outcome is success or a `szpolicy:` message with exit 2;
a refusal changes nothing, and a manifest never yields a file outside its folder.

The normal run is short; the long run (SZPOLICY_FUZZ=long, 2000 examples a test):

    SZPOLICY_FUZZ=long .venv/bin/pytest tests/test_fuzz_commands.py -p no:nbval -o addopts="" -q
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from szpolicy import notebooks
from szpolicy.cli import main
from szpolicy.errors import SzpolicyError
from szpolicy.io import paths
from szpolicy.io.files import read_limited
from szpolicy.io.manifest import read_manifest
from szpolicy.io.read import MAX_BYTES

from .test_commands import snapshot, tiny_notebook
from .test_fuzz import FUZZ as READER_FUZZ

# capsys is read after every example, so sharing it between examples is safe
FUZZ = settings(
    READER_FUZZ,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

NAMES = st.one_of(
    st.sampled_from(
        [
            "r.txt",
            "sub/r.txt",
            "../outside.txt",
            "sub/../../outside.txt",
            "/etc/hostname",
            "C:\\r.txt",
            "..\\outside.txt",
            "pipe.txt",
            "link.txt",
            "manifest.csv",
            "SOURCE.md",
            "sub",
            "missing.txt",
            "",
        ]
    ),
    st.text(min_size=0, max_size=12),
)
ROW = st.tuples(NAMES, st.text(max_size=8), st.sampled_from(["", "0" * 64, "abc"]))
ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"])


def command(argv: list[str], capsys) -> tuple[int, str]:
    """Exit status and stderr of the CLI; argparse's own refusals (a value that looks like an
    option, say) exit 2 with the usage."""
    try:
        status = main(argv)
    except SystemExit as exit_:
        status = exit_.code
        err = capsys.readouterr().err
        assert status == 2 and err.startswith("usage: "), err
        return status, "szpolicy: " + err
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return status, err


def file_tree(root: Path) -> Path:
    """A raw folder with a report, a sub-folder, a FIFO, a link out and a file outside."""
    raw = root / "raw"
    (raw / "sub").mkdir(parents=True)
    for path in (raw / "r.txt", raw / "sub" / "r.txt", root / "outside.txt"):
        path.write_text("一、標題\n市政府推進法治建設。\n", encoding="utf-8")
    os.mkfifo(raw / "pipe.txt")
    (raw / "link.txt").symlink_to(root / "outside.txt")
    return raw


@FUZZ
@given(rows=st.lists(ROW, max_size=4), encoding=ENCODINGS, header=st.booleans())
def test_a_manifest_names_files_inside_its_folder_or_is_refused(rows, encoding, header):
    with tempfile.TemporaryDirectory() as tmp:
        raw = file_tree(Path(tmp))
        buf = io.StringIO()
        writer = csv.writer(buf)
        if header:
            writer.writerow(["file", "report_id", "sha256"])
        writer.writerows(rows)
        try:
            data = buf.getvalue().encode(encoding)
        except UnicodeEncodeError:
            return
        (raw / "manifest.csv").write_bytes(data)
        before = snapshot(Path(tmp))
        try:
            entries = read_manifest(raw / "manifest.csv")
        except SzpolicyError as err:
            assert str(err).startswith(str(raw / "manifest.csv"))
        else:
            assert entries
            for entry in entries:
                assert entry.path.resolve().is_relative_to(raw.resolve())
                assert entry.path.name not in ("manifest.csv", "SOURCE.md")
                if not entry.path.is_file():  # listed, but its report is skipped when read
                    with pytest.raises(SzpolicyError):
                        read_limited(entry.path, MAX_BYTES)
        assert snapshot(Path(tmp)) == before


@pytest.fixture(scope="module")
def books(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("notebooks")
    tiny_notebook(folder / "01-tiny.ipynb")
    return folder


PARAMETER_NAMES = st.one_of(
    st.sampled_from(["script", "n", "output_dir", "class", "x=1; import os", "scirpt"]),
    st.text(max_size=10),
)
VALUES = st.one_of(
    st.text(max_size=20),
    st.sampled_from(["1", "true", "null", "[1, 2]", "{a: 1}", "2024-01-01", ".nan", "[", "'"]),
)


@FUZZ
@given(pairs=st.lists(st.tuples(PARAMETER_NAMES, VALUES), max_size=3))
def test_run_parameters_are_refused_or_passed_as_data(pairs, books, capsys):
    calls = []

    def execute(input_path, output_path, parameters=None, **kwargs):
        calls.append(parameters)
        raise KeyboardInterrupt  # stop at once: only what reached the notebook matters

    with tempfile.TemporaryDirectory() as tmp, pytest.MonkeyPatch.context() as mp:
        mp.setattr(paths, "NOTEBOOKS", books)
        mp.setattr(notebooks.pm, "execute_notebook", execute)
        out = Path(tmp) / "reports"
        out.mkdir()
        (out / "old.csv").write_text("old\n")
        before = snapshot(Path(tmp))
        argv = ["run", "01", "--out", str(out)]
        for name, value in pairs:
            argv += ["-p", name, value]
        status, err = command(argv, capsys)
        assert status in (2, 130)
        assert err.startswith("szpolicy: ")
        assert snapshot(Path(tmp)) == before
        if status == 130:  # accepted: only the notebook's names, and data for values
            (params,) = calls
            assert set(params) - {"output_dir"} <= {"script", "n"}
            assert all(
                isinstance(v, (str, int, float, bool, type(None), list, dict))
                for v in params.values()
            )
        else:
            assert calls == []


@FUZZ
@given(
    name=st.one_of(st.sampled_from(["manifest.csv", "SOURCE.md", ".hidden", "r.txt"]), st.text()),
    data=st.one_of(
        st.binary(max_size=40),
        st.sampled_from(["一、標題\n正文。\n".encode(), "正文。".encode("gb18030"), b"\xff\xfe"]),
    ),
    report_id=st.one_of(st.none(), st.text(max_size=8)),
)
def test_add_raw_adds_or_changes_nothing(name, data, report_id, capsys):
    if not name or "/" in name or "\x00" in name or name in (".", ".."):
        return
    with tempfile.TemporaryDirectory() as tmp, pytest.MonkeyPatch.context() as mp:
        raw = Path(tmp) / "data" / "raw"
        shutil.copytree(paths.RAW, raw)
        mp.setattr(paths, "RAW", raw)
        mp.setattr(paths, "MANIFEST", raw / "manifest.csv")
        incoming = Path(tmp) / "in"
        incoming.mkdir()
        try:
            (incoming / name).write_bytes(data)
        except OSError:  # a name the file system refuses (too long)
            return
        before = snapshot(raw)
        extra = [] if report_id is None else ["--report-id", report_id]
        status, err = command(["add-raw", str(incoming / name), "--source", "fuzz", *extra], capsys)
        if status == 0:
            assert (raw / name).read_bytes() == data
            assert sorted(p.name for p in raw.iterdir() if p.name.startswith(".")) == []
        else:
            assert status == 2 and err.startswith("szpolicy: ")
            assert snapshot(raw) == before
