"""Word documents of forms as staff have them, made with python-docx for the tests of `formgen import`.

Annex 2 and the interest letter come from the seed texts (tests/seeds: plain-text exports of the
programme's Word documents), put back into Word as a Word user writes them: real tables (the
export's tab-indented cells), bullets as Word's own list (the export's «·»), blanks as underscores,
hints in brackets beside them, headings in bold, the annex line on the right, the addressee in the
right half, the signature line with a tab between its two parts. Where the letter of today's form
has blanks that the 2025 document did not, the document gets them as a Word user would draw them:
the outgoing number line («Исх. № ____ от «__» ______ 20__ г.»), and a blank for the contacts with
their description as its hint. The registration form for a contest of public hearings is a
document of another shape: a table of costs with a total, Word's own numbering, blank lines, a
line of hints under a line of blanks («(подпись)  (ФИО)»), «Дата «__» ____ 20__ г.», «М.П.».
"""
from __future__ import annotations

import re
from pathlib import Path

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm

from seed_text import SECTIONS, SEEDS, _index

SIGNATURE_GAP = re.compile(r" {4,}")
LETTER_EXTRAS = {
    "ru": ("Исх. № ________ от «___» ____________ 20__ г.",
           "Контакты: ______________________________ (телефоны сотовый и стационарный, почтовый и электронный адрес)"),
    "ky": ("Чыг. № ________, «___» ____________ 20__-ж.",
           "Байланыш маалыматы: ______________________________ (уюлдук жана стационардык телефон номерлери, почталык "
           "жана электрондук даректер.)"),
}


def seed_lines(form_id: str, lang: str) -> list[str]:
    """The lines of one document in a seed, as the export has them (no slip fixed, no hint taken out)."""
    lines = (SEEDS / f"call_{lang}.txt").read_text(encoding="utf-8").splitlines()
    start, end = SECTIONS[(form_id, lang)]
    first = _index(lines, start)
    last = len(lines) - 1 if end is None else _index(lines, end, first)
    return lines[first:last + 1]


def exported_blocks(lines: list[str]) -> list:
    """("p", text) and ("table", rows) of a plain-text export: a table's cells are lines starting with
    a tab; an empty line ends a row, two end the table; a line without a tab inside a table goes on
    the cell before it (a cell of two paragraphs)."""
    blocks, i = [], 0
    while i < len(lines):
        if lines[i].startswith("\t"):
            rows, i = _table(lines, i)
            blocks.append(("table", rows))
        else:
            if lines[i].strip():
                blocks.append(("p", lines[i].rstrip()))
            i += 1
    return blocks


def _table(lines: list[str], i: int) -> tuple[list[list[str]], int]:
    rows, row = [], []
    while i < len(lines):
        line = lines[i]
        if line.startswith("\t"):
            row.append(line[1:].strip())
        elif line.strip():
            row[-1] += "\n" + line.strip()
        elif i + 1 == len(lines) or not lines[i + 1].startswith("\t") and not lines[i + 1].strip():
            break
        elif lines[i + 1].startswith("\t") and row:
            rows.append(row)
            row = []
        i += 1
    if row:
        rows.append(row)
    return rows, i


# ---- how a Word user writes them ------------------------------------------------------------------

def new_document() -> docx.Document:
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    return document


def add_paragraph(document, text: str, align=None, bold: bool = False, style: str | None = None, indent=None):
    paragraph = document.add_paragraph(style=style)
    run = paragraph.add_run(text)
    run.bold = bold or None
    if align is not None:
        paragraph.alignment = align
    if indent is not None:
        paragraph.paragraph_format.left_indent = indent
    return paragraph


def add_table(document, rows: list[list[str]]) -> None:
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = "Table Grid"
    for cells, row in zip(rows, table.rows):
        for text, cell in zip(cells, row.cells):
            lines = text.split("\n")
            cell.paragraphs[0].text = lines[0]
            for line in lines[1:]:
                cell.add_paragraph(line)


def seed_document(form_id: str, lang: str, path: Path) -> Path:
    """Annex 2 or the letter in one language, as a Word document."""
    document = new_document()
    blocks = exported_blocks(seed_lines(form_id, lang))
    half = Mm(82)
    for index, (kind, content) in enumerate(blocks):
        if kind == "table":
            add_table(document, content)
            continue
        text = content.strip()
        following = blocks[index + 1][0] if index + 1 < len(blocks) else None
        if index == 0:
            add_paragraph(document, text, WD_ALIGN_PARAGRAPH.RIGHT)
        elif "БЛАНК" in text:
            add_paragraph(document, text, WD_ALIGN_PARAGRAPH.RIGHT, bold=True)
            if form_id == "interest_letter":
                add_paragraph(document, LETTER_EXTRAS[lang][0])
        elif text.startswith(("от ", "кимден:", "Институт", "Өнүктүрүү")) or set(text) == {"_"}:
            add_paragraph(document, text, indent=half)
        elif text.isupper() or text in ("Форматы предоставления информации", "Маалыматты берүү форматтары"):
            add_paragraph(document, text, WD_ALIGN_PARAGRAPH.CENTER, bold=True)
        elif text.startswith("·"):
            add_paragraph(document, text.lstrip("· ").strip(), style="List Bullet")
        elif following == "table" or text.startswith(("Также в произвольной", "Ошондой эле")):
            add_paragraph(document, text, bold=True)
        elif text.startswith(("Контакты:", "Байланыш маалыматы:")):
            add_paragraph(document, LETTER_EXTRAS[lang][1])
        else:
            add_paragraph(document, SIGNATURE_GAP.sub("\t", text))
    document.save(path)
    return path


# ---- a document of another shape: registration for a contest of public hearings -------------------

REGISTRATION = {
    "ru": {
        "annex": "Приложение 3", "title": "РЕГИСТРАЦИОННАЯ ФОРМА",
        "subtitle": "участника конкурса «Лучшие публичные слушания по местному бюджету»",
        "sections": ["Сведения об участнике", "Смета расходов на проведение слушаний",
                     "Краткое описание слушаний (не более одной страницы)"],
        "rows": ["Наименование айылного аймака/города", "Район, область", "ФИО ответственного лица", "Должность",
                 "Телефон", "Электронная почта", "Дата проведения публичных слушаний",
                 "Количество участников слушаний, человек", "Участвовали ли вы в конкурсе ранее (да/нет)"],
        "costs": ["№", "Статья расходов", "Количество", "Цена за единицу, сом", "Сумма, сом"], "total": "Итого",
        "send": "Заявку необходимо направить до 18:00 28 февраля 2025 года по эл. почте: office@dpi.kg. "
                "Контактное лицо: Мирлан Молдобеков, тел.: (0312) 97 65 30.",
        "signed": "Руководитель\t________________\t________________", "hints": "(подпись)\t\t(ФИО)",
        "date": "Дата «___» ____________ 20__ г.", "stamp": "М.П.",
    },
    "ky": {
        "annex": "3-тиркеме", "title": "КАТТОО ФОРМАСЫ",
        "subtitle": "«Жергиликтүү бюджет боюнча эң мыкты коомдук угуулар» сынагынын катышуучусунун",
        "sections": ["Катышуучу жөнүндө маалымат", "Угууларды өткөрүүгө кеткен чыгымдардын сметасы",
                     "Угуулардын кыскача сүрөттөлүшү (бир беттен ашпасын)"],
        "rows": ["Айыл аймагынын/шаардын аталышы", "Району, облусу", "Жооптуу адамдын аты-жөнү", "Кызматы",
                 "Телефону", "Электрондук почтасы", "Коомдук угуулардын өткөрүлгөн датасы",
                 "Угууларга катышкандардын саны, адам", "Мурда сынакка катышкансызбы (ооба/жок)"],
        "costs": ["№", "Чыгымдын беренеси", "Саны", "Бирдигинин баасы, сом", "Суммасы, сом"], "total": "Жыйынтыгы",
        "send": "Өтүнмөнү 2025-жылдын 28-февралы саат 18:00гө чейин office@dpi.kg электрондук почтасына жөнөтүү "
                "керек. Байланыш адамы: Мирлан Молдобеков, тел.: (0312) 97 65 30.",
        "signed": "Жетекчи\t________________\t________________", "hints": "(колу)\t\t(аты-жөнү)",
        "date": "Дата «___» ____________ 20__-ж.", "stamp": "М.О.",
    },
}
COST_ROWS = 4


def registration_document(lang: str, path: Path, **changes: str) -> Path:
    texts = {**REGISTRATION[lang], **changes}
    document = new_document()
    add_paragraph(document, texts["annex"], WD_ALIGN_PARAGRAPH.RIGHT)
    add_paragraph(document, texts["title"], WD_ALIGN_PARAGRAPH.CENTER, bold=True)
    add_paragraph(document, texts["subtitle"], WD_ALIGN_PARAGRAPH.CENTER)
    first, costs, described = texts["sections"]
    add_paragraph(document, first, style="List Number")  # Word numbers the sections itself
    add_table(document, [[label, ""] for label in texts["rows"]])
    add_paragraph(document, costs, style="List Number")
    total = ["", texts["total"], "", "", ""]
    add_table(document, [texts["costs"], *([str(n), "", "", "", ""] for n in range(1, COST_ROWS + 1)), total])
    add_paragraph(document, described, style="List Number")
    for _ in range(3):
        add_paragraph(document, "_" * 70)
    add_paragraph(document, texts["send"])
    add_paragraph(document, texts["signed"])
    add_paragraph(document, texts["hints"])
    add_paragraph(document, texts["date"])
    add_paragraph(document, texts["stamp"])
    document.save(path)
    return path


def all_documents(folder: Path, langs=("ru", "ky")) -> dict[tuple[str, str], Path]:
    """{(name, lang): path} of Annex 2, the letter and the registration form in each language."""
    made = {}
    for name in ("annex2", "interest_letter", "registration"):
        for lang in langs:
            target = folder / f"{name}-{lang}.docx"
            made[name, lang] = registration_document(lang, target) if name == "registration" \
                else seed_document(name, lang, target)
    return made
