"""A project folder made by `formgen init`: staff add a form, and every command takes it up."""
import json
import os
import re
import zipfile
from pathlib import Path

import pytest
from cli_runner import CliRunner

from generator import FORMS_DIR
from generator.cli import app
from generator.commands.collect import collect
from generator.sources.definitions import load_forms
from generator.sources.project import BUILTIN, find_project
from generator.formats.docx.read import read_docx_values

NEW_FORM = """\
id: annex3
title: annex3.doc_title
blocks:
  - {p: annex3.title, style: title}
  - table: budget
    rows:
      - {label: annex3.name.label, field: {id: budget_municipality, kind: text}}
      - {label: annex3.total.label, field: {id: budget_total, kind: number, required: true}}
      - {label: annex3.partner.label, field: {id: budget_partner, kind: text}}
  - grid: costs
    rows: 3
    columns:
      - {id: item, header: annex3.costs.item, width: 60}
      - {id: amount, header: annex3.costs.amount, width: 30, kind: number}
"""
MESSAGES = {
    "ru": {"annex3.doc_title": "Приложение 3. Бюджет софинансирования", "annex3.title": "Бюджет",
           "annex3.name.label": "Муниципалитет", "annex3.total.label": "Общая сумма, сом", "annex3.partner.label": "Партнёр",
           "annex3.costs.item": "Статья расходов", "annex3.costs.amount": "Сумма, сом"},
    "ky": {"annex3.doc_title": "3-тиркеме. Биргелешип каржылоонун бюджети", "annex3.title": "Бюджет",
           "annex3.name.label": "Муниципалитет", "annex3.total.label": "Жалпы сумма, сом", "annex3.partner.label": "Өнөктөш",
           "annex3.costs.item": "Чыгымдардын беренеси", "annex3.costs.amount": "Сумма, сом"},
}


def invoke(*args, cwd=None):
    return CliRunner().invoke(app, [str(a) for a in args])


def add_form(project: Path) -> None:
    (project / "forms" / "annex3.yaml").write_text(NEW_FORM, encoding="utf-8")
    settings = project / "forms" / "project.yaml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("folder_name: [", "folder_name: [budget_municipality, "),
                        encoding="utf-8")
    for lang, messages in MESSAGES.items():
        po = project / "locales" / lang / "LC_MESSAGES" / "forms.po"
        entries = "".join(f'\nmsgid "{k}"\nmsgstr "{v}"\n' for k, v in messages.items())
        po.write_text(po.read_text(encoding="utf-8") + entries, encoding="utf-8")


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("work") / "call-2025"
    result = invoke("init", root)
    assert result.exit_code == 0, result.output
    add_form(root)
    return root


def test_init_writes_a_working_copy_of_the_builtin_forms(tmp_path):
    root = tmp_path / "p"
    assert invoke("init", root).exit_code == 0
    for path in FORMS_DIR.glob("*.yaml"):
        assert (root / "forms" / path.name).read_bytes() == path.read_bytes()
    assert (root / "forms" / "calls" / "2025.yaml").is_file() and (root / "README.md").is_file()
    assert {p.parent.parent.name for p in (root / "locales").rglob("forms.po")} == {"ru", "ky"}
    assert not list(root.rglob("*.mo"))  # nothing compiled: the .po files are what formgen reads
    result = invoke("check", "--project", root)
    assert result.exit_code == 0 and f"project {root}" in result.output
    again = invoke("init", root)
    assert again.exit_code == 1 and "not an empty folder" in again.output  # never overwrites


def test_the_current_folder_is_the_project_when_it_holds_forms_and_locales(project, tmp_path):
    assert find_project(cwd=project).root == project
    assert find_project(cwd=tmp_path) == BUILTIN
    assert "annex3" in load_forms(find_project(cwd=project).forms_dir)
    result = invoke("check", "--project", tmp_path)
    assert result.exit_code == 2 and "not a project folder" in result.output and "formgen init" in result.output


def test_a_new_form_passes_check_and_builds_in_every_edition_and_format(project, tmp_path):
    result = invoke("check", "--project", project)
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    result = invoke("build", "--project", project, "--out", out)
    assert result.exit_code == 0, result.output
    assert f"project {project}" in result.output  # the summary names the project it read
    files = json.loads((out / "2025" / "manifest.json").read_text(encoding="utf-8"))["files"]
    built = {(f["lang"], f["format"]) for f in files if f["form"] == "annex3"}
    assert built == {(lang, fmt) for lang in ("ru", "ky", "ru+ky") for fmt in ("docx", "pdf")}
    assert read_docx_values(out / "2025" / "ky" / "annex3.docx")["costs_3_amount"] == ""
    forms = load_forms(project / "forms")
    for page, lang in (("index.html", "ky"), ("index.ru.html", "ru")):
        html = (out / "2025" / page).read_text(encoding="utf-8")
        assert MESSAGES[lang]["annex3.doc_title"] in html and 'href="ky/annex3.pdf"' in html
        # how to apply: a step for each form to fill in, the new one by its title (it has no `step:`), then send
        steps = re.findall(r"<li>(.*?)</li>", html.split("<ol>")[1].split("</ol>")[0])
        assert len(steps) == len([form for form in forms.values() if form.fillable]) + 1
        assert f"«{MESSAGES[lang]['annex3.doc_title']}»" in steps[-2]
    with zipfile.ZipFile(out / "2025" / "2025-forms.zip") as bundle:
        assert "2025-ru+ky-annex3.docx" in bundle.namelist()


def test_a_po_edit_is_used_at_once_by_check_and_build(project, tmp_path):
    """No compile step: what check read is what build writes."""
    po = project / "locales" / "ru" / "LC_MESSAGES" / "forms.po"
    text = po.read_text(encoding="utf-8")
    po.write_text(text.replace('msgstr "Бюджет"', 'msgstr "Бюджет проекта"'), encoding="utf-8")
    try:
        assert invoke("check", "--project", project).exit_code == 0
        result = invoke("build", "--project", project, "--out", tmp_path, "--form", "annex3", "--lang", "ru",
                        "--format", "docx", "--no-site")
        assert result.exit_code == 0, result.output
        from docx import Document
        assert "Бюджет проекта" in [p.text for p in Document(tmp_path / "2025" / "ru" / "annex3.docx").paragraphs]
    finally:
        po.write_text(text, encoding="utf-8")


def test_a_new_form_is_filled_and_collected(project, tmp_path):
    data = tmp_path / "rows.yaml"
    data.write_text("- {budget_municipality: Кочкор, budget_total: '1250000', budget_partner: ПРООН Ө,"
                    " costs_1_item: Жабдуу, costs_1_amount: '50000'}\n"
                    "- {budget_municipality: Талас, budget_total: 'көп'}\n", encoding="utf-8")
    out = tmp_path / "prefilled"
    result = invoke("fill", "--project", project, "--data", data, "--out", out, "--form", "annex3",
                    "--lang", "ky", "--jobs", "1")
    assert result.exit_code == 1 and f"{data}: row 2, column budget_total: 'көп' is not a number" in result.output
    assert f"project {project}" in result.output
    assert sorted(p.name for p in (out / "Кочкор" / "ky").iterdir()) == ["annex3.docx", "annex3.pdf"]
    assert read_docx_values(out / "Кочкор" / "ky" / "annex3.docx")["budget_partner"] == "ПРООН Ө"
    table = tmp_path / "applications.json"
    result = invoke("collect", out, "--project", project, "--out", table)
    assert result.exit_code == 0, result.output
    sheets = json.loads(table.read_text(encoding="utf-8"))
    general = {row["application"]: row for row in sheets["general"]}
    assert general[str(out / "Кочкор")]["budget_total"] == "1250000"
    assert sheets["costs"] == [{"application": str(out / "Кочкор"), "row": "1", "item": "Жабдуу", "amount": "50000"}]
    assert any(row["problem"].startswith("no annex2 in this application (") for row in sheets["problems"])


def test_a_form_applications_need_not_include_is_not_asked_for(tmp_path):
    """A project's fourth form made `collect` report it missing from every application; `optional:
    true` in its definition says an application may come without it, and when one does include it,
    its answers are still checked."""
    root = tmp_path / "p"
    assert invoke("init", root).exit_code == 0
    add_form(root)
    built_in = [form_id for form_id, form in load_forms(FORMS_DIR).items() if any(form.field_defs())]
    data = tmp_path / "rows.yaml"
    data.write_text("- {budget_municipality: Кочкор}\n- {budget_municipality: Талас}\n", encoding="utf-8")
    out = tmp_path / "returned"
    result = invoke("fill", "--project", root, "--data", data, "--out", out, "--lang", "ky", "--format", "docx",
                    "--jobs", "1")
    assert result.exit_code == 0, result.output
    (out / "Талас" / "ky" / "annex3.docx").unlink()  # Талас sent the built-in forms alone

    def missing_forms() -> set[tuple[str, str]]:
        table = tmp_path / "applications.json"
        assert invoke("collect", out, "--project", root, "--out", table).exit_code == 0
        problems = json.loads(table.read_text(encoding="utf-8"))["problems"]
        return {(Path(row["application"]).name, row["problem"].split()[1]) for row in problems
                if row["problem"].startswith("no ") and "in this application" in row["problem"]}

    assert missing_forms() == {("Талас", "annex3")}
    definition = root / "forms" / "annex3.yaml"
    definition.write_text(NEW_FORM.replace("title: annex3.doc_title\n", "title: annex3.doc_title\noptional: true\n"),
                          encoding="utf-8")
    assert invoke("check", "--project", root).exit_code == 0
    assert missing_forms() == set()
    (out / "Кочкор" / "ky" / f"{built_in[0]}.docx").unlink()  # the others are still needed
    assert missing_forms() == {("Кочкор", built_in[0])}
    table = json.loads((tmp_path / "applications.json").read_text(encoding="utf-8"))
    assert any(row["problem"] == "annex3: required field 'budget_total' is empty" for row in table["problems"])
