"""The build's manifest.json: what the download page and the zip list, and what each file was made
from; written the same way every time, and read back from an earlier build as untrusted input.

An output folder is shared: a later build of some forms keeps the files of the others, and by then
anyone may have edited, removed or replaced anything in it. So the earlier manifest is read within
a size limit, every value is checked for its type and form, its paths are never used (each is
rebuilt from the entry's edition, form and format, and an entry whose path differs is left out),
and a listed file counts only when the file on disk, not followed through a link, is still the one
the manifest describes.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from .files import json_bytes

MANIFEST = "manifest.json"
MAX_MANIFEST_BYTES = 5_000_000  # a build of 18 files writes 5 KB; a project of a hundred forms, 200 KB
MAX_ENTRIES = 10_000
FORM_ID = re.compile(r"[a-z][a-z0-9_]{0,99}")
SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Entry:
    """One file of a build: where it is, what it is, and what it was made from."""

    form: str
    lang: str  # the edition: ru, ky or ru+ky
    format: str
    path: str  # relative to the call's folder, with '/'
    bytes: int
    sha256: str
    pages: int | None  # a DOCX counts the pages of its PDF twin made from the same source
    source: str | None  # sha256 of what it was made from (`build.source_of`); None: not recorded
    letterhead: str | None  # sha256 of the letterhead put into it, if one was


def entry_path(lang: str, form: str, fmt: str) -> str:
    return f"{lang}/{form}.{fmt}"


def manifest_bytes(call_id: str, listed: list[Entry], left_off: list[Entry]) -> bytes:
    """`files`: what the page and the zip list; `left_off`: files a build made that are still in the
    folder but not on the page (made from other sources than the last build's, or changed since),
    kept here so that the next build looks at them again."""
    return json_bytes({"call": call_id, "files": [asdict(e) for e in listed],
                       "left_off": [asdict(e) for e in left_off]})


@dataclass
class Previous:
    """What an earlier build's manifest says, as far as it can be trusted."""

    listed: list[Entry]
    left_off: list[Entry]
    notes: list[str]  # what was wrong with the manifest itself


def read_manifest(folder: Path, call_id: str, editions: tuple[str, ...], formats: tuple[str, ...]) -> Previous:
    """The entries of folder/manifest.json that are well formed; what is wrong with it, in notes."""
    path = folder / MANIFEST
    previous = Previous([], [], [])
    data, problem = _read_json(path)
    if problem == "absent":
        return previous
    if problem:
        previous.notes.append(f"{path}: {problem}; it is written anew")
        return previous
    if not isinstance(data, dict) or data.get("call") != call_id:
        previous.notes.append(f"{path}: not the manifest of call {call_id}; it is written anew")
        return previous
    seen: set[str] = set()
    for key, kept in (("files", previous.listed), ("left_off", previous.left_off)):
        items = data.get(key, [])
        if not isinstance(items, list) or len(items) > MAX_ENTRIES:
            previous.notes.append(f"{path}: {key}: not a list of at most {MAX_ENTRIES} entries; left out")
            continue
        for index, item in enumerate(items):
            entry, problem = _entry(item, editions, formats)
            if entry and entry.path in seen:
                entry, problem = None, f"{entry.path} is listed twice"
            if entry is None:
                previous.notes.append(f"{path}: {key}[{index}]: {problem}; entry left out")
                continue
            seen.add(entry.path)
            kept.append(entry)
    return previous


def _read_json(path: Path) -> tuple[object, str]:
    """(the parsed JSON, '') or (None, what is wrong): 'absent' when there is no such file."""
    data, problem = _read_regular(path, MAX_MANIFEST_BYTES)
    if data is None:
        return None, "absent" if problem == "missing" else problem
    if len(data) > MAX_MANIFEST_BYTES:
        return None, f"larger than {MAX_MANIFEST_BYTES // 1_000_000} MB"
    try:
        return json.loads(data.decode("utf-8")), ""
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        return None, f"not JSON ({str(exc)[:80]})"


def _entry(item: object, editions: tuple[str, ...], formats: tuple[str, ...]) -> tuple[Entry | None, str]:
    """The entry, or None and why it cannot be one. Its path must be the one the build would write."""
    names = [f.name for f in fields(Entry)]
    if not isinstance(item, dict) or not set(names) - {"source", "letterhead"} <= set(item) or set(item) - set(names):
        return None, f"not an object with the keys {', '.join(names)}"
    entry = Entry(**{name: item.get(name) for name in names})
    checks = {
        "form": isinstance(entry.form, str) and FORM_ID.fullmatch(entry.form),
        "lang": entry.lang in editions,
        "format": entry.format in formats,
        "bytes": _count(entry.bytes),
        "sha256": _hash(entry.sha256),
        "pages": entry.pages is None or _count(entry.pages),
        "source": entry.source is None or _hash(entry.source),
        "letterhead": entry.letterhead is None or _hash(entry.letterhead),
    }
    wrong = next((name for name, good in checks.items() if not good), None)
    if wrong:
        return None, f"{wrong}: {str(item[wrong])[:60]!r} is not a valid value"
    if entry.path != entry_path(entry.lang, entry.form, entry.format):
        return None, f"path: {str(entry.path)[:60]!r} is not where the build writes that file"
    return entry, ""


def _count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2 ** 63


def _hash(value: object) -> bool:
    return isinstance(value, str) and bool(SHA256.fullmatch(value))


def file_on_disk(folder: Path, entry: Entry) -> tuple[bytes | None, str]:
    """(the file's bytes, '') when it is still the file the entry describes; else (None, what it is
    now): 'missing', or how it changed. A link is never followed, a file of another size never read."""
    if any(os.path.islink(folder / parent) for parent in Path(entry.path).parents):
        return None, "in a folder that is now a link"  # O_NOFOLLOW guards the file's own name alone
    data, problem = _read_regular(folder / entry.path, entry.bytes, exactly=True)
    if data is None:
        return None, problem
    if hashlib.sha256(data).hexdigest() != entry.sha256:
        return None, "changed since it was built: its sha256 differs"
    return data, ""


def _read_regular(path: Path, limit: int, exactly: bool = False) -> tuple[bytes | None, str]:
    """At most limit + 1 bytes of a regular file, its name not followed if it is a link, nothing read
    that is not a regular file (a FIFO would wait for a writer) or, `exactly`, not `limit` bytes long;
    else (None, what it is): 'missing', a link, not a file..."""
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        return None, "missing"
    except OSError as exc:
        return None, "a link, not a file" if os.path.islink(path) else f"cannot be read ({exc.strerror or exc})"
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            return None, "not a regular file"
        if exactly and info.st_size != limit:
            return None, "changed since it was built: its size differs"
        with os.fdopen(os.dup(descriptor), "rb") as stream:
            return stream.read(limit + 1), ""
    finally:
        os.close(descriptor)
