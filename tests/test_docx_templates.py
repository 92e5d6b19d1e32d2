"""The DOCX templates shipped in the package are exactly what tools/make_docx_templates.py makes,
hold every style a render names, and go into each DOCX as they are."""
from __future__ import annotations

import importlib.util
import io
import zipfile
from pathlib import Path

import docx
import pytest

from generator.formats.docx import ooxml
from generator.pipeline import localized_documents, render_bytes
from generator.sources.call import load_call
from generator import DEFAULT_CALL
from generator.formats.docx.write import LOOKS, TEMPLATE_FILES, TEMPLATES, fill_docx, style_id
from generator.formats.zips import packed_entries

SCRIPT = Path(__file__).resolve().parent.parent / "tools" / "make_docx_templates.py"


def load_script():
    spec = importlib.util.spec_from_file_location("make_docx_templates", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_shipped_templates_are_what_the_script_makes(tmp_path):
    load_script().main(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(TEMPLATE_FILES.values())
    for name in TEMPLATE_FILES.values():
        assert (tmp_path / name).read_bytes() == (TEMPLATES / name).read_bytes(), (
            f"{TEMPLATES / name} is stale: run `python tools/make_docx_templates.py` and commit the result")


@pytest.mark.parametrize("lang", TEMPLATE_FILES)
def test_each_template_has_every_style_a_render_names_in_its_language(lang):
    template = docx.Document(TEMPLATES / TEMPLATE_FILES[lang])
    ids = {style.style_id for style in template.styles}
    assert {style_id(name, keep) for name in LOOKS for keep in (False, True)} <= ids
    assert {ooxml.PLACEHOLDER_STYLE_ID, "TableGrid", "Header", "Footer"} <= ids
    normal = template.styles["Normal"].element.rPr.find(ooxml.qn("w:lang"))
    assert normal.get(ooxml.qn("w:val")) == ooxml.LANG_TAGS[lang]


def test_a_docx_carries_the_templates_parts_deflated_as_they_are():
    """Styles, theme, settings … are copied, not deflated again; `fill` copies every part but the body."""
    document = localized_documents(load_call(DEFAULT_CALL), ["ky"], ["annex2"])[0]
    template = dict(packed_entries((TEMPLATES / TEMPLATE_FILES["ky"]).read_bytes()))
    blank = render_bytes(document, "docx")
    written = dict(packed_entries(blank))
    for name in ("word/styles.xml", "word/theme/theme1.xml", "word/settings.xml", "word/numbering.xml"):
        assert written[name] == template[name]
    field = next(iter(document.fields()))
    filled = dict(packed_entries(fill_docx(blank, {field.id: "Ү"})))
    assert {name for name in filled if filled[name] != written[name]} == {"word/document.xml"}
    with zipfile.ZipFile(io.BytesIO(blank)) as package:
        assert package.testzip() is None
