"""Write the DOCX template the package ships in generator/formats/docx/docxdata/.

    python tools/make_docx_templates.py [FOLDER]      (default: generator/formats/docx/docxdata)

The template is python-docx's default document with this tool's paragraph styles (LOOKS in formats/docx/write.py),
the grey placeholder style and Normal in no language (`und`): each DOCX puts its own there (write.py). Making it with python-docx takes a fifth of
a second and importing python-docx a tenth, in every process; the styles never change between
builds, so it is made here once and the result committed: a build copies the template's parts
into each DOCX as they are, and never imports python-docx. tests/test_docx_templates.py runs this
again and compares bytes.
"""
from __future__ import annotations

import io
import sys
import zlib
from pathlib import Path

from docx import Document as new_docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from generator.formats.docx import ooxml
from generator.formats.docx.write import (FONT, FONT_SIZE_PT, KEEP, LOOKS, STYLES_PART, TEMPLATE_FILE, ParagraphLook,
                                          style_id, template_file)
from generator.formats.zips import normalized_zip, packed, packed_entries, write_zip
from generator.sources.languages import builtin_languages

CHECKOUT_DOCX_DATA = Path(__file__).resolve().parent.parent / "generator" / "formats" / "docx" / "docxdata"
STALE_PARTS = ("/stylesWithEffects", "/thumbnail")  # python-docx's template: old styles, its own picture


def make_template() -> bytes:
    docx = new_docx()
    _setup_styles(docx, ooxml.NO_LANGUAGE)
    _honest_package(docx)
    buffer = io.BytesIO()
    docx.save(buffer)
    return normalized_zip(buffer.getvalue())


def _setup_styles(docx, tag: str) -> None:
    normal = docx.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(FONT_SIZE_PT)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    language = docx.styles.element.makeelement(qn("w:lang"), {qn(f"w:{name}"): tag for name in ("val", "eastAsia", "bidi")})
    normal.element.get_or_add_rPr().append(language)
    for name, look in LOOKS.items():
        _add_paragraph_style(docx, name, look, keep=False)
        _add_paragraph_style(docx, name, look, keep=True)
    placeholder = docx.styles.add_style("Placeholder Text", WD_STYLE_TYPE.CHARACTER)
    placeholder.element.set(qn("w:styleId"), ooxml.PLACEHOLDER_STYLE_ID)
    placeholder.font.color.rgb = RGBColor(0x80, 0x80, 0x80)
    placeholder.hidden, placeholder.unhide_when_used = False, True


def _add_paragraph_style(docx, name: str, look: ParagraphLook, keep: bool) -> None:
    style = docx.styles.add_style(f"Form {name.replace('_', ' ')}{KEEP if keep else ''}", WD_STYLE_TYPE.PARAGRAPH)
    style.element.set(qn("w:styleId"), style_id(name, keep))
    style.base_style = docx.styles[look.base]
    style.hidden, style.unhide_when_used, style.quick_style = False, False, not keep
    fmt = style.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.from_xml(look.align)
    fmt.space_before, fmt.space_after = Pt(look.before), Pt(look.after)
    fmt.first_line_indent, fmt.left_indent = Mm(look.first_indent), Mm(look.left_indent)
    fmt.keep_with_next = look.keep_with_next or keep
    style.font.bold = look.bold or None
    if look.heading:
        style.element.get_or_add_pPr().get_or_add_outlineLvl().set(qn("w:val"), str(look.heading - 1))


def _honest_package(docx) -> None:
    """The template without parts that describe another document, and app.xml naming formgen."""
    for rels in (docx.part.rels, docx.part.package.rels):
        for rid, rel in list(rels.items()):
            if rel.reltype.endswith(STALE_PARTS):
                del rels[rid]
    app = next(part for part in docx.part.package.iter_parts() if part.partname == "/docProps/app.xml")
    app._blob = ooxml.app_properties()
    zoom = docx.settings.element.find(qn("w:zoom"))
    if zoom is not None:  # `w:percent` is required by ISO/IEC 29500; python-docx's template leaves it out
        zoom.set(qn("w:percent"), "100")


def main(folder: Path) -> None:
    """The template, and a copy in each language of the built-in forms (a build's shortcut: write.py
    makes the same for any language it has no copy of)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / TEMPLATE_FILE).write_bytes(make_template())
    print(folder / TEMPLATE_FILE)
    for language in builtin_languages().languages:
        path = folder / template_file(language.tag)
        path.write_bytes(write_zip(_in_language(folder / TEMPLATE_FILE, language.tag)))
        print(path)


def _in_language(template: Path, tag: str):
    """As write.template_entries makes them, from the template in `template`."""
    entries = packed_entries(template.read_bytes())
    styles = zlib.decompress(dict(entries)[STYLES_PART].compressed, -15)
    return [(name, packed(ooxml.styles_in_language(styles, tag)) if name == STYLES_PART else entry)
            for name, entry in entries]


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else CHECKOUT_DOCX_DATA)
