"""Gettext catalogs: read a .po (our own small reader: what `check` and every build need), compile a
.mo for other gettext tools, extract message ids for `pybabel`."""
from __future__ import annotations

import functools
import gettext
import re
from pathlib import Path
from typing import Iterable, Iterator

from .. import LOCALES_DIR
from ..errors import FormgenError

DOMAIN = "forms"
# Each line is checked against the .po grammar first, so a typing slip (`msgstr "Печать`, no closing
# quote) is reported at its line instead of read as something else. A quoted string is written as runs
# of plain characters between escapes: matched a run at a time, three times quicker than a character
# at a time, and the catalogs are read by every command.
_STRING = r'"[^"\\]*(?:\\.[^"\\]*)*"'
PO_LINE = re.compile(rf'^(?:#.*|(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+{_STRING}|{_STRING})?\s*$')
_ESCAPE = re.compile(r'\\([\\trn"])')
_ESCAPED = {"n": "\n", "t": "\t", "r": "\r"}


class Message:
    """One entry of a catalog: its id, its text in the catalog's language, the line of its msgid."""

    __slots__ = ("id", "string", "lineno", "fuzzy", "context", "plural")

    def __init__(self, id: str, string: str, lineno: int, fuzzy: bool, context: str | None, plural: bool) -> None:
        self.id, self.string, self.lineno = id, string, lineno
        self.fuzzy, self.context, self.plural = fuzzy, context, plural


class Catalog:
    """The messages of one .po, in file order (the header and obsolete `#~` entries left out); an id
    given twice keeps its first text, as Babel and gettext tools read it."""

    def __init__(self, messages: list[Message]) -> None:
        first: dict[tuple[str, str | None], Message] = {}
        for message in messages:
            first.setdefault((message.id, message.context), message)
        self.messages = list(first.values())
        self.by_id = {message.id: message for message in self.messages if message.context is None}

    def __iter__(self) -> Iterator[Message]:
        return iter(self.messages)

    def get(self, message_id: str) -> Message | None:
        return self.by_id.get(message_id)

    def texts(self) -> dict[str, str]:
        """id → text, as gettext keys them in a compiled catalog (`context\x04id` in a context): no
        fuzzy, empty or plural entry."""
        return {(f"{m.context}\x04{m.id}" if m.context is not None else m.id): m.string
                for m in self.messages if m.string and not m.fuzzy and not m.plural}


class Translations(gettext.NullTranslations):
    """A language's messages by id: what `gettext()` returns, the id itself when there is none."""

    def __init__(self, texts: dict[str, str]) -> None:
        super().__init__()
        self.texts = texts

    def gettext(self, message: str) -> str:
        return self.texts.get(message, message)


def _check_po_lines(path: Path, text: str) -> None:
    for number, line in enumerate(text.splitlines(), 1):
        if not PO_LINE.match(line):
            raise FormgenError(path, f"line {number}", f"malformed .po line: {line.strip()[:60]}",
                               "close the quotes, escape inner quotes as \\\", or start the line with msgid/msgstr",
                               code="FG201")


def _po_text(path: Path) -> str:
    """The .po's text once every line is known good."""
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise FormgenError(path, "", f"cannot read: {exc.strerror or exc}", "check the path", code="FG003") from None
    except UnicodeDecodeError as exc:
        raise FormgenError(path, "", f"malformed .po: {exc}", "save it as UTF-8 gettext catalog",
                           code="FG202") from None
    _check_po_lines(path, text)
    return text


def read_catalog(path: Path) -> Catalog:
    return Catalog(parse_po(path, _po_text(path)))


NO_CATALOG = "`formgen catalogs update` writes it, every message empty, to translate"


def language_catalog(lang: str, locales_dir: Path = LOCALES_DIR) -> Catalog:
    """The catalog of a language of the project, which may not have been started yet."""
    path = po_path(lang, locales_dir)
    if not path.exists() and not path.is_symlink():
        raise FormgenError(path, "", f"no catalog of the project's language '{lang}'", NO_CATALOG, code="FG003")
    return read_catalog(path)


def babel_catalog(path: Path):
    """The .po as Babel's Catalog, for the translator commands that merge and write catalogs."""
    import io

    from babel.messages.pofile import read_po

    read_catalog(path)  # our errors, at their lines, first
    return read_po(io.BytesIO(path.read_bytes()), abort_invalid=True)


def compile_catalogs(languages: Iterable[str], locales_dir: Path = LOCALES_DIR) -> list[Path]:
    """Write each language's .mo (Babel's, fuzzy entries left out as gettext does) where it differs
    from what its .po compiles to. formgen itself reads the .po; the .mo is for other gettext tools."""
    import io

    from babel.messages.mofile import write_mo

    written = []
    for lang in languages:
        out = io.BytesIO()
        write_mo(out, babel_catalog(po_path(lang, locales_dir)), use_fuzzy=False)
        target = mo_path(lang, locales_dir)
        if not target.exists() or target.read_bytes() != out.getvalue():
            target.write_bytes(out.getvalue())
            written.append(target)
    return written


def load_translations(lang: str, locales_dir: Path = LOCALES_DIR) -> Translations:
    """A language's messages, read from its .po: what a translator saved is what the next command
    uses, with no compile step and no .mo to fall out of date."""
    path = po_path(lang, locales_dir)
    try:
        stat = path.stat()
    except OSError as exc:
        raise FormgenError(path, "", f"cannot read: {exc.strerror or exc}",
                           f"each language of the project needs its catalog: {NO_CATALOG}", code="FG003") from None
    return Translations(_texts(str(path), stat.st_mtime_ns, stat.st_size))


@functools.lru_cache(maxsize=8)
def _texts(path: str, mtime_ns: int, size: int) -> dict[str, str]:
    """Read once per version of the file in a process (the key changes when the file does)."""
    return read_catalog(Path(path)).texts()


def po_path(lang: str, locales_dir: Path = LOCALES_DIR) -> Path:
    return locales_dir / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(lang: str, locales_dir: Path = LOCALES_DIR) -> Path:
    return po_path(lang, locales_dir).with_suffix(".mo")


class _Entry:
    """The entry being read: keyword (msgid, msgstr, msgstr[0] …) → its text so far."""

    def __init__(self) -> None:
        self.parts: dict[str, str] = {}
        self.current = ""  # the keyword a continuation line adds to
        self.lineno = 0  # of its msgid
        self.fuzzy = self.obsolete = False

    def message(self, path: Path) -> Message | None:
        """The finished entry; None for the header (the empty id) and obsolete `#~` entries."""
        parts = self.parts
        if not any(key.startswith("msgstr") for key in parts):
            raise _malformed(path, self.lineno, f"missing msgstr for msgid '{parts['msgid']}'")
        if self.obsolete or not parts["msgid"]:
            return None
        return Message(parts["msgid"], parts.get("msgstr", parts.get("msgstr[0]", "")), self.lineno, self.fuzzy,
                       parts.get("msgctxt"), "msgid_plural" in parts)


def _malformed(path: Path, line: int, problem: str) -> FormgenError:
    return FormgenError(path, f"line {line}", f"malformed .po: {problem}", "fix the entry, e.g. in Poedit",
                        code="FG202")


def _unescape(quoted: str) -> str:
    inside = quoted.strip()[1:-1]
    return _ESCAPE.sub(lambda m: _ESCAPED.get(m.group(1), m.group(1)), inside) if "\\" in inside else inside


def _is_fuzzy(flags_line: str) -> bool:
    return "fuzzy" in (flag.strip() for flag in flags_line[2:].split(","))


def parse_po(path: Path, text: str) -> list[Message]:
    """The messages of a .po text whose every line matched PO_LINE, as gettext tools read them: a
    comment or the next msgid ends an entry, `#, fuzzy` flags the next one."""
    messages: list[Message] = []
    entry = _Entry()

    def finish() -> _Entry:
        if "msgid" in entry.parts and (message := entry.message(path)):
            messages.append(message)
        return _Entry() if "msgid" in entry.parts else entry

    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        obsolete = line.startswith("#~")
        line = line[2:].lstrip() if obsolete else line
        if not line:
            continue
        if line.startswith("#"):
            entry = finish()
            entry.fuzzy = entry.fuzzy or (line.startswith("#,") and _is_fuzzy(line))
        elif line.startswith('"'):
            if not entry.current:
                raise _malformed(path, number, "a line starting with \" outside msgid, msgstr or msgctxt")
            entry.parts[entry.current] += _unescape(line)
        else:
            keyword, quoted = line.split(None, 1)
            if keyword in ("msgid", "msgctxt"):
                entry = finish()
            if keyword == "msgid":
                entry.lineno = number
            entry.current, entry.obsolete = keyword, obsolete
            entry.parts[keyword] = _unescape(quoted)
    finish()
    return messages


class Entry:
    """One entry of a .po as its lines stand in the file (its comments before it, the blank lines
    after it), for the translator commands that change some entries and must leave the rest as they
    are: order, comments, wrapping."""

    def __init__(self) -> None:
        self.lines: list[str] = []  # with their line endings
        self.id: str | None = None  # None: comments alone (the end of a file)
        self.context: str | None = None
        self.obsolete = self.has_msgstr = False
        self.keyword = ""  # the one a continuation line adds to

    def add(self, line: str) -> None:
        self.lines.append(line)
        body, obsolete = _po_body(line)
        if not body or body.startswith("#"):
            return
        keyword, quoted = (self.keyword, body) if body.startswith('"') else body.split(None, 1)
        self.keyword, self.obsolete = keyword, self.obsolete or obsolete
        if keyword == "msgid":
            self.id = (self.id or "") + _unescape(quoted)
        elif keyword == "msgctxt":
            self.context = (self.context or "") + _unescape(quoted)
        self.has_msgstr = self.has_msgstr or keyword.startswith("msgstr")

    def starts_another(self, line: str) -> bool:
        """Whether `line` begins the next entry: a comment, msgctxt or msgid once this one has its msgstr."""
        body, _ = _po_body(line)
        return self.has_msgstr and body.startswith(("#", "msgctxt", "msgid"))


def _po_body(line: str) -> tuple[str, bool]:
    """A line without the `#~` of an obsolete entry, and whether it had one (`#~|` is a comment)."""
    stripped = line.strip()
    if stripped.startswith("#~") and not stripped.startswith("#~|"):
        return stripped[2:].strip(), True
    return stripped, False


def po_entries(text: str) -> list[Entry]:
    """The entries of a .po text whose every line matched PO_LINE, its header first, in file order."""
    entries = [Entry()]
    for line in text.splitlines(keepends=True):
        if entries[-1].starts_another(line):
            entries.append(Entry())
        entries[-1].add(line)
    return entries


def new_catalog(lang: str) -> str:
    """A language's catalog before its first message: the header gettext tools read."""
    header = (f"Language: {lang}", "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8",
              "Content-Transfer-Encoding: 8bit")
    return 'msgid ""\nmsgstr ""\n' + "".join(f'"{line}\\n"\n' for line in header) + "\n"


def merged_po(text: str, used: list[str], texts: dict[str, str] | None = None,
              replaced: frozenset[str] = frozenset()) -> tuple[str, int, int]:
    """The .po text with `used` ids, each new one placed after the id before it in `used` (so an
    added form's messages stand together, where the template has them), with its text from `texts`
    (empty, to translate, where it has none); the ids in `replaced` get their text from `texts`
    too. An id no longer used is marked obsolete (`#~`, its text kept), one used again restored.
    Everything else stays as it is: order, comments, wrapping, header. (text, added, dropped)."""
    texts = texts or {}
    entries, in_use = po_entries(text), set(used)
    newline = "\r\n" if "\r\n" in text else "\n"
    own = {(e.id, e.obsolete): e for e in entries if e.id and e.context is None}
    dropped = 0
    for entry in entries:
        if entry.id and entry.context is None and not entry.obsolete and entry.id not in in_use:
            entry.lines = [line if not line.strip() or line.lstrip().startswith("#") else f"#~ {line}"
                           for line in entry.lines]
            dropped += 1
    added, after = 0, (entries[0] if entries[0].id == "" else None)
    for message_id in used:
        if (message_id, False) in own:
            after = own[message_id, False]
            if message_id in replaced:
                after.lines = _with_text(after.lines, message_id, texts.get(message_id, ""), newline)
            continue
        entry = own.get((message_id, True)) or _new_entry(message_id, texts.get(message_id, ""), newline)
        if entry.obsolete:  # used again: its translation comes back where it stood
            entry.lines = [line.replace("#~ ", "", 1) if line.startswith("#~ ") else line for line in entry.lines]
            if message_id in replaced:
                entry.lines = _with_text(entry.lines, message_id, texts.get(message_id, ""), newline)
        else:
            position = entries.index(after) + 1 if after else 0
            if after and not after.lines[-1].endswith("\n"):  # the last line of a file without a newline
                after.lines[-1] += newline
            entries.insert(position, entry)
        after, added = entry, added + 1
    return "".join(line for entry in entries for line in entry.lines), added, dropped


def _new_entry(message_id: str, text: str, newline: str) -> Entry:
    entry = Entry()
    for line in (f'msgid "{po_escaped(message_id)}"', f'msgstr "{po_escaped(text)}"', ""):
        entry.add(line + newline)
    return entry


def _with_text(lines: list[str], message_id: str, text: str, newline: str) -> list[str]:
    """An entry's lines with its msgstr (and its continuation lines, and a fuzzy flag) replaced."""
    kept, in_msgstr = [], False
    for line in lines:
        body = line.strip()
        if body.startswith("msgstr"):
            in_msgstr = True
            kept.append(f'msgstr "{po_escaped(text)}"{newline}')
        elif in_msgstr and body.startswith('"'):
            continue
        elif body.startswith("#,") and _is_fuzzy(body):
            flags = [flag.strip() for flag in body[2:].split(",") if flag.strip() and flag.strip() != "fuzzy"]
            if flags:
                kept.append(f"#, {', '.join(flags)}{newline}")
        else:
            in_msgstr = in_msgstr and not body.startswith(("msgid", "msgctxt", "#"))
            kept.append(line)
    return kept


_PO_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def po_escaped(text: str) -> str:
    """Text as a .po string holds it between its quotes."""
    return "".join(_PO_ESCAPES.get(character, character) for character in text)


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
