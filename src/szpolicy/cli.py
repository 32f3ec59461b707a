"""The `szpolicy` command: build datasets, add raw reports, run notebooks, verify outputs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import paths
from .errors import SzpolicyError


def _build(args: argparse.Namespace) -> None:
    from .build import build

    out = Path(args.out).resolve()
    tables = build(args.raw, out, jobs=args.jobs, fmt=args.format, progress=sys.stderr.isatty())
    counts = ", ".join(f"{name} {len(df)}" for name, df in tables.items())
    print(f"szpolicy: wrote {out} ({counts})")


def _add_raw(args: argparse.Namespace) -> None:
    from .raw import add_raw

    entry = add_raw(Path(args.file), args.source, args.licence, args.report_id, args.title)
    print(f"szpolicy: added {entry['file']} as {entry['report_id']} (sha256 {entry['sha256']})")


def parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    p = argparse.ArgumentParser(prog="szpolicy", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="build the datasets in data/processed/")
    b.add_argument("raw", nargs="*", help="report files or folders (default: the manifest's files)")
    b.add_argument("--out", default=str(paths.PROCESSED), help="output folder")
    b.add_argument("--jobs", type=int, default=1, help="worker processes")
    b.add_argument("--format", choices=("csv", "parquet"), default="csv")
    b.set_defaults(func=_build)

    a = sub.add_parser("add-raw", help="copy a report into data/raw/ and record it in the manifest")
    a.add_argument("file")
    a.add_argument("--source", required=True, help="where the report came from")
    a.add_argument("--licence", default="", help="terms the report is published under")
    a.add_argument("--report-id", default=None)
    a.add_argument("--title", default="")
    a.set_defaults(func=_add_raw)
    return p


def main(argv: list[str] | None = None) -> int:
    """Run the command; input problems print `file:line:col: message` and exit 2."""
    args = parser().parse_args(argv)
    try:
        args.func(args)
    except SzpolicyError as err:
        print(f"szpolicy: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
