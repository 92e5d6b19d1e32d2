"""A returned DOCX read control by control (formats/docx/read.py, match.py), with the edits Word and
LibreOffice make: a control typed over, text typed beside a control, a label reworded, tags gone,
a control deleted. Each answer reaches the data or a problem line that names its field."""
from __future__ import annotations

import io
import re
import shutil
import zipfile
from html import escape
from pathlib import Path

import pytest

from generator.commands.collect import Forms, Wording, collect, tables
from generator.formats.docx.read import blank_of, returned_values
from generator.formats.tables.write import CELL_LIMIT
from generator.pipeline import fillable_forms, localized_documents, render_bytes
from generator.sources.project import BUILTIN


@pytest.fixture(scope="module")
def documents(call):
    return localized_documents(call, BUILTIN.languages.edition_ids, [form.id for form in fillable_forms()])


@pytest.fixture(scope="module")
def letter(documents):
    """A form whose first text field stands in a sentence, with the document it is of."""
    for document in documents:
        fields = [f for f in document.fields() if f.kind == "text"]
        if document.lang == BUILTIN.languages.codes[0] and fields:
            return document, fields
    raise AssertionError("no form with a text field")


def edited(docx: bytes, edit) -> bytes:
    """The DOCX with its body's XML changed by `edit(xml) -> xml`."""
    source = zipfile.ZipFile(io.BytesIO(docx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename == "word/document.xml":
                data = edit(data.decode()).encode()
            package.writestr(entry, data)
    return out.getvalue()


def control_of(xml: str, field_id: str) -> re.Match:
    found = re.search(r'<w:sdt>(?:(?!</w:sdt>).)*?<w:tag w:val="%s"/>.*?</w:sdt>' % re.escape(field_id), xml, re.S)
    assert found, field_id
    return found


def replaced(xml: str, field_id: str, by: str) -> str:
    found = control_of(xml, field_id)
    return xml[:found.start()] + by + xml[found.end():]


def run(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'


def read(docx: bytes, documents) -> tuple[dict, list[str]]:
    return returned_values(Path("returned.docx"), docx, documents)


def no_tags(xml: str) -> str:
    """As LibreOffice 7.4 saves it: no control keeps its tag."""
    return re.sub(r'<w:tag w:val="[^"]*"/>', "", xml)


def as_word_saves(xml: str) -> str:
    """Word writes an end-properties element after each control's properties (formgen does not)."""
    return xml.replace("</w:sdtPr><w:sdtContent>", "</w:sdtPr><w:sdtEndPr/><w:sdtContent>")


@pytest.mark.parametrize("tagged", [True, False])
def test_a_control_typed_over_costs_only_its_own_answer(letter, documents, tagged):
    document, fields = letter
    first, second = fields[0], fields[-1]
    docx = render_bytes(document, "docx", {second.id: "Жооп"})
    typed = edited(docx, lambda xml: (lambda x: x if tagged else no_tags(x))(replaced(xml, first.id, run("Асанов Б."))))
    values, problems = read(typed, documents)
    assert values[first.id] == "Асанов Б." and values[second.id] == "Жооп"
    assert [p for p in problems if p.startswith(f"{first.id}: its control was typed over in the file: the answer is "
                                               "the text «Асанов Б.»")]


@pytest.mark.parametrize("tagged", [True, False])
def test_text_typed_beside_an_empty_control_is_its_answer(letter, documents, tagged):
    document, fields = letter
    field = fields[0]
    docx = edited(render_bytes(document, "docx"), lambda xml: (as_word_saves if tagged else no_tags)(
        xml[:control_of(xml, field.id).end()] + run("Кара-Суу") + xml[control_of(xml, field.id).end():]))
    values, problems = read(docx, documents)
    assert values[field.id] == "Кара-Суу"
    assert f"{field.id}: typed beside the field: the answer is the text «Кара-Суу»" in problems


def test_text_beside_a_filled_control_is_reported_and_the_controls_answer_kept(letter, documents):
    document, fields = letter
    field = fields[0]
    docx = edited(render_bytes(document, "docx", {field.id: "Ош"}), lambda xml: as_word_saves(
        xml[:control_of(xml, field.id).end()] + run(" и Нарын") + xml[control_of(xml, field.id).end():]))
    values, problems = read(docx, documents)
    assert values[field.id] == "Ош"
    assert f"{field.id}: «и Нарын» typed beside the field, which holds «Ош»; the field's answer is kept" in problems


def test_a_reworded_label_costs_no_answer(letter, documents):
    document, fields = letter
    values = {f.id: f"ответ {n}" for n, f in enumerate(fields)}
    docx = render_bytes(document, "docx", values)
    label = next(word for word in re.findall(r'<w:t xml:space="preserve">([^<]{12,})</w:t>',
                                             zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml").decode()))
    changed = edited(docx, lambda xml: no_tags(xml.replace(label, label.upper() + " (изменено)", 1)))
    read_values, problems = read(changed, documents)
    assert {k: read_values[k] for k in values} == values and problems == []


def test_without_tags_a_deleted_control_is_a_problem_and_the_rest_read(letter, documents):
    """LibreOffice 7.4 drops every tag; the clerk deleted one control: the others are read."""
    document, fields = letter
    values = {f.id: f"ответ {n}" for n, f in enumerate(fields)}
    gone = fields[len(fields) // 2]
    docx = edited(render_bytes(document, "docx", values), lambda xml: no_tags(replaced(xml, gone.id, "")))
    read_values, problems = read(docx, documents)
    assert {k: v for k, v in read_values.items() if k in values and k != gone.id} == \
        {k: v for k, v in values.items() if k != gone.id}
    assert read_values[gone.id] == "" and f"{gone.id}: the control is missing from the file; no answer" in problems


def test_each_edition_is_told_by_its_words(documents):
    """Without tags, the bilingual edition is not taken for one of its languages, nor they for it."""
    for document in documents:
        field = next(f for f in document.fields() if f.kind == "text")
        docx = edited(render_bytes(document, "docx", {field.id: "Ош"}), no_tags)
        values, _ = read(docx, documents)
        assert values[field.id] == "Ош", (document.form_id, document.lang)
        assert set(values) == {f.id for f in document.fields() if f.kind != "signature"}, document.lang


def test_a_form_sent_before_its_blanks_had_labels_reads_without_tags(documents):
    """Before a form gave a blank a label of its own, the blank's control was labelled by its hint:
    a copy sent out then, saved by LibreOffice 7.4 (no tags), is still read control by control."""
    relabelled = [(document, [f for f in document.fields() if f.label != f.hint and f.kind != "signature"])
                  for document in documents if document.lang == BUILTIN.languages.codes[0]]
    relabelled = [(document, fields) for document, fields in relabelled if fields]
    assert relabelled, "no form has a blank with a label of its own"
    for document, fields in relabelled:
        values = {f.id: f"ответ {n}" for n, f in enumerate(fields) if f.kind in ("text", "multiline")}

        def as_sent_before(xml: str) -> str:
            for field in fields:
                found = control_of(xml, field.id)
                control = found.group().replace(f'<w:alias w:val="{escape(field.label[:255], quote=True)}"/>',
                                                f'<w:alias w:val="{escape(field.hint[:255], quote=True)}"/>', 1)
                assert control != found.group(), field.id
                xml = xml[:found.start()] + control + xml[found.end():]
            return no_tags(xml)

        read_values, problems = read(edited(render_bytes(document, "docx", values), as_sent_before), documents)
        assert {k: read_values[k] for k in values} == values, document.form_id
        assert not [p for p in problems if "missing from the file" in p], (document.form_id, problems)


def as_libreoffice_saves(xml: str) -> str:
    """No tags, and no flag that marks a placeholder: LibreOffice 7.4 keeps its text as the control's."""
    return no_tags(xml).replace("<w:showingPlcHdr/>", "")


def test_a_placeholder_as_the_catalogs_once_worded_it_is_no_answer(documents):
    """A copy sent before a placeholder was reworded (the number hint «[Санды жазыңыз]», now «[Сан
    жазыңыз]») and saved by LibreOffice holds the earlier wording: no answer, and a line says so. A
    bracketed answer unlike its placeholder is an answer."""
    for document in documents:
        slots = [t.control for t in blank_of(document).tokens if t.control is not None and t.control.kind == "text"
                 and t.control.placeholder.startswith("[") and len(t.control.placeholder.split()) > 1]
        if len(slots) >= 2:
            break
    else:
        raise AssertionError("no form has two text blanks with a placeholder of two words")
    earlier, answered = slots[0], slots[-1]
    first, *rest = earlier.placeholder.split(" ")
    once = " ".join([first + first[-2:], *rest])  # a case ending more, as Kyrgyz wording changes do

    def saved(xml: str) -> str:
        for slot, text in ((earlier, once), (answered, "[Ош]")):
            found = control_of(xml, slot.field.id)
            control = found.group().replace(f">{escape(slot.placeholder)}<", f">{escape(text)}<", 1)
            assert control != found.group(), slot.field.id
            xml = xml[:found.start()] + control + xml[found.end():]
        return as_libreoffice_saves(xml)

    values, problems = read(edited(render_bytes(document, "docx"), saved), documents)
    assert values[earlier.field.id] == "" and values[answered.field.id] == "[Ош]"
    assert problems == [f"{earlier.field.id}: «{once}» is its placeholder as the form once worded it: read as no "
                        "answer"]


def test_the_lines_about_a_returned_file_are_in_the_workbooks_language(letter, call, tmp_path, monkeypatch):
    """A control typed over, deleted or typed beside, and a .doc where LibreOffice is not installed:
    each line in the workbook's language, naming the field by its question, with its fix."""
    document, fields = letter
    assert len(fields) >= 3, "the letter has three text fields"
    over, gone, beside = fields[0], fields[len(fields) // 2], fields[-1]

    def clerk(xml: str) -> str:
        xml = replaced(replaced(xml, over.id, run("Асанов Б.")), gone.id, "")
        end = control_of(xml, beside.id).end()
        return no_tags(xml[:end] + run("Кара-Суу") + xml[end:])

    folder = tmp_path / "returned" / "a"
    folder.mkdir(parents=True)
    (folder / "letter.docx").write_bytes(edited(render_bytes(document, "docx"), clerk))
    (folder / "annex.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)  # a Word 97–2003 file
    monkeypatch.setattr(shutil, "which", lambda name: None)  # no LibreOffice here
    applications, problems = collect([tmp_path / "returned"], call)
    forms = Forms(call)
    lines = {getattr(line, "message", ""): line for _, line in problems}
    wanted = {"problem.typed_over": (over.id, "Асанов Б."), "problem.control_missing": (gone.id, ""),
              "problem.typed_beside": (beside.id, "Кара-Суу")}
    assert set(wanted) | {"problem.file"} <= set(lines), problems
    said = {}
    for lang in BUILTIN.languages.codes:
        wording = Wording(forms, lang)
        shown = [row[-1] for row in tables(applications, problems, forms, lang, CELL_LIMIT)["problems"].rows]
        said[lang] = dict(zip((getattr(line, "message", "") for _, line in problems), shown))
        for message, (field_id, typed) in wanted.items():
            line = said[lang][message]
            assert line != lines[message] and line.startswith(f"{wording.names[field_id]}: ") and typed in line, line
        doc = said[lang]["problem.file"]
        assert "LibreOffice" in doc and ".docx" in doc and doc != lines["problem.file"], doc
        assert "installed" not in doc and "save it" not in doc, doc  # the fix said too
    first, *others = BUILTIN.languages.codes
    assert all(said[lang] != said[first] for lang in others)
