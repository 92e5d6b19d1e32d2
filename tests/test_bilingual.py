"""The ru+ky edition: each field once, labelled in both languages, every sentence of both catalogs,
and every document within its page budget."""
import io
import json
from collections import Counter

import docx
import pypdf
import pytest
from cli_runner import CliRunner

from generator.formats.docx import ooxml
from generator.pipeline import localized_documents, render_bytes
from generator.cli import app
from generator.model.forms import Paragraph, SignaturesDef, Table
from generator.sources.definitions import load_forms
from generator.sources.project import BUILTIN
from seed_text import words
from test_docx import static_text

FORMS = ("announcement", "interest_letter", "annex2")


@pytest.fixture(scope="module")
def editions(call):
    return {(d.form_id, d.lang): d for d in localized_documents(call, ("ru", "ky", "ru+ky"))}


@pytest.mark.parametrize("form", FORMS)
def test_each_field_once_labelled_in_both_languages(form, editions):
    both, ky, ru = editions[(form, "ru+ky")], editions[(form, "ky")], editions[(form, "ru")]
    assert [f.id for f in both.fields()] == [f.id for f in ky.fields()]
    ru_labels = {f.id: f.label for f in ru.fields()}
    ky_labels = {f.id: f.label for f in ky.fields()}
    for field in both.fields():  # Kyrgyz, the state language, first
        assert field.label == f"{ky_labels[field.id]} / {ru_labels[field.id]}"
    body = docx.Document(io.BytesIO(render_bytes(both, "docx"))).element.body
    assert [ooxml.control_tag(s) for s in ooxml.iter_controls(body)] == [f.id for f in ky.fields()]
    names = pypdf.PdfReader(io.BytesIO(render_bytes(both, "pdf"))).get_fields() or {}
    assert set(names) == {f.id for f in ky.fields()}


@pytest.mark.parametrize("form", FORMS)
def test_every_sentence_of_both_languages(form, editions):
    body = docx.Document(io.BytesIO(render_bytes(editions[(form, "ru+ky")], "docx"))).element.body
    found = Counter(words(static_text(body)))
    for lang in ("ky", "ru"):
        single = docx.Document(io.BytesIO(render_bytes(editions[(form, lang)], "docx"))).element.body
        missing = Counter(words(static_text(single))) - found
        assert not missing, f"{lang} words missing from the bilingual {form}: {sorted(missing)[:10]}"


def test_kyrgyz_comes_first(editions):
    letter = editions[("interest_letter", "ru+ky")]
    first_row = letter.blocks[0].rows[0]
    assert first_row[0][0].lang == "ky" and first_row[1][0].lang == "ru"
    assert letter.title.startswith("1-тиркеме. Кызыкдарлык каты")


def _under_signatures(document) -> list:
    return list(document.blocks[1 + next(n for n, b in enumerate(document.blocks)
                                         if isinstance(b, Table) and b.keep_together):])


def test_under_the_signatures_one_language_order(editions):
    """The signature block's columns are its signers: what follows it (date, stamp, contacts) runs
    across the page, the first language's words before the second's and before the blank, and no
    signer's column holds a lone «Дата» or «Контакты:»."""
    signed = [form for form in load_forms(BUILTIN.forms_dir).values() if form.bilingual == "columns"
              and any(isinstance(block, SignaturesDef) for block in form.blocks)]
    assert signed
    for form in signed:
        both = _under_signatures(editions[(form.id, "ru+ky")])
        ky, ru = _under_signatures(editions[(form.id, "ky")]), _under_signatures(editions[(form.id, "ru")])
        assert both and all(isinstance(block, Paragraph) for block in both) and len(both) == len(ky) == len(ru)
        for merged, first, second in zip(both, ky, ru):
            assert [run.id for run in merged.runs if not isinstance(run, str)] == \
                [run.id for run in first.runs if not isinstance(run, str)]
            expected = words(first.text) + (words(second.text) if words(second.text) != words(first.text) else [])
            assert words(merged.text) == expected


def test_documents_stay_within_their_page_budgets(tmp_path):
    result = CliRunner().invoke(app, ["build", "--out", str(tmp_path), "--no-site"])
    assert result.exit_code == 0, result.output
    budgets = {form.id: dict(form.pages) for form in load_forms().values()}
    files = json.loads((tmp_path / "2025" / "manifest.json").read_text(encoding="utf-8"))["files"]
    assert len(files) == 18
    for entry in files:
        assert 1 <= entry["pages"] <= budgets[entry["form"]][entry["lang"]], entry
