"""Put the letter's body into a municipality's own letterhead DOCX (docxtpl subdocument).

The letterhead comes from outside. It is opened within size limits, and the only template code it
may hold is the one placeholder `{{ letter }}`: any other Jinja tag is refused before docxtpl sees
the file, and rendering runs in Jinja's sandbox with autoescape, as a second fence.
"""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from docxtpl import DocxTemplate
from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from .docx_render import normalized_zip
from .errors import FormgenError

MAX_LETTERHEAD_BYTES = 10_000_000
MAX_UNPACKED_BYTES = 60_000_000
MAX_ENTRIES = 1000
PLACEHOLDER = re.compile(r"\{\{\s*p?\s*letter\s*\}\}")
TEMPLATE_CODE = re.compile(r"\{\{|\{%|\{#")
PLACEHOLDER_TEXT = "{{ letter }}"


def place_in_letterhead(letterhead: Path, letter_docx: bytes) -> bytes:
    """The letterhead with the letter's body (all its content controls) at `{{ letter }}`, or at its end."""
    data = _read_letterhead(letterhead)
    parts = _xml_parts(letterhead, data)
    has_placeholder = _check_template_code(letterhead, parts)
    template = DocxTemplate(io.BytesIO(data))
    _mark_placeholder_paragraph(template.get_docx(), has_placeholder)
    body = template.new_subdoc(io.BytesIO(letter_docx))
    environment = SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)
    template.render({"letter": body}, jinja_env=environment, autoescape=True)
    out = io.BytesIO()
    template.save(out)
    return normalized_zip(out.getvalue())


def _read_letterhead(path: Path) -> bytes:
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_LETTERHEAD_BYTES + 1)
    except OSError as exc:
        raise FormgenError(path, "", f"cannot read: {exc.strerror or exc}", "check the --letterhead path") from None
    if len(data) > MAX_LETTERHEAD_BYTES:
        raise FormgenError(path, "", f"larger than {MAX_LETTERHEAD_BYTES // 1_000_000} MB",
                           "a letterhead is a page with a logo; compress its images")
    return data


def _xml_parts(path: Path, data: bytes) -> dict[str, str]:
    """The XML parts that docxtpl renders, read within bounds (no zip bombs)."""
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        entries = package.infolist()
        if len(entries) > MAX_ENTRIES or sum(e.file_size for e in entries) > MAX_UNPACKED_BYTES:
            raise FormgenError(path, "", "unpacks to too many or too large parts",
                               "save the letterhead again from Word as a plain .docx")
        if "word/document.xml" not in package.namelist():
            raise zipfile.BadZipFile
        names = [n for n in package.namelist()
                 if re.fullmatch(r"word/(document|header\d*|footer\d*|footnotes)\.xml|docProps/\w+\.xml", n)]
        return {name: package.read(name).decode("utf-8", "replace") for name in names}
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, ValueError):
        raise FormgenError(path, "", "not a Word document (.docx)",
                           "give the letterhead as .docx (Word: File → Save As → Word Document)") from None


def _check_template_code(path: Path, parts: dict[str, str]) -> bool:
    """True when the body has the placeholder; an error for any other template code anywhere."""
    found = 0
    for name, xml in parts.items():
        text = re.sub(r"<[^>]+>", "", xml)
        if name == "word/document.xml":
            found = len(PLACEHOLDER.findall(text))
            text = PLACEHOLDER.sub("", text)
        match = TEMPLATE_CODE.search(text)
        if match:
            snippet = text[match.start():match.start() + 40].split("\n")[0]
            raise FormgenError(path, name, f"template code other than {PLACEHOLDER_TEXT}: '{snippet}'",
                               f"delete it; the only placeholder allowed is {PLACEHOLDER_TEXT}, written exactly")
    if found > 1:
        raise FormgenError(path, "word/document.xml", f"{PLACEHOLDER_TEXT} appears {found} times",
                           "keep one placeholder where the letter goes")
    return found == 1


def _mark_placeholder_paragraph(docx, has_placeholder: bool) -> None:
    """docxtpl puts a subdocument in place of a whole paragraph written `{{p letter }}`."""
    if has_placeholder:
        paragraph = next(p for p in _all_paragraphs(docx) if PLACEHOLDER.search(p.text))
        for run in paragraph.runs[1:]:
            run._r.getparent().remove(run._r)
        paragraph.runs[0].text = "{{p letter }}"
    else:
        docx.add_paragraph("{{p letter }}")


def _all_paragraphs(docx):
    yield from docx.paragraphs
    for table in docx.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from cell.paragraphs
