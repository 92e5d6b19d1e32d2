"""`fill` with hostile data and interrupted runs: every row is produced or reported, the previous
output survives a failure, and the manifest lists exactly the files on disk."""
import json
import os
import zipfile
from pathlib import Path

import pytest
from cli_runner import CliRunner

from generator import DEFAULT_CALL
from generator.cli import app
from generator.errors import FormgenError
from generator.commands.fill import fill
from generator.workers import usable_jobs
from generator.disk.folders import staged_folder
from generator.formats.tables.rows import read_rows
from hostile.bombs import xlsx_bomb
from test_fill_collect import manifest_agrees_with_disk, municipalities, write_csv


def run_fill(data: Path, out: Path, **options):
    return fill(data, DEFAULT_CALL, out, ["ru"], options.pop("formats", ["docx"]), jobs=1, **options)


def problems_by_row(report) -> dict[int, str]:
    return {int(p.split(": row ")[1].split(":")[0].split(",")[0]): p for p in report.problems}


def test_an_interrupted_run_leaves_the_previous_output(tmp_path):
    data = write_csv(tmp_path / "data.csv", municipalities(3))
    out = tmp_path / "out"
    run_fill(data, out)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def interrupt(done):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_fill(write_csv(tmp_path / "other.csv", municipalities(5)), out, progress=interrupt)
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.csv", "other.csv", "out"]  # no staging left


def test_ctrl_c_is_one_line_and_exit_130(tmp_path, monkeypatch):
    import generator.commands.fill

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(generator.commands.fill, "_fill", interrupted)
    data = write_csv(tmp_path / "data.csv", municipalities(2))
    result = CliRunner().invoke(app, ["fill", "--data", str(data), "--out", str(tmp_path / "out")])
    assert result.exit_code == 130
    assert result.output.strip().startswith("interrupted") and len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_a_second_fill_into_the_same_folder_is_refused_while_one_runs(tmp_path):
    out = tmp_path / "out"
    data = write_csv(tmp_path / "data.csv", municipalities(1))
    with staged_folder(out, "rows"):
        with pytest.raises(FormgenError, match="another run is writing into this folder"):
            run_fill(data, out)
    assert run_fill(data, out).rows  # the lock goes with the run that held it


def test_a_folder_that_no_run_wrote_is_never_replaced(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "thesis.docx").write_text("years of work")
    with pytest.raises(FormgenError, match="holds files that no earlier run wrote"):
        run_fill(write_csv(tmp_path / "data.csv", municipalities(1)), home)
    assert (home / "thesis.docx").read_text() == "years of work"


def test_broken_csv_rows_are_reported_by_row_and_the_rest_produced(tmp_path):
    data = tmp_path / "data.csv"
    big = "Я" * 200_000  # over the csv module's own field limit of 131 072
    data.write_text("aa_name,sender_head\n"
                    "Талас,1\n"
                    "Нарын,2,extra\n"
                    f"Кочкор,{big}\n"
                    'Ош,"12\n'  # a quote never closed: the rest would be one cell
                    "Баткен,5\n"
                    "Чүй,6\n", encoding="utf-8")
    out = tmp_path / "out"
    report = run_fill(data, out)
    problems = problems_by_row(report)
    assert sorted(problems) == [3, 4, 5]
    assert "more than the 2 columns" in problems[3]
    assert "200000 characters" in problems[4] and "column sender_head" in problems[4]
    assert "never closed" in problems[5]
    assert [(r["row"], r["name"]) for r in report.rows] == [(2, "Талас"), (6, "Баткен"), (7, "Чүй")]
    assert manifest_agrees_with_disk(out)


def test_yaml_values_are_read_as_written(tmp_path):
    data = tmp_path / "data.yaml"
    data.write_text("- aa_name: no\n  phone_fax: 0555123456\n  procurement_specialist: 12:30:00\n"
                    "  population: 0123\n", encoding="utf-8")
    report = run_fill(data, tmp_path / "out")
    assert report.rows[0]["name"] == "no"
    from generator.formats.docx.read import read_docx_values

    values = read_docx_values(tmp_path / "out" / "no" / "ru" / "annex2.docx")
    # YAML 1.1 would give False, an octal 95 (or 83) and 45000 seconds
    assert (values["phone_fax"], values["procurement_specialist"], values["population"]) == \
        ("0555123456", "12:30:00", "0123")
    assert report.problems == []


def test_a_yaml_key_given_twice_refuses_the_file(tmp_path):
    data = tmp_path / "data.yaml"
    data.write_text("- aa_name: Талас\n  population: 1\n  population: 2\n", encoding="utf-8")
    with pytest.raises(FormgenError, match="line 3.*'population' given twice"):
        run_fill(data, tmp_path / "out")


@pytest.mark.parametrize("value, shown", [("Айыл 😀", "U+1F600"), ("村", "U+6751"), ("قرية", "U+0642"),
                                          ("a\\uFFFE", "U+FFFE"), ("a\\uFFFF", "U+FFFF"), ("a\\uD800", "U+D800")])
def test_characters_no_document_can_show_are_reported_by_row_and_column(tmp_path, value, shown):
    data = tmp_path / "data.yaml"
    data.write_text(f'- aa_name: Талас\n- aa_name: Нарын\n  sender_head: "{value}"\n', encoding="utf-8")
    report = run_fill(data, tmp_path / "out", formats=["pdf"])
    assert len(report.problems) == 1 and ": row 2, column sender_head: " in report.problems[0]
    assert shown in report.problems[0]
    assert [r["name"] for r in report.rows] == ["Талас"]
    json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))


def test_jobs_are_bounded_by_the_cores():
    assert 1 <= usable_jobs(10_000) <= (os.cpu_count() or 1)
    assert usable_jobs(None) <= 2


def test_an_xlsx_bomb_is_refused_before_it_is_unpacked(tmp_path, monkeypatch):
    bomb = xlsx_bomb(tmp_path / "data.xlsx")
    assert bomb.stat().st_size < 2_000_000

    def unpack(*args, **kwargs):
        raise AssertionError("a part of the bomb was unpacked")

    with monkeypatch.context() as patched:  # refused by the sizes the zip declares, no part opened
        patched.setattr(zipfile.ZipFile, "open", unpack)
        with pytest.raises(FormgenError, match="unpacks to 1572 MB"):
            read_rows(bomb)
    with pytest.raises(FormgenError, match="unpacks to 1572 MB"):
        run_fill(bomb, tmp_path / "out")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("kind", ["fifo", "device", "folder"])
def test_a_data_path_that_is_not_a_file_is_refused_before_reading(tmp_path, kind):
    data = tmp_path / "data.csv"
    if kind == "fifo":
        os.mkfifo(data)  # reading it would wait for a writer for ever
    elif kind == "device":
        data.symlink_to("/dev/zero")  # reading it would never end
    else:
        data.mkdir()
    with pytest.raises(FormgenError, match="not a regular file|a folder"):
        run_fill(data, tmp_path / "out")
