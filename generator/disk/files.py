"""Reading input files only when they are files; writing output files atomically, and JSON the
same bytes every time."""
from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from ..errors import FormgenError


def json_bytes(data: object) -> bytes:
    """JSON as people read it (Cyrillic as such, indented), the same bytes every time."""
    import json  # not for check, which writes none

    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def write_file(path: Path, data: bytes) -> None:
    """Write through a temporary file, so a failed build never leaves half a file behind."""
    _write_through(path, lambda temporary: temporary.write_bytes(data))


def write_json(path: Path, data: object) -> None:
    """What write_file(path, json_bytes(data)) writes, streamed: the JSON of a large manifest is never
    held in memory as a whole (json's indenting encoder makes it a list of every token first)."""
    import json

    def write(temporary: Path) -> None:
        with temporary.open("w", encoding="utf-8", newline="\n") as stream:
            json.dump(data, stream, ensure_ascii=False, indent=2)
            stream.write("\n")
    _write_through(path, write)


def _write_through(path: Path, write) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write(temporary)
        os.replace(temporary, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise cannot_write(path, exc) from None


SHARING_VIOLATIONS = (32, 33)  # Windows: the file is open in another process, or a part of it locked


def cannot_write(path: Path, exc: OSError, option: str = "--out") -> FormgenError:
    """Why `path` could not be written, with the fix for that reason. Windows refuses to replace or
    rename a file another program has open (a workbook in Excel, a PDF in a viewer) with the same
    PermissionError as a folder one may not write to; they are told apart by what the file system
    says of the file and its folder, since moving to another folder is no fix for an open file."""
    problem, fix = f"cannot write: {exc.strerror or exc}", f"choose a folder you can write to with {option}"
    if isinstance(exc, PermissionError) and _writable(_existing(path.parent)):
        if path.exists() and not _writable(path) and not path.is_dir():
            fix = f"the file is read-only: make it writable, or choose another name with {option}"
        elif path.exists() or getattr(exc, "winerror", None) in SHARING_VIOLATIONS:
            inside = "a file in it" if path.is_dir() else "it"
            problem += f"; {inside} may be open in another program"
            fix = "close it there (Excel, Word, a PDF viewer) and run the command again"
    return FormgenError(path, "", problem, fix)


def _existing(folder: Path) -> Path:
    """The folder, or its nearest parent that exists (what a write would have to create it in)."""
    while not folder.exists() and folder.parent != folder:
        folder = folder.parent
    return folder


def _writable(path: Path) -> bool:
    """Writable by its mode, for this user: os.access alone says yes to root whatever the mode, and
    on Windows a read-only file is one whose mode has no write bit."""
    try:
        return os.access(path, os.W_OK) and bool(path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    except OSError:
        return False


def check_regular_file(path: Path, max_bytes: int | None = None, fix: str = "") -> int:
    """The file's size, refusing before any read what would block or never end (a FIFO, a device)
    or is not a file at all (a folder); `fix` says what to do about a file over `max_bytes`."""
    try:
        info = path.stat()
    except OSError as exc:
        raise FormgenError(path, "", f"cannot read: {exc.strerror or exc}", "check the path", code="FG003") from None
    if not stat.S_ISREG(info.st_mode):
        what = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file (a device, pipe or socket)"
        raise FormgenError(path, "", what, "give the path of a file", code="FG004")
    if max_bytes is not None and info.st_size > max_bytes:
        raise FormgenError(path, "", f"{info.st_size // 1_000_000} MB, more than the {max_bytes // 1_000_000} MB "
                           "this file can be", fix, code="FG001")
    return info.st_size
