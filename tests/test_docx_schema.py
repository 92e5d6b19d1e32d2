"""Every DOCX of a build is valid ISO/IEC 29500 Transitional WordprocessingML, and says honestly
what made it."""
from __future__ import annotations

import io
import json
import zipfile
from functools import lru_cache
from pathlib import Path

import pytest
from lxml import etree
from cli_runner import CliRunner

from generator import DEFAULT_CALL
from generator.pipeline import localized_documents, render_bytes
from generator.sources.project import BUILTIN
EDITIONS = BUILTIN.languages.edition_ids
from generator.sources.call import load_call
from generator.cli import app
from generator.sources.definitions import load_forms
from generator.formats.docx.write import fill_docx

SCHEMAS = Path(__file__).parent / "ooxml_schemas"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
EXTENDED = "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}"
FILLED = {"text": "Жаңы-Жол & <Ү>", "number": "12", "date": "01.02.2025", "rating": "3",
          "multiline": "Биринчи сап\nЭкинчи\tсап"}


@lru_cache(maxsize=None)
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "docx-parts.xsd")))


@pytest.fixture(scope="module")
def build(tmp_path_factory) -> tuple[Path, list[dict]]:
    out = tmp_path_factory.mktemp("build")
    result = CliRunner().invoke(app, ["build", "--out", str(out), "--no-site"])
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "2025" / "manifest.json").read_text(encoding="utf-8"))
    return out / "2025", manifest["files"]


def docx_files(build) -> list[tuple[str, bytes]]:
    """Every DOCX of the build, and each form filled in (as `fill` writes them)."""
    folder, files = build
    blanks = [(entry["path"], (folder / entry["path"]).read_bytes()) for entry in files if entry["format"] == "docx"]
    filled = []
    for document in localized_documents(load_call(DEFAULT_CALL), ("ky",)):
        values = {field.id: FILLED.get(field.kind, "") for field in document.fields()}
        filled.append((f"filled {document.form_id}", fill_docx(render_bytes(document, "docx"), values)))
    return blanks + filled


def without_ignorable(root: etree._Element) -> etree._Element:
    """The part as a consumer that knows only ISO/IEC 29500 reads it (Markup Compatibility):
    elements and attributes of the namespaces listed in mc:Ignorable are dropped."""
    prefixes = (root.get(f"{{{MC}}}Ignorable") or "").split()
    ignorable = {root.nsmap[prefix] for prefix in prefixes if prefix in root.nsmap} | {MC}
    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            continue
        if etree.QName(element).namespace in ignorable and element is not root:
            element.getparent().remove(element)
            continue
        for name in list(element.attrib):
            if name.startswith("{") and etree.QName(name).namespace in ignorable:
                del element.attrib[name]
    return root


def xml_parts(data: bytes) -> list[tuple[str, etree._Element]]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return [(name, etree.fromstring(package.read(name))) for name in package.namelist()
                if name.endswith(".xml") and (name.count("/") == 1 and name.startswith("word/")
                                              or name == "docProps/app.xml")]


def test_every_part_of_every_docx_is_valid_against_the_transitional_schemas(build):
    docx = docx_files(build)
    assert len([name for name, _ in docx if name.endswith(".docx")]) == len(load_forms()) * len(EDITIONS)
    for path, data in docx:
        parts = dict(xml_parts(data))
        assert {"word/document.xml", "word/styles.xml", "word/settings.xml", "word/numbering.xml",
                "docProps/app.xml"} <= set(parts)
        assert any(name.startswith("word/footer") for name in parts)
        for name, root in parts.items():
            valid = schema().validate(without_ignorable(root))
            errors = [f"{path} {name}:{e.line}: {e.message}" for e in schema().error_log]
            assert valid, "\n".join(errors[:5])


def test_no_stale_part_and_honest_application_properties(build):
    folder, files = build
    for entry in files:
        if entry["format"] != "docx":
            continue
        with zipfile.ZipFile(folder / entry["path"]) as package:
            names = package.namelist()
            assert "word/stylesWithEffects.xml" not in names  # it lacked every Form style
            assert not any("stylesWithEffects" in package.read(name).decode() for name in names
                           if name.endswith(".rels") or name == "[Content_Types].xml")
            app_xml = etree.fromstring(package.read("docProps/app.xml"))
        assert app_xml.findtext(f"{EXTENDED}Application") == "formgen"
        assert "Microsoft" not in etree.tostring(app_xml).decode()
        assert app_xml.find(f"{EXTENDED}Pages") is None  # Word counts them when it saves
