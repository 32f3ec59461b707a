"""Bad input: every case fails with its own message naming the file (and the line or byte),
exit status 2, and leaves a previous build in the output folder exactly as it was.

Every build case runs in-process through `szpolicy.cli.main`; a representative subset also runs
through the real command in a subprocess (all launched at once, so the set stays fast).
Lexicon files are checked through `szpolicy.stages.lexicon.load_lexicon`.
"""

from __future__ import annotations

import copy
import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from szpolicy.cli import main
from szpolicy.io import paths
from szpolicy.io.read import MAX_BYTES
from szpolicy.io.yamlfile import safe_load
from szpolicy.stages.lexicon import LexiconError, load_lexicon

from .conftest import SEED

pytestmark = pytest.mark.heavy  # run early: see conftest.py

BODY = "市政府推進法治建設，完成十五項工作。"
IS_ROOT = os.geteuid() == 0
# As root, chmod does not stop writes: drop the capabilities that bypass file permissions.
DROP_DAC = [
    "setpriv",
    "--inh-caps=-dac_override,-dac_read_search",
    "--bounding-set=-dac_override,-dac_read_search",
]


@dataclass
class Case:
    """A bad build: its inputs, the output folder, and the one line the CLI must print."""

    inputs: list[Path]
    out: Path
    message: str
    needs_unprivileged: bool = False
    jobs: str = "1"
    cleanup: list[Callable[[], None]] = field(default_factory=list)


def snapshot(root: Path) -> dict[str, str]:
    """Every path under `root`: files by content hash, folders by mode (staging leftovers show)."""
    return {
        p.relative_to(root).as_posix(): (
            hashlib.sha256(p.read_bytes()).hexdigest()
            if p.is_file()
            else f"dir {p.stat().st_mode:o}"
        )
        for p in sorted(root.rglob("*"))
    }


def previous_build(folder: Path) -> Path:
    """An output folder holding a previous build (the committed datasets) plus a user's note."""
    out = folder / "processed"
    shutil.copytree(paths.PROCESSED, out)
    (out / "NOTES.md").write_text("kept by the user\n")
    return out


def report(tmp: Path, data: bytes, name: str = "report.txt") -> Path:
    path = tmp / name
    path.write_bytes(data)
    return path


def text_case(data: bytes, message: Callable[[Path], str]) -> Callable[[Path], Case]:
    def make(tmp: Path) -> Case:
        path = report(tmp, data)
        return Case([path], previous_build(tmp), message(path))

    return make


DAMAGED = "第一行。\n第二行。\n".encode() + b"\xff" + "第三行。\n".encode()
UTF8_THEN_GB = "一、標題\n".encode() + "正文內容。\n".encode("gb18030")
GB_THEN_UTF8 = "一、标题\n".encode("gb18030") + "正文內容，這是一段說明。\n".encode()
BIG5_THEN_UTF8 = "一、標題\n".encode("big5hkscs") + "正文內容，這是一段說明。\n".encode()
NUL_IN_TEXT = "一、標題\n正文\x00。\n".encode()
GB_AT = len("一、標題\n".encode())  # where the GB18030 line starts
DAMAGED_AT = DAMAGED.index(b"\xff")
NUL_AT = NUL_IN_TEXT.index(b"\x00")


def big_file(tmp: Path) -> Case:
    """A real 50 MB text file (written in one go, so the case stays fast)."""
    path = tmp / "huge.txt"
    chunk = ("一、標題\n" + BODY * 200 + "\n").encode()
    path.write_bytes(chunk * (50 * 1024 * 1024 // len(chunk) + 1))
    size = path.stat().st_size
    message = f"{path}: file is {size:,} bytes, over the {MAX_BYTES:,}-byte limit for one report"
    return Case([path], previous_build(tmp), message)


def hash_mismatch(tmp: Path) -> Case:
    raw = tmp / "raw"
    raw.mkdir()
    (raw / "r.txt").write_bytes(SEED.read_bytes() + b"\n")
    expected = hashlib.sha256(SEED.read_bytes()).hexdigest()
    actual = hashlib.sha256((raw / "r.txt").read_bytes()).hexdigest()
    (raw / "manifest.csv").write_text(f"file,report_id,sha256\nr.txt,r,{expected}\n")
    message = (
        f"{raw / 'r.txt'}: sha256 {actual} does not match the manifest's {expected}; "
        "the raw file changed: restore it or record the new file with `szpolicy add-raw`"
    )
    return Case([raw], previous_build(tmp), message)


def out_is_file(tmp: Path) -> Case:
    out = tmp / "processed"
    out.write_text("a file, not a folder\n")
    return Case([SEED], out, f"{out}: output folder is a file")


def out_under_file(tmp: Path) -> Case:
    blocker = tmp / "blocker"
    blocker.write_text("x\n")
    blocker.chmod(0o755)  # executable: os.access(X_OK) alone does not catch it
    out = blocker / "sub" / "processed"
    return Case([SEED], out, f"{out}: output folder is inside a file ({blocker})")


def out_not_writable(tmp: Path) -> Case:
    locked = tmp / "locked"
    locked.mkdir()
    out = previous_build(locked)
    locked.chmod(0o555)  # the staging folder goes beside `out`: nowhere to put it
    case = Case([SEED], out, f"{out}: output folder is not writable", needs_unprivileged=True)
    case.cleanup.append(lambda: locked.chmod(0o755))
    return case


def missing_input(tmp: Path) -> Case:
    path = tmp / "nowhere.txt"
    return Case([path], previous_build(tmp), f"{path}: no such file or folder")


def empty_folder(tmp: Path) -> Case:
    folder = tmp / "raw"
    folder.mkdir()
    (folder / "notes.md").write_text("no reports here\n")
    return Case([folder], previous_build(tmp), f"{folder}: folder holds no .txt reports")


def manifest_case(
    text: str | bytes, message: Callable[[Path], str], extra: Callable[[Path], None] = None
) -> Callable[[Path], Case]:
    """A folder of raw reports whose manifest.csv is bad; `extra` adds files beside it."""

    def make(tmp: Path) -> Case:
        raw = tmp / "raw"
        raw.mkdir()
        shutil.copy(SEED, raw / "r.txt")
        if extra:
            extra(raw)
        manifest = raw / "manifest.csv"
        manifest.write_bytes(text if isinstance(text, bytes) else text.encode())
        return Case([raw], previous_build(tmp), message(manifest))

    return make


SEED_HASH = hashlib.sha256(SEED.read_bytes()).hexdigest()
HEADER = "file,report_id,sha256\n"


def _outside(raw: Path) -> None:
    shutil.copy(SEED, raw.parent / "x.txt")


def _fifo(raw: Path) -> None:
    os.mkfifo(raw / "pipe.txt")


def _big(raw: Path) -> None:
    with (raw / "big.txt").open("wb") as fh:
        fh.truncate(MAX_BYTES + 1)  # sparse: nothing to write, and nothing may be read


def _link_out(raw: Path) -> None:
    _outside(raw)
    (raw / "link.txt").symlink_to(raw.parent / "x.txt")


def fifo_input(tmp: Path) -> Case:
    pipe = tmp / "pipe.txt"
    os.mkfifo(pipe)
    return Case([pipe], previous_build(tmp), f"{pipe}: a named pipe (FIFO), not a regular file")


def device_input(tmp: Path) -> Case:
    return Case(
        [Path("/dev/zero")],
        previous_build(tmp),
        "/dev/zero: a character device, not a regular file",
    )


KEPT = (
    "output folder is or holds the filesystem root, the home folder, or the project's "
    "raw data, notebooks or code; choose a folder of its own"
)


def out_is_root(tmp: Path) -> Case:
    return Case(
        [SEED],
        Path("/"),
        f"/: {KEPT}",
    )


def out_is_notebooks(tmp: Path) -> Case:
    return Case([SEED], paths.NOTEBOOKS, f"{paths.NOTEBOOKS}: {KEPT}")


def out_holds_raw(tmp: Path) -> Case:
    return Case([SEED], paths.RAW.parent, f"{paths.RAW.parent}: {KEPT}")


def out_locked(tmp: Path) -> Case:
    from szpolicy.io.writer import folder_lock

    out = previous_build(tmp)
    lock = folder_lock(out)
    lock.__enter__()
    case = Case(
        [SEED],
        out,
        f"{out}: another szpolicy command is writing this folder; wait for it to finish",
    )
    case.cleanup.append(lambda: lock.__exit__(None, None, None))
    return case


def jobs_zero(tmp: Path) -> Case:
    return Case([SEED], previous_build(tmp), "--jobs must be 1 or more, not 0", jobs="0")


NUL_MESSAGE = "NUL byte: binary data, or UTF-16 or UTF-32 without a byte-order mark"


CASES: dict[str, Callable[[Path], Case]] = {
    "empty": text_case(b"", lambda p: f"{p}: empty file"),
    "whitespace": text_case(
        " \n\t\r\n\u3000\u3000\n".encode(), lambda p: f"{p}: file holds only whitespace"
    ),
    "png": text_case(
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        lambda p: f"{p}: binary file (PNG image), not a text report (byte 0)",
    ),
    "zip": text_case(
        b"PK\x03\x04\x14\x00\x00\x00",
        lambda p: f"{p}: binary file (ZIP archive), not a text report (byte 0)",
    ),
    "pdf": text_case(
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
        lambda p: f"{p}: binary file (PDF document), not a text report (byte 0)",
    ),
    "invalid-utf8-middle": text_case(
        DAMAGED,
        lambda p: f"{p}:3: invalid UTF-8 (damaged file or mixed encodings) (byte {DAMAGED_AT})",
    ),
    "mixed-utf8-then-gb18030": text_case(
        UTF8_THEN_GB,
        lambda p: f"{p}:2: invalid UTF-8 (damaged file or mixed encodings) (byte {GB_AT})",
    ),
    "mixed-gb18030-then-utf8": text_case(
        GB_THEN_UTF8,
        # GB18030 一 (D2 BB) is valid UTF-8 by chance; the decoder stops at the next byte
        lambda p: f"{p}:1: invalid UTF-8 (damaged file or mixed encodings) (byte 2)",
    ),
    "mixed-big5-then-utf8": text_case(
        BIG5_THEN_UTF8,
        lambda p: f"{p}:1: invalid UTF-8 (damaged file or mixed encodings) (byte 0)",
    ),
    "utf16-le-without-bom": text_case(
        "一、標題\n正文。\n".encode("utf-16-le"),
        lambda p: f"{p}:1: {NUL_MESSAGE} (byte 0)",
    ),
    "utf16-be-without-bom": text_case(
        "一、標題\n正文。\n".encode("utf-16-be"),
        lambda p: f"{p}:1: {NUL_MESSAGE} (byte 1)",
    ),
    "50-megabytes": big_file,
    "nul-byte": text_case(
        NUL_IN_TEXT,
        lambda p: f"{p}:2: {NUL_MESSAGE} (byte {NUL_AT})",
    ),
    "control-character": text_case(
        "一、標題\n正文\x07。\n".encode(), lambda p: f"{p}:2:3: control character U+0007"
    ),
    "html": text_case(
        "<!DOCTYPE html>\n<html><body><p>一、標題</p></body></html>\n".encode(),
        lambda p: (
            f"{p}:1:1: HTML markup ('<!DOCTYPE') instead of plain text; save the page as text first"
        ),
    ),
    "html-fragment": text_case(
        "導語。\n<p>一、標題</p>\n".encode(),
        lambda p: f"{p}:2:1: HTML markup ('<p') instead of plain text; save the page as text first",
    ),
    "hash-mismatch": hash_mismatch,
    "missing-input": missing_input,
    "folder-without-reports": empty_folder,
    "out-is-a-file": out_is_file,
    "out-under-a-file": out_under_file,
    "out-not-writable": out_not_writable,
    "manifest-reaches-outside": manifest_case(
        f"{HEADER}../x.txt,x,{SEED_HASH}\n",
        lambda m: f"{m}:2: file '../x.txt' reaches outside the manifest's folder",
        _outside,
    ),
    "manifest-absolute-path": manifest_case(
        f"{HEADER}{SEED},x,{SEED_HASH}\n",
        lambda m: f"{m}:2: file '{SEED}' is an absolute path; name a file in the folder",
    ),
    "manifest-link-outside": manifest_case(
        f"{HEADER}link.txt,x,{SEED_HASH}\n",
        lambda m: f"{m}:2: file 'link.txt' links outside the manifest's folder",
        _link_out,
    ),
    "manifest-lists-a-fifo": manifest_case(
        f"{HEADER}pipe.txt,p,{SEED_HASH}\n",
        lambda m: f"{m.parent / 'pipe.txt'}: a named pipe (FIFO), not a regular file",
        _fifo,
    ),
    "manifest-lists-a-huge-file": manifest_case(
        f"{HEADER}big.txt,b,{SEED_HASH}\n",
        lambda m: (
            f"{m.parent / 'big.txt'}: file is {MAX_BYTES + 1:,} bytes, "
            f"over the {MAX_BYTES:,}-byte limit for one report"
        ),
        _big,
    ),
    "manifest-lists-itself": manifest_case(
        f"{HEADER}manifest.csv,m,{SEED_HASH}\n",
        lambda m: f"{m}:2: file 'manifest.csv' is the folder's manifest.csv, not a report",
    ),
    "manifest-gb18030": manifest_case(
        (HEADER + f"r.txt,報告,{SEED_HASH}\n").encode("gb18030"),
        lambda m: f"{m}:2: manifest is not UTF-8 text; save it as UTF-8 (byte {len(HEADER) + 6})",
    ),
    "manifest-empty": manifest_case(
        b"", lambda m: f"{m}: manifest is empty; it needs a header and a row per report"
    ),
    "manifest-header-only": manifest_case(HEADER, lambda m: f"{m}: manifest lists no reports"),
    "manifest-without-sha256-column": manifest_case(
        "file,report_id\nr.txt,r\n", lambda m: f"{m}:1: manifest header lacks sha256"
    ),
    "manifest-repeated-report-id": manifest_case(
        f"{HEADER}r.txt,r,{SEED_HASH}\nr.txt,r,{SEED_HASH}\n",
        lambda m: f"{m}:3: report_id 'r' is repeated (first at line 2)",
    ),
    "fifo-input": fifo_input,
    "device-input": device_input,
    "out-is-root": out_is_root,
    "out-is-the-notebooks": out_is_notebooks,
    "out-holds-the-raw-data": out_holds_raw,
    "out-locked-by-another-build": out_locked,
    "jobs-zero": jobs_zero,
}
# Through the real command too: a representative subset, run concurrently (test_build.py runs
# the empty file and the output-is-a-file cases through the command already).
SUBPROCESS = [
    "png",
    "manifest-lists-a-fifo",
    "invalid-utf8-middle",
    "50-megabytes",
    "out-not-writable",
]


def can_drop_privileges() -> bool:
    """As root: whether setpriv can take away the permission override (not in every sandbox)."""
    if not shutil.which("setpriv"):
        return False
    probe = subprocess.run([*DROP_DAC, sys.executable, "-c", "pass"], capture_output=True)
    return probe.returncode == 0


def command(case: Case) -> list[str]:
    argv = [sys.executable, "-m", "szpolicy.cli", "build", *map(str, case.inputs)]
    argv += ["--out", str(case.out)]
    return [*DROP_DAC, *argv] if case.needs_unprivileged and IS_ROOT else argv


def check(case: Case, status: int, stderr: str, before: dict, after: dict) -> None:
    assert status == 2, stderr
    assert stderr.strip().splitlines()[-1] == f"szpolicy: {case.message}"
    assert "Traceback" not in stderr
    assert after == before  # output folder, inputs and its surroundings: all untouched


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path.resolve()  # the CLI prints the resolved output path


# Root ignores folder permissions in-process; that case runs through the command, which drops them.
IN_PROCESS = [name for name in CASES if not (IS_ROOT and name == "out-not-writable")]


@pytest.mark.parametrize("name", IN_PROCESS)
def test_bad_build_in_process(name: str, root: Path, capsys) -> None:
    case = CASES[name](root)
    before = snapshot(root)
    try:
        argv = ["build", *map(str, case.inputs), "--out", str(case.out), "--jobs", case.jobs]
        status = main(argv)
        after = snapshot(root)
    finally:
        for undo in case.cleanup:
            undo()
    check(case, status, capsys.readouterr().err, before, after)


@pytest.fixture(scope="module")
def cli_runs(tmp_path_factory) -> dict[str, tuple[Case, int, str, dict, dict]]:
    """Run every subprocess case at once (each spends most of its time importing)."""
    runs = {}
    for name in SUBPROCESS:
        root = tmp_path_factory.mktemp(name).resolve()
        case = CASES[name](root)
        if case.needs_unprivileged and IS_ROOT and not can_drop_privileges():
            for undo in case.cleanup:
                undo()
            continue
        before = snapshot(root)
        proc = subprocess.Popen(command(case), stderr=subprocess.PIPE, text=True)
        runs[name] = (case, root, before, proc)
    results = {}
    for name, (case, root, before, proc) in runs.items():
        _, stderr = proc.communicate(timeout=120)
        after = snapshot(root)
        for undo in case.cleanup:
            undo()
        results[name] = (case, proc.returncode, stderr, before, after)
    return results


@pytest.mark.parametrize("name", SUBPROCESS)
def test_bad_build_through_the_command(name: str, cli_runs) -> None:
    if name not in cli_runs:
        pytest.skip("running as root and setpriv cannot drop the permission override here")
    check(*cli_runs[name])


# Lexicon files: loaded by notebooks through a parameter, so checked through load_lexicon.
PACKAGED = safe_load(Path(load_lexicon("digitisation_lexicon").source).read_text(encoding="utf-8"))


def lexicon_with(change: Callable[[dict], None]) -> str:
    data = copy.deepcopy(PACKAGED)
    change(data)
    return yaml.safe_dump(data, allow_unicode=True)


def _empty_terms(data: dict) -> None:
    data["categories"][1]["terms"] = []


def _duplicate_term(data: dict) -> None:
    data["categories"][2]["terms"].append(dict(data["categories"][0]["terms"][0]))


FIRST = PACKAGED["categories"][0]
LEXICON_CASES = {
    "bad-yaml": ("name: x\ncategories: [unclosed\n", "not valid YAML"),
    "not-a-mapping": ("- just\n- a list\n", "the top level must be a mapping, got list"),
    "category-without-terms": (
        lexicon_with(_empty_terms),
        f"category {PACKAGED['categories'][1]['id']!r} has no terms",
    ),
    "duplicate-term": (
        lexicon_with(_duplicate_term),
        f"duplicate term {FIRST['terms'][0]['zh_hant']!r} in category "
        f"{PACKAGED['categories'][2]['id']!r} (already in category {FIRST['id']!r})",
    ),
    "not-utf8": ("name: 數碼\n".encode("big5hkscs"), "not UTF-8 text"),
}


@pytest.mark.parametrize("name", LEXICON_CASES)
def test_malformed_lexicon_names_the_file(name: str, tmp_path: Path) -> None:
    content, message = LEXICON_CASES[name]
    path = tmp_path / "lexicon.yaml"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(LexiconError) as err:
        load_lexicon(path)
    assert str(err.value).startswith(f"{path}: ")
    assert message in str(err.value)


@pytest.mark.parametrize("name", ["no_such_lexicon", "missing/lexicon.yaml"])
def test_unknown_lexicon_is_refused(name: str) -> None:
    with pytest.raises(LexiconError) as err:
        load_lexicon(name)
    assert str(err.value).startswith(f"{name}: no such lexicon file")
    assert "digitisation_lexicon" in str(err.value)  # and lists the packaged ones
