"""Word documents to import (`formgen import`) as they may come by e-mail: zip bombs, entities, too
many parts, paragraphs or blanks, files that are no Word document, text that looks like template code
or like a placeholder. Each is refused with one line before anything is written, or imported with
its text kept as text."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

from hostile.cases import MARKER, case, payload, write

W = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
OUTS = ("project", "report.md")


def project(folder: Path) -> Path:
    from generator.commands.init import init_project

    init_project(folder / "project")
    return folder / "project"


def importing(folder: Path, *documents: Path) -> list[str]:
    return ["import", *map(str, documents), "--id", "hostile", "--project", str(project(folder)),
            "--report", str(folder / "report.md")]


def document(folder: Path, paragraphs: list[str] = (), body_xml: bytes | None = None,
             extra: dict[str, bytes] | None = None, name: str = "form.docx") -> Path:
    """A Word document made by python-docx, its body or parts replaced as given."""
    import docx

    made = docx.Document()
    for text in paragraphs:
        made.add_paragraph(text)
    buffer = io.BytesIO()
    made.save(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "word/document.xml" and body_xml is not None:
                data = b'<?xml version="1.0"?><w:document ' + W + b"><w:body>" + body_xml + b"</w:body></w:document>"
            target.writestr(item, data)
        for part, data in (extra or {}).items():
            target.writestr(part, data)
    return write(folder, name, out.getvalue())


def refused(*words: str):
    """Exit code 1, one line naming the document and the fix, and no form written."""
    def expect(folder: Path, exit_code, output: str) -> list[str]:
        wrong = [f"exit code {exit_code}, not 1"] if exit_code != 1 else []
        wrong += [f"{len(output.splitlines())} lines, not 1: {output[:200]}"] if len(output.splitlines()) != 1 else []
        wrong += ["a form was written"] if (folder / "project" / "forms" / "hostile.yaml").exists() else []
        return wrong + [f"no '{word}' in: {output.strip()[:200]}" for word in words if word not in output]
    return expect


def imported_as_text(*texts: str):
    """Imported, with each text in the Russian catalog exactly as the document shows it."""
    def expect(folder: Path, exit_code, output: str) -> list[str]:
        from generator.language.localize import Localizer
        from generator.sources.call import load_call
        from generator.sources.catalogs import load_translations
        from generator.sources.definitions import load_form

        if exit_code != 0:
            return [f"exit code {exit_code}: {output[-200:]}"]
        root = folder / "project"
        form = load_form(root / "forms" / "hostile.yaml")
        russian = Localizer("ru", load_translations("ru", root / "locales"), load_call(root / "forms" / "calls" / "2025.yaml"))
        shown = "\n".join(str(run) for block in russian.document(form).blocks for run in getattr(block, "runs", ()))
        return [f"«{text}» is not shown as written" for text in texts if text not in shown] + (
            ["the marker file was written"] if (folder / MARKER).exists() else [])
    return expect


@case("import", "zip-bomb", outs=OUTS, expect=refused("unpacks to"))
def _(folder: Path) -> list[str]:
    from hostile.bombs import repeated_deflate, write_zip

    data, crc = repeated_deflate(b"<w:p/>" * 100_000, 2000)
    return importing(folder, write_zip(folder / "bomb.docx", [("word/document.xml", data, crc, 600_000 * 2000, 8)]))


@case("import", "many-parts", outs=OUTS, expect=refused("parts"))
def _(folder: Path) -> list[str]:
    return importing(folder, document(folder, ["Анкета"], extra={f"customXml/item{n}.xml": b"<a/>" for n in range(2100)}))


@case("import", "external-entity", outs=OUTS, expect=refused("DOCTYPE"))
def _(folder: Path) -> list[str]:
    xml = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><w:document ' + W +
           b"><w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>")
    return importing(folder, folder / _replaced(folder, xml))


@case("import", "billion-laughs", outs=OUTS, expect=refused("DOCTYPE"))
def _(folder: Path) -> list[str]:
    xml = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
           b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]><w:document '
           + W + b"><w:body><w:p><w:r><w:t>&d;&d;&d;&d;&d;&d;</w:t></w:r></w:p></w:body></w:document>")
    return importing(folder, folder / _replaced(folder, xml))


@case("import", "deep-nesting", outs=OUTS, expect=refused("does not parse"))
def _(folder: Path) -> list[str]:
    return importing(folder, document(folder, body_xml=b"<w:p>" * 5000 + b"</w:p>" * 5000))


@case("import", "undefined-entity-in-footnotes", outs=OUTS, expect=refused("word/footnotes.xml"))
def _(folder: Path) -> list[str]:
    return importing(folder, document(folder, ["Анкета ____"], extra={"word/footnotes.xml": (
        b'<?xml version="1.0"?><w:footnotes ' + W + b"><w:footnote>&undefined;</w:footnote></w:footnotes>")}))


@case("import", "not-a-zip", outs=OUTS, expect=refused("not a Word document"))
def _(folder: Path) -> list[str]:
    return importing(folder, write(folder, "form.docx", b"PK\x03\x04 not really a zip"))


@case("import", "spreadsheet-named-docx", outs=OUTS, expect=refused("not a Word document"))
def _(folder: Path) -> list[str]:
    from openpyxl import Workbook

    book = Workbook()
    book.active["A1"] = "Анкета"
    book.save(folder / "form.docx")
    return importing(folder, folder / "form.docx")


@case("import", "macro-enabled", outs=OUTS, expect=refused("not a Word document"))
def _(folder: Path) -> list[str]:
    path = document(folder, ["Анкета ____"])
    with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as source, zipfile.ZipFile(folder / "form.docm", "w") as target:
        for item in source.infolist():
            part = source.read(item)
            if item.filename == "[Content_Types].xml":
                part = part.replace(b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml")
            target.writestr(item, part)
    return importing(folder, folder / "form.docm")


@case("import", "folder", outs=OUTS, expect=refused("a folder"))
def _(folder: Path) -> list[str]:
    (folder / "form.docx").mkdir()
    return importing(folder, folder / "form.docx")


@case("import", "device", outs=OUTS, expect=refused("not a regular file"))
def _(folder: Path) -> list[str]:
    return importing(folder, Path("/dev/zero"))


@case("import", "too-many-paragraphs", outs=OUTS, expect=refused("more than 5000"))
def _(folder: Path) -> list[str]:
    return importing(folder, document(folder, body_xml=b"<w:p><w:r><w:t>a</w:t></w:r></w:p>" * 6000))


@case("import", "too-many-blanks", outs=OUTS, expect=refused("more than 2000 blanks"))
def _(folder: Path) -> list[str]:
    return importing(folder, document(folder, ["Поле ____ " * 3000]))


@case("import", "no-text", outs=OUTS, expect=refused("no paragraph or table with text"))
def _(folder: Path) -> list[str]:
    return importing(folder, document(folder, ["", "   "]))


@case("import", "template-code-and-braces", outs=OUTS,
      expect=imported_as_text("{{ 7*7 }}", "{deadline_date}", "{% for x in y %}", "{0.__class__}"))
def _(folder: Path) -> list[str]:
    return importing(folder, document(folder, [
        f"Анкета {payload(folder)}", "Итог: {{ 7*7 }} и {deadline_date} и {% for x in y %} и {0.__class__}",
        "Ответ: ____________"]))


def _replaced(folder: Path, xml: bytes) -> str:
    """A python-docx document whose body part is `xml`, as a.docx in the folder; its name."""
    path = document(folder, ["x"], name="a.docx")
    out = io.BytesIO()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            target.writestr(item, xml if item.filename == "word/document.xml" else source.read(item))
    path.write_bytes(out.getvalue())
    return path.name
