"""Write a folder of outputs atomically: all files appear together, or the folder stays as is."""

from __future__ import annotations

import contextlib
import ctypes
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from ..errors import SzpolicyError
from . import paths

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None
    import msvcrt

STAGING_PREFIX = ".szpolicy-staging-"
RENAME_EXCHANGE = 2
MKDTEMP_NAME = r"[a-z0-9_]{8}"  # the random part tempfile.mkdtemp adds


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
    """Refuse an output folder that is a file, too wide to replace, or not writable."""
    if out.exists() and not out.is_dir():
        raise SzpolicyError("output folder is a file", out)
    full = out.resolve()
    kept = (paths.ROOT, paths.RAW, paths.NOTEBOOKS, paths.ROOT / "src")
    if (
        full.parent == full
        or full == Path(os.path.expanduser("~")).resolve()
        or any(folder.resolve().is_relative_to(full) for folder in kept)
    ):
        raise SzpolicyError(
            "output folder is or holds the filesystem root, the home folder, or the project's "
            "raw data, notebooks or code; choose a folder of its own",
            out,
        )
    parent = out if out.exists() else out.parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise SzpolicyError(f"output folder is inside a file ({parent})", out)
    if not os.access(parent, os.W_OK | os.X_OK) or (
        out.exists() and not os.access(out.parent, os.W_OK | os.X_OK)
    ):
        raise SzpolicyError("output folder is not writable", out)


def _try_lock(fd: int) -> None:
    """Lock an open file without waiting; OSError when another process holds it."""
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    else:
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)


@contextlib.contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Hold the lock of `folder` (a lock file beside it): a second writer is refused, not raced."""
    lock = folder.parent / f"{STAGING_PREFIX}{folder.name}.lock"
    while True:
        try:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as err:
            raise SzpolicyError(f"cannot lock the folder ({err.strerror})", folder) from None
        try:
            _try_lock(fd)
        except OSError:
            os.close(fd)
            raise SzpolicyError(
                "another szpolicy command is writing this folder; wait for it to finish", folder
            ) from None
        try:  # the holder before us may have removed the file: lock the one at the path
            if os.stat(lock).st_ino == os.fstat(fd).st_ino:
                break
        except FileNotFoundError:
            pass
        os.close(fd)
    try:
        yield
    finally:
        with contextlib.suppress(OSError):  # removed while held (Windows keeps it)
            lock.unlink()
        os.close(fd)


def remove_stale_staging(out: Path) -> None:
    """Delete staging folders a killed build of `out` left behind (and only those of `out`)."""
    mine = re.compile(re.escape(f"{STAGING_PREFIX}{out.name}-") + MKDTEMP_NAME + "(-old)?")
    if out.parent.exists():
        for stale in out.parent.iterdir():
            if mine.fullmatch(stale.name) and stale.is_dir() and not stale.is_symlink():
                shutil.rmtree(stale, ignore_errors=True)


def carry_over(old: Path, new: Path, owned: Callable[[str], bool] = lambda name: False) -> None:
    """Copy what `old` holds into `new`, links as links: nothing outside `old` is followed.

    Names `owned` by the command are not carried over: a table of the previous build that
    this one did not write (a CSV after a Parquet build) would be read as current.
    """
    for item in old.iterdir():
        target = new / item.name
        if target.exists() or target.is_symlink() or owned(item.name):
            continue
        try:
            if item.is_symlink():
                os.symlink(os.readlink(item), target)
            elif item.is_dir():
                shutil.copytree(item, target, symlinks=True)
            else:
                shutil.copy2(item, target, follow_symlinks=False)
        except (OSError, shutil.Error) as err:
            raise SzpolicyError(
                f"cannot carry over a file the folder holds ({err})", item
            ) from None


def write_atomically(
    out: Path, fill: Callable[[Path], None], owned: Callable[[str], bool] = lambda name: False
) -> None:
    """Let `fill` write into a staging folder beside `out`, then swap it in whole.

    Files in `out` that `fill` does not write (a README, say) are carried over unchanged,
    except those whose names are `owned` by the command (its outputs of another kind).
    One writer at a time: a second one is refused while the first holds the folder's lock.
    """
    out = out.resolve()  # through a link: the folder it points to is replaced, the link kept
    check_out_dir(out)
    try:  # os.access says yes to root, also where the system says no (/proc, /sys)
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise SzpolicyError(f"output folder is not writable ({err.strerror})", out) from None
    with folder_lock(out):
        try:
            remove_stale_staging(out)
            staging = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{out.name}-", dir=out.parent))
        except OSError as err:
            raise SzpolicyError(f"output folder is not writable ({err.strerror})", out) from None
        try:
            fill(staging)
            if out.exists():
                carry_over(out, staging, owned)
                staging.chmod(out.stat().st_mode & 0o7777)
                if not _exchange(staging, out):
                    backup = staging.with_name(staging.name + "-old")
                    out.rename(backup)
                    staging.rename(out)
                    staging = backup
            else:
                staging.chmod(0o755)
                staging.rename(out)
        except OSError as err:
            raise SzpolicyError(f"cannot write the output folder ({err.strerror})", out) from None
        finally:
            with contextlib.suppress(FileNotFoundError):
                shutil.rmtree(staging)
