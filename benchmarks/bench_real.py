"""Benchmark `szpolicy build` on real reports: throughput against the I/O floor and jieba.cut.

Run from the checkout: `.venv/bin/python benchmarks/bench_real.py [FOLDER ...] [--scale N]`.
Every measurement runs in a forked child of this (already imported, warmed-up) interpreter, so
each peak-memory figure is its own and no run inherits the caches another one filled; start-up
is measured separately, as the wall and CPU time of a fresh `szpolicy build` of one report.
"""

from __future__ import annotations

import argparse
import csv
import logging
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from bench_build import floor, measure, wrap_stages

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_FOLDERS = (Path("/work/shared/corpus/national_gwr"), ROOT / "data/raw/national_gwr")
SEED = ROOT / "data/raw/000_90487d465f63e9bb.txt"
JOBS = (1, 2)
# Where each stage's functions are looked up when they are timed (module -> name -> stage).
STAGES = {
    "szpolicy.pipeline.build": {
        "read_entry": "read",
        "structure": "structure",
        "report_metadata": "metadata (incl. report_year)",
        "conform": "validate",
        "validate": "validate",
        "csv_bytes": "write (CSV formatting)",
        "csv_parts": "write (CSV formatting)",
    },
    "szpolicy.stages.registry": {
        "to_hans": "structure",
        "to_hans_all": "structure",
        "agency_mentions": "agencies",
        "lead_agencies": "agencies",
        "extract_numbers": "numbers",
        "extract_dates": "dates",
        "extract_instruments": "instruments",
        "load_lexicon": "lexicon",
        "lexicon_hits": "lexicon",
    },
}
TARGETS = {"jieba_ratio": 1.5, "two_over_one": 1.7, "startup_s": 1.0, "scale_peak_mb": 1024}


def default_folder() -> Path:
    """The development corpus: the shared copy, else the project's national collection."""
    for folder in DEFAULT_FOLDERS:
        if folder.is_dir():
            return folder
    raise SystemExit("no corpus folder given and none of the defaults exists")


def report_files(folders: list[Path]) -> list[Path]:
    """The .txt reports in the folders, in name order."""
    return sorted(p for f in folders for p in f.rglob("*.txt") if p.is_file())


def scaled(folders: list[Path], copies: int, root: Path) -> list[Path]:
    """`copies` copies of every report in one folder, each copy with its own report_id (file
    name); with one copy the folders themselves, so their manifests keep titles and years."""
    if copies == 1:
        return folders
    folder = root / f"scaled_{copies}"
    folder.mkdir()
    for path in report_files(folders):
        for k in range(copies):
            os.link(path, folder / f"{path.stem}__{k:04d}.txt")
    return [folder]


def built_chars(out: Path) -> tuple[int, int]:
    """Reports built and their characters, from the build's reports.csv."""
    with (out / "reports.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return len(rows), sum(int(r["n_chars"]) for r in rows)


def build_task(folders: list[Path], out: Path, jobs: int) -> Callable[[], None]:
    """The build of the folders into `out` with `jobs` workers, as a task to measure."""

    def task() -> None:
        from szpolicy.errors import SzpolicyError
        from szpolicy.pipeline.build import build

        try:
            build(folders, out=out, jobs=jobs)
        except SzpolicyError as err:  # no report built: reported, the benchmark goes on
            print(f"  build failed: {err}", file=sys.stderr)

    return task


def jieba_task(texts: list[str]) -> Callable[[], None]:
    """jieba.cut (accurate mode, HMM on, as the peers' pipelines call it) over the texts."""

    def task() -> None:
        import jieba

        for text in texts:
            for _ in jieba.cut(text):
                pass

    return task


def stage_task(folders: list[Path], out: Path, spent: dict[str, float]) -> Callable[[], None]:
    """A one-worker build with the stage functions wrapped where build.py and tables.py look
    them up; the seconds per stage are written to stages.tsv beside `out`."""

    def task() -> None:
        wrap_stages(STAGES, spent)  # in a forked child: nothing to restore
        start = time.perf_counter()
        build_task(folders, out, 1)()
        spent["total"] = time.perf_counter() - start
        (out.parent / "stages.tsv").write_text(
            "".join(f"{k}\t{v}\n" for k, v in spent.items()), encoding="utf-8"
        )

    return task


def startup(report: Path, root: Path, runs: int = 3) -> tuple[float, float]:
    """Best wall and CPU seconds (user + sys) of a fresh `szpolicy build REPORT` process.

    As installed, with the modules' bytecode cached (in `root`, also under
    PYTHONDONTWRITEBYTECODE): compiling the package's sources is a tenth of a second of CPU that
    only a checkout run that way pays on every run. An unmeasured first run writes the caches.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(root / "pycache")
    best_wall, best_cpu = float("inf"), float("inf")
    for k in range(-1, runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "szpolicy.cli", "build", str(report), "--out", root / f"s{k}"],
            capture_output=True,
            check=False,
            env=env,
        )
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        if k >= 0:
            best_wall, best_cpu = min(best_wall, wall), min(best_cpu, cpu)
    return best_wall, best_cpu


def _row(label: str, n: int, chars: int, m: dict[str, float], base: float | None) -> str:
    ratio = f"{m['seconds'] / base:9.1f}x" if base else " " * 10
    tree = f"{m['tree_mb']:.0f}" if m["tree_mb"] else "-"  # "-": over before the first sample
    return (
        f"{label:<20}{m['seconds']:8.2f}{m['cpu']:8.2f}{n / m['seconds']:10.1f}"
        f"{chars / m['seconds'] / 1e3:10.1f}{chars / max(m['cpu'], 1e-3) / 1e3:10.1f}"
        f"{ratio}{tree:>8}{m['rss_self_mb']:8.0f}{m['rss_child_mb']:9.0f}"
    )


def _header() -> str:
    return (
        f"{'':<20}{'seconds':>8}{'CPU s':>8}{'reports/s':>10}{'kchars/s':>10}{'kch/CPU s':>10}"
        f"{'vs floor':>10}{'tree MB':>8}{'self MB':>8}{'child MB':>9}"
    )


def run_corpus(
    folders: list[Path], copies: int, root: Path, jobs: tuple[int, ...], repeat: int = 1
) -> dict:
    """Floor, jieba.cut and builds with each number of workers of `copies` copies of the corpus;
    jieba.cut and the builds run `repeat` times, interleaved, and each row is their median.

    On the corpus as given, one more run of each, first, samples the memory (and warms the
    host), and the timed runs are not sampled: the sampler's CPU would compete with two
    workers for two cores. Scaled runs are all sampled: there memory is the point."""
    from szpolicy.io.read import decode

    inputs = scaled(folders, copies, root)
    files = report_files(inputs)
    texts = [decode(p.read_bytes(), p)[0] for p in files]
    n_chars = sum(map(len, texts))
    what = f"{copies} copies" if copies > 1 else "as given"
    print(f"\n{len(files)} reports, {n_chars:,} characters ({what})")
    fl = measure(lambda: floor(files, root / f"floor_{copies}.csv"))
    result = {"floor": fl, "chars": n_chars, "reports": len(files)}
    tasks = {"jieba": jieba_task(texts)} if copies == 1 else {}  # the yardstick, as given
    tasks |= {j: build_task(inputs, root / f"out_{copies}_{j}", j) for j in jobs}
    timed = copies == 1
    memory = {key: measure(task) for key, task in tasks.items()} if timed else {}
    runs: dict = {key: [] for key in tasks}
    for _ in range(repeat):  # interleaved: a slow spell of the host hits every row alike
        for key, task in tasks.items():
            runs[key].append(measure(task, sample=not timed))
    if repeat > 1:
        print(f"(each row but the floor: the median of {repeat} runs; memory: the largest)")
    if timed:
        print("(tree MB: from one more run, first, sampled; the timed runs are not sampled)")
    print(_header())
    print(_row("floor (read+decode)", len(files), n_chars, fl, None))
    for key, measured in runs.items():
        m = median_run(measured)
        m |= {"tree_mb": memory[key]["tree_mb"]} if timed else {}
        if key == "jieba":
            result[key] = m
            print(_row("jieba.cut", len(files), n_chars, m, fl["seconds"]))
            continue
        out = root / f"out_{copies}_{key}"
        built, chars = built_chars(out) if (out / "reports.csv").exists() else (0, 0)
        result[key] = m | {"built": built, "built_chars": chars}
        label = f"build, {key} worker{'s' * (key > 1)}"
        print(_row(label, built, chars, m, fl["seconds"]))
    if repeat > 1:
        walls = "; ".join(
            f"{'jieba.cut' if k == 'jieba' else f'{k} worker(s)'} "
            + " ".join(f"{m['seconds']:.2f}" for m in measured)
            for k, measured in runs.items()
        )
        print(f"  wall seconds of each run, in order: {walls}")
    built = result[jobs[0]]["built"]
    if built < len(files):
        print(
            f"  (the builds skipped {len(files) - built} of {len(files)} reports: reports/s and "
            "kchars/s count the reports built; the time includes the skipped ones' attempts)"
        )
    return result


def median_run(runs: list[dict[str, float]]) -> dict[str, float]:
    """One row of several runs of a task: the median seconds and CPU seconds, the peak memory."""
    return {
        key: (max if key.endswith("_mb") else statistics.median)(m[key] for m in runs)
        for key in runs[0]
    }


def print_stages(folders: list[Path], root: Path) -> None:
    """Seconds per stage on a one-worker build of the corpus, with the share of the total."""
    out = root / "out_stages"
    measure(stage_task(folders, out, defaultdict(float)))
    spent = {
        k: float(v)
        for k, v in (line.split("\t") for line in (root / "stages.tsv").read_text().splitlines())
    }
    total = spent.pop("total")
    spent["other (frames, files, merge)"] = total - sum(spent.values())
    print("\nTime by stage (one worker, the whole corpus, once):")
    for stage, s in sorted(spent.items(), key=lambda kv: -kv[1]):
        print(f"  {stage:<34}{s:8.2f} s {100 * s / total:6.1f} %")
    print(f"  {'total':<34}{total:8.2f} s")


def print_targets(results: dict[int, dict], start: tuple[float, float] | None) -> None:
    """The issue's targets next to what was measured (reported, never asserted)."""
    print("\nTargets (issue 19; reported, never asserted):")
    base = results[min(results)]
    lines = []
    if 1 in base and base[1]["built"]:
        for clock, label in (("seconds", "wall"), ("cpu", "CPU")):
            build_cps = base[1]["built_chars"] / base[1][clock]
            ratio = build_cps / (base["chars"] / base["jieba"][clock])
            ok = ratio >= TARGETS["jieba_ratio"]
            lines.append((f"one worker >= 1.5x jieba.cut chars/s ({label})", f"{ratio:.2f}x", ok))
    if 1 in base and 2 in base and base[2]["built"]:
        speedup = base[1]["seconds"] / base[2]["seconds"]
        ok = speedup >= TARGETS["two_over_one"]
        lines.append(("two workers >= 1.7x one worker", f"{speedup:.2f}x", ok))
    if start:
        lines.append(
            (
                "start-up of a one-report build <= 1.0 s",
                f"{start[0]:.2f} s ({start[1]:.2f} CPU)",
                start[0] <= TARGETS["startup_s"],
            )
        )
    if len(results) > 1:
        n = max(results)
        big = results[n]
        j = min(k for k in big if isinstance(k, int) and k in base)
        peak = max(big[k]["tree_mb"] or big[k]["rss_self_mb"] for k in big if isinstance(k, int))
        growth = big[j]["seconds"] / base[j]["seconds"] / n
        lines.append(
            (f"{n}x corpus in <= 1 GB peak", f"{peak:.0f} MB", peak <= TARGETS["scale_peak_mb"])
        )
        linear = f"time linear: {n}x time / ({n} x 1x time), cached"
        lines.append((linear, f"{growth:.2f}", growth <= 1.1))
    for what, got, ok in lines:
        print(f"  {what:<50}{got:>18}  {'met' if ok else 'NOT met'}")


def main(argv: list[str] | None = None) -> None:
    """Parse the flags and run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", type=Path, help="report folders (default: corpus)")
    parser.add_argument(
        "--scale",
        type=int,
        default=0,
        metavar="N",
        help="also build N copies of the corpus (distinct report_ids; the text repeats, so the "
        "per-text caches hit more than on N distinct corpora)",
    )
    parser.add_argument("--jobs", type=int, nargs="+", default=list(JOBS))
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        metavar="N",
        help="run jieba.cut and the builds of the corpus as given N times, interleaved, and "
        "report the medians (default 3; the scaled corpus runs once)",
    )
    parser.add_argument("--no-stages", action="store_true", help="skip the time by stage")
    parser.add_argument(
        "--startup-report",
        type=Path,
        default=SEED if SEED.exists() else None,
        help="the report whose one-report build times start-up (default: the seed)",
    )
    args = parser.parse_args(argv)
    folders = args.folders or [default_folder()]
    warnings.simplefilter("ignore")
    import jieba

    jieba.setLogLevel(logging.WARNING)
    import szpolicy.pipeline.build
    from szpolicy.testing import write_corpus

    print(
        f"szpolicy real-text benchmark, {time.strftime('%Y-%m-%d %H:%M %Z')}, "
        f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}, Python {sys.version.split()[0]}; "
        f"corpus {', '.join(map(str, folders))}"
    )
    with tempfile.TemporaryDirectory(prefix="szpolicy-bench-real-") as tmp:
        root = Path(tmp)
        start = None
        if args.startup_report:
            start = startup(args.startup_report, root / "startup")
            print(
                f"start-up: `szpolicy build {args.startup_report.name}` {start[0]:.2f} s wall, "
                f"{start[1]:.2f} s CPU (best of 3, a fresh interpreter each, bytecode cached)"
            )
        # Load the gazetteer, lexicons, OpenCC and jieba's models once, here, on generated text
        # (recombined seed sections), so the forked measurements start warm but share no text.
        jieba.initialize()
        warm = write_corpus(root / "warm", 1, seed=999_999)
        szpolicy.pipeline.build.build(warm, out=root / "out_warm")
        if not args.no_stages:
            print_stages(folders, root)
        results = {1: run_corpus(folders, 1, root, tuple(args.jobs), args.repeat)}
        if args.scale > 1:
            results[args.scale] = run_corpus(folders, args.scale, root, tuple(args.jobs))
            print(
                "  (the copies repeat the text: per-sentence caches, bounded at 65,536 texts, "
                "hit more than on distinct reports)"
            )
        shutil.rmtree(root / "startup", ignore_errors=True)
        print_targets(results, start)


if __name__ == "__main__":
    main()
