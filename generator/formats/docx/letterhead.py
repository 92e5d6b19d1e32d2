"""Put the letter's body into a municipality's own letterhead DOCX.

The letterhead comes from outside, so no template engine ever sees it: it is opened within size
limits, every XML part must parse (no DTD, no entities), and the letter replaces the one body
paragraph that reads `{{ letter }}`, found in the parsed XML (docxcompose brings the letter's
styles, numbering and images along). Any other text that looks like template code is refused with
its part and line: nothing would run it, so whoever wrote it expects something that will not happen.
"""
from __future__ import annotations

import io
import re
from copy import deepcopy
from pathlib import Path

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu
from docxcompose.composer import Composer
from lxml import etree

from . import ooxml
from ...errors import FormgenError
from ..zips import normalized_zip
from .package import bounded_package, open_document, read_bounded, xml_parts
from .write import MARGIN_LEFT, PAGE_HEIGHT as A4_HEIGHT

MAX_LETTERHEAD_BYTES = 10_000_000
MAX_UNPACKED_BYTES = 60_000_000
MAX_ENTRIES = 1000
PLACEHOLDER_TEXT = "{{ letter }}"
PLACEHOLDER = re.compile(r"\{\{\s*letter\s*\}\}")
TEMPLATE_CODE = re.compile(r"\{\{|\{%|\{#")
NOT_A_DOCX = ("not a Word document (.docx)", "give the letterhead as .docx (Word: File → Save As → Word Document)")
RESAVE = "save the letterhead again in Word or LibreOffice"
W_P, W_T, W_R, W_ID = qn("w:p"), qn("w:t"), qn("w:r"), qn("w:id")
A_BLIP, R_EMBED = qn("a:blip"), qn("r:embed")
CODE_MARGIN = Emu(MARGIN_LEFT)  # the page code's room (write.py)
FONT_PROPERTIES = ("w:rFonts", "w:sz", "w:szCs")  # what a letter's style must not inherit from the letterhead


def place_in_letterhead(letterhead: Path, letter_docx: bytes) -> bytes:
    """The letterhead with the letter's body (all its content controls) at `{{ letter }}`, or at its end."""
    return place_letter(checked_letterhead(letterhead), letter_docx)


def checked_letterhead(path: Path) -> bytes:
    """The letterhead's bytes once they are known safe to put a letter in; else a FormgenError."""
    data = read_bounded(path, MAX_LETTERHEAD_BYTES, "a letterhead is a page with a logo; compress its images")
    package = bounded_package(path, data, MAX_UNPACKED_BYTES, MAX_ENTRIES)  # no zip bombs past this line
    main = open_document(path, data, NOT_A_DOCX).part.partname.lstrip("/")
    for name, root in xml_parts(path, package, MAX_UNPACKED_BYTES, RESAVE):  # each parses, without entities
        _refuse_template_code(path, name, root, allow_placeholder=name == main)
        if name == main:
            _placeholder(path, name, root)
    return data


def place_letter(letterhead: bytes, letter_docx: bytes, document: object = None) -> bytes:
    """A checked letterhead (`checked_letterhead`) with the letter in it (`document`'s: the letter
    keeps its own languages and alt texts, and the letterhead its own)."""
    master = docx.Document(io.BytesIO(letterhead))
    letter = docx.Document(io.BytesIO(letter_docx))
    _pin_fonts(letter)
    _renumber_controls(letter, master)
    _insert_letter(master, letter, _placeholder(Path(), "", master.element.body))
    _add_letter_footer(master, letter)
    _make_room_for_the_code(master)
    out = io.BytesIO()
    master.save(out)
    return normalized_zip(out.getvalue())


def _refuse_template_code(path: Path, name: str, root, allow_placeholder: bool) -> None:
    allowed = {p for p in root.iter(W_P) if _is_placeholder(p)} if allow_placeholder else set()
    for node in _all_nodes(root):
        for kind, text in _strings(node):
            if TEMPLATE_CODE.search(text) and _paragraph_of(node) not in allowed:
                _refuse(path, name, node.sourceline, kind, text)
    for paragraph in root.iter(W_P):  # braces split over runs read as one text in Word
        text = _paragraph_text(paragraph)
        if TEMPLATE_CODE.search(text) and paragraph not in allowed:
            _refuse(path, name, paragraph.sourceline, "a paragraph", text)


def _refuse(path: Path, name: str, line: int | None, kind: str, text: str) -> None:
    if PLACEHOLDER.fullmatch(text.strip()):
        raise FormgenError(path, f"{name}: line {line}", f"{PLACEHOLDER_TEXT} where the letter cannot go (a header, footer, "
                           "text box, note or a paragraph with other text)",
                           "put it in a paragraph of its own in the body, where the letter goes")
    start = TEMPLATE_CODE.search(text).start()
    snippet = " ".join(text[start:start + 60].split())
    raise FormgenError(path, f"{name}: line {line}", f"template code other than {PLACEHOLDER_TEXT} in {kind}: '{snippet}'",
                       f"delete it: nothing in a letterhead is run; the letter goes in place of "
                       f"a paragraph of the page's body that reads exactly {PLACEHOLDER_TEXT}")


def _all_nodes(root):
    """Every node of the part, comments and processing instructions before and after the root included."""
    for top in (*reversed(list(root.itersiblings(preceding=True))), root, *root.itersiblings()):
        yield from top.iter()


def _strings(node):
    """(what it is, text) for every string a node carries."""
    if isinstance(node, etree._Comment):
        yield "a comment", node.text or ""
    elif isinstance(node, etree._ProcessingInstruction):
        yield "a processing instruction", f"{node.target} {node.text or ''}"
    else:
        yield "text", node.text or ""
        yield "text", node.tail or ""
        for attribute, value in node.attrib.items():
            yield f"attribute {etree.QName(attribute).localname}", value


def _paragraph_of(node):
    """The nearest w:p around a node, or None."""
    return next((n for n in node.iterancestors(W_P)), None) if node.tag != W_P else node


def _paragraph_text(paragraph) -> str:
    return "".join(t.text or "" for t in paragraph.iter(W_T) if _paragraph_of(t) is paragraph)


def _is_placeholder(paragraph) -> bool:
    """A paragraph of its own that reads `{{ letter }}`, not inside a text box or drawing."""
    return (PLACEHOLDER.fullmatch(_paragraph_text(paragraph).strip()) is not None
            and next(paragraph.iterancestors(W_R), None) is None)


def _placeholder(path: Path, name: str, root):
    found = [p for p in root.iter(W_P) if _is_placeholder(p)]
    if len(found) > 1:
        raise FormgenError(path, f"{name}: line {found[1].sourceline}",
                           f"{PLACEHOLDER_TEXT} appears {len(found)} times", "keep one placeholder where the letter goes")
    return found[0] if found else None


# --- the letter inside --------------------------------------------------------------------------

def _pin_fonts(letter) -> None:
    """Each of the letter's paragraph styles names its font and size itself: once inside the
    letterhead, the Normal they are based on is the letterhead's, whatever font that names."""
    normal = letter.styles.default(WD_STYLE_TYPE.PARAGRAPH)
    for style in letter.styles:
        if style.type != WD_STYLE_TYPE.PARAGRAPH or style is normal:
            continue
        properties = style.element.get_or_add_rPr()
        for tag in FONT_PROPERTIES:
            if properties.find(qn(tag)) is None:
                inherited = _inherited(style, qn(tag), normal)
                if inherited is not None:
                    properties.append(deepcopy(inherited))
        _sort_run_properties(properties)


def _inherited(style, tag: str, normal):
    while style is not None:
        found = style.element.rPr.find(tag) if style.element.rPr is not None else None
        if found is not None:
            return found
        style = style.base_style if style.base_style is not None else (normal if style is not normal else None)
    return None


def _sort_run_properties(properties) -> None:
    """w:rPr children in the order the schema requires."""
    order = {qn(f"w:{tag}"): i for i, tag in enumerate(ooxml.ORDER["rPr"])}
    properties[:] = sorted(properties, key=lambda child: order.get(child.tag, len(order)))


def _insert_letter(master, letter, anchor) -> None:
    """The letter's body elements in place of the placeholder paragraph, or after the last one."""
    body = master.element.body
    composer = Composer(master)
    index = composer.append_index()
    size = len(body)
    composer.insert(index, letter)
    _add_base_styles(composer, master, letter)
    added = list(body[index:index + len(body) - size])
    if anchor is None:
        return
    for element in added:
        anchor.addprevious(element)
    if anchor.getparent().tag != body.tag and added and added[-1].tag != W_P:
        anchor.addprevious(etree.SubElement(anchor.getparent(), W_P))  # a table cell ends with a paragraph
    anchor.getparent().remove(anchor)


def _add_base_styles(composer: Composer, master, letter) -> None:
    """docxcompose copies the styles the letter uses, not the styles those are based on; a base the
    letterhead has under another id (Russian Word calls Normal `a`) is pointed at by that id."""
    letter_ids = {style.style_id for style in letter.styles}
    copied = True
    while copied:
        copied = False
        have = {style.style_id for style in master.styles}
        for style in master.styles:
            base = style.element.basedOn_val
            if base is None or base in have:
                continue
            if composer.mapped_style_id(base) in have:
                style.element.basedOn_val = composer.mapped_style_id(base)
            elif base in letter_ids:
                reference = OxmlElement("w:p")
                reference.get_or_add_pPr().style = base
                composer.add_styles(letter, reference)
                copied = True


def _renumber_controls(letter, master) -> None:
    """Content control ids unique in the whole result: the letterhead may have controls of its own."""
    def ids(body):
        return [i for properties in body.iter(qn("w:sdtPr")) for i in properties.iterchildren(W_ID)]
    taken = [int(i.get(W_ID)) for i in ids(master.element.body) if i.get(W_ID, "").lstrip("-").isdigit()]
    for number, control_id in enumerate(ids(letter.element.body), start=max(taken, default=0) + 1):
        control_id.set(W_ID, str(number))


def _add_letter_footer(master, letter) -> None:
    """The letter's footer line (the call and its deadline, and the page code in the left margin)
    under every footer the letterhead shows."""
    source = letter.sections[0].footer
    lines = [p._p for p in source.paragraphs if p.text.strip()]
    font = letter.styles.default(WD_STYLE_TYPE.PARAGRAPH).element.rPr.find(qn("w:rFonts"))
    done = set()
    for number, section in enumerate(master.sections):
        footers = [section.footer]
        if section.different_first_page_header_footer:
            footers.append(section.first_page_footer)
        if master.settings.odd_and_even_pages_header_footer:
            footers.append(section.even_page_footer)
        for footer in footers:
            if footer.is_linked_to_previous:
                if number:
                    continue  # shows the previous section's footer
                footer.is_linked_to_previous = False
            if id(footer.part) in done:
                continue
            done.add(id(footer.part))
            for line in lines:
                line = _with_pictures(_with_font(deepcopy(line), font), source.part, footer.part)
                footer._element.append(_placed_on(line, section.page_height))


def _with_pictures(paragraph, source, target):
    """The paragraph's pictures (the page code) related from the footer part it goes into."""
    for blip in paragraph.iter(A_BLIP):
        image = source.related_parts[blip.get(R_EMBED)]
        blip.set(R_EMBED, target.get_or_add_image(io.BytesIO(image.blob))[0])
    return paragraph


def _placed_on(paragraph, page_height):
    """The code is placed from the top of an A4 page: on the letterhead's page (US Letter, say) it
    keeps its distance from the bottom edge."""
    for offset in paragraph.xpath(".//wp:positionV[@relativeFrom='page']/wp:posOffset"):
        offset.text = str(int(offset.text) + (page_height or A4_HEIGHT) - A4_HEIGHT)
    return paragraph


def _make_room_for_the_code(master) -> None:
    """The page code sits in the left margin, as in formgen's own letter: a narrower margin is widened."""
    for section in master.sections:
        if section.left_margin is None or section.left_margin < CODE_MARGIN:
            section.left_margin = CODE_MARGIN


def _with_font(paragraph, font):
    paragraph_properties = paragraph.find(qn("w:pPr"))
    if paragraph_properties is not None and paragraph_properties.find(qn("w:pStyle")) is not None:
        paragraph_properties.remove(paragraph_properties.find(qn("w:pStyle")))  # the letterhead may lack it
    for run in paragraph.iter(W_R):
        properties = run.get_or_add_rPr()
        if font is not None and properties.find(qn("w:rFonts")) is None:
            properties.append(deepcopy(font))
        _sort_run_properties(properties)
    return paragraph
