"""Reading YAML safely, with errors that point at the line."""
from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import BaseConstructor, SafeConstructor
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver, Resolver
from yaml.scanner import Scanner

from ..disk.files import check_regular_file
from ..errors import FormgenError, suggestion

MAX_YAML_BYTES = 1_000_000
MAX_DEPTH = 64  # PyYAML composes recursively: `[[[[…` a million deep would overflow Python's stack
MAX_DIGITS = 100  # Python refuses to read an integer over 4300 digits, with a traceback


class _Refused(yaml.MarkedYAMLError):
    """Valid YAML this tool does not accept, with what to do instead."""

    def __init__(self, problem: str, mark, fix: str) -> None:
        super().__init__(problem=problem, problem_mark=mark)
        self.fix = fix


class _Strict(Composer):
    """Every file here comes from a person, maybe from outside. An alias can make a few bytes unfold
    into gigabytes (and a message built from its value would print them); a merge key `<<` or a key
    given twice silently overrides a value. All three are refused at their line, before any value is
    built; a key is always text. Composing events into nodes stays here, in Python, whoever parses:
    every event passes these checks."""

    depth = 0

    def __init__(self, stream) -> None:
        self.parse_from(stream)
        Composer.__init__(self)
        BaseConstructor.__init__(self)
        BaseResolver.__init__(self)

    get_single_node = Composer.get_single_node  # libyaml's parser has its own, in C, without the checks
    compose_document = Composer.compose_document

    def compose_node(self, parent, index):
        if self.check_event(yaml.events.AliasEvent):
            raise _Refused("aliases (*name) are not allowed", self.peek_event().start_mark,
                           "write the value out in full where it is used")
        if self.depth >= MAX_DEPTH:
            raise _Refused(f"nested more than {MAX_DEPTH} levels deep", self.peek_event().start_mark,
                           "a settings, definition or data file is a few levels deep; check the brackets")
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def construct_mapping(self, node, deep=False):
        seen: dict[str, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge" or (key_node.value == "<<" and not key_node.style):
                raise _Refused("merge keys (<<) are not allowed", key_node.start_mark,
                               "write every key of the mapping out in full")
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, str):
                raise _Refused("a key that is not text", key_node.start_mark, "write key: value with a name as the key")
            if key in seen:
                raise _Refused(f"key '{key}' given twice (first on line {seen[key]})", key_node.start_mark,
                               "keep one of them")
            seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep)


class Marked(dict):
    """A mapping of a settings or definition file that knows where it stands, and where each of its
    keys does: (line, column), counted from 1, for messages that send a person to the place."""

    at: tuple[int, int] | None = None
    keys_at: dict[str, tuple[int, int]] = {}


def _position(mark) -> tuple[int, int]:
    return mark.line + 1, mark.column + 1


class _TextDates(SafeConstructor, Resolver):
    """Settings and definitions: numbers and lists as YAML reads them, dates left as text, so a wrong
    date gets our message, not a crash; mappings keep their places (Marked)."""

    def construct_yaml_map(self, node):
        data = Marked()
        data.at = _position(node.start_mark)
        data.keys_at = {key.value: _position(key.start_mark) for key, _ in node.value if isinstance(key.value, str)}
        yield data
        data.update(self.construct_mapping(node))

    def construct_yaml_int(self, node):
        if len(node.value) > MAX_DIGITS:
            raise _Refused(f"a number {len(node.value)} characters long", node.start_mark,
                           "write the number it should be, or quote it if it is text")
        return super().construct_yaml_int(node)


_TextDates.add_constructor("tag:yaml.org,2002:int", _TextDates.construct_yaml_int)
_TextDates.add_constructor("tag:yaml.org,2002:map", _TextDates.construct_yaml_map)
_TextDates.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _Strings(BaseConstructor, BaseResolver):
    """For data rows: every scalar is text as written (YAML 1.1 would read `no` as False, `0555123456`
    as an octal number, `12:30:00` as seconds)."""


class _PythonParser(Reader, Scanner, Parser):
    def parse_from(self, stream) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)


def _loaders(values: type) -> tuple[type, ...]:
    """libyaml's parser (in C, six times faster; PyPI's PyYAML wheels include it), then PyYAML's own."""
    python = type("PythonLoader", (_Strict, _PythonParser, values), {})
    try:
        from yaml.cyaml import CParser
    except ImportError:  # a PyYAML built without libyaml
        return (python,)
    return type("LibyamlLoader", (_Strict, CParser, values), {"parse_from": CParser.__init__}), python


LOADERS = {False: _loaders(_TextDates), True: _loaders(_Strings)}


def load_yaml(path: Path, strings: bool = False) -> Any:
    try:
        size = check_regular_file(path)  # /dev/zero or a pipe as a call file would be read for ever
        if size > MAX_YAML_BYTES:
            raise FormgenError(path, "", f"file is {size} bytes, more than {MAX_YAML_BYTES}",
                               "a settings or definition file is a few kilobytes; check the path", code="FG001")
        text = path.read_text(encoding="utf-8")
    except FormgenError:
        raise
    except UnicodeDecodeError as exc:
        raise FormgenError(path, f"byte {exc.start}", "not UTF-8 text", "save the file as UTF-8",
                           code="FG002") from None
    except OSError as exc:
        raise FormgenError(path, "", f"cannot read: {exc.strerror or exc}", "check the path", code="FG003") from None
    return parse_yaml(text, path, strings)


def load_yaml_once(path: Path) -> Any:
    """`load_yaml(path)` once per version of the file in a process, for a file several readers read
    (forms/project.yaml: the forms' order, the languages). The readers must not change what it gives."""
    try:
        stat = path.stat()
    except OSError:
        return load_yaml(path)  # which says why it cannot be read
    return _loaded(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=16)
def _loaded(path: Path, mtime_ns: int, size: int) -> Any:
    return load_yaml(path)


def parse_yaml(text: str, path: Path, strings: bool = False) -> Any:
    """YAML text (of `path`, for the messages) with dates left as text; with `strings`, every value.
    What libyaml refuses, PyYAML's own parser reads again, so every result and message is what it
    always was (libyaml also refuses, say, a "\\ud800" that our own checks explain better)."""
    *fast, python = LOADERS[strings]
    try:
        try:
            if fast:
                return yaml.load(text, Loader=fast[0])  # noqa: S506 (safe: our constructors)
        except _Refused:
            raise
        except (yaml.YAMLError, UnicodeEncodeError):  # libyaml takes UTF-8: a lone surrogate cannot be
            pass
        return yaml.load(text, Loader=python)  # noqa: S506
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        place = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        if isinstance(exc, _Refused):
            raise FormgenError(path, place, problem, exc.fix, code="FG006") from None
        raise FormgenError(path, place, f"malformed YAML: {problem}", "fix the indentation or quoting there",
                           code="FG005") from None


class YamlReader:
    """Walks one YAML file, knowing where it is so every error can say so."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, place: str, problem: str, fix: str, code: str = "") -> FormgenError:
        return FormgenError(self.path, place, problem, fix, code)

    def boolean(self, value: Any, place: str, default: bool) -> bool:
        """`true` or `false` only: `"yes"` or `"no"` in quotes would silently mean the opposite."""
        if value is None:
            return default
        if not isinstance(value, bool):
            raise self.fail(place, f"'{value}' is not true or false", "write true or false, without quotes",
                            code="FG010")
        return value

    def mapping(self, value: Any, place: str, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> dict:
        """A mapping of these keys. A key it does not know is reported first, at its line: a misspelt
        `widht:` is the reason `width` is missing, and saying only the latter hides the cause."""
        where = place or "top level"
        if not isinstance(value, dict):
            raise self.fail(where, f"expected a mapping, found {type(value).__name__}", "write `key: value` lines",
                            code="FG007")
        unknown = [str(key) for key in value if key not in required and key not in optional]  # in file order
        if unknown:
            raise self.fail(placed(value, unknown[0], f"{place}.{unknown[0]}".lstrip(".")),
                            f"unknown key '{unknown[0]}'", suggestion(unknown[0], required + optional), code="FG009")
        for key in required:
            if key not in value:
                raise self.fail(placed(value, None, where), f"missing key '{key}'", f"add '{key}:'", code="FG008")
        return value


def placed(mapping: Any, key: str | None, place: str) -> str:
    """`place` led by the line and column of `key` in the mapping (of the mapping itself for None),
    where the file gave them: `line 12, column 9: blocks[3].widht`."""
    at = getattr(mapping, "keys_at", {}).get(key) if key is not None else getattr(mapping, "at", None)
    return f"line {at[0]}, column {at[1]}: {place}" if at else place
