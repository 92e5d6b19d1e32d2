"""`formgen import`: Word documents as staff have them become a form that checks, builds, fills and
collects, and reproduces the documents' text; the blanks found are compared with the hand-written
definitions of the same documents (forms/annex2.yaml, forms/interest_letter.yaml)."""
from __future__ import annotations

import difflib
import json
import re
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from cli_runner import CliRunner

from conftest import require
from generator.cli import app
from generator.commands.importer import blank_order, pieces_of
from generator.formats.docx.read import read_docx_values
from generator.formats.docx.source import read_source
from generator.language.guesses import field_id, guessed_kind
from generator.model.forms import Field, GridDef, NumberedFieldsDef, Paragraph, Table
from generator.pipeline import localizers
from generator.sources.call import load_call
from generator.sources.definitions import load_forms
from generator.sources.catalogs import po_path, read_catalog
from generator.sources.project import project_at
from import_documents import all_documents, registration_document
from seed_text import missing_from, words
from test_call import pdf_text
from test_fill_collect import type_into_pdf, write_csv

PAIRS = {"annex2": ("annex2", True), "interest_letter": ("letter", True), "registration": ("registration", False)}
LANGS = ("ru", "ky")
# Kinds the import guesses other than the hand-written form, each for a reason the report gives:
# the sums of the budget are amounts (the hand-written form predates the kind), the rating's
# comment box and the outgoing number are plain boxes where it wrote text.
KIND_DIFFERENCES = {("own_revenue", "amount"), ("equalization_grant", "amount")}


def invoke(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """A project with the three documents imported: {name: (form id, report text)}, and the folder."""
    root = tmp_path_factory.mktemp("import")
    project = root / "project"
    assert invoke("init", project).exit_code == 0
    paths = all_documents(root, LANGS)
    reports = {}
    for name, (form_id, loose) in PAIRS.items():
        report = root / f"{form_id}.md"
        result = invoke("import", paths[name, "ru"], paths[name, "ky"], "--id", f"{form_id}_imported",
                        "--project", project, "--report", report, *(["--loose"] if loose else []))
        assert result.exit_code == 0, result.output
        reports[name] = (f"{form_id}_imported", report.read_text(encoding="utf-8"))
    return project, paths, reports


def imported_forms(project: Path):
    return load_forms(project / "forms")


# ---- the blanks of the hand-written forms -------------------------------------------------------

def tokens(document, skipped: set[str]) -> tuple[list[str], list[tuple[int, Field]]]:
    """The document's own words in reading order, and each field with the number of words before it."""
    found_words, fields = [], []

    def paragraph(block: Paragraph) -> None:
        for run in block.runs:
            if isinstance(run, Field):
                if run.id not in skipped:
                    fields.append((len(found_words), run))
            else:
                found_words.extend(words(run))

    for block in document.blocks:
        if isinstance(block, Table):
            for row in block.rows:
                for cell in row:
                    for part in cell:
                        paragraph(part)
        else:
            paragraph(block)
    return found_words, fields


def later_grid_rows(form) -> set[str]:
    """Cells of a list table past its first row, and its totals: a list table is one blank per column."""
    return {f.id for block in form.blocks if isinstance(block, GridDef) for f in block.field_defs()
            if not f.id.startswith(tuple(f"{block.id}_1_{c.id}" for c in block.columns))}


def matched_fields(project: Path, hand, imported, call) -> tuple[list[tuple[Field, Field]], list[Field], list[Field]]:
    """Fields of the hand-written form matched to the imported form's by where they stand in the
    text (the words of both aligned), within a few words: (pairs, hand-written ones not found,
    imported ones with no hand-written field)."""
    russian = localizers(call, ["ru"], project_at(project))["ru"]  # the project holds both forms' messages
    hand_words, hand_fields = tokens(russian.document(hand), later_grid_rows(hand))
    own_words, own_fields = tokens(russian.document(imported), later_grid_rows(imported))
    where = {}
    for a, b, size in difflib.SequenceMatcher(None, hand_words, own_words, autojunk=False).get_matching_blocks():
        for k in range(size + 1):
            where[a + k] = b + k
    pairs, free = [], list(own_fields)
    for position, field in hand_fields:
        known = max((p for p in where if p <= position), default=0)
        expected = where[known] + (position - known)
        close = [(abs(p - expected), i) for i, (p, _) in enumerate(free) if abs(p - expected) <= 12]
        if close:
            pairs.append((field, free.pop(min(close)[1])[1]))
    found = {id(h) for h, _ in pairs}
    return pairs, [f for _, f in hand_fields if id(f) not in found], [f for _, f in free]


@pytest.mark.parametrize("name", ["annex2", "interest_letter"])
def test_the_blanks_of_the_hand_written_form_are_found(made, name, call):
    project, _, reports = made
    builtin = load_forms()
    imported = imported_forms(project)[reports[name][0]]
    pairs, missed, extra = matched_fields(project, builtin[name], imported, call)
    total = len(pairs) + len(missed)
    assert len(pairs) / total >= 0.95, f"{len(pairs)} of {total} found; missed: {[f.id for f in missed]}"
    assert extra == [], f"fields where the hand-written form has no blank: {[f.id for f in extra]}"
    differing = {(h.id, i.kind) for h, i in pairs if h.kind != i.kind}
    assert differing <= KIND_DIFFERENCES, f"kinds guessed otherwise: {differing - KIND_DIFFERENCES}"


def reported_fields(report: str) -> dict[str, str]:
    """The report's table of fields: {field as written: kind}."""
    rows = [line.split(" | ") for line in report.splitlines() if line.startswith("| `")]
    return {row[0].strip("| `"): row[1] for row in rows}


def expected_entries(form) -> dict[str, str]:
    found = {}
    for block in form.blocks:
        if isinstance(block, GridDef):
            found.update({f"{block.id}_<row>_{c.id}": c.kind for c in block.columns})
        elif isinstance(block, NumberedFieldsDef):
            found[f"{block.field_id(1)} … {block.field_id(block.count)}"] = block.kind
        else:
            found.update({f.id: f.kind for f in block.field_defs()})
    return found


def test_the_report_lists_every_field_with_its_kind(made):
    project, _, reports = made
    forms = imported_forms(project)
    for name, (form_id, report) in reports.items():
        assert reported_fields(report) == expected_entries(forms[form_id]), name


# ---- the text of the documents ------------------------------------------------------------------------

def document_words(path: Path, hints: list[str] = ()) -> list[str]:
    """The words of a Word document in reading order, as python-docx reads its paragraphs and tables,
    less the hints the form shows as its blanks' placeholders (as the seed-recall test leaves them out)."""
    document = docx.Document(path)
    texts = []
    for block in document.element.body.iterchildren():
        if block.tag.endswith("}p"):
            texts.append(docx.text.paragraph.Paragraph(block, document).text)
        elif block.tag.endswith("}tbl"):
            table = docx.table.Table(block, document)
            texts += [cell.text for row in table.rows for cell in row.cells]
    text = "\n".join(texts)
    for hint in hints:
        text = text.replace(f"({hint})", " ")
    return words(text)


def hint_texts(project: Path, form_id: str, lang: str) -> list[str]:
    catalog = read_catalog(po_path(lang, project / "locales"))
    form = imported_forms(project)[form_id]
    return [catalog.get(f.hint).string for f in form.field_defs() if f.hint]


def recall(expected: list[str], actual: list[str]) -> float:
    return 1 - len(missing_from(expected, actual)) / len(expected)


@pytest.mark.parametrize("name", PAIRS)
def test_the_built_pdf_reproduces_each_document(made, name, tmp_path):
    """Word recall of the built PDF against the document of its language, in order, as the seed-recall
    test measures the built-in forms: at least 0.97."""
    project, paths, reports = made
    form_id = reports[name][0]
    result = invoke("build", "--project", project, "--out", tmp_path, "--form", form_id, "--format", "pdf",
                    "--no-site")
    assert result.exit_code == 0, result.output
    for lang in LANGS:
        text = pdf_text((tmp_path / "2025" / lang / f"{form_id}.pdf").read_bytes())
        hints = hint_texts(project, form_id, lang)
        measured = recall(document_words(paths[name, lang], hints), words(text))
        assert measured >= 0.97, f"{name} {lang}: recall {measured:.3f}"
        assert all(" ".join(hint.split()) in " ".join(text.split()) for hint in hints)  # under their lines


# ---- a working form at once --------------------------------------------------------------------------

def test_the_imported_forms_pass_check_and_build_in_every_edition_and_format(made, tmp_path):
    project, _, reports = made
    result = invoke("check", "--project", project)
    assert result.exit_code == 0, result.output
    result = invoke("build", "--project", project, "--out", tmp_path)
    assert result.exit_code == 0, result.output
    files = json.loads((tmp_path / "2025" / "manifest.json").read_text(encoding="utf-8"))["files"]
    for form_id, _ in reports.values():
        built = {(f["lang"], f["format"]) for f in files if f["form"] == form_id}
        assert built == {(lang, fmt) for lang in ("ru", "ky", "ru+ky") for fmt in ("docx", "pdf")}


def test_the_imported_registration_fills_and_collects(made, tmp_path):
    """Prefilled by `fill`, typed into as a person does in PDFium, read back by `collect`."""
    project, _, reports = made
    form_id = reports["registration"][0]
    form = imported_forms(project)[form_id]
    by_kind = {}
    for f in form.field_defs():
        by_kind.setdefault(f.kind, f.id)
    grid = next(b for b in form.blocks if isinstance(b, GridDef))
    amount = next(c for c in grid.columns if c.kind == "amount")
    row = {by_kind["text"]: "Ак-Суу", by_kind["date"]: "12.02.2025", by_kind["number"]: "140",
           by_kind["yesno"]: "ооба", by_kind["email"]: "akсуу@example.kg".replace("с", "s"),
           grid.field_id(1, amount): "15000", grid.field_id(2, amount): "2500,50"}
    data = write_csv(tmp_path / "rows.csv", [row])
    out = tmp_path / "prefilled"
    result = invoke("fill", "--project", project, "--data", data, "--out", out, "--form", form_id, "--lang", "ky",
                    "--jobs", "1")
    assert result.exit_code == 0, result.output
    folder = next(out.iterdir())  # named by the project's folder_name columns, which this form has none of
    pdf = folder / "ky" / f"{form_id}.pdf"
    typed = {by_kind["multiline"]: "Угуу 12-февралда өттү.\nКатышуучулар: 140 адам.", by_kind["phone"]: "+996 555 123 456"}
    type_into_pdf(pdf, typed, None)
    assert read_docx_values(folder / "ky" / f"{form_id}.docx")[by_kind["text"]] == "Ак-Суу"
    table = tmp_path / "applications.json"
    result = invoke("collect", out, "--project", project, "--out", table)
    assert result.exit_code == 0, result.output
    sheets = json.loads(table.read_text(encoding="utf-8"))
    general = sheets["general"][0]
    assert general[by_kind["yesno"]] == "yes" and general[by_kind["date"]] == "12.02.2025"
    assert general[by_kind["multiline"]].replace("\r\n", "\n") == typed[by_kind["multiline"]]
    assert general[by_kind["phone"]] == "+996 555 123 456"
    assert general[grid.total_field(amount).id] == "17500.5"  # fill wrote the sum of the rows
    assert [r[amount.id] for r in sheets[grid.id]] == ["15000", "2500.5"]


# ---- the two documents disagree ---------------------------------------------------------------------

def test_documents_that_disagree_stop_the_import_naming_both_places(made, tmp_path):
    project, paths, _ = made
    result = invoke("import", paths["annex2", "ru"], paths["annex2", "ky"], "--id", "strict", "--project", project)
    assert result.exit_code == 1
    line = result.stderr.strip()
    assert "Traceback" not in result.output and len(line.splitlines()) == 1
    assert str(paths["annex2", "ru"]) in line and str(paths["annex2", "ky"]) in line and "--loose" in line
    assert "«Сураныч, бааңызды түшүндүрүп бериңиз.»" in line  # the paragraph the Russian one has no twin for
    assert not (project / "forms" / "strict.yaml").exists()


def test_loose_keeps_the_first_documents_structure_and_lists_what_differs(made):
    project, _, reports = made
    report = reports["annex2"][1]
    differences = report.split("## Where the documents differ")[1].split("##")[0]
    assert differences.count("«Сураныч, бааңызды түшүндүрүп бериңиз.»") == 2  # both questions' second paragraphs
    catalog = read_catalog(po_path("ky", project / "locales"))
    joined = [m.string for m in catalog if m.id.startswith(reports["annex2"][0]) and "Сураныч" in m.string]
    assert any(text.startswith("АӨ/мэрия менен") and text.endswith("Сураныч, бааңызды түшүндүрүп бериңиз.")
               for text in joined)


def test_blanks_in_another_order_keep_their_fields(made):
    """The Kyrgyz sender line names district and region before the municipality (on a line of its
    own): each blank keeps its field, found by the words beside it (района ~ району)."""
    project, _, reports = made
    form_id = reports["interest_letter"][0]
    texts = {lang: {m.id: m.string for m in read_catalog(po_path(lang, project / "locales"))} for lang in LANGS}
    sender = next(m for m, text in texts["ru"].items() if m.startswith(form_id) and text.startswith("от {"))
    ru, ky = texts["ru"][sender], texts["ky"][sender]

    def before(text: str, word: str) -> str:
        return re.search(r"\{(\w+)\}\s*" + word, text).group(1)

    assert before(ru, "района") == before(ky, "району")
    assert before(ru, "области") == before(ky, "облусунун")
    assert re.findall(r"\{(\w+)\}", ky)[-1] == re.findall(r"\{(\w+)\}", ru)[1]  # the municipality, under it


# ---- one document, existing forms ---------------------------------------------------------------------

def test_one_document_leaves_the_other_language_to_translate(made, tmp_path):
    project, paths, _ = made
    copy = tmp_path / "project"
    shutil.copytree(project, copy)
    result = invoke("import", paths["registration", "ru"], "--id", "alone", "--project", copy)
    assert result.exit_code == 0, result.output
    kyrgyz = {m.id: m.string for m in read_catalog(po_path("ky", copy / "locales")) if m.id.startswith("alone.")}
    assert kyrgyz and set(kyrgyz.values()) == {""}
    checked = invoke("check", "--project", copy)
    assert checked.exit_code == 1
    assert {line.split(": msgid ")[1].split('"')[1] for line in checked.stderr.splitlines() if "FG204" in line} \
        == set(kyrgyz)


def test_an_existing_form_or_message_is_replaced_only_with_force(made, tmp_path):
    project, paths, reports = made
    copy = tmp_path / "project"
    shutil.copytree(project, copy)
    form_id = reports["registration"][0]
    renamed = registration_document("ru", tmp_path / "renamed.docx", title="РЕГИСТРАЦИОННАЯ КАРТА")
    before = (copy / "forms" / f"{form_id}.yaml").read_bytes()
    again = invoke("import", renamed, paths["registration", "ky"], "--id", form_id, "--project", copy)
    assert again.exit_code == 1 and "--force" in again.stderr
    assert (copy / "forms" / f"{form_id}.yaml").read_bytes() == before
    forced = invoke("import", renamed, paths["registration", "ky"], "--id", form_id, "--project", copy, "--force")
    assert forced.exit_code == 0, forced.output
    russian = {m.id: m.string for m in read_catalog(po_path("ru", copy / "locales"))}
    assert russian[f"{form_id}.title"] == "РЕГИСТРАЦИОННАЯ КАРТА"
    assert invoke("check", "--project", copy).exit_code == 0
    deleted = copy / "forms" / f"{form_id}.yaml"
    deleted.unlink()  # the form is gone, its messages stay: they are not overwritten without --force
    third = invoke("import", paths["registration", "ru"], paths["registration", "ky"], "--id", form_id,
                   "--project", copy)
    assert third.exit_code == 1 and "exists with another text" in third.stderr and not deleted.exists()


def test_a_call_value_only_one_language_writes_stays_as_written():
    """A placeholder in one language's text and not the other's would fail `check` (FG208)."""
    from generator.commands.importer import Draft
    from generator.language.guesses import call_literals
    from generator.language.localize import Localizer
    from generator.sources.catalogs import load_translations
    from generator import DEFAULT_CALL

    call = load_call(DEFAULT_CALL)
    literals = {lang: call_literals(Localizer(lang, load_translations(lang), call)) for lang in LANGS}
    draft = Draft("x", list(LANGS), literals, set())
    both = draft.message("a", ["до 18:00 28 февраля 2025 года", "2025-жылдын 28-февралы саат 18:00гө чейин"])
    one = draft.message("b", ["до 18:00", "саат алтыга чейин"])
    assert draft.messages[both] == {"ru": "до {deadline_time} {deadline_date}",
                                    "ky": "{deadline_date} саат {deadline_time:dat} чейин"}
    assert draft.messages[one] == {"ru": "до 18:00", "ky": "саат алтыга чейин"}
    assert any("`{deadline_time}` is written in `x.b` but not in every language's text" in line
               for line in draft.replaced)


def test_the_builtin_forms_are_not_imported_into(made):
    _, paths, _ = made
    result = invoke("import", paths["registration", "ru"], "--id", "x", "--project", Path("/nonexistent"))
    assert result.exit_code == 2


def test_a_document_saved_by_libreoffice_imports_the_same(made, tmp_path):
    """Opened and saved again as DOCX by LibreOffice Writer (its own styles, numbering and table XML),
    each document gives the same definition and the same messages."""
    require(shutil.which("soffice"), "LibreOffice", "apt-get install libreoffice-writer")
    project, paths, reports = made
    saved = tmp_path / "saved"
    sources = [paths[name, lang] for name in PAIRS for lang in LANGS]
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
                    "--convert-to", "docx", "--outdir", str(saved), *map(str, sources)],
                   check=True, capture_output=True, timeout=120)
    copy = tmp_path / "project"
    assert invoke("init", copy).exit_code == 0
    for name in PAIRS:  # in the order of the first project: a field id taken by one form is not another's
        form_id, loose = reports[name][0], PAIRS[name][1]
        result = invoke("import", saved / paths[name, "ru"].name, saved / paths[name, "ky"].name, "--id", form_id,
                        "--project", copy, "--report", tmp_path / f"{name}.md", *(["--loose"] if loose else []))
        assert result.exit_code == 0, result.output
        assert (copy / "forms" / f"{form_id}.yaml").read_text(encoding="utf-8") \
            == (project / "forms" / f"{form_id}.yaml").read_text(encoding="utf-8")
    for lang in LANGS:
        ours = {m.id: m.string for m in read_catalog(po_path(lang, copy / "locales"))}
        theirs = {m.id: m.string for m in read_catalog(po_path(lang, project / "locales"))}
        for name in PAIRS:
            prefix = reports[name][0] + "."
            assert {k: v for k, v in ours.items() if k.startswith(prefix)} \
                == {k: v for k, v in theirs.items() if k.startswith(prefix)}


# ---- the parts -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("words, kind", [
    ("Территория, га", "number"), ("Количество сел:", "number"), ("Айылдардын саны:", "number"),
    ("Сумма, сом", "amount"), ("Суммасы, сом", "amount"), ("Дата проведения", "date"), ("Электрондук почтасы", "email"),
    ("Телефон", "phone"), ("Участие (да/нет)", "yesno"), ("(5 баллдык шкала боюнча)", "rating"),
    ("Баа (1ден 5ке чейин)", "rating"), ("подпись", "signature"), ("Почтовый адрес", "multiline"),
    ("Номер телефона/факса", "text"), ("Электронная почта; сайт", "text"),
    ("телефоны сотовый и стационарный, почтовый и электронный адрес", "multiline"), ("Наименование АА", None),
])
def test_a_kind_is_guessed_from_the_words_and_says_which(words, kind):
    guessed = guessed_kind(words)
    assert (guessed[0] if guessed else None) == kind
    assert guessed is None or "«" in guessed[1]


def test_field_ids_are_short_readable_ascii():
    assert field_id("Территория, га", "x") == "territoriya_ga"
    assert field_id("2. Перечень мероприятий или проектов", "x") == "perechen_meropriyatiy_proektov"
    assert field_id("Айыл аймагынын/шаардын аталышы", "x") == "ayyl_aymagynyn_shaardyn"
    assert field_id("№", "table") == "table"


def test_a_blank_its_hint_and_a_date_in_a_sentence():
    pieces = pieces_of("Руководство _____айылного аймака (города) (указать наименование), рассмотрев «__» ____ 20__ г.")
    blanks = [p for p in pieces if not isinstance(p, str)]
    assert [b.hint for b in blanks] == ["указать наименование", ""] and blanks[1].kind == "date"
    assert "".join(p for p in pieces if isinstance(p, str)) == "Руководство айылного аймака (города), рассмотрев "


def test_blanks_of_two_languages_are_matched_by_the_words_beside_them():
    ru = [p for p in pieces_of("от ____ (ФИО) ____ ____ района ____ области") if not isinstance(p, str)]
    ky = [p for p in pieces_of("кимден: ____ (аты-жөнү) ____ району ____ облусунун ____") if not isinstance(p, str)]
    assert blank_order(ru, ky) == [0, 3, 1, 2]


def test_word_numbering_bullets_underlined_blanks_and_what_is_left_out(tmp_path):
    document = docx.Document()
    document.add_paragraph("Сведения", style="List Number")
    document.add_paragraph("Смета", style="List Number")
    document.add_paragraph("пункт", style="List Bullet")
    paragraph = document.add_paragraph("Дата: ")
    paragraph.add_run("\t\t").underline = True
    document.sections[0].header.is_linked_to_previous = False
    document.sections[0].header.paragraphs[0].text = "Айыл өкмөтү"
    document.save(tmp_path / "a.docx")
    read = read_source(tmp_path / "a.docx")
    assert [(b.label, b.text) for b in read.blocks] == [("1.", "Сведения"), ("2.", "Смета"), ("•", "пункт"),
                                                        ("", "Дата: ________")]
    assert any("page header" in item and "Айыл өкмөтү" in item for item in read.left_out)


def test_the_usual_lines_of_a_form():
    """«Label: ___» takes its kind from the label; a date written with its year; «Подпись» alone."""
    from generator.commands.importer import Draft, Pair, Text

    draft = Draft("x", ["ru"], {"ru": []}, set())
    for line, kind in (("Подпись: ____________", "signature"), ("Телефон: ___________", "phone"),
                       ("e-mail: __________", "email"), ("Сумма гранта: ________ сом", "amount"),
                       ("Дата: «___» __________ 2025 г.", "date"), ("Подпись", "signature")):
        from generator.commands.importer import _Paragraphs, Reading
        from generator.formats.docx.source import SourceParagraph

        reading = Reading("a.docx", "ru", [])
        _Paragraphs(reading).paragraph(SourceParagraph(line, "Normal", "left", 0, False, "", 0, "paragraph 1"), False)
        block = draft.text_block(Pair(reading.units[0], None))
        assert [spec["kind"] for spec in block["fields"].values()] == [kind], line
    assert "2025" not in draft.messages["x.text_5"]["ru"]  # the year is the date's, not the form's
    assert isinstance(reading.units[0], Text)


def test_a_third_language_of_the_project_gets_the_messages_to_translate(made, tmp_path):
    """The languages are the project's (forms/project.yaml): Uzbek added by data alone gets every
    message of the imported form, empty, and `check` lists each to translate."""
    from test_languages import add_uzbek

    project, paths, _ = made
    copy = tmp_path / "project"
    shutil.copytree(project, copy)
    add_uzbek(copy)
    result = invoke("import", paths["registration", "ru"], paths["registration", "ky"], "--id", "third",
                    "--project", copy)
    assert result.exit_code == 0, result.output
    uzbek = {m.id: m.string for m in read_catalog(po_path("uz", copy / "locales")) if m.id.startswith("third.")}
    russian = {m.id for m in read_catalog(po_path("ru", copy / "locales")) if m.id.startswith("third.")}
    assert set(uzbek) == russian and set(uzbek.values()) == {""}
    checked = invoke("check", "--project", copy)
    assert {line.split('msgid "')[1].split('"')[0] for line in checked.stderr.splitlines() if "FG204" in line} \
        == set(uzbek)
    three = invoke("import", paths["registration", "ru"], paths["registration", "ky"], paths["registration", "ru"],
                   "--id", "three", "--project", copy)
    assert three.exit_code == 2 and "two at most" in three.stderr
