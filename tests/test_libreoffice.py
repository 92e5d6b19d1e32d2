"""LibreOffice Writer 7.4 (Debian's) as a clerk uses it: tests/libreoffice_clerk.py, run by Debian's
Python through UNO, fills every fillable form in each language the way people do — typing into a
field's own edit, selecting a field and typing over it, typing beside it, deleting it, leaving one
empty — and saves it as DOCX, ODT and PDF (and HTML, which Chromium prints to PDF). `collect` reads
each with every answer accounted for: in the data, or in a problem line naming its field.

One soffice does all the filling (its start is most of the cost); the forms and fields come from
the definitions."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import require
from generator.commands.collect import Forms, read_file
from generator.formats.docx import match
from generator.formats.docx.printed import REVIEW_BELOW
from generator.formats.docx.read import blank_of
from generator.model.kinds import kind_of
from generator.pipeline import fillable_forms, localized_documents, render_bytes
from generator.sources.project import BUILTIN

CLERK = Path(__file__).parent / "libreoffice_clerk.py"
ACTIONS = ("field", "over", "beside", "delete", "empty", "field")
CONTENT_CONTROLS = ("date", "dropdown")  # Writer 7.4 keeps these as content controls: chosen or typed over


def sample(field, number: int) -> tuple[str, str]:
    """(what the clerk types or picks, the value collect gives) for a field of this kind."""
    kind = field.kind
    if field.choices:
        return field.choice_labels[-1], field.choices[-1]
    samples = {"number": str(10 + number), "amount": "1250000", "date": "20.02.2025", "email": f"a{number}@example.kg",
               "phone": "+996 555 123 456", "multiline": f"биринчи сап {number}\nэкинчи сап"}
    value = samples.get(kind, f"Кара-Суу {number}")
    return value, value


def crowded(document) -> set[str]:
    """The fields whose control stands next to another's with no word between (the letter's «от [ФИО]
    [айыл аймагы] [район] района»): in printed text their answers run together."""
    tokens = blank_of(document).tokens
    return {t.control.field.id for k, t in enumerate(tokens) if t.control is not None
            and any(0 <= n < len(tokens) and tokens[n].control is not None and tokens[n].unit == t.unit
                    for n in (k - 1, k + 1))}


def plan(document) -> list[tuple[object, str, str, str]]:
    """(field, action, typed, expected) for each control of the document, in order. A crowded
    control is typed into only: text typed over one of two such controls could be either's."""
    side_by_side = crowded(document)
    steps, turn = [], 0
    for number, field in enumerate(f for f in document.fields() if kind_of(f.kind).docx):
        typed, expected = sample(field, number)
        if field.id in side_by_side:
            action = "field"
        else:
            action = ACTIONS[turn % len(ACTIONS)]
            turn += 1
            if kind_of(field.kind).docx in CONTENT_CONTROLS and action in ("beside", "delete"):
                action = "over"
        steps.append((field, action, typed, expected if action in ("field", "over", "beside") else ""))
    return steps


def run_clerk(jobs: list[dict]) -> list[list]:
    require(shutil.which("soffice"), "LibreOffice Writer", "apt-get install libreoffice-writer")
    found = subprocess.run(["/usr/bin/python3", "-c", "import uno"], capture_output=True)
    require(found.returncode == 0, "Debian's python3-uno", "apt-get install python3-uno")
    done = subprocess.run(["/usr/bin/python3", str(CLERK)], input=json.dumps(jobs), capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return [json.loads(line) for line in done.stdout.splitlines()]


@pytest.fixture(scope="module")
def forms(call):
    return Forms(call)


@pytest.fixture(scope="module")
def filled(tmp_path_factory, call):
    """{(form, lang): (its plan, {format: the file Writer saved})}, and the prefilled DOCX saved unchanged."""
    folder = tmp_path_factory.mktemp("writer")
    documents = localized_documents(call, BUILTIN.languages.codes, [form.id for form in fillable_forms()])
    jobs, plans = [], {}
    for document in documents:
        key = (document.form_id, document.lang)
        source = folder / f"{document.form_id}.{document.lang}.docx"
        source.write_bytes(render_bytes(document, "docx"))
        steps = plan(document)
        saved = {kind: str(folder / kind / document.lang / f"{document.form_id}.{kind}")
                 for kind in ("docx", "odt", "pdf", "html")}
        for path in saved.values():
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        jobs.append({"source": str(source), "save": saved,
                     "actions": [[n, action, typed] for n, (_, action, typed, _) in enumerate(steps)
                                 if action != "empty"]})
        plans[key] = (steps, {kind: Path(path) for kind, path in saved.items()})
    multiline = next((d, f) for d in documents for f in d.fields() if f.kind == "multiline")
    prefilled = folder / "prefilled.docx"
    prefilled.write_bytes(render_bytes(multiline[0], "docx", {multiline[1].id: "первая строка\nвторая строка"}))
    jobs.append({"source": str(prefilled), "save": {"docx": str(folder / "unchanged" / "prefilled.docx")}})
    (folder / "unchanged").mkdir()
    seen = run_clerk(jobs)
    for (steps, _), controls in zip(plans.values(), seen):
        assert len(controls) == len(steps)  # Writer shows every control the form has, in order
    return plans, (multiline, folder / "unchanged" / "prefilled.docx")


def read_back(path: Path, forms: Forms) -> tuple[dict, dict, list[str]]:
    """(values, readings, problems) of one returned file, as collect reads it."""
    found, problems = read_file(path, forms)
    assert len(found) == 1
    returned = found[0][1]
    return returned.values, returned.readings, [problem for _, problem in problems]


@pytest.mark.parametrize("saved_as", ["docx", "odt"])
def test_every_answer_typed_in_writer_is_read_or_named_in_a_problem(filled, forms, saved_as):
    plans, _ = filled
    for (form, lang), (steps, files) in plans.items():
        values, _, problems = read_back(files[saved_as], forms)
        for field, action, _, expected in steps:
            got = values.get(field.id, "")
            assert got == forms.canonical(field.id, expected), (form, lang, field.id, action, got, problems)
            said = [p for p in problems if p.startswith(f"{field.id}: ")]
            wanted = {"field": None, "empty": None, "over": "typed (over|beside)", "beside": "typed beside",
                      "delete": "control is missing"}[action]
            if wanted is None:
                assert not said, (form, lang, field.id, said)
            else:
                assert any(re.search(wanted, p) for p in said), (form, lang, field.id, action, said)


def printed_answers_wrong(read: tuple, steps: list, together: set[str], squeeze) -> list:
    """What is wrong with a printed form's reading: every answer read with a confidence a person
    need not check, but those of crowded controls (their text runs together): each of those named
    in a problem and listed for review, as a scan's."""
    values, readings, problems = read
    wrong = []
    for field, action, _, expected in steps:
        got = values.get(field.id, "")
        if field.id in together and expected:
            if not (any(field.id in p and "run together" in p for p in problems) and readings[field.id].review
                    and got == ""):
                wrong.append((field.id, "run together, not said", got))
        elif squeeze(got) != squeeze(expected):
            wrong.append((field.id, action, got, expected))
        elif got and (readings[field.id].confidence < REVIEW_BELOW or readings[field.id].review):
            wrong.append((field.id, "unsure", readings[field.id]))
    wrong += [p for p in problems if not ("run together" in p and p.split(", ")[0] in together)]
    return wrong


@pytest.fixture(scope="module")
def documents(call):
    return {(d.form_id, d.lang): d for d in localized_documents(call, BUILTIN.languages.codes)}


def test_writers_pdf_export_reads_back_by_labels_and_layout_with_confidence(filled, forms, documents):
    plans, _ = filled
    for (form, lang), (steps, files) in plans.items():
        expected = [(f, a, t, forms.canonical(f.id, e)) for f, a, t, e in steps]
        wrong = printed_answers_wrong(read_back(files["pdf"], forms), expected, crowded(documents[(form, lang)]),
                                      str.split)
        assert not wrong, (form, lang, wrong)


def test_a_pdf_chromium_printed_from_writers_html_of_the_form_reads_back(filled, forms, documents, tmp_path):
    """Writer's HTML of a form, printed by Chromium at its own margins and scale (Writer's HTML joins
    an input field's lines: compared without spaces)."""
    require(shutil.which("chromium"), "Chromium", "apt-get install chromium")
    plans, _ = filled
    for (form, lang), (steps, files) in plans.items():
        printed = tmp_path / lang / f"{form}.pdf"
        printed.parent.mkdir(exist_ok=True)
        subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                        f"--user-data-dir={tmp_path / 'chromium'}", f"--print-to-pdf={printed}",
                        files["html"].as_uri()], check=True, capture_output=True, timeout=120)
        expected = [(f, a, t, forms.canonical(f.id, e)) for f, a, t, e in steps]
        wrong = printed_answers_wrong(read_back(printed, forms), expected, crowded(documents[(form, lang)]),
                                      lambda text: "".join(text.split()))
        assert not wrong, (form, lang, wrong)


def test_a_prefilled_multiline_answer_keeps_its_line_break_through_a_writer_save(filled, forms):
    _, ((document, field), saved) = filled
    values, _, _ = read_back(saved, forms)
    assert values[field.id] == "первая строка\nвторая строка"


def test_the_lines_of_an_answer_writer_glued_are_at_least_told_apart():
    """Writer writes each line of an input field as a text element of its own, its break dropped:
    read as lines."""
    from lxml import etree
    from generator.formats.docx import ooxml

    sdt = etree.fromstring(f'<w:sdt xmlns:w="{ooxml.NAMESPACES["w"]}"><w:sdtPr><w:text w:multiLine="1"/></w:sdtPr>'
                           "<w:sdtContent><w:r><w:t>тел. 555</w:t><w:t>эл. почта</w:t></w:r></w:sdtContent></w:sdt>")
    assert ooxml.control_text(sdt) == "тел. 555\nэл. почта"
    assert match.KIND_CLASSES["multiline"] == "text"


def test_a_printed_forms_confidence_is_in_the_workbook_and_its_unsure_fields_on_the_review_page(filled, forms, call):
    """As a scan's: the general sheet's confidence column holds the lowest of the application's
    readings, and the fields to check (answers run together) are on the --review page."""
    from generator.commands.collect import collect, tables
    from generator.formats.web.review import review_items

    plans, _ = filled
    lang = BUILTIN.languages.codes[0]
    pdfs = [files["pdf"] for (_, language), (_, files) in plans.items() if language == lang]
    applications, _ = collect(pdfs, forms=forms)
    assert len(applications) == 1
    labels, ids, rows, _ = tables(applications, [], forms, lang)["general"]
    readings = [r for returned in applications[0].files for r in returned.readings.values() if r.value or r.review]
    assert rows[0][ids.index("confidence")] == f"{min(r.confidence for r in readings):.0f}"
    listed = {reading.field_id for _, fields in review_items(applications, {}) for _, reading in fields}
    assert listed == {r.field_id for r in readings if r.review} and listed  # the letter's crowded fields
    assert set(rows[0][ids.index("review")].split(", ")) == listed

    import io
    from PIL import Image
    from generator.formats.docx.printed import REVIEW_DPI, REVIEW_MARGIN
    from generator.formats.web.review import review_page

    pictured = [r for r in readings if r.review and r.area]
    assert pictured  # the text run together is printed somewhere: each field to check shows it
    for reading in pictured:
        _, left, bottom, right, top = reading.area
        picture = Image.open(io.BytesIO(reading.image))
        side, above = REVIEW_MARGIN
        expected = ((right - left + 2 * side) * REVIEW_DPI / 72, (top - bottom + 2 * above) * REVIEW_DPI / 72)
        assert abs(picture.width - expected[0]) <= 2 and abs(picture.height - expected[1]) <= 2, reading.field_id
        assert picture.convert("L").getextrema()[0] < 100  # the printed words are in it
    page = review_page(applications, {}, forms.localizers[lang].text)
    assert page.count("<img") == len(pictured)


def test_a_printed_forms_lines_are_in_the_workbooks_language(filled, forms):
    """The answers that run together in a printed form: a line in the workbook's language naming
    each of their fields by its question."""
    from generator.commands.collect import Wording, collect, tables
    from generator.formats.tables.write import CELL_LIMIT

    plans, _ = filled
    for lang in BUILTIN.languages.codes:
        pdfs = [files["pdf"] for (_, language), (_, files) in plans.items() if language == lang]
        applications, problems = collect(pdfs, forms=forms)
        shown = [row[-1] for row in tables(applications, problems, forms, lang, CELL_LIMIT)["problems"].rows]
        together = [(line, said) for (_, line), said in zip(problems, shown)
                    if getattr(line, "message", "") == "problem.run_together"]
        assert together, (lang, problems)
        names = Wording(forms, lang).names
        for line, said in together:
            ids = [line.values["field"], *line.values["other_fields"].split(", ")]
            assert said != line and all(names[field_id] in said for field_id in ids), said
