"""The `szpolicy` command: build datasets, add raw reports, run notebooks, verify outputs."""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

from .errors import SzpolicyError
from .io import paths

SKIPPED = 3  # exit status of a build that wrote every report but the ones it skipped


def _build(args: argparse.Namespace) -> int:
    from .pipeline.build import build, diagnostic_line

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
    from .io.raw import add_raw

    entry = add_raw(Path(args.file), args.source, args.licence, args.report_id, args.title)
    print(f"szpolicy: added {entry['file']} as {entry['report_id']} (sha256 {entry['sha256']})")


def _parameters(pairs: list[list[str]] | None) -> dict:
    """`-p KEY VALUE` pairs with YAML typing (5 is an int, true a bool), as papermill does."""
    import yaml

    params = {}
    for key, value in pairs or []:
        try:
            params[key] = yaml.safe_load(value)
        except yaml.YAMLError as err:
            problem = getattr(err, "problem", None) or "not valid YAML"
            raise SzpolicyError(
                f"parameter {key}: value {value!r} is not valid YAML ({problem}); "
                "quote it to pass it as text"
            ) from None
    return params


def _list_notebooks() -> None:
    """Print every notebook with the parameters it takes, their types and defaults."""
    from .notebooks import OUTPUT_PARAMETER, notebook_parameters, notebook_paths

    for path in notebook_paths():
        print(path.stem)
        for p in notebook_parameters(path).values():
            option = "--out DIR" if p.name == OUTPUT_PARAMETER else f"-p {p.name}"
            print(f"  {option} ({p.type}, default {p.default}): {p.help}")


def _run(args: argparse.Namespace) -> None:
    from .notebooks import run

    if args.list:
        _list_notebooks()
        return
    out = Path(args.out).resolve()
    done = run(args.names, _parameters(args.parameter), out, jobs=args.jobs)
    for path in done:
        print(f"szpolicy: wrote {path} and {path.with_suffix('.html').name}")


def _reproduce(args: argparse.Namespace) -> int:
    build = {"raw": [], "out": str(paths.PROCESSED), "format": "csv", "strict": False}
    status = _build(argparse.Namespace(**build, jobs=args.jobs))
    run = {"names": [], "parameter": [], "out": str(paths.REPORTS), "list": False}
    _run(argparse.Namespace(**run, jobs=args.jobs))
    _site(argparse.Namespace(out=str(paths.REPORTS / "site"), reports=str(paths.REPORTS)))
    return status


def _site(args: argparse.Namespace) -> None:
    from .site import build_site

    out = build_site(Path(args.out).resolve(), Path(args.reports).resolve())
    print(f"szpolicy: wrote the site {out / 'index.html'}")


def _refresh(args: argparse.Namespace) -> None:
    from .notebooks import refresh

    for path in refresh(args.names):
        print(f"szpolicy: refreshed {path}")


def _verify(args: argparse.Namespace) -> None:
    from .pipeline.verify import verify

    problems = verify(args.notebook, args.skip_notebooks)
    if problems:
        listing = "\n".join(f"  {p}" for p in problems)
        raise SzpolicyError(f"{len(problems)} difference(s) found:\n{listing}")
    print("szpolicy: raw files, datasets and notebooks are what the code makes now")


def jobs(value: str) -> int:
    """A --jobs value: a whole number of at least 1."""
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {value!r}")
    return n


def parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    from . import __version__

    p = argparse.ArgumentParser(prog="szpolicy", description=__doc__)
    p.add_argument("--version", action="version", version=f"szpolicy {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="build the datasets in data/processed/")
    b.add_argument("raw", nargs="*", help="report files or folders (default: the manifest's files)")
    b.add_argument("--out", default=str(paths.PROCESSED), help="output folder")
    b.add_argument(
        "--jobs",
        type=int,
        default=1,
        help="processes that build: this one and N-1 workers (default 1)",
    )
    b.add_argument(
        "--format",
        choices=("csv", "parquet"),
        default="csv",
        help="CSV files, or Parquet folders partitioned by report (default csv)",
    )
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

    r = sub.add_parser(
        "run",
        help="execute notebooks with papermill into reports/ (+ HTML)",
        description="Execute notebooks with papermill; the output folder is replaced only when "
        "every notebook succeeded. `szpolicy run --list` shows each notebook's parameters.",
    )
    r.add_argument("names", nargs="*", help="notebooks by number or name (default: all)")
    r.add_argument(
        "-p",
        "--parameter",
        nargs=2,
        action="append",
        metavar=("NAME", "VALUE"),
        help="set a parameter the notebook takes (see --list); VALUE is read as YAML",
    )
    r.add_argument("--out", default=str(paths.REPORTS), help="folder for executed notebooks")
    r.add_argument("--jobs", type=jobs, default=1, help="notebooks run at once (default 1)")
    r.add_argument(
        "--list", action="store_true", help="list the notebooks and their parameters, then stop"
    )
    r.set_defaults(func=_run)

    s = sub.add_parser("site", help="build the research site from the executed notebooks")
    s.add_argument("--out", default=str(paths.REPORTS / "site"), help="folder for the site")
    s.add_argument("--reports", default=str(paths.REPORTS), help="folder of the executed notebooks")
    s.set_defaults(func=_site)

    rp = sub.add_parser(
        "reproduce", help="build the datasets, run every notebook, then build the site"
    )
    rp.add_argument("--jobs", type=jobs, default=1, help="worker processes and notebooks at once")
    rp.set_defaults(func=_reproduce)

    rf = sub.add_parser(
        "refresh", help="re-execute the committed notebooks in place (default parameters)"
    )
    rf.add_argument("names", nargs="*", help="notebooks by number or name (default: all)")
    rf.set_defaults(func=_refresh)

    v = sub.add_parser(
        "verify",
        help="check raw hashes, tables, datasets and notebooks (writes nothing)",
    )
    v.add_argument("--notebook", action="append", help="check only this notebook (repeatable)")
    v.add_argument("--skip-notebooks", action="store_true", help="do not re-run notebooks")
    v.set_defaults(func=_verify)

    a = sub.add_parser("add-raw", help="copy a report into data/raw/ and record it in the manifest")
    a.add_argument("file", help="the report as a text file (copied unchanged)")
    a.add_argument("--source", required=True, help="where the report came from")
    a.add_argument("--licence", default="", help="terms the report is published under")
    a.add_argument("--report-id", default=None, help="its id (default: the file name's stem)")
    a.add_argument("--title", default="", help="the report's title")
    a.set_defaults(func=_add_raw)
    return p


def _interrupt(signum: int, frame: object) -> None:
    """SIGTERM ends a command as Ctrl-C does: workers and kernels stop, outputs stay."""
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    """Run the command; input problems print `file:line:col: message` and exit 2; a build that
    skipped some reports exits 3."""
    args = parser().parse_args(argv)
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        return args.func(args) or 0
    except SzpolicyError as err:
        # a file name that is not UTF-8 is shown with escapes, not refused by the terminal
        message = f"szpolicy: {err}".encode("utf-8", "backslashreplace").decode("utf-8")
        print(message, file=sys.stderr)
        return 2
    except OSError as err:  # the system refused (a full disk, say): no traceback either
        where = f"{err.filename}: " if err.filename else ""
        print(f"szpolicy: {where}{err.strerror or err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("szpolicy: interrupted; the previous outputs are unchanged", file=sys.stderr)
        return 130
    finally:
        signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    sys.exit(main())
