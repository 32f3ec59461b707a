"""Run the build's batches on a Dask distributed cluster (the optional `dask` extra).

Each batch is `build.process`, a pure function of its report files, so the workers must see the
files at the same absolute paths (a shared file system) and have the same szpolicy installed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import ExitStack

from ..errors import SzpolicyError

MISSING = (
    "--engine dask needs Dask distributed, which is not installed; "
    "install it with: pip install 'szpolicy[dask]'"
)


def dask_results(
    process: Callable, batches: list, fmt: str, jobs: int, scheduler: str | None
) -> Iterator:
    """`process(batch, fmt)` of every batch, in order, computed on the cluster at `scheduler`
    (else on a local cluster of `jobs` worker processes, one thread each)."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise SzpolicyError(MISSING) from None
    from .build import in_order

    with ExitStack() as stack:
        if scheduler:
            try:
                client = stack.enter_context(Client(scheduler, timeout="30s"))
            except OSError as err:
                why = f"cannot reach the Dask scheduler at {scheduler}: {err}"
                raise SzpolicyError(why) from None
        else:
            cluster = LocalCluster(
                n_workers=max(1, jobs),
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
            stack.enter_context(cluster)
            client = stack.enter_context(Client(cluster))
        workers = max(1, sum(client.nthreads().values()))

        def submit(batch: list):
            return client.submit(process, batch, fmt, pure=False)

        yield from in_order(submit, batches, 2 * workers)
