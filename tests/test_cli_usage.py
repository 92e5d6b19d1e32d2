"""Misuse of the command line, as a new user meets it: one line with the fix and one exit code per
kind of fault (2 for a wrong option or a path that does not exist), a closed pipe without a
traceback, and the built-in forms never written."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_runner import CliRunner

from generator import FORMS_DIR, LOCALES_DIR
from generator.cli import COMMANDS, READER_GONE, app
from generator.sources.definitions import load_forms

PYTHON_CLI = [sys.executable, "-c", "from generator.cli import main; main()"]
OUTPUTS = {"--out", "--output", "--review", "--report", "folder"}  # paths a command writes: they need not exist


def invoke(*args):
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exception is None and "Traceback" not in result.output, result.output
    return result


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    """Files each command can read: a filled DOCX, a data file, a folder of returns."""
    folder = tmp_path_factory.mktemp("inputs")
    form = next(form_id for form_id, form in load_forms().items() if any(form.field_defs()))
    assert invoke("build", "--out", folder / "built", "--form", form, "--lang", "ru", "--format", "docx",
                  "--no-site").exit_code == 0
    docx = next((folder / "built").rglob("*.docx"))
    data = folder / "rows.csv"
    data.write_text("unknown_column\nx\n", encoding="utf-8")
    return {"docx": docx, "data": data, "returns": docx.parent}


# ---- a path that does not exist: exit code 2 whichever command and argument ------------------------

# (command and arguments, the option that names the missing path "@"); the other paths exist.
MISSING_PATHS = [
    (["build", "--call", "@"], "--call"),
    (["build", "--letterhead", "@"], "--letterhead"),
    (["build", "--letterhead-pdf", "@"], "--letterhead-pdf"),
    (["build", "--project", "@"], "--project"),
    (["check", "--call", "@"], "--call"),
    (["check", "--project", "@"], "--project"),
    (["fill", "--data", "@"], "--data"),
    (["fill", "--data", "{data}", "--call", "@"], "--call"),
    (["fill", "--data", "{data}", "--project", "@"], "--project"),
    (["collect", "@"], "inputs"),
    (["collect", "{returns}", "--call", "@"], "--call"),
    (["collect", "{returns}", "--project", "@"], "--project"),
    (["new-call", "--id", "2031", "--from", "@"], "--from"),
    (["new-call", "--id", "2031", "--project", "@"], "--project"),
    (["read", "@"], "file"),
    (["read", "{docx}", "--project", "@"], "--project"),
    (["import", "@", "--id", "x"], "documents"),
    (["import", "{docx}", "--id", "x", "--call", "@"], "--call"),
    (["import", "{docx}", "--id", "x", "--project", "@"], "--project"),
    (["catalogs", "extract", "--project", "@"], "--project"),
    (["catalogs", "update", "--project", "@"], "--project"),
    (["catalogs", "compile", "--project", "@"], "--project"),
]


def test_the_table_names_every_path_a_command_reads():
    read = {(command.words[0] if len(command.words) == 1 else " ".join(command.words), argument.flags[0])
            for command in COMMANDS for argument in command.arguments
            if argument.settings.get("type") is Path and argument.flags[0] not in OUTPUTS}
    tabled = {(" ".join(args[:2]) if args[0] == "catalogs" else args[0], option) for args, option in MISSING_PATHS}
    assert read == tabled


@pytest.mark.parametrize("args, option", MISSING_PATHS, ids=[" ".join(a) for a, _ in MISSING_PATHS])
def test_a_path_that_does_not_exist_exits_2_with_one_line(args, option, inputs, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    missing = tmp_path / "nowhere" / "x.yaml"
    result = invoke(*[missing if a == "@" else a.format(**inputs) for a in args], *(
        ["--out", tmp_path / "out"] if args[0] == "build" else []))
    assert result.exit_code == 2, result.output
    assert result.stdout == "" and result.stderr.count("\n") == 1, result.output
    line = result.stderr
    assert line.startswith("error: ") and str(missing) in line and "(" in line, line  # the fix in brackets
    assert option in line or option in ("inputs", "file", "documents")
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # nothing written


# ---- argument errors: what is allowed and how to fix it, on one line -----------------------------

ARGUMENT_ERRORS = [
    (["fill", "--data", "{data}", "--jobs", "0"], ["--jobs", "'0'", "1 or more", "leave --jobs out"]),
    (["fill", "--data", "{data}", "--jobs", "two"], ["--jobs", "'two'", "1 or more"]),
    (["build", "--lang", "de"], ["--lang", "'de'", "editions", "ru (Русский), ky (Кыргызча), ru+ky", "ky-XA"]),
    (["build", "--lang", "kg"], ["--lang", "'kg'", "did you mean 'ky'?"]),
    (["build", "--format", "odt"], ["--format", "'odt'", "use one of: docx, pdf"]),
    (["collect", "--lang", "ru+ky", "{returns}"], ["--lang", "'ru+ky'", "ru (Русский), ky (Кыргызча)"]),
    (["collect"], ["no inputs given", "formgen collect returned/"]),
    (["collect", "{returns}", "--out", "apps.txt"], ["--out", "'.txt'", ".xlsx, .csv or .json"]),
    (["collect", "{returns}", "--lang", "ru", "--lang", "ky"], ["--lang", "given twice", "ru, then ky", "once"]),
    (["build", "--out", "a", "--out", "b"], ["--out", "given twice", "once"]),
    (["fill"], ["--data is missing", "formgen fill --data"]),
    (["new-call"], ["--id is missing", "formgen new-call --id 2026"]),
    (["read"], ["no file given", "formgen read"]),
    (["init"], ["no folder given", "formgen init"]),
    (["import"], ["no documents given", "formgen import annex3-ru.docx annex3-ky.docx --id annex3"]),
    (["import", "{docx}"], ["--id is missing", "--id annex3"]),
    (["build", "--no-s"], ["unknown option --no-s", "did you mean '--no-site'?"]),
    (["build", "--out"], ["--out", "expected one argument", "formgen build --help"]),
    (["explode"], ["'explode' is not a command", "use one of: build, check"]),
    (["catalogs", "extrakt"], ["'extrakt' is not a command", "did you mean 'extract'?"]),
    (["check", "stray"], ["'stray' is not taken here"]),
]


@pytest.mark.parametrize("args, says", ARGUMENT_ERRORS, ids=[" ".join(a) for a, _ in ARGUMENT_ERRORS])
def test_an_argument_error_says_what_is_allowed_in_one_line(args, says, inputs, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke(*[a.format(**inputs) for a in args])
    assert result.exit_code == 2, result.output
    assert result.stdout == "" and result.stderr.count("\n") == 1 and "Usage" not in result.stderr, result.output
    assert result.stderr.startswith("error: ") and result.stderr.rstrip().endswith(")"), result.stderr
    assert all(part in result.stderr for part in says), result.stderr
    assert list(tmp_path.iterdir()) == []


def test_help_still_shows_required_arguments_as_required():
    for words, shown in ((["fill"], "--data FILE [--call FILE]"), (["collect"], "INPUTS [INPUTS ...]"),
                         (["read"], "FILE")):
        result = invoke(*words, "--help")
        usage = " ".join(result.stdout.split("\n\n")[0].split())
        assert result.exit_code == 0 and shown in usage and f"[{shown}" not in usage, usage


# ---- a closed pipe: no traceback, the shell's exit code --------------------------------------------

def every_command_printing(inputs, folder: Path) -> dict[tuple[str, ...], list[str]]:
    """Each command with arguments under which it prints something (to stdout, or stderr for read)."""
    project = folder / "project"
    return {
        ("build",): ["build", "--out", folder / "out", "--format", "docx", "--lang", "ru", "--no-site"],
        ("check",): ["check"],
        ("fill",): ["fill", "--data", inputs["data"], "--out", folder / "filled", "--format", "docx"],
        ("collect",): ["collect", inputs["returns"], "--out", folder / "a.json"],
        ("new-call",): ["new-call", "--id", "2031", "--out", folder / "2031.yaml"],
        ("read",): ["read", inputs["docx"]],
        ("explain",): ["explain"],
        ("init",): ["init", project],
        ("import",): ["import", inputs["docx"], "--id", "imported", "--project", project],
        ("catalogs", "extract"): ["catalogs", "extract", "--output", folder / "forms.pot"],
        ("catalogs", "update"): ["catalogs", "update", "--project", project],
        ("catalogs", "compile"): ["catalogs", "compile", "--project", project],
    }


def run_into_closed_pipe(args, stream: str, cwd: Path) -> subprocess.CompletedProcess:
    """The command with `stream` a pipe whose reader has already gone (`| head -0`), the other captured."""
    reader, writer = os.pipe()
    os.close(reader)
    try:
        other = "stderr" if stream == "stdout" else "stdout"
        return subprocess.run([*PYTHON_CLI, *map(str, args)], cwd=cwd, text=True, timeout=120,
                              **{stream: writer, other: subprocess.PIPE})
    finally:
        os.close(writer)


def test_a_closed_stdout_ends_every_command_quietly(inputs, tmp_path):
    commands = every_command_printing(inputs, tmp_path)
    assert set(commands) == {command.words for command in COMMANDS}
    for words, args in commands.items():
        result = run_into_closed_pipe(args, "stdout", tmp_path)
        assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr, (words, result.stderr)
        assert result.returncode == READER_GONE, (words, result.returncode, result.stderr)
    for args in (["--help"], ["build", "--help"]):  # argparse itself drops what it cannot write
        result = run_into_closed_pipe(args, "stdout", tmp_path)
        assert result.returncode in (0, READER_GONE) and result.stderr == "", (args, result.stderr)


def test_a_closed_stderr_ends_every_command_quietly(inputs, tmp_path):
    """Errors, summaries and warnings go to stderr: its reader gone, the command still ends without
    a traceback (which would have nowhere to go: the exit code tells)."""
    for command in COMMANDS:
        result = run_into_closed_pipe([*command.words, "--bogus"], "stderr", tmp_path)
        assert result.returncode == READER_GONE and result.stdout == "", (command.words, result.returncode)
    summary = run_into_closed_pipe(["read", inputs["docx"]], "stderr", tmp_path)  # its JSON on stdout, then stderr
    assert summary.returncode == READER_GONE and summary.stdout.startswith("{")


def test_read_piped_into_head_prints_its_first_line_and_no_traceback(inputs):
    result = subprocess.run(f"{' '.join(PYTHON_CLI[:2])} '{PYTHON_CLI[2]}' read '{inputs['docx']}' | head -1",
                            shell=True, capture_output=True, text=True, timeout=60)
    assert result.stdout == "{\n" and "Traceback" not in result.stderr, result.stderr


# ---- the built-in forms are read-only --------------------------------------------------------------

def package_files() -> dict[Path, bytes]:
    return {p: p.read_bytes() for folder in (FORMS_DIR, LOCALES_DIR) for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("args", [["catalogs", "extract"], ["catalogs", "update"], ["catalogs", "compile"],
                                  ["new-call", "--id", "2031", "--from", str(FORMS_DIR / "calls" / "2025.yaml")]])
def test_outside_a_project_nothing_is_written_into_the_built_in_forms(args, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # not a project: the command reads the built-in forms
    before = package_files()
    result = invoke(*args)
    assert result.exit_code == 2 and result.output.startswith("error: FG505 "), result.output
    assert "read-only" in result.output and "formgen init DIR" in result.output
    assert package_files() == before


def test_outside_a_project_a_pot_may_still_be_written_elsewhere(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke("catalogs", "extract", "--output", tmp_path / "forms.pot")
    assert result.exit_code == 0, result.output
    assert 'msgid "' in (tmp_path / "forms.pot").read_text(encoding="utf-8")
