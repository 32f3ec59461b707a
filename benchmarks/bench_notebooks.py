"""Time `szpolicy run` over every notebook serially and with two jobs; print the ratio.

Run from the project root: `.venv/bin/python benchmarks/bench_notebooks.py [--repeat N]`.
Target (issue 6): with 2 jobs at most 0.65 x the serial time.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from szpolicy.notebooks import run


def timed(jobs: int) -> float:
    """Seconds to run every notebook into a fresh folder with `jobs` at once."""
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        run(out_dir=Path(tmp), jobs=jobs)
        return time.perf_counter() - start


def main() -> None:
    """Print the best of `--repeat` runs for 1 and 2 jobs and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    serial = min(timed(1) for _ in range(args.repeat))
    parallel = min(timed(2) for _ in range(args.repeat))
    print(f"serial   {serial:6.1f} s")
    print(f"2 jobs   {parallel:6.1f} s")
    print(f"ratio    {parallel / serial:6.2f}  (target <= 0.65)")


if __name__ == "__main__":
    main()
