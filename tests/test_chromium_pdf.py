"""The every-kind form in Chromium's own PDF viewer (PDFium and its JavaScript), as a person fills it:
type into the grid's cells and read the total, type a letter into an amount, a day that does not exist,
an address that is not one, and see each refused in the edition's words; tick the box a field depends
on and fill that field; save with the viewer's download button, and `collect` the file
(tests/chromium_viewer.py says how the viewer is driven)."""
from __future__ import annotations

import pytest

from chromium_viewer import CHROMIUM, XDOTOOL, XVFB, chromium_viewer
from conftest import require
from generator.commands.collect import Forms, read_returned
from generator.formats.pdf.read import read_pdf_values
from generator.model.kinds import KINDS
from generator.pipeline import localized_documents, render_bytes
from generator.sources.call import load_call
from generator.sources.project import project_at
from kinds_project import call_path, everykind, kinds_project
from test_form_scripts import FORM, column, form_problems, grouped, required_id, the_grid, words
from test_pdf import flattened


@pytest.fixture(scope="module")
def viewer():
    require(CHROMIUM and XVFB and XDOTOOL, "Chromium, Xvfb and xdotool", "apt-get install chromium xvfb xdotool")
    with chromium_viewer() as new:
        yield new


@pytest.mark.parametrize("which", [0, -1])  # the project's first edition, and its last (two languages where it pairs them)
def test_chromium_checks_adds_up_and_saves_what_collect_reads(viewer, tmp_path, which):
    project = project_at(kinds_project(tmp_path / "project"))
    call = load_call(call_path(project.root))
    edition = project.languages.edition_ids[which]
    document = localized_documents(call, [edition], [FORM], project)[0]
    path = tmp_path / "form.pdf"
    path.write_bytes(render_bytes(document, "pdf"))
    first = {}
    for field in everykind(project.root).field_defs():
        first.setdefault(field.kind, field)
    dependent = next(f for f in everykind(project.root).field_defs() if f.relevant and f.kind == "text")
    grid = the_grid(project)
    amounts = column(grid, "amount")

    page = viewer()
    page.open(path)
    page.type(grid.field_id(1, amounts), "1 250 000")
    page.type(grid.field_id(2, amounts), "300,5")
    page.type(first["amount"].id, "12a3")
    page.type(first["date"].id, "31.02.2027")
    page.type(first["email"].id, "aksuu@")
    page.click(dependent.relevant.field)  # the box it depends on: the field appears
    page.type(dependent.id, "Асанов Ү")
    page.type(required_id(project), "Ңө")
    assert page.alerts == [words(project, call, KINDS[kind].refusal, edition) for kind in ("amount", "date", "email")]
    saved = tmp_path / "saved.pdf"
    page.save(saved)

    values = read_pdf_values(saved)
    total = grid.total_field(amounts).id
    assert values[total] == "1250300.5" and values[dependent.id] == "Асанов Ү"
    assert not values[first["amount"].id] and not values[first["date"].id] and not values[first["email"].id]
    text = flattened(saved.read_bytes())[0].get_textpage().get_text_range().replace("\u00a0", " ")
    assert grouped(project, edition, "1250300", "50").replace("\u00a0", " ") in text  # the total, as Chromium drew it
    (returned,), problems = read_returned(saved, Forms(call, project))
    assert problems == [] and returned.values[total] == "1250300.5"
    assert returned.values[dependent.relevant.field] == "yes"
    assert form_problems(returned, Forms(call, project)) == []
