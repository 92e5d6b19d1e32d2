"""Returns from office programs (issue 21): an ODT or DOC converted by LibreOffice, a DOCX whose
controls lost their tags, a DOCX printed to PDF. Each hostile one is one problem line while the
good returns beside it are read: a macro never runs, a zip bomb is refused unpacked, a converter
that hangs is killed at its time limit with all it started, a printed PDF's code is believed only
when its text is the form's, and lining up a file with its form stays bounded. (A zip whose
directory understates what it unpacks to is counted as it unpacks: formats/soffice.py.)
"""
from __future__ import annotations

import io
import os
import re
import zipfile
from pathlib import Path

from hostile.cases import MARKER, case, filled_docx, write
from hostile.cases_batch import good_returns, one_line

ODT_TYPE = "application/vnd.oasis.opendocument.text"


def collect(folder: Path) -> list[str]:
    return ["collect", str(folder / "in"), "--out", str(folder / "out.json")]


def returned(name: str, file: str, says: str):
    """A case: two good returns and `file`, which `make(folder)` returns the bytes of."""
    def register(make):
        @case("returned", f"office-{name}", inputs="in", outs=("out.json",), expect=one_line(file, says))
        def _(folder: Path) -> list[str]:
            good_returns(folder / "in")
            write(folder / "in", file, make(folder))
            return collect(folder)
        return make
    return register


def odt(content: str, extra: dict[str, bytes] | None = None, spaces: int = 0) -> bytes:
    """An OpenDocument text: its mimetype first and stored, as ODF requires; `spaces` more spaces
    streamed into its content.xml after `content` (a bomb made without holding it in memory)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr(zipfile.ZipInfo("mimetype"), ODT_TYPE, compress_type=zipfile.ZIP_STORED)
        with package.open("content.xml", "w", force_zip64=True) as stream:
            stream.write(content.encode())
            for _ in range(spaces // 1_000_000):
                stream.write(b" " * 1_000_000)
        manifest = "".join(f'<manifest:file-entry manifest:full-path="{name}" manifest:media-type="text/xml"/>'
                           for name in ["content.xml", *(extra or {})])
        package.writestr("META-INF/manifest.xml",
                         '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
                         '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                         f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{ODT_TYPE}"/>'
                         f"{manifest}</manifest:manifest>")
        for name, data in (extra or {}).items():
            package.writestr(name, data)
    return buffer.getvalue()


CONTENT = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
           'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
           'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
           'xmlns:script="urn:oasis:names:tc:opendocument:xmlns:script:1.0" '
           'xmlns:xlink="http://www.w3.org/1999/xlink" office:version="1.2">{scripts}'
           "<office:body><office:text><text:p>{text}</text:p></office:text></office:body></office:document-content>")


@returned("odt-with-a-macro-run-on-open", "c/annex2.odt", "holds no field of the forms")
def _(folder: Path) -> bytes:
    """A Basic macro bound to the document's load event that would write the marker file: LibreOffice
    converts in a profile that runs no macro, so the file is only what its text is (no form)."""
    target = folder / MARKER
    module = ('<?xml version="1.0" encoding="UTF-8"?><script:module xmlns:script="http://openoffice.org/2000/script" '
              f'script:name="Module1" script:language="StarBasic">Sub Main\n  Shell("touch", 0, "{target}")\n'
              f'  Open "{target}" For Output As #1\n  Close #1\nEnd Sub\n</script:module>')
    library = ('<?xml version="1.0" encoding="UTF-8"?><library:library xmlns:library='
               '"http://openoffice.org/2000/library" library:name="Standard" library:readonly="false" '
               'library:passwordprotected="false"><library:element library:name="Module1"/></library:library>')
    libraries = ('<?xml version="1.0" encoding="UTF-8"?><library:libraries xmlns:library='
                 '"http://openoffice.org/2000/library" xmlns:xlink="http://www.w3.org/1999/xlink">'
                 '<library:library library:name="Standard" library:link="false"/></library:libraries>')
    scripts = ('<office:scripts><office:event-listeners><script:event-listener script:language="ooo:script" '
               'script:event-name="dom:load" xlink:href="vnd.sun.star.script:Standard.Module1.Main?'
               'language=Basic&amp;location=document"/></office:event-listeners></office:scripts>')
    return odt(CONTENT.format(scripts=scripts, text="Не форма"),
               {"Basic/script-lc.xml": libraries.encode(), "Basic/Standard/script-lb.xml": library.encode(),
                "Basic/Standard/Module1.xml": module.encode()})


@returned("odt-zip-bomb", "c/annex2.odt", "unpacks to 300 MB")
def _(folder: Path) -> bytes:
    return odt(CONTENT.format(scripts="", text=""), spaces=300_000_000)


def child_ended(expect):
    """expect, and the stand-in converter's child (its pid in the case folder) killed with it."""
    def checked(folder: Path, exit_code, output: str) -> list[str]:
        wrong = expect(folder, exit_code, output)
        if not (folder / "child").exists():
            return wrong + ["the stand-in converter never ran"]
        child = int((folder / "child").read_text())
        try:
            state = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return wrong
        return wrong if state == "Z" else wrong + [f"the converter's child {child} is still running"]
    return checked


@case("returned", "office-doc-whose-conversion-hangs", inputs="in", outs=("out.json", "child"),
      expect=child_ended(one_line("c/annex2.doc", "had not converted after 2 s; stopped")))
def _(folder: Path) -> list[str]:
    """A converter that never ends (a stand-in soffice that starts a child and sleeps): killed at the
    time limit with its child, the batch goes on."""
    import generator.formats.soffice as soffice

    good_returns(folder / "in")
    write(folder / "in", "c/annex2.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096)
    stand_in = write(folder / "bin", "soffice", f"#!/bin/sh\nsleep 600 &\necho $! > {folder}/child\nsleep 600\n")
    stand_in.chmod(0o755)
    os.environ["PATH"] = f"{stand_in.parent}{os.pathsep}{os.environ['PATH']}"
    soffice.TIME_LIMIT = 2
    return collect(folder)


# ---- DOCX printed to PDF ---------------------------------------------------------------------------

def text_pdf(*lines: str) -> bytes:
    """A one-page PDF of these lines in Helvetica: text PDFium reads, as a printed page's."""
    import pikepdf

    pdf = pikepdf.new()
    font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica))
    content = "BT /F1 10 Tf 50 800 Td 14 TL " + " ".join(
        f"({line.replace('(', '').replace(')', '')}) Tj T*" for line in lines) + " ET"
    page = pikepdf.Dictionary(Type=pikepdf.Name.Page, MediaBox=[0, 0, 595, 842],
                              Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font)),
                              Contents=pdf.make_stream(content.encode("latin-1")))
    pdf.pages.append(pikepdf.Page(page))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def annex2_code() -> str:
    from generator import DEFAULT_CALL
    from generator.formats.docx.write import page_code
    from generator.pipeline import localized_documents
    from generator.sources.call import load_call

    return page_code(localized_documents(load_call(DEFAULT_CALL), ["ky"], ["annex2"])[0])


@returned("printed-pdf-with-a-forged-code", "c/annex2.pdf", "but its text is not that form's")
def _(folder: Path) -> bytes:
    return text_pdf("Invoice 42: pay 1000 som", "nothing of a form here", annex2_code())


@returned("printed-pdf-with-the-code-of-another-version", "c/annex2.pdf", "of another version of the form")
def _(folder: Path) -> bytes:
    code = annex2_code()
    return text_pdf("Some text", code[:-6] + ("0" * 6 if not code.endswith("000000") else "1" * 6))


@returned("printed-pdf-with-the-code-of-no-form", "c/annex2.pdf", "printed from a form this project has not")
def _(folder: Path) -> bytes:
    return text_pdf("formgen 2025 no_such_form ky abcdef")


# ---- DOCX lined up with its form, within bounds -------------------------------------------------------

def untagged_annex2(extra: str) -> bytes:
    """The Russian Annex 2 with its tags gone (as a LibreOffice 7.4 save leaves it) and `extra` XML
    appended to its body."""
    source = zipfile.ZipFile(io.BytesIO(filled_docx()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename == "word/document.xml":
                data = re.sub(rb'<w:tag w:val="[^"]*"/>', b"", data).replace(b"<w:sectPr", extra.encode() + b"<w:sectPr")
            package.writestr(entry, data)
    return buffer.getvalue()


@returned("docx-untagged-with-ten-thousand-controls", "c/annex2.docx", "it is not matched against the forms")
def _(folder: Path) -> bytes:
    control = "<w:sdt><w:sdtPr><w:text/></w:sdtPr><w:sdtContent><w:r><w:t>x</w:t></w:r></w:sdtContent></w:sdt>"
    return untagged_annex2("<w:p>" + control * 10_000 + "</w:p>")


@returned("docx-untagged-with-fifty-thousand-words", "c/annex2.docx", "more than 30000 words")
def _(folder: Path) -> bytes:
    return untagged_annex2("<w:p>" + "<w:r><w:t>слово </w:t></w:r>" * 50_000 + "</w:p>")
