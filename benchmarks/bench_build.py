"""Benchmark `szpolicy build` on generated corpora: throughput, memory, stages, and the floor.

Run from the checkout: `.venv/bin/python benchmarks/bench_build.py [--quick | --sizes 100 1000]`.
Each measurement runs in a forked child of this (already imported, warmed-up) interpreter, so
interpreter start-up and imports are excluded and every peak-memory figure is its own.
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing as mp
import os
import resource
import sys
import tempfile
import threading
import time
import warnings
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

SIZES = (100, 1000, 10_000)
JOBS = (1, 2)
SAMPLE = 100
# Where each stage's functions are looked up when they are timed (module -> name -> stage).
STAGES = {
    "szpolicy.pipeline.build": {
        "read_entry": "read/decode",
        "conform": "conform+validate",
        "validate": "conform+validate",
        "csv_bytes": "CSV formatting",
    },
    "szpolicy.stages.registry": {
        "structure": "structure",
        "to_hans": "structure",
        "agency_mentions": "agencies",
        "lead_agencies": "agencies",
        "extract_numbers": "numbers",
        "report_year": "dates/instruments",
        "extract_dates": "dates/instruments",
        "extract_instruments": "dates/instruments",
        "load_lexicon": "lexicon",
        "lexicon_hits": "lexicon",
    },
}
TARGETS = {"seconds_10k_2_workers": 60, "peak_mb": 2048, "scale_10k_over_1k": 11, "rps_1": 200}


def tree_memory_mb(root: int) -> float:
    """Memory of a process and all its descendants now, in MB (PSS, so shared pages count once)."""
    children: dict[int, list[int]] = defaultdict(list)
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(entry.path, "stat").read_text()
            except OSError:
                continue
            children[int(stat.rsplit(")", 1)[1].split()[1])].append(int(entry.name))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        total += _pss_kb(pid)
    return total / 1024


def _pss_kb(pid: int) -> int:
    """A process's proportional set size in kB (its RSS where smaps_rollup is unavailable)."""
    for name, key in (("smaps_rollup", "Pss:"), ("status", "VmRSS:")):
        try:
            for line in Path(f"/proc/{pid}/{name}").read_text().splitlines():
                if line.startswith(key):
                    return int(line.split()[1])
        except OSError:
            continue
    return 0


def _child(task: Callable[[], None], conn) -> None:
    """Run a task in the forked child and send back its time, CPU time (user + sys, its own and
    its finished workers') and peak RSS (self, largest child)."""
    start = time.perf_counter()
    task()
    elapsed = time.perf_counter() - start
    usage = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    cpu = sum(u.ru_utime + u.ru_stime for u in usage)
    conn.send((elapsed, cpu, usage[0].ru_maxrss / 1024, usage[1].ru_maxrss / 1024))
    conn.close()


def measure(task: Callable[[], None], sample: bool = True) -> dict[str, float]:
    """Seconds and peak memory of a task run in a forked child, its process tree sampled
    (unless `sample` is false: a sample costs about 5 ms of CPU that the sampler takes from
    the cores the task runs on; `tree_mb` is then 0)."""
    ctx = mp.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(task, send))
    proc.start()
    peak, done = [0.0], threading.Event()

    def watch() -> None:
        while not done.wait(0.2):
            peak[0] = max(peak[0], tree_memory_mb(proc.pid))

    sampler = threading.Thread(target=watch if sample else lambda: None, daemon=True)
    sampler.start()
    elapsed, cpu, own, kids = receive.recv()
    proc.join()
    done.set()
    sampler.join()
    if proc.exitcode:
        raise SystemExit(f"measured task failed (exit code {proc.exitcode})")
    return {
        "seconds": elapsed,
        "cpu": cpu,
        "rss_self_mb": own,
        "rss_child_mb": kids,
        "tree_mb": peak[0],
    }


def floor(files: list[Path], out: Path) -> None:
    """The least any build does: read bytes, decode, split lines, write one CSV of lines."""
    from szpolicy.io.read import decode

    with out.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["report_id", "line_no", "text"])
        for path in files:
            text, _ = decode(path.read_bytes(), path)
            writer.writerows((path.stem, no, line) for no, line in enumerate(text.splitlines()))


def build_task(folder: Path, out: Path, jobs: int) -> Callable[[], None]:
    """The build of a corpus folder into `out` with `jobs` workers, as a task to measure."""

    def task() -> None:
        from szpolicy.pipeline.build import build

        build([folder], out=out, jobs=jobs)

    return task


def wrap_stages(stages: dict[str, dict[str, str]], spent: dict[str, float]) -> list[tuple]:
    """Wrap each stage function where its module looks it up, adding its seconds to
    `spent[stage]`; returns (module, name, original) to restore."""
    import importlib
    from dataclasses import replace

    def timed(fn: Callable, stage: str) -> Callable:
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[stage] += time.perf_counter() - start

        return wrapper

    saved = []
    for module_name, names in stages.items():
        module = importlib.import_module(module_name)
        for name, stage in names.items():
            if hasattr(module, name):
                saved.append((module, name, getattr(module, name)))
                setattr(module, name, timed(getattr(module, name), stage))
        if hasattr(module, "STAGES"):  # the stage registry: its stages hold their functions
            saved.append((module, "STAGES", module.STAGES))
            module.STAGES = [
                replace(s, run=timed(s.run, names[s.run.__name__]))
                if s.run.__name__ in names
                else s
                for s in module.STAGES
            ]
    return saved


def stage_times(files: list[Path], out: Path) -> tuple[dict[str, float], float]:
    """Seconds per report spent in each stage (and in total) on a one-worker build of `files`,
    by wrapping the stage functions where build.py and tables.py look them up."""
    spent: dict[str, float] = defaultdict(float)
    saved = wrap_stages(STAGES, spent)
    try:
        start = time.perf_counter()
        from szpolicy.pipeline.build import build

        build(files, out=out, jobs=1)
        total = time.perf_counter() - start
    finally:
        for module, name, fn in saved:
            setattr(module, name, fn)
    per_report = {stage: s / len(files) for stage, s in spent.items()}
    per_report["other (pandas frames, merge, concat)"] = (total - sum(spent.values())) / len(files)
    return per_report, total / len(files)


def _row(label: str, n: int, m: dict[str, float], floor_s: float | None = None) -> str:
    ratio = f"{m['seconds'] / floor_s:8.1f}x" if floor_s else " " * 9
    tree = f"{m['tree_mb']:.0f}" if m["tree_mb"] else "-"  # "-": over before the first sample
    return (
        f"{label:<16}{m['seconds']:10.2f}{n / m['seconds']:12.1f}{ratio}"
        f"{tree:>12}{m['rss_self_mb']:11.0f}{m['rss_child_mb']:11.0f}"
    )


def run_size(n: int, root: Path, results: dict, vary_numbers: bool) -> None:
    """Generate n reports, then measure the floor and the build with each number of workers."""
    from szpolicy.testing import write_corpus

    folder = root / f"corpus_{n}"
    start = time.perf_counter()
    files = write_corpus(folder, n, seed=n, vary_numbers=vary_numbers)
    generated = time.perf_counter() - start
    mb = sum(p.stat().st_size for p in files) / 1e6
    print(f"\nN = {n:,} reports, {mb:.1f} MB (generated in {generated:.1f} s, not timed below)")
    print(
        f"{'':<16}{'seconds':>10}{'reports/s':>12}{'vs floor':>9}{'tree MB':>12}"
        f"{'self MB':>11}{'child MB':>11}"
    )
    fl = measure(lambda: floor(files, root / f"floor_{n}.csv"))
    print(_row("floor", n, fl), flush=True)
    results[n] = {"floor": fl, "mb": mb}
    for jobs in JOBS:
        m = measure(build_task(folder, root / f"out_{n}_{jobs}", jobs))
        results[n][jobs] = m
        print(_row(f"build, {jobs} worker{'s' * (jobs > 1)}", n, m, fl["seconds"]), flush=True)


def print_stages(files: list[Path], root: Path) -> None:
    """Per-report time by stage on a sample, with the share of the total."""
    per_report, total = stage_times(files, root / "out_stages")
    print(f"\nTime per report by stage (one worker, {len(files)} reports):")
    for stage, s in sorted(per_report.items(), key=lambda kv: -kv[1]):
        print(f"  {stage:<38}{s * 1000:9.1f} ms {100 * s / total:6.1f} %")
    print(f"  {'total':<38}{total * 1000:9.1f} ms")


def print_targets(results: dict) -> None:
    """The issue's targets next to what was measured (reported, never asserted)."""
    print("\nTargets (from the issue):")
    lines = []
    if 10_000 in results:
        r = results[10_000]
        lines.append(
            (
                "10,000 reports in <= 60 s, 2 workers",
                f"{r[2]['seconds']:.1f} s",
                r[2]["seconds"] <= TARGETS["seconds_10k_2_workers"],
            )
        )
    peak = max(max(r[j]["tree_mb"] for j in JOBS) for r in results.values())
    lines.append(("peak memory <= 2 GB", f"{peak:.0f} MB", peak <= TARGETS["peak_mb"]))
    if 1000 in results and 10_000 in results:
        scale = results[10_000][1]["seconds"] / results[1000][1]["seconds"]
        lines.append(("10,000 takes <= 11x 1,000", f"{scale:.1f}x", scale <= 11))
    best = max(n / r[1]["seconds"] for n, r in results.items())
    lines.append((">= 200 reports/s on one worker", f"{best:.1f}/s", best >= TARGETS["rps_1"]))
    for what, got, ok in lines:
        print(f"  {what:<40}{got:>12}  {'met' if ok else 'NOT met'}")


def main(argv: list[str] | None = None) -> None:
    """Parse the flags and run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--quick", action="store_true", help="only N = 100")
    parser.add_argument("--sample", type=int, default=SAMPLE, help="reports timed by stage")
    parser.add_argument(
        "--vary-numbers",
        action="store_true",
        help="redraw the Arabic numbers of every report, so sentences rarely repeat",
    )
    args = parser.parse_args(argv)
    sizes = [100] if args.quick else sorted(args.sizes)
    warnings.simplefilter("ignore")
    import szpolicy.pipeline.build  # noqa: F401 -- imports are start-up, not build time
    from szpolicy.testing import write_corpus

    numbers = "varied" if args.vary_numbers else "as in the sources"
    print(
        f"szpolicy build benchmark, {time.strftime('%Y-%m-%d')}, {os.cpu_count()} CPUs, "
        f"Python {sys.version.split()[0]}, numbers {numbers}"
    )
    with tempfile.TemporaryDirectory(prefix="szpolicy-bench-") as tmp:
        root = Path(tmp)
        warm = write_corpus(root / "warm", 1, seed=999_999)
        # loads gazetteer, lexicons, models
        szpolicy.pipeline.build.build(warm, out=root / "out_warm")
        sample = write_corpus(
            root / "sample", args.sample, seed=999_998, vary_numbers=args.vary_numbers
        )
        print_stages(sample, root)
        results: dict = {}
        for n in sizes:
            run_size(n, root, results, args.vary_numbers)
        print_targets(results)


if __name__ == "__main__":
    main()
