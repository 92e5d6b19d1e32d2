"""`formgen import`: Word documents as staff have them become a form that checks, builds, fills and
collects, and reproduces the documents' text; the blanks found are compared with the hand-written
definitions of the same documents (forms/annex2.yaml, forms/interest_letter.yaml)."""
from __future__ import annotations

import difflib
import json
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
from generator.model.forms import Field, GridDef, Paragraph, Table
from generator.pipeline import localizers
from generator.sources.call import load_call
from generator.sources.definitions import load_forms
from generator.sources.project import project_at
from import_documents import registration_document, seed_document
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
    paths = {}
    for name in PAIRS:
        for lang in LANGS:
            target = root / f"{name}-{lang}.docx"
            paths[name, lang] = registration_document(lang, target) if name == "registration" \
                else seed_document(name, lang, target)
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
