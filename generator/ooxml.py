"""Raw WordprocessingML that python-docx has no API for: content controls (`w:sdt`).

Child order in `w:sdtPr` follows the schema: rPr, alias, tag, id, lock, placeholder,
showingPlcHdr, then the control type. No `w:placeholder` docPart is written: the placeholder is the
grey run inside the control, marked by `w:showingPlcHdr`, which Word and LibreOffice both honour.
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Iterator

from docx.oxml import OxmlElement
from docx.oxml.ns import nsmap, qn
from docx.oxml.parser import oxml_parser

PLACEHOLDER_STYLE_ID = "PlaceholderText"
DATE_FORMAT = "dd.MM.yyyy"
LANG_TAGS = {"ru": "ru-RU", "ky": "ky-KG"}
BOX_FONT = "MS Gothic"  # Word's own check box glyphs; LibreOffice substitutes a font that has them
BOX_CHECKED, BOX_EMPTY = "\u2612", "\u2610"  # ☒ ☐
CHECKED, UNCHECKED = "yes", "no"
SIGNATURE_LINE = "_" * 28


def element(tag: str, **attrs: str):
    """What python-docx's OxmlElement makes (its element classes, the tag's own namespace
    declared), without parsing the prefixed names again for each of a form's thousands."""
    clark_name, namespace = _tag(tag)
    node = oxml_parser.makeelement(clark_name, nsmap=namespace)
    for name, value in attrs.items():
        node.set(_attribute(name), value)
    return node


@lru_cache(maxsize=None)
def _tag(tag: str) -> tuple[str, dict[str, str]]:
    prefix = tag.partition(":")[0]
    return qn(tag), {prefix: nsmap[prefix]}


@lru_cache(maxsize=None)
def _attribute(name: str) -> str:
    return qn(f"w:{name}")


def run_properties(lang: str, style: str | None = None):
    rpr = element("w:rPr")
    if style:
        rpr.append(element("w:rStyle", val=style))
    rpr.append(element("w:lang", val=LANG_TAGS[lang], eastAsia=LANG_TAGS[lang], bidi=LANG_TAGS[lang]))
    return rpr


def text_run(text: str, lang: str, style: str | None = None):
    """A `w:r` holding text; line breaks become `w:br`, tabs `w:tab`."""
    run = element("w:r")
    run.append(run_properties(lang, style))
    for i, line in enumerate(text.split("\n")):
        if i:
            run.append(element("w:br"))
        for j, piece in enumerate(line.split("\t")):
            if j:
                run.append(element("w:tab"))
            if piece:
                t = element("w:t")
                t.text = piece
                t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                run.append(t)
    return run


def _w14(tag: str, **attrs: str):
    node = OxmlElement(f"w14:{tag}")
    for name, value in attrs.items():
        node.set(qn(f"w14:{name}"), value)
    return node


def _control_type(control: str, lang: str, options: tuple[tuple[str, str], ...]):
    if control == "date":
        date = element("w:date")
        date.append(element("w:dateFormat", val=DATE_FORMAT))
        date.append(element("w:lid", val=LANG_TAGS[lang]))
        date.append(element("w:storeMappedDataAs", val="dateTime"))
        date.append(element("w:calendar", val="gregorian"))
        return date
    if control == "dropdown":
        dropdown = element("w:dropDownList")
        for value, label in options:
            dropdown.append(element("w:listItem", displayText=label, value=value))
        return dropdown
    if control == "checkbox":
        box = _w14("checkbox")
        box.append(_w14("checked", val="0"))
        box.append(_w14("checkedState", val=f"{ord(BOX_CHECKED):04X}", font=BOX_FONT))
        box.append(_w14("uncheckedState", val=f"{ord(BOX_EMPTY):04X}", font=BOX_FONT))
        return box
    return element("w:text", multiLine="1") if control == "multiline" else element("w:text")


def content_control(tag: str, control: str, alias: str, placeholder: str, lang: str, control_id: int,
                    value: str | None = None, options: tuple[tuple[str, str], ...] = ()):
    """An inline `w:sdt` around one run: the placeholder in grey, or `value` when prefilled.
    `control` is the kind's `docx` (kinds.KINDS): text, multiline, date, dropdown or checkbox."""
    sdt = element("w:sdt")
    pr = element("w:sdtPr")
    pr.append(run_properties(lang))
    pr.append(element("w:alias", val=alias[:255]))
    pr.append(element("w:tag", val=tag))
    pr.append(element("w:id", val=str(control_id)))
    pr.append(element("w:lock", val="sdtLocked"))
    content = element("w:sdtContent")
    if control == "checkbox":  # no placeholder: the empty box is the blank
        content.append(_box_run(False, lang))
    else:
        pr.append(element("w:showingPlcHdr"))
        content.append(text_run(placeholder, lang, style=PLACEHOLDER_STYLE_ID))
    pr.append(_control_type(control, lang, options))
    sdt.append(pr)
    sdt.append(content)
    if value:
        set_control_value(sdt, value, lang)
    return sdt


def _box_run(checked: bool, lang: str):
    run = text_run(BOX_CHECKED if checked else BOX_EMPTY, lang)
    fonts = element("w:rFonts", ascii=BOX_FONT, eastAsia=BOX_FONT, hAnsi=BOX_FONT, hint="eastAsia")
    run.find(qn("w:rPr")).insert(0, fonts)
    return run


def signature_line(label: str, lang: str) -> list:
    """Where a signature goes in a DOCX: a line to sign on, its label in grey after it."""
    return [text_run(SIGNATURE_LINE, lang), text_run(f" ({label})", lang, style=PLACEHOLDER_STYLE_ID)]


def iter_controls(root) -> Iterator:
    return root.iter(qn("w:sdt"))


def control_tag(sdt) -> str | None:
    tag = sdt.find(f"{qn('w:sdtPr')}/{qn('w:tag')}")
    return tag.get(qn("w:val")) if tag is not None else None


def control_alias(sdt) -> str | None:
    alias = sdt.find(f"{qn('w:sdtPr')}/{qn('w:alias')}")
    return alias.get(qn("w:val")) if alias is not None else None


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
    if text is not None and text.get(qn("w:multiLine")) in ("1", "true", "on"):
        return "multiline"
    return "text"


def showing_placeholder(sdt) -> bool:
    return sdt.find(f"{qn('w:sdtPr')}/{qn('w:showingPlcHdr')}") is not None


def control_value(sdt) -> str:
    """What a user gave: '' for a placeholder, yes/no for a check box, else the text shown."""
    box = sdt.find(f"{qn('w:sdtPr')}/{qn('w14:checkbox')}/{qn('w14:checked')}")
    if box is not None:
        return CHECKED if box.get(qn("w14:val")) in ("1", "true") else UNCHECKED
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


def control_lang(sdt) -> str:
    tag = sdt.find(f"{qn('w:sdtPr')}/{qn('w:rPr')}/{qn('w:lang')}")
    by_tag = {v: k for k, v in LANG_TAGS.items()}
    return by_tag.get(tag.get(qn("w:val")) if tag is not None else "", "ru")


def set_control_value(sdt, value: str, lang: str) -> None:
    """Replace a control's content with `value`, as Word does when a user types into it (a
    drop-down's value shows its label; a check box takes yes or no)."""
    pr = sdt.find(qn("w:sdtPr"))
    flag = pr.find(qn("w:showingPlcHdr"))
    if flag is not None:
        pr.remove(flag)
    content = sdt.find(qn("w:sdtContent"))
    for child in list(content):
        content.remove(child)
    box = pr.find(f"{qn('w14:checkbox')}/{qn('w14:checked')}")
    if box is not None:
        box.set(qn("w14:val"), "1" if value == CHECKED else "0")
        content.append(_box_run(value == CHECKED, lang))
        return
    item = next((i for i in pr.iter(qn("w:listItem")) if i.get(qn("w:value")) == value), None)
    content.append(text_run(item.get(qn("w:displayText")) if item is not None else value, lang))
    date = pr.find(qn("w:date"))
    if date is not None:  # Word's date picker opens on the date written, when it is one
        try:
            day = dt.datetime.strptime(value.strip(), "%d.%m.%Y")
            date.set(qn("w:fullDate"), day.strftime("%Y-%m-%dT00:00:00Z"))
        except ValueError:
            date.attrib.pop(qn("w:fullDate"), None)


def borders(paragraph_properties, sides: tuple[str, ...]) -> None:
    """Lines on these sides of a paragraph: under it where a signature goes, all round a box."""
    borders = element("w:pBdr")
    for side in ("top", "left", "bottom", "right"):  # the schema's order
        if side in sides:
            borders.append(element(f"w:{side}", val="single", sz="6", space="1", color="000000"))
    paragraph_properties.insert_element_before(
        borders, "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
        "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi",
        "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
        "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
        "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
        "w:pPrChange")


def page_number_field(lang: str) -> list:
    """The runs of a PAGE field."""
    begin, instr, end = element("w:r"), element("w:r"), element("w:r")
    begin.append(element("w:fldChar", fldCharType="begin"))
    code = element("w:instrText")
    code.text = " PAGE "
    code.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    instr.append(code)
    end.append(element("w:fldChar", fldCharType="end"))
    return [begin, instr, end]


def float_on_page(inline, left: int, top: int, shape_id: int) -> None:
    """Turn a picture's `wp:inline` into a `wp:anchor` at (left, top) EMU from the page's corner,
    in front of the text and without wrapping: it takes no room in the flow (the page's QR code)."""
    anchor = OxmlElement("wp:anchor")
    for name, value in (("distT", "0"), ("distB", "0"), ("distL", "0"), ("distR", "0"), ("simplePos", "0"),
                        ("relativeHeight", str(shape_id)), ("behindDoc", "0"), ("locked", "1"),
                        ("layoutInCell", "1"), ("allowOverlap", "1")):
        anchor.set(name, value)
    simple = OxmlElement("wp:simplePos")
    simple.set("x", "0")
    simple.set("y", "0")
    anchor.append(simple)
    for axis, offset in (("H", left), ("V", top)):
        position = OxmlElement(f"wp:position{axis}")
        position.set("relativeFrom", "page")
        value = OxmlElement("wp:posOffset")
        value.text = str(offset)
        position.append(value)
        anchor.append(position)
    children = {child.tag: child for child in inline}
    anchor.append(children[qn("wp:extent")])
    effect = OxmlElement("wp:effectExtent")
    for side in ("l", "t", "r", "b"):
        effect.set(side, "0")
    anchor.append(effect)
    anchor.append(OxmlElement("wp:wrapNone"))
    doc_pr = children[qn("wp:docPr")]
    doc_pr.set("id", str(shape_id))
    anchor.append(doc_pr)
    for tag in ("wp:cNvGraphicFramePr", "a:graphic"):
        if qn(tag) in children:
            anchor.append(children[qn(tag)])
    inline.getparent().replace(inline, anchor)


def app_properties() -> bytes:
    """docProps/app.xml saying what made the file. No page count: Word and LibreOffice count pages
    when they save, and a number written here could only be a guess."""
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
            '<Application>formgen</Application><DocSecurity>0</DocSecurity></Properties>').encode()


def zoom_whole_page(settings) -> None:
    """`w:zoom` with the `w:percent` ISO/IEC 29500 requires (python-docx's template leaves it out)."""
    zoom = settings.find(qn("w:zoom"))
    if zoom is not None:
        zoom.set(qn("w:percent"), "100")
