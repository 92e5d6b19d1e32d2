"""The command line: builds, and one clear line with exit code 1 or 2 for bad input."""
import errno
import json
import os
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from cli_runner import CliRunner

from generator import DEFAULT_CALL
from generator.pipeline import used_message_ids
from generator.cli import COMMANDS, app
from generator.sources.definitions import load_forms
from generator.errors import FormgenError

runner = CliRunner()


def invoke(*args):
    result = runner.invoke(app, list(map(str, args)))
    assert "Traceback" not in result.output
    return result


def build_docx(out, *extra):
    return invoke("build", "--out", out, "--format", "docx", *extra)


def test_build_writes_every_form_and_a_manifest(tmp_path):
    result = build_docx(tmp_path)
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "2025" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["call"] == "2025"
    paths = sorted(entry["path"] for entry in manifest["files"])
    assert paths == sorted(f"{lang}/{form}.docx" for lang in ("ky", "ru", "ru+ky") for form in load_forms())
    for entry in manifest["files"]:
        data = (tmp_path / "2025" / entry["path"]).read_bytes()
        assert entry["bytes"] == len(data)
        assert entry["sha256"] == __import__("hashlib").sha256(data).hexdigest()


def test_build_selects_language_and_form(tmp_path):
    result = build_docx(tmp_path, "--lang", "ky", "--form", "annex2")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "2025").rglob("*.docx")) == ["annex2.docx"]
    assert (tmp_path / "2025" / "ky" / "annex2.docx").exists()


def test_two_builds_are_byte_identical(tmp_path):
    build_docx(tmp_path / "a")
    build_docx(tmp_path / "b")
    first = {p.relative_to(tmp_path / "a"): p.read_bytes() for p in (tmp_path / "a").rglob("*") if p.is_file()}
    second = {p.relative_to(tmp_path / "b"): p.read_bytes() for p in (tmp_path / "b").rglob("*") if p.is_file()}
    assert first == second and len(first) == 14  # 9 DOCX, manifest, 2 pages, style, zip


def test_unknown_lang(tmp_path):
    result = build_docx(tmp_path, "--lang", "en")
    assert result.exit_code == 2
    assert "--lang" in result.output and "'en'" in result.output


def test_unknown_form(tmp_path):
    result = build_docx(tmp_path, "--form", "annex9")
    assert result.exit_code == 2
    assert "error: --form: annex9: no such form (use one of: announcement, interest_letter, annex2)" in result.output


def test_a_call_that_does_not_exist(tmp_path):
    result = build_docx(tmp_path, "--call", tmp_path / "nope.yaml")
    assert result.exit_code == 2  # a path that does not exist, as for every command (test_cli_usage.py)
    assert result.output.startswith(f"error: --call: {tmp_path / 'nope.yaml'}: no such file, and no call of that id "
                                    "in ") and result.output.endswith("one: 2025)\n")


def test_malformed_call_yaml(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(DEFAULT_CALL.read_text(encoding="utf-8").replace("donor_years: [2022, 2024]", "donor_years: [2022, 2024"),
                   encoding="utf-8")
    result = build_docx(tmp_path / "out", "--call", bad)
    assert result.exit_code == 1
    line = result.output.strip()
    assert line.startswith(f"error: FG005 {bad}: line ") and "malformed YAML" in line and len(line.splitlines()) == 1


def test_malformed_po(source_copy, tmp_path):
    forms, locales, call = source_copy
    po = locales / "ru" / "LC_MESSAGES" / "forms.po"
    po.write_text(po.read_text(encoding="utf-8").replace('msgstr "Печать"', 'msgstr "Печать'), encoding="utf-8")
    result = invoke("check", "--project", forms.parent, "--call", call)
    assert result.exit_code == 1
    assert f"{po}: line" in result.output and "malformed .po" in result.output


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_output_folder_not_writable(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    result = build_docx(locked)
    assert result.exit_code == 1 and "cannot write" in result.output and "--out" in result.output


def test_output_path_is_a_file(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = build_docx(blocker)
    assert result.exit_code == 1
    assert result.output.startswith(f"error: {blocker / '2025'}") and "cannot write" in result.output


def test_read_prints_values(tmp_path):
    build_docx(tmp_path, "--lang", "ky", "--form", "interest_letter")
    result = invoke("read", tmp_path / "2025" / "ky" / "interest_letter.docx")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["sender_head"] == ""
    assert result.stderr.startswith("11 fields of interest_letter of ")  # the summary names form and project


def test_read_refuses_a_file_that_is_not_docx(tmp_path):
    fake = tmp_path / "letter.docx"
    fake.write_bytes(b"%PDF-1.7 not a zip")
    result = invoke("read", fake)
    assert result.exit_code == 1 and "not a Word document" in result.output


def test_a_wrong_option_names_its_command_and_exits_2(tmp_path):
    result = invoke("check", "--bogus")
    assert result.exit_code == 2 and result.output.startswith("error: formgen check: unknown option --bogus (")
    abbreviated = build_docx(tmp_path, "--no-s")  # click never guessed a prefix; neither do we
    assert abbreviated.exit_code == 2 and not (tmp_path / "2025").exists()
    alone = invoke()
    assert alone.exit_code == 2 and all(command.words[0] in alone.output for command in COMMANDS)


def test_help_everywhere():
    for args in ([], ["build"], ["check"], ["read"], ["catalogs"], ["catalogs", "compile"]):
        result = invoke(*args, "--help")
        assert result.exit_code == 0 and "Usage" in result.output


def test_babel_extraction_finds_every_message_id():
    """What `pybabel extract -F babel.cfg` does, through Babel's API with the same method map."""
    root = Path(__file__).resolve().parents[1]  # the source tree, where babel.cfg is
    method_map = [("forms/*.yaml", "generator.sources.catalogs:extract_forms"), ("generator/**.py", "python")]
    found = {message for _, _, message, _, _ in
             extract_from_dir(root, method_map, keywords={"N_": None}, options_map={})}
    assert found == set(used_message_ids(list(load_forms().values())))


def required_arguments(command, value: str) -> list[str]:
    args = []
    for argument in command.arguments:
        if argument.required:
            args += [argument.flags[0], value] if argument.flags[0].startswith("-") else [value]
    return args


@pytest.mark.parametrize("error, code, start", [
    (lambda: FormgenError("f.yaml", "line 3", "bad", "fix it"), 1, "error: f.yaml: line 3: bad (fix it)"),
    (lambda: OSError(errno.ENOSPC, "No space left on device", "out.xlsx"), 1, "error: out.xlsx: No space left"),
    (lambda: KeyboardInterrupt(), 130, "interrupted"),
])
def test_every_command_reports_errors_in_one_line(error, code, start, capsys, tmp_path):
    assert len(COMMANDS) >= 10  # build, check, fill, collect, new-call, read, init, catalogs ×3

    def fails(*args, **kwargs):
        raise error()

    for command in COMMANDS:
        original, command.run = command.run, fails
        try:
            with pytest.raises(SystemExit) as exit:
                app([*command.words, *required_arguments(command, str(tmp_path))])
        finally:
            command.run = original
        path = command.words
        output = capsys.readouterr()
        assert exit.value.code == code and output.out == "", (path, output)
        assert output.err.startswith(start) and output.err.count("\n") == 1, (path, output)


def test_collect_of_a_path_that_does_not_exist_exits_2(tmp_path):
    result = invoke("collect", tmp_path / "nowhere", "--out", tmp_path / "a.xlsx")
    assert result.exit_code == 2
    assert result.output == f"error: {tmp_path / 'nowhere'}: no such file or folder (check the path of the returned forms)\n"
    assert not (tmp_path / "a.xlsx").exists()


def test_a_full_disk_while_writing_the_workbook_is_one_line(tmp_path, monkeypatch):
    import pathlib

    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    (tmp_path / "returned").mkdir()
    out = tmp_path / "applications.xlsx"
    out.write_bytes(b"the previous workbook")
    monkeypatch.setattr(pathlib.Path, "write_bytes", no_space)  # the workbook's one write
    result = invoke("collect", tmp_path / "returned", "--out", out)
    assert result.exit_code == 1 and result.output.count("\n") == 1
    assert result.output.startswith(f"error: {out}: cannot write: No space left on device")
    assert out.read_bytes() == b"the previous workbook"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["applications.xlsx", "returned"]


def test_files_may_stand_on_both_sides_of_an_option(tmp_path):
    """As click allowed: `collect a.docx --out table.xlsx b.docx` reads both files."""
    form = next(form_id for form_id, form in load_forms().items() if any(form.field_defs()))
    assert invoke("build", "--out", tmp_path, "--form", form, "--lang", "ru", "--format", "docx",
                  "--no-site").exit_code == 0
    first = tmp_path / "2025" / "ru" / f"{form}.docx"
    second = tmp_path / "second.docx"
    second.write_bytes(first.read_bytes())
    table = tmp_path / "table.xlsx"
    result = invoke("collect", first, "--out", table, second)
    assert result.exit_code in (0, 1), result.output
    assert result.output.startswith("2 applications"), result.output


EXIT_WATCH = """
import atexit, gc, sys
atexit.register(lambda: print(gc.get_freeze_count(), len(gc.get_objects())))
sys.argv = ["formgen", *sys.argv[1:]]
from generator.cli import main
main()
"""


@pytest.mark.parametrize("args", [["check"], ["build", "--form", "nosuchform", "--out", "out"]])
def test_the_command_leaves_its_objects_to_the_system_at_exit(args, tmp_path):
    """Python's collections at exit would walk everything a command made only to free it as the
    process ends: `formgen` freezes its objects first, after a command that worked or failed."""
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-c", EXIT_WATCH, *args], capture_output=True, text=True, cwd=tmp_path)
    frozen, collectable = map(int, result.stdout.split()[-2:])
    assert frozen > 10_000 and collectable < frozen / 100, (frozen, collectable, result.stderr)


def test_version_says_the_installed_formgen():
    from generator import __version__

    result = invoke("--version")
    assert result.exit_code == 0 and result.output == f"formgen {__version__}\n"
