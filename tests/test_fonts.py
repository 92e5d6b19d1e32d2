"""The font subsets shipped in the package are exactly what tools/make_font_subsets.py makes."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from generator.fonts import FACES, FONT_DATA, METRICS_FILE, SUBSET_CODEPOINTS, face

SCRIPT = Path(__file__).resolve().parent.parent / "tools" / "make_font_subsets.py"


def load_script():
    pytest.importorskip("fontTools")
    spec = importlib.util.spec_from_file_location("make_font_subsets", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_shipped_subsets_are_what_the_script_makes(tmp_path):
    written = load_script().write_subsets(tmp_path)
    assert {p.name for p in written} == {f"{key}.ttf" for key in FACES} | {METRICS_FILE}
    for path in written:
        assert path.read_bytes() == (FONT_DATA / path.name).read_bytes(), (
            f"{FONT_DATA / path.name} is stale: run `python tools/make_font_subsets.py` and commit the result")


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
