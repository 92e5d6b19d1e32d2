"""Gettext catalogs: load, compile with Babel, extract message ids for `pybabel`, and check."""
from __future__ import annotations

import functools
import gettext
import io
import re
from pathlib import Path
from typing import Iterator

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po

from . import LANGUAGES, LOCALES_DIR
from .errors import FormgenError

DOMAIN = "forms"
# Babel's reader is lenient: it reads `msgstr "Печать` (no closing quote) as «Печат». Each line is
# checked against the .po grammar first, so a typing slip is reported instead of truncated.
_STRING = r'"(?:[^"\\]|\\.)*"'
PO_LINE = re.compile(rf'^(?:#.*|(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+{_STRING}|{_STRING})?\s*$')


def po_path(lang: str, locales_dir: Path = LOCALES_DIR) -> Path:
    return locales_dir / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(lang: str, locales_dir: Path = LOCALES_DIR) -> Path:
    return po_path(lang, locales_dir).with_suffix(".mo")


def _check_po_lines(path: Path, data: bytes) -> None:
    for number, line in enumerate(data.decode("utf-8").splitlines(), 1):
        if not PO_LINE.match(line):
            raise FormgenError(path, f"line {number}", f"malformed .po line: {line.strip()[:60]}",
                               "close the quotes, escape inner quotes as \\\", or start the line with msgid/msgstr",
                               code="FG201")


def read_catalog(path: Path) -> Catalog:
    try:
        data = path.read_bytes()
        _check_po_lines(path, data)
        return read_po(io.BytesIO(data), abort_invalid=True)
    except OSError as exc:
        raise FormgenError(path, "", f"cannot read: {exc.strerror or exc}", "check the path", code="FG003") from None
    except PoFileError as exc:
        line = getattr(exc, "lineno", None)
        raise FormgenError(path, f"line {line}" if line else "", f"malformed .po: {exc}",
                           "fix the entry, e.g. in Poedit", code="FG202") from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise FormgenError(path, "", f"malformed .po: {exc}", "save it as UTF-8 gettext catalog",
                           code="FG202") from None


def compiled(catalog: Catalog) -> bytes:
    """The .mo bytes Babel writes for a catalog (fuzzy entries left out, as gettext does)."""
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def compile_catalogs(locales_dir: Path = LOCALES_DIR) -> list[Path]:
    """Write each language's .mo where it differs from what its .po compiles to. formgen itself reads
    the .po; the .mo is for other gettext tools."""
    written = []
    for lang in LANGUAGES:
        data = compiled(read_catalog(po_path(lang, locales_dir)))
        target = mo_path(lang, locales_dir)
        if not target.exists() or target.read_bytes() != data:
            target.write_bytes(data)
            written.append(target)
    return written


def load_translations(lang: str, locales_dir: Path = LOCALES_DIR) -> gettext.GNUTranslations:
    """A language's messages, compiled in memory from its .po: what a translator saved is what the
    next command uses, with no compile step and no .mo to fall out of date."""
    path = po_path(lang, locales_dir)
    try:
        stat = path.stat()
    except OSError as exc:
        raise FormgenError(path, "", f"cannot read: {exc.strerror or exc}",
                           "a project needs locales/ru and locales/ky; `formgen init` writes them",
                           code="FG003") from None
    return gettext.GNUTranslations(io.BytesIO(_compiled_po(str(path), stat.st_mtime_ns, stat.st_size)))


@functools.lru_cache(maxsize=8)
def _compiled_po(path: str, mtime_ns: int, size: int) -> bytes:
    """Compiled once per version of the file in a process (the key changes when the file does)."""
    return compiled(read_catalog(Path(path)))


def extract_forms(fileobj, keywords, comment_tags, options) -> Iterator[tuple]:
    """A `pybabel extract` method for form definitions (entry point `babel.extractors: formgen`)."""
    from .definitions import SETTINGS_FILE, SHARED_CHOICES, _Reader, message_ids, shared_choices
    import yaml

    path = Path(getattr(fileobj, "name", "form.yaml"))
    if path.name == SETTINGS_FILE:  # the project's settings hold no message ids
        return
    text = fileobj.read().decode("utf-8")
    if path.name == SHARED_CHOICES:  # the lists forms share: their labels
        reader = _Reader(path)
        lists = reader.choice_lists(reader.mapping(yaml.safe_load(text), "", ("choices",))["choices"])
        found = [option.label for options in lists.values() for option in options]
    else:
        shared = shared_choices(path.parent) if hasattr(fileobj, "name") else {}
        found = list(message_ids(_Reader(path, shared).form(yaml.safe_load(text))))
    lines = text.splitlines()
    for message_id in dict.fromkeys(found):
        pattern = re.compile(rf"(?<![\w.]){re.escape(message_id)}(?![\w.])")
        lineno = next((i + 1 for i, line in enumerate(lines) if pattern.search(line)), 0)
        yield lineno, None, message_id, []
