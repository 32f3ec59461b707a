"""Execute the project's notebooks with papermill and render them to HTML with nbconvert."""

from __future__ import annotations

import copy
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import IO

import nbformat
import papermill as pm
from jupyter_client.manager import AsyncKernelManager
from nbconvert import HTMLExporter
from tqdm import tqdm

from . import paths
from .errors import SzpolicyError

KERNEL = "python3"
ATTEMPTS = 3  # starts of a notebook's kernel before its failure is reported
VOLATILE_KEYS = ("start_time", "end_time", "duration", "input_path", "output_path")


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


def strip_volatile(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Remove run times, machine paths and random ids papermill records, so reruns match."""
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
    return nb


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
                    f"cell {err.exec_count} failed: {err.ename}: {err.evalue}", target
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
    nb = strip_volatile(nbformat.read(target, as_version=4))
    nbformat.write(nb, target)
    return nb


def execute(
    notebook: Path, out_dir: Path, parameters: dict | None = None, progress: bool = True
) -> Path:
    """Run one notebook into `out_dir` (executed .ipynb and .html); returns the executed path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / notebook.name
    params = {"output_dir": str(out_dir.resolve()), **(parameters or {})}
    nb = _papermill(notebook, target, params, progress)
    html, _ = HTMLExporter().from_notebook_node(nb)
    target.with_suffix(".html").write_text(html, encoding="utf-8")
    return target


def run(
    names: list[str] | None = None,
    parameters: dict | None = None,
    out_dir: Path = paths.REPORTS,
    jobs: int = 1,
) -> list[Path]:
    """Run notebooks (in parallel with `jobs` > 1, each in its own kernel)."""
    books = notebook_paths(names)
    if jobs <= 1:
        return [execute(nb, out_dir, parameters) for nb in books]
    with (
        ThreadPoolExecutor(jobs) as pool,
        tqdm(total=len(books), unit="notebook", desc="notebooks") as bar,
    ):
        futures = [pool.submit(execute, nb, out_dir, parameters, False) for nb in books]
        done = []
        for future in futures:
            done.append(future.result())
            bar.update()
    return done


def run_in_place(notebook: Path, target: Path, progress: bool = False) -> nbformat.NotebookNode:
    """Execute a notebook with its default parameters, as committed, into `target`."""
    return _papermill(notebook, target, {}, progress)


def refresh(names: list[str] | None = None) -> list[Path]:
    """Re-execute committed notebooks in place with their default parameters (for nbval)."""
    books = notebook_paths(names)
    for nb in books:
        run_in_place(nb, nb, progress=True)
    return books
