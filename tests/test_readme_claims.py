"""The promises of README and docs/ (commands, filling, reading returns …), each checked where a user
would see it break."""
import contextlib
import csv
import io
import json
import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path

import docx
import pypdfium2 as pdfium
import pytest
import yaml
from docx.oxml.ns import qn
from cli_runner import CliRunner

from generator import DEFAULT_CALL
from generator.pipeline import localized_documents, render_bytes
from generator.sources.call import load_call
from generator.cli import app
from generator.commands.collect import Forms, collect, tables
from generator.sources.definitions import iter_field_defs, load_forms
from generator.commands.fill import fill
from generator.pipeline import fillable_forms
from generator.model.forms import Table
from test_call import SECOND_CALL
from test_fill_collect import municipalities, write_csv

FOOTER_BAND_PT = 20 / 25.4 * 72  # the bottom margin, 20 mm


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
    letter_form, annex_form = fillable_forms()  # the application's two documents
    letter, annex = letter_form.id, annex_form.id
    (first / "ky" / f"{letter}.docx").unlink()
    (second / "ky" / f"{annex}.docx").unlink()
    _, problems = collect([copy], load_call(DEFAULT_CALL))
    assert any(p == (str(first), f"no {letter} in this application (if applications need not have it, write "
                           f"`optional: true` in {Path(letter_form.source).name})") for p in problems), problems
    assert any(p[0] == str(second) and p[1].startswith(f"no {annex} in this application (") for p in problems)


# ---- fill refuses what docs/filling.md says it refuses ------------------------------------------

def field_of_kind(kind):
    return next(f for form in fillable_forms() for f in iter_field_defs(form) if f.kind == kind)


def test_fill_refuses_bad_dates_line_breaks_and_long_values(tmp_path):
    date, text, multiline = field_of_kind("date"), field_of_kind("text"), field_of_kind("multiline")
    rows = [{date.id: "31.02.2025"}, {date.id: "2025/02/28"}, {text.id: "первая\nвторая"},
            {text.id: "я" * 301}, {multiline.id: "я" * 5001},
            {date.id: "2025-02-28", text.id: "я" * 300, multiline.id: "я\n" * 2500}]  # the limits themselves pass
    data = tmp_path / "data.yaml"
    data.write_text(yaml.safe_dump(rows, allow_unicode=True), encoding="utf-8")
    report = fill(data, DEFAULT_CALL, tmp_path / "out", ["ky"], ["docx"], jobs=1)
    assert report.problems == [
        f"{data}: row 1, column {date.id}: '31.02.2025': February 2025 has no day 31, only 1 to 28 (write a day that "
        "exists)",
        f"{data}: row 2, column {date.id}: '2025/02/28' is not a date (write DD.MM.YYYY)",
        f"{data}: row 3, column {text.id}: a line break in a single-line field",
        f"{data}: row 4, column {text.id}: 301 characters, more than the 300 this field holds",
        f"{data}: row 5, column {multiline.id}: 5001 characters, more than the 5000 this field holds"]
    assert [row["row"] for row in report.rows] == [6]


# ---- collect --out x.csv / x.json ----------------------------------------------------------------

@pytest.fixture(scope="module")
def returned(tmp_path_factory):
    """A prefilled application whose answers a spreadsheet could take for formulas."""
    root = tmp_path_factory.mktemp("returned")
    text, multiline = field_of_kind("text"), field_of_kind("multiline")
    values = {text.id: "=HYPERLINK(\"http://x\")", multiline.id: "+996 555\n  -отступ «Ң»"}  # fill drops outer spaces
    data = root / "data.yaml"
    data.write_text(yaml.safe_dump([values], allow_unicode=True), encoding="utf-8")
    assert fill(data, DEFAULT_CALL, root / "out", ["ky"], ["docx"], jobs=1).problems == []
    return root / "out", values


def test_csv_out_writes_one_file_per_sheet_headed_by_field_ids(returned, tmp_path):
    folder, values = returned
    result = CliRunner().invoke(app, ["collect", str(folder), "--out", str(tmp_path / "x.csv")])
    assert result.exit_code == 0, result.output
    call = load_call(DEFAULT_CALL)
    sheets = tables([], [], Forms(call), "ky")
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == sorted(f"x-{sheet}.csv" for sheet in sheets)
    for sheet, (_, ids, *_) in sheets.items():
        with (tmp_path / f"x-{sheet}.csv").open(encoding="utf-8-sig", newline="") as stream:
            assert next(csv.reader(stream)) == ids
    with (tmp_path / "x-general.csv").open(encoding="utf-8-sig", newline="") as stream:
        row = next(r for r in csv.DictReader(stream))
    assert {key: row[key] for key in values} == {key: "'" + value for key, value in values.items()}


def test_json_out_keeps_values_exactly(returned, tmp_path):
    folder, values = returned
    result = CliRunner().invoke(app, ["collect", str(folder), "--out", str(tmp_path / "x.json")])
    assert result.exit_code == 0, result.output
    general = json.loads((tmp_path / "x.json").read_text(encoding="utf-8"))["general"]
    assert len(general) == 1 and {key: general[0][key] for key in values} == values


# ---- DOCX tables and PDF footers ---------------------------------------------------------------

@pytest.mark.parametrize("form", [f.id for f in load_forms().values()])
@pytest.mark.parametrize("lang", ["ru", "ky"])
def test_docx_rows_never_split_and_list_headers_repeat(documents, form, lang):
    document = documents[(form, lang)]
    body = docx.Document(io.BytesIO(render_bytes(document, "docx"))).element.body
    tables = [block for block in document.blocks if isinstance(block, Table)]
    written = body.findall(qn("w:tbl"))
    assert len(written) == len(tables)
    for table, element in zip(tables, written):
        rows = element.findall(qn("w:tr"))
        assert len(rows) == len(table.rows)
        for number, row in enumerate(rows):
            assert row.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None
            repeats = row.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
            assert repeats == (number < table.header_rows)


@pytest.fixture(scope="module")
def other_call(tmp_path_factory):
    path = tmp_path_factory.mktemp("call") / "c.yaml"
    path.write_text(SECOND_CALL, encoding="utf-8")
    return load_call(path)


@pytest.mark.parametrize("lang", ["ru", "ky", "ru+ky"])
def test_every_pdf_page_footer_names_the_call_and_its_deadline(other_call, lang):
    deadline = other_call.deadline.strftime("%d.%m.%Y")  # the footer writes the short date
    for document in localized_documents(other_call, (lang,)):
        assert other_call.id in document.footer and deadline in document.footer
        pdf = pdfium.PdfDocument(render_bytes(document, "pdf"))
        for number in range(len(pdf)):
            page = pdf[number]
            bottom = page.get_textpage().get_text_bounded(top=FOOTER_BAND_PT)  # below the text area
            assert " ".join(document.footer.split()) in " ".join(bottom.split()), (document.form_id, number)


# ---- the command line as people and scripts run it ------------------------------------------------

def run_formgen(args, env=None, **streams):
    return subprocess.run([sys.executable, "-c", "from generator.cli import main; main()", *args],
                          env={**os.environ, **(env or {})}, **streams)


def test_progress_bar_on_a_terminal_and_not_in_a_pipe(tmp_path):
    data = write_csv(tmp_path / "data.csv", municipalities(2))
    args = ["fill", "--data", str(data), "--lang", "ky", "--format", "docx", "--jobs", "1"]
    controller, terminal = pty.openpty()
    try:
        run_formgen([*args, "--out", str(tmp_path / "tty")], stdout=subprocess.DEVNULL, stderr=terminal, check=True)
        os.set_blocking(controller, False)
        shown = b""
        with contextlib.suppress(BlockingIOError):
            while chunk := os.read(controller, 65536):
                shown += chunk
    finally:
        os.close(terminal)
        os.close(controller)
    piped = run_formgen([*args, "--out", str(tmp_path / "pipe")], capture_output=True, check=True)
    assert b"rows" in shown and b"2/2" in shown
    assert b"rows" not in piped.stderr and b"2/2" not in piped.stderr + piped.stdout


def test_docx_are_the_same_bytes_in_another_process(tmp_path):
    outputs = []
    for seed in ("1", "2"):  # another hash seed: set and dict orders differ between processes
        out = tmp_path / seed
        run_formgen(["build", "--format", "docx", "--no-site", "--out", str(out)], env={"PYTHONHASHSEED": seed},
                    capture_output=True, check=True)
        outputs.append({p.relative_to(out): p.read_bytes() for p in sorted(out.rglob("*.docx"))})
    assert outputs[0] and outputs[0] == outputs[1]
