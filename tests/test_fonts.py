"""The font subsets shipped in the package are exactly what tools/make_font_subsets.py makes, and
each PDF embeds of them what it needs."""
from __future__ import annotations

import importlib.util
import io
import json
from pathlib import Path

import pytest

from generator import DEFAULT_CALL
from generator.pipeline import localized_documents, render_bytes
from generator.sources.project import BUILTIN
EDITIONS = BUILTIN.languages.edition_ids
from generator.sources.call import load_call
from generator.formats.pdf.fonts import FACES, FONT_DATA, METRICS_FILE, SUBSET_CODEPOINTS, face
from generator.formats.pdf.form import FIELD_FACE

SCRIPT = Path(__file__).resolve().parent.parent / "tools" / "make_font_subsets.py"


def load_script():
    pytest.importorskip("fontTools")
    spec = importlib.util.spec_from_file_location("make_font_subsets", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def font_essentials(data: bytes) -> dict:
    """What a subset's user sees of it: its glyphs, their outlines and advances, its cmap, names and
    vertical metrics. Table layout, padding and checksums are left out: another fontTools release
    writes the same font in other bytes (4.68 and 4.69 differ in the glyf table's packing)."""
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(data))
    glyf, order = font["glyf"], font.getGlyphOrder()

    def outline(name: str) -> tuple:
        glyph = glyf[name]
        if glyph.isComposite():
            return ("composite", tuple((c.glyphName, c.x, c.y) for c in glyph.components))
        coordinates, ends, flags = glyph.getCoordinates(glyf)
        return (tuple(coordinates), tuple(ends), tuple(flag & 1 for flag in flags))  # bit 0: on the curve

    head, hhea, os2 = font["head"], font["hhea"], font["OS/2"]
    return {
        "glyphs": order,
        "outlines": [outline(name) for name in order],
        "advances": [font["hmtx"][name] for name in order],
        "cmap": font.getBestCmap(),
        "names": sorted((r.nameID, r.platformID, r.platEncID, r.langID, r.toUnicode()) for r in font["name"].names),
        "metrics": (head.unitsPerEm, head.xMin, head.yMin, head.xMax, head.yMax, hhea.ascent, hhea.descent,
                    hhea.lineGap, os2.sTypoAscender, os2.sTypoDescender, os2.usWinAscent, os2.usWinDescent,
                    getattr(os2, "sCapHeight", None), font["post"].italicAngle),
    }


def test_shipped_subsets_are_what_the_script_makes(tmp_path):
    """The same glyphs, outlines, metrics, cmap and names as the script makes today, whatever
    fontTools release makes them; the metrics file the same but for the release it names."""
    written = load_script().write_subsets(tmp_path)
    assert {p.name for p in written} == {f"{key}.ttf" for key in FACES} | {METRICS_FILE}
    stale = f"is stale: run `python tools/make_font_subsets.py` and commit the result"
    for key in FACES:
        made, shipped = (folder / f"{key}.ttf" for folder in (tmp_path, FONT_DATA))
        assert font_essentials(made.read_bytes()) == font_essentials(shipped.read_bytes()), f"{shipped} {stale}"
    made, shipped = (json.loads((folder / METRICS_FILE).read_text(encoding="utf-8")) for folder in (tmp_path, FONT_DATA))
    made.pop("fonttools"), shipped.pop("fonttools")
    assert made == shipped, f"{FONT_DATA / METRICS_FILE} {stale}"


def test_a_changed_outline_is_told_from_a_repacked_font():
    """The comparison above is not blind: one moved point makes the essentials differ."""
    from fontTools.ttLib import TTFont

    data = (FONT_DATA / "sans.ttf").read_bytes()
    font = TTFont(io.BytesIO(data))
    glyphs = [font["glyf"][font.getBestCmap()[ord(letter)]] for letter in "ҢӨҮңөү"]
    glyph = next(glyph for glyph in glyphs if glyph.numberOfContours > 0)  # an outline, not a composite
    glyph.coordinates[0] = (glyph.coordinates[0][0] + 5, glyph.coordinates[0][1])
    moved = io.BytesIO()
    font.save(moved)
    repacked = io.BytesIO()
    TTFont(io.BytesIO(data)).save(repacked, reorderTables=False)
    assert font_essentials(repacked.getvalue()) == font_essentials(data)
    assert font_essentials(moved.getvalue()) != font_essentials(data)


def test_subsets_cover_exactly_the_chosen_characters_in_every_face():
    TTFont = pytest.importorskip("fontTools.ttLib").TTFont  # the shipped metrics agree with the shipped files

    for key in FACES:
        font = TTFont(FONT_DATA / f"{key}.ttf")
        cmap = font.getBestCmap()
        assert set(cmap) <= SUBSET_CODEPOINTS
        assert {ord(c) for c in face(key).glyph_ids} == set(cmap)
        assert all(ch in cmap for ch in map(ord, "ҢңӨөҮү№«»—–ЁёAz"))
        assert len(face(key).advances) == len(font.getGlyphOrder())


def test_the_font_licence_travels_with_the_shipped_subsets():
    for family in ("PT-Sans", "PT-Serif"):
        text = (FONT_DATA / f"OFL-{family}.txt").read_text(encoding="utf-8")
        assert "SIL OPEN FONT LICENSE Version 1.1" in text and "ParaType" in text


def embedded_programs(pdf: bytes) -> dict[str, bytes]:
    """{font name without its subset tag: embedded TrueType program} of a PDF."""
    import pikepdf

    programs = {}
    with pikepdf.open(io.BytesIO(pdf)) as opened:
        for page in opened.pages:
            for font in page.Resources.Font.values():
                descriptor = font.DescendantFonts[0].FontDescriptor
                programs[str(font.BaseFont).split("+")[1]] = descriptor.FontFile2.read_bytes()
        for font in opened.Root.AcroForm.DR.Font.values():
            programs[str(font.BaseFont).split("+")[1]] = font.DescendantFonts[0].FontDescriptor.FontFile2.read_bytes()
    return programs


def outlines(program: bytes) -> int:
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(program), checkChecksums=2)  # a wrong table checksum raises
    return sum(1 for name in font.getGlyphOrder() if font["glyf"][name].numberOfContours)


@pytest.fixture(scope="module")
def every_document():
    return localized_documents(load_call(DEFAULT_CALL), EDITIONS)


def test_printed_faces_embed_only_the_glyphs_a_document_shows(every_document, monkeypatch):
    """Each document's serif text embeds its own glyphs, not the ~600 of the subset, and looks
    exactly as with the whole subset embedded; the fields' face keeps every glyph for typing."""
    import pypdfium2

    from generator.formats.pdf import syntax as pdf_writer

    trimmed = [render_bytes(document, "pdf") for document in every_document]
    monkeypatch.setattr(pdf_writer, "trimmed_font", lambda key, chars: face(key).data)
    pdf_writer.font_parts.cache_clear()
    try:
        whole = [render_bytes(document, "pdf") for document in every_document]
    finally:
        pdf_writer.font_parts.cache_clear()
    field_face = face(FIELD_FACE)
    for document, small, large in zip(every_document, trimmed, whole):
        programs = embedded_programs(small)
        assert outlines(programs[field_face.postscript_name]) == outlines(field_face.data)
        printed = [name for name in programs if name != field_face.postscript_name]
        assert printed and all(outlines(programs[name]) < outlines(embedded_programs(large)[name]) / 2
                               for name in printed), document.form_id
        assert len(small) < len(large)
        for before, after in zip(pypdfium2.PdfDocument(large), pypdfium2.PdfDocument(small)):
            assert before.render(may_draw_forms=True).to_pil().tobytes() == \
                after.render(may_draw_forms=True).to_pil().tobytes(), (document.form_id, document.lang)
