"""The DOCX template shipped in the package is exactly what tools/make_docx_templates.py makes, holds
every style a render names, and goes into each DOCX as it is, its styles in the DOCX's language."""
from __future__ import annotations

import importlib.util
import io
import zipfile
import zlib
from pathlib import Path

import docx
import pytest

from generator.formats.docx import ooxml
from generator.pipeline import localized_documents, render_bytes
from generator.sources.call import load_call
from generator import DEFAULT_CALL
from generator.formats.docx.write import (LOOKS, STYLES_PART, TEMPLATE_FILE, TEMPLATES, fill_docx, style_id,
                                          template_entries, template_file)
from generator.formats.zips import packed, packed_entries
from generator.sources.project import BUILTIN

SCRIPT = Path(__file__).resolve().parent.parent / "tools" / "make_docx_templates.py"


def load_script():
    spec = importlib.util.spec_from_file_location("make_docx_templates", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_shipped_templates_are_what_the_script_makes(tmp_path):
    load_script().main(tmp_path)
    shipped = [TEMPLATE_FILE, *(template_file(language.tag) for language in BUILTIN.languages.languages)]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(shipped)
    for name in shipped:
        assert (tmp_path / name).read_bytes() == (TEMPLATES / name).read_bytes(), (
            f"{TEMPLATES / name} is stale: run `python tools/make_docx_templates.py` and commit the result")


@pytest.mark.parametrize("tag", [language.tag for language in BUILTIN.languages.languages])
def test_a_template_made_beforehand_is_the_one_a_build_would_make(tag):
    """A shortcut only: the copy in a built-in language is what write.py makes for any other."""
    assert packed_entries((TEMPLATES / template_file(tag)).read_bytes()) == template_entries(tag)


def test_the_template_has_every_style_a_render_names_in_no_language():
    template = docx.Document(TEMPLATES / TEMPLATE_FILE)
    ids = {style.style_id for style in template.styles}
    assert {style_id(name, keep) for name in LOOKS for keep in (False, True)} <= ids
    assert {ooxml.PLACEHOLDER_STYLE_ID, "TableGrid", "Header", "Footer"} <= ids
    normal = template.styles["Normal"].element.rPr.find(ooxml.qn("w:lang"))
    assert normal.get(ooxml.qn("w:val")) == ooxml.NO_LANGUAGE


@pytest.mark.parametrize("edition", BUILTIN.languages.edition_ids)
def test_a_docx_is_in_its_main_languages_registry_tag(edition):
    """Normal's language (so Word's spelling and hyphenation), every run's and the core properties'
    are the registry's tag of the language (forms/project.yaml), not the template's `und`."""
    document = localized_documents(load_call(DEFAULT_CALL), [edition], ["annex2"])[0]
    tags = {language.code: language.tag for language in BUILTIN.languages.languages}
    main = tags[document.language]
    written = docx.Document(io.BytesIO(render_bytes(document, "docx")))
    normal = written.styles["Normal"].element.rPr.find(ooxml.qn("w:lang"))
    assert normal.get(ooxml.qn("w:val")) == main and written.core_properties.language == main
    run_tags = {lang.get(ooxml.qn("w:val")) for lang in written.element.body.iter(ooxml.qn("w:lang"))}
    assert run_tags == {tags[code] for code in edition.split("+")}


def test_a_docx_carries_the_templates_parts_deflated_as_they_are():
    """Styles, theme, settings … are copied, not deflated again; `fill` copies every part but the body."""
    document = localized_documents(load_call(DEFAULT_CALL), ["ky"], ["annex2"])[0]
    template = dict(template_entries(document.tag_of("ky")))
    blank = render_bytes(document, "docx")
    written = dict(packed_entries(blank))
    for name in (STYLES_PART, "word/theme/theme1.xml", "word/settings.xml", "word/numbering.xml"):
        assert written[name] == template[name]
    styles = zlib.decompress(dict(packed_entries((TEMPLATES / TEMPLATE_FILE).read_bytes()))[STYLES_PART].compressed, -15)
    assert template[STYLES_PART] == packed(ooxml.styles_in_language(styles, document.tag_of("ky")))
    field = next(iter(document.fields()))
    filled = dict(packed_entries(fill_docx(blank, {field.id: "Ү"})))
    assert {name for name in filled if filled[name] != written[name]} == {"word/document.xml"}
    with zipfile.ZipFile(io.BytesIO(blank)) as package:
        assert package.testzip() is None
