"""Execute the project's notebooks with papermill and render them to HTML with nbconvert."""

from __future__ import annotations

import ast
import contextlib
import copy
import difflib
import hashlib
import keyword
import os
import tempfile
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import IO

import nbformat
import papermill as pm
from jupyter_client.manager import AsyncKernelManager
from nbconvert import HTMLExporter
from tqdm import tqdm

from .errors import SzpolicyError
from .io import paths
from .io.writer import write_atomically
from .pipeline import workers

KERNEL = "python3"
ATTEMPTS = 3  # starts of a notebook's kernel before its failure is reported
VOLATILE_KEYS = ("start_time", "end_time", "duration", "input_path", "output_path")
VALUE_TYPES = (str, int, float, bool, type(None))
OUTPUT_PARAMETER = "output_dir"  # set by `szpolicy run --out`, never by -p


@dataclass(frozen=True)
class Parameter:
    """One assignment of a notebook's `parameters` cell."""

    name: str
    type: str
    default: str
    help: str


def notebook_paths(names: list[str] | None = None) -> list[Path]:
    """The numbered notebooks, or those whose file name starts with one of `names`."""
    found = sorted(paths.NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
    if not names:
        return found
    chosen = []
    for name in names:
        match = [p for p in found if p.stem == name or p.stem.startswith(name)]
        if len(match) != 1:
            known = ", ".join(p.stem for p in found)
            raise SzpolicyError(f"notebook {name!r} matches {len(match)} notebooks; known: {known}")
        chosen += match
    return chosen


def _type_name(default: str) -> str:
    """The type of a default written as a Python literal ("optional" for None)."""
    try:
        value = ast.literal_eval(default)
    except (ValueError, SyntaxError):
        return "expression"
    return "optional" if value is None else type(value).__name__


def notebook_parameters(notebook: Path) -> dict[str, Parameter]:
    """The parameters a notebook takes (its cell tagged `parameters`), with types and defaults."""
    try:
        found = pm.inspect_notebook(str(notebook))
    except Exception as err:  # papermill raises bare exceptions for unreadable notebooks
        raise SzpolicyError(f"cannot read the notebook's parameters ({err})", notebook) from None
    return {
        name: Parameter(name, _type_name(p["default"]), p["default"], p.get("help") or "")
        for name, p in found.items()
    }


def _check_value(name: str, value: object) -> None:
    """Refuse a value that is not plain data (YAML can make dates; they would arrive as text)."""
    if isinstance(value, list):
        for item in value:
            _check_value(name, item)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_value(name, key)
            _check_value(name, item)
    elif not isinstance(value, VALUE_TYPES) or value != value:  # NaN is not equal to itself
        raise SzpolicyError(
            f"parameter {name}: value {value!r} ({type(value).__name__}) is not plain data; "
            "give text, a number, true/false or null (quote text that looks like a date)"
        )


def check_parameters(notebook: Path, parameters: dict) -> None:
    """Refuse a parameter the notebook does not take (naming the ones it does) or a bad value."""
    known = notebook_parameters(notebook)
    for name, value in parameters.items():
        if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
            raise SzpolicyError(f"parameter name {name!r} is not a Python identifier", notebook)
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise SzpolicyError(
                f"{notebook.stem} has no parameter {name!r}{hint}; "
                f"it takes: {', '.join(known) or 'none'}",
                notebook,
            )
        _check_value(name, value)


def strip_volatile(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Remove run times, machine paths and random ids papermill records, and join a cell's
    consecutive stream outputs (the kernel splits them wherever a flush happens to fall), so
    reruns match."""
    nb = copy.deepcopy(nb)
    for key in VOLATILE_KEYS:
        nb.metadata.get("papermill", {}).pop(key, None)
    nb.metadata.get("papermill", {}).pop("environment_variables", None)
    for cell in nb.cells:
        for key in VOLATILE_KEYS:
            cell.metadata.get("papermill", {}).pop(key, None)
        cell.metadata.pop("execution", None)
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "injected-parameters"  # papermill draws a random id
        if cell.cell_type == "code":
            cell.outputs = _joined_streams(cell.outputs)
    return nb


def _joined_streams(outputs: list) -> list:
    """Outputs with each run of stream outputs to the same stream as one output."""
    joined: list = []
    for out in outputs:
        last = joined[-1] if joined else None
        if (
            out.get("output_type") == "stream"
            and last is not None
            and last.get("output_type") == "stream"
            and last.get("name") == out.get("name")
        ):
            last["text"] = "".join(last["text"]) + "".join(out["text"])
        else:
            joined.append(out)
    return joined


def _replaced(node: object, old: str, new: str) -> object:
    """`node` (a notebook or part of one) with `old` replaced by `new` in every string."""
    if isinstance(node, str):
        return node.replace(old, new)
    if isinstance(node, list):
        return [_replaced(item, old, new) for item in node]
    if isinstance(node, dict):
        return type(node)({k: _replaced(v, old, new) for k, v in node.items()})
    return node


def _quiet_kernels(log: IO[str]) -> type[AsyncKernelManager]:
    """A kernel manager whose kernels write their own output (the transport warning, a
    KeyboardInterrupt at shutdown, a start-up traceback) to `log`, not to the terminal."""

    class QuietKernelManager(AsyncKernelManager):
        async def start_kernel(self, **kw: object) -> None:
            await super().start_kernel(stdout=log, stderr=log, **kw)

    return QuietKernelManager


def _papermill(notebook: Path, target: Path, params: dict, progress: bool) -> nbformat.NotebookNode:
    """Execute with papermill in the notebooks folder; return the notebook without run times.

    A kernel that dies (e.g. a port taken between choosing and binding it) is started again, up
    to ATTEMPTS times; a failure names the notebook, with the kernel's last words.
    """
    for attempt in range(1, ATTEMPTS + 1):
        with tempfile.TemporaryFile("w+", encoding="utf-8") as log:
            try:
                pm.execute_notebook(
                    str(notebook),
                    str(target),
                    parameters=params,
                    kernel_name=KERNEL,
                    # The kernel starts in notebooks/ without papermill's process-wide chdir,
                    # which races when notebooks run in parallel threads.
                    resources={"metadata": {"path": str(paths.NOTEBOOKS)}},
                    progress_bar={"desc": notebook.stem} if progress else False,
                    kernel_manager_class=_quiet_kernels(log),
                )
                break
            except pm.PapermillExecutionError as err:
                raise SzpolicyError(
                    f"cell {err.exec_count} failed: {err.ename}: {err.evalue}", notebook
                ) from None
            except (RuntimeError, TimeoutError) as err:  # the kernel died or never answered
                if attempt == ATTEMPTS:
                    log.seek(0)
                    last = "\n".join(log.read().strip().splitlines()[-5:])
                    raise SzpolicyError(
                        f"the kernel failed {ATTEMPTS} times ({err})"
                        + (f"; its last output:\n{last}" if last else ""),
                        notebook,
                    ) from None
    return strip_volatile(nbformat.read(target, as_version=4))


def _execute_into(notebook: Path, staging: Path, out: Path, params: dict, progress: bool) -> None:
    """Run one notebook with its outputs in `staging`; write it as if run in `out` (+ HTML)."""
    target = staging / notebook.name
    nb = _papermill(notebook, target, {**params, OUTPUT_PARAMETER: str(staging)}, progress)
    # staging is out's sibling: its name in any spelling of the path becomes out's
    nb = nbformat.from_dict(_replaced(nb, staging.name, out.name))
    nbformat.write(nb, target)
    html, _ = HTMLExporter().from_notebook_node(nb)
    target.with_suffix(".html").write_text(html, encoding="utf-8")


def run(
    names: list[str | Path] | None = None,
    parameters: dict | None = None,
    out_dir: Path = paths.REPORTS,
    jobs: int = 1,
    progress: bool = True,
) -> list[Path]:
    """Run notebooks (in parallel with `jobs` > 1, each in its own kernel) into `out_dir`.

    Parameters are checked against every notebook first; the notebooks run into a staging
    folder that replaces `out_dir` only when all succeeded, so a failure leaves it unchanged.
    """
    if jobs < 1:
        raise SzpolicyError(f"--jobs must be 1 or more, not {jobs}")
    books = (
        [n if isinstance(n, Path) else notebook_paths([n])[0] for n in names]
        if names
        else notebook_paths()
    )
    params = dict(parameters or {})
    if OUTPUT_PARAMETER in params:
        raise SzpolicyError(f"set {OUTPUT_PARAMETER} with --out, not as a parameter")
    for book in books:
        check_parameters(book, params)
    out = Path(out_dir).resolve()

    def fill(staging: Path) -> None:
        if jobs == 1:
            for book in books:
                _execute_into(book, staging, out, params, progress)
            return
        # processes, not threads: Ctrl-C or SIGTERM ends them, and their kernels follow
        run_one = partial(_execute_into, staging=staging, out=out, params=params, progress=False)
        with (
            workers.pool(jobs) as running,
            tqdm(total=len(books), unit="notebook", desc="notebooks") as bar,
        ):
            for _ in running.imap_unordered(run_one, books):
                bar.update()

    write_atomically(out, fill)
    return [out / book.name for book in books]


def execute(
    notebook: Path, out_dir: Path, parameters: dict | None = None, progress: bool = True
) -> Path:
    """Run one notebook into `out_dir` (executed .ipynb and .html); returns the executed path."""
    return run([notebook], parameters, out_dir, progress=progress)[0]


def source_hashes(nb: nbformat.NotebookNode) -> list[str]:
    """The sha256 of each cell's source: `verify` names a cell edited after its run."""
    return [hashlib.sha256(cell.source.encode("utf-8")).hexdigest() for cell in nb.cells]


def run_in_place(notebook: Path, target: Path, progress: bool = False) -> nbformat.NotebookNode:
    """Execute a notebook with its default parameters, as committed, into `target`.

    The sources it ran are recorded (metadata `szpolicy.source_sha256`) for `verify`.
    """
    nb = _papermill(notebook, target, {}, progress)
    nb.metadata["szpolicy"] = {"source_sha256": source_hashes(nb)}
    nbformat.write(nb, target)
    return nb


@contextlib.contextmanager
def _temporary_beside(path: Path):
    """A hidden temporary file name beside `path`, removed afterwards unless renamed."""
    fd, name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        yield Path(name)
    finally:
        Path(name).unlink(missing_ok=True)


def refresh(names: list[str] | None = None) -> list[Path]:
    """Re-execute committed notebooks with their default parameters (for nbval).

    Each runs into a temporary file beside it that replaces it only when the run succeeded.
    """
    books = notebook_paths(names)
    for nb in books:
        with _temporary_beside(nb) as tmp:
            run_in_place(nb, tmp, progress=True)
            tmp.chmod(nb.stat().st_mode & 0o7777)
            os.replace(tmp, nb)
    return books
