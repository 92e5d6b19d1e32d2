"""README followed as a newcomer follows it.

The shell commands of the programme officer's and the translator's paths (their ```sh blocks) run
in that order in an empty folder, as typed, with the `formgen` this checkout installs: each must exit
0 (or 1 where its comment says so) and make what the path says it makes. What a person brings along
is made here: the Word documents of a new form (a small registration form, made with python-docx),
the sheet of municipalities (README's own csv block) and returned forms (the prefilled ones, as
README suggests to try it). Nothing is fetched. Also: README's set-up commands are the ones CI runs,
and every link in README and docs/ leads to a file and a heading that exist.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import docx
import openpyxl
import pytest
import yaml
from pypdf import PdfReader

from generator.formats.docx.read import read_docx_values
from generator.formats.registry import format_names
from generator.pipeline import fillable_forms
from generator.sources.call import load_call
from generator.sources.catalogs import po_path, read_catalog
from generator.sources.definitions import iter_field_defs, load_forms, load_settings, message_ids
from generator.sources.project import project_at
from import_documents import registration_document

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
FORMGEN = Path(sys.executable).with_name("formgen")
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.M | re.S)
RUN_PATHS = ("A programme officer", "A translator")  # the paths whose commands run in a fresh project
CODES = ROOT / "generator" / "commands" / "codes.yaml"


def section(heading: str) -> str:
    """The text of README's `## ` section whose heading starts with `heading`."""
    return next(part for part in re.split(r"^## ", README.read_text(encoding="utf-8"), flags=re.M)
                if part.startswith(heading))


def blocks(text: str, lang: str) -> list[str]:
    return [body for fence, body in FENCE.findall(text) if fence == lang]


def commands(text: str) -> list[tuple[str, str]]:
    """(command, its comment) for each line of the text's shell blocks."""
    lines = [line for body in blocks(text, "sh") for line in body.splitlines() if line.strip()]
    return [(command.strip(), comment.strip()) for command, _, comment in (line.partition("  #") for line in lines)]


def test_readme_opens_with_the_set_up_commands_ci_runs():
    install, test = blocks(README.read_text(encoding="utf-8"), "sh")[0].splitlines()
    ci = re.sub(r" -q(?= )", "", (ROOT / ".ci" / "run").read_text(encoding="utf-8"))  # quiet pip in CI
    assert install == "python3 -m venv .venv && .venv/bin/pip install . && .venv/bin/formgen build"
    assert test == 'python3 -m venv .venv && .venv/bin/pip install -e ".[test]" && .venv/bin/pytest -q'
    for step in test.split(" && "):
        assert step in ci, f"README's test command and .ci/run differ at {step!r}"
    assert 'pip" install .' in ci and "formgen\" build" in ci  # the plain install of the first command


# ---- the paths, run ------------------------------------------------------------------------------

class Newcomer:
    """Types README's commands one after another; `cwd` follows its `cd`."""

    def __init__(self, home: Path):
        self.cwd = home
        self.env = {**os.environ, "PATH": f"{FORMGEN.parent}{os.pathsep}{os.environ['PATH']}"}

    def run(self, command: str) -> subprocess.CompletedProcess:
        return subprocess.run(command, shell=True, cwd=self.cwd, env=self.env, capture_output=True, text=True,
                              timeout=600)

    @property
    def project(self):
        return project_at(self.cwd)

    def latest_call(self):
        return load_call(self.project.default_call(), self.project.languages.codes)


def options(words: list[str], name: str) -> list[str]:
    return [words[i + 1] for i, word in enumerate(words[:-1]) if word == name]


def manifest_files(folder: Path) -> set[tuple[str, str, str]]:
    files = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["files"]
    return {(f["form"], f["lang"], f["format"]) for f in files}


def pdf_field_names(path: Path) -> set[str]:
    return {name.rsplit(".", 1)[-1] for name in (PdfReader(path).get_fields() or {})}


def readme_sheet() -> str:
    """The sheet of municipalities as README shows it."""
    sheet, = blocks(section("A programme officer"), "csv")
    return sheet


def readme_rows() -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(readme_sheet())))


def prepare(me: Newcomer, words: list[str]) -> None:
    """What the person following README has at hand before the command."""
    if words[1] == "import":
        for name in (w for w in words[2:] if w.endswith(".docx") and not (me.cwd / w).exists()):
            registration_document(re.search(r"-(\w+)\.docx$", name).group(1), me.cwd / name)
    if words[1] == "fill":
        data, = options(words, "--data")
        (me.cwd / data).write_text(readme_sheet(), encoding="utf-8")
    if words[1] == "collect":
        prefilled = me.project.output(None) / me.latest_call().id / "prefilled"
        for name in (w for w in words[2:] if not w.startswith("-") and not (me.cwd / w).exists()):
            if name not in options(words, "--out") + options(words, "--review"):
                shutil.copytree(prefilled, me.cwd / name)  # README: to try it, copy the prefilled forms


def made_init(me, words, output):
    project = project_at(me.cwd / words[2])  # a working copy of the built-in forms, with a catalog per language
    assert set(load_forms(project.forms_dir)) == set(load_forms(ROOT / "forms"))
    assert all(po_path(lang, project.locales_dir).is_file() for lang in project.languages.codes)


def made_new_call(me, words, output):
    call_id, = options(words, "--id")
    call = load_call(me.project.calls_dir / f"{call_id}.yaml", me.project.languages.codes)
    assert call.id == call_id and call.deadline.year == int(call_id)
    assert me.latest_call().id == call_id  # what the next commands take by default


def made_check(me, words, output):
    if "--lang" not in words:
        assert output.startswith("ok:"), output


def made_build(me, words, output):
    out = me.project.output(None) / me.latest_call().id
    forms = options(words, "--form") or list(load_forms(me.project.forms_dir))
    editions = options(words, "--lang") or list(me.project.languages.edition_ids)
    wanted = {(form, edition, fmt) for form in forms for edition in editions for fmt in format_names()}
    assert wanted <= manifest_files(out)
    for form in forms:
        definition = load_forms(me.project.forms_dir)[form]
        ids = {field.id for field in iter_field_defs(definition)}
        signed = {field.id for field in iter_field_defs(definition) if field.kind == "signature"}  # on paper in a DOCX
        for edition in editions:
            assert pdf_field_names(out / edition / f"{form}.pdf") == ids
            assert set(read_docx_values(out / edition / f"{form}.docx")) == ids - signed
    if "--lang" not in words:
        page = (out / "index.html").read_text(encoding="utf-8")
        assert all(f'href="{edition}/{form}.pdf"' in page for form in forms for edition in editions)
    for edition in (e for e in editions if e.endswith("-XA")):  # every text marked, to see it overflow
        for form in forms:
            words = " ".join(p.text for p in docx.Document(out / edition / f"{form}.docx").paragraphs).split()
            assert words and "‹" in words[0]


def made_import(me, words, output):
    form_id, = options(words, "--id")
    definition = load_forms(me.project.forms_dir)[form_id]
    assert any(iter_field_defs(definition))
    for lang in me.project.languages.codes:
        texts = read_catalog(po_path(lang, me.project.locales_dir)).texts()
        used = set(message_ids(definition))
        assert all(texts.get(m) for m in used), [m for m in used if not texts.get(m)]
        if "--call" in words:  # the documents' call values became placeholders
            assert any("{deadline_date" in texts[m] for m in used)
    assert (me.cwd / options(words, "--report")[0]).read_text(encoding="utf-8").startswith("# Import")


def labels(project, lang: str) -> dict[str, str]:
    return read_catalog(po_path(lang, project.locales_dir)).texts()


def chosen(project, field, text: str):
    """The option a sheet's cell names, by its value or its label in any language."""
    names = lambda o: {o.value, *(labels(project, lang).get(o.label) for lang in project.languages.codes)}
    return next(o for o in field.options if text in names(o))


def folder_column(project, row: dict) -> str:
    """The column `fill` names a row's folder after: the first of `folder_name:` the row gives."""
    return next(c for c in load_settings(project.forms_dir).folder_name if row.get(c))


def made_fill(me, words, output):
    rows = readme_rows()
    fields = {f.id: f for form in fillable_forms(me.project) for f in iter_field_defs(form)}
    assert set(rows[0]) <= set(fields), "README's sheet names columns no form has"
    out = me.project.output(None) / me.latest_call().id / "prefilled"
    for row in rows:
        folder = out / row[folder_column(me.project, row)]
        for form in fillable_forms(me.project):
            values = read_docx_values(folder / "ky" / f"{form.id}.docx")
            assert (folder / "ru" / f"{form.id}.pdf").is_file()
            for column, text in row.items():
                if column in values and fields[column].kind in ("text", "number", "rating"):
                    assert values[column] == text
                elif column in values:  # a choice, given by its value or a label: the ky label shown
                    assert values[column] == labels(me.project, "ky")[chosen(me.project, fields[column], text).label]


def made_collect(me, words, output):
    rows = readme_rows()
    fields = {f.id: f for form in fillable_forms(me.project) for f in iter_field_defs(form)}
    book = openpyxl.load_workbook(me.cwd / options(words, "--out")[0])
    general = list(book["general"].iter_rows(values_only=True))
    ids, answers = general[1], [dict(zip(general[1], r)) for r in general[2:]]
    assert len(answers) == len(rows) and "problems" in book.sheetnames
    for row in rows:
        got, = (a for a in answers if Path(a["application"]).name == row[folder_column(me.project, row)])
        for column, text in row.items():
            if fields[column].kind in ("number", "rating"):
                assert got[column] == int(text)  # a numeric cell: it adds up
            elif fields[column].kind == "text":
                assert got[column] == text
            else:  # a choice: its label in the workbook's language, Kyrgyz by default
                assert got[column] == labels(me.project, "ky")[chosen(me.project, fields[column], text).label]
    review = (me.cwd / options(words, "--review")[0]).read_text(encoding="utf-8")
    assert review.startswith("<!DOCTYPE html>")


def made_explain(me, words, output):
    code = words[2]
    meaning = yaml.safe_load(CODES.read_text(encoding="utf-8"))["codes"][code]["meaning"]
    assert output.startswith(f"{code}: {meaning.split('`')[0][:30]}")


def made_catalogs(me, words, output):
    assert words[2] == "update"
    assert re.findall(r": (\d+) message id\(s\) added", output) == ["0"] * len(me.project.languages.codes), output


MADE = {"init": made_init, "new-call": made_new_call, "check": made_check, "build": made_build,
        "import": made_import, "fill": made_fill, "collect": made_collect, "explain": made_explain,
        "catalogs": made_catalogs}


def test_the_readme_paths_work_in_a_fresh_project(tmp_path):
    me = Newcomer(tmp_path)
    typed = [c for path in RUN_PATHS for c in commands(section(path))]
    assert {"init", "new-call", "check", "build", "import", "fill", "collect", "explain"} \
        <= {shlex.split(c)[1] for c, _ in typed if c.startswith("formgen ")}
    for command, comment in typed:
        words = shlex.split(command)
        if words[0] == "cd":
            me.cwd = me.cwd / words[1]
            continue
        assert words[0] == "formgen", f"README runs {command!r}: add what it needs here"
        prepare(me, words)
        result = me.run(command)
        output = result.stdout + result.stderr
        if "exits 1" in comment:  # what a pseudo-language shows is meant to fail the check
            assert result.returncode in (0, 1), (command, output)
            problems = [line for line in output.splitlines() if re.match(r"FG\d", line)]
            assert all(re.match(r"FG41\d ", line) for line in problems), (command, output)
        else:
            assert result.returncode == 0, (command, output)
        MADE[words[1]](me, words, result.stdout if words[1] == "explain" else output)


# ---- links ---------------------------------------------------------------------------------------

def slug(heading: str) -> str:
    """The anchor GitHub gives a heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower().replace("`", ""))
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    text = FENCE.sub("", path.read_text(encoding="utf-8"))
    return {slug(line.lstrip("#")) for line in text.splitlines() if line.startswith("#")}


@pytest.mark.parametrize("page", [README, *sorted((ROOT / "docs").glob("*.md"))], ids=lambda p: p.name)
def test_every_link_leads_to_a_file_and_heading_that_exist(page):
    text = FENCE.sub("", page.read_text(encoding="utf-8"))
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"https?:", target):
            continue
        file, _, anchor = target.partition("#")
        linked = (page.parent / file).resolve() if file else page
        assert linked.exists(), f"{page.name}: link to {target}: no such file"
        if anchor:
            assert anchor in anchors(linked), f"{page.name}: link to {target}: no such heading"
