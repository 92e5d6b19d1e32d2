"""Raw WordprocessingML, in this one module: the parts a render writes, as text, and the content
controls (`w:sdt`) read back from a parsed part, or from the bytes of a part of the kind written here.

A render writes its XML as strings (a DOCX is thousands of elements; python-docx's objects cost
ten times as much). Text and attribute values always go through `_text`/`_attribute`, which escape
them and replace what XML cannot hold; the order of children within the property elements is
declared once, in ORDER, as ISO/IEC 29500 sets it. Content controls: child order in `w:sdtPr`
rPr, alias, tag, id, lock, showingPlcHdr, then the control type. No `w:placeholder` docPart is
written: the placeholder is the grey run inside the control, marked by `w:showingPlcHdr`, which
Word and LibreOffice both honour.
"""
from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Iterator, Mapping, NamedTuple, Union

from ..xmltext import NOT_IN_XML, not_in_xml, replace_not_in_xml

PLACEHOLDER_STYLE_ID = "PlaceholderText"
DATE_FORMAT = "dd.MM.yyyy"
NO_LANGUAGE = "und"  # BCP 47's undetermined: the shipped template's Normal style, until a DOCX says its own
BOX_FONT = "MS Gothic"  # Word's own check box glyphs; LibreOffice substitutes a font that has them
BOX_CHECKED, BOX_EMPTY = "\u2612", "\u2610"  # ☒ ☐
CHECKED, UNCHECKED = "yes", "no"
SIGNATURE_LINE = "_" * 28

NAMESPACES = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "w14": "http://schemas.microsoft.com/office/word/2010/wordml",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
}
# Every part's root declares them all; w14 (the check box) is ignorable, as Markup Compatibility asks
_DECLARATIONS = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in NAMESPACES.items()) + ' mc:Ignorable="w14"'
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
PART_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml."

# The schema's order of the children of each property element (ISO/IEC 29500-1, 17.3 and 17.4)
ORDER = {
    "pPr": ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
            "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
            "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid",
            "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection",
            "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange"),
    "rPr": ("rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline",
            "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing", "w",
            "kern", "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign",
            "rtl", "cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath"),
    "tblPr": ("tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize",
              "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook"),
    "trPr": ("cnfStyle", "divId", "gridBefore", "gridAfter", "wBefore", "wAfter", "cantSplit", "trHeight",
             "tblHeader", "tblCellSpacing", "jc", "hidden"),
    # header and footer references come first, in any order among themselves
    "sectPr": ("references", "footnotePr", "endnotePr", "type", "pgSz", "pgMar", "paperSrc", "pgBorders",
               "lnNumType", "pgNumType", "cols", "formProt", "vAlign", "noEndnote", "titlePg", "textDirection",
               "bidi", "rtlGutter", "docGrid"),
}
_RANK = {name: {child: i for i, child in enumerate(children)} for name, children in ORDER.items()}

# --- text and elements ------------------------------------------------------------------------

# What text or an attribute value may need changed; one pattern for both (each such pattern costs 1 ms
# to compile in every process, for the characters beyond ASCII)
_SPECIAL = re.compile(f'[&<>"\n\t\r{NOT_IN_XML}]')


def _text(value: str) -> str:
    if not _SPECIAL.search(value):
        return value
    value = replace_not_in_xml(value)
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def _attribute(value: str) -> str:
    if not _SPECIAL.search(value):
        return value
    return _text(value).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")


def _w(name: str, children: str = "", **attributes) -> str:
    """`<w:name w:key="value">children</w:name>`, empty when it has no children."""
    attrs = "".join(f' w:{key}="{_attribute(str(value))}"' for key, value in attributes.items())
    return f"<w:{name}{attrs}>{children}</w:{name}>" if children else f"<w:{name}{attrs}/>"


def _properties(name: str, **children: str) -> str:
    """A property element (`w:pPr`, `w:rPr`, …) with its children, given by name, in the schema's order."""
    rank = _RANK[name]
    present = sorted((rank[child], xml) for child, xml in children.items() if xml)
    return f"<w:{name}>{''.join(xml for _, xml in present)}</w:{name}>" if present else ""


def qn(tag: str) -> str:
    """'w:tag' → '{namespace}tag', as lxml names elements."""
    prefix, _, local = tag.partition(":")
    return f"{{{NAMESPACES[prefix]}}}{local}"


# --- runs ---------------------------------------------------------------------------------------

@lru_cache(maxsize=None)
def language(tag: str) -> str:
    """A run's language (`tag`: BCP 47), or none said ('')."""
    return _w("lang", val=tag, eastAsia=tag, bidi=tag) if tag else ""


def styles_in_language(styles: bytes, tag: str) -> bytes:
    """The template's styles part with its Normal style, and so every paragraph, in `tag`'s language."""
    return styles.replace(language(NO_LANGUAGE).encode(), language(tag).encode(), 1)


@lru_cache(maxsize=None)
def run_properties(tag: str, style: str | None = None, box_font: bool = False, color: str | None = None,
                   half_points: int | None = None) -> str:
    fonts = _w("rFonts", ascii=BOX_FONT, eastAsia=BOX_FONT, hAnsi=BOX_FONT, hint="eastAsia") if box_font else ""
    return _properties("rPr", rStyle=_w("rStyle", val=style) if style else "", rFonts=fonts,
                       color=_w("color", val=color) if color else "",
                       sz=_w("sz", val=half_points) if half_points else "", lang=language(tag))


def text_run(text: str, tag: str, style: str | None = None, **look) -> str:
    """A `w:r` holding text in the language of `tag`; line breaks become `w:br`, tabs `w:tab`."""
    return f"<w:r>{run_properties(tag, style, **look)}{_run_content(text)}</w:r>"


def _run_content(text: str) -> str:
    if "\n" not in text and "\t" not in text:
        return f'<w:t xml:space="preserve">{_text(text)}</w:t>' if text else ""
    parts = []
    for i, line in enumerate(text.split("\n")):
        if i:
            parts.append("<w:br/>")
        for j, piece in enumerate(line.split("\t")):
            if j:
                parts.append("<w:tab/>")
            if piece:
                parts.append(f'<w:t xml:space="preserve">{_text(piece)}</w:t>')
    return "".join(parts)


def signature_line(label: str, tag: str) -> str:
    """Where a signature goes in a DOCX: a line to sign on, its label in grey after it."""
    return text_run(SIGNATURE_LINE, tag) + text_run(f" ({label})", tag, style=PLACEHOLDER_STYLE_ID)


def page_number_field() -> str:
    """The runs of a PAGE field."""
    return ('<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="end"/></w:r>')


DECORATIVE_EXTENSION = "{C183D7F6-B498-43B3-948B-1728B52AA6E4}"  # Office's extension for the flag
DECORATIVE = "http://schemas.microsoft.com/office/drawing/2017/decorative"


def floating_picture(rid: str, size: int, left: int, top: int, shape_id: int) -> str:
    """A run with a square picture at (left, top) EMU from the page's corner, in front of the text
    and without wrapping: it takes no room in the flow (the page's QR code). Marked decorative
    (Word 365's flag): the code is for a scanner, and a screen reader passes it over."""
    return (f'<w:r><w:drawing><wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" '
            f'relativeHeight="{shape_id}" behindDoc="0" locked="1" layoutInCell="1" allowOverlap="1">'
            f'<wp:simplePos x="0" y="0"/><wp:positionH relativeFrom="page"><wp:posOffset>{left}</wp:posOffset>'
            f'</wp:positionH><wp:positionV relativeFrom="page"><wp:posOffset>{top}</wp:posOffset></wp:positionV>'
            f'<wp:extent cx="{size}" cy="{size}"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapNone/>'
            f'<wp:docPr id="{shape_id}" name="Picture {shape_id}"><a:extLst><a:ext uri="{DECORATIVE_EXTENSION}">'
            f'<adec:decorative xmlns:adec="{DECORATIVE}" val="1"/></a:ext></a:extLst></wp:docPr>'
            f'<wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr>'
            f'<a:graphic><a:graphicData uri="{NAMESPACES["pic"]}"><pic:pic><pic:nvPicPr>'
            f'<pic:cNvPr id="0" name="image.png"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill>'
            f'<a:blip r:embed="{rid}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm>'
            f'<a:off x="0" y="0"/><a:ext cx="{size}" cy="{size}"/></a:xfrm><a:prstGeom prst="rect"/></pic:spPr>'
            f'</pic:pic></a:graphicData></a:graphic></wp:anchor></w:drawing></w:r>')


# --- content controls ---------------------------------------------------------------------------

class Control(NamedTuple):
    """A content control as written: `kind` is the field kind's `docx` (kinds.KINDS): text,
    multiline, date, dropdown or checkbox; `options` (value, label) of a drop-down."""

    tag: str
    kind: str
    alias: str
    placeholder: str
    lang: str  # BCP 47
    id: str
    options: tuple[tuple[str, str], ...] = ()


def content_control(control: Control, value: str | None = None) -> str:
    """An inline `w:sdt` around one run: the placeholder in grey, or `value` as Word stores a
    typed one (a drop-down shows its label; a check box takes yes or no)."""
    lang = control.lang
    if control.kind == "checkbox":  # no placeholder: the empty box is the blank
        content, showing = _box_run(value == CHECKED, lang), ""
    elif value:
        content, showing = text_run(dict(control.options).get(value, value) if control.options else value, lang), ""
    else:
        content, showing = text_run(control.placeholder, lang, style=PLACEHOLDER_STYLE_ID), "<w:showingPlcHdr/>"
    if control.kind == "multiline" and value and "\n" in value:
        kind = ""  # a rich text control: LibreOffice 7.4 makes a plain one an input field, whose line breaks it loses
    else:
        kind = _control_type(control.kind, lang, control.options,
                             _full_date(value) if control.kind == "date" else None, value == CHECKED)
    # w:sdtPr's children in the schema's order: rPr, alias, tag, id, lock, showingPlcHdr, the type
    # (_SDT_PROPERTIES below reads them back in this order)
    return (f'<w:sdt><w:sdtPr>{run_properties(lang)}<w:alias w:val="{_attribute(control.alias[:255])}"/>'
            f'<w:tag w:val="{_attribute(control.tag)}"/><w:id w:val="{_attribute(control.id)}"/>'
            f'<w:lock w:val="sdtLocked"/>{showing}{kind}</w:sdtPr><w:sdtContent>{content}</w:sdtContent></w:sdt>')


@lru_cache(maxsize=256)
def _control_type(kind: str, lang: str, options: tuple[tuple[str, str], ...], full_date: str | None,
                  checked: bool) -> str:
    if kind == "date":
        return _w("date", _w("dateFormat", val=DATE_FORMAT) + _w("lid", val=lang)
                  + _w("storeMappedDataAs", val="dateTime") + _w("calendar", val="gregorian"),
                  **({"fullDate": full_date} if full_date else {}))
    if kind == "dropdown":
        return _w("dropDownList", "".join(_w("listItem", displayText=label, value=choice) for choice, label in options))
    if kind == "checkbox":
        return (f'<w14:checkbox><w14:checked w14:val="{"1" if checked else "0"}"/>'
                f'<w14:checkedState w14:val="{ord(BOX_CHECKED):04X}" w14:font="{BOX_FONT}"/>'
                f'<w14:uncheckedState w14:val="{ord(BOX_EMPTY):04X}" w14:font="{BOX_FONT}"/></w14:checkbox>')
    return _w("text", multiLine="1") if kind == "multiline" else _w("text")


def _full_date(value: str | None) -> str | None:
    """Word's date picker opens on the date written, when it is one."""
    if not value:
        return None
    try:
        return dt.datetime.strptime(value.strip(), "%d.%m.%Y").strftime("%Y-%m-%dT00:00:00Z")
    except ValueError:
        return None


def _box_run(checked: bool, lang: str) -> str:  # lang: BCP 47
    return text_run(BOX_CHECKED if checked else BOX_EMPTY, lang, box_font=True)


# --- paragraphs, tables, the section ------------------------------------------------------------

BORDER_SIDES = ("top", "left", "bottom", "right")  # the schema's order


BORDER_REACH = 35  # twips a paragraph's border lies outside its text: 1 pt of space and the ¾ pt line


def paragraph(content: str, style: str | None = None, borders: tuple[str, ...] = (), align: str | None = None,
              line: int | None = None, line_rule: str = "atLeast", after: int | None = None,
              indents: tuple[int, int] | None = None) -> str:
    """A `w:p`; `borders`: lines on these sides (under a signature, all round a box);
    `line`: line spacing in twips, `after`: space after in twips, `indents`: left and right in twips."""
    return f"<w:p>{_paragraph_properties(style, borders, align, line, line_rule, after, indents)}{content}</w:p>"


@lru_cache(maxsize=None)
def _paragraph_properties(style: str | None, borders: tuple[str, ...], align: str | None, line: int | None,
                          line_rule: str, after: int | None, indents: tuple[int, int] | None) -> str:
    lines = "".join(_w(side, val="single", sz="6", space="1", color="000000") for side in BORDER_SIDES
                    if side in borders)
    spacing = {"line": line, "lineRule": line_rule} if line is not None else {}
    if after is not None:
        spacing["after"] = after
    return _properties("pPr", pStyle=_w("pStyle", val=style) if style else "", pBdr=_w("pBdr", lines) if lines else "",
                       spacing=_w("spacing", **spacing) if spacing else "",
                       ind=_w("ind", left=indents[0], right=indents[1]) if indents else "",
                       jc=_w("jc", val=align) if align else "")


def table(columns: list[int], rows: str, grid_style: bool) -> str:
    """A centred `w:tbl` of fixed column widths (twips, on `w:gridCol`; the cells repeat them)."""
    properties = _properties(
        "tblPr", tblStyle=_w("tblStyle", val="TableGrid") if grid_style else "", tblW=_w("tblW", type="auto", w=0),
        jc=_w("jc", val="center"), tblLayout=_w("tblLayout", type="fixed"),
        tblLook=_w("tblLook", firstColumn=1, firstRow=1, lastColumn=0, lastRow=0, noHBand=0, noVBand=1, val="04A0"))
    grid = "".join(_w("gridCol", w=width) for width in columns)
    return f"<w:tbl>{properties}<w:tblGrid>{grid}</w:tblGrid>{rows}</w:tbl>"


def table_row(cells: str, header: bool, height: int = 0) -> str:
    """A row that never splits across pages: a header repeats on each page; `height` (twips) at least."""
    return f"<w:tr>{_row_properties(header, height)}{cells}</w:tr>"


@lru_cache(maxsize=None)
def _row_properties(header: bool, height: int) -> str:
    return _properties("trPr", cantSplit="<w:cantSplit/>", tblHeader="<w:tblHeader/>" if header else "",
                       trHeight=_w("trHeight", val=height, hRule="atLeast") if height and not header else "")


def table_cell(width: int, paragraphs: str) -> str:
    return f'<w:tc>{_cell_properties(width)}{paragraphs or "<w:p/>"}</w:tc>'


@lru_cache(maxsize=None)
def _cell_properties(width: int) -> str:
    return f'<w:tcPr>{_w("tcW", type="dxa", w=width)}</w:tcPr>'


class Page(NamedTuple):
    """Page size and margins in twips."""

    width: int
    height: int
    top: int
    right: int
    bottom: int
    left: int
    header: int
    footer: int


def section(page: Page, references: list[tuple[str, str, str]], title_page: bool) -> str:
    """The body's `w:sectPr`; `references`: (header or footer, default or first, relationship id)."""
    refs = "".join(f'<w:{kind}Reference w:type="{which}" r:id="{rid}"/>' for kind, which, rid in references)
    return _properties(
        "sectPr", references=refs, pgSz=_w("pgSz", w=page.width, h=page.height),
        pgMar=_w("pgMar", top=page.top, right=page.right, bottom=page.bottom, left=page.left, header=page.header,
                 footer=page.footer, gutter=0),
        cols=_w("cols", space=720), titlePg="<w:titlePg/>" if title_page else "", docGrid=_w("docGrid", linePitch=360))


# --- parts --------------------------------------------------------------------------------------

def document_part(body: str) -> bytes:
    return f"{XML_DECLARATION}<w:document {_DECLARATIONS}><w:body>{body}</w:body></w:document>".encode()


def header_part(paragraphs: str) -> bytes:
    return f"{XML_DECLARATION}<w:hdr {_DECLARATIONS}>{paragraphs}</w:hdr>".encode()


def footer_part(paragraphs: str) -> bytes:
    return f"{XML_DECLARATION}<w:ftr {_DECLARATIONS}>{paragraphs}</w:ftr>".encode()


def relationships(entries: list[tuple[str, str, str]]) -> bytes:
    """A part's .rels: (id, type after the officeDocument relationships' URI, target)."""
    return (f'{XML_DECLARATION}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'{_relationship_list(entries)}</Relationships>').encode()


def _relationship_list(entries: list[tuple[str, str, str]]) -> str:
    return "".join(f'<Relationship Id="{rid}" Type="{RELATIONSHIP}{kind}" Target="{_attribute(target)}"/>'
                   for rid, kind, target in entries)


def with_relationships(rels: bytes, entries: list[tuple[str, str, str]]) -> bytes:
    """A .rels part with more relationships (ids the caller made sure are new)."""
    return rels.replace(b"</Relationships>", _relationship_list(entries).encode() + b"</Relationships>")


def relationship_ids(rels: bytes) -> set[str]:
    return {m.decode() for m in re.findall(rb'\bId="([^"]+)"', rels)}


def with_content_types(types: bytes, defaults: Mapping[str, str], parts: Mapping[str, str]) -> bytes:
    """[Content_Types].xml with more extensions (ext → type) and parts (name → kind, e.g. footer)."""
    extra = "".join(f'<Default Extension="{ext}" ContentType="{kind}"/>' for ext, kind in defaults.items())
    extra += "".join(f'<Override PartName="/{name}" ContentType="{PART_TYPE}{kind}+xml"/>' for name, kind in parts.items())
    return types.replace(b"</Types>", extra.encode() + b"</Types>")


def core_properties(title: str, tag: str, identifier: str, author: str, moment: dt.datetime) -> bytes:
    """docProps/core.xml: fixed dates and revision, so equal inputs give equal bytes."""
    when = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return (f'{XML_DECLARATION}<cp:coreProperties '
            'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f'<dc:title>{_text(title)}</dc:title><dc:creator>{_text(author)}</dc:creator>'
            f'<cp:lastModifiedBy>{_text(author)}</cp:lastModifiedBy><cp:revision>1</cp:revision>'
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{when}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{when}</dcterms:modified>'
            f'<dc:language>{_text(tag)}</dc:language><dc:identifier>{_text(identifier)}</dc:identifier>'
            '</cp:coreProperties>').encode()


def app_properties() -> bytes:
    """docProps/app.xml saying what made the file. No page count: Word and LibreOffice count pages
    when they save, and a number written here could only be a guess."""
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
            '<Application>formgen</Application><DocSecurity>0</DocSecurity></Properties>').encode()


# --- filling a written body --------------------------------------------------------------------

Pieces = list[Union[str, tuple[Control, str]]]
_CONTROL = re.compile(r"<w:sdt>.*?</w:sdt>", re.S)  # as `content_control` writes them: never nested


def control_pieces(body: str) -> Pieces:
    """A body this module wrote, cut into its text between controls and (control, its XML)."""
    pieces: Pieces = []
    start = 0
    for match in _CONTROL.finditer(body):
        pieces.append(body[start:match.start()])
        pieces.append((read_control(_fragment(match.group())), match.group()))
        start = match.end()
    pieces.append(body[start:])
    return pieces


def filled(pieces: Pieces, values: Mapping[str, str]) -> str:
    """The body with a control for each value given, written as `content_control` writes it."""
    return "".join(piece if isinstance(piece, str) else
                   content_control(piece[0], values[piece[0].tag]) if values.get(piece[0].tag) else piece[1]
                   for piece in pieces)


def _fragment(xml: str):
    from lxml import etree  # only to fill a written body: a render never parses

    return etree.fromstring(f"<w:root {_DECLARATIONS}>{xml}</w:root>")[0]


# --- reading controls back (lxml elements of any DOCX) -------------------------------------------

def iter_controls(root) -> Iterator:
    return root.iter(qn("w:sdt"))


def _property(sdt, path: str, attribute: str = "w:val") -> str | None:
    found = sdt.find(f"{qn('w:sdtPr')}/{'/'.join(qn(step) for step in path.split('/'))}")
    return found.get(qn(attribute)) if found is not None else None


def control_tag(sdt) -> str | None:
    return _property(sdt, "w:tag")


def control_alias(sdt) -> str | None:
    return _property(sdt, "w:alias")


def control_kind(sdt) -> str:
    """text, multiline, date, dropdown or checkbox."""
    pr = sdt.find(qn("w:sdtPr"))
    if pr.find(qn("w:date")) is not None:
        return "date"
    if pr.find(qn("w:dropDownList")) is not None or pr.find(qn("w:comboBox")) is not None:
        return "dropdown"
    if pr.find(qn("w14:checkbox")) is not None:
        return "checkbox"
    text = pr.find(qn("w:text"))
    if text is None and not _TYPED.intersection(child.tag for child in pr):
        return "multiline"  # rich text, as a multi-line answer is written: it holds lines
    if text is not None and text.get(qn("w:multiLine")) in ("1", "true", "on"):
        return "multiline"
    return "text"


_TYPED = frozenset(qn(f"w:{name}") for name in ("picture", "docPartObj", "docPartList", "group", "equation",
                                                 "citation", "bibliography"))


def showing_placeholder(sdt) -> bool:
    return sdt.find(f"{qn('w:sdtPr')}/{qn('w:showingPlcHdr')}") is not None


def control_value(sdt) -> str:
    """What a user gave: '' for a placeholder, yes/no for a check box, else the text shown."""
    box = _property(sdt, "w14:checkbox/w14:checked", "w14:val")
    if box is not None:
        return CHECKED if box in ("1", "true") else UNCHECKED
    return "" if showing_placeholder(sdt) else control_text(sdt)


def control_reading(sdt) -> tuple[str | None, str | None, str]:
    """(control_tag, control_alias, control_value) in one pass over the control's properties:
    what `collect` reads of each of a returned form's controls."""
    tag = alias = box = None
    placeholder = False
    for properties in sdt.iterchildren(_SDT_PR):
        for child in properties:
            name = child.tag
            if name == _TAG and tag is None:
                tag = child
            elif name == _ALIAS and alias is None:
                alias = child
            elif name == _CHECKBOX and box is None:
                box = child.find(_CHECKED)
            elif name == _SHOWING_PLACEHOLDER:
                placeholder = True
    if box is not None:
        value = CHECKED if box.get(_W14_VAL) in ("1", "true") else UNCHECKED
    else:
        value = "" if placeholder else control_text(sdt)
    return (None if tag is None else tag.get(_VAL)), (None if alias is None else alias.get(_VAL)), value


def control_text(sdt) -> str:
    """The text inside a control, with `w:br` and paragraph ends as line breaks."""
    content = sdt.find(_SDT_CONTENT)
    if content is None:
        return ""
    paragraphs = list(content.iter(_P)) or [content]
    return "\n".join(_element_text(p) for p in paragraphs)


def _element_text(node) -> str:
    parts = []
    for child in node.iter(_T, _BR, _CR, _TAB):
        if child.tag == _T:
            if child.getprevious() is not None and child.getprevious().tag == _T:
                parts.append("\n")  # LibreOffice 7.4 writes each line of an input field so, its break dropped
            parts.append(child.text or "")
        elif child.tag == _TAB:
            parts.append("\t")
        else:
            parts.append("\n")
    return "".join(parts)


_SDT_PR, _SDT_CONTENT, _TAG, _ALIAS, _VAL, _SHOWING_PLACEHOLDER, _P, _T, _BR, _CR, _TAB = (
    qn(name) for name in ("w:sdtPr", "w:sdtContent", "w:tag", "w:alias", "w:val", "w:showingPlcHdr", "w:p", "w:t",
                          "w:br", "w:cr", "w:tab"))
_CHECKBOX, _CHECKED, _W14_VAL = qn("w14:checkbox"), qn("w14:checked"), qn("w14:val")
_SDT, _TBL, _TR, _TC, _CUSTOM_XML = qn("w:sdt"), qn("w:tbl"), qn("w:tr"), qn("w:tc"), qn("w:customXml")
_R, _FLD_CHAR, _FLD_CHAR_TYPE, _INSTR_TEXT = qn("w:r"), qn("w:fldChar"), qn("w:fldCharType"), qn("w:instrText")
_GRID, _GRID_COLUMN, _W_ATTRIBUTE = qn("w:tblGrid"), qn("w:gridCol"), qn("w:w")
# what holds no text a reader sees: properties, deleted text, field codes, the fallback of alternate content
_NOT_TEXT = frozenset({*(qn(f"w:{name}") for name in ("pPr", "rPr", "tcPr", "trPr", "tblPr", "tblGrid", "sdtPr",
                                                       "sdtEndPr", "del", "delText", "instrText", "moveFrom",
                                                       "sectPr")),
                       qn("mc:Fallback")})


# --- a document's text and controls in order: what a returned form is matched against its blank by ---

class Unit(NamedTuple):
    """A paragraph of the body, or a table cell with all its paragraphs: where a clerk types.
    `place`: (table, row, column) of a cell, the tables counted in document order; () for a paragraph.
    `items`: its text (str) and its controls (`w:sdt` elements), in order."""

    place: tuple
    items: list


def document_units(root, grids: list | None = None) -> list[Unit]:
    """The units of a parsed document.xml (its body; a bare fragment's root otherwise). A FILLIN
    field, which LibreOffice writes for an input field of an ODT it converts, counts as a control.
    `grids` (when given) gets each table's column widths (twips), in the tables' order."""
    _fill_in_fields_as_controls(root)
    body = root.find(qn("w:body"))
    units: list[Unit] = []
    _block_units(root if body is None else body, units, [] if grids is None else grids)
    return units


def _block_units(parent, units: list[Unit], grids: list) -> None:
    for child in parent:
        if child.tag == _P:
            items: list = []
            _inline_items(child, items)
            units.append(Unit((), items))
        elif child.tag == _TBL:
            number = len(grids)
            grids.append([_twips(column.get(_W_ATTRIBUTE)) for column in child.iterfind(f"{_GRID}/{_GRID_COLUMN}")])
            for row_number, row in enumerate(_within(child, _TR)):
                for column, cell in enumerate(_within(row, _TC)):
                    items = []
                    _inline_items(cell, items)
                    units.append(Unit((number, row_number, column), items))
        elif child.tag == _SDT and child.find(f"{_SDT_CONTENT}/{_TBL}") is None:
            units.append(Unit((), [child]))  # a control around whole paragraphs
        elif child.tag not in _NOT_TEXT:
            _block_units(child, units, grids)  # a control around a table, custom XML: read through


def _twips(value: str | None) -> int:
    try:
        return max(int(float(value or 0)), 0)
    except ValueError:
        return 0


def _fill_in_fields_as_controls(root) -> None:
    """Each FILLIN field of a paragraph (its runs from begin to end, side by side) replaced in the tree
    by a plain text control holding the field's result."""
    for paragraph in list(root.iter(_P)):
        runs = list(paragraph)
        begin = None
        for at, run in enumerate(runs):
            mark = run.find(_FLD_CHAR) if run.tag == _R else None
            kind = None if mark is None else mark.get(_FLD_CHAR_TYPE)
            if kind == "begin":
                begin = at
            elif kind == "end" and begin is not None:
                _as_control(paragraph, runs[begin:at + 1])
                begin = None


def _as_control(paragraph, runs: list) -> None:
    code = "".join(text.text or "" for run in runs for text in run.iter(_INSTR_TEXT)).split()
    separate = next((at for at, run in enumerate(runs) if run.find(_FLD_CHAR) is not None
                     and run.find(_FLD_CHAR).get(_FLD_CHAR_TYPE) == "separate"), None)
    if not code or code[0].upper() != "FILLIN" or separate is None:
        return
    control = _fragment('<w:sdt><w:sdtPr><w:text w:multiLine="1"/></w:sdtPr><w:sdtContent/></w:sdt>')
    paragraph.insert(paragraph.index(runs[0]), control)
    content = control.find(_SDT_CONTENT)
    for run in runs[separate + 1:-1]:
        content.append(run)
    for run in runs[:separate + 1] + runs[-1:]:
        paragraph.remove(run)


def _within(parent, tag: str) -> Iterator:
    """The children of this tag, looking through the controls and custom XML that may wrap them."""
    for child in parent:
        if child.tag == tag:
            yield child
        elif child.tag in (_SDT, _SDT_CONTENT, _CUSTOM_XML):
            yield from _within(child if child.tag != _SDT else child.find(_SDT_CONTENT) if
                               child.find(_SDT_CONTENT) is not None else child, tag)


def _inline_items(node, items: list) -> None:
    """The text and controls inside a paragraph or cell, in order; each further paragraph a line break."""
    for child in node:
        tag = child.tag
        if tag == _SDT:
            items.append(child)
        elif tag == _T:
            if child.getprevious() is not None and child.getprevious().tag == _T:
                items.append("\n")
            items.append(child.text or "")
        elif tag == _TAB:
            items.append("\t")
        elif tag in (_BR, _CR):
            items.append("\n")
        elif tag == _P:
            if items:
                items.append("\n")
            _inline_items(child, items)
        elif tag not in _NOT_TEXT:
            _inline_items(child, items)


def control_lang(sdt) -> str:
    """The language (BCP 47) a control's text is in, as written; '' if none is."""
    return _property(sdt, "w:rPr/w:lang") or ""


def read_control(sdt) -> Control:
    """The control as `content_control` would write it (its placeholder '' once filled)."""
    options = tuple((item.get(qn("w:value")), item.get(qn("w:displayText")))
                    for item in sdt.find(qn("w:sdtPr")).iter(qn("w:listItem")))
    return Control(control_tag(sdt) or "", control_kind(sdt), control_alias(sdt) or "",
                   control_text(sdt) if showing_placeholder(sdt) else "", control_lang(sdt),
                   _property(sdt, "w:id") or "0", options)


def set_control_value(sdt, value: str, lang: str) -> None:
    """Replace a control of a parsed document with `value`, as Word does when a user types into it."""
    sdt[:] = list(_fragment(content_control(read_control(sdt)._replace(lang=lang), value)))


# --- reading controls straight from the bytes (a quick path) ------------------------------------
# A parse of a whole returned document.xml costs three times the rest of reading it, and the
# controls are what `content_control` wrote. So those are read from the bytes, by pattern, when the
# part lies in a subset where that reading provably equals `control_reading` over lxml's tree: every
# `<` opens an element tag (no comment, CDATA, DOCTYPE or processing instruction after the XML
# declaration); w and w14 are declared on the root only, as their namespaces, and no other prefix
# names those; every `w:sdt` has the properties `content_control` writes, in its order (other
# children, other quoting or spacing fall outside), and a content without paragraphs or controls;
# every `&` starts a reference XML predefines. Anything else: None, and the caller parses (should
# `content_control` write otherwise, tests/test_docx_quick.py fails rather than every read slowing).
# The markup between controls is not looked at, so XML broken there (an unclosed tag, nesting past
# lxml's depth limit) is read rather than refused; a part cut short is not (it must end with the
# root's end tag).

class _OnFirstUse:
    """A regular expression compiled when first used: the quick reading's patterns take 6 ms to
    compile, which every DOCX build, reading nothing, would pay."""

    def __init__(self, pattern, flags: int = 0) -> None:
        self._source = (pattern, flags)

    def __getattr__(self, name: str):
        compiled = re.compile(*self._source)
        for method in ("match", "fullmatch", "search", "findall", "sub"):
            setattr(self, method, getattr(compiled, method))  # found directly from now on
        return getattr(compiled, name)


_W_URI, _W14_URI = NAMESPACES["w"].encode(), NAMESPACES["w14"].encode()
_S = rb"[ \t\r\n]"  # XML's whitespace; re's \s has more
_NAME = rb"[A-Za-z_][^ \t\r\n/>\"'<=&]*"
_ATTRS = rb"(?:" + _S + rb"+" + _NAME + _S + rb"*=" + _S + rb"*(?:\"[^\"<]*\"|'[^'<]*'))*"
_ATTRIBUTE = _OnFirstUse(_S + rb"+(" + _NAME + rb")" + _S + rb"*=" + _S + rb"*(?:\"([^\"<]*)\"|'([^'<]*)')")
_ANY_ATTRIBUTES = _OnFirstUse(_ATTRS + _S + rb"*/?")  # of a start tag, to its '>'
_PLAIN_ATTRIBUTES = (b"", b"/", b' xml:space="preserve"')
_ROOT = _OnFirstUse(  # the optional declaration (XML 1.0 in UTF-8) and the root's start tag
    rb"(?:\xef\xbb\xbf)?(?:<\?xml" + _S + rb"+version" + _S + rb"*=" + _S + rb"*([\"'])1\.0\1(?:" + _S
    + rb"+encoding" + _S + rb"*=" + _S + rb"*([\"'])[Uu][Tt][Ff]-8\2)?(?:" + _S + rb"+standalone" + _S + rb"*=" + _S
    + rb"*([\"'])(?:yes|no)\3)?" + _S + rb"*\?>)?" + _S + rb"*<(" + _NAME + rb")(" + _ATTRS + rb")" + _S + rb"*>")
_ROOT_END = _OnFirstUse(rb"</(" + _NAME + rb")" + _S + rb"*>" + _S + rb"*\Z")
_QUOTED = rb'="([^"<]*)"'
_LEAVES = rb'(?:<w:\w+(?: w:\w+="[^"<]*")*/>)*'
_SDT_PROPERTIES = _OnFirstUse(  # groups: alias, tag, showingPlcHdr, w14:checked's w14:val
    rb"<w:sdt><w:sdtPr>(?:<w:rPr>" + _LEAVES + rb"</w:rPr>)?<w:alias w:val" + _QUOTED + rb"/><w:tag w:val" + _QUOTED
    + rb'/>(?:<w:id w:val="[^"<]*"/>)?(?:<w:lock w:val="[^"<]*"/>)?(<w:showingPlcHdr/>)?(?:<w:text(?: w:multiLine="'
    rb'[^"<]*")?/>|<w:date(?: w:fullDate="[^"<]*")?>' + _LEAVES + rb"</w:date>|<w:dropDownList>" + _LEAVES
    + rb"</w:dropDownList>|<w14:checkbox><w14:checked w14:val" + _QUOTED + rb'/>(?:<w14:\w+(?: w14:\w+="[^"<]*")*/>)*'
    rb"</w14:checkbox>)?")
_SDT_MIDDLE, _SDT_END = b"</w:sdtPr><w:sdtContent>", b"</w:sdtContent></w:sdt>"
_ONE_RUN = _OnFirstUse(  # one run of one line; none of its properties is a text element (lxml reads those too)
    rb'<w:r>(?:<w:rPr>(?:<w:(?!(?:t|tab|br|cr|p)\b)\w+(?: w:\w+="[^"<]*")*/>)*</w:rPr>)?'
    rb'<w:t xml:space="preserve">([^<&]*)</w:t></w:r>')
_TEXT_AFTER_TEXT = _OnFirstUse(rb"(?:</w:t|<w:t(?:[ \t\r\n][^>]*)?/)>[ \t\r\n]*<w:t[ \t\r\n/>]")
_RUN_PART = _OnFirstUse(rb"<w:(t|tab|br|cr|p)((?:[ \t\r\n/][^>]*)?)>([^<]*)")
_REFERENCE = _OnFirstUse(r"(?:(lt|gt|amp|quot|apos)|#0*([0-9]{1,7})|#x0*([0-9a-fA-F]{1,6}));")
_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}


class _Unsure(Exception):
    """The bytes hold something the quick reading does not follow: parse instead."""


def quick_control_readings(xml: bytes) -> list[tuple[str | None, str | None, str]] | None:
    """`control_reading` of every control of a document.xml, in order, read from its bytes; None
    when the part lies outside the subset where that is sure to equal what lxml's tree gives."""
    if b"\r" in xml:  # as XML's end-of-line handling does before anything else
        xml = xml.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    root = _ROOT.match(xml)
    if (root is None or root.group(4) == b"w:sdt" or not _plain_namespaces(root.group(5))
            or _not_only_elements(xml, root.end())):
        return None
    end = _ROOT_END.match(xml, max(xml.rfind(b"</"), 0))
    if end is None or end.group(1) != root.group(4):
        return None
    try:
        return _quick_readings(xml, root.end())
    except (_Unsure, UnicodeDecodeError):
        return None


def _not_only_elements(xml: bytes, start: int) -> bool:
    """Whether anything but elements and text follows the root's start tag: a comment, CDATA, a
    DOCTYPE, a processing instruction, a namespace declaration, or ']]>' (which XML forbids in text)."""
    return (_holds(xml, b"<!", 1, 0) or _holds(xml, b"<?", 1, start) or _holds(xml, b"]]>", 0, 0)
            or xml.find(b"xmlns", start) >= 0)


def _holds(xml: bytes, needle: bytes, rare: int, start: int) -> bool:
    """`needle in xml[start:]`, looked for from its byte at `rare`, which forms seldom hold: a
    one-byte search is many times quicker than one for two or three bytes. A part full of that
    byte gets the plain search after a hundred tries (a form's labels hold a few question marks)."""
    at = xml.find(needle[rare:rare + 1], start + rare)
    for _ in range(100):
        if at < 0:
            return False
        if xml.startswith(needle, at - rare):
            return True
        at = xml.find(needle[rare:rare + 1], at + 1)
    return xml.find(needle, start) >= 0


def _plain_namespaces(attributes: bytes) -> bool:
    """The root binds w and w14 to their namespaces, and no other prefix (nor the default) to either."""
    declared: dict[bytes, bytes] = {}
    for name, quoted, apostrophed in _ATTRIBUTE.findall(attributes):
        if name in declared:
            return False
        declared[name] = quoted + apostrophed  # one of the two is always empty
    if declared.get(b"xmlns:w") != _W_URI or declared.get(b"xmlns:w14") != _W14_URI:
        return False
    return all(b"&" not in value and value not in (_W_URI, _W14_URI) or name in (b"xmlns:w", b"xmlns:w14")
               for name, value in declared.items() if name == b"xmlns" or name.startswith(b"xmlns:"))


def _quick_readings(xml: bytes, position: int) -> list[tuple[str | None, str | None, str]]:
    readings = []
    while (start := xml.find(b"<w:sdt", position)) >= 0:  # each must open a control of the known shape
        middle = xml.find(_SDT_MIDDLE, start)
        end = xml.find(_SDT_END, middle) if middle >= 0 else -1
        if end < 0 or xml.find(b"w:sdt", middle + len(_SDT_MIDDLE), end) >= 0:  # a control within
            raise _Unsure
        properties = xml[start:middle]  # formgen's are under 1 KB: larger ones are read, not remembered
        tag, alias, value = (_control_properties if len(properties) < 4096 else _control_properties.__wrapped__)(
            properties)
        if value is None:
            value = _quick_text(xml[middle + len(_SDT_MIDDLE):end])
        readings.append((tag, alias, value))
        position = end + len(_SDT_END)
    return readings


@lru_cache(maxsize=2048)  # a form's controls come back the same in file after file
def _control_properties(properties: bytes) -> tuple[str | None, str | None, str | None]:
    """(tag, alias, value) from the start tag and properties of a control; value None: its text."""
    known = _SDT_PROPERTIES.fullmatch(properties)
    if known is None:
        raise _Unsure
    alias, tag, placeholder, box = known.groups()
    if box is not None:
        value = CHECKED if _unescaped(box, attribute=True) in ("1", "true") else UNCHECKED
    else:
        value = "" if placeholder else None
    return _unescaped(tag, attribute=True), _unescaped(alias, attribute=True), value


def _quick_text(content: bytes) -> str:
    """`control_text` of a content without paragraphs: its w:t texts, tabs and breaks in order."""
    one = _ONE_RUN.fullmatch(content)  # a line of text, as `content_control` writes it
    if one:
        return _checked(one.group(1).decode())
    if _TEXT_AFTER_TEXT.search(content):  # a line break LibreOffice dropped: control_text tells it
        raise _Unsure
    parts = []
    for name, attributes, text in _RUN_PART.findall(content):
        if attributes not in _PLAIN_ATTRIBUTES and not _ANY_ATTRIBUTES.fullmatch(attributes):
            raise _Unsure  # e.g. a '>' inside a quoted value
        if name == b"t":
            if not attributes.endswith(b"/"):  # else <w:t/>, no text
                parts.append(text if b"&" not in text else _unescaped(text).encode())
        elif name == b"p":
            raise _Unsure
        else:
            parts.append(b"\t" if name == b"tab" else b"\n")
    return _checked(b"".join(parts).decode())


def _unescaped(raw: bytes, attribute: bool = False) -> str:
    """Text or an attribute's value as XML reads it: references resolved; in a value, a literal tab or
    line break becomes a space. A '&' that starts anything else is not followed."""
    if attribute:
        raw = raw.replace(b"\t", b" ").replace(b"\n", b" ")
    text = _checked(raw.decode())
    if "&" not in text:
        return text
    pieces = text.split("&")
    out = [pieces[0]]
    for piece in pieces[1:]:
        reference = _REFERENCE.match(piece)
        if reference is None:
            raise _Unsure
        entity, decimal, hexadecimal = reference.groups()
        if entity:
            out.append(_ENTITIES[entity])
        else:
            code = int(decimal, 10) if decimal else int(hexadecimal, 16)
            if not (code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD
                    or 0x10000 <= code <= 0x10FFFF):
                raise _Unsure  # a character XML forbids: lxml reports it
            out.append(chr(code))
        out.append(piece[reference.end():])
    return "".join(out)


def _checked(text: str) -> str:
    if not_in_xml().search(text):  # its surrogates never occur in text decoded from UTF-8
        raise _Unsure  # lxml refuses the part
    return text


# --- reading a document staff wrote (formgen import): its paragraphs and tables as Word shows them --

UNDERLINED_BLANK = "_" * 8  # what a blank drawn as underlined spaces or tabs reads as
_BODY, _TBL, _TR, _TC, _R, _U, _RPR = (qn(name) for name in ("w:body", "w:tbl", "w:tr", "w:tc", "w:r", "w:u", "w:rPr"))
_SKIPPED = {qn(name) for name in ("w:del", "w:moveFrom", "w:txbxContent", "w:fldData")}  # not shown as text
_CONTAINERS = {qn(name) for name in ("w:sdt", "w:sdtContent", "w:customXml", "w:smartTag", "w:ins", "w:moveTo")}
_PICTURES = {qn(name) for name in ("w:drawing", "w:pict", "w:object")}


def written_blocks(container) -> Iterator:
    """The paragraphs (`w:p`) and tables (`w:tbl`) of a body or cell in reading order, also those
    inside block-level content controls and custom XML."""
    for child in container:
        if child.tag in (_P, _TBL):
            yield child
        elif child.tag in _CONTAINERS:
            yield from written_blocks(child)


def is_table(block) -> bool:
    return block.tag == _TBL


def table_cells(table) -> list[list]:
    """Each row's cells (`w:tc`), a cell merged down from the row above as None."""
    rows = []
    for row in written_blocks_of(table, _TR):
        cells = []
        for cell in written_blocks_of(row, _TC):
            merge = cell.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
            continued = merge is not None and merge.get(_VAL) in (None, "continue")
            cells.append(None if continued else cell)
        rows.append(cells)
    return rows


def written_blocks_of(container, tag: str) -> Iterator:
    for child in container:
        if child.tag == tag:
            yield child
        elif child.tag in _CONTAINERS:
            yield from written_blocks_of(child, tag)


def written_text(paragraph) -> str:
    """The paragraph's text as Word shows it: tabs as tabs, line breaks as '\n', a run of underlined
    spaces or tabs (a blank drawn with the underline) as underscores; deleted text, text boxes and
    field codes left out. A list number Word draws itself is not text: see `numbering_of`."""
    parts = []
    for run in _runs(paragraph):
        text = _run_text(run)
        if text and not text.strip() and _underlined(run):
            text = UNDERLINED_BLANK
        parts.append(text)
    return "".join(parts)


def _runs(node) -> Iterator:
    for child in node:
        if child.tag in _SKIPPED:
            continue
        if child.tag == _R:
            yield child
        elif child.tag != _P:  # hyperlinks, fields, inline controls: their runs are the paragraph's
            yield from _runs(child)


def _run_text(run) -> str:
    """A run's own text: its children, not the text boxes of a drawing inside it."""
    parts = []
    for child in run:
        if child.tag == _T:
            parts.append(child.text or "")
        elif child.tag == _TAB:
            parts.append("\t")
        elif child.tag in (_BR, _CR):
            parts.append("\n")
        elif child.tag == _NO_BREAK_HYPHEN:
            parts.append("-")
    return "".join(parts)


_NO_BREAK_HYPHEN = qn("w:noBreakHyphen")


def _underlined(run) -> bool:
    line = run.find(f"{_RPR}/{_U}")
    return line is not None and line.get(_VAL) not in (None, "none", "0")


def pictures_and_boxes(paragraph) -> tuple[int, list[str]]:
    """(pictures, texts of text boxes) anchored in the paragraph: what an import cannot take."""
    pictures = sum(1 for node in paragraph.iter() if node.tag in _PICTURES)
    boxes = [" ".join(_element_text(p) for p in box.iter(_P)).strip() for box in paragraph.iter(qn("w:txbxContent"))]
    return pictures, [text for text in boxes if text]


def paragraph_numbering(properties) -> tuple[str, int] | None:
    """(numId, level) of a `w:pPr` (a paragraph's or a style's) that numbers it; None without one,
    and ('0', level) where it turns numbering off."""
    numbering = properties.find(qn("w:numPr")) if properties is not None else None
    if numbering is None:
        return None
    number = numbering.find(qn("w:numId"))
    level = numbering.find(qn("w:ilvl"))
    return ((number.get(_VAL) if number is not None else "0") or "0",
            int(level.get(_VAL)) if level is not None and (level.get(_VAL) or "").isdigit() else 0)


def numbering_levels(numbering) -> dict[tuple[str, int], tuple[str, str, int]]:
    """(numId, level) → (format, level text, start) from a numbering part: ('decimal', '%1.', 1),
    ('bullet', '', 1)…"""
    abstract = {}
    for definition in numbering.iter(qn("w:abstractNum")):
        levels = {}
        for level in definition.iter(qn("w:lvl")):
            found = {name: level.find(qn(f"w:{name}")) for name in ("numFmt", "lvlText", "start")}
            value = {name: (node.get(_VAL) if node is not None else None) for name, node in found.items()}
            start = value["start"] or "1"
            levels[int(level.get(qn("w:ilvl")) or 0)] = (value["numFmt"] or "decimal", value["lvlText"] or "",
                                                         int(start) if start.isdigit() else 1)
        abstract[definition.get(qn("w:abstractNumId"))] = levels
    found = {}
    for number in numbering.iter(qn("w:num")):
        reference = number.find(qn("w:abstractNumId"))
        for level, look in abstract.get(reference.get(_VAL) if reference is not None else None, {}).items():
            found[number.get(qn("w:numId")), level] = look
    return found
