"""Nothing stops a batch, nothing is lost: whatever one returned file does to a reader (a library's
error, a bug, a crash of the process reading it), `collect` reads every other file and gives that
file one problem line."""
import faulthandler
import io
import json
import os
import re
import signal
import subprocess
import sys
import zlib
from pathlib import Path

import pikepdf
import pytest
from cli_runner import CliRunner
from conftest import require
from openpyxl import load_workbook
from pikepdf import Array, Dictionary, Name, String

import generator.commands.collect
import generator.formats.pdf.read
import generator.formats.pdf.returned
from generator import DEFAULT_CALL
from generator.pipeline import localized_documents, render_bytes
from generator.sources.call import load_call
from generator.cli import app
from generator.commands.collect import Forms, collect, read_all, read_returned
from generator.errors import FormgenError
from generator.model.forms import GridDef
from hostile.bombs import values_bomb

CALL = load_call(DEFAULT_CALL)
PDFJS = Path(__file__).parent / "fixtures" / "pdfjs"
FORMGEN = str(Path(sys.executable).with_name("formgen"))
MEMORY_MB = 500  # what the hostile corpus allows a case


@pytest.fixture(scope="module")
def forms():
    return Forms(CALL)


def document(form: str = "annex2", lang: str = "ky"):
    return localized_documents(CALL, [lang], [form])[0]


def good_pdf(name: str = "Ош", form: str = "annex2") -> bytes:
    return render_bytes(document(form), "pdf", {"aa_name": name} if form == "annex2" else {})


def good_folder(root: Path, count: int) -> dict[Path, str]:
    """`count` applications, one annex2.pdf each: {file: the name it holds}."""
    files = {}
    for number in range(count):
        path = root / f"a{number:03d}" / "annex2.pdf"
        path.parent.mkdir(parents=True)
        path.write_bytes(good_pdf(f"Айыл {number}"))
        files[path] = f"Айыл {number}"
    return files


def problems_by_file(problems) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for file, problem in problems:
        found.setdefault(Path(file.split(", page ")[0]).name, []).append(problem)
    return found


def assert_read(applications, files: dict[Path, str]) -> None:
    names = {a.key: a.values().get("aa_name") for a in applications}
    assert {str(path.parent): name for path, name in files.items()}.items() <= names.items()


# ---- a batch survives any file ----------------------------------------------------------------------

def test_a_pdf_whose_page_tree_is_broken_is_one_problem_and_the_others_are_read(tmp_path):
    """pdf.js's Pages-tree-refs.pdf holds no field, so it is read as a scan, and PDFium cannot load
    its page: that was a traceback and no output at all."""
    files = good_folder(tmp_path, 3)
    for name in ("Pages-tree-refs.pdf", "boundingBox_invalid.pdf"):
        (tmp_path / name).write_bytes((PDFJS / name).read_bytes())
    applications, problems = collect([tmp_path], CALL)
    assert_read(applications, files)
    reported = problems_by_file(problems)
    assert len(reported["Pages-tree-refs.pdf"]) == 1 and len(reported["boundingBox_invalid.pdf"]) == 1
    assert reported["Pages-tree-refs.pdf"] == ["holds no field of the forms and no page with a formgen code; page 2: "
                                              "cannot be drawn (PDFium: Failed to load page.) (is it a form made by formgen?)"]


def crash_on(name: str, how, monkeypatch, once: Path | None = None) -> None:
    """Reading the file called `name` kills the process reading it, when that is a worker (not this
    process); with `once`, only the first time."""
    main, read_file = os.getpid(), generator.commands.collect.read_file

    def crashing(path, forms):
        if path.name == name and os.getpid() != main and not (once and once.exists()):
            if once:
                once.touch()
            faulthandler.disable()  # pytest's: it would print the dying worker's stack
            how()
        return read_file(path, forms)

    monkeypatch.setattr(generator.commands.collect, "read_file", crashing)


@pytest.mark.parametrize("how, death", [(lambda: os.kill(os.getpid(), signal.SIGSEGV), "SIGSEGV"),
                                        (lambda: os._exit(3), "exit code 3")], ids=["segfault", "exit"])
def test_a_worker_that_dies_costs_only_its_own_file(tmp_path, forms, monkeypatch, how, death):
    files = good_folder(tmp_path, 40)
    crashing = tmp_path / "a007" / "crash.pdf"
    crashing.write_bytes(good_pdf("никогда"))
    crash_on("crash.pdf", how, monkeypatch)
    paths = sorted(p for p in tmp_path.rglob("*.pdf"))
    results = list(read_all(iter(paths), forms, jobs=2, parallel_from=1))
    assert [path for path, _ in results] == paths  # every file, in order
    read = {path: result for path, result in results}
    assert isinstance(read[crashing], FormgenError)
    assert read[crashing].problem.startswith(f"the process reading it died twice ({death}")
    for path, name in files.items():
        ((_, returned),), problems = read[path]
        assert returned.values["aa_name"] == name and problems == []


def test_a_file_a_reader_never_finishes_costs_only_itself_in_a_small_batch_too(tmp_path, monkeypatch):
    """A library looping on a hostile file (here: inside C, where no Python handler runs) is stopped
    after PATIENCE, even in a batch of a few files, and reported in the workbook's language."""
    def loop():
        re.match(r"(a+)+$", "a" * 40 + "!")

    files = good_folder(tmp_path / "in", 3)
    stuck = tmp_path / "in" / "a001" / "stuck.pdf"
    stuck.write_bytes(good_pdf("никогда"))
    crash_on("stuck.pdf", loop, monkeypatch)
    monkeypatch.setattr(generator.commands.collect, "PATIENCE", 1)
    out = tmp_path / "a.xlsx"
    result = CliRunner().invoke(app, ["collect", str(tmp_path / "in"), "--out", str(out), "--lang", "ru"])
    assert result.exit_code == 0, result.output
    book = load_workbook(out)
    ids = [cell.value for cell in book["general"][2]]
    names = [row[ids.index("aa_name")] for row in book["general"].iter_rows(min_row=3, values_only=True)]
    assert names == [name for _, name in sorted(files.items())]  # the other files are read
    problems = [row for row in book["problems"].iter_rows(min_row=3, values_only=True) if row[1]]
    assert [(Path(row[1]).name, row[2]) for row in problems if "stuck" in str(row[1])] == [
        ("stuck.pdf", "файл не прочитан: чтение файла дважды заняло больше 1 с; остальные файлы прочитаны "
                      "(попросите сохранить файл заново или введите ответы вручную)")]


def test_a_file_whose_worker_died_once_is_read_again(tmp_path, forms, monkeypatch):
    files = good_folder(tmp_path, 40)
    files[tmp_path / "a020" / "crash.pdf"] = "однажды"
    (tmp_path / "a020" / "crash.pdf").write_bytes(good_pdf("однажды"))
    crash_on("crash.pdf", lambda: os.kill(os.getpid(), signal.SIGSEGV), monkeypatch, once=tmp_path / "crashed")
    results = dict(read_all(iter(sorted(files)), forms, jobs=2, parallel_from=1))
    assert (tmp_path / "crashed").exists()
    assert {path: result[0][0][1].values["aa_name"] for path, result in results.items()} == files


def test_a_bug_in_a_reader_is_an_internal_error_that_names_its_type(tmp_path, monkeypatch):
    files = good_folder(tmp_path, 2)
    (tmp_path / "a001" / "buggy.pdf").write_bytes(good_pdf())
    real = generator.commands.collect.read_returned

    def buggy(path, *args):
        if path.name == "buggy.pdf":
            return None.values  # an AttributeError, as a slip in formgen's code would raise
        return real(path, *args)

    monkeypatch.setattr(generator.commands.collect, "read_returned", buggy)
    applications, problems = collect([tmp_path], CALL)
    assert_read(applications, files)
    (problem,), = [p for f, p in problems if f.endswith("buggy.pdf")],
    assert problem.startswith("internal error (AttributeError: 'NoneType' object has no attribute 'values' at "
                              "test_collect_batch.py:")
    assert problem.endswith(f"please report it to formgen's developers with this file and the version, "
                            f"formgen {generator.__version__}")
    result = CliRunner().invoke(app, ["collect", str(tmp_path), "--out", str(tmp_path / "a.json")])
    assert result.exit_code == 0 and "Traceback" not in result.output
    assert result.stderr == f"warning: {tmp_path / 'a001' / 'buggy.pdf'}: {problem}\n"  # seen, not only filed


# Runs a command and writes its exit status and peak memory (kB: its own largest process or a
# worker's, those it waited for) into the file argv[1].
MEASURE = """
import os, subprocess, sys
process = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(process.pid, 0)
with open(sys.argv[1], "w") as out:
    out.write(f"{os.waitstatus_to_exitcode(status)} {usage.ru_maxrss}")
"""


def peak_memory(command: list[str], output, into: Path) -> tuple[int, int]:
    """(exit status, peak memory in kB) of a command, measured from a new, small Python process: Linux
    keeps a process's peak across exec, so a command started straight from this test process would
    count the memory of pytest, which tests run before may have made large (730 MB after test_fill_collect.py)."""
    subprocess.run([sys.executable, "-c", MEASURE, str(into), *command], stdout=output, stderr=output, check=True)
    status, peak = into.read_text().split()
    return int(status), int(peak)


# ---- field trees in every legal shape ---------------------------------------------------------------

def reshaped(edit) -> bytes:
    """Annex 2 with aa_name 'Ош' and population 1200, its field tree changed by `edit(pdf, field)` where
    `field` is aa_name's dictionary; whatever `edit` returns replaces aa_name in /Fields."""
    data = render_bytes(document(), "pdf", {"aa_name": "Ош", "population": "1200"})
    with pikepdf.open(io.BytesIO(data)) as pdf:
        fields = pdf.Root.AcroForm.Fields
        index = next(i for i, f in enumerate(fields) if str(f.get("/T", "")) == "aa_name")
        replacement = edit(pdf, fields[index])
        if replacement is not None:
            fields[index] = replacement
        out = io.BytesIO()
        pdf.save(out)
    return out.getvalue()


def as_stream(pdf, field):
    """The same field, its dictionary a stream's (PDFium reads a stream's dictionary where it wants one)."""
    stream = pdf.make_stream(b"not a field's business")
    for key, value in field.items():
        stream[key] = value
    for page in pdf.pages:
        annotations = page.get("/Annots")
        for index, annotation in enumerate(annotations if annotations is not None else []):
            if annotation.objgen == field.objgen:
                annotations[index] = stream
    return stream


def under_parent(pdf, field, **parent):
    parent = pdf.make_indirect(Dictionary(Kids=Array([field]), **parent))
    field.Parent = parent
    return parent


def inherited_value(pdf, field):
    del field["/V"]
    return under_parent(pdf, field, FT=Name.Tx, V=String("от родителя"))


def own_value_over_inherited(pdf, field):
    return under_parent(pdf, field, V=String("от родителя"))


def nested_without_names(pdf, field):
    return under_parent(pdf, under_parent(pdf, field))


def value_stream(text: bytes, **options):
    def edit(pdf, field):
        field.V = pdf.make_stream(text, **options)
    return edit


def after_junk(count: int):
    def edit(pdf, field):
        pdf.Root.AcroForm.Fields = Array([Dictionary(Junk=Name.Yes) for _ in range(count)] + list(pdf.Root.AcroForm.Fields))
    return edit


@pytest.mark.parametrize("edit, value", [
    (as_stream, "Ош"),
    (inherited_value, "от родителя"),
    (own_value_over_inherited, "Ош"),
    (nested_without_names, "Ош"),
    (value_stream("Ош из потока".encode("utf-16-be").join([b"\xfe\xff", b""])), "Ош из потока"),
    (value_stream(b"plain text stream"), "plain text stream"),
    (lambda pdf, field: value_stream(zlib.compress("сжатый".encode("utf-16-be").join([b"\xfe\xff", b""])),
                                     Filter=Name.FlateDecode)(pdf, field), "сжатый"),
    (lambda pdf, field: setattr(field, "V", pdf.make_indirect(String("косвенно"))), "косвенно"),
    (after_junk(20_000), "Ош"),
], ids=["stream-dictionary", "inherited-value", "own-value-first", "nested-nameless", "value-stream-utf16",
        "value-stream-plain", "value-stream-flate", "indirect-value", "after-20000-junk"])
def test_a_field_tree_of_any_legal_shape_is_read(tmp_path, forms, edit, value):
    path = tmp_path / "annex2.pdf"
    path.write_bytes(reshaped(edit))
    (returned,), problems = read_returned(path, forms)
    assert (returned.values["aa_name"], returned.values["population"], problems) == (value, "1200", [])
    quick = generator.formats.pdf.returned.quick_fields(path.read_bytes())
    assert quick is None or quick == generator.formats.pdf.read.qpdf_fields(path.read_bytes())


def test_a_value_stream_too_large_to_be_an_answer_is_reported(tmp_path, forms):
    path = tmp_path / "annex2.pdf"
    path.write_bytes(reshaped(value_stream(zlib.compress(b"a" * 50_000_000), Filter=Name.FlateDecode)))
    (returned,), problems = read_returned(path, forms)
    assert returned.values["aa_name"] == "" and returned.values["population"] == "1200"
    assert problems == ["aa_name: the value is a stream of more than 1000000 bytes; read as empty"]


@pytest.mark.parametrize("packed", [False, True], ids=["written-out", "in-an-object-stream"])
def test_a_pdf_of_millions_of_values_is_refused_by_counting_before_it_is_parsed(tmp_path, packed, monkeypatch):
    path = values_bomb(tmp_path / "bomb.pdf", packed=packed)

    def materialise(*args, **kwargs):  # parsing it would take 8 GB
        raise AssertionError("the bomb was opened before its values were counted")

    monkeypatch.setattr(pikepdf, "open", materialise)
    applications, problems = collect([path], CALL)
    assert applications == [] and len(problems) == 1
    assert "values (numbers, names, strings, lists) outside its streams, more than a form has" in problems[0][1]


# ---- values over a destination's limit --------------------------------------------------------------

ANSWER = next(f.id for f in document().fields() if f.kind == "multiline")
GRID = next(g for g in Forms(CALL).forms["annex2"].blocks if isinstance(g, GridDef))
CELL = GRID.field_id(2, GRID.columns[0])


@pytest.mark.parametrize("field, value, counted", [
    (ANSWER, "=" + "a" * 32_766, "32767 characters (32768 as a spreadsheet counts them)"),
    (ANSWER, "😀" * 20_000, "20000 characters (40000 as a spreadsheet counts them)"),
    (ANSWER, "Ү" * 40_000, "40000 characters"),
    (CELL, "ж" * 33_000, "33000 characters"),
], ids=["apostrophe", "beyond-bmp", "plain", "grid-cell"])
def test_a_value_over_a_cell_is_whole_in_json_and_cut_and_reported_in_the_workbook(tmp_path, field, value, counted):
    folder = tmp_path / "Ош"
    folder.mkdir()
    (folder / "annex2.pdf").write_bytes(render_bytes(document(), "pdf", {"aa_name": "Ош", field: value}))
    for out in ("a.json", "a.xlsx"):
        result = CliRunner().invoke(app, ["collect", str(folder), "--out", str(tmp_path / out)])
        assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    sheet = "general" if field == ANSWER else GRID.id
    kept = [v for row in data[sheet] for v in row.values()]
    assert value in kept and not [p for p in data["problems"] if "cell" in p["problem"]]
    book = load_workbook(tmp_path / "a.xlsx", read_only=True)
    cells = [c for row in book[sheet].iter_rows(values_only=True) for c in row if isinstance(c, str)]
    written = max(cells, key=len)
    assert len(written.encode("utf-16-le")) // 2 == 32_767 and written.endswith("…")
    assert value.startswith(written.lstrip("'")[:-1])
    where = f"general, {field}" if field == ANSWER else f"{GRID.id}, row 2, {GRID.columns[0].id}"
    problems = [row[2] for row in book["problems"].iter_rows(values_only=True) if row[0] == str(folder)]
    numbers = re.findall(r"\d+", counted)  # the characters, and as a spreadsheet counts them: in the workbook's words
    assert [p for p in problems if p.startswith(f"{where}: {numbers[0]} ") and "(32767)" in p
            and all(number in p for number in numbers)], problems


# ---- every reader's error is a line of its file (and page) -------------------------------------------

def scanning_tools() -> None:
    try:
        import cv2, tesserocr, zxingcpp  # noqa: F401
        from generator.scan.ocr import tessdata
        tessdata()
    except Exception:  # noqa: BLE001
        require(False, "the scan extra and tesseract's kir/rus models",
                "pip install '.[scan]'; apt-get install tesseract-ocr-kir tesseract-ocr-rus")


def printed_page(form: str = "interest_letter", values: dict | None = None, dpi: int = 150):
    """The first page of a form as a scanner sees it: greyscale pixels, the page code included."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(render_bytes(document(form), "pdf", values or {}))
    pdf.init_forms()
    image = pdf[0].render(scale=dpi / 72, may_draw_forms=True).to_pil().convert("L")
    pdf.close()
    return image


def scan_png(path: Path, values: dict | None = None) -> None:
    printed_page(values=values).save(path)


def scan_pdf(path: Path) -> None:
    printed_page().save(path, resolution=150)


def good_docx(path: Path) -> None:
    path.write_bytes(render_bytes(document("interest_letter", "ru"), "docx"))


def raising(error: Exception):
    def fail(*args, **kwargs):
        raise error
    return fail


def break_pdfium(monkeypatch):
    import pypdfium2 as pdfium
    monkeypatch.setattr(pdfium.PdfPage, "render", raising(pdfium.PdfiumError("Failed to render")))


def break_pillow(monkeypatch):
    from PIL import Image
    monkeypatch.setattr(Image.Image, "convert", raising(OSError("broken data stream when reading image file")))


def break_opencv(monkeypatch):
    import cv2
    monkeypatch.setattr(cv2, "warpPerspective", raising(cv2.error("(-215:Assertion failed) src.cols < SHRT_MAX")))


def break_zxing(monkeypatch):
    import zxingcpp
    monkeypatch.setattr(zxingcpp, "read_barcodes", raising(RuntimeError("unsupported image")))


def break_tesseract(monkeypatch):
    import generator.scan.ocr
    monkeypatch.setattr(generator.scan.ocr, "_read", raising(RuntimeError("Failed to recognize")))


def break_qpdf(monkeypatch):
    """qpdf fails on the victim, which the quick reader leaves to it; the good files are read quickly."""
    quick_fields, victim = generator.formats.pdf.returned.quick_fields, good_pdf()
    monkeypatch.setattr(generator.formats.pdf.returned, "quick_fields", lambda data: None if data == victim else quick_fields(data))
    monkeypatch.setattr(pikepdf, "open", raising(pikepdf.PdfError("xref not found")))


def break_zipfile(monkeypatch):
    import zipfile
    import generator.formats.zips
    monkeypatch.setattr(generator.formats.zips, "_plain_part", lambda *args: None)
    monkeypatch.setattr(zipfile.ZipFile, "open", raising(zlib.error("invalid stored block lengths")))


def break_lxml(monkeypatch):
    from lxml import etree
    import generator.formats.docx.ooxml
    monkeypatch.setattr(generator.formats.docx.ooxml, "quick_control_readings", lambda xml: None)
    monkeypatch.setattr(etree, "fromstring", raising(etree.ParserError("Document is empty")))


@pytest.mark.parametrize("break_reader, victim, make, page, says", [
    (break_pdfium, "scan.pdf", scan_pdf, False, "holds no field of the forms and no page with a formgen code; page 1: "
                                                "cannot be drawn (PDFium: Failed to render)"),
    (break_pillow, "scan.png", scan_png, True, "damaged image: broken data stream when reading image file"),
    (break_opencv, "scan.png", scan_png, True, "cv2 could not read it (error: (-215:Assertion failed) src.cols < SHRT_MAX)"),
    (break_zxing, "scan.png", scan_png, True, "internal error (RuntimeError: unsupported image at test_collect_batch.py:"),
    (break_tesseract, "scan.png", lambda path: scan_png(path, {"sender_head": "Асанов Бакыт"}), True,
     "internal error (RuntimeError: Failed to recognize at test_collect_batch.py:"),
    (break_qpdf, "annex2.pdf", lambda path: path.write_bytes(good_pdf()), False, "damaged PDF: xref not found"),
    (break_zipfile, "letter.docx", good_docx, False, "damaged part: invalid stored block lengths"),
    (break_lxml, "letter.docx", good_docx, False, "lxml could not read it (ParserError: Document is empty)"),
], ids=["pdfium", "pillow", "opencv", "zxing", "tesseract", "qpdf", "zipfile", "lxml"])
def test_a_readers_error_is_one_line_of_its_file_and_page(tmp_path, monkeypatch, break_reader, victim, make, page, says):
    if victim.startswith("scan"):
        scanning_tools()
    files = good_folder(tmp_path, 2)
    folder = tmp_path / "victim"
    folder.mkdir()
    make(folder / victim)
    break_reader(monkeypatch)
    applications, problems = collect([tmp_path], CALL)
    assert_read(applications, files)
    mine = [(file, problem) for file, problem in problems if file.split(", page")[0] == str(folder / victim)]
    where = str(folder / victim) + (", page 1" if page else "")
    assert len(mine) == 1 and mine[0][0] == where and mine[0][1].startswith(says), mine


def test_a_pdf_cut_short_is_read_as_far_as_it_goes_and_says_which_fields_it_lost(tmp_path, forms):
    """qpdf rebuilds a PDF cut in half and reads the fields it still has: the others were lost without a word."""
    data = render_bytes(document(), "pdf", {"aa_name": "Ош"})
    path = tmp_path / "annex2.pdf"
    path.write_bytes(data[:len(data) // 2])
    (returned,), problems = read_returned(path, forms)
    total = len(forms.field_ids["annex2"])
    missing = [f for f in forms.field_ids["annex2"] if f not in returned.values]
    assert returned.values["aa_name"] == "Ош" and 0 < len(missing) < total
    assert problems == [f"{len(missing)} of the {total} fields of annex2 are not in the file ({', '.join(missing[:3])}, "
                        "…): is it damaged or cut short? Their answers are missing"]


# ---- done when: good returns among every broken file -----------------------------------------------

def test_good_returns_among_every_broken_file_are_all_read_and_each_broken_file_is_one_line(tmp_path):
    """Forms filled by `fill` and typed into (PDFium, python-docx), pdf.js's test PDFs and every broken
    file of the hostile corpus in one folder: `collect`, as a user runs it, writes every good value,
    exactly one line for each other file, no traceback, within bounded memory."""
    import hostile.cases  # noqa: F401 (first: it imports every area in order; one area imported
    # before it would be half made when a later area takes its names)
    from hostile.cases_batch import BROKEN
    from test_fill_collect import municipalities, type_into_docx, type_into_pdf, write_csv

    from generator.commands.fill import fill

    returned, expected = tmp_path / "returned", {}
    rows = municipalities(6)
    report = fill(write_csv(tmp_path / "rows.csv", rows), DEFAULT_CALL, tmp_path / "prefilled", ["ru", "ky"],
                  ["docx", "pdf"], jobs=1)
    for number, (row, produced) in enumerate(zip(rows, report.rows)):
        lang, fmt = ("ky", "ru")[number % 2], ("pdf", "docx")[number // 2 % 2]
        folder = returned / "good" / produced["folder"]
        folder.mkdir(parents=True)
        for form in ("interest_letter", "annex2"):
            copy = folder / f"{form}.{fmt}"
            copy.write_bytes((tmp_path / "prefilled" / produced["folder"] / lang / copy.name).read_bytes())
            if form == "annex2":
                typed = {"postal_address": f"Көчө {number}"}
                (type_into_pdf(copy, typed, None) if fmt == "pdf" else type_into_docx(copy, typed))
        expected[str(folder)] = {"aa_name": row["aa_name"].strip(), "population": row["population"],
                                 "postal_address": f"Көчө {number}"}
    others = {}
    for pdf in sorted(PDFJS.glob("*.pdf")):
        (returned / "pdfjs").mkdir(exist_ok=True)
        others[str(returned / "pdfjs" / pdf.name)] = ""
        (returned / "pdfjs" / pdf.name).write_bytes(pdf.read_bytes())
    for name, (make, says) in BROKEN.items():
        others[str(make(returned / "broken" / name))] = says

    out = tmp_path / "applications.json"
    with (tmp_path / "said").open("w+", encoding="utf-8") as said:  # the command as a user types it
        status, peak = peak_memory([FORMGEN, "collect", str(returned), "--out", str(out)], said, tmp_path / "peak")
        said.seek(0)
        output = said.read()
    assert status == 0 and "Traceback" not in output, output
    assert peak / 1024 < MEMORY_MB, peak  # the largest process the command ran
    data = json.loads(out.read_text(encoding="utf-8"))
    rows_by_key = {row["application"]: row for row in data["general"]}
    for key, values in expected.items():
        assert {k: rows_by_key[key][k] for k in values} == values, key
    lines: dict[str, list[str]] = {}
    for problem in data["problems"]:
        lines.setdefault(problem["file"].split(", page ")[0], []).append(problem["problem"])
    for file, says in others.items():
        assert len(lines.get(file, [])) == 1 and says in lines[file][0], (file, lines.get(file))
    files_read = {f for row in data["general"] for f in row["files"].split("; ")}
    every_file = {str(p) for p in returned.rglob("*") if p.is_file()}
    assert every_file == (files_read | set(lines)) & every_file  # each in the data or the problems
