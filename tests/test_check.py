"""`formgen check` passes on the repository and names each fault of a broken copy precisely."""
import re

from cli_runner import CliRunner

from generator import DEFAULT_CALL, FORMS_DIR, LOCALES_DIR
from generator.commands.check import check
from generator.cli import app
from generator.sources.definitions import iter_field_defs, load_forms, load_settings


def edit(path, old, new, count=1):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def test_repository_passes():
    assert check(FORMS_DIR, LOCALES_DIR, DEFAULT_CALL) == []
    result = CliRunner().invoke(app, ["check"])
    assert result.exit_code == 0, result.output


def test_every_definition_loads_with_unique_field_ids():
    forms = load_forms()
    assert list(forms)[:len(load_settings().order)] == list(load_settings().order)  # the project's order
    ids = [f.id for form in forms.values() for f in iter_field_defs(form)]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", i) for i in ids)


def run(source_copy):
    forms, locales, call = source_copy
    return check(forms, locales, call)


def test_missing_kyrgyz_message(source_copy):
    po = source_copy[1] / "ky/LC_MESSAGES/forms.po"
    edit(po, 'msgid "letter.body_3"\n', 'msgid "letter.body_3_old"\n')
    problems = run(source_copy)
    assert any(str(po) in p and 'msgid "letter.body_3": missing' in p and "interest_letter.yaml" in p
               for p in problems), problems
    assert any('"letter.body_3_old": defined but not used' in p for p in problems)


def test_empty_and_fuzzy_messages(source_copy):
    po = source_copy[1] / "ru/LC_MESSAGES/forms.po"
    edit(po, 'msgstr "Печать"', 'msgstr ""')
    edit(po, 'msgid "letter.title"', '#, fuzzy\nmsgid "letter.title"')
    problems = run(source_copy)
    assert any('"letter.stamp": empty translation' in p for p in problems), problems
    assert any('"letter.title": marked fuzzy' in p for p in problems), problems


def test_placeholder_mismatch(source_copy):
    po = source_copy[1] / "ky/LC_MESSAGES/forms.po"
    edit(po, "{sign_kenesh} жергиликтүү", "{sign_kenesh_name} жергиликтүү")
    problems = run(source_copy)
    assert any(str(po) in p and '"letter.sign_chair": placeholders {sign_kenesh_name} differ from ru: '
               "{sign_kenesh}" in p for p in problems), problems


def test_unknown_field_kind(source_copy):
    path = source_copy[0] / "annex2.yaml"
    edit(path, "{id: villages, kind: number, required: true}", "{id: villages, kind: integer, required: true}")
    problems = run(source_copy)
    assert any(str(path) in p and "blocks[3].rows[8].field.kind: unknown field kind 'integer'" in p
               and "use one of: text, multiline, number, date, rating" in p for p in problems), problems


def test_duplicate_field_id(source_copy):
    path = source_copy[0] / "annex2.yaml"
    edit(path, "{id: villages, kind: number, required: true}", "{id: population, kind: number}")
    problems = run(source_copy)
    assert any(str(path) in p and "duplicate field id 'population'" in p for p in problems), problems


def test_field_id_shared_between_forms(source_copy):
    path = source_copy[0] / "annex2.yaml"
    edit(path, "{id: villages, kind: number, required: true}", "{id: contacts, kind: number}")
    problems = run(source_copy)
    assert any("field 'contacts': also used in" in p for p in problems), problems


def test_sentence_in_a_definition_is_refused(source_copy):
    path = source_copy[0] / "interest_letter.yaml"
    edit(path, "{p: letter.stamp, style: stamp}", "{p: Печать, style: stamp}")
    problems = run(source_copy)
    assert any("blocks[14].p: 'Печать' is not a message id" in p for p in problems), problems


def test_call_with_an_invalid_date(source_copy):
    edit(source_copy[2], "results_date: 2025-03-07", "results_date: 07.03.2025")
    problems = run(source_copy)
    assert any(str(source_copy[2]) in p and "results_date: '07.03.2025' is not a date" in p
               and "YYYY-MM-DD" in p for p in problems), problems


def test_call_with_a_missing_key(source_copy):
    edit(source_copy[2], "population_date: 2025-01-01\n", "")
    problems = run(source_copy)
    assert any("top level: missing key 'population_date'" in p for p in problems), problems


def test_call_with_impossible_dates(source_copy):
    edit(source_copy[2], "results_date: 2025-03-07", "results_date: 2025-02-01")
    problems = run(source_copy)
    assert any("results_date: 2025-02-01 is not after the deadline 2025-02-28" in p for p in problems), problems


def test_unknown_placeholder_in_a_message(source_copy):
    po = source_copy[1] / "ru/LC_MESSAGES/forms.po"
    ky = source_copy[1] / "ky/LC_MESSAGES/forms.po"
    edit(po, "Печать", "Печать {stamp_place}")
    edit(ky, '"Мөөр"', '"Мөөр {stamp_place}"')
    pass  # formgen reads the .po itself
    problems = run(source_copy)
    assert any('"letter.stamp": unknown placeholder {stamp_place}' in p for p in problems), problems


def test_check_command_exits_non_zero_with_one_line_per_problem(source_copy):
    forms, locales, call = source_copy
    edit(forms / "annex2.yaml", "{id: villages, kind: number, required: true}", "{id: villages, kind: integer, required: true}")
    edit(call, "results_date: 2025-03-07", "results_date: soon")
    result = CliRunner().invoke(app, ["check", "--project", str(forms.parent), "--call", str(call)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines[-1] == f"2 problem(s) in project {forms.parent}" and len(lines) == 3
    assert "Traceback" not in result.output


def test_value_of_the_call_written_into_a_sentence(source_copy):
    po = source_copy[1] / "ky/LC_MESSAGES/forms.po"
    edit(po, "{donor_first_year}–{donor_last_year}-жылдары", "2022–{donor_last_year}-жылдары")
    edit(source_copy[1] / "ru/LC_MESSAGES/forms.po", "{donor_first_year}–{donor_last_year} гг.", "2022–{donor_last_year} гг.")
    pass  # formgen reads the .po itself
    problems = run(source_copy)
    assert any('"period.donor_years": contains \'2022\' from the call settings (write {donor_first_year} instead)'
               in p for p in problems), problems


def test_character_the_pdf_fonts_lack(source_copy):
    po = source_copy[1] / "ky/LC_MESSAGES/forms.po"
    edit(po, '"Мөөр"', '"Мөөр ☎"')
    edit(source_copy[2], "ky: Бишкек ш.,", "ky: ✆ Бишкек ш.,")
    problems = run(source_copy)
    assert any(str(po) in p and "\'☎\' (U+260E BLACK TELEPHONE) is not in the PDF font" in p for p in problems), problems
    assert any("office.address.ky: character \'✆\'" in p for p in problems), problems


def test_translator_workflow_extract_update_compile(source_copy, tmp_path):
    """A developer adds a paragraph; extract, update and compile bring it to the translators."""
    forms, locales, call = source_copy
    edit(forms / "interest_letter.yaml", "  - {p: letter.body_3}\n", "  - {p: letter.body_3}\n  - {p: letter.body_new}\n")
    runner = CliRunner()
    pot = tmp_path / "forms.pot"
    assert runner.invoke(app, ["catalogs", "extract", "--project", str(forms.parent), "--output", str(pot)]).exit_code == 0
    assert 'msgid "letter.body_new"' in pot.read_text(encoding="utf-8")
    assert runner.invoke(app, ["catalogs", "update", "--project", str(forms.parent)]).exit_code == 0
    ky = locales / "ky/LC_MESSAGES/forms.po"
    assert 'msgid "letter.body_new"\nmsgstr ""' in ky.read_text(encoding="utf-8")
    problems = run(source_copy)
    assert any('"letter.body_new": empty translation' in p for p in problems), problems
    for lang, text in (("ru", "Новый абзац."), ("ky", "Жаңы абзац.")):
        edit(locales / lang / "LC_MESSAGES/forms.po", 'msgid "letter.body_new"\nmsgstr ""',
             f'msgid "letter.body_new"\nmsgstr "{text}"')
    assert run(source_copy) == []  # nothing to compile: formgen reads the .po
    assert runner.invoke(app, ["catalogs", "compile", "--project", str(forms.parent)]).exit_code == 0
    assert "Жаңы абзац." in (locales / "ky/LC_MESSAGES/forms.mo").read_bytes().decode("utf-8", "replace")


def test_misspelt_names_get_a_suggestion(source_copy):
    forms = source_copy[0]
    edit(forms / "annex2.yaml", "{id: villages, kind: number, required: true}", "{id: villages, kind: numbr, required: true}")
    edit(forms / "annex2.yaml", "page_numbers: true", "page_number: true")
    edit(forms / "interest_letter.yaml", "{p: letter.stamp, style: stamp}", "{p: letter.stmp, style: stamp}")
    problems = run(source_copy)
    assert any("unknown key 'page_number'" in p and "did you mean 'page_numbers'?" in p for p in problems), problems
    edit(forms / "annex2.yaml", "page_number: true", "page_numbers: true")
    problems = run(source_copy)
    assert any("unknown field kind 'numbr'" in p and "did you mean 'number'?" in p for p in problems), problems
    edit(forms / "annex2.yaml", "kind: numbr", "kind: number")
    problems = run(source_copy)
    assert any('msgid "letter.stmp": missing' in p and 'did you mean "letter.stamp"?' in p for p in problems), problems


def test_booleans_must_be_booleans(source_copy):
    """`required: "yes"` or `letterhead: "no"` used to mean False and True without a word."""
    forms = source_copy[0]
    edit(forms / "interest_letter.yaml", "letterhead: true", 'letterhead: "no"')
    problems = run(source_copy)
    assert any("interest_letter.yaml: letterhead: 'no' is not true or false" in p for p in problems), problems
    edit(forms / "interest_letter.yaml", 'letterhead: "no"', "letterhead: true")
    edit(forms / "annex2.yaml", "{id: villages, kind: number, required: true}", '{id: villages, kind: number, required: "yes"}')
    problems = run(source_copy)
    assert any("field.required: 'yes' is not true or false" in p for p in problems), problems
