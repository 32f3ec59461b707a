"""Worker processes that leave Ctrl-C and SIGTERM to the main process, which ends them."""

from __future__ import annotations

import contextlib
import multiprocessing
import signal
import threading
from collections.abc import Iterator
from multiprocessing.pool import Pool

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
