"""Reading input files only when they are files; writing output files atomically, and JSON the
same bytes every time."""
from __future__ import annotations

import os
import stat
from pathlib import Path

from .errors import FormgenError


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
        raise FormgenError(path, "", f"cannot write: {exc.strerror or exc}",
                           "choose a folder you can write to with --out") from None


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
