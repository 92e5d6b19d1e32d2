"""The formats are one table (generator/formats/registry.py): a format added to it, and nowhere
else, is built, listed in the manifest, on the page and in the zip; a returned file's kind is told
from its bytes, an ODT apart from a DOCX; and what reads a file as a scan is a named error, not
the words of a message."""
import hashlib
import io
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from cli_runner import CliRunner
from conftest import require

import generator.commands.collect
import generator.formats.pdf.returned
from generator import DEFAULT_CALL
from generator.cli import app
from generator.commands.collect import Forms, collect
from generator.errors import FormgenError
from generator.formats.registry import FILE_KINDS, FORMATS, Format, file_kind, format_names
from generator.pipeline import localized_documents, render_bytes
from generator.sources.call import load_call
from generator.sources.definitions import load_forms

CALL = load_call(DEFAULT_CALL)


def plain_text(document, values=None):
    """A toy format, known to this test alone: the title, then a line per field."""
    lines = [document.title, *(f"{field.label}: {(values or {}).get(field.id, '____')}" for field in document.fields())]
    return "\n".join(lines).encode("utf-8"), None


@pytest.fixture
def toy_format(monkeypatch):
    monkeypatch.setitem(FORMATS, "txt", Format("txt", plain_text))


def invoke(*args):
    result = CliRunner().invoke(app, [str(arg) for arg in args])
    assert "Traceback" not in result.output, result.output
    return result


def test_a_format_added_to_the_registry_alone_is_built_listed_on_the_page_and_zipped(tmp_path, toy_format):
    result = invoke("build", "--out", tmp_path, "--format", "txt", "--lang", "ky")
    assert result.exit_code == 0, result.output
    call_dir = tmp_path / CALL.id
    documents = {d.form_id: d for d in localized_documents(CALL, ["ky"])}
    entries = json.loads((call_dir / "manifest.json").read_text(encoding="utf-8"))["files"]
    assert [(e["form"], e["lang"], e["format"], e["path"]) for e in entries] == [
        (form, "ky", "txt", f"ky/{form}.txt") for form in load_forms()]
    for entry in entries:
        data = (call_dir / entry["path"]).read_bytes()
        assert data == plain_text(documents[entry["form"]])[0]
        assert entry["sha256"] == hashlib.sha256(data).hexdigest() and entry["pages"] is None
    for page in ("index.html", "index.ru.html"):
        links = re.findall(r'<a class="file" href="([^"]+)"[^>]*><span class="format">([^<]+)</span>',
                           (call_dir / page).read_text(encoding="utf-8"))
        assert links == [(entry["path"], "TXT") for entry in entries]
    with zipfile.ZipFile(call_dir / f"{CALL.id}-forms.zip") as bundle:
        assert {name: bundle.read(name) for name in bundle.namelist()} == {
            f"{CALL.id}-ky-{e['form']}.txt": (call_dir / e["path"]).read_bytes() for e in entries}


def test_a_later_build_keeps_the_files_of_a_registered_format(tmp_path, toy_format):
    assert invoke("build", "--out", tmp_path, "--format", "txt", "--lang", "ky").exit_code == 0
    assert invoke("build", "--out", tmp_path, "--format", "pdf", "--lang", "ky").exit_code == 0
    entries = json.loads((tmp_path / CALL.id / "manifest.json").read_text(encoding="utf-8"))["files"]
    assert {e["format"] for e in entries} == {"pdf", "txt"}


def test_the_command_line_takes_its_choices_of_format_from_the_registry(tmp_path, toy_format):
    result = invoke("build", "--help")
    assert "--format docx|pdf|txt" in result.stdout
    refused = invoke("build", "--out", tmp_path, "--format", "odt")
    assert refused.exit_code == 2 and "use one of: docx, pdf, txt" in refused.stderr
    # fill makes a row's copy from a blank: a format without one is not among its choices
    assert format_names("fill") == ("docx", "pdf")
    data = tmp_path / "rows.csv"
    data.write_text("aa_name\nОш\n", encoding="utf-8")
    refused = invoke("fill", "--data", data, "--out", tmp_path / "filled", "--format", "txt")
    assert refused.exit_code == 2 and "use one of: docx, pdf;" in refused.stderr


# ---- what a returned file is ------------------------------------------------------------------------

def kind_name(data: bytes) -> str | None:
    kind = file_kind(data, "x")
    return kind.name if kind else None


def test_each_kind_is_told_from_its_bytes():
    document = localized_documents(CALL, ["ky"], ["annex2"])[0]
    assert kind_name(render_bytes(document, "pdf")) == "pdf"
    docx = render_bytes(document, "docx")
    assert kind_name(docx) == "docx"
    reordered = io.BytesIO()  # what the package declares is found wherever it lies, not only first
    with zipfile.ZipFile(io.BytesIO(docx)) as source, zipfile.ZipFile(reordered, "w", zipfile.ZIP_DEFLATED) as copy:
        for name in sorted(source.namelist(), key=lambda name: name == "[Content_Types].xml"):
            copy.writestr(name, source.read(name))
    assert not reordered.getvalue()[30:].startswith(b"[Content_Types].xml") and kind_name(reordered.getvalue()) == "docx"
    assert kind_name(b"\x89PNG\r\n\x1a\n") == "png" and kind_name(b"II*\x00") == "tiff" == kind_name(b"MM\x00*")
    other = io.BytesIO()
    with zipfile.ZipFile(other, "w") as package:  # a zip, but no document: a workbook's content types
        package.writestr("[Content_Types].xml", '<Types><Override PartName="/xl/workbook.xml" ContentType='
                         '"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>')
    assert kind_name(other.getvalue()) is None and kind_name(b"plain text") is None
    assert [kind.name for kind in FILE_KINDS if kind.scan and not kind.format] == ["png", "jpeg", "tiff"]


def test_an_odt_is_told_from_a_docx_and_without_libreoffice_refused_with_what_to_do(tmp_path, monkeypatch):
    """LibreOffice's own ODT of a form starts with PK as a DOCX does: it is read through LibreOffice
    (tests/test_libreoffice.py), and where LibreOffice is not installed it is one problem line that
    says to save it as .docx, not a DOCX reader's complaint."""
    require(shutil.which("soffice"), "LibreOffice", "apt-get install libreoffice-writer")
    docx = tmp_path / "annex2.docx"
    docx.write_bytes(render_bytes(localized_documents(CALL, ["ky"], ["annex2"])[0], "docx"))
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
                    "--convert-to", "odt", "--outdir", str(tmp_path / "returned" / "a"), str(docx)],
                   check=True, capture_output=True, timeout=120)
    odt = tmp_path / "returned" / "a" / "annex2.odt"
    assert odt.read_bytes().startswith(b"PK\x03\x04") and kind_name(odt.read_bytes()) == "odt"
    monkeypatch.setattr(shutil, "which", lambda name: None)
    applications, problems = collect([tmp_path / "returned"], CALL)
    assert applications == [] and problems == [(str(odt), "an OpenDocument text (.odt), which formgen reads "
                                                "through LibreOffice, and LibreOffice is not installed here (save it "
                                                "as .docx in Word or LibreOffice and collect it again)")]


# ---- a named error, not a message's words, reads a PDF without fields as a scan ------------------------

def test_only_a_file_without_fields_is_read_as_a_scan_whatever_an_error_says(tmp_path, monkeypatch):
    marks = tmp_path / "scanned"  # files are read in a worker process: what it reads as a scan is marked on disk
    marks.mkdir()

    def read_as_scan(path, kind, forms, fields_looked_for=False):
        (marks / path.name).touch()
        return [], []

    def scanned() -> list[str]:
        return sorted(p.name for p in marks.iterdir())

    monkeypatch.setattr(generator.commands.collect, "_read_scan", read_as_scan)

    def unreadable(path, data, documents):
        raise FormgenError(path, "", "damaged PDF: no field dictionary where one was expected", "save it again")

    monkeypatch.setattr(generator.formats.pdf.returned, "returned_values", unreadable)
    path = tmp_path / "a" / "annex2.pdf"
    path.parent.mkdir()
    path.write_bytes(render_bytes(localized_documents(CALL, ["ky"], ["annex2"])[0], "pdf"))
    forms = Forms(CALL)
    _, problems = collect([path], forms=forms)
    assert scanned() == [] and problems == [(str(path), "damaged PDF: no field dictionary where one was expected "
                                                      "(save it again)")]
    monkeypatch.setattr(generator.formats.pdf.returned, "returned_values", lambda path, data, documents: ({}, []))
    collect([path], forms=forms)  # holds none of the forms' fields: perhaps their scan
    assert scanned() == ["annex2.pdf"]
