"""The AcroForm of a rendered PDF: fields, their embedded font and the appearances of prefilled values.

With `pdf_read` (a returned form read back), the only module that touches raw PDF objects (pikepdf).
`pdf_render` draws the pages and says where each widget goes (`Widget`); `add_form` turns that into fields that PDFium, pdf.js and poppler
fill with Kyrgyz text, and prints prefilled values without regenerating appearances.
"""
from __future__ import annotations

import hashlib
import io
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Mapping, Sequence

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from .fonts import Face, face, split_to_width
from .pdf_read import pdf_error_text
from .pdfscan import check_pdf_size

FIELD_FACE = "sans"
# PDFium types non-Latin text in the form's own font only when it classes that font as "symbol",
# and it decides that by the resource name (core/fpdfdoc/cpdf_bafontmap.cpp). Other viewers ignore it.
FONT_RESOURCE = "Wingdings"
TEXT_PADDING = 2.0  # points between a widget's edge and its text
MIN_SINGLE_LINE_SIZE = 6.0  # below this a long single-line value wraps instead of shrinking further
SMALLEST_SIZE = 3.0
LEADING = 1.15  # line pitch / font size in multi-line appearances

FLAG_PRINT = 4
FF_MULTILINE = 1 << 12
FF_NO_TOGGLE_TO_OFF = 1 << 14
FF_RADIO = 1 << 15
FF_COMBO = 1 << 17
CHECKED = "yes"  # a check box's on state: what it exports


@dataclass(frozen=True)
class Widget:
    """One widget annotation: where a field (or one button of a rating) sits on a page."""

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

    @property
    def width(self) -> float:
        return self.rect[2] - self.rect[0]

    @property
    def height(self) -> float:
        return self.rect[3] - self.rect[1]


def add_form(page_pdf: bytes, widgets: Sequence[Widget], values: Mapping[str, str], lang: str) -> bytes:
    """The PDF with its AcroForm: one field per field id, named by the id, in `widgets` order."""
    check_values(widgets, values)
    pdf = pikepdf.open(io.BytesIO(page_pdf))
    font = pdf.make_indirect(type0_font(pdf, face(FIELD_FACE)))
    fields = Array()
    groups: dict[str, list[Widget]] = {}
    for widget in widgets:
        groups.setdefault(widget.field_id, []).append(widget)
    for field_id, group in groups.items():
        value = values.get(field_id, "")
        control = group[0].control
        if control == "buttons":
            field = radio_group(pdf, group, value)
        elif control == "check":
            field = check_box(pdf, group[0], value)
        elif control == "signature":
            field = signature_field(pdf, group[0])
        elif control == "combo":
            field = combo_box(pdf, group[0], value, font)
        else:
            field = text_field(pdf, group[0], value, font)
        fields.append(field)
    pdf.Root.AcroForm = Dictionary(
        Fields=fields,
        DR=Dictionary(Font=Dictionary({f"/{FONT_RESOURCE}": font})),
        DA=String(f"/{FONT_RESOURCE} 10 Tf 0 g"),
    )
    if any(w.control == "signature" for w in widgets):
        pdf.Root.AcroForm.SigFlags = 1  # SignaturesExist
    pdf.Root.Lang = String({"ru": "ru-RU", "ky": "ky-KG"}.get(lang, lang))
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate,
             compress_streams=True)
    return out.getvalue()


def fill_form(blank: bytes, widgets: Sequence[Widget], values: Mapping[str, str],
              swaps: Mapping[str, tuple[bytes, bytes]]) -> bytes:
    """A blank made by `add_form` with `values` written in, as `fill` does for each row: only the
    filled fields change (a text field's /V and appearance, a button's /V and states),
    and in each form XObject named in `swaps` the content `old` becomes `new` (the page codes)."""
    check_values(widgets, values)
    first = {}
    for widget in widgets:
        first.setdefault(widget.field_id, widget)
    with pikepdf.open(io.BytesIO(blank)) as pdf:
        form = pdf.Root.AcroForm
        fields = {str(field.T): field for field in form.Fields}
        font = form.DR.Font[f"/{FONT_RESOURCE}"]
        for field_id, value in values.items():
            if value:
                write_value(pdf, fields[field_id], first[field_id], value, font)
        swap_xobject_content(pdf, swaps)
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate,
                 compress_streams=True)
        return out.getvalue()


def write_value(pdf: pikepdf.Pdf, field: pikepdf.Object, widget: Widget, value: str, font: pikepdf.Object) -> None:
    """What `add_form` writes for a field with a value, written into the blank field."""
    if widget.control == "buttons":
        field.V = Name("/" + value)
        for kid in field.Kids:
            kid.AS = Name("/" + value) if f"/{value}" in kid.AP.N else Name.Off
    elif widget.control == "check":
        field.V = field.AS = Name("/" + CHECKED) if value == CHECKED else Name.Off
    elif widget.control == "combo":
        field.V = String(value)
        field.I = Array([[v for v, _ in widget.options].index(value)])
        field.AP = Dictionary(N=text_appearance(pdf, widget, dict(widget.options).get(value, ""), font))
    elif widget.control != "signature":
        field.V = String(value)
        field.AP = Dictionary(N=text_appearance(pdf, widget, value, font))


def swap_xobject_content(pdf: pikepdf.Pdf, swaps: Mapping[str, tuple[bytes, bytes]]) -> None:
    for page in pdf.pages:
        xobjects = page.obj.get("/Resources", Dictionary()).get("/XObject", Dictionary())
        for name, (old, new) in swaps.items():
            if name in xobjects:
                content = xobjects[name].read_bytes()
                if content.count(old) != 1:
                    raise ValueError(f"{name}: the content to replace is not there exactly once")
                xobjects[name].write(content.replace(old, new))


def check_values(widgets: Sequence[Widget], values: Mapping[str, str]) -> None:
    controls = {w.field_id: w.control for w in widgets}
    unknown = sorted(set(values) - set(controls))
    if unknown:
        raise ValueError(f"values for fields this form does not have: {', '.join(unknown)}")
    choices_of: dict[str, set[str]] = {}
    for widget in widgets:
        allowed = {"buttons": {widget.choice}, "combo": {v for v, _ in widget.options},
                   "check": {CHECKED, "no"}, "signature": set()}.get(widget.control)
        if allowed is not None:
            choices_of.setdefault(widget.field_id, set()).update(allowed)
    for field_id, value in values.items():
        choices = choices_of.get(field_id)
        if choices is not None and value and value not in choices:
            raise ValueError(f"field {field_id}: {value!r} is not one of {', '.join(sorted(choices)) or 'no value'}")


# ---- fields ------------------------------------------------------------------------------------

def widget_dict(pdf: pikepdf.Pdf, widget: Widget) -> Dictionary:
    page = pdf.pages[widget.page]
    annotation = Dictionary(Type=Name.Annot, Subtype=Name.Widget, F=FLAG_PRINT, P=page.obj,
                            Rect=Array([round(v, 2) for v in widget.rect]), MK=Dictionary())
    return annotation


def attach(pdf: pikepdf.Pdf, widget: Widget, annotation: Dictionary) -> pikepdf.Object:
    annotation = pdf.make_indirect(annotation)
    page = pdf.pages[widget.page]
    if "/Annots" not in page.obj:
        page.obj.Annots = Array()
    page.obj.Annots.append(annotation)
    return annotation


def text_field(pdf: pikepdf.Pdf, widget: Widget, value: str, font: pikepdf.Object) -> pikepdf.Object:
    field = widget_dict(pdf, widget)
    field.FT = Name.Tx
    field.T = String(widget.field_id)
    field.TU = String(widget.label)
    field.Ff = FF_MULTILINE if widget.kind == "multiline" else 0
    field.DA = String(f"/{FONT_RESOURCE} {widget.font_size:g} Tf 0 g")
    if widget.max_length:
        field.MaxLen = widget.max_length
    if value:
        field.V = String(value)
    field.AP = Dictionary(N=text_appearance(pdf, widget, value, font))
    return attach(pdf, widget, field)


def combo_box(pdf: pikepdf.Pdf, widget: Widget, value: str, font: pikepdf.Object) -> pikepdf.Object:
    """A drop-down list: each option exports its value and shows its label, in the form's own font."""
    field = widget_dict(pdf, widget)
    field.FT = Name.Ch
    field.Ff = FF_COMBO
    field.T = String(widget.field_id)
    field.TU = String(widget.label)
    field.Opt = Array([Array([String(v), String(label)]) for v, label in widget.options])
    field.DA = String(f"/{FONT_RESOURCE} {widget.font_size:g} Tf 0 g")
    shown = dict(widget.options).get(value, "")
    if value:
        field.V = String(value)
        field.I = Array([[v for v, _ in widget.options].index(value)])
    field.AP = Dictionary(N=text_appearance(pdf, widget, shown, font))
    return attach(pdf, widget, field)


def check_box(pdf: pikepdf.Pdf, widget: Widget, value: str) -> pikepdf.Object:
    field = widget_dict(pdf, widget)
    field.FT = Name.Btn
    field.T = String(widget.field_id)
    field.TU = String(widget.label)
    field.MK = Dictionary(CA=String("8"))  # a cross, if a viewer redraws the box
    on = value == CHECKED
    field.V = field.AS = Name("/" + CHECKED) if on else Name.Off
    field.AP = Dictionary(N=Dictionary({f"/{CHECKED}": cross_appearance(pdf, widget), "/Off": stream(pdf, widget, b"q Q")}))
    return attach(pdf, widget, field)


def signature_field(pdf: pikepdf.Pdf, widget: Widget) -> pikepdf.Object:
    """An empty signature field (/FT /Sig) where a PDF signer (Acrobat, pyHanko) puts its signature."""
    field = widget_dict(pdf, widget)
    field.FT = Name.Sig
    field.T = String(widget.field_id)
    field.TU = String(widget.label)
    field.AP = Dictionary(N=stream(pdf, widget, b"q Q"))
    return attach(pdf, widget, field)


def radio_group(pdf: pikepdf.Pdf, buttons: list[Widget], value: str) -> pikepdf.Object:
    first = buttons[0]
    parent = pdf.make_indirect(Dictionary(
        FT=Name.Btn, Ff=FF_RADIO | FF_NO_TOGGLE_TO_OFF, T=String(first.field_id), TU=String(first.label),
        V=Name("/" + value) if value else Name.Off, Kids=Array()))
    for button in buttons:
        kid = widget_dict(pdf, button)
        kid.Parent = parent
        kid.MK = Dictionary(CA=String("l"))  # "l" = a round dot, if a viewer redraws the button
        kid.AS = Name("/" + button.choice) if button.choice == value else Name.Off
        kid.AP = Dictionary(N=Dictionary({f"/{button.choice}": dot_appearance(pdf, button),
                                          "/Off": stream(pdf, button, b"q Q")}))
        parent.Kids.append(attach(pdf, button, kid))
    return parent


# ---- appearances -------------------------------------------------------------------------------

def stream(pdf: pikepdf.Pdf, widget: Widget, content: bytes, resources: Dictionary | None = None) -> pikepdf.Stream:
    appearance = pikepdf.Stream(pdf, content)
    appearance.Type = Name.XObject
    appearance.Subtype = Name.Form
    appearance.BBox = Array([0, 0, round(widget.width, 2), round(widget.height, 2)])
    if resources is not None:
        appearance.Resources = resources
    return appearance


def dot_appearance(pdf: pikepdf.Pdf, widget: Widget) -> pikepdf.Stream:
    """A filled dot in the middle of the button; the ring around it is printed on the page."""
    radius = min(widget.width, widget.height) * 0.27
    return stream(pdf, widget, b"q 0 g " + circle_path(widget.width / 2, widget.height / 2, radius) + b" f Q")


def cross_appearance(pdf: pikepdf.Pdf, widget: Widget) -> pikepdf.Stream:
    """Two strokes corner to corner: a tick that needs no font."""
    w, h, m = widget.width, widget.height, min(widget.width, widget.height) * 0.2
    return stream(pdf, widget, f"q 0 G 1.2 w {m:.2f} {m:.2f} m {w - m:.2f} {h - m:.2f} l "
                               f"{m:.2f} {h - m:.2f} m {w - m:.2f} {m:.2f} l S Q".encode())


def circle_path(cx: float, cy: float, r: float) -> bytes:
    k = 0.5523 * r  # Bézier handle length for a quarter circle
    ops = [f"{cx + r:.2f} {cy:.2f} m",
           f"{cx + r:.2f} {cy + k:.2f} {cx + k:.2f} {cy + r:.2f} {cx:.2f} {cy + r:.2f} c",
           f"{cx - k:.2f} {cy + r:.2f} {cx - r:.2f} {cy + k:.2f} {cx - r:.2f} {cy:.2f} c",
           f"{cx - r:.2f} {cy - k:.2f} {cx - k:.2f} {cy - r:.2f} {cx:.2f} {cy - r:.2f} c",
           f"{cx + k:.2f} {cy - r:.2f} {cx + r:.2f} {cy - k:.2f} {cx + r:.2f} {cy:.2f} c"]
    return " ".join(ops).encode()


def text_appearance(pdf: pikepdf.Pdf, widget: Widget, value: str, font: pikepdf.Object) -> pikepdf.Stream:
    resources = Dictionary(Font=Dictionary({f"/{FONT_RESOURCE}": font}))
    if not value:
        return stream(pdf, widget, b"/Tx BMC EMC", resources)
    size, lines = fit_text(face(FIELD_FACE), value, widget)
    return stream(pdf, widget, text_content(face(FIELD_FACE), widget, size, lines), resources)


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
    for number, line in enumerate(lines):
        parts.append(("" if number == 0 else "T* ") + f"<{glyph_hex(font, line)}> Tj")
    parts.append("ET Q EMC")
    return " ".join(parts).encode()


def glyph_hex(font: Face, text: str) -> str:
    """Identity-H codes: the glyph id of each character, 2 bytes each (hex strings need no escaping)."""
    ids = font.glyph_ids
    return "".join(f"{ids.get(char, 0):04X}" for char in text.replace("\t", " "))


# ---- the embedded font -------------------------------------------------------------------------

def type0_font(pdf: pikepdf.Pdf, font: Face) -> Dictionary:
    """A Type0 / CIDFontType2 font with Identity-H codes = glyph ids of the whole subset."""
    parts = font_parts(font.key)
    base_font = Name("/" + parts.tag + "+" + font.postscript_name)
    font_file = pikepdf.Stream(pdf, parts.compressed_font)
    font_file.Filter = Name.FlateDecode
    font_file.Length1 = len(font.data)
    descriptor = Dictionary(
        Type=Name.FontDescriptor, FontName=base_font, Flags=4, FontBBox=Array(list(font.bbox)),
        ItalicAngle=font.italic_angle, Ascent=font.ascent, Descent=font.descent, CapHeight=font.cap_height,
        StemV=80, FontFile2=font_file)
    to_unicode = pikepdf.Stream(pdf, parts.compressed_to_unicode)
    to_unicode.Filter = Name.FlateDecode
    cid_font = Dictionary(
        Type=Name.Font, Subtype=Name.CIDFontType2, BaseFont=base_font,
        CIDSystemInfo=Dictionary(Registry=String("Adobe"), Ordering=String("Identity"), Supplement=0),
        FontDescriptor=descriptor, W=Array([0, Array(list(font.advances))]), CIDToGIDMap=Name.Identity)
    return Dictionary(Type=Name.Font, Subtype=Name.Type0, BaseFont=base_font, Encoding=Name("/Identity-H"),
                      DescendantFonts=Array([pdf.make_indirect(cid_font)]), ToUnicode=to_unicode)


@dataclass(frozen=True)
class FontParts:
    tag: str
    compressed_font: bytes
    compressed_to_unicode: bytes


@lru_cache(maxsize=None)
def font_parts(key: str) -> FontParts:
    """What a PDF font needs that costs time to make: compressed once per process."""
    font = face(key)
    digest = hashlib.sha256(font.data).digest()
    tag = "".join(chr(ord("A") + b % 26) for b in digest[:6])
    return FontParts(tag, zlib.compress(font.data, 9), zlib.compress(to_unicode_cmap(font), 9))


def to_unicode_cmap(font: Face) -> bytes:
    unicode_of: dict[int, str] = {}
    for char, gid in font.glyph_ids.items():  # sorted by code point: the lowest one names the glyph
        unicode_of.setdefault(gid, char)
    entries = [f"<{gid:04X}> <{''.join(f'{u:04X}' for u in utf16_units(char))}>"
               for gid, char in sorted(unicode_of.items())]
    blocks = []
    for start in range(0, len(entries), 100):
        chunk = entries[start:start + 100]
        blocks.append(f"{len(chunk)} beginbfchar\n" + "\n".join(chunk) + "\nendbfchar")
    return ("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
            "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
            "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
            + "\n".join(blocks) +
            "\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n").encode()


def utf16_units(char: str) -> list[int]:
    data = char.encode("utf-16-be")
    return [int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data), 2)]


def page_count(data: bytes) -> int:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return len(pdf.pages)


MAX_LETTERHEAD_PDF_BYTES = 20_000_000


def with_letterhead(form_pdf: bytes, letterhead: Path) -> bytes:
    """The form with the first page of a letterhead PDF as the background of its first page."""
    background = _open_letterhead(letterhead)
    with background, pikepdf.open(io.BytesIO(form_pdf)) as pdf:
        pdf.pages[0].add_underlay(pdf.copy_foreign(background.pages[0].obj))
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate,
                 compress_streams=True)
        return out.getvalue()


def _open_letterhead(path: Path) -> pikepdf.Pdf:
    from .errors import FormgenError
    from .files import check_regular_file

    check_regular_file(path, MAX_LETTERHEAD_PDF_BYTES, "a letterhead is one page; export it again with compressed images")
    try:
        data = path.read_bytes()
        check_pdf_size(data, str(path))  # before pikepdf materialises a page tree of millions of kids
        pdf = pikepdf.open(io.BytesIO(data))
    except FormgenError:
        raise
    except pikepdf.PasswordError:
        raise FormgenError(path, "", "the PDF is encrypted", "export the letterhead again without a password") from None
    except (pikepdf.PdfError, OSError) as exc:
        raise FormgenError(path, "", f"not a readable PDF: {pdf_error_text(exc)}",
                           "give the letterhead as a PDF (Word: File → Save As → PDF)") from None
    if not len(pdf.pages):
        pdf.close()
        raise FormgenError(path, "", "the PDF has no page", "give a one-page letterhead")
    return pdf
