"""The field kinds on tiny inline forms: each kind in DOCX (read back with python-docx), in PDF
(selected and typed in PDFium, read back with pypdf, rendered), checked by fill and collect."""
from __future__ import annotations

import io
from decimal import Decimal

import docx
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from generator.formats.docx import ooxml
from generator.pipeline import render_bytes
from generator.commands.collect import total_problems
from generator.sources.definitions import column_sums, iter_field_defs
from generator.errors import FormgenError
from generator.commands.fill import RowChecker
from generator.language.localize import label_texts
from generator.model.kinds import KINDS, check_value, show_amount
from generator.formats.docx.read import read_docx_values
from test_pdf import KYRGYZ_LETTERS, click, flattened, ink, page_image, pdf_values, type_text, unembedded_fonts_drawn, widgets
from tiny import localizer, tiny_document, tiny_form

EDITIONS = ("ru", "ky", "ru+ky")
FORM = """
id: tiny
title: t.title
choices:
  regions:
    - {value: chui, label: t.chui}
    - {value: osh, label: t.osh}
    - {value: naryn, label: t.naryn}
blocks:
  - {p: t.title, style: title}
  - table: general
    rows:
      - {label: t.region, field: {id: region, kind: choice, choices: regions, required: true}}
      - {label: t.oblast, field: {id: oblast, kind: choice, choices: oblasts}}
      - {label: t.agree, field: {id: agree, kind: yesno, required: true}}
      - {label: t.budget, field: {id: budget, kind: amount, min: 0, max: 5000000}}
      - {label: t.email, field: {id: email, kind: email}}
      - {label: t.phone, field: {id: phone, kind: phone}}
      - {label: t.count, field: {id: count, kind: number, min: 1, max: 100}}
      - {label: t.name, field: {id: name, kind: text, max_length: 20}}
  - grid: costs
    rows: 3
    total: t.total
    columns:
      - {id: item, header: t.item, width: 40}
      - {id: people, header: t.people, width: 20, kind: number}
      - {id: sum, header: t.sum, width: 30, kind: amount}
  - p: t.sign
    fields:
      head_signature: {kind: signature, required: true}
"""
SHARED = """
choices:
  oblasts:
    - {value: batken, label: t.batken}
    - {value: jalal_abad, label: t.jalal_abad}
    - {value: issyk_kul, label: t.issyk_kul}
    - {value: talas, label: t.talas}
    - {value: chui, label: t.chui}
"""
MESSAGES = {
    "t.title": ("Заявка", "Арыз"), "t.chui": ("Чуйская", "Чүй"), "t.osh": ("Ошская", "Ош"),
    "t.naryn": ("Нарынская", "Нарын"), "t.batken": ("Баткенская", "Баткен"),
    "t.jalal_abad": ("Джалал-Абадская", "Жалал-Абад"), "t.issyk_kul": ("Иссык-Кульская", "Ысык-Көл"),
    "t.talas": ("Таласская", "Талас"), "t.region": ("Область", "Облус"), "t.oblast": ("Ещё область", "Дагы облус"),
    "t.agree": ("Согласны", "Макулсузбу"), "t.budget": ("Бюджет", "Бюджет"), "t.email": ("Почта", "Почта"),
    "t.phone": ("Телефон", "Телефон"), "t.count": ("Количество", "Саны"), "t.name": ("Имя", "Аты"),
    "t.total": ("Итого", "Жыйынтыгы"), "t.item": ("Статья", "Берене"), "t.people": ("Человек", "Адам"),
    "t.sum": ("Сумма", "Сумма"), "t.sign": ("Подпись: {head_signature}", "Колу: {head_signature}"),
}


@pytest.fixture(scope="module")
def form(tmp_path_factory):
    return tiny_form(tmp_path_factory.mktemp("tiny"), FORM, SHARED)


@pytest.fixture(scope="module")
def documents(form):
    return {edition: tiny_document(form, MESSAGES, edition) for edition in EDITIONS}


@pytest.fixture(scope="module")
def options():
    return label_texts([localizer(MESSAGES, "ru"), localizer(MESSAGES, "ky")])


def definitions(form):
    return {f.id: f for f in iter_field_defs(form)}


# ---- definitions -----------------------------------------------------------------------------------

@pytest.mark.parametrize("change, problem", [
    ("kind: choice, choices: regions", None),
    ("kind: choice", "a choice field needs 'choices'"),
    ("kind: choice, choices: regionz", "no choice list 'regionz'"),
    ("kind: text, choices: regions", "a text field has no choices"),
    ("kind: text, min: 1", "a text field takes no min"),
    ("kind: number, max_length: 3", "a number field takes no max_length"),
    ("kind: amount, min: 5, max: 1", "min is larger than max"),
    ("kind: amount, min: 'five'", "'five' is not a number"),
    ("kind: colour", "unknown field kind 'colour'"),
])
def test_definition_errors_name_the_place(tmp_path, change, problem):
    text = FORM.replace("kind: choice, choices: regions, required: true", change)
    if problem is None:
        assert tiny_form(tmp_path, text, SHARED).id == "tiny"
        return
    with pytest.raises(FormgenError) as error:
        tiny_form(tmp_path, text, SHARED)
    assert problem in error.value.line() and "tiny.yaml: blocks[1].rows[0].field" in error.value.line()


def test_a_choice_list_needs_unique_ascii_values(tmp_path):
    with pytest.raises(FormgenError, match="value 'osh' is given twice"):
        tiny_form(tmp_path, FORM.replace("value: naryn", "value: osh"), SHARED)
    with pytest.raises(FormgenError, match="'Нарын' is not an option value"):
        tiny_form(tmp_path, FORM.replace("value: naryn", "value: Нарын"), SHARED)


# ---- checking values (fill and collect) ------------------------------------------------------------

@pytest.mark.parametrize("field_id, given, value, problem", [
    ("region", "osh", "osh", None), ("region", "Чүй", "chui", None), ("region", "чуйская", "chui", None),
    ("region", "Атлантида", "Атлантида", "is not one of the choices"),
    ("oblast", "Ысык-Көл", "issyk_kul", None),
    *[("agree", word, "yes", None) for word in ("yes", "Да", "ооба", "1", "true")],
    *[("agree", word, "no", None) for word in ("no", "нет", "Жок", "0", "false")],
    ("agree", "maybe", "maybe", "is not yes or no"),
    ("budget", "1 250 000", "1250000", None), ("budget", "15\u00a0000,50", "15000.5", None),
    ("budget", "15000.50", "15000.5", None), ("budget", "-1", "-1", "less than the smallest allowed, 0"),
    ("budget", "9 000 000", "9000000", "more than the largest allowed, 5000000"),
    ("budget", "1,234", "1,234", "more than two decimals"), ("budget", "much", "much", "not a sum of money"),
    ("count", "0", "0", "less than the smallest allowed, 1"), ("count", "12", "12", None),
    ("email", "aa@example.kg", "aa@example.kg", None), ("email", "aa@", "aa@", "not an e-mail address"),
    ("phone", "+996 555 123 456", "+996 555 123 456", None), ("phone", "(0312) 62-13-14", "(0312) 62-13-14", None),
    ("phone", "call me", "call me", "not a phone number"),
    ("name", "Ү" * 20, "Ү" * 20, None), ("name", "Ү" * 21, "Ү" * 21, "more than the 20 this field holds"),
    ("head_signature", "x", "x", "cannot be filled in from data"),
])
def test_values_are_checked_and_made_canonical(form, options, field_id, given, value, problem):
    result, found = check_value(definitions(form)[field_id], given, options)
    assert result == value
    assert (found is None) if problem is None else (problem in found)


def test_amounts_are_written_with_the_languages_grouping():
    assert show_amount("1250000", "ru") == "1\u00a0250\u00a0000" and show_amount("15000.5", "ky") == "15\u00a0000,50"


def test_fill_adds_up_a_grid_and_refuses_a_wrong_total(form, options):
    checker = RowChecker(definitions(form), options=options, forms=[form])
    values, problems, _ = checker({"costs_1_sum": "1 000", "costs_2_sum": "250,50", "costs_1_people": "3",
                                "costs_3_people": "4"})
    assert problems == [] and values["costs_total_sum"] == "1250.5" and values["costs_total_people"] == "7"
    _, problems, _ = checker({"costs_1_sum": "1 000", "costs_total_sum": "999"})
    assert [column for column, _ in problems] == ["costs_total_sum"]


def test_collect_reports_a_tampered_total(form):
    values = {"costs_1_sum": "1000", "costs_2_sum": "250.5", "costs_total_sum": "1250.5"}
    assert column_sums(form, values)["costs_total_sum"] == Decimal("1250.5")
    assert total_problems(form, values) == []
    assert total_problems(form, {**values, "costs_total_sum": "9999"}) == [
        "costs_total_sum: total 9999 is not the sum of its column, 1250.5"]


# ---- the localized document -----------------------------------------------------------------------

@pytest.mark.parametrize("edition", EDITIONS)
def test_required_blanks_are_marked_and_the_mark_explained(documents, edition):
    document = documents[edition]
    texts = [p.text for p in document.paragraphs()]
    assert any(text.startswith("Облус *") or text.startswith("Область *") for text in texts)
    note = {"ru": "* — обязательно для заполнения", "ky": "* — толтурулушу милдеттүү"}
    assert all(any(note[lang] in text for text in texts) for lang in edition.split("+"))
    assert not any("Бюджет *" in text for text in texts)


@pytest.mark.parametrize("edition", EDITIONS)
def test_a_grid_total_row_has_a_field_under_each_numeric_column(documents, edition):
    grid = [b for b in documents[edition].blocks if getattr(b, "header_rows", 0)][0]
    last = grid.rows[-1]
    assert {"ru": "Итого"}.get(edition, "Жыйынтыгы") == last[1][0].text
    assert [cell[0].runs[0].id for cell in last[2:]] == ["costs_total_people", "costs_total_sum"]


# ---- DOCX --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("edition", EDITIONS)
def test_docx_controls_read_back_with_python_docx(documents, edition, options, form):
    values = {"region": "naryn", "oblast": "issyk_kul", "agree": "yes", "budget": "1\u00a0250\u00a0000",
              "email": "a@b.kg"}
    data = render_bytes(documents[edition], "docx", values)
    body = docx.Document(io.BytesIO(data)).element.body
    controls = {ooxml.control_tag(sdt): sdt for sdt in ooxml.iter_controls(body)}
    assert "head_signature" not in controls  # signed on paper: a line with its label
    signature = "колу" if edition != "ru" else "подпись"
    assert any(ooxml.SIGNATURE_LINE in p.text and signature in p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
    assert ooxml.control_kind(controls["region"]) == "dropdown"
    items = [(i.get(ooxml.qn("w:value")), i.get(ooxml.qn("w:displayText"))) for i in controls["region"].iter(ooxml.qn("w:listItem"))]
    labels = {"ru": "Нарынская", "ky": "Нарын", "ru+ky": "Нарын / Нарынская"}[edition]
    assert items[2] == ("naryn", labels) and [v for v, _ in items] == ["chui", "osh", "naryn"]
    assert ooxml.control_kind(controls["agree"]) == "checkbox"
    read = read_docx_values(io.BytesIO(data))
    assert read["region"] == labels and read["agree"] == "yes" and read["budget"] == "1\u00a0250\u00a0000"
    assert read["name"] == "" and read["costs_total_sum"] == ""
    fields = definitions(form)
    assert check_value(fields["region"], read["region"].split(" / ")[0], options)[0] == "naryn"
    assert check_value(fields["budget"], read["budget"], options)[0] == "1250000"
    blank = read_docx_values(io.BytesIO(render_bytes(documents[edition], "docx")))
    assert blank["agree"] == "no" and blank["region"] == ""


# ---- PDF ---------------------------------------------------------------------------------------------

def test_pdf_widgets_by_kind(documents):
    import pikepdf

    data = render_bytes(documents["ky"], "pdf")
    with pikepdf.open(io.BytesIO(data)) as pdf:
        fields = {str(f.T): f for f in pdf.Root.AcroForm.Fields}
        assert fields["region"].FT == "/Btn" and [str(k) for kid in fields["region"].Kids for k in kid.AP.N.keys()
                                                 if k != "/Off"] == ["/chui", "/osh", "/naryn"]
        options = [[str(part) for part in option] for option in fields["oblast"].Opt]
        assert fields["oblast"].FT == "/Ch" and options[0] == ["", ""] and options[3][1] == "Ысык-Көл"  # empty first
        assert fields["agree"].FT == "/Btn" and not int(fields["agree"].get("/Ff", 0)) & (1 << 15)
        assert fields["head_signature"].FT == "/Sig" and "/V" not in fields["head_signature"]
        assert int(fields["name"].MaxLen) == 20 and int(pdf.Root.AcroForm.SigFlags) == 1
    assert unembedded_fonts_drawn(data) == []


@pytest.mark.parametrize("edition", EDITIONS)
def test_pdfium_user_selects_ticks_and_types(documents, edition):
    data = render_bytes(documents[edition], "pdf")
    places = widgets(data)
    pdf = pdfium.PdfDocument(data)
    pdf.init_forms()
    page = pdf[0]
    click(pdf, page, next(rect for _, rect, choice in places["region"] if choice == "osh"))
    click(pdf, page, places["agree"][0][1])
    click(pdf, page, places["oblast"][0][1])
    assert pdfium_c.FORM_SetIndexSelected(pdf.formenv.raw, page.raw, 3, True)  # after the empty first option
    type_text(pdf, page, places["costs_1_item"][0][1], KYRGYZ_LETTERS)
    type_text(pdf, page, places["email"][0][1], "aa@example.kg")
    pdfium_c.FORM_ForceToKillFocus(pdf.formenv.raw)
    saved = io.BytesIO()
    pdf.save(saved)
    values = pdf_values(saved.getvalue())
    assert (values["region"], values["agree"], values["oblast"]) == ("/osh", "/yes", "issyk_kul")
    assert values["costs_1_item"] == KYRGYZ_LETTERS and values["email"] == "aa@example.kg"
    image, height = page_image(flattened(saved.getvalue()), 0)
    for field_id in ("oblast", "costs_1_item", "agree"):  # the saved appearances have ink
        assert ink(image, places[field_id][0][1], height) > 10, field_id


@pytest.mark.parametrize("edition", EDITIONS)
def test_prefilled_pdf_shows_labels_in_the_documents_language(documents, edition):
    values = {"region": "naryn", "oblast": "issyk_kul", "agree": "yes", "budget": "1\u00a0250\u00a0000"}
    data = render_bytes(documents[edition], "pdf", values)
    assert {k: pdf_values(data)[k] for k in values} == {"region": "/naryn", "oblast": "issyk_kul", "agree": "/yes",
                                                         "budget": "1\u00a0250\u00a0000"}
    pdf = flattened(data)
    text = pdf[0].get_textpage().get_text_range()
    assert {"ru": "Иссык-Кульская", "ky": "Ысык-Көл", "ru+ky": "Ысык-Көл / Иссык-Кульская"}[edition] in text
    assert ("Нарын" in text) and ("Нарынская" in text) == (edition != "ky")
    places = widgets(data)
    image, height = page_image(pdf, 0)
    assert ink(image, places["agree"][0][1], height, inset=1) > 10
    assert ink(image, next(r for _, r, c in places["region"] if c == "naryn"), height, inset=1) > 10
    assert ink(image, next(r for _, r, c in places["region"] if c == "osh"), height, inset=3) == 0


def test_every_kind_is_in_the_tiny_form(form):
    assert {f.kind for f in iter_field_defs(form)} >= set(KINDS) - {"multiline", "date", "rating"}


# ---- signatures ----------------------------------------------------------------------------------

def self_signed_signer():
    """A signer with a certificate made here, which no trust store knows."""
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    from asn1crypto import keys, x509 as asn1_x509
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Айыл өкмөтү (test)")])
    now = dt.datetime.now(dt.timezone.utc)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
                   .not_valid_after(now + dt.timedelta(days=30)).sign(key, hashes.SHA256()))
    der_key = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    cert = asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))
    return signers.SimpleSigner(signing_cert=cert, signing_key=keys.PrivateKeyInfo.load(der_key),
                                cert_registry=SimpleCertificateStore.from_certs([cert]))


def sign(data: bytes, field: str) -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    out = signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(data)), signers.PdfSignatureMetadata(field_name=field),
                           signer=self_signed_signer())
    return out.getvalue()


def test_pyhanko_signs_the_empty_field_and_collect_reports_it(documents, tmp_path, caplog):
    from generator.formats.pdf.read import read_pdf_values
    from generator.formats.pdf.signatures import signature_states

    signed = sign(render_bytes(documents["ky"], "pdf", {"region": "osh"}), "head_signature")
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed)
    assert read_pdf_values(path)["head_signature"] == "signed"
    state = signature_states(path)["head_signature"]
    assert state.intact and state.whole_file and not state.trusted
    assert state.summary() == "signed, whole file, certificate chain not verified"
    assert not [r for r in caplog.records if r.name.startswith("pyhanko")]  # no traceback for the unverifiable chain

    later = tmp_path / "changed.pdf"  # a value changed after signing: the signature no longer covers the file
    import pikepdf
    with pikepdf.open(path) as pdf:
        field = next(f for f in pdf.Root.AcroForm.Fields if str(f.T) == "email")
        field.V = pikepdf.String("x@y.kg")
        pdf.save(later)  # pikepdf rewrites the file: the signed bytes move
    assert not signature_states(later)["head_signature"].intact

    appended = tmp_path / "appended.pdf"
    appended.write_bytes(signed + b"\n% added after signing\n")
    assert signature_states(appended)["head_signature"].whole_file is False
    assert signature_states(appended)["head_signature"].intact


# ---- other viewers ---------------------------------------------------------------------------------

def test_pdfjs_selects_ticks_and_the_kyrgyz_label_has_ink(documents, tmp_path):
    from test_pdfjs import READY, fill_with_pdfjs
    from conftest import require
    import shutil
    from generator.formats.pdf.read import read_pdf_values

    require(READY, "pdf.js", "npm install --prefix tests/pdfjs")
    source, saved = tmp_path / "tiny.pdf", tmp_path / "saved.pdf"
    source.write_bytes(render_bytes(documents["ky"], "pdf"))
    values = {"region": "osh", "oblast": "issyk_kul", "agree": "yes", "costs_1_item": KYRGYZ_LETTERS}
    fill_with_pdfjs(shutil.which("node"), source, saved, values)
    assert {k: v for k, v in read_pdf_values(saved).items() if v} == values
    data = saved.read_bytes()
    pdf = flattened(data)
    image, height = page_image(pdf, 0)
    for field_id in ("oblast", "costs_1_item", "agree"):  # pdf.js drew «Ысык-Көл» and ҢңӨөҮү with the embedded font
        assert ink(image, widgets(data)[field_id][0][1], height) > 10, field_id
    x0, y0, x1, y1 = widgets(data)["oblast"][0][1]
    assert pdf[0].get_textpage().get_text_bounded(x0, y0, x1, y1).strip() == "Ысык-Көл"  # the label, not the value


def test_poppler_draws_a_selected_kyrgyz_label(documents, tmp_path):
    from test_poppler import PDFTOPPM, poppler_page
    from conftest import require

    require(PDFTOPPM, "poppler", "apt-get install poppler-utils")
    data = render_bytes(documents["ky"], "pdf", {"oblast": "issyk_kul", "agree": "yes", "region": "naryn"})
    places = widgets(data)
    image = poppler_page(data, 0, tmp_path)
    assert ink(image, places["oblast"][0][1], 842) > 30 and ink(image, places["agree"][0][1], 842, inset=1) > 10
    assert ink(image, places["email"][0][1], 842) == 0


@pytest.mark.parametrize("edition", EDITIONS)
def test_docx_with_every_kind_is_valid_against_the_transitional_schemas(documents, edition):
    from test_docx_schema import schema, without_ignorable, xml_parts

    for values in ({}, {"region": "osh", "agree": "yes", "budget": "1\u00a0250\u00a0000"}):
        for name, root in xml_parts(render_bytes(documents[edition], "docx", values)):
            valid = schema().validate(without_ignorable(root))
            assert valid, "\n".join(f"{name}:{e.line}: {e.message}" for e in list(schema().error_log)[:5])


# ---- end to end: a project made by `formgen init`, a new form with every kind -------------------------

def project_with_tiny_form(root):
    from cli_runner import CliRunner
    from generator.cli import app

    assert CliRunner().invoke(app, ["init", str(root)]).exit_code == 0
    # the project's own oblasts (the letter's) stay; the tiny form's shared list joins them
    (root / "forms" / "tiny.yaml").write_text(FORM.replace("choices: oblasts", "choices: tiny_oblasts"),
                                              encoding="utf-8")
    shared = root / "forms" / "choices.yaml"
    lists = SHARED.split("choices:\n", 1)[1].replace("  oblasts:", "  tiny_oblasts:")
    shared.write_text(shared.read_text(encoding="utf-8") + lists, encoding="utf-8")
    settings = root / "forms" / "project.yaml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("folder_name: [", "folder_name: [name, "),
                        encoding="utf-8")
    for number, lang in enumerate(("ru", "ky")):
        po = root / "locales" / lang / "LC_MESSAGES" / "forms.po"
        entries = "".join(f'\nmsgid "{key}"\nmsgstr "{pair[number]}"\n' for key, pair in MESSAGES.items())
        po.write_text(po.read_text(encoding="utf-8") + entries, encoding="utf-8")
    return root


def test_a_new_form_with_every_kind_checks_builds_fills_and_collects(tmp_path):
    import csv
    import json

    from cli_runner import CliRunner
    from generator.cli import app
    from generator.formats.pdf.read import read_pdf_values

    root = project_with_tiny_form(tmp_path / "project")
    run = lambda *args: CliRunner().invoke(app, [*map(str, args), "--project", str(root)])  # noqa: E731
    result = run("check")
    assert result.exit_code == 0, result.output
    result = run("build", "--form", "tiny", "--out", tmp_path / "built", "--no-site")
    assert result.exit_code == 0, result.output
    built = sorted(p.relative_to(tmp_path / "built" / "2025").as_posix() for p in (tmp_path / "built").rglob("tiny.*"))
    assert built == sorted(f"{lang}/tiny.{fmt}" for lang in ("ky", "ru", "ru+ky") for fmt in ("docx", "pdf"))

    rows = [{"name": "Ала-Бука", "region": "Нарын", "agree": "ооба", "budget": "1 250 000", "email": "a@b.kg",
             "count": "5", "costs_1_sum": "1 000", "costs_2_sum": "250,50"},
            {"name": "Кочкор", "region": "Атлантида", "agree": "жок", "budget": "", "email": "", "count": "",
             "costs_1_sum": "", "costs_2_sum": ""},
            {"name": "Ноокат", "region": "osh", "agree": "", "budget": "", "email": "a@", "count": "0",
             "costs_1_sum": "", "costs_2_sum": ""}]
    data = tmp_path / "rows.csv"
    with data.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    result = run("fill", "--data", data, "--form", "tiny", "--out", tmp_path / "filled", "--jobs", "1")
    assert result.exit_code == 1
    assert f"{data}: row 3, column region: 'Атлантида' is not one of the choices" in result.output
    assert f"{data}: row 4, column email: 'a@' is not an e-mail address" in result.output
    assert f"{data}: row 4, column count: 0 is less than the smallest allowed, 1" in result.output
    manifest = json.loads((tmp_path / "filled" / "manifest.json").read_text(encoding="utf-8"))
    assert [row["row"] for row in manifest["rows"]] == [2]
    pdf = next((tmp_path / "filled").rglob("ky/tiny.pdf"))
    values = read_pdf_values(pdf)
    assert (values["region"], values["agree"], values["budget"], values["costs_total_sum"]) == (
        "naryn", "yes", "1\u00a0250\u00a0000", "1\u00a0250,50")

    returned = tmp_path / "returned" / "Ала-Бука"
    (tmp_path / "returned" / "from-word").mkdir(parents=True)
    returned.mkdir(parents=True)
    docx_file = tmp_path / "returned" / "from-word" / "tiny.docx"
    docx_file.write_bytes(next((tmp_path / "filled").rglob("ru/tiny.docx")).read_bytes())
    import pikepdf
    with pikepdf.open(pdf) as document:  # the applicant "corrects" the total by hand
        field = next(f for f in document.Root.AcroForm.Fields if str(f.T) == "costs_total_sum")
        field.V = pikepdf.String("9 999")
        document.save(returned / "tiny.pdf")
    (tmp_path / "returned" / "blank").mkdir()
    (tmp_path / "returned" / "blank" / "tiny.pdf").write_bytes((tmp_path / "built" / "2025" / "ky" / "tiny.pdf").read_bytes())
    (tmp_path / "returned" / "signed").mkdir()
    (tmp_path / "returned" / "signed" / "tiny.pdf").write_bytes(sign(pdf.read_bytes(), "head_signature"))
    out = tmp_path / "applications.json"
    result = run("collect", tmp_path / "returned", "--out", out)
    tables = json.loads(out.read_text(encoding="utf-8"))
    signed = [a for a in tables["general"] if a["application"].endswith("signed")]
    assert [a["head_signature"] for a in signed] == ["signed, whole file, certificate chain not verified"]
    assert len(tables["general"]) == 4
    blank = next(a for a in tables["general"] if a["application"].endswith("blank"))
    assert (blank["agree"], blank["region"], blank["head_signature"]) == ("no", "", "")
    for application in (a for a in tables["general"] if a is not blank):  # the Russian DOCX and the Kyrgyz PDF give the same values
        assert (application["region"], application["agree"], application["budget"], application["email"],
                application["oblast"]) == ("naryn", "yes", "1250000", "a@b.kg", "")
    problems = [(p["application"], p["problem"]) for p in tables["problems"]]
    assert (str(returned), "costs_total_sum: total 9999 is not the sum of its column, 1250.5") in problems
    assert not any("costs_total_sum: total" in problem for file, problem in problems if "from-word" in file)
    assert (str(returned), "tiny: required field 'head_signature' is empty") in problems
    assert (str(tmp_path / "returned" / "blank"), "tiny: required field 'agree' is not ticked") in problems
    assert not any("'agree'" in problem for file, problem in problems if not file.endswith("blank"))

    from openpyxl import load_workbook  # the workbook says the signature's state in its own language
    for lang, state in (("ru", "подписано, подпись охватывает весь файл, цепочка сертификатов не проверена"),
                        ("ky", "кол коюлган, кол бүт файлды камтыйт, сертификаттардын чынжыры текшерилген жок")):
        book = tmp_path / f"applications-{lang}.xlsx"
        run("collect", tmp_path / "returned" / "signed", "--out", book, "--lang", lang)
        sheet = load_workbook(book)["general"]
        column = [cell.value for cell in sheet[2]].index("head_signature") + 1
        assert sheet.cell(3, column).value == state


def test_a_scanned_answer_is_returned_as_canonically_as_a_typed_one(tmp_path, monkeypatch):
    """OCR reads a sum as printed («1 250 000»); collect reports it as it does a digital one."""
    from generator import DEFAULT_CALL
    from generator.scan import read as scan
    from generator.sources.call import load_call
    from generator.commands.collect import Forms, _read_scan
    from generator.formats.registry import FILE_KINDS
    from generator.model.page_id import PageId
    from generator.sources.project import project_at

    project = project_at(project_with_tiny_form(tmp_path / "project"))
    page = scan.ScannedPage("scan.png, page 1", PageId("2025", "tiny", "ky", 1, 1, "abc123"),
                            [scan.Reading("budget", "1 250 000", 90.0), scan.Reading("costs_1_sum", "15 000,50", 90.0)])
    monkeypatch.setattr(scan, "read_scan", lambda path, kind, layouts: scan.ScanResult([page]))
    png = next(kind for kind in FILE_KINDS if kind.name == "png")
    found, problems = _read_scan(tmp_path / "scan.png", png, Forms(load_call(DEFAULT_CALL), project))
    assert problems == [] and found[0][1].values == {"budget": "1250000", "costs_1_sum": "15000.5"}
