"""A returned PDF's button and choice values in every spelling PDF allows: a name or a string, with
or without the slash (pypdf writes a radio button's name as the string "/4"), a check box's /Yes,
/On or its export value. Both readers (formats/pdf/fields.py and read.py through qpdf) read each
alike, and collect takes it as the form's value."""
from __future__ import annotations

import io

import pikepdf
import pytest
from pypdf import PdfReader, PdfWriter

from generator.formats.pdf.fields import quick_fields
from generator.formats.pdf.read import qpdf_fields
from generator.model.kinds import check_value
from generator.pipeline import render_bytes
from test_kinds import FORM, MESSAGES, SHARED, definitions, options  # noqa: F401 (options: a fixture)
from tiny import tiny_document, tiny_form


@pytest.fixture(scope="module")
def blank(tmp_path_factory):
    form = tiny_form(tmp_path_factory.mktemp("tiny"), FORM, SHARED)
    return form, render_bytes(tiny_document(form, MESSAGES, "ru"), "pdf")


def filled_by_pypdf(pdf: bytes, values: dict[str, str]) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    for page in writer.pages:
        writer.update_page_form_field_values(page, values, auto_regenerate=False)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def with_value(pdf: bytes, field_id: str, value) -> bytes:
    """The field's /V set to `value` (a pikepdf Name or String) directly, as other programs write it."""
    with pikepdf.open(io.BytesIO(pdf)) as opened:
        field = next(f for f in opened.Root.AcroForm.Fields if str(f.get("/T", "")) == field_id)
        field.V = value
        out = io.BytesIO()
        opened.save(out)
        return out.getvalue()


def both_readers(pdf: bytes) -> dict[str, str]:
    quick, slow = quick_fields(pdf), qpdf_fields(pdf)
    assert quick is None or quick == slow
    return slow[0]


@pytest.mark.parametrize("given", ["/osh", "osh"])
def test_radio_and_choice_values_filled_by_pypdf_with_or_without_the_slash(blank, given, options):
    form, pdf = blank
    region = definitions(form)["region"]
    values = both_readers(filled_by_pypdf(pdf, {"region": given}))
    assert values["region"] == "osh"
    assert check_value(region, values["region"], options) == ("osh", None)


@pytest.mark.parametrize("value", [pikepdf.Name("/osh"), pikepdf.String("/osh"), pikepdf.String("osh")])
def test_a_radio_groups_value_as_a_name_or_a_string(blank, value):
    _, pdf = blank
    assert both_readers(with_value(pdf, "region", value))["region"] == "osh"


@pytest.mark.parametrize("value", [pikepdf.Name("/Yes"), pikepdf.Name("/On"), pikepdf.Name("/yes"),
                                   pikepdf.String("/Yes"), pikepdf.String("On"), pikepdf.String("yes")])
def test_a_check_box_ticked_in_any_spelling_reads_yes(blank, value, options):
    form, pdf = blank
    read = both_readers(with_value(pdf, "agree", value))["agree"]
    assert check_value(definitions(form)["agree"], read, options) == ("yes", None)


def test_a_check_box_left_off_reads_empty(blank):
    _, pdf = blank
    assert both_readers(with_value(pdf, "agree", pikepdf.Name("/Off")))["agree"] == ""


def test_a_text_fields_slash_is_kept(blank):
    _, pdf = blank
    assert both_readers(filled_by_pypdf(blank[1], {"name": "/4"}))["name"] == "/4"
