"""The `szpolicy` command: build datasets, add raw reports, run notebooks, verify outputs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import paths
from .errors import SzpolicyError

SKIPPED = 3  # exit status of a build that wrote every report but the ones it skipped


def _build(args: argparse.Namespace) -> int:
    from .build import build, diagnostic_line

    out = Path(args.out).resolve()
    progress = sys.stderr.isatty()
    done = build(
        args.raw,
        out,
        args.jobs,
        args.format,
        progress,
        args.strict,
        getattr(args, "engine", "local"),
        getattr(args, "scheduler", None),
    )
    for d in done.diagnostics:
        print(f"szpolicy: {diagnostic_line(d)}", file=sys.stderr)
    tables = ", ".join(f"{name} {n}" for name, n in done.counts.items())
    print(f"szpolicy: wrote {out} ({tables})")
    if done.skipped:
        print(f"szpolicy: {len(done.skipped)} report(s) skipped: {', '.join(done.skipped)}")
        return SKIPPED
    return 0


def _add_raw(args: argparse.Namespace) -> None:
    from .raw import add_raw

    entry = add_raw(Path(args.file), args.source, args.licence, args.report_id, args.title)
    print(f"szpolicy: added {entry['file']} as {entry['report_id']} (sha256 {entry['sha256']})")


def _parameters(pairs: list[list[str]] | None) -> dict:
    """`-p KEY VALUE` pairs with YAML typing (5 is an int, true a bool), as papermill does."""
    import yaml

    return {key: yaml.safe_load(value) for key, value in pairs or []}


def _run(args: argparse.Namespace) -> None:
    from .notebooks import run

    out = Path(args.out).resolve()
    done = run(args.names, _parameters(args.parameter), out, jobs=args.jobs)
    for path in done:
        print(f"szpolicy: wrote {path} and {path.with_suffix('.html').name}")


def _reproduce(args: argparse.Namespace) -> int:
    status = _build(
        argparse.Namespace(
            raw=[], out=str(paths.PROCESSED), jobs=args.jobs, format="csv", strict=False
        )
    )
    _run(argparse.Namespace(names=[], parameter=[], out=str(paths.REPORTS), jobs=args.jobs))
    return status


def _refresh(args: argparse.Namespace) -> None:
    from .notebooks import refresh

    for path in refresh(args.names):
        print(f"szpolicy: refreshed {path}")


def _verify(args: argparse.Namespace) -> None:
    from .verify import verify

    problems = verify(args.notebook, args.skip_notebooks)
    if problems:
        listing = "\n".join(f"  {p}" for p in problems)
        raise SzpolicyError(f"{len(problems)} difference(s) found:\n{listing}")
    print("szpolicy: raw files, datasets and notebooks are what the code makes now")


def parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    p = argparse.ArgumentParser(prog="szpolicy", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="build the datasets in data/processed/")
    b.add_argument("raw", nargs="*", help="report files or folders (default: the manifest's files)")
    b.add_argument("--out", default=str(paths.PROCESSED), help="output folder")
    b.add_argument("--jobs", type=int, default=1, help="worker processes")
    b.add_argument("--format", choices=("csv", "parquet"), default="csv")
    b.add_argument(
        "--strict",
        action="store_true",
        help="a report with an error stops the build (exit 2, output untouched) instead of "
        "being skipped",
    )
    b.add_argument(
        "--engine",
        choices=("local", "dask"),
        default="local",
        help="where batches run: local worker processes, or a Dask cluster (extra `dask`)",
    )
    b.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="with --engine dask: the scheduler's address (default: a local cluster of --jobs "
        "workers)",
    )
    b.set_defaults(func=_build)

    r = sub.add_parser("run", help="execute notebooks with papermill into reports/ (+ HTML)")
    r.add_argument("names", nargs="*", help="notebooks by number or name (default: all)")
    r.add_argument("-p", "--parameter", nargs=2, action="append", metavar=("KEY", "VALUE"))
    r.add_argument("--out", default=str(paths.REPORTS), help="folder for executed notebooks")
    r.add_argument("--jobs", type=int, default=1, help="notebooks run at once")
    r.set_defaults(func=_run)

    rp = sub.add_parser("reproduce", help="build the datasets, then run every notebook")
    rp.add_argument("--jobs", type=int, default=1)
    rp.set_defaults(func=_reproduce)

    rf = sub.add_parser("refresh", help="re-execute the committed notebooks in place (defaults)")
    rf.add_argument("names", nargs="*")
    rf.set_defaults(func=_refresh)

    v = sub.add_parser("verify", help="check raw hashes, tables, datasets and notebooks")
    v.add_argument("--notebook", action="append", help="check only these notebooks")
    v.add_argument("--skip-notebooks", action="store_true", help="do not re-run notebooks")
    v.set_defaults(func=_verify)

    a = sub.add_parser("add-raw", help="copy a report into data/raw/ and record it in the manifest")
    a.add_argument("file")
    a.add_argument("--source", required=True, help="where the report came from")
    a.add_argument("--licence", default="", help="terms the report is published under")
    a.add_argument("--report-id", default=None)
    a.add_argument("--title", default="")
    a.set_defaults(func=_add_raw)
    return p


def main(argv: list[str] | None = None) -> int:
    """Run the command; input problems print `file:line:col: message` and exit 2; a build that
    skipped some reports exits 3."""
    args = parser().parse_args(argv)
    try:
        return args.func(args) or 0
    except SzpolicyError as err:
        print(f"szpolicy: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
