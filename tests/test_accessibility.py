"""Accessible PDFs: every PDF formgen writes (a build, a prefilled row, a letter on a letterhead, a
form written in a project) passes both PDF/UA checkers, and its structure tree, walked with pikepdf,
reads the document's own text in source order, each part in its language, with every page's
content tagged or an artifact and every widget in a Form element."""
from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pikepdf
import pytest

from conftest import require
from generator.formats.docx.write import style_id
from generator.formats.pdf.layout import render_blank, render_pdf_counted
from generator.formats.pdf.tags import reading_order
from generator.model.forms import Document, Field, Table
from generator.pipeline import localized_documents
from generator.sources.languages import builtin_languages
from test_fill_blank import sample_values
from test_letterhead import letterhead_pdf
from tiny import tiny_document, tiny_form

TOOLS = Path(sys.executable).parent  # the checkers installed beside the tests' Python (the test extra)
TINY = """
id: tiny
title: t.title
bilingual: {layout}
blocks:
  - {{p: t.heading, style: heading}}
  - {{p: t.intro}}
  - {{p: t.q1, style: bullet}}
  - p: t.rating
    style: answer
    fields:
      score: {{kind: rating, label: t.score}}
  - field: {{id: comment, kind: multiline, lines: 2, label: t.comment}}
  - {{p: t.q2, style: bullet}}
  - {{list: idea, count: 2, kind: text, label: t.idea}}
  - table: facts
    rows:
      - {{label: t.name, field: {{id: name, kind: text}}}}
      - {{label: t.agree, field: {{id: agree, kind: yesno}}}}
  - grid: costs
    rows: 2
    columns:
      - {{id: item, header: t.item, width: 40}}
      - {{id: sum, header: t.sum, width: 30, kind: amount}}
"""
MESSAGES = {
    "t.title": ("Заявка", "Арыз"), "t.heading": ("Сведения о заявителе", "Арыз ээси жөнүндө маалымат"),
    "t.intro": ("Ответьте на вопросы ниже.", "Төмөнкү суроолорго жооп бериңиз."),
    "t.q1": ("Как вы оцениваете работу?", "Ишти кандай баалайсыз?"),
    "t.rating": ("Оценка: {score}", "Баа: {score}"), "t.score": ("Оценка работы", "Иштин баасы"),
    "t.comment": ("Комментарий", "Түшүндүрмө"), "t.q2": ("Что предложите?", "Эмне сунуштайсыз?"),
    "t.idea": ("Предложение {number}", "Сунуш {number}"), "t.name": ("Название", "Аталышы"),
    "t.agree": ("Согласны", "Макулсузбу"), "t.item": ("Статья", "Берене"), "t.sum": ("Сумма", "Сумма"),
}


# ---- the PDFs ----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def made(tmp_path_factory) -> dict[str, tuple[bytes, Document]]:
    """{name: (PDF, its document)}: every document of a build of the built-in forms, each again prefilled as `fill`
    writes it, the letter on a letterhead PDF, and tiny forms of a project in both bilingual layouts."""
    from generator import DEFAULT_CALL
    from generator.sources.call import load_call

    folder = tmp_path_factory.mktemp("accessible")
    documents = localized_documents(load_call(DEFAULT_CALL), ("ru", "ky", "ru+ky"))
    made = {}
    for document in documents:
        name = f"{document.lang}/{document.form_id}"
        made[name] = render_pdf_counted(document)[0], document
        widgets = render_blank(document).widgets
        values = {w.field_id: "Ысык-Көл" for w in widgets if w.kind == "text"} | sample_values(widgets)
        made[f"{name} prefilled"] = render_pdf_counted(replace(document, row="Кара-Суу"), values)[0], document
        if document.letterhead_mm:
            from generator.formats.pdf.letterhead import with_letterhead
            made[f"{name} on a letterhead"] = with_letterhead(
                made[name][0], letterhead_pdf(folder / "blank.pdf"), document), document
    for layout in ("stacked", "columns"):
        (folder / layout).mkdir()
        form = tiny_form(folder / layout, TINY.format(layout=layout))
        for edition in ("ru", "ky", "ru+ky"):
            document = tiny_document(form, MESSAGES, edition)
            made[f"tiny {layout} {edition}"] = render_pdf_counted(document)[0], document
    return made


@pytest.fixture(scope="module")
def pdfs(made) -> dict[str, bytes]:
    return {name: data for name, (data, _) in made.items()}


@pytest.fixture(scope="module")
def files(pdfs, tmp_path_factory) -> dict[Path, str]:
    folder = tmp_path_factory.mktemp("checked")
    paths = {}
    for number, (name, data) in enumerate(pdfs.items()):
        path = folder / f"{number:03d}.pdf"
        path.write_bytes(data)
        paths[path] = name
    return paths


# ---- the checkers ------------------------------------------------------------------------------------

def test_outloud_finds_no_error_in_any_pdf(files, made):
    """Save one rule, whose heuristic is wrong for a page's footer: TAG-002 takes a footer with eight
    words or more for prose wrongly hidden as an artifact unless it recurs on two pages or more, so
    a one-page document's footer is reported (docs/accessibility.md). What the rule guards, that no
    text of the document is an artifact, `test_artifacts_are_the_page_furniture_alone` tests."""
    require((TOOLS / "outloud").exists(), "outloud", "pip install -e '.[test]'")
    run = subprocess.run([TOOLS / "outloud", "--fail-on", "never", "--json", "-", *files], capture_output=True,
                         text=True)
    wrong = []
    for result in json.loads(run.stdout)["results"]:
        name = files[Path(result["path"])]
        footer = made[name][1].footer
        wrong += [f"{name}: {finding['rule']} {finding['message']}: {finding.get('evidence')}"
                  for finding in result["findings"] if finding["severity"] == "error"
                  and not (finding["rule"] == "TAG-002" and finding["evidence"].rstrip("…") in footer)]
        if result["error"]:
            wrong.append(f"{name}: {result['error']}")
    assert not wrong, "\n".join(wrong)


def test_pdfua_finds_no_error_in_any_pdf(files):
    require((TOOLS / "pdfua").exists(), "pdfua", "pip install -e '.[test]'")
    run = subprocess.run([TOOLS / "pdfua", "check", "--min-severity", "error", "--quiet", *files],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


# ---- the structure, walked ----------------------------------------------------------------------------

class Walked:
    """What a screen reader gets from one PDF: each element's own text and effective language in
    reading order, which MCIDs are claimed, which widgets each Form element holds."""

    def __init__(self, data: bytes) -> None:
        self.pdf = pikepdf.open(io.BytesIO(data))
        self.pages = {page.obj.objgen: index for index, page in enumerate(self.pdf.pages)}
        self.marked = [marked_content(page) for page in self.pdf.pages]  # per page: {mcid: text}, artifacts
        self.texts: list[tuple[str, str, str]] = []  # (type, BCP 47 tag, text) of each element with text
        self.claimed: dict[tuple[int, int], int] = {}  # (page, mcid) → times an element claims it
        self.widgets: list[tuple[int, str]] = []  # (the widget's objgen, the Form's tag) in reading order
        tree = self.pdf.Root.StructTreeRoot
        self.walk(tree.K, str(self.pdf.Root.Lang), None)

    def walk(self, element, lang: str, page) -> None:
        lang = str(element.get("/Lang", lang))
        page = element.get("/Pg", page)
        kids = element.K if isinstance(element.K, pikepdf.Array) else [element.K]
        text = []
        for kid in kids:
            if isinstance(kid, int):
                text.append(self.mark(page, kid))
            elif kid.get("/Type") == "/MCR":
                text.append(self.mark(kid.Pg, int(kid.MCID)))
            elif kid.get("/Type") == "/OBJR":
                assert element.S == "/Form", f"a widget in a {element.S}"
                self.widgets.append((kid.Obj.objgen, lang))
            else:
                if text:
                    self.texts.append((str(element.S), lang, " ".join(text)))
                    text = []
                self.walk(kid, lang, page)
        if text:  # each sequence is a line or a piece of one: a reader parts them as the page does
            self.texts.append((str(element.S), lang, " ".join(text)))

    def mark(self, page, mcid: int) -> str:
        index = self.pages[page.objgen]
        self.claimed[index, mcid] = self.claimed.get((index, mcid), 0) + 1
        return self.marked[index][0].get(mcid, "")  # a letterhead's drawing shows no text of the page's own


def marked_content(page: pikepdf.Page) -> tuple[dict[int, str], list[str], list[str]]:
    """({mcid: its text}, texts shown outside any marked content, texts shown as artifacts) of a page."""
    fonts = {name: to_unicode(font) for name, font in page.obj.Resources.Font.items()}
    texts: dict[int, list[str]] = {}
    loose: list[str] = []
    artifacts: list[str] = []
    stack: list[int | None] = []  # the open sequences: an MCID, or None for an artifact
    font = None
    for operands, operator in pikepdf.parse_content_stream(page):
        name = str(operator)
        if name == "BDC":
            stack.append(int(operands[1].MCID) if "/MCID" in operands[1] else None)
            if stack[-1] is not None:
                texts.setdefault(stack[-1], [])
        elif name == "BMC":
            stack.append(None)
        elif name == "EMC":
            stack.pop()
        elif name == "Tf":
            font = fonts[str(operands[0])]
        elif name in ("Tj", "TJ"):
            strings = operands[0] if name == "TJ" else [operands[0]]
            shown = "".join(decoded(bytes(s), font) for s in strings if isinstance(s, pikepdf.String))
            if not stack:
                loose.append(shown)
            elif stack[-1] is not None:
                texts.setdefault(stack[-1], []).append(shown)
            else:
                artifacts.append(shown)
    assert not stack, "a marked-content sequence left open"
    # each text operator shows a line, or the words between two blanks of one: a reader parts them
    return {mcid: " ".join(parts) for mcid, parts in texts.items()}, loose, artifacts


def to_unicode(font) -> dict[int, str]:
    cmap = font.ToUnicode.read_bytes().decode()
    return {int(code, 16): bytes.fromhex(char).decode("utf-16-be")
            for code, char in re.findall(r"<([0-9A-F]{4})> <([0-9A-F]+)>", cmap)}


def decoded(data: bytes, font: dict[int, str]) -> str:
    return "".join(font[int.from_bytes(data[i:i + 2], "big")] for i in range(0, len(data), 2))


def test_every_text_is_tagged_or_an_artifact_and_claimed_by_one_element(pdfs):
    for name, data in pdfs.items():
        walked = Walked(data)
        for index, (texts, loose, _) in enumerate(walked.marked):
            assert not loose, f"{name} page {index + 1}: text outside marked content: {loose[:3]}"
            for mcid in texts:
                assert walked.claimed.get((index, mcid)) == 1, f"{name} page {index + 1}: MCID {mcid} claimed " \
                                                               f"{walked.claimed.get((index, mcid), 0)} times"
        tree = walked.pdf.Root.StructTreeRoot.ParentTree.Nums
        for index, page in enumerate(walked.pdf.pages):
            assert page.obj.Tabs == "/S" and int(page.obj.StructParents) == index
            assert int(tree[2 * index]) == index and len(tree[2 * index + 1]) == len(walked.marked[index][0])


def test_artifacts_are_the_page_furniture_alone(made):
    """What a reader skips: the footer, the page number, a table's header row again on a later page,
    and the bullet of a question's translation (its item has one already); never the document's text."""
    for name, (data, document) in made.items():
        headers = {paragraph.text for block in document.blocks if isinstance(block, Table)
                   for row in block.rows[:block.header_rows] for cell in row for paragraph in cell}
        for number, (_, _, artifacts) in enumerate(Walked(data).marked, 1):
            wrong = [text for text in artifacts if text not in (document.footer, str(number), "•")
                     and not any(text in header for header in headers)]  # a header's line
            assert not wrong, f"{name} page {number}: text marked as an artifact: {wrong}"


def test_every_widget_is_in_one_form_element_in_the_order_of_the_fields(pdfs, documents):
    """Tab order follows the structure (/Tabs /S): the Form elements are in the order the fields are
    drawn, which is the document's reading order, and each widget's /StructParent finds its Form."""
    for name, data in pdfs.items():
        walked = Walked(data)
        widgets = [annotation for page in walked.pdf.pages for annotation in page.obj.get("/Annots", [])]
        in_tree = [objgen for objgen, _ in walked.widgets]
        assert sorted(in_tree) == sorted(w.objgen for w in widgets), name
        names = [field_name(walked.pdf.get_object(objgen)) for objgen in in_tree]
        assert list(dict.fromkeys(names)) == list(dict.fromkeys(field_name(w) for w in widgets)), name
        parent_tree = walked.pdf.Root.StructTreeRoot.ParentTree.Nums
        keys = {int(parent_tree[i]): parent_tree[i + 1] for i in range(0, len(parent_tree), 2)}
        for widget in widgets:
            form = keys[int(widget.StructParent)]
            assert form.S == "/Form" and form.K.Obj.objgen == widget.objgen, name


def field_name(widget) -> str:
    return str(widget.get("/T") or widget.Parent.T)


def test_each_text_is_in_the_language_its_element_says(pdfs):
    """A letter that only one language of the registry has (ң ө ү: Kyrgyz) is never under another
    language's /Lang, and each language's text has its own letters where it has any."""
    languages = builtin_languages().languages
    own = {language.tag: set(language.letters) - set().union(*(set(other.letters) for other in languages
                                                                  if other is not language))
           for language in languages}
    for name, data in pdfs.items():
        walked = Walked(data)
        by_tag: dict[str, str] = {}
        for kind, tag, text in walked.texts:
            by_tag[tag] = by_tag.get(tag, "") + text
            for other, letters in own.items():
                assert other == tag or not letters & set(text), f"{name}: /{kind} in {tag} holds {other} text: {text}"
        for tag, text in by_tag.items():
            assert not own[tag] or own[tag] & set(text), f"{name}: nothing under {tag} is in that language"
        assert set(by_tag) <= set(own), name


def test_the_tree_reads_the_documents_text_in_source_order(documents):
    """Every word of every paragraph, in the order the document gives them (a bilingual edition's
    columns row by row), is read in that order, each paragraph's words in its own language."""
    from generator.language.bilingual import bilingual

    editions = list(documents.values())
    editions += [bilingual(documents[form, "ky"], documents[form, "ru"], layout)
                 for form in {form for form, _ in documents} for layout in ("stacked", "columns")]
    for document in editions:
        walked = Walked(render_pdf_counted(document)[0])
        read = [(word, tag) for _, tag, text in walked.texts for word in text.split()]
        expected = [(word, document.tag_of(paragraph.lang)) for paragraph in paragraphs_in_order(document)
                    for run in paragraph.runs if not isinstance(run, Field) for word in run.split()]
        at = 0
        for word in expected:
            while at < len(read) and read[at] != word:
                at += 1
            assert at < len(read), f"{document.form_id} {document.lang}: {word} is not read where it belongs"
            at += 1


def paragraphs_in_order(document):
    for block, _ in reading_order(document.blocks):
        if isinstance(block, Table):
            yield from (paragraph for row in block.rows for cell in row for paragraph in cell)
        else:
            yield block


def test_headings_lists_and_tables_are_marked_as_such(pdfs):
    """The title is H1 and a heading under it H2 (a form without a title: H1); a question list is an
    L of LI with a label and a body; a table's header row is TH scoped to its column, a label
    column TH scoped to its row."""
    for name in ("ky/annex2", "ru+ky/annex2", "tiny stacked ky", "tiny columns ru+ky"):
        with pikepdf.open(io.BytesIO(pdfs[name])) as pdf:
            kinds = [str(e.S) for e in elements(pdf.Root.StructTreeRoot.K)]
            assert "/H1" in kinds[:4], (name, kinds[:6])
            assert "/L" in kinds and "/LI" in kinds and "/Lbl" in kinds and "/LBody" in kinds, name
            scopes = {str(e.A.Scope) for e in elements(pdf.Root.StructTreeRoot.K) if e.S == "/TH"}
            assert scopes == {"/Column", "/Row"}, (name, scopes)
    with pikepdf.open(io.BytesIO(pdfs["ru/annex2"])) as pdf:
        headings = [str(e.S) for e in elements(pdf.Root.StructTreeRoot.K) if str(e.S).startswith("/H")]
        assert headings[0] == "/H1" and set(headings[1:]) == {"/H2"}


def elements(element):
    yield element
    kids = element.K if isinstance(element.K, pikepdf.Array) else [element.K]
    for kid in kids:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            yield from elements(kid)


def test_the_file_says_it_is_pdf_ua_with_its_title_in_each_language(pdfs, documents):
    with pikepdf.open(io.BytesIO(pdfs["ru+ky/annex2"])) as pdf:
        assert pdf.Root.MarkInfo.Marked is True and pdf.Root.ViewerPreferences.DisplayDocTitle is True
        assert str(pdf.Root.Lang) == "ky-KG"
        xmp = pdf.Root.Metadata.read_bytes().decode()
        assert "<pdfuaid:part>1</pdfuaid:part>" in xmp
        for lang, tag in (("ky", "ky-KG"), ("ru", "ru-RU")):
            assert f'<rdf:li xml:lang="{tag}">{documents["annex2", lang].title}</rdf:li>' in xmp
        assert str(pdf.docinfo.Title) in xmp


def test_the_letterhead_is_a_figure_described_in_the_letters_language(pdfs, documents):
    with pikepdf.open(io.BytesIO(pdfs["ky/interest_letter on a letterhead"])) as pdf:
        figure = pdf.Root.StructTreeRoot.K.K[0]
        assert figure.S == "/Figure" and str(figure.Alt) == documents["interest_letter", "ky"].letterhead_alt
        assert str(pdf.Root.Lang) == "ky-KG"
    walked = Walked(pdfs["ky/interest_letter on a letterhead"])
    assert "LETTERHEAD" not in " ".join(text for _, _, text in walked.texts)  # its text is the figure's


# ---- DOCX --------------------------------------------------------------------------------------------

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def docx_files(made):
    """{name: (python-docx Document, its document)} of every document but the prefilled and letterhead copies."""
    import docx

    from generator.pipeline import render_bytes

    return {name: (docx.Document(io.BytesIO(render_bytes(document, "docx"))), document)
            for name, (_, document) in made.items() if " " not in name or name.startswith("tiny")}


def test_docx_runs_are_in_their_paragraphs_language(docx_files):
    """Every run says its language (w:lang), so Word's reader and spelling switch with it; a Kyrgyz
    letter is never in a run said to be in another language."""
    languages = builtin_languages().languages
    own = {language.tag: set(language.letters) - set().union(*(set(other.letters) for other in languages
                                                                  if other is not language))
           for language in languages}
    for name, (word, document) in docx_files.items():
        tags = {language.tag for language in document.languages}
        for run in word.element.body.iter(f"{W}r"):
            text = "".join(t.text or "" for t in run.iter(f"{W}t"))
            if not text.strip():
                continue
            lang = run.find(f"{W}rPr/{W}lang")
            assert lang is not None and lang.get(f"{W}val") in tags, f"{name}: «{text}» has no language of the document"
            for other, letters in own.items():
                assert other == lang.get(f"{W}val") or not letters & set(text), f"{name}: «{text}» is {other}"


def test_docx_headings_header_rows_title_and_controls_are_what_a_reader_needs(docx_files):
    for name, (word, document) in docx_files.items():
        assert word.core_properties.title == document.title
        assert word.core_properties.language == document.tag_of(document.language)
        outline = {style.get(f"{W}styleId"): style.find(f"{W}pPr/{W}outlineLvl")
                   for style in word.styles.element.iter(f"{W}style")}
        levels = {style_id(style, keep): str(level) for style, level in (("title", 0), ("heading", 1))
                  for keep in (False, True)}
        used = [p.find(f"{W}pPr/{W}pStyle").get(f"{W}val") for p in word.element.body.iter(f"{W}p")
                if p.find(f"{W}pPr/{W}pStyle") is not None]
        expected = [paragraph.style for paragraph in document.paragraphs() if paragraph.style in ("title", "heading")]
        assert len([style for style in used if style in levels]) == len(expected), name
        for style in set(used):
            level = outline[style].get(f"{W}val") if outline.get(style) is not None else None
            assert level == levels.get(style), (name, style, level)
        tables = [block for block in document.blocks if isinstance(block, Table)]
        body_tables = word.element.body.findall(f"{W}tbl")
        assert len(body_tables) == len(tables), name
        for table, element in zip(tables, body_tables):
            rows = element.findall(f"{W}tr")
            marked = [row.find(f"{W}trPr/{W}tblHeader") is not None for row in rows]
            assert marked == [n < table.header_rows for n in range(len(rows))], name
        labels = {field.id: field.label for field in document.fields()}
        for control in word.element.body.iter(f"{W}sdt"):
            tag = control.find(f"{W}sdtPr/{W}tag").get(f"{W}val")
            assert control.find(f"{W}sdtPr/{W}alias").get(f"{W}val") == labels[tag], (name, tag)


def test_docx_page_code_is_a_decorative_picture(docx_files):
    """The QR code in the footer is for a scanner: marked decorative, a screen reader passes it over."""
    for name, (word, _) in docx_files.items():
        pictures = [element for part in word.part.package.parts if part.partname.startswith("/word/footer")
                    for element in part.blob.split(b"<wp:docPr")[1:]]
        assert pictures and all(b'<adec:decorative' in p.split(b"</wp:docPr>")[0] and b'val="1"' in p
                                for p in pictures), name
