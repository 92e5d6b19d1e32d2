"""Write the PT font subsets and their metrics that the package ships in generator/formats/pdf/fontdata/.

    python tools/make_font_subsets.py [FOLDER]      (default: generator/formats/pdf/fontdata)

Subsetting with fontTools takes most of a second a face; the character set never changes, so it is
done here once and the result committed. tests/test_fonts.py runs this again and compares bytes.
Needs formgen installed with the test extras (fonttools, fontpkg-pt-serif, fontpkg-pt-sans).
"""
from __future__ import annotations

import hashlib
import io
import json
import sys
from pathlib import Path

import fontpkg
from fontTools import subset, version as fonttools_version
from fontTools.ttLib import TTFont

from generator.formats.pdf.fonts import FACES, METRICS_FILE, SUBSET_CODEPOINTS

CHECKOUT_FONT_DATA = Path(__file__).resolve().parent.parent / "generator" / "formats" / "pdf" / "fontdata"


def font_path(key: str) -> Path:
    family, weight, style = FACES[key]
    return Path(fontpkg.path(family, weight, style))


def subset_options() -> subset.Options:
    options = subset.Options()
    options.hinting = False
    options.layout_features = []  # no shaping: PDF text is drawn glyph by glyph
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "kern", "DSIG"]
    options.notdef_outline = True
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6]  # fontTools 4.69 keeps every name by default; 4.68 kept these
    options.recalc_timestamp = False
    return options


def make_subset(key: str) -> tuple[bytes, dict]:
    """The subset file of one face and the metrics a PDF font needs (in 1/1000 em)."""
    source = font_path(key)
    font = TTFont(source, recalcTimestamp=False)
    subsetter = subset.Subsetter(subset_options())
    subsetter.populate(unicodes=sorted(SUBSET_CODEPOINTS))
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.save(buffer, reorderTables=True)
    data = buffer.getvalue()
    font = TTFont(io.BytesIO(data))
    scale = 1000 / font["head"].unitsPerEm
    order = font.getGlyphOrder()
    index = {name: gid for gid, name in enumerate(order)}
    head, os2 = font["head"], font["OS/2"]
    return data, {
        "source": {"file": source.name, "sha256": hashlib.sha256(source.read_bytes()).hexdigest()},
        "postscript_name": font["name"].getDebugName(6) or key,
        "units_per_em": font["head"].unitsPerEm,
        "cmap": [[code, index[name]] for code, name in sorted(font.getBestCmap().items())],
        "advances": [round(font["hmtx"][name][0] * scale) for name in order],
        "ascent": round(font["hhea"].ascent * scale),
        "descent": round(font["hhea"].descent * scale),
        "cap_height": round(getattr(os2, "sCapHeight", 700 / scale) * scale),
        "bbox": [round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)],
        "italic_angle": float(font["post"].italicAngle),
    }


def write_subsets(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    metrics, written = {"fonttools": fonttools_version}, []
    for key in FACES:
        data, metrics[key] = make_subset(key)
        (folder / f"{key}.ttf").write_bytes(data)
        written.append(folder / f"{key}.ttf")
    (folder / METRICS_FILE).write_text(json.dumps(metrics, sort_keys=True, separators=(",", ":")) + "\n", encoding="utf-8")
    return [*written, folder / METRICS_FILE]


if __name__ == "__main__":
    for path in write_subsets(Path(sys.argv[1]) if len(sys.argv) > 1 else CHECKOUT_FONT_DATA):
        print(f"wrote {path} ({path.stat().st_size} bytes)")
