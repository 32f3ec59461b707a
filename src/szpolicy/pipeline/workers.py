"""Worker processes that leave Ctrl-C and SIGTERM to the main process, which ends them, and
hand their results over in files."""

from __future__ import annotations

import contextlib
import multiprocessing
import pickle
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator
from multiprocessing.pool import Pool
from pathlib import Path
from typing import Any

SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _leave_signals_to_main() -> None:
    """A worker ignores Ctrl-C (sent to the whole terminal group) and dies on SIGTERM."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _hold(held: list[int]) -> dict:
    """Record Ctrl-C and SIGTERM in `held` instead of acting on them; the previous handlers."""
    if threading.current_thread() is not threading.main_thread():
        return {}  # only the main thread receives signals and may set handlers
    return {s: signal.signal(s, lambda signum, frame: held.append(signum)) for s in SIGNALS}


def _restore(previous: dict) -> None:
    for s, handler in previous.items():
        signal.signal(s, handler)


@contextlib.contextmanager
def pool(jobs: int) -> Iterator[Pool]:
    """A pool of `jobs` processes: closed and joined when the block ends, terminated when it
    raises (also by Ctrl-C or SIGTERM).

    A signal while the pool starts is held back until the pool can be terminated: acted on
    between a fork and the pool's bookkeeping, it would leave a worker nobody ends. Only a
    failed block terminates: `Pool.terminate` can wait forever for the task queue's lock that
    an idle worker holds, so a finished block lets the workers leave by themselves.
    """
    held: list[int] = []
    previous = _hold(held)
    try:
        running = multiprocessing.Pool(jobs, initializer=_leave_signals_to_main)
    except BaseException:
        _restore(previous)
        raise
    try:
        _restore(previous)
        if held:
            signal.raise_signal(held[0])  # now its handler runs, inside the block
        yield running
    except BaseException:
        running.terminate()
        raise
    running.close()
    running.join()


def start(running: Pool, folder: Path, func: Callable, *args: Any) -> Callable[[], Any]:
    """Start `func(*args)` on a worker of `running`; a call that waits for its result.

    The worker pickles the result into a file in `folder` and sends only its name: sent whole
    through the pool's pipe, a result of megabytes would hold the worker until this process,
    busy with work of its own, had read it, 64 KB each time its reading thread gets a turn.
    """
    handed = running.apply_async(_into_file, (folder, func, *args))
    return lambda: _out_of_file(handed.get())


def _into_file(folder: Path, func: Callable, *args: Any) -> Path:
    """`func(*args)` pickled into a new file in `folder`; its path."""
    result = func(*args)
    fd, name = tempfile.mkstemp(prefix=".result-", dir=folder)
    with open(fd, "wb") as f:
        pickle.dump(result, f, protocol=pickle.HIGHEST_PROTOCOL)
    return Path(name)


def _out_of_file(path: Path) -> Any:
    """The result a worker pickled into `path`, which is removed."""
    data = path.read_bytes()
    path.unlink()
    return pickle.loads(data)  # noqa: S301 - written by this build's own worker
