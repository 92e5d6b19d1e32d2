"""Reading YAML safely, with errors that point at the line."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import FormgenError

MAX_YAML_BYTES = 1_000_000


class _TextDatesLoader(yaml.SafeLoader):
    """SafeLoader that leaves dates as text, so a wrong date gets our message, not a crash."""


class _NoAliases:
    """For data from outside: an alias can make a few bytes unfold into gigabytes."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.events.AliasEvent):
            mark = self.peek_event().start_mark
            raise yaml.YAMLError(f"aliases (*name) are not allowed in data, line {mark.line + 1}")
        return super().compose_node(parent, index)


class _NoAliasesLoader(_NoAliases, _TextDatesLoader):
    pass


class _StringsLoader(_NoAliases, yaml.BaseLoader):
    """For data rows: every scalar is text as written (YAML 1.1 would read `no` as False, `0555123456`
    as an octal number, `12:30:00` as seconds); aliases and a key given twice are refused."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, str):
                raise yaml.constructor.ConstructorError(None, None, "a key that is not text", key_node.start_mark)
            if key in seen:
                raise yaml.constructor.ConstructorError(None, None, f"key '{key}' given twice", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep)


_TextDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_yaml(path: Path, aliases: bool = True, strings: bool = False) -> Any:
    try:
        size = path.stat().st_size
        if size > MAX_YAML_BYTES:
            raise FormgenError(path, "", f"file is {size} bytes, more than {MAX_YAML_BYTES}",
                               "a settings or definition file is a few kilobytes; check the path")
        text = path.read_text(encoding="utf-8")
    except FormgenError:
        raise
    except UnicodeDecodeError as exc:
        raise FormgenError(path, f"byte {exc.start}", "not UTF-8 text", "save the file as UTF-8") from None
    except OSError as exc:
        raise FormgenError(path, "", f"cannot read: {exc.strerror or exc}", "check the path") from None
    return parse_yaml(text, path, aliases, strings)


def parse_yaml(text: str, path: Path, aliases: bool = True, strings: bool = False) -> Any:
    """YAML text (of `path`, for the messages) with dates left as text; with `strings`, every value."""
    loader = _StringsLoader if strings else _TextDatesLoader if aliases else _NoAliasesLoader
    try:
        return yaml.load(text, Loader=loader)  # noqa: S506 (SafeLoaders)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        place = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise FormgenError(path, place, f"malformed YAML: {problem}",
                           "fix the indentation or quoting there") from None


class YamlReader:
    """Walks one YAML file, knowing where it is so every error can say so."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, place: str, problem: str, fix: str) -> FormgenError:
        return FormgenError(self.path, place, problem, fix)

    def mapping(self, value: Any, place: str, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> dict:
        where = place or "top level"
        if not isinstance(value, dict):
            raise self.fail(where, f"expected a mapping, found {type(value).__name__}", "write `key: value` lines")
        for key in required:
            if key not in value:
                raise self.fail(where, f"missing key '{key}'", f"add '{key}:'")
        unknown = sorted(set(map(str, value)) - set(required) - set(optional))
        if unknown:
            raise self.fail(f"{place}.{unknown[0]}".lstrip("."), f"unknown key '{unknown[0]}'",
                            f"use one of: {', '.join(required + optional)}")
        return value
