"""A prefilled PDF is its blank with the row written in: only the filled fields and the page codes change."""
from __future__ import annotations

import io
from dataclasses import replace

import pikepdf
import pytest

from generator.formats.pdf.layout import fill_blank, render_blank, render_pdf


def sample_values(widgets) -> dict[str, str]:
    """A value for the first text field, multi-line field and rating of the form itself."""
    typed = {"text": "Ысык-Көл", "multiline": "Ңң Өө Үү\nэкинчи сап"}
    values, kinds = {}, set()
    for widget in widgets:
        if widget.kind in kinds or widget.kind not in (*typed, "rating"):
            continue
        values[widget.field_id] = typed.get(widget.kind, widget.choice)
        kinds.add(widget.kind)
    return values


def fields_of(data: bytes) -> dict[str, tuple[str, bytes | None]]:
    """{field name: (value, its widget's normal appearance content)}; a rating: its buttons' states."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        found = {}
        for field in pdf.Root.AcroForm.Fields:
            if "/Kids" in field:
                found[str(field.T)] = (str(field.get("/V")), b" ".join(str(k.AS).encode() for k in field.Kids))
            else:
                found[str(field.T)] = (str(field.get("/V", "")), field.AP.N.read_bytes())
        return found


def page_contents(data: bytes) -> list[bytes]:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return [page.obj.Contents.read_bytes() for page in pdf.pages]


@pytest.mark.parametrize("form", ["interest_letter", "annex2"])
def test_a_filled_copy_changes_only_the_filled_fields_and_the_page_codes(documents, form):
    document = documents[(form, "ky")]
    blank = render_blank(document)
    values = sample_values(blank.widgets)
    assert len(values) >= 2
    filled = fill_blank(blank, replace(document, row="Айыл аймагы 7"), values)
    before, after = fields_of(blank.data), fields_of(filled)
    assert before.keys() == after.keys()
    changed = {name for name in before if before[name] != after[name]}
    assert changed == set(values)
    for name, value in values.items():
        assert after[name][0] in (value, f"/{value}")
    assert page_contents(filled) == page_contents(blank.data)  # the printed page itself is the blank's
    assert filled != fill_blank(blank, replace(document, row="Айыл аймагы 8"), values)  # the codes name the row


def test_rendering_with_values_is_the_same_path_as_fill(documents):
    document = replace(documents[("annex2", "ru")], row="Town")
    blank = render_blank(document)
    values = sample_values(blank.widgets)
    out = io.BytesIO()
    render_pdf(document, out, values)
    assert out.getvalue() == fill_blank(blank, document, values)
    assert fill_blank(blank, replace(document, row=""), {}) == blank.data
