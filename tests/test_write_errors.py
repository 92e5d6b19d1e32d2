"""An output that cannot be written gets the fix for why: a file open in another program is closed
(Windows refuses to replace it: the workbook open in Excel while `collect` runs again), a read-only
file made writable, and only a folder one may not write to is exchanged for another.

Linux lets a program replace a file another has open, so the refusal Windows gives is simulated
where it happens (os.replace, os.rename) with the PermissionError Windows raises; the files and
folders themselves are real, with the modes each case names."""
import errno
import os
import stat

import pytest
from cli_runner import CliRunner

from generator.cli import app
from generator.disk.files import SHARING_VIOLATIONS, cannot_write, write_file

OPEN_ELSEWHERE = "may be open in another program"
CLOSE_IT = "close it there"
OTHER_FOLDER = "choose a folder you can write to"


def refusal(source, target, winerror=None) -> PermissionError:
    """The error Windows raises for a file another program has open (its winerror set by hand: on
    other systems the constructor drops it)."""
    error = PermissionError(errno.EACCES, "Permission denied", str(source), None, str(target))
    if winerror is not None:
        error.winerror = winerror
    return error


def refusing(target, real, winerror=None):
    """os.replace or os.rename as Windows behaves while `target` is open in another program."""
    def move(source, destination, *args, **kwargs):
        if os.fspath(destination) == os.fspath(target) or os.fspath(source) == os.fspath(target):
            raise refusal(source, target, winerror)
        return real(source, destination, *args, **kwargs)
    return move


@pytest.fixture
def folder(tmp_path):
    yield tmp_path / "out"
    for path in tmp_path.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)


@pytest.mark.parametrize("file_mode, folder_mode, winerror, says, fix", [
    (0o644, 0o755, None, OPEN_ELSEWHERE, CLOSE_IT),  # busy: exists, writable by mode, in a writable folder
    (0o644, 0o755, SHARING_VIOLATIONS[0], OPEN_ELSEWHERE, CLOSE_IT),
    (0o444, 0o755, None, "cannot write", "the file is read-only: make it writable"),
    (0o644, 0o555, None, "cannot write", OTHER_FOLDER),  # the folder is the cause, whatever the file
    (None, 0o555, None, "cannot write", OTHER_FOLDER),
    (None, 0o755, SHARING_VIOLATIONS[0], OPEN_ELSEWHERE, CLOSE_IT),  # Windows says so itself
])
def test_the_fix_follows_the_reason(folder, file_mode, folder_mode, winerror, says, fix):
    folder.mkdir()
    target = folder / "applications.xlsx"
    if file_mode is not None:
        target.write_bytes(b"previous")
        target.chmod(file_mode)
    folder.chmod(folder_mode)
    error = cannot_write(target, refusal(target, target, winerror))
    assert says in error.problem and error.fix.startswith(fix), error.line()
    assert (OTHER_FOLDER in error.fix) == (folder_mode == 0o555)


def test_a_full_disk_keeps_its_own_fix(folder):
    folder.mkdir()
    error = cannot_write(folder / "x", OSError(errno.ENOSPC, "No space left on device"))
    assert "No space left" in error.problem and OPEN_ELSEWHERE not in error.problem


def test_a_workbook_open_in_excel_is_named_as_open_and_kept(folder, monkeypatch):
    folder.mkdir()
    (folder / "returned").mkdir()
    workbook = folder / "applications.xlsx"
    workbook.write_bytes(b"the workbook Excel has open")
    monkeypatch.setattr(os, "replace", refusing(workbook, os.replace))
    result = CliRunner().invoke(app, ["collect", folder / "returned", "--out", workbook])
    assert result.exit_code == 1 and result.output.count("\n") == 1, result.output
    assert result.output.startswith(f"error: {workbook}: cannot write: Permission denied; it {OPEN_ELSEWHERE} "
                                    f"({CLOSE_IT} (Excel, Word, a PDF viewer) and run the command again)")
    assert workbook.read_bytes() == b"the workbook Excel has open"
    assert sorted(p.name for p in folder.iterdir()) == ["applications.xlsx", "returned"]


def test_a_build_over_a_pdf_open_in_a_viewer_names_it_as_open_and_keeps_it(folder, monkeypatch):
    build = ["build", "--out", folder, "--format", "pdf", "--lang", "ru", "--no-site"]
    assert CliRunner().invoke(app, build).exit_code == 0
    pdf = next(folder.rglob("*.pdf"))
    pdf.write_bytes(b"as the viewer has it")
    for move in ("replace", "rename"):  # a build sets the old file aside, then moves the new one in
        monkeypatch.setattr(os, move, refusing(pdf, getattr(os, move), SHARING_VIOLATIONS[0]))
    result = CliRunner().invoke(app, build)
    assert result.exit_code == 1 and result.output.count("\n") == 1, result.output
    assert result.output.startswith(f"error: {pdf}: cannot write: Permission denied; it {OPEN_ELSEWHERE} ({CLOSE_IT}")
    assert pdf.read_bytes() == b"as the viewer has it" and not list(folder.rglob(".*.tmp"))


def test_a_fill_whose_earlier_output_has_a_file_open_says_so_and_keeps_it(folder, tmp_path, monkeypatch):
    data = tmp_path / "rows.csv"
    data.write_text("unknown_column\nx\n", encoding="utf-8")
    fill = ["fill", "--data", data, "--out", folder, "--format", "docx", "--lang", "ru", "--jobs", "1"]
    CliRunner().invoke(app, fill)
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    assert before
    monkeypatch.setattr(os, "rename", refusing(folder, os.rename))  # Windows: a file inside is open
    result = CliRunner().invoke(app, fill)
    assert f"error: {folder}: cannot write: Permission denied; a file in it {OPEN_ELSEWHERE}" in result.output
    assert result.exit_code == 1 and CLOSE_IT in result.output
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before


def test_a_file_written_whole_is_never_left_half_written(folder, monkeypatch):
    folder.mkdir()
    target = folder / "2026.yaml"
    monkeypatch.setattr(os, "replace", refusing(target, os.replace, SHARING_VIOLATIONS[0]))
    with pytest.raises(Exception) as refused:
        write_file(target, b"id: 2026\n")
    assert OPEN_ELSEWHERE in str(refused.value)
    assert list(folder.iterdir()) == []  # the temporary file is gone too


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into any folder")
def test_a_folder_one_cannot_write_to_is_told_to_choose_another(folder):
    folder.mkdir(mode=stat.S_IRUSR | stat.S_IXUSR)
    result = CliRunner().invoke(app, ["collect", folder, "--out", folder / "a.xlsx"])
    assert result.exit_code == 1 and OTHER_FOLDER in result.output and OPEN_ELSEWHERE not in result.output
