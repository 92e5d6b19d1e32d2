"""An output folder that a run replaces whole, at its very end, under a lock.

The run writes into a hidden folder beside the target; only when everything is written does that
folder take the target's place. A run that fails or is interrupted leaves the previous output as it
was, and a second run into the same folder is refused while the first holds the lock.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterator

from .errors import FormgenError
from .files import cannot_write

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; runs into one folder are not kept apart
    fcntl = None

MARKER = "manifest.json"  # a folder holding it was written by a run and may be replaced by the next


@contextlib.contextmanager
def staged_folder(target: Path) -> Iterator[Path]:
    """Yield a fresh folder to write into; on success it becomes `target`, otherwise it is removed."""
    target = Path(os.path.abspath(target))
    _check_replaceable(target)
    with _locked(target):
        staging = Path(_make_staging(target))
        try:
            yield staging
            _swap(staging, target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)


def _check_replaceable(target: Path) -> None:
    """Never replace a folder this tool did not write (a home folder given as --out by mistake)."""
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise FormgenError(target, "", "exists and is not a folder", "give a new or earlier output folder as --out")
    if target.is_dir() and any(target.iterdir()) and not (target / MARKER).is_file():
        raise FormgenError(target, "", f"holds files that no earlier run wrote (no {MARKER})",
                           "give an empty folder, a new one, or an earlier output folder as --out")


def _make_staging(target: Path) -> str:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        return tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    except OSError as exc:
        raise cannot_write(target, exc) from None


@contextlib.contextmanager
def _locked(target: Path) -> Iterator[None]:
    """An advisory lock on a file beside the target; the system frees it if the process dies."""
    lock_path = target.with_name(f".{target.name}.lock")
    while True:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            handle = open(lock_path, "a+b")
        except OSError as exc:
            raise cannot_write(lock_path, exc) from None
        try:
            if fcntl:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise FormgenError(target, "", "another run is writing into this folder",
                               "wait for it to finish, or choose another --out") from None
        if _same_file(handle, lock_path):  # not a lock file an ending run has just removed
            break
        handle.close()
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            lock_path.unlink()
        handle.close()


def _same_file(handle, path: Path) -> bool:
    try:
        return os.path.samestat(os.fstat(handle.fileno()), os.stat(path))
    except OSError:
        return False


def _swap(staging: Path, target: Path) -> None:
    """Put the finished folder in the target's place; the old one goes only once the new one is there."""
    old = target.with_name(f"{staging.name}.old")
    try:
        if target.exists():
            os.rename(target, old)
        os.rename(staging, target)
    except OSError as exc:
        if old.exists() and not target.exists():
            os.rename(old, target)
        raise cannot_write(target, exc) from None
    shutil.rmtree(old, ignore_errors=True)
