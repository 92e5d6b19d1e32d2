"""README's promises, each checked where a user would see it break."""
import csv
import json
import shutil

import pytest
from typer.testing import CliRunner

from generator import DEFAULT_CALL
from generator.call import load_call
from generator.cli import app
from generator.collect import collect
from generator.fill import fill, fillable_forms
from test_fill_collect import municipalities, write_csv


@pytest.fixture(scope="module")
def filled(tmp_path_factory):
    """`fill`'s own output for two municipalities, Kyrgyz DOCX."""
    root = tmp_path_factory.mktemp("filled")
    data = write_csv(root / "data.csv", municipalities(2))
    report = fill(data, DEFAULT_CALL, root / "out", ["ky"], ["docx"], jobs=1)
    assert report.problems == [] and (root / "out" / "manifest.json").is_file()
    return root / "out"


def test_collecting_a_fill_folder_does_not_report_its_manifest(filled):
    applications, problems = collect([filled], load_call(DEFAULT_CALL))
    assert len(applications) == 2
    assert [p for p in problems if "manifest" in p[0]] == []


def test_an_application_without_its_letter_or_annex_is_reported(filled, tmp_path):
    copy = shutil.copytree(filled, tmp_path / "returned")
    first, second = sorted(p for p in copy.iterdir() if p.is_dir())
    letter, annex = (form.id for form in fillable_forms())  # the application's two documents
    (first / "ky" / f"{letter}.docx").unlink()
    (second / "ky" / f"{annex}.docx").unlink()
    _, problems = collect([copy], load_call(DEFAULT_CALL))
    assert (str(first), f"no {letter} in this application") in problems
    assert (str(second), f"no {annex} in this application") in problems
