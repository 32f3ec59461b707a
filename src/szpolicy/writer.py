"""Write a folder of outputs atomically: all files appear together, or the folder stays as is."""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from .errors import SzpolicyError

STAGING_PREFIX = ".szpolicy-staging-"
RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two directories in one step (Linux renameat2); False where the system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    rc = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), RENAME_EXCHANGE)
    return rc == 0


def check_out_dir(out: Path) -> None:
    """Refuse an output folder that is a file or cannot be written, before any work is done."""
    if out.exists() and not out.is_dir():
        raise SzpolicyError("output folder is a file", out)
    parent = out if out.exists() else out.parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise SzpolicyError(f"output folder is inside a file ({parent})", out)
    if not os.access(parent, os.W_OK | os.X_OK) or (
        out.exists() and not os.access(out.parent, os.W_OK | os.X_OK)
    ):
        raise SzpolicyError("output folder is not writable", out)


def remove_stale_staging(out: Path) -> None:
    """Delete staging folders left behind by a build that was killed."""
    if out.parent.exists():
        for stale in out.parent.glob(f"{STAGING_PREFIX}{out.name}-*"):
            shutil.rmtree(stale, ignore_errors=True)


def write_atomically(out: Path, fill: Callable[[Path], None]) -> None:
    """Let `fill` write into a staging folder beside `out`, then swap it in whole.

    Files in `out` that `fill` does not write (a README, say) are carried over unchanged.
    """
    check_out_dir(out)
    try:  # os.access says yes to root, also where the system says no (/proc, /sys)
        out.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_staging(out)
        staging = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{out.name}-", dir=out.parent))
    except OSError as err:
        raise SzpolicyError(f"output folder is not writable ({err.strerror})", out) from None
    try:
        fill(staging)
        if out.exists():
            for old in out.iterdir():
                if not (staging / old.name).exists():
                    (shutil.copytree if old.is_dir() else shutil.copy2)(old, staging / old.name)
            staging.chmod(out.stat().st_mode & 0o7777)
            if not _exchange(staging, out):
                backup = staging.with_name(staging.name + "-old")
                out.rename(backup)
                staging.rename(out)
                staging = backup
        else:
            staging.chmod(0o755)
            staging.rename(out)
    finally:
        with contextlib.suppress(FileNotFoundError):
            shutil.rmtree(staging)
