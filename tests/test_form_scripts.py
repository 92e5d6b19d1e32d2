"""What a PDF does as it is filled where the viewer runs form JavaScript, tested where it runs: pdf.js's
own scripting sandbox (QuickJS in Node, driven as Firefox's viewer drives it: tests/pdfjs/scripted.mjs),
on a form with every kind, a grid with totals and fields that apply only after an answer
(tests/kinds_project.py). Chromium's viewer: test_chromium_pdf.py. The forms and fields come from the
definitions, the words from the catalogs, the languages and number separators from the registry."""
from __future__ import annotations

import dataclasses
import io
import json
import subprocess
from decimal import Decimal

import pikepdf
import pytest

from generator.commands.collect import Forms, answer_problems, Application, read_returned
from generator.commands.fill import RowChecker
from generator.formats.pdf.read import read_pdf_values
from generator.language.localize import deciders
from generator.formats.pdf.scripts import TYPING, js_value
from generator.model.forms import GridDef
from generator.model.kinds import KINDS, RATING_CHOICES, plain_decimal
from generator.model.languages import edition_languages
from generator.pipeline import localized_documents, localizers, render_bytes
from generator.sources.call import load_call
from generator.sources.project import BUILTIN, project_at
from generator.errors import FormgenError
from kinds_project import MESSAGES, call_path, everykind, kinds_project
from test_pdfjs import PDFJS, READY
from conftest import require
from test_pdf import flattened

FORM = "everykind"


@pytest.fixture(scope="module")
def node():
    require(READY, "pdf.js", "npm install --prefix tests/pdfjs")
    return "node"


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return project_at(kinds_project(tmp_path_factory.mktemp("kinds")))


@pytest.fixture(scope="module")
def call(project):
    return load_call(call_path(project.root))


@pytest.fixture(scope="module")
def built(project, call, tmp_path_factory):
    """{edition: the every-kind form's PDF} in every edition of the project."""
    folder = tmp_path_factory.mktemp("pdf")
    paths = {}
    for document in localized_documents(call, project.languages.edition_ids, [FORM], project):
        paths[document.lang] = folder / f"{document.lang}.pdf"
        paths[document.lang].write_bytes(render_bytes(document, "pdf"))
    return paths


def in_pdfjs(node, source, steps, tmp_path) -> tuple[dict, object]:
    """(what the scripts said and showed, the file pdf.js saved) after `steps`."""
    saved = tmp_path / f"pdfjs-{source.stem}.pdf"
    run = subprocess.run([node, str(PDFJS / "scripted.mjs"), str(source), str(saved), json.dumps(steps)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    report = json.loads(run.stdout.rstrip("\n").split("\n")[-1])  # (splitlines would split at U+2028)
    assert report["errors"] == [], report["errors"]  # no script failed
    return report, saved


def words(project, call, message_id: str, edition: str, **values) -> str:
    """A message as a refusal says it in an edition: each of its languages, a line each, the main first."""
    by_lang = localizers(call, project=project)
    return "\n".join(dict.fromkeys(by_lang[lang].text(message_id, **values) for lang in edition_languages(edition)))


def grouped(project, edition: str, whole: str, fraction: str = "") -> str:
    group, decimal = project.languages[edition_languages(edition)[0]].numbers
    digits = f"{int(whole):,}".replace(",", group)
    return digits + (decimal + fraction if fraction else "")


def required_id(project) -> str:
    return next(f.id for f in everykind(project.root).field_defs() if f.required and not f.relevant)


def the_grid(project) -> GridDef:
    return next(block for block in everykind(project.root).blocks if isinstance(block, GridDef))


def column(grid: GridDef, kind: str):
    return next(c for c in grid.columns if c.kind == kind)


# ---- pdf.js ----------------------------------------------------------------------------------------

def test_a_grid_total_adds_up_its_column_as_the_cells_are_typed(node, project, call, built, tmp_path):
    grid = the_grid(project)
    amounts, people = column(grid, "amount"), column(grid, "number")
    for edition, path in built.items():
        report, saved = in_pdfjs(node, path, [["type", grid.field_id(1, amounts), "1 250 000"],
                                              ["type", grid.field_id(2, amounts), "300,5"],
                                              ["type", grid.field_id(3, people), "7"]], tmp_path)
        total = report["fields"][grid.total_field(amounts).id]
        assert total["value"] == "1250300.5", edition
        assert total["formatted"] == grouped(project, edition, "1250300", "50"), edition  # «1 250 300,50»
        assert report["fields"][grid.total_field(people).id]["value"] == "7"
        assert report["fields"][grid.field_id(1, amounts)]["formatted"] == grouped(project, edition, "1250000")
        (returned,), problems = read_returned(saved, Forms(call, project))
        assert problems == [] and returned.values[grid.total_field(amounts).id] == "1250300.5"
        assert form_problems(returned, Forms(call, project)) == [f"{FORM}: required field '{required_id(project)}' is empty"]


@pytest.mark.parametrize("which", [0, -1])  # the first edition and the last (both languages, where the project pairs two)
def test_a_value_that_is_not_of_its_kind_is_refused_in_the_editions_languages(node, project, call, built, which,
                                                                                tmp_path):
    edition = list(built)[which]
    definitions = {}
    for field in everykind(project.root).field_defs():  # the first of each kind: in the table, above the grid
        definitions.setdefault(field.kind, field)
    amount, date, email, number = (definitions[kind] for kind in ("amount", "date", "email", "number"))
    report, saved = in_pdfjs(node, built[edition], [
        ["type", amount.id, "12a3"],  # the letter is refused as it is typed
        ["type", date.id, "31.02.2027"], ["type", email.id, "aksuu@"], ["type", number.id, "900"],
        ["type", definitions["phone"].id, "+996 55"]], tmp_path)  # five digits: too few
    assert report["fields"][amount.id]["value"] == "123"
    bounds = {"min": grouped(project, edition, plain_decimal(number.min)),
              "max": grouped(project, edition, plain_decimal(number.max))}
    expected = [words(project, call, KINDS["date"].refusal, edition), words(project, call, KINDS["email"].refusal, edition),
                words(project, call, "refuse.range", edition, **bounds), words(project, call, KINDS["phone"].refusal, edition)]
    assert report["alerts"] == expected
    assert all(not report["fields"][f.id]["value"] for f in (date, email, number))  # refused: not kept
    values = read_pdf_values(saved)
    assert values[amount.id] == "123" and not values[date.id] and not values[email.id]


def test_a_field_that_applies_only_after_an_answer_is_hidden_until_then(node, project, built, tmp_path):
    fields = {f.id: f for f in everykind(project.root).field_defs()}
    steered = {f.id: f.relevant for f in fields.values() if f.relevant}
    path = built[project.languages.main]
    report, _ = in_pdfjs(node, path, [], tmp_path)
    assert all(report["fields"][field_id]["hidden"] and report["fields"][field_id]["readonly"] for field_id in steered)
    for field_id, relevant in steered.items():  # its deciders here are a check box and round buttons: clicked
        report, saved = in_pdfjs(node, path, [["click", relevant.field, relevant.values[0]], ["type", field_id, "Ңө"]],
                                 tmp_path)
        assert not report["fields"][field_id]["hidden"] and report["fields"][field_id]["value"] == "Ңө"
        assert read_pdf_values(saved)[field_id] == "Ңө"
    field_id, relevant = next((i, r) for i, r in steered.items() if fields[r.field].kind == "rating")
    other = next(value for value in reversed(RATING_CHOICES) if value not in relevant.values)
    report, _ = in_pdfjs(node, path, [["click", relevant.field, relevant.values[0]], ["click", relevant.field, other]],
                         tmp_path)
    assert report["fields"][field_id]["hidden"]  # another answer hides it again


def elsewhere(problem: str) -> bool:
    """A problem of the application as a whole: the project's other forms are not in it."""
    return problem.startswith("no ") and "in this application" in problem


def form_problems(returned, forms) -> list[str]:
    return [p for _, p in answer_problems(Application("a", [returned]), forms) if not elsewhere(p)]


HOSTILE = "\"'); app.alert('pwned'); ('\\ </script><b> `x` $(1+1) \\u0041 */ // «Ң»"
LINE_ENDS = " \u2028 \u2029 "  # end a JavaScript string before ES2019; no catalog line can hold them


def test_hostile_words_stay_words(node, tmp_path):
    """A catalog's text is data in the script: quotes, backslashes, </script>, line separators and
    template syntax arrive in the alert exactly as written, and nothing else runs."""
    for text in (HOSTILE, HOSTILE + LINE_ENDS):
        assert json.loads(js_value(text)) == text
        assert "\u2028" not in js_value(text) and "</" not in js_value(text) and js_value(text).isascii()
    messages = {**MESSAGES, KINDS["date"].refusal: (HOSTILE, HOSTILE), "everykind.small": (HOSTILE, HOSTILE)}
    project = project_at(kinds_project(tmp_path / "hostile", messages))
    call = load_call(call_path(project.root))
    document = localized_documents(call, [project.languages.main], [FORM], project)[0]
    date = next(f for f in document.fields() if f.kind == "date")
    assert date.checks.refusal == HOSTILE
    with_line_ends = dataclasses.replace(date, checks=dataclasses.replace(date.checks, refusal=HOSTILE + LINE_ENDS))
    for made, expected in ((document, HOSTILE), (with_field(document, with_line_ends), HOSTILE + LINE_ENDS)):
        path = tmp_path / "hostile.pdf"
        path.write_bytes(render_bytes(made, "pdf"))
        report, _ = in_pdfjs(node, path, [["type", date.id, "31.02.2027"]], tmp_path)
        assert report["alerts"] == [expected]


def with_field(document, field):
    """The document with one field replaced (a refusal no catalog could hold)."""
    def cell(paragraph):
        return dataclasses.replace(paragraph, runs=tuple(field if getattr(run, "id", None) == field.id else run
                                                         for run in paragraph.runs))
    blocks = tuple(dataclasses.replace(block, rows=tuple(tuple(tuple(cell(p) for p in c) for c in row)
                                                         for row in block.rows)) if hasattr(block, "rows")
                   else cell(block) for block in document.blocks)
    return dataclasses.replace(document, blocks=blocks)


# ---- the file ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("where", ["built-in", "every kind"])
def test_every_field_has_what_its_kind_does_as_it_is_filled(where, project, call):
    """From the definitions alone: each kind's checks, required flags, read-only totals in /CO, drop-downs
    that start empty."""
    chosen = BUILTIN if where == "built-in" else project
    documents = localized_documents(load_call(chosen.default_call()) if where == "built-in" else call,
                                    chosen.languages.edition_ids, None if where == "built-in" else [FORM], chosen)
    for document in documents:
        with pikepdf.open(io.BytesIO(render_bytes(document, "pdf"))) as pdf:
            by_id = {str(f.T): f for f in pdf.Root.AcroForm.Fields}
            order = [str(f.T) for f in pdf.Root.AcroForm.get("/CO", [])]
            for field in document.fields():
                made, kind = by_id[field.id], KINDS[field.kind]
                actions = {str(k)[1:]: str(v.JS) for k, v in made.get("/AA", {}).items()}
                assert ("V" in actions) == bool(kind.script), field.id
                assert ("K" in actions) == (kind.script in TYPING), field.id
                assert bool(int(made.get("/Ff", 0)) & 2) == field.required, field.id
                assert bool(int(made.get("/Ff", 0)) & 1) == bool(field.checks.sums), field.id
                assert (field.id in order) == bool(field.checks.sums or field.relevant), field.id
                if made.FT == "/Ch":
                    assert [str(x) for x in made.Opt[0]] == ["", ""] and "/V" not in made
            assert ("/Names" in pdf.Root) == bool(order or any(KINDS[f.kind].script for f in document.fields()))


def test_a_prefilled_total_is_a_value_and_shows_without_scripts(project, call, tmp_path):
    """`fill` writes a total as the sum, with its appearance: Evince and MuPDF, which run no script, show it."""
    grid = the_grid(project)
    amounts = column(grid, "amount")
    checker = RowChecker({f.id: f for f in everykind(project.root).field_defs()}, forms=[everykind(project.root)])
    values, problems, _ = checker({grid.field_id(1, amounts): "1 250 000", grid.field_id(2, amounts): "300,5"})
    assert problems == [] and values[grid.total_field(amounts).id] == "1250300.5"
    edition = project.languages.main
    document = localized_documents(call, [edition], [FORM], project)[0]
    shown = {k: KINDS["amount"].show(v, edition) for k, v in values.items()}
    data = render_bytes(document, "pdf", shown)
    assert read_pdf_values(io.BytesIO(data))[grid.total_field(amounts).id] == shown[grid.total_field(amounts).id]
    text = flattened(data)[0].get_textpage().get_text_range()  # the appearance fill wrote: no script ran
    assert grouped(project, edition, "1250300", "50").replace("\u00a0", " ") in text.replace("\u00a0", " ")


# ---- fill and collect ----------------------------------------------------------------------------------

def test_collect_reports_an_answer_where_it_does_not_apply_and_a_missing_one_where_it_does(project, call, tmp_path):
    form = everykind(project.root)
    fields = {f.id: f for f in form.field_defs()}
    dependent = next(f for f in fields.values() if f.relevant and f.required)
    decider = fields[dependent.relevant.field]
    other = next(v for v in ("yes", "no") if v not in dependent.relevant.values)
    forms = Forms(call, project)
    document = localized_documents(call, [project.languages.main], [FORM], project)[0]
    required = {f.id: "x" for f in fields.values() if f.required and not f.relevant}

    def problems(values: dict[str, str]) -> list[str]:
        path = tmp_path / "returned.pdf"
        path.write_bytes(render_bytes(document, "pdf", {k: v for k, v in values.items() if v != "no"}))
        (returned,), _ = read_returned(path, forms)
        return form_problems(returned, forms)

    given_anyway = problems({**required, decider.id: other, dependent.id: "Асанов"})
    assert given_anyway == [f"{FORM}: '{dependent.id}' is answered, but applies only when "
                            f"{dependent.relevant.described()}"]
    assert problems({**required, decider.id: dependent.relevant.values[0]}) == [
        f"{FORM}: required field '{dependent.id}' is empty"]
    assert problems({**required, decider.id: other}) == []  # not asked for, not given
    assert problems({**required, decider.id: dependent.relevant.values[0], dependent.id: "Асанов"}) == []


def test_fill_refuses_a_row_that_answers_a_field_that_does_not_apply(project):
    form = everykind(project.root)
    fields = {f.id: f for f in form.field_defs()}
    dependent = next(f for f in fields.values() if f.relevant)
    checker = RowChecker(fields, forms=[form])
    _, problems, _ = checker({dependent.id: "Асанов"})
    assert problems == [(dependent.id, f"answered, but applies only when {dependent.relevant.described()} "
                                       f"(leave it empty, or give {dependent.relevant.field})")]
    _, problems, _ = checker({dependent.id: "Асанов", dependent.relevant.field: dependent.relevant.values[0]})
    assert problems == []


# ---- viewers without scripts ------------------------------------------------------------------------------

def test_mupdf_fills_and_saves_the_form_without_running_its_scripts(project, call, built, tmp_path):
    """MuPDF runs no form script: values are typed and saved as they are, the drop-down shows nothing
    chosen, the total stays empty (read-only: the person writes it on paper), and collect reads it all."""
    import pymupdf

    grid = the_grid(project)
    amounts = column(grid, "amount")
    typed = {grid.field_id(1, amounts): "1 250 000", grid.field_id(2, amounts): "300,5", required_id(project): "Ңө"}
    path = tmp_path / "mupdf.pdf"
    path.write_bytes(built[project.languages.main].read_bytes())
    pdf = pymupdf.open(path)
    for page in pdf:
        for widget in page.widgets():
            if widget.field_type_string == "ComboBox":
                assert widget.field_value in ("", None)  # nothing shown as chosen
            if widget.field_name in typed:
                widget.field_value = typed[widget.field_name]
                widget.update()
    pdf.save(tmp_path / "saved.pdf")
    (returned,), problems = read_returned(tmp_path / "saved.pdf", Forms(call, project))
    assert problems == [] and returned.values[grid.field_id(2, amounts)] == "300.5"
    assert returned.values[required_id(project)] == "Ңө" and not returned.values[grid.total_field(amounts).id]
    assert form_problems(returned, Forms(call, project)) == []


def test_a_definition_names_what_decides_it(tmp_path):
    from tiny import tiny_form

    base = """
        id: tiny
        title: tiny.title
        blocks:
          - table: t
            rows:
              - {label: tiny.q, field: {id: agree, kind: yesno}}
              - {label: tiny.r, field: {id: note, kind: text}}
              - {label: tiny.n, field: {id: name, kind: text, relevant: %s}}
        """
    assert [f.relevant for f in tiny_form(tmp_path, base % "{field: agree, is: yes}").field_defs()][-1].values == ("yes",)
    for condition, code, words_ in (("{field: agree, is: maybe}", "FG134", "'maybe' is not an answer of 'agree'"),
                                    ("{field: agree, is: []}", "FG134", "no answer given"),
                                    ("{field: note, is: yes}", "FG135", "'note' is a text field"),
                                    ("{field: nobody, is: yes}", "FG135", "no other field 'nobody'"),
                                    ("{field: name, is: yes}", "FG135", "no other field 'name'"),
                                    ("{field: agree, when: yes}", "FG009", "unknown key 'when'")):
        with pytest.raises(FormgenError) as raised:
            tiny_form(tmp_path, base % condition)
        assert raised.value.code == code and words_ in raised.value.problem and "blocks[0].rows[2]" in raised.value.place


def test_the_printed_form_and_the_docx_say_in_words_when_a_field_applies(project, call):
    """Under the blank on paper, in the content control's placeholder in Word (which runs no script)."""
    import docx

    by_lang = localizers(call, project=project)
    for edition in project.languages.edition_ids:
        document = localized_documents(call, [edition], [FORM], project)[0]
        main = by_lang[edition_languages(edition)[0]]
        main.deciders, main.questions = deciders(everykind(project.root))
        for field in (f for f in document.fields() if f.relevant):
            said = main.condition(field.relevant)
            assert said and said in field.hint
            printed = flattened(render_bytes(document, "pdf"))[0].get_textpage().get_text_range()
            assert " ".join(said.split()) in " ".join(printed.split()), (edition, said)
            placeholders = [text.text for text in docx.Document(io.BytesIO(render_bytes(document, "docx")))
                            .element.body.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t")]
            assert any(said in text for text in placeholders), (edition, said)
