"""The `formgen` command line: parsing and dispatch only.

On argparse: it loads in a millisecond, where click took 40 ms and typer 120 ms before any command
ran, and `--help` or `check` should cost a person no waiting. Each command is declared here, its
arguments and its help (so `--help` imports nothing else), by a function registered with `command`
that imports the command's module from generator/commands/ and hands it the parsed options. `app`
runs one and is the one place where errors become one line on stderr and an exit code, so a command
cannot forget it and bad input never shows a traceback."""
from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Callable
from pathlib import Path

from .errors import FormgenError, UsageError, say, suggestion

INTERRUPTED = 130  # as a shell reports a command stopped by Ctrl+C
READER_GONE = 141  # 128 + SIGPIPE: as a shell reports a command whose output pipe was closed (`| head -1`)
USAGE_ERROR = 2
DESCRIPTION = "Fillable forms in one language or two (DOCX, PDF) from one source."
GROUPS = {"catalogs": "Translator workflow: extract message ids, update and compile catalogs."}


class Argument:
    """One option or argument of a command, as argparse's add_argument takes it. `exists` is the fix
    for a path given that does not exist (a usage error, exit code 2); `example` the fix for a
    required argument left out. Whether a required argument was given is checked here, not by
    argparse, whose message says nothing of the fix. `choices()`: the values it takes, looked up
    when its command is parsed (the formats: a registry `formgen --help` need not load), and `how`
    to give several."""

    def __init__(self, *flags: str, exists: str = "", example: str = "",
                 choices: Callable[[], tuple[str, ...]] | None = None, how: str = "", **settings) -> None:
        self.flags, self.exists, self.example, self.choices, self.how = flags, exists, example, choices, how
        self.required = settings.pop("required", not self.is_option)
        self.declared_nargs = settings.get("nargs")
        if not self.is_option:
            settings["nargs"] = {"+": "*", None: "?"}.get(settings.get("nargs"), settings.get("nargs"))
        elif "action" not in settings:
            settings["action"] = _Once
        self.settings = settings
        self.dest = settings.get("dest") or flags[0].lstrip("-").replace("-", "_")

    @property
    def is_option(self) -> bool:
        return self.flags[0].startswith("-")

    def parser_settings(self) -> dict:
        """What argparse's add_argument takes: the settings, with the choices looked up now."""
        if self.choices is None:
            return self.settings
        allowed = self.choices()
        return {**self.settings, "type": one_of(self.flags[0], allowed, self.how), "metavar": "|".join(allowed)}

    def missing(self, command: str) -> UsageError:
        missing = f"{self.flags[0]} is missing" if self.is_option else f"no {self.settings['metavar'].lower()} given"
        return UsageError(command, "", missing, self.example)


class _Once(argparse.Action):
    """An option that takes one value: given twice, it is refused rather than the last one kept
    (`collect --lang` given twice made a table in one of them, silently)."""

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        given = namespace.__dict__.setdefault("given_once", set())
        if self.dest in given:
            raise UsageError(option_string, "", f"given twice: {getattr(namespace, self.dest)}, then {values}",
                             f"give {option_string} once: it takes one value")
        given.add(self.dest)
        setattr(namespace, self.dest, values)


class Command:
    """The words that call it (`catalogs compile`), the function that runs it, its arguments; the
    function's docstring is its help."""

    def __init__(self, words: tuple[str, ...], run: Callable, arguments: tuple[Argument, ...]) -> None:
        self.words, self.run, self.arguments = words, run, arguments

    @property
    def name(self) -> str:
        return " ".join(("formgen", *self.words))


COMMANDS: list[Command] = []


def command(*words: str, arguments: tuple[Argument, ...] = ()):
    def register(run: Callable) -> Callable:
        COMMANDS.append(Command(words, run, arguments))
        return run
    return register


def one_of(option: str, allowed: tuple[str, ...], how: str = ""):
    """An option's value checked against its choices, with the fix in the message (argparse's own
    `choices` print a usage line and no fix)."""
    def parse(text: str) -> str:
        if text not in allowed:
            raise UsageError(option, "", f"unknown value '{text}'", suggestion(text, allowed) + how)
        return text
    return parse


def processes(text: str) -> int:
    number = int(text) if text.strip().isdecimal() else 0
    if number < 1:
        raise UsageError("--jobs", "", f"'{text}' is not a whole number of processes, 1 or more",
                         "e.g. --jobs 2, or leave --jobs out for one per core")
    return number


CALL = Argument("--call", type=Path, metavar="FILE", help="Call settings file (YAML), or the id of one of the "
                "project's calls. Default: the project's latest call.")
PROJECT = Argument("--project", type=Path, metavar="DIR", help="Project folder (forms/, locales/; `formgen init` makes "
                   "one). Default: the current folder if it is one, else the built-in forms.")


def lang_option(help: str) -> Argument:
    """--lang: an edition of the project, checked when the command runs (the editions are the project's
    data, forms/project.yaml, which --help does not read)."""
    return Argument("--lang", action="append", metavar="EDITION", help=help)


def format_option(role: str = "") -> Argument:
    """--format, its values the formats of formats/registry.py (with `role`, those that have it)."""
    def formats() -> tuple[str, ...]:
        from .formats.registry import format_names  # the table alone: no format's code is loaded
        return format_names(role)
    return Argument("--format", dest="fmt", action="append", choices=formats, how="; repeat for several",
                    help="Format to write; repeat. Default: every one.")


# ---- the commands: what each takes, and where its body is (imported only when it runs) -------------

@command("build", arguments=(
    CALL,
    Argument("--out", type=Path, metavar="DIR", help="Folder to write into. Default: the project's output/."),
    lang_option("An edition: a language of the project, or a pair of them in one document (forms/project.yaml), "
                "or a language's pseudo-language (<lang>-XA: its texts marked and 40 %% longer, to see what "
                "will overflow); repeat. Default: every edition."),
    Argument("--form", action="append", metavar="ID", help="Form id; repeat for several. Default: all."),
    format_option(),
    Argument("--letterhead", type=Path, metavar="FILE.docx", exists="check the path of the letterhead",
             help="The municipality's letterhead .docx: the letter goes where it says {{ letter }}, or at its end."),
    Argument("--letterhead-pdf", type=Path, metavar="FILE.pdf", exists="check the path of the letterhead",
             help="A letterhead .pdf: its first page is the background of the PDF letter's first page."),
    Argument("--no-site", action="store_true", help="Skip the download page and the zip (an earlier build's are "
             "removed: they would not list these files)."),
    PROJECT))
def build(options) -> int:
    """Write OUT/<call id>/<lang>/<form>.<format>, its manifest.json, download page and zip."""
    from .commands.build import run
    return run(options)


@command("check", arguments=(
    CALL,
    lang_option("Also lay the forms out in this edition or pseudo-language (<lang>-XA) and list each hint, word, "
                "option or page budget that overflows; repeat."),
    PROJECT))
def check(options) -> int:
    """Validate form definitions, catalogs and call settings; one line per problem."""
    from .commands.check import run
    return run(options)


@command("fill", arguments=(
    Argument("--data", type=Path, required=True, metavar="FILE", help="CSV, XLSX or YAML: one row per municipality, "
             "columns named by field ids.", exists="check the path of the rows to fill",
             example="give the rows to fill: formgen fill --data municipalities.csv"),
    CALL,
    Argument("--out", type=Path, metavar="DIR", help="Folder to write into. Default: the project's "
             "output/<call id>/prefilled."),
    lang_option("An edition of the project (forms/project.yaml); repeat. Default: each language alone."),
    format_option("fill"),
    Argument("--form", action="append", metavar="ID", help="Form id; repeat. Default: every form with fields."),
    Argument("--jobs", type=processes, metavar="N", help="Processes to use. Default: one per core (2 at most)."),
    PROJECT))
def fill(options) -> int:
    """Write each municipality's prefilled forms into a folder named after it."""
    from .commands.fill import run
    return run(options)


@command("collect", arguments=(
    Argument("inputs", type=Path, nargs="+", metavar="INPUTS", help="Returned forms (PDF, DOCX) and scans of them "
             "(PDF, PNG, JPEG, TIFF), or folders of them.", exists="check the path of the returned forms",
             example="name the returned forms or their folders: formgen collect returned/"),
    Argument("--out", type=Path, default=Path("applications.xlsx"), metavar="FILE", help=".xlsx, .csv (one file per "
             "table) or .json (default: applications.xlsx)"),
    CALL,
    Argument("--lang", metavar="LANG", help="Language of the column labels, one of the project's (default: its "
             "main language, forms/project.yaml)."),
    Argument("--values", choices=lambda: ("codes", "labels"), help="Choices and yes/no as their codes (yes, chui) "
             "or their labels in --lang. Default: labels in a workbook, codes in CSV and JSON."),
    PROJECT,
    Argument("--review", type=Path, metavar="FILE.html", help="Also write this .html page: every scanned field a "
             "person must check, its image beside the value read.")))
def collect(options) -> None:
    """Read returned forms into tables: general, one per list table (grid) of the forms, problems."""
    from .commands.collect import run
    run(options)


@command("new-call", arguments=(
    Argument("--id", dest="new_id", required=True, metavar="ID", help="Id of the new call, e.g. 2026.",
             example="give the new call's id: formgen new-call --id 2026"),
    Argument("--from", dest="source", type=Path, metavar="FILE", help="Settings of the call to start from (a file or "
             "a call id). Default: the project's latest call."),
    Argument("--out", type=Path, metavar="FILE", help="File to write. Default: <id>.yaml beside --from, or in the "
             "project's forms/calls (the current folder for the built-in forms)."),
    PROJECT))
def new_call(options) -> None:
    """Write a new call's settings: a copy of --from with the new id and every date moved on by the
    years between the two ids (2025 → 2027: two), or by one year when the ids are not years."""
    from .commands.newcall import run
    run(options)


@command("read", arguments=(Argument("file", type=Path, metavar="FILE", help="A filled DOCX made by formgen.",
                                     exists="check the path of the filled form",
                                     example="name the filled form: formgen read letter.docx"),
                            PROJECT))
def read(options) -> None:
    """Print the values of a filled DOCX as JSON {field id: value}; say on stderr which form it is."""
    from .commands.read import run
    run(options)


@command("import", arguments=(
    Argument("documents", type=Path, nargs="+", metavar="DOCUMENTS", help="The form as Word documents (.docx), one "
             "per language of the project, in the order forms/project.yaml lists them; a language without one gets its messages "
             "empty, to translate.", exists="check the path of the Word document",
             example="name the Word documents: formgen import annex3-ru.docx annex3-ky.docx --id annex3"),
    Argument("--id", dest="form_id", required=True, metavar="ID", help="The new form's id, e.g. annex3: "
             "forms/ID.yaml and its message ids are named after it.",
             example="give the new form's id: formgen import annex3-ru.docx annex3-ky.docx --id annex3"),
    CALL,
    Argument("--report", type=Path, metavar="FILE.md", help="Write the list of every guess to check here "
             "(Markdown). Default: print it."),
    Argument("--loose", action="store_true", help="Where the documents differ in structure, keep the first "
             "document's and list what did not match, instead of stopping."),
    Argument("--force", action="store_true", help="Replace an existing form of this id and its messages."),
    PROJECT))
def import_(options) -> int:
    """Make a form (forms/ID.yaml and its messages in every catalog) from the Word documents staff
    already have, and list every guess to check."""
    from .commands.importer import run
    return run(options)


@command("explain", arguments=(Argument("code", nargs="?", required=False, metavar="CODE",
                                        help="A problem code, e.g. FG103; leave it out to list them all."),))
def explain(options) -> None:
    """Say what a problem code (FG103, at the start of a `check` line) means, how to fix it, and an example."""
    from .commands.explain import run
    run(options)


@command("init", arguments=(Argument("folder", type=Path, metavar="FOLDER",
                                     help="The project folder to make (new or empty).",
                                     example="name the folder to make: formgen init call-2026"),))
def init(options) -> None:
    """Make a project folder: a working copy of the built-in forms, call settings and catalogs."""
    from .commands.init import run
    run(options)


@command("catalogs", "extract", arguments=(
    Argument("--output", type=Path, metavar="FILE", help="Template to write. Default: the project's "
             "locales/forms.pot."),
    PROJECT))
def catalogs_extract(options) -> None:
    """Write the .pot template with every message id the forms and the code use."""
    from .commands.catalogs import run_extract
    run_extract(options)


@command("catalogs", "update", arguments=(PROJECT,))
def catalogs_update(options) -> None:
    """Add new message ids to every language's .po (as empty, to translate) and mark removed ones
    obsolete; the rest of each file stays as it is."""
    from .commands.catalogs import run_update
    run_update(options)


@command("catalogs", "compile", arguments=(PROJECT,))
def catalogs_compile(options) -> None:
    """Compile every .po into a .mo for other gettext tools (formgen itself reads the .po)."""
    from .commands.catalogs import run_compile
    run_compile(options)


# ---- parsing and the one error handler -------------------------------------------------------------

class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, prefix or "Usage: ")


class _Parser(argparse.ArgumentParser):
    """argparse's own complaints (an option without its value) become one line with the fix, not a
    usage block that says none. Required arguments are checked by `_check_given`, so argparse is told
    they are optional; its usage line still shows them as required."""

    def error(self, message: str):
        raise UsageError(self.prog, "", message, f"see `{self.prog} --help`")

    def format_usage(self) -> str:
        return self._as_declared(super().format_usage)

    def format_help(self) -> str:
        return self._as_declared(super().format_help)

    def _as_declared(self, write: Callable[[], str]) -> str:
        declared = [(action, action.required, action.nargs) for action in self._actions
                    if hasattr(action, "declared_nargs")]
        for action, _, _ in declared:
            action.required, action.nargs = True, action.declared_nargs
        try:
            return write()
        finally:
            for action, required, nargs in declared:
                action.required, action.nargs = required, nargs


def _parser(words: tuple[str, ...], description: str, parent=None) -> argparse.ArgumentParser:
    settings = {"prog": " ".join(("formgen", *words)), "description": description, "formatter_class": _Formatter,
                "allow_abbrev": False}
    if parent is None:
        return _Parser(**settings)
    return parent.add_parser(words[-1], help=description, **settings)


def _summary(run: Callable) -> str:
    return (run.__doc__ or "").strip()


def chosen_words(args: list[str]) -> tuple[str, ...]:
    """The words of the command `args` call, as far as they name one (`catalogs compile`, `build`)."""
    words: tuple[str, ...] = ()
    for arg in args[:2]:
        if not any(found.words[:len(words) + 1] == (*words, arg) for found in COMMANDS):
            break
        words = (*words, arg)
    return words


def command_tree() -> argparse.ArgumentParser:
    """What `formgen`, `formgen catalogs` and a word that names no command are parsed by: every
    command listed, a group per first word shared by several. A whole command is parsed by its own
    parser (`command_parser`), which alone holds its options."""
    top = _parser((), DESCRIPTION)
    from . import __version__  # a bug report names it; a partial build keeps only files of this version

    top.add_argument("--version", action="version", version=f"formgen {__version__}")
    words = top.add_subparsers(title="commands", metavar="COMMAND", parser_class=_Parser)
    groups: dict[str, argparse._SubParsersAction] = {}
    for found in COMMANDS:
        where = words
        if len(found.words) == 2:
            if found.words[0] not in groups:
                group = _parser(found.words[:1], GROUPS[found.words[0]], words)
                group.set_defaults(own_parser=group)
                groups[found.words[0]] = group.add_subparsers(title="commands", metavar="COMMAND", parser_class=_Parser)
            where = groups[found.words[0]]
        own = _parser(found.words, _summary(found.run), where)
        own.set_defaults(own_parser=own)
    top.set_defaults(own_parser=top)
    return top


def command_parser(found) -> argparse.ArgumentParser:
    own = _parser(found.words, _summary(found.run))
    for argument in found.arguments:
        action = own.add_argument(*argument.flags, **argument.parser_settings())
        if argument.required:
            action.declared_nargs = argument.declared_nargs
    own.set_defaults(command=found, own_parser=own)
    return own


def parsed(args: list[str]) -> argparse.Namespace:
    """The options of `args`. A whole command is parsed by its own parser alone (making every
    command's parser costs), intermixed, so file arguments may stand on both sides of an option
    (`collect a.pdf --out x.xlsx b.pdf`)."""
    words = chosen_words(args)
    found = next((found for found in COMMANDS if found.words == words), None)
    if found is None:
        _refuse_unknown_word(words, args[len(words):])
        return command_tree().parse_known_args(args)[0]
    options, unknown = command_parser(found).parse_known_intermixed_args(args[len(words):])
    if unknown:
        flags = [flag for argument in found.arguments for flag in argument.flags if argument.is_option]
        raise UsageError(found.name, "", f"unknown option {unknown[0]}" if unknown[0].startswith("-")
                         else f"'{unknown[0]}' is not taken here", suggestion(unknown[0], flags))
    _check_given(found, options)
    return options


def _refuse_unknown_word(words: tuple[str, ...], rest: list[str]) -> None:
    """`formgen explode`, `formgen catalogs bogus`: what the commands are."""
    if rest and not rest[0].startswith("-"):
        allowed = dict.fromkeys(c.words[len(words)] for c in COMMANDS if c.words[:len(words)] == words)
        raise UsageError(" ".join(("formgen", *words)), "", f"'{rest[0]}' is not a command",
                         suggestion(rest[0], allowed))


def _check_given(found: Command, options: argparse.Namespace) -> None:
    """Every required argument given, and every input path that must exist existing: both are
    usage errors (exit code 2) whichever command it is."""
    for argument in found.arguments:
        value = getattr(options, argument.dest)
        if argument.required and value in (None, []):
            raise argument.missing(found.name)
        for path in (value if isinstance(value, list) else [value]) if argument.exists and value else []:
            if not path.exists() and not path.is_symlink():  # a broken link is the reader's to report
                where = (argument.flags[0], str(path)) if argument.is_option else (path, "")
                raise UsageError(*where, "no such file or folder", argument.exists)


def fail(line: str, code: int) -> int:
    say(line, err=True)
    return code


def run(args: list[str]) -> int:
    """The exit status of the command `args`; every error a command raises becomes one line here."""
    try:
        options = parsed(args)
        found = getattr(options, "command", None)
        if found is None:  # `formgen` or `formgen catalogs` alone: what it can do
            options.own_parser.print_help(sys.stderr)
            return USAGE_ERROR
        return found.run(options) or 0
    except FormgenError as exc:
        return fail(f"error: {exc.line()}", exc.exit_code)
    except KeyboardInterrupt:
        return fail("interrupted: output folders are as the last run that finished left them", INTERRUPTED)
    except BrokenPipeError:
        raise  # app's, below
    except OSError as exc:  # what no command expected: a full disk
        where = f"{exc.filename}: " if exc.filename else ""
        return fail(f"error: {where}{exc.strerror or exc} (free some space or choose another place)", 1)


def app(args: list[str] | None = None):
    """Run the command `args` (default: the process's own) and exit with its status."""
    try:
        try:
            status = run(sys.argv[1:] if args is None else args)
        except SystemExit as exit:  # argparse's --help
            status = exit.code
        sys.stdout.flush()  # a reader that went away shows here, not in Python's flush at exit
    except BrokenPipeError:  # `formgen read x.docx | head -1`: the reader has what it wanted
        _silence_standard_streams()
        status = READER_GONE
    raise SystemExit(status)


def _silence_standard_streams() -> None:
    """Point stdout and stderr at the null device, so that Python's flush at exit finds no closed
    pipe to complain about (the recipe in the documentation of `signal`, note on SIGPIPE)."""
    null = os.open(os.devnull, os.O_WRONLY)
    for stream in (sys.stdout, sys.stderr):
        try:
            os.dup2(null, stream.fileno())
        except (OSError, ValueError, AttributeError):  # not a file (a test's StringIO)
            pass
    os.close(null)


def main() -> None:
    """The `formgen` command. What it made is left to the system as the process ends: Python's
    collections at exit walk every object only to free memory that is freed anyway, 3–4 % of a
    one-form build or of `check` (its files are closed and its folders cleaned up before this)."""
    try:
        app()
    finally:
        gc.freeze()
