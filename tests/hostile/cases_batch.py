"""Nothing stops a batch (issue 19): one broken, odd or crashing returned file among good ones.

Every case writes two good returns (annex2.pdf of two applications, each with its own aa_name)
beside what it is about, and runs `collect` into JSON. Its `expect` checks the outcome: every good
file's value is in the data, and the file the case is about has exactly one problem line, which
names it (and its page) and says what the case expects; or, for a legal shape of a field tree, that
its value is read and nothing is reported. `BROKEN` lists the broken files for
tests/test_collect_batch.py, which puts all of them in one folder.
"""
from __future__ import annotations

import faulthandler
import io
import json
import os
import signal
import zipfile
import zlib
from pathlib import Path
from typing import Callable

from hostile.bombs import values_bomb
from hostile.cases import case, filled_docx, filled_pdf, write

PDFJS = Path(__file__).resolve().parent.parent / "fixtures" / "pdfjs"
GOOD = {"good-1": "Айыл бир", "good-2": "Айыл эки"}


def collect_into(folder: Path, out: str = "out.json") -> list[str]:
    return ["collect", str(folder / "in"), "--out", str(folder / out)]
# name → (writes the broken file into a folder and returns it, what its one problem line says)
BROKEN: dict[str, tuple[Callable[[Path], Path], str]] = {}


def good_returns(folder: Path) -> None:
    for application, name in GOOD.items():
        write(folder, f"{application}/annex2.pdf", filled_pdf(values={"aa_name": name}))


def outcome(folder: Path) -> tuple[dict[str, dict], list[dict]]:
    """({application folder name: its row}, problems) of the case's out.json."""
    data = json.loads((folder / "out.json").read_text(encoding="utf-8"))
    return {Path(row["application"]).name: row for row in data["general"]}, data["problems"]


def good_ones_read(rows: dict[str, dict]) -> list[str]:
    return [f"{application}: aa_name is {rows.get(application, {}).get('aa_name')!r}, not {name!r}"
            for application, name in GOOD.items() if rows.get(application, {}).get("aa_name") != name]


def one_line(file: str, says: str, page: bool = False):
    """expect: the good files read, and `file` (under in/) reported once, saying `says`."""
    def expect(folder: Path, exit_code, output: str) -> list[str]:
        if exit_code != 0 or "Traceback" in output:
            return [f"exit {exit_code}: {output[-300:]}"]
        rows, problems = outcome(folder)
        where = str(folder / "in" / file) + (", page 1" if page else "")
        mine = [p["problem"] for p in problems if p["file"].split(", page")[0] == str(folder / "in" / file)]
        wrong = good_ones_read(rows)
        if len(mine) != 1 or not any(p["file"] == where and says in p["problem"] for p in problems):
            wrong.append(f"{file}: {len(mine)} lines, not one saying {says!r}: {mine[:3]}")
        return wrong
    return expect


def broken(name: str, file: str, says: str, page: bool = False):
    """A broken file, `make(path)` writes it: a hostile case of its own, and one of BROKEN."""
    def register(make: Callable[[Path], object]):
        def write_into(folder: Path) -> Path:
            path = folder / file
            path.parent.mkdir(parents=True, exist_ok=True)
            make(path)
            return path

        BROKEN[name] = (write_into, says)

        @case("returned", f"batch-{name}", inputs="in", outs=("out.json",), expect=one_line(file, says, page))
        def _(folder: Path) -> list[str]:
            good_returns(folder / "in")
            write_into(folder / "in")
            return collect_into(folder)
        return make
    return register


def pdfjs(name: str, file: str, says: str) -> None:
    broken(name, f"pdfjs/{file}", says)(lambda path: path.write_bytes((PDFJS / file).read_bytes()))


pdfjs("pdfjs-page-tree-refers-back", "Pages-tree-refs.pdf", "cannot be drawn (PDFium: Failed to load page.)")
pdfjs("pdfjs-page-box-invalid", "boundingBox_invalid.pdf", "cannot be drawn (PDFium: Crop exceeds page dimensions")
pdfjs("pdfjs-no-trailer", "bug1020226.pdf", "damaged PDF")
pdfjs("pdfjs-aes256-encrypted", "saslprep-r6.pdf", "the PDF is encrypted")
pdfjs("pdfjs-xfa-form", "xfa_issue14315.pdf", "holds no field of the forms and no page with a formgen code")
pdfjs("pdfjs-object-stream-damaged", "REDHAT-1531897-0.pdf", "an object stream cannot be unpacked")


@broken("pdf-cut-in-half", "cut/annex2.pdf", "are not in the file (")
def _(path: Path) -> None:
    data = filled_pdf(values={"aa_name": "половина"})
    path.write_bytes(data[:len(data) // 2])


@broken("pdf-page-tree-loop", "loop/annex2.pdf", "cannot be drawn")
def _(path: Path) -> None:
    """No AcroForm (so it is read as a scan) and a page tree whose /Kids holds itself."""
    path.write_bytes(_pdf([b"<</Type/Catalog/Pages 2 0 R>>", b"<</Type/Pages/Kids[2 0 R 3 0 R]/Count 2>>",
                           b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>"]))


@broken("pdf-values-bomb-packed", "bomb/annex2.pdf", "values (numbers, names, strings, lists) outside its streams")
def _(path: Path) -> None:
    values_bomb(path, packed=True)


@broken("pdf-value-stream-bomb", "stream-bomb/annex2.pdf", "aa_name: the value is a stream of more than 1000000 bytes")
def _(path: Path) -> None:
    _edited(path, lambda pdf, field: setattr(field, "V", pdf.make_stream(
        zlib.compress(b"a" * 50_000_000), Filter=_name("/FlateDecode"))))


@broken("docx-cut-in-half", "cut-docx/annex2.docx", "not a Word document (.docx)")
def _(path: Path) -> None:
    data = filled_docx()
    path.write_bytes(data[:len(data) // 2])


@broken("docx-body-not-deflate", "deflate/annex2.docx", "damaged part")
def _(path: Path) -> None:
    """A DOCX whose document part's compressed bytes are noise: zlib cannot inflate them."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(filled_docx())) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item.filename, source.read(item))
    data = bytearray(out.getvalue())
    at = data.find(b"word/document.xml") + len("word/document.xml")  # its local header's name
    data[at + 40:at + 400] = bytes(range(256)) + bytes(104)
    path.write_bytes(bytes(data))


@broken("png-cut-short", "scan/page.png", "damaged image", page=True)
def _(path: Path) -> None:
    from PIL import Image

    image = io.BytesIO()
    Image.new("L", (1240, 1754), 255).save(image, "PNG", compress_level=0)
    path.write_bytes(image.getvalue()[:200_000])  # the header and a part of the pixels


# ---- legal shapes of a field tree: read, nothing reported --------------------------------------------

def read_whole(file: str, name: str):
    def expect(folder: Path, exit_code, output: str) -> list[str]:
        rows, problems = outcome(folder)
        application = Path(file).parent.name
        wrong = good_ones_read(rows)
        if rows.get(application, {}).get("aa_name") != name:
            wrong.append(f"{file}: aa_name is {rows.get(application, {}).get('aa_name')!r}, not {name!r}")
        wrong += [f"{p['file']}: {p['problem']}" for p in problems if p["file"] == str(folder / "in" / file)]
        return wrong
    return expect


def legal_shape(name: str, edit: Callable):
    @case("returned", f"batch-{name}", inputs="in", outs=("out.json",), expect=read_whole(f"{name}/annex2.pdf", "Ош"))
    def _(folder: Path) -> list[str]:
        good_returns(folder / "in")
        _edited(folder / "in" / name / "annex2.pdf", edit)
        return collect_into(folder)


def _stream_field(pdf, field):
    stream = pdf.make_stream(b"")
    for key, value in field.items():
        stream[key] = value
    return stream


def _inherited(pdf, field):
    value = field.V
    del field["/V"]
    return pdf.make_indirect(_dict(FT=_name("/Tx"), V=value, Kids=_array([field])))


legal_shape("field-dictionary-a-stream", _stream_field)
legal_shape("value-inherited", _inherited)
legal_shape("value-a-text-stream", lambda pdf, field: setattr(field, "V", pdf.make_stream(
    zlib.compress("Ош".encode("utf-16-be").join([b"\xfe\xff", b""])), Filter=_name("/FlateDecode"))))
legal_shape("nameless-nodes-between", lambda pdf, field: pdf.make_indirect(_dict(Kids=_array([
    pdf.make_indirect(_dict(Kids=_array([field])))]))))
legal_shape("fields-after-20000-junk", lambda pdf, field: setattr(pdf.Root.AcroForm, "Fields", _array(
    [_dict(Junk=_name("/Yes")) for _ in range(20_000)] + list(pdf.Root.AcroForm.Fields))))


# ---- values over a destination's limit ---------------------------------------------------------------

def long_answer_whole_in_json(folder: Path, exit_code, output: str) -> list[str]:
    rows, problems = outcome(folder)
    return good_ones_read(rows) + ([] if rows.get("long", {}).get("exchange_experience") == "Ү" * 40_000
                                   else ["the 40 000-character answer is not whole in the JSON"])


@case("returned", "batch-over-long-answer-json", inputs="in", outs=("out.json",), expect=long_answer_whole_in_json)
def _(folder: Path) -> list[str]:
    good_returns(folder / "in")
    write(folder, "in/long/annex2.pdf", filled_pdf(values={"aa_name": "Ош", "exchange_experience": "Ү" * 40_000}))
    return collect_into(folder)


def long_answer_cut_in_workbook(folder: Path, exit_code, output: str) -> list[str]:
    from openpyxl import load_workbook

    book = load_workbook(folder / "out.xlsx", read_only=True)
    longest = max((c for row in book["general"].iter_rows(values_only=True) for c in row if isinstance(c, str)), key=len)
    problems = [row[2] for row in book["problems"].iter_rows(values_only=True) if row[0] == str(folder / "in" / "long")]
    wrong = [] if len(longest.encode("utf-16-le")) // 2 == 32_767 else [f"a cell of {len(longest)} characters"]
    return wrong + ([] if any(p.startswith("general, exchange_experience: 20000 ") and "40000" in p
                              for p in problems) else [f"no line for the cut answer: {problems}"])


@case("returned", "batch-over-long-answer-workbook", outs=("out.xlsx",), expect=long_answer_cut_in_workbook)
def _(folder: Path) -> list[str]:
    write(folder, "in/long/annex2.pdf", filled_pdf(values={"aa_name": "Ош", "exchange_experience": "😀" * 20_000}))
    return collect_into(folder, "out.xlsx")


# ---- a worker that dies ---------------------------------------------------------------------------------

WORKERS_FROM = 64  # files: collect reads fewer in its own process


def crashing_worker(once: bool):
    """A batch large enough for worker processes, where reading crash.pdf kills the worker (on
    the first reading only, with `once`); this process (the case's) is never the one to die."""
    def make(folder: Path) -> list[str]:
        import generator.commands.collect

        good_returns(folder / "in")
        data = filled_pdf(values={"aa_name": "Айыл"})
        for number in range(WORKERS_FROM):
            write(folder, f"in/more-{number}/annex2.pdf", data)
        write(folder, "in/crash/crash.pdf", filled_pdf(values={"aa_name": "Ош"}))
        main, read_file, marker = os.getpid(), generator.commands.collect.read_file, folder / "crashed-once"

        def read_or_crash(path, forms):
            if path.name == "crash.pdf" and os.getpid() != main and not (once and marker.exists()):
                marker.touch()
                faulthandler.disable()  # pytest's, when the corpus runs under it: it would print the stack
                os.kill(os.getpid(), signal.SIGSEGV)
            return read_file(path, forms)

        generator.commands.collect.read_file = read_or_crash  # this case's own process: forked, and gone after it
        generator.commands.collect.usable_jobs = lambda jobs: 2  # workers even on one core
        return collect_into(folder)
    return make


def crash_outcome(once: bool):
    def expect(folder: Path, exit_code, output: str) -> list[str]:
        rows, problems = outcome(folder)
        wrong = good_ones_read(rows)
        wrong += [f"more-{n} not read" for n in range(WORKERS_FROM) if rows.get(f"more-{n}", {}).get("aa_name") != "Айыл"]
        said = [p["problem"] for p in problems if p["file"].endswith("crash.pdf")]
        if once:
            wrong += [] if rows.get("crash", {}).get("aa_name") == "Ош" and not said else [f"crash.pdf: {said}"]
        elif len(said) != 1 or not said[0].startswith("the process reading it died twice (SIGSEGV"):
            wrong.append(f"crash.pdf: {said}")
        return wrong
    return expect


case("returned", "batch-worker-segfault", inputs="in", outs=("out.json", "crashed-once"),
     expect=crash_outcome(False))(crashing_worker(False))
case("returned", "batch-worker-segfault-once", inputs="in", outs=("out.json", "crashed-once"),
     expect=crash_outcome(True))(crashing_worker(True))


# ---- helpers -----------------------------------------------------------------------------------------

def _pdf(objects: list[bytes]) -> bytes:
    """A PDF of these objects (1, 2, …) with a cross-reference table: the catalog is the first."""
    out, offsets = bytearray(b"%PDF-1.7\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _edited(path: Path, edit: Callable) -> None:
    """annex2.pdf with aa_name 'Ош', its aa_name field changed by `edit(pdf, field)`, which may return
    what takes the field's place in /Fields (and in its page's /Annots)."""
    import pikepdf

    path.parent.mkdir(parents=True, exist_ok=True)
    with pikepdf.open(io.BytesIO(filled_pdf(values={"aa_name": "Ош"}))) as pdf:
        fields = pdf.Root.AcroForm.Fields
        index = next(i for i, f in enumerate(fields) if str(f.get("/T", "")) == "aa_name")
        field = fields[index]
        replacement = edit(pdf, field)
        if replacement is not None:
            fields[index] = replacement
            for page in pdf.pages:
                annotations = page.get("/Annots")
                for at, annotation in enumerate(annotations if annotations is not None else []):
                    if annotation.objgen == field.objgen and replacement.get("/Kids") is None:
                        annotations[at] = replacement
        pdf.save(path)


def _dict(**items):
    import pikepdf
    return pikepdf.Dictionary({f"/{key}": value for key, value in items.items()})


def _array(items):
    import pikepdf
    return pikepdf.Array(list(items))


def _name(name: str):
    import pikepdf
    return pikepdf.Name(name)
