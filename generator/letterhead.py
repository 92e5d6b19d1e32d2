"""Put the letter's body into a municipality's own letterhead DOCX (docxtpl subdocument).

The letterhead comes from outside. It is opened within size limits, and the only template code it
may hold is the one placeholder `{{ letter }}`. Every part of the package is read as docxtpl will
see it (parsed, so `&#123;` counts as `{`, whatever the part is called) and any other Jinja tag is
refused before rendering; rendering runs in Jinja's sandbox with autoescape, as a second fence.
"""
from __future__ import annotations

import io
import re
from pathlib import Path

from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

from .docx_render import normalized_zip
from .errors import FormgenError
from .zips import READ_ERRORS, open_package

MAX_LETTERHEAD_BYTES = 10_000_000
MAX_UNPACKED_BYTES = 60_000_000
MAX_ENTRIES = 1000
PLACEHOLDER = re.compile(r"\{\{\s*p?\s*letter\s*\}\}")
TEMPLATE_CODE = re.compile(r"\{\{|\{%|\{#")
PLACEHOLDER_TEXT = "{{ letter }}"
NOT_A_DOCX = ("not a Word document (.docx)", "give the letterhead as .docx (Word: File → Save As → Word Document)")


def place_in_letterhead(letterhead: Path, letter_docx: bytes) -> bytes:
    """The letterhead with the letter's body (all its content controls) at `{{ letter }}`, or at its end."""
    data = _read_letterhead(letterhead)
    open_package(data, str(letterhead), MAX_UNPACKED_BYTES, MAX_ENTRIES)  # no zip bombs past this line
    try:
        template = DocxTemplate(io.BytesIO(data))
        docx = template.get_docx()
    except (PackageNotFoundError, etree.XMLSyntaxError, *READ_ERRORS):
        raise FormgenError(letterhead, "", *NOT_A_DOCX) from None
    _check_template_code(letterhead, docx)
    _mark_placeholder_paragraph(letterhead, docx)
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


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def _part_text(part) -> str:
    """What Jinja would see in a part: its text joined (tags between braces vanish, as docxtpl
    strips them) and, apart, every attribute value."""
    if not str(part.content_type).endswith("xml"):
        return ""
    try:  # the serialised part, re-read by plain lxml: exactly the XML docxtpl hands to Jinja
        element = etree.fromstring(part.blob, _PARSER)
    except etree.XMLSyntaxError:
        return ""
    attributes = "\n".join(v for node in element.iter() for v in node.attrib.values())
    return "".join(element.itertext()) + "\n" + attributes


def _check_template_code(path: Path, docx) -> None:
    main = docx.part
    found = 0
    for part in docx.part.package.iter_parts():
        text = _part_text(part)
        count = len(PLACEHOLDER.findall(text))
        if count and part is not main:
            raise FormgenError(path, str(part.partname), f"{PLACEHOLDER_TEXT} outside the body",
                               "put it in a paragraph of the page's body, where the letter goes")
        found += count
        match = TEMPLATE_CODE.search(PLACEHOLDER.sub("", text))
        if match:
            snippet = PLACEHOLDER.sub("", text)[match.start():match.start() + 40].split("\n")[0]
            raise FormgenError(path, str(part.partname).lstrip("/"), f"template code other than {PLACEHOLDER_TEXT}: "
                               f"'{snippet}'", f"delete it; the only placeholder allowed is {PLACEHOLDER_TEXT}, "
                               "written exactly")
    if found > 1:
        raise FormgenError(path, "word/document.xml", f"{PLACEHOLDER_TEXT} appears {found} times",
                           "keep one placeholder where the letter goes")


def _mark_placeholder_paragraph(path: Path, docx) -> None:
    """docxtpl puts a subdocument in place of a whole paragraph written `{{p letter }}`."""
    body = docx.element.body
    for paragraph in body.iter(qn("w:p")):
        if PLACEHOLDER.search("".join(t.text or "" for t in paragraph.iter(qn("w:t")))):
            for child in [c for c in paragraph if c.tag != qn("w:pPr")]:
                paragraph.remove(child)
            break
    else:
        paragraph = docx.add_paragraph()._p
        if PLACEHOLDER.search("".join(body.itertext())):
            raise FormgenError(path, "word/document.xml", f"{PLACEHOLDER_TEXT} is split or inside a field",
                               "type it again as plain text in a paragraph of its own")
    run = etree.SubElement(paragraph, qn("w:r"))
    etree.SubElement(run, qn("w:t")).text = "{{p letter }}"
