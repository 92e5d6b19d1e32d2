"""Output folders that a run changes only at its very end, under a lock.

The run writes into a hidden folder beside the target; only when everything is written does that
folder take the target's place (`staged_folder`, `fill`), or do its files take the place of the
target's files of the same names, the rest of the target left as it is (`staged_files`, `build`,
whose folder also holds `fill`'s). A run that fails or is interrupted leaves the previous output as
it was. A second run into the same folder is refused while the first holds the lock, or waits for it.
"""
from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
from pathlib import Path
from typing import Callable, Iterable, Iterator

from ..errors import FormgenError
from .files import cannot_write

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; runs into one folder are not kept apart
    fcntl = None

MARKER = "manifest.json"  # a folder holding it was written by a run and may be replaced by the next
MANIFEST_LIMIT = 50_000_000  # bytes; fill's manifest lists every row and problem of its data


@contextlib.contextmanager
def staged_folder(target: Path, listing: str) -> Iterator[Path]:
    """Yield a fresh folder to write into; on success it becomes `target`, otherwise it is removed.
    `target` is replaced only if it is new, empty, or written by a run of the same kind: one whose
    manifest has the key `listing` (`rows` for fill; a build's lists `files` and is never replaced)."""
    target = Path(os.path.abspath(target))
    _check_replaceable(target, listing)
    with _locked(target):
        _remove_leftovers(target)
        staging = Path(_make_staging(target))
        try:
            yield staging
            _swap(staging, target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)


@contextlib.contextmanager
def staged_files(target: Path, on_wait: Callable[[], None]) -> Iterator[Path]:
    """Yield a fresh folder beside `target` to write some of its files into, once no other run holds
    `target` (`on_wait` is called if one does, and this one waits); `replace_files` moves them in.
    What is still in the folder at the end is removed with it."""
    target = Path(os.path.abspath(target))
    _check_folder(target)
    with _locked(target, on_wait):
        _remove_leftovers(target)
        staging = Path(_make_staging(target))
        try:
            yield staging
        finally:
            shutil.rmtree(staging, ignore_errors=True)


def replace_files(staging: Path, target: Path, names: Iterable[str], removed: Iterable[str] = ()) -> None:
    """Move each of `names` ('/'-separated, relative) from `staging` to the same place in `target`,
    and take `removed` out of `target`: all of it or, should a move fail, none (what was there is put
    back). Ctrl+C and a polite kill meanwhile take effect once it is done."""
    names, removed = list(names), list(removed)
    for name in (*names, *removed):
        _check_place(target, name)
    aside = staging / ".replaced"  # beside the build's own names, none of which starts with a dot
    undo: list[tuple[Path, Path | None]] = []  # (where a file now is, where it was, or None: new)
    with _signals_deferred():
        try:
            for name in (*names, *removed):
                old = target / name
                if os.path.lexists(old):
                    (aside / name).parent.mkdir(parents=True, exist_ok=True)
                    os.rename(old, aside / name)
                    undo.append((aside / name, old))
                if name in names:
                    old.parent.mkdir(parents=True, exist_ok=True)
                    os.rename(staging / name, old)
                    undo.append((old, None))
        except OSError as exc:
            _put_back(undo)
            raise cannot_write(target / name, exc) from None


def _check_place(target: Path, name: str) -> None:
    """A file goes only where every folder on its way is a real folder and no folder is in its place."""
    place = target
    for part in name.split("/"):
        if os.path.islink(place) or (place.exists() and not place.is_dir()):
            raise FormgenError(place, "", "is a link or a file where formgen keeps a folder",
                               "move it away, or choose another --out")
        place = place / part
    if place.is_dir() and not place.is_symlink():
        raise FormgenError(place, "", "is a folder where formgen writes a file", "move it away, or choose another --out")


def _put_back(undo: list[tuple[Path, Path | None]]) -> None:
    for now, was in reversed(undo):
        with contextlib.suppress(OSError):
            os.rename(now, was) if was else os.unlink(now)


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
    """Ctrl+C and SIGTERM received during the block are acted on when it ends."""
    received: list[int] = []
    handlers = {}
    try:
        for kind in (signal.SIGINT, signal.SIGTERM):
            handlers[kind] = signal.signal(kind, lambda number, frame: received.append(number))
    except ValueError:  # not the main thread, where alone signals are handled
        pass
    try:
        yield
    finally:
        for kind, handler in handlers.items():
            signal.signal(kind, signal.SIG_DFL if handler is None else handler)
        if received:
            signal.raise_signal(received[0])


def _remove_leftovers(target: Path) -> None:
    """Staging folders of runs that were killed (the lock is ours: no run is writing into one)."""
    left = re.compile(rf"\.{re.escape(target.name)}\.[a-z0-9_]{{8}}\.partial")
    with contextlib.suppress(OSError):
        for path in target.parent.iterdir():
            if left.fullmatch(path.name) and path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)


def _check_folder(target: Path) -> None:
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise FormgenError(target, "", "exists and is not a folder", "give a new or earlier output folder as --out")


def _check_replaceable(target: Path, listing: str) -> None:
    """Never replace a folder this tool did not write (a home folder given as --out by mistake), nor
    one another kind of run wrote (`fill --out output/2025` would have removed the build there)."""
    _check_folder(target)
    if not target.is_dir() or not any(target.iterdir()):
        return
    if not (target / MARKER).is_file():
        raise FormgenError(target, "", f"holds files that no earlier run wrote (no {MARKER})",
                           "give an empty folder, a new one, or an earlier output folder as --out")
    if listing not in _manifest_keys(target / MARKER):
        raise FormgenError(target, "", f"holds the output of another formgen command (its {MARKER} lists no {listing})",
                           "give a folder of its own as --out, e.g. a new one inside it")


def _manifest_keys(path: Path) -> set[str]:
    """The top-level keys of a manifest, or none if it is not one formgen could have written."""
    import json

    try:
        with open(path, "rb") as handle:
            data = json.loads(handle.read(MANIFEST_LIMIT + 1) or b"null")  # past the limit: not JSON
    except (OSError, ValueError, RecursionError):
        return set()
    return set(data) if isinstance(data, dict) else set()


def _new_folder(parent: Path, prefix: str, suffix: str) -> str:
    """What tempfile.mkdtemp makes (a new folder only this user may enter), without importing it."""
    while True:
        path = parent / f"{prefix}{os.urandom(4).hex()}{suffix}"
        try:
            os.mkdir(path, 0o700)
            return str(path)
        except FileExistsError:
            continue


def _make_staging(target: Path) -> str:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        return _new_folder(target.parent, f".{target.name}.", ".partial")
    except OSError as exc:
        raise cannot_write(target, exc) from None


@contextlib.contextmanager
def _locked(target: Path, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """An advisory lock on a file beside the target; the system frees it if the process dies. While
    another run holds it: refused, or with `on_wait`, that is called once and the run waits."""
    lock_path = target.with_name(f".{target.name}.lock")
    while True:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            handle = open(lock_path, "a+b")
        except OSError as exc:
            raise cannot_write(target, exc) from None
        try:
            _lock(handle, target, on_wait)
            on_wait = on_wait and (lambda: None)  # said once
        except BaseException:
            handle.close()
            raise
        if _same_file(handle, lock_path):  # not a lock file an ending run has just removed
            break
        handle.close()
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            lock_path.unlink()
        handle.close()


def _lock(handle, target: Path, on_wait: Callable[[], None] | None) -> None:
    if not fcntl:
        return
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        if on_wait is None:
            raise FormgenError(target, "", "another run is writing into this folder",
                               "wait for it to finish, or choose another --out") from None
        on_wait()
        fcntl.flock(handle, fcntl.LOCK_EX)


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
