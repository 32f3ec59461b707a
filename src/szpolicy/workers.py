"""Worker processes that leave Ctrl-C and SIGTERM to the main process, which ends them."""

from __future__ import annotations

import multiprocessing
import signal
from multiprocessing.pool import Pool


def _leave_signals_to_main() -> None:
    """A worker ignores Ctrl-C (sent to the whole terminal group) and dies on SIGTERM."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def pool(jobs: int) -> Pool:
    """A pool of `jobs` processes; leaving its `with` block (also by Ctrl-C) terminates them."""
    return multiprocessing.Pool(jobs, initializer=_leave_signals_to_main)
