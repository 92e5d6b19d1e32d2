"""The hostile corpus: call files, data files, returned files, letterheads and command-line misuse.

Every case makes its own inputs in an empty folder (large ones are generated, nothing is
committed) and says which `formgen` command runs on them. The runner (run.py) checks what every
case must satisfy: no traceback, under 30 s and 500 MB, every data row and returned file in the
output or the problems, nothing written outside the case's `out`, no template code run.
"""
from __future__ import annotations

import io
import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from hostile.bombs import annotations_bomb, kids_bomb, pdf_with_object_stream, form_catalog, xlsx_bomb

MARKER = "PWNED"  # a template payload that runs would write a file of this name into the case folder


@dataclass
class Case:
    name: str
    kind: str  # call, data, returned, letterhead, cli
    make: Callable[[Path], list[str]]  # writes the inputs into the folder; returns the command's arguments
    rows: tuple[int, ...] = ()  # data rows the file holds: each must be produced or reported
    inputs: str = ""  # a folder of returned files: each must be in the data or the problems
    outs: tuple[str, ...] = ("out",)  # what the command may write (and what it writes beside, while it runs)
    # What this case must show once the command has run (its folder, exit code, stdout + stderr):
    # a list of what is wrong, empty when the outcome is the one the case is there for.
    expect: Callable[[Path, object, str], list[str]] | None = None


CASES: list[Case] = []


def case(kind: str, name: str, rows: tuple[int, ...] = (), inputs: str = "", outs: tuple[str, ...] = ("out",),
         expect: Callable[[Path, object, str], list[str]] | None = None):
    def register(make):
        CASES.append(Case(f"{kind}/{name}", kind, make, rows, inputs, outs, expect))
        return make
    return register


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def payload(folder: Path) -> str:
    """Template code that would write the marker file if any template engine ran it."""
    target = folder / MARKER
    return ("{{ letter.subdocx.save('%s') }}{%% set x = cycler.__init__.__globals__.os.system('touch %s') %%}"
            % (target, target))


# ---- data files for `fill` -------------------------------------------------------------------------

FILL = ["fill", "--out", "out", "--lang", "ru", "--format", "docx", "--jobs", "1"]
FILL_PDF = ["fill", "--out", "out", "--lang", "ky", "--format", "pdf", "--jobs", "1"]
GOOD = "Талас"


def fill_case(name: str, text: str | bytes, suffix: str = ".csv", rows: tuple[int, ...] = (), pdf: bool = False):
    def make(folder: Path) -> list[str]:
        data = write(folder, f"data{suffix}", text)
        return [*(FILL_PDF if pdf else FILL), "--data", str(data)]
    CASES.append(Case(f"data/{name}", "data", make, rows))


def csv_rows(*lines: str, header: str = "aa_name,sender_head") -> str:
    return "\n".join([header, *lines]) + "\n"


# CSV structure
fill_case("csv-unclosed-quote-middle", csv_rows(f"{GOOD},a", 'Ош,"b', "Нарын,c"), rows=(2, 3, 4))
fill_case("csv-unclosed-quote-last", csv_rows(f"{GOOD},a", 'Ош,"b'), rows=(2, 3))
fill_case("csv-unclosed-quote-first", csv_rows('"Ош,b', f"{GOOD},a"), rows=(2, 3))
fill_case("csv-quote-inside-quoted", csv_rows('"Ош"x,b', f"{GOOD},a"), rows=(2, 3))
fill_case("csv-more-cells", csv_rows("Ош,a,b,c", f"{GOOD},a"), rows=(2, 3))
fill_case("csv-fewer-cells", csv_rows("Ош", f"{GOOD},a"), rows=(2, 3))
fill_case("csv-cell-over-field-limit", csv_rows("Ош," + "я" * 200_000, f"{GOOD},a"), rows=(2, 3))
fill_case("csv-quoted-cell-over-field-limit", csv_rows('Ош,"' + "я\n" * 70_000 + '"', f"{GOOD},a"), rows=(2, 3))
fill_case("csv-cell-over-10mb", csv_rows("Ош," + "z" * 10_500_000, f"{GOOD},a"), rows=(2, 3))
fill_case("csv-not-utf8-row", csv_rows(f"{GOOD},a").encode() + "Ош,б\n".encode("cp1251") + b"X,a\n", rows=(2, 3, 4))
fill_case("csv-utf16", csv_rows(f"{GOOD},a").encode("utf-16"))
fill_case("csv-cp1251-file", csv_rows(f"{GOOD},a").encode("cp1251"))
fill_case("csv-empty-file", "")
fill_case("csv-header-only", "aa_name,sender_head\n")
fill_case("csv-duplicate-column", csv_rows(f"{GOOD},a", header="aa_name,aa_name"))
fill_case("csv-empty-column-name", csv_rows(f"{GOOD},a,b", header="aa_name,,sender_head"), rows=(2,))
fill_case("csv-nul-bytes", csv_rows(f"{GOOD}\0,a", "Ош,b"), rows=(2, 3))
fill_case("csv-bom-semicolons", "\ufeffaa_name;population\nНарын;1 200\nОш;x\n", rows=(2, 3))
fill_case("csv-tabs", "aa_name\tpopulation\nНарын\t12\n", rows=(2,))
fill_case("csv-crlf-mixed", "aa_name,sender_head\r\nНарын,a\rОш,b\n", rows=(2, 3))
fill_case("csv-blank-lines", csv_rows("", f"{GOOD},a", "", "Ош,b"), rows=(3, 5))
fill_case("csv-unknown-columns", csv_rows(f"{GOOD},a", header="aa_name,rm -rf"), rows=(2,))
fill_case("csv-20000-refused-rows", "aa_name,sender_region\n" + "Ош,Марс\n" * 20_000, rows=tuple(range(2, 20_002)))
fill_case("csv-formula-values", csv_rows('=HYPERLINK("http://x"),@SUM(A1)', "+1,-1"), rows=(2, 3))
# values
fill_case("value-emoji", csv_rows(f"{GOOD},Башчы 😀", "Ош,b"), rows=(2, 3), pdf=True)
fill_case("value-cjk", csv_rows(f"{GOOD},村长", "Ош,b"), rows=(2, 3), pdf=True)
fill_case("value-arabic", csv_rows(f"{GOOD},رئيس", "Ош,b"), rows=(2, 3), pdf=True)
fill_case("value-rtl-override", csv_rows(f"{GOOD},a\u202eb", "Ош,b"), rows=(2, 3), pdf=True)
fill_case("value-combining-marks", csv_rows(f"{GOOD},a" + "\u0301" * 50, "Ош,b"), rows=(2, 3), pdf=True)
fill_case("value-control-character", csv_rows(f"{GOOD},a\x07b", "Ош,b"), rows=(2, 3))
fill_case("value-line-break-single-line", csv_rows(f'{GOOD},"a\nb"', "Ош,b"), rows=(2, 3))
fill_case("value-over-300", csv_rows(f"{GOOD}," + "a" * 301, "Ош,b"), rows=(2, 3))
fill_case("value-multiline-over-5000", csv_rows(f'{GOOD},"' + "a" * 5001 + '"', "Ош,b", header="aa_name,contacts"),
          rows=(2, 3))
fill_case("value-bad-date", csv_rows(f"{GOOD},31.02.2025", "Ош,2025-01-01", header="aa_name,letter_date"), rows=(2, 3))
fill_case("value-bad-rating", csv_rows(f"{GOOD},6", "Ош,0", "Нарын,3", header="aa_name,interaction_rating"),
          rows=(2, 3, 4))
fill_case("value-bad-number", csv_rows(f"{GOOD},1e5", "Ош,NaN", "Нарын,12", header="aa_name,population"),
          rows=(2, 3, 4))
fill_case("value-bad-region", csv_rows(f"{GOOD},Марс", "Ош,osh", header="aa_name,sender_region"), rows=(2, 3))
# folder names
for index, name in enumerate(["../../escape", "/etc/passwd", "CON", "..", "a" * 500, "Ош\\..\\x", "nul.txt", " . ",
                              "Ош/Кара-Суу", "~root"]):
    fill_case(f"folder-name-{index}", csv_rows(f'"{name}",a', "Ош,b"), rows=(2, 3))
fill_case("folder-names-colliding", csv_rows("Ош,a", "ош,b", "ОШ,c", "Ош.,d"), rows=(2, 3, 4, 5))
# YAML
fill_case("yaml-1.1-guessing", "- aa_name: no\n  phone_fax: 0555123456\n  procurement_specialist: 12:30:00\n",
          ".yaml", rows=(1,))
fill_case("yaml-duplicate-key", "- aa_name: a\n  aa_name: b\n", ".yaml")
fill_case("yaml-alias-bomb", "a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\n", ".yaml")
fill_case("yaml-merge-key", "- &base {aa_name: a}\n- <<: *base\n", ".yaml")
fill_case("yaml-merge-key-literal", "- aa_name: a\n  <<: {sender_head: b}\n", ".yaml", rows=(1,))
fill_case("yaml-python-tag", "- aa_name: !!python/object/apply:os.system ['touch PWNED']\n", ".yaml", rows=(1,))
fill_case("yaml-top-level-mapping", "aa_name: a\n", ".yaml")
fill_case("yaml-top-level-scalar", "hello\n", ".yaml")
fill_case("yaml-empty", "", ".yaml")
fill_case("yaml-nested-value", "- aa_name: [a, b]\n- aa_name: Ош\n", ".yaml", rows=(1, 2))
fill_case("yaml-deep-nesting", "- aa_name: " + "[" * 5000 + "]" * 5000 + "\n", ".yaml")
fill_case("yaml-key-is-list", "- ? [a, b]\n  : c\n", ".yaml")
fill_case("yaml-surrogate-escape", '- aa_name: "a\\ud800"\n- aa_name: Ош\n', ".yaml", rows=(1, 2), pdf=True)
fill_case("yaml-fffe-escape", '- aa_name: "a\\ufffe"\n- aa_name: Ош\n', ".yaml", rows=(1, 2), pdf=True)
fill_case("yaml-raw-fffe", "- aa_name: a\ufffe\n", ".yaml")
fill_case("yaml-not-utf8", "- aa_name: Ош\n".encode("cp1251"), ".yaml")
fill_case("yaml-tabs", "- aa_name:\ta\n\t- b\n", ".yaml")
fill_case("yaml-over-1mb", "- aa_name: " + "a" * 1_100_000 + "\n", ".yaml")
fill_case("yaml-multiple-documents", "- aa_name: a\n---\n- aa_name: b\n", ".yaml")
# XLSX and paths


@case("data", "xlsx-bomb")
def _(folder: Path) -> list[str]:
    return [*FILL, "--data", str(xlsx_bomb(folder / "data.xlsx"))]


@case("data", "xlsx-many-parts")
def _(folder: Path) -> list[str]:
    with zipfile.ZipFile(folder / "data.xlsx", "w") as package:
        for index in range(3000):
            package.writestr(f"xl/part{index}.xml", "<a/>")
    return [*FILL, "--data", str(folder / "data.xlsx")]


@case("data", "xlsx-not-a-zip")
def _(folder: Path) -> list[str]:
    return [*FILL, "--data", str(write(folder, "data.xlsx", b"PK\x03\x04 broken"))]


@case("data", "xlsx-zip-without-workbook")
def _(folder: Path) -> list[str]:
    with zipfile.ZipFile(folder / "data.xlsx", "w") as package:
        package.writestr("hello.txt", "hi")
    return [*FILL, "--data", str(folder / "data.xlsx")]


@case("data", "xlsx-ole-encrypted")
def _(folder: Path) -> list[str]:
    return [*FILL, "--data", str(write(folder, "data.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4000))]


def workbook(folder: Path, rows: list[list[object]], sheets: int = 1) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    for index in range(1, sheets):
        book.create_sheet(f"extra{index}").append(["aa_name"])
    book.save(folder / "data.xlsx")
    return folder / "data.xlsx"


@case("data", "xlsx-formulas-and-types", rows=(2, 3, 4, 5))
def _(folder: Path) -> list[str]:
    import datetime as dt

    rows = [["aa_name", "population", "letter_date", "sender_head"], ["=1+1", 12.0, dt.date(2025, 1, 2), True],
            ["Ош", "x", "y", None], ["Нарын", 3.5, None, "=HYPERLINK(\"x\")"], [None, None, None, "no name"]]
    return [*FILL, "--data", str(workbook(folder, rows))]


@case("data", "xlsx-cells-right-of-header", rows=(2, 3))
def _(folder: Path) -> list[str]:
    return [*FILL, "--data", str(workbook(folder, [["aa_name"], ["Ош", "extra"], [GOOD]]))]


@case("data", "xlsx-duplicate-header")
def _(folder: Path) -> list[str]:
    return [*FILL, "--data", str(workbook(folder, [["aa_name", "aa_name"], ["Ош", "x"]]))]


@case("data", "xlsx-empty")
def _(folder: Path) -> list[str]:
    return [*FILL, "--data", str(workbook(folder, []))]


@case("data", "path-fifo")
def _(folder: Path) -> list[str]:
    os.mkfifo(folder / "data.csv")
    return [*FILL, "--data", str(folder / "data.csv")]


@case("data", "path-device")
def _(folder: Path) -> list[str]:
    (folder / "data.csv").symlink_to("/dev/zero")
    return [*FILL, "--data", str(folder / "data.csv")]


@case("data", "path-urandom-xlsx")
def _(folder: Path) -> list[str]:
    (folder / "data.xlsx").symlink_to("/dev/urandom")
    return [*FILL, "--data", str(folder / "data.xlsx")]


@case("data", "path-folder")
def _(folder: Path) -> list[str]:
    (folder / "data.csv").mkdir()
    return [*FILL, "--data", str(folder / "data.csv")]


@case("data", "path-missing")
def _(folder: Path) -> list[str]:
    return [*FILL, "--data", str(folder / "nothing.csv")]


@case("data", "path-unknown-suffix")
def _(folder: Path) -> list[str]:
    return [*FILL, "--data", str(write(folder, "data.txt", "aa_name\nОш\n"))]


@case("data", "path-over-50mb")
def _(folder: Path) -> list[str]:
    with (folder / "data.csv").open("wb") as data:
        data.write(b"aa_name\n")
        data.truncate(60_000_000)
    return [*FILL, "--data", str(folder / "data.csv")]


@case("data", "out-is-a-foreign-folder", outs=("out",))
def _(folder: Path) -> list[str]:
    write(folder, "out/thesis.docx", "years of work")
    return [*FILL, "--data", str(write(folder, "data.csv", csv_rows(f"{GOOD},a")))]


@case("data", "out-is-a-file")
def _(folder: Path) -> list[str]:
    write(folder, "out", "a file")
    return [*FILL, "--data", str(write(folder, "data.csv", csv_rows(f"{GOOD},a")))]


@case("data", "out-is-the-data-file", outs=("data.csv",))
def _(folder: Path) -> list[str]:
    data = write(folder, "data.csv", csv_rows(f"{GOOD},a"))
    return ["fill", "--out", str(data), "--lang", "ru", "--format", "docx", "--data", str(data)]


@case("data", "out-replaces-an-earlier-run", rows=(2,))
def _(folder: Path) -> list[str]:
    write(folder, "out/manifest.json", '{"call": "2025", "rows": [], "problems": [], "notes": []}')
    write(folder, "out/Old/ru/annex2.docx", "an earlier run")
    return [*FILL, "--data", str(write(folder, "data.csv", csv_rows(f"{GOOD},a")))]


# ---- returned files for `collect` ------------------------------------------------------------------

def collect_case(name: str, make_inputs: Callable[[Path], None]):
    def make(folder: Path) -> list[str]:
        (folder / "in").mkdir()
        make_inputs(folder / "in")
        return ["collect", str(folder / "in"), "--out", str(folder / "out.json")]
    CASES.append(Case(f"returned/{name}", "returned", make, inputs="in", outs=("out.json",)))


def filled_pdf(form: str = "annex2", values: dict | None = None) -> bytes:
    from generator import DEFAULT_CALL
    from generator.pipeline import localized_documents, render_bytes
    from generator.sources.call import load_call

    document = localized_documents(load_call(DEFAULT_CALL), ["ky"], [form])[0]
    return render_bytes(document, "pdf", values or {})


def filled_docx(form: str = "annex2") -> bytes:
    from generator import DEFAULT_CALL
    from generator.pipeline import localized_documents, render_bytes
    from generator.sources.call import load_call

    return render_bytes(localized_documents(load_call(DEFAULT_CALL), ["ru"], [form])[0], "docx")


def edited(edit: Callable) -> Callable[[Path], None]:
    """Inputs: one annex2.pdf changed by `edit(pdf, {name: field})`."""
    def make(folder: Path) -> None:
        import pikepdf

        with pikepdf.open(io.BytesIO(filled_pdf(values={"aa_name": "Ош"}))) as pdf:
            edit(pdf, {str(f.T): f for f in pdf.Root.AcroForm.Fields if "/T" in f})
            pdf.save(folder / "annex2.pdf")
    return make


def docx_with(document_xml: bytes, extra: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(filled_docx())) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            target.writestr(item, document_xml if item.filename == "word/document.xml" else source.read(item))
        for name, data in (extra or {}).items():
            target.writestr(name, data)
    return out.getvalue()


W = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def sdt(tag: str, text: str) -> bytes:
    return (f'<w:sdt><w:sdtPr><w:tag w:val="{tag}"/></w:sdtPr><w:sdtContent><w:p><w:r><w:t>{text}</w:t></w:r></w:p>'
            f"</w:sdtContent></w:sdt>").encode()


def body(*parts: bytes) -> bytes:
    return b'<?xml version="1.0"?><w:document ' + W + b"><w:body>" + b"".join(parts) + b"</w:body></w:document>"


def one(name: str, data: bytes | Callable[[], bytes]) -> Callable[[Path], None]:
    return lambda folder: write(folder, name, data() if callable(data) else data) and None


collect_case("kids-bomb", lambda folder: kids_bomb(folder / "a.pdf") and None)
collect_case("annotations-bomb", lambda folder: annotations_bomb(folder / "a.pdf") and None)
collect_case("object-stream-bomb", lambda folder: pdf_with_object_stream(
    folder / "a.pdf", form_catalog(b"[4 0 R]"), {4: b"<</T(aa_name)/V(" + b"a" * 30_000_000 + b")>>"}) and None)
collect_case("object-stream-lzw", one("a.pdf", b"%PDF-1.7\n1 0 obj<</Type/ObjStm/N 1/First 4/Filter/LZWDecode>>stream\n"
                                      b"junk\nendstream endobj\n%%EOF"))
collect_case("object-stream-garbage", one("a.pdf", b"%PDF-1.7\n1 0 obj<</Type/ObjStm/N 1/First 4/Filter/FlateDecode>>"
                                          b"stream\nnot deflate\nendstream endobj\n%%EOF"))
collect_case("pdf-header-only", one("a.pdf", b"%PDF-1.7\n"))
collect_case("pdf-truncated", lambda folder: write(folder, "a.pdf", filled_pdf()[:5000]) and None)
collect_case("pdf-garbage-tail", lambda folder: write(folder, "a.pdf", filled_pdf() + os.urandom(5000)) and None)
collect_case("pdf-random-bytes", one("a.pdf", b"%PDF" + os.urandom(20_000)))
collect_case("pdf-200mb-sparse", lambda folder: _sparse(folder / "a.pdf", b"%PDF-1.7\n", 200_000_000))
collect_case("pdf-no-acroform", lambda folder: _plain_pdf(folder / "a.pdf", {}))
collect_case("pdf-fields-not-array", lambda folder: _plain_pdf(folder / "a.pdf", {"Fields": 5}))
collect_case("pdf-value-array", edited(lambda pdf, f: setattr(f["aa_name"], "V", _array("a", "b"))))
collect_case("pdf-value-stream", edited(lambda pdf, f: setattr(f["aa_name"], "V", pdf.make_stream(b"x"))))
collect_case("pdf-value-dict", edited(lambda pdf, f: setattr(f["aa_name"], "V", _dict())))
collect_case("pdf-value-number", edited(lambda pdf, f: setattr(f["population"], "V", 12)))
collect_case("pdf-lone-surrogate", edited(lambda pdf, f: setattr(f["aa_name"], "V", _string(b"\xfe\xff\xd8\x00"))))
collect_case("pdf-fffe", edited(lambda pdf, f: setattr(f["aa_name"], "V", _string(b"\xfe\xff\xff\xfe\x00a"))))
collect_case("pdf-odd-utf16", edited(lambda pdf, f: setattr(f["aa_name"], "V", _string(b"\xfe\xff\x04"))))
collect_case("pdf-long-answer", edited(lambda pdf, f: setattr(f["exchange_experience"], "V", _text("Ү" * 40_000))))
collect_case("pdf-formula-answer", edited(lambda pdf, f: setattr(f["aa_name"], "V", _text("=cmd|' /C calc'!A0"))))
collect_case("pdf-two-types", edited(lambda pdf, f: pdf.Root.AcroForm.Fields.append(
    pdf.make_indirect(_dict(T=_text("aa_name"), FT=_name("/Btn"), V=_name("/1"))))))
collect_case("pdf-two-values", edited(lambda pdf, f: pdf.Root.AcroForm.Fields.append(
    pdf.make_indirect(_dict(T=_text("aa_name"), FT=_name("/Tx"), V=_text("other"))))))
collect_case("pdf-unknown-fields", edited(lambda pdf, f: pdf.Root.AcroForm.Fields.append(
    pdf.make_indirect(_dict(T=_text("../../x"), FT=_name("/Tx"), V=_text("y"))))))
collect_case("pdf-kids-cycle", edited(lambda pdf, f: setattr(f["aa_name"], "Kids", _array_of(f["aa_name"]))))
collect_case("pdf-junk-5000", edited(lambda pdf, f: setattr(pdf.Root.AcroForm, "Fields", _array_of(
    *[_dict(Junk=_name("/Y")) for _ in range(5000)], *pdf.Root.AcroForm.Fields))))
collect_case("pdf-junk-30000", edited(lambda pdf, f: setattr(pdf.Root.AcroForm, "Fields", _array_of(
    *[_dict(Junk=_name("/Y")) for _ in range(30000)], *pdf.Root.AcroForm.Fields))))
collect_case("pdf-deep-kids", edited(lambda pdf, f: setattr(f["aa_name"], "Kids", _deep(pdf, 3000))))
collect_case("pdf-encrypted-empty-password", lambda folder: _encrypted(folder, ""))
collect_case("pdf-encrypted-password", lambda folder: _encrypted(folder, "secret"))
collect_case("docx-zip-bomb", lambda folder: _docx_bomb(folder / "a.docx"))
collect_case("docx-many-parts", lambda folder: _many_parts(folder / "a.docx"))
collect_case("docx-not-a-zip", one("a.docx", b"PK\x03\x04 not really"))
collect_case("docx-without-document", lambda folder: _zip(folder / "a.docx", {"hello.txt": b"hi"}))
collect_case("docx-external-entity", one("a.docx", lambda: docx_with(
    b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><w:document ' + W +
    b"><w:body>" + sdt("aa_name", "&x;") + b"</w:body></w:document>")))
collect_case("docx-billion-laughs", one("a.docx", lambda: docx_with(
    b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]><w:document ' + W +
    b"><w:body>" + sdt("aa_name", "&d;&d;&d;&d;&d;&d;&d;&d;") + b"</w:body></w:document>")))
collect_case("docx-deep-nesting", one("a.docx", lambda: docx_with(body(b"<w:p>" * 5000 + b"</w:p>" * 5000))))
collect_case("docx-damaged-xml", one("a.docx", lambda: docx_with(b"<w:document><unclosed>")))
collect_case("docx-two-forms", one("a.docx", lambda: docx_with(body(sdt("aa_name", "Ош"), sdt("sender_head", "Башчы")))))
collect_case("docx-duplicate-tags", one("a.docx", lambda: docx_with(body(sdt("aa_name", "Ош"), sdt("aa_name", "Нарын")))))
collect_case("docx-unknown-tags", one("a.docx", lambda: docx_with(body(sdt("aa_name", "Ош"), sdt("<script>", "x")))))
collect_case("docx-no-controls", one("a.docx", lambda: docx_with(body(b"<w:p/>"))))
collect_case("docx-formula", one("a.docx", lambda: docx_with(body(sdt("aa_name", "=1+1"), sdt("population", "@x")))))
collect_case("empty-file", one("a.pdf", b""))
collect_case("png-as-pdf", one("a.pdf", b"\x89PNG\r\n\x1a\n" + b"\0" * 100))
collect_case("text-file", one("notes.txt", "hello"))
collect_case("office-lock-file", one("~$annex2.docx", b"\x05user" + b"\0" * 150))
collect_case("broken-link", lambda folder: (folder / "a.pdf").symlink_to(folder / "gone.pdf"))
collect_case("link-to-folder", lambda folder: (folder / "up").symlink_to(folder.parent))
collect_case("link-loop", lambda folder: (folder / "loop").symlink_to(folder))
collect_case("link-to-device", lambda folder: (folder / "a.pdf").symlink_to("/dev/zero"))
collect_case("fifo", lambda folder: os.mkfifo(folder / "a.pdf"))
collect_case("unreadable-subfolder", lambda folder: (folder / "sub").mkdir(mode=0))
collect_case("odd-file-names", lambda folder: [write(folder, name, filled_pdf()) for name in
                                               ["a\nb.pdf", "=cmd.pdf", "ru+ky/x.pdf", " .pdf"]] and None)
collect_case("non-utf8-file-name", lambda folder: (folder / os.fsdecode(b"\xff\xfe.pdf")).write_bytes(filled_pdf()))
collect_case("deep-folders", lambda folder: write(folder, "/".join(["d"] * 60) + "/a.pdf", filled_pdf()) and None)


def _sparse(path: Path, head: bytes, size: int) -> None:
    with path.open("wb") as stream:
        stream.write(head)
        stream.truncate(size)


def _plain_pdf(path: Path, acroform: dict) -> None:
    import pikepdf

    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        if acroform:
            pdf.Root.AcroForm = _dict(**acroform)
        pdf.save(path)


def _array(*texts: str):
    import pikepdf
    return pikepdf.Array([pikepdf.String(t) for t in texts])


def _array_of(*items):
    import pikepdf
    return pikepdf.Array(list(items))


def _dict(**items):
    import pikepdf
    return pikepdf.Dictionary({f"/{key}": value for key, value in items.items()})


def _string(raw: bytes):
    import pikepdf
    return pikepdf.String(raw)


def _text(text: str):
    import pikepdf
    return pikepdf.String(text)


def _name(name: str):
    import pikepdf
    return pikepdf.Name(name)


def _deep(pdf, depth: int):
    node = _dict(T=_text("x"), V=_text("deep"))
    for _ in range(depth):
        node = _dict(T=_text("x"), Kids=_array_of(node))
    return _array_of(pdf.make_indirect(node))


def _encrypted(folder: Path, password: str) -> None:
    import pikepdf

    with pikepdf.open(io.BytesIO(filled_pdf())) as pdf:
        pdf.save(folder / "a.pdf", encryption=pikepdf.Encryption(user=password, owner="owner"))


def _zip(path: Path, entries: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in entries.items():
            package.writestr(name, data)


def _docx_bomb(path: Path) -> None:
    from hostile.bombs import repeated_deflate, write_zip

    data, crc = repeated_deflate(b"<w:p/>" * 100_000, 2000)
    write_zip(path, [("word/document.xml", data, crc, 600_000 * 2000, 8)])


def _many_parts(path: Path) -> None:
    _zip(path, {"word/document.xml": body(sdt("aa_name", "Ош")), **{f"x/{i}": b"" for i in range(3000)}})


# ---- call files ------------------------------------------------------------------------------------

def call_case(name: str, edit: Callable[[str], str] | str, command: str = "build"):
    def make(folder: Path) -> list[str]:
        from generator import DEFAULT_CALL

        text = edit(DEFAULT_CALL.read_text(encoding="utf-8")) if callable(edit) else edit
        call = write(folder, "call.yaml", text)
        if command == "check":
            return ["check", "--call", str(call)]
        if command == "new-call":
            return ["new-call", "--from", str(call), "--id", "2026", "--out", "out/2026.yaml"]
        return ["build", "--call", str(call), "--out", "out", "--lang", "ru", "--format", "docx", "--no-site",
                "--form", "interest_letter"]
    CASES.append(Case(f"call/{name}", "call", make))


def replace(old: str, new: str) -> Callable[[str], str]:
    return lambda text: text.replace(old, new, 1)


call_case("duplicate-key", lambda text: text + "deadline: 2025-03-01 18:00\n")
call_case("merge-key", lambda text: text + "extra: &x {a: 1}\nother:\n  <<: *x\n")
call_case("alias-bomb-deadline", lambda text: text.replace("deadline: 2025-02-28 18:00", "") +
          "a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
          "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\ndeadline: *e\n")
call_case("control-character", replace("Институт политики развития", "Институт\x07 политики"))
call_case("fffe-escape", replace("  ru: Институт политики развития", '  ru: "Институт\\uFFFE"'))
call_case("surrogate-escape", replace("  ru: Институт политики развития", '  ru: "Институт\\ud800"'))
call_case("emoji", replace("Институт политики развития", "Институт 😀"))
call_case("cjk-check", replace("Институт политики развития", "研究所"), "check")
call_case("word-400000", replace("Институт политики развития", "Ы" * 400_000))
call_case("id-traversal", replace('id: "2025"', 'id: "../../escape"'))
call_case("id-absolute", replace('id: "2025"', 'id: "/tmp/escape"'))
call_case("deadline-nonsense", replace("2025-02-28 18:00", "tomorrow"))
call_case("deadline-feb-30", replace("2025-02-28 18:00", "2025-02-30 18:00"))
call_case("deadline-number", replace("2025-02-28 18:00", "1740754800"))
call_case("donor-years-reversed", replace("[2022, 2024]", "[2024, 2022]"))
call_case("donor-years-huge", replace("[2022, 2024]", "[2022, 99999999999999999999]"))
call_case("python-tag", lambda text: text + "x: !!python/object/apply:os.system ['touch PWNED']\n")
call_case("empty-file", "")
call_case("top-level-list", "- a\n- b\n")
call_case("binary-garbage", "\x00\x01\x02garbage")
call_case("deep-nesting", "a: " + "[" * 5000 + "]" * 5000 + "\n")
call_case("over-1mb", lambda text: text + "# " + "x" * 1_100_000 + "\n")
call_case("new-call-from-feb-29", replace("results_date: 2025-03-07", "results_date: 2024-02-29"), "new-call")
call_case("new-call-from-year-9999", lambda text: text.replace("2025-", "9999-"), "new-call")
call_case("template-in-programme", replace("Институт политики развития", "{{ 7*7 }} {% for x in y %}"))


# ---- letterheads ----------------------------------------------------------------------------------

def letterhead_case(name: str, make_file: Callable[[Path], Path]):
    def make(folder: Path) -> list[str]:
        path = make_file(folder)
        flag = "--letterhead-pdf" if path.suffix == ".pdf" else "--letterhead"
        return ["build", "--out", "out", "--lang", "ru", "--form", "interest_letter", "--no-site",
                "--format", "pdf" if path.suffix == ".pdf" else "docx", flag, str(path)]
    CASES.append(Case(f"letterhead/{name}", "letterhead", make))


def letterhead(folder: Path, document_xml: bytes | None = None, extra: dict[str, bytes] | None = None) -> Path:
    import docx

    blank = docx.Document()
    blank.add_paragraph("Айыл окмоту")
    blank.add_paragraph("{{ letter }}")
    buffer = io.BytesIO()
    blank.save(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "word/document.xml" and document_xml is not None:
                data = document_xml
            target.writestr(item, data)
        for name, data in (extra or {}).items():
            target.writestr(name, data)
    return write(folder, "letterhead.docx", out.getvalue())


def in_body(folder: Path, inner: bytes) -> bytes:
    return body(b"<w:p><w:r><w:t>{{ letter }}</w:t></w:r></w:p>", inner.replace(b"@PAYLOAD@", payload(folder).encode()))


letterhead_case("comment-payload", lambda f: letterhead(f, in_body(f, b"<!-- @PAYLOAD@ -->")))
letterhead_case("processing-instruction", lambda f: letterhead(f, in_body(f, b"<?php @PAYLOAD@ ?>")))
letterhead_case("text-payload", lambda f: letterhead(f, in_body(f, b"<w:p><w:r><w:t>@PAYLOAD@</w:t></w:r></w:p>")))
letterhead_case("split-run-payload", lambda f: letterhead(f, in_body(
    f, b"<w:p><w:r><w:t>{</w:t></w:r><w:r><w:t>{ 7*7 }</w:t></w:r><w:r><w:t>}</w:t></w:r></w:p>")))
letterhead_case("footnote-payload", lambda f: letterhead(f, None, {"word/footnotes.xml": (
    b'<?xml version="1.0"?><w:footnotes ' + W + b"><w:footnote><w:p><w:r><w:t>" + payload(f).encode() +
    b"</w:t></w:r></w:p></w:footnote></w:footnotes>")}))
letterhead_case("undefined-entity-footnotes", lambda f: letterhead(f, None, {"word/footnotes.xml": (
    b'<?xml version="1.0"?><w:footnotes ' + W + b"><w:footnote>&undefined;" + payload(f).encode() +
    b"</w:footnote></w:footnotes>")}))
letterhead_case("header-payload", lambda f: letterhead(f, None, {"word/header9.xml": (
    b'<?xml version="1.0"?><w:hdr ' + W + b"><w:p><w:r><w:t>" + payload(f).encode() + b"</w:t></w:r></w:p></w:hdr>")}))
letterhead_case("docprops-payload", lambda f: letterhead(f, None, {"docProps/custom.xml": (
    b'<?xml version="1.0"?><Properties><p>' + payload(f).encode() + b"</p></Properties>")}))
letterhead_case("two-placeholders", lambda f: letterhead(f, in_body(f, b"<w:p><w:r><w:t>{{ letter }}</w:t></w:r></w:p>")))
letterhead_case("no-placeholder", lambda f: letterhead(f, body(b"<w:p><w:r><w:t>only a header</w:t></w:r></w:p>")))
letterhead_case("external-entity", lambda f: letterhead(f, b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM '
                                                        b'"file:///etc/passwd">]><w:document ' + W + b"><w:body><w:p>"
                                                        b"<w:r><w:t>&x;{{ letter }}</w:t></w:r></w:p></w:body></w:document>"))
letterhead_case("not-a-zip", lambda f: write(f, "letterhead.docx", b"not a zip"))
letterhead_case("zip-bomb", lambda f: (_docx_bomb(f / "letterhead.docx"), f / "letterhead.docx")[1])
letterhead_case("pdf-kids-bomb", lambda f: kids_bomb(f / "letterhead.pdf"))
letterhead_case("pdf-page-tree-bomb", lambda f: pdf_with_object_stream(f / "letterhead.pdf", {
    1: b"<</Type/Catalog/Pages 2 0 R>>", 3: b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>"},
    {2: b"<</Type/Pages/Count 3000000/Kids[" + b"3 0 R " * 3_000_000 + b"]>>"}))
letterhead_case("pdf-encrypted", lambda f: (_encrypted(f, "x"), (f / "a.pdf").rename(f / "letterhead.pdf"),
                                            f / "letterhead.pdf")[2])
letterhead_case("pdf-not-a-pdf", lambda f: write(f, "letterhead.pdf", b"%PDF-1.7 broken"))


# ---- command-line misuse ---------------------------------------------------------------------------

def cli_case(name: str, *args: str, outs: tuple[str, ...] = ("out",)):
    CASES.append(Case(f"cli/{name}", "cli", lambda folder: [a.replace("@", str(folder)) for a in args], outs=outs))


cli_case("unknown-command", "explode")
cli_case("unknown-option", "build", "--explode")
cli_case("jobs-zero", "fill", "--data", "@/d.csv", "--jobs", "0")
cli_case("jobs-negative", "fill", "--data", "@/d.csv", "--jobs", "-3")
cli_case("jobs-huge", "fill", "--data", "@/nothing.csv", "--jobs", "100000", outs=("output",))
cli_case("lang-unknown", "build", "--lang", "en", "--out", "out")
cli_case("format-unknown", "build", "--format", "odt", "--out", "out")
cli_case("form-unknown", "build", "--form", "../../etc/passwd", "--out", "out")
cli_case("collect-no-inputs", "collect")
cli_case("collect-missing-input", "collect", "@/nowhere", "--out", "@/a.json")
cli_case("collect-out-txt", "collect", "@", "--out", "@/a.txt")
cli_case("collect-out-folder", "collect", "@", "--out", "@", outs=("",))
cli_case("collect-lang-both", "collect", "@", "--lang", "ru+ky", "--out", "@/a.json")
cli_case("fill-without-data", "fill")
cli_case("read-missing", "read", "@/nothing.docx")
cli_case("read-folder", "read", "@")
cli_case("read-device", "read", "/dev/zero")
cli_case("call-device", "check", "--call", "/dev/zero")
cli_case("call-folder", "check", "--call", "@")
cli_case("new-call-empty-id", "new-call", "--id", "", "--out", "out/x.yaml")
cli_case("new-call-traversal-id", "new-call", "--id", "../../x", "--out", "out/x.yaml")
cli_case("build-out-dev-full", "build", "--out", "/dev/full", "--lang", "ru", "--format", "docx")
cli_case("catalogs-compile-missing", "catalogs", "compile", "--locales", "@/nowhere")


# Cases of later rounds live beside this file, one module an area (cases_<area>.py), each registering
# with `case` as above: they are imported here, in the order of their names.
def _import_areas() -> None:
    import importlib

    for module in sorted(Path(__file__).parent.glob("cases_*.py")):
        importlib.import_module(f"hostile.{module.stem}")


_import_areas()
