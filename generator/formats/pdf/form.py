"""The PDF file of a rendered form: its pages, its AcroForm (fields, their embedded font, the
appearances of prefilled values), written in one pass with syntax.py.

layout.py draws the pages and says where each widget goes (`Widget`); `write_form` turns that
into a file whose fields PDFium, pdf.js and poppler fill with Kyrgyz text, kept as its serialised
objects (`FormFile`) so that `fill_form` writes a row's values and page codes into a copy by
replacing only the objects that change, without parsing anything.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Mapping, NamedTuple, Sequence

from ...model.page_id import QrMask
from .fonts import Face, face, split_to_width
from .scripts import NO_SCRIPTS, FormScripts
from .syntax import (Name, PdfObjects, Ref, Stream, add_font, circle_path, flate, glyph_hex, image_mask, rectangle,
                     serialise, text_string)
from .tags import Tags, metadata

FIELD_FACE = "sans"
# PDFium types non-Latin text in the form's own font only when it classes that font as "symbol",
# and it decides that by the resource name (core/fpdfdoc/cpdf_bafontmap.cpp). Other viewers ignore it.
FONT_RESOURCE = "Wingdings"
TEXT_PADDING = 2.0  # points between a widget's edge and its text
MIN_SINGLE_LINE_SIZE = 6.0  # below this a long single-line value wraps instead of shrinking further
SMALLEST_SIZE = 3.0
LEADING = 1.15  # line pitch / font size in multi-line appearances
PAGE_SIZE = (210 * (72 / 2.54 * 0.1), 297 * (72 / 2.54 * 0.1))  # A4 in points (to the last bit as before)

FLAG_PRINT = 4
FF_READ_ONLY = 1
FF_REQUIRED = 1 << 1
FF_MULTILINE = 1 << 12
FF_NO_TOGGLE_TO_OFF = 1 << 14
FF_RADIO = 1 << 15
FF_COMBO = 1 << 17
CHECKED = "yes"  # a check box's on state: what it exports
OFF = Name("Off")
TABS = Name("S")  # a page's fields in the order of the structure tree


class Widget(NamedTuple):
    """One widget annotation: where a field (or one button of a rating) sits on a page. (A named
    tuple: a form makes hundreds, and a frozen dataclass took 4 µs to make each.)"""

    field_id: str
    kind: str  # the field's kind (kinds.KINDS)
    label: str
    page: int  # 0-based
    rect: tuple[float, float, float, float]  # x0, y0, x1, y1 in points
    font_size: float = 10.0
    choice: str = ""  # a radio button's export value
    control: str = "text"  # text | multiline | buttons | combo | check | signature (kinds.pdf_widget)
    options: tuple[tuple[str, str], ...] = ()  # (export value, label) of a combo box
    max_length: int = 0
    required: bool = False  # flagged, so a viewer that can outlines it and warns
    read_only: bool = False  # a total: its scripts compute it

    @property
    def width(self) -> float:
        return self.rect[2] - self.rect[0]

    @property
    def height(self) -> float:
        return self.rect[3] - self.rect[1]


class FieldObjects(NamedTuple):
    """Where one field lives in a written file, and its entries without a value."""

    ref: Ref  # the field (a rating: the radio group's parent)
    entries: Mapping[str, object]
    appearance: Ref | None = None  # a text field's or combo box's normal appearance
    kids: tuple[tuple[Ref, Mapping[str, object]], ...] = ()  # a radio group's buttons


@dataclass(frozen=True)
class FormFile:
    """A written PDF as its serialised objects, and what `fill_form` replaces in a copy."""

    objects: PdfObjects  # never changed: a fill writes into a copy
    root: Ref
    info: Ref
    fields: Mapping[str, FieldObjects]
    codes: tuple[Ref, ...]  # each page's code (an image mask)
    allowed: Mapping[str, frozenset[str] | None]  # what each field takes (allowed_values)
    appearance_resources: Ref
    data: bytes


@dataclass(frozen=True)
class Page:
    """A drawn page: its content stream, and its code, drawn as image XObject `code_name`."""

    content: bytes
    code: QrMask
    code_name: str


def write_form(pages: Sequence[Page], fonts: Mapping[str, str], chars: Mapping[str, set[str]],
               widgets: Sequence[Widget], tags: Tags, scripts: FormScripts = NO_SCRIPTS) -> FormFile:
    """The PDF with every field empty: one field per field id, named by the id, in `widgets` order,
    tagged (PDF/UA-1) by `tags`, the structure the pages were drawn with. `fonts` maps each face the
    pages use to its resource name there, `chars` to what they set in it: a face only printed
    embeds those glyphs; the fields' face all (a user may type anything). `scripts`: what the fields
    do as they are filled (scripts.py)."""
    pdf = PdfObjects()
    catalog, page_tree, info = pdf.reserve(), pdf.reserve(), pdf.reserve()
    page_refs = [pdf.reserve() for _ in pages]
    font_refs = {key: add_font(pdf, key, None if key == FIELD_FACE else frozenset(chars.get(key, ())))
                 for key in dict.fromkeys([*fonts, FIELD_FACE])}
    codes = tuple(pdf.add(code_image(page.code)) for page in pages)
    resources = pdf.add({"Font": {name: font_refs[key] for key, name in fonts.items()},
                         "XObject": {page.code_name: code for page, code in zip(pages, codes)}})
    appearance_resources = pdf.add({"Font": {FONT_RESOURCE: font_refs[FIELD_FACE]}})
    form = FormWriter(pdf, page_refs, appearance_resources, widgets, scripts)
    fields = {field_id: form.field(group) for field_id, group in grouped(widgets).items()}
    for index, (page, ref, annotations) in enumerate(zip(pages, page_refs, form.annotations)):
        pdf.put(ref, {"Type": Name("Page"), "Parent": page_tree, "MediaBox": [0, 0, *PAGE_SIZE],
                      "Resources": resources, "Contents": pdf.add(flate(page.content)),
                      **({"Annots": annotations} if annotations else {}), "StructParents": index, "Tabs": TABS})
    pdf.put(page_tree, {"Type": Name("Pages"), "Kids": page_refs, "Count": len(page_refs)})
    document = tags.document
    pdf.put(info, {"Title": document.title, "Creator": "formgen", "Producer": "formgen"})
    acro_form = {"Fields": [field.ref for field in fields.values()],
                 "DR": {"Font": {FONT_RESOURCE: font_refs[FIELD_FACE]}}, "DA": f"/{FONT_RESOURCE} 10 Tf 0 g"}
    if any(w.control == "signature" for w in widgets):
        acro_form["SigFlags"] = 1  # SignaturesExist
    structure = tags.write(pdf, page_refs, [form.refs[id(widget)] for widget in widgets])
    titles = [(language.tag, title) for language, title in zip(document.languages, document.titles)]
    entries = {"Type": Name("Catalog"), "Pages": page_tree, "AcroForm": acro_form,
               "Lang": document.tag_of(document.language), "StructTreeRoot": structure,
               "MarkInfo": {"Marked": True}, "ViewerPreferences": {"DisplayDocTitle": True},
               "Metadata": pdf.add(metadata(document.title, titles))}
    if scripts.document:  # its name tree in objects of its own: collect's reader follows three levels of nesting
        script = pdf.add({"S": Name("JavaScript"), "JS": pdf.add(flate(scripts.document.encode("ascii")))})
        entries["Names"] = pdf.add({"JavaScript": pdf.add({"Names": ["formgen", script]})})
    if scripts.order:
        acro_form["CO"] = [fields[field_id].ref for field_id in scripts.order if field_id in fields]
    pdf.put(catalog, entries)
    data = pdf.file(catalog, info)
    return FormFile(pdf, catalog, info, fields, codes, allowed_values(widgets), appearance_resources, data)


def fill_form(form: FormFile, widgets: Sequence[Widget], values: Mapping[str, str],
              codes: Sequence[QrMask] = ()) -> bytes:
    """The written blank with `values` in its fields, as `fill` does for each row: only the filled
    fields change (a text field's /V and appearance, a button's /V and states) and, when `codes`
    are given, each page's code. Unpacked: a downloaded blank is packed small, but the thousands of
    prefilled files `fill` writes and `collect` reads again are quicker to write and read without
    object streams."""
    check_values(form.allowed, values)
    pdf = form.objects.copy()
    first = {}
    for widget in widgets:
        first.setdefault(widget.field_id, widget)
    for field_id, value in values.items():
        if value:
            write_value(pdf, form, form.fields[field_id], first[field_id], value)
    for ref, code in zip(form.codes, codes):
        pdf.put(ref, code_image(code))
    return pdf.file(form.root, form.info, pack=False)


def write_value(pdf: PdfObjects, form: FormFile, field: FieldObjects, widget: Widget, value: str) -> None:
    if widget.control == "buttons":
        pdf.put(field.ref, {**field.entries, "V": Name(value)})
        for ref, entries in field.kids:
            pdf.put(ref, {**entries, "AS": Name(value) if Name(value) in entries["AP"]["N"] else OFF})
    elif widget.control == "check":
        state = Name(CHECKED) if value == CHECKED else OFF
        pdf.put(field.ref, {**field.entries, "V": state, "AS": state})
    elif widget.control == "combo":  # /I counts the empty first option
        pdf.put(field.ref, {**field.entries, "V": value, "I": [[v for v, _ in widget.options].index(value) + 1]})
        pdf.put(field.appearance, text_appearance(widget, dict(widget.options).get(value, ""),
                                                  form.appearance_resources))
    elif widget.control != "signature":
        pdf.put(field.ref, {**field.entries, "V": value})
        pdf.put(field.appearance, text_appearance(widget, value, form.appearance_resources))


def grouped(widgets: Sequence[Widget]) -> dict[str, list[Widget]]:
    groups: dict[str, list[Widget]] = {}
    for widget in widgets:
        groups.setdefault(widget.field_id, []).append(widget)
    return groups


def code_image(code: QrMask) -> Stream:
    return image_mask(code.side, code.side, code.bits)


def allowed_values(widgets: Sequence[Widget]) -> dict[str, frozenset[str] | None]:
    """Per field id, the values it takes (None: any text)."""
    choices_of: dict[str, set[str] | None] = {}
    for widget in widgets:
        allowed = widget_choices(widget)
        if allowed is None:
            choices_of[widget.field_id] = None
        else:
            choices_of.setdefault(widget.field_id, set()).update(allowed)
    return {field_id: None if choices is None else frozenset(choices) for field_id, choices in choices_of.items()}


def widget_choices(widget: Widget) -> Sequence[str] | None:
    """The values one widget takes (None: any text)."""
    control = widget.control
    if control == "buttons":
        return (widget.choice,)
    if control == "combo":
        return [v for v, _ in widget.options]
    if control == "check":
        return (CHECKED, "no")
    return () if control == "signature" else None


def check_values(allowed: Mapping[str, frozenset[str] | None], values: Mapping[str, str]) -> None:
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise ValueError(f"values for fields this form does not have: {', '.join(unknown)}")
    for field_id, value in values.items():
        choices = allowed[field_id]
        if choices is not None and value and value not in choices:
            raise ValueError(f"field {field_id}: {value!r} is not one of {', '.join(sorted(choices)) or 'no value'}")


# ---- fields ------------------------------------------------------------------------------------

class FormWriter:
    """Writes empty fields and their widgets, collecting each page's annotations; appearances that
    never change (a button's states, an empty signature) are shared by widgets of one size. Each
    widget's /StructParent is the number of pages and its index in `widgets` (tags.py)."""

    def __init__(self, pdf: PdfObjects, pages: list[Ref], appearance_resources: Ref,
                 widgets: Sequence[Widget], scripts: FormScripts = NO_SCRIPTS) -> None:
        self.pdf, self.pages, self.resources, self.scripts = pdf, pages, appearance_resources, scripts
        self.annotations: list[list[Ref]] = [[] for _ in pages]
        self.shared: dict[tuple, Ref] = {}
        self.keys = {id(widget): len(pages) + index for index, widget in enumerate(widgets)}
        self.refs: dict[int, Ref] = {}  # id(widget) → its annotation

    def actions(self, widget: Widget) -> dict[str, Ref]:
        """The field's /AA: its actions, shared by every field that has the same (a column's cells)."""
        actions = self.scripts.actions.get(widget.field_id)
        if not actions:
            return {}
        key = ("actions", *sorted(actions.items()))
        return {"AA": self.once(key, lambda: {event: {"S": Name("JavaScript"), "JS": code}
                                              for event, code in sorted(actions.items())})}

    @staticmethod
    def flags(widget: Widget, flags: int = 0) -> int:
        return flags | (FF_REQUIRED if widget.required else 0) | (FF_READ_ONLY if widget.read_only else 0)

    def field(self, group: list[Widget]) -> FieldObjects:
        control = group[0].control
        if control == "buttons":
            return self.radio_group(group)
        write = {"check": self.check_box, "signature": self.signature_field, "combo": self.combo_box}
        return write.get(control, self.text_field)(group[0])

    def widget(self, widget: Widget, **entries: object) -> dict[str, object]:
        return {"Type": Name("Annot"), "Subtype": Name("Widget"), "F": FLAG_PRINT, "P": self.pages[widget.page],
                "Rect": rectangle(widget.rect), "MK": {}, "StructParent": self.keys[id(widget)], **entries}

    def attach(self, widget: Widget, entries: Mapping[str, object], **more: object) -> FieldObjects:
        ref = self.pdf.add(entries)
        self.annotations[widget.page].append(ref)
        self.refs[id(widget)] = ref
        return FieldObjects(ref, entries, **more)

    def once(self, key: tuple, make) -> Ref:
        if key not in self.shared:
            self.shared[key] = self.pdf.add(make())
        return self.shared[key]

    def empty(self, widget: Widget) -> Ref:
        return self.once(("empty", widget.width, widget.height), lambda: stream(widget, b"q Q"))

    def text_field(self, widget: Widget) -> FieldObjects:
        """Most of a form's objects: written from templates (the same bytes `serialise` makes of
        `entries` and of the empty appearance), which takes a third of the time."""
        pdf = self.pdf
        appearance = pdf.add_serialised(empty_text_appearance(widget.width, widget.height, self.resources), True)
        flags = self.flags(widget, FF_MULTILINE if widget.kind == "multiline" else 0)
        appearance_font = f"/{FONT_RESOURCE} {widget.font_size:g} Tf 0 g"
        rect = rectangle(widget.rect)
        key = self.keys[id(widget)]
        entries = {"Type": ANNOT, "Subtype": WIDGET, "F": FLAG_PRINT, "P": self.pages[widget.page], "Rect": rect,
                   "MK": {}, "StructParent": key, "FT": TEXT, "T": widget.field_id, "TU": widget.label, "Ff": flags,
                   "DA": appearance_font, "AP": {"N": appearance}}
        more = b""
        if widget.max_length:
            entries["MaxLen"] = widget.max_length
            more = b"/MaxLen %d" % widget.max_length
        actions = self.actions(widget)
        if actions:
            entries.update(actions)
            more += b"/AA " + actions["AA"]
        ref = pdf.add_serialised(TEXT_FIELD % (
            self.pages[widget.page], rect, key, text_string(widget.field_id), text_string(widget.label), flags,
            text_string(appearance_font), appearance, more))
        self.annotations[widget.page].append(ref)
        self.refs[id(widget)] = ref
        return FieldObjects(ref, entries, appearance=appearance)

    def combo_box(self, widget: Widget) -> FieldObjects:
        """A drop-down list: each option exports its value and shows its label, in the form's own font.
        An empty option comes first, so no viewer shows the first real one as if it were chosen
        (Okular did, and saved nothing)."""
        appearance = self.pdf.add(text_appearance(widget, "", self.resources))
        entries = self.widget(widget, FT=Name("Ch"), Ff=self.flags(widget, FF_COMBO), T=widget.field_id,
                              TU=widget.label, Opt=[EMPTY_OPTION, *([v, label] for v, label in widget.options)],
                              DA=f"/{FONT_RESOURCE} {widget.font_size:g} Tf 0 g", AP={"N": appearance},
                              **self.actions(widget))
        return self.attach(widget, entries, appearance=appearance)

    def check_box(self, widget: Widget) -> FieldObjects:
        cross = self.once(("cross", widget.width, widget.height), lambda: cross_appearance(widget))
        entries = self.widget(widget, FT=Name("Btn"), T=widget.field_id, TU=widget.label,
                              MK={"CA": "8"},  # a cross, if a viewer redraws the box
                              V=OFF, AS=OFF, AP={"N": {CHECKED: cross, "Off": self.empty(widget)}},
                              **({"Ff": self.flags(widget)} if widget.required else {}))
        return self.attach(widget, entries)

    def signature_field(self, widget: Widget) -> FieldObjects:
        """An empty signature field (/FT /Sig) where a PDF signer (Acrobat, pyHanko) puts its signature."""
        entries = self.widget(widget, FT=Name("Sig"), T=widget.field_id, TU=widget.label,
                              AP={"N": self.empty(widget)}, **({"Ff": FF_REQUIRED} if widget.required else {}))
        return self.attach(widget, entries)

    def radio_group(self, buttons: list[Widget]) -> FieldObjects:
        first = buttons[0]
        parent = self.pdf.reserve()
        kids = []
        for button in buttons:
            dot = self.once(("dot", button.width, button.height), lambda: dot_appearance(button))
            entries = self.widget(button, Parent=parent, MK={"CA": "l"},  # a round dot, if a viewer redraws it
                                  AS=OFF, AP={"N": {button.choice: dot, "Off": self.empty(button)}})
            kids.append((self.attach(button, entries).ref, entries))
        entries = {"FT": Name("Btn"), "Ff": self.flags(first, FF_RADIO | FF_NO_TOGGLE_TO_OFF), "T": first.field_id,
                   "TU": first.label, "V": OFF, "Kids": [ref for ref, _ in kids]}
        self.pdf.put(parent, entries)
        return FieldObjects(parent, entries, kids=tuple(kids))


ANNOT, WIDGET, TEXT = Name("Annot"), Name("Widget"), Name("Tx")
EMPTY_OPTION = ["", ""]  # a combo box's first option: nothing chosen
TEXT_FIELD = (b"<</Type /Annot/Subtype /Widget/F %d/P %%s/Rect %%s/MK <<>>/StructParent %%d/FT /Tx/T %%s/TU %%s/Ff %%d"
              b"/DA %%s/AP <</N %%s>>%%s>>" % FLAG_PRINT)


# ---- appearances -------------------------------------------------------------------------------

def stream(widget: Widget, content: bytes, resources: Ref | None = None) -> Stream:
    entries = {"Type": Name("XObject"), "Subtype": Name("Form"),
               "BBox": rectangle((0, 0, widget.width, widget.height))}
    if resources is not None:
        entries["Resources"] = resources
    if len(content) > 40:
        return flate(content, **entries)
    return Stream(entries, content)


@lru_cache(maxsize=256)
def empty_text_appearance(width: float, height: float, resources: Ref) -> bytes:
    return serialise(stream(Widget("", "", "", 0, (0.0, 0.0, width, height)), b"/Tx BMC EMC", resources))


def dot_appearance(widget: Widget) -> Stream:
    """A filled dot in the middle of the button; the ring around it is printed on the page."""
    radius = min(widget.width, widget.height) * 0.27
    return stream(widget, b"q 0 g " + circle_path(widget.width / 2, widget.height / 2, radius) + b" f Q")


def cross_appearance(widget: Widget) -> Stream:
    """Two strokes corner to corner: a tick that needs no font."""
    w, h, m = widget.width, widget.height, min(widget.width, widget.height) * 0.2
    return stream(widget, f"q 0 G 1.2 w {m:.2f} {m:.2f} m {w - m:.2f} {h - m:.2f} l "
                          f"{m:.2f} {h - m:.2f} m {w - m:.2f} {m:.2f} l S Q".encode())


def text_appearance(widget: Widget, value: str, resources: Ref) -> Stream:
    if not value:
        return stream(widget, b"/Tx BMC EMC", resources)
    size, lines = fit_text(face(FIELD_FACE), value, widget)
    return stream(widget, text_content(face(FIELD_FACE), widget, size, lines), resources)


def fit_text(font: Face, value: str, widget: Widget) -> tuple[float, list[str]]:
    """Font size and lines that show all of `value` inside the widget.

    Multi-line fields wrap, shrinking only if the text is taller than the box; single-line fields
    shrink to one line, and below MIN_SINGLE_LINE_SIZE wrap too rather than cut the value off.
    """
    width = widget.width - 2 * TEXT_PADDING
    height = widget.height - 2 * TEXT_PADDING
    multiline = widget.kind == "multiline"
    size = widget.font_size
    while True:
        if not multiline and size >= MIN_SINGLE_LINE_SIZE and "\n" not in value:
            lines = [value] if font.width(value, size) <= width else None
        else:
            lines = wrap(font, value, size, width)
        if lines is not None and len(lines) * size * LEADING <= height + size * (LEADING - 1):
            return size, lines
        if size <= SMALLEST_SIZE:
            return size, lines or wrap(font, value, size, width)
        size = max(SMALLEST_SIZE, size - 0.5)


def wrap(font: Face, text: str, size: float, width: float) -> list[str]:
    lines: list[str] = []
    for paragraph in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if font.width(candidate, size) <= width or not line:
                line = candidate
            else:
                lines.append(line)
                line = word
            if font.width(line, size) > width:  # a word longer than the line
                *whole, line = split_to_width(line, width, lambda text: font.width(text, size))
                lines += whole
        lines.append(line)
    return lines


def text_content(font: Face, widget: Widget, size: float, lines: list[str]) -> bytes:
    ascent, descent = font.ascent * size / 1000, -font.descent * size / 1000
    if len(lines) == 1 and widget.kind != "multiline":
        baseline = (widget.height - ascent - descent) / 2 + descent  # centred, as viewers do
    else:
        baseline = widget.height - TEXT_PADDING - ascent
    parts = [f"/Tx BMC q {TEXT_PADDING - 1:.2f} {TEXT_PADDING - 1:.2f} {widget.width - 2 * TEXT_PADDING + 2:.2f} "
             f"{widget.height - 2 * TEXT_PADDING + 2:.2f} re W n BT /{FONT_RESOURCE} {size:g} Tf 0 g "
             f"{LEADING * size:.2f} TL {TEXT_PADDING:.2f} {baseline:.2f} Td"]
    for index, line in enumerate(lines):
        parts.append(("" if index == 0 else "T* ") + f"<{glyph_hex(font.key, line)}> Tj")
    parts.append("ET Q EMC")
    return " ".join(parts).encode()
