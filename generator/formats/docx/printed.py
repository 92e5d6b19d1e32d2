"""A DOCX printed to PDF (Writer's or Word's "Save as PDF", a browser's print of it): no field is
left, but every answer is in the page text, and the footer gives the form's code as text
(write.py). The code names the form and edition; the page text, read with PDFium, is lined up
with the blank's words (match.py), and what stands where a control stands is its answer.

PDFium gives each character with its position: a table row whose cells run together in the text is
cut at the columns the form's own words show (its headers, the row numbers). Each answer comes with
a confidence, as a scan's does: sure where the form's words on both sides of it were found as the
blank has them, lower where they were not, and a person checks those below REVIEW_BELOW.
(pypdf's and pdfminer's text lose the positions or take ten times as long; PDFium is already what
reads scans.)
"""
from __future__ import annotations

import re
from collections import Counter
from difflib import SequenceMatcher
from pathlib import Path
from typing import Iterable, NamedTuple

from ...errors import FormgenError
from ...model.forms import Document
from ...model.messages import said
from ...model.page_id import PREFIX, parse
from . import match

MAX_PAGES = 60  # a form prints on a few pages
MAX_PAGE_CHARACTERS = 20_000  # a page of small type holds 6 000
SURE, UNSURE_BOUNDS, SPLIT_BY_COLUMNS, RUN_TOGETHER = 95, 60, 85, 30  # confidences, 0–100 as OCR's
REVIEW_BELOW = 65
REVIEW_DPI = 150  # a field to check is shown on the review page as printed,
REVIEW_MARGIN = (4.0, 2.0)  # with this much room (points) beside and above and below its words
MAX_LOST_WORDS = 12  # form words missing around a control past which its answer is not placed
COLUMN_SLACK = 3.0  # points a cell's text may start left of its column's words
CODE = re.compile(PREFIX + r" \S+ \S+ \S+ [0-9a-f]{6}\b")
NOT_TEXT = re.compile("[\x00-\x08\x0b-\x1f\ue000-\uf8ff]")  # control codes, a symbol font's bullets: no word
CHARACTERS = {"\ufffe": "-", "\x02": "-", "\u00ad": "", "\r": ""}  # PDFium's hyphen and soft hyphen; "\r\n" ends a line
WORD_CHARACTER = re.compile(r"\w")  # as match.WORD cuts the blank's text


class Reading(NamedTuple):
    """One field as read from the printed text: as a scan's reading (scan/read.py), for the workbook's
    confidence column and the review page."""

    field_id: str
    value: str
    confidence: float
    review: bool
    image: bytes = b""
    problem: str = ""
    area: tuple = ()  # (page, left, bottom, right, top) in points: where its words are printed


class Printed(NamedTuple):
    form: str
    readings: list[Reading]
    problems: list[str]


class Word(NamedTuple):
    key: str
    text: str  # with what follows it: a space or a line break
    x: float  # its first character's left edge, in points
    line: int
    right: float = 0.0  # its last character's right edge
    page: int = 0
    bottom: float = 0.0
    top: float = 0.0


def printed_values(path: Path, data: bytes, documents: Iterable[Document]) -> Printed | None:
    """What a PDF printed from a formgen DOCX holds, or None when its text carries no formgen code."""
    pages = _page_words(path, data)
    text = "".join(word.text for page in pages for word in page)
    found = CODE.search(text.replace("\n", " "))
    if found is None:
        return None
    code = parse(found.group())
    document = _document(path, code, list(documents))
    from .read import blank_of  # the blank's tokens, as a returned DOCX is matched against them
    from .write import page_code

    if code.text() != page_code(document):
        raise FormgenError(path, "", said("problem.printed_other_version", form=code.form, edition=code.edition,
                                          code=found.group()), said("problem.fix_this_calls_blank"))
    words = [word for page in pages for word in _without_furniture(page, document.footer, found.group())]
    if len(words) > match.MAX_TOKENS:
        raise FormgenError(path, "", said("problem.printed_too_long", form=code.form, edition=code.edition,
                                          limit=match.MAX_TOKENS), said("problem.fix_form_itself"))
    form = blank_of(document)
    blank = [token for token in form.tokens if token.key[0] != "\x01"]
    held, form_words = Counter(word.key for word in words), form.words
    shared = 2 * sum((held & form_words).values()) / max(sum(held.values()) + sum(form_words.values()), 1)
    if shared < match.MIN_SHARE:
        raise FormgenError(path, "", said("problem.printed_not_the_form", form=code.form, edition=code.edition),
                           match.ORIGINAL_FILE)
    readings, problems = _readings(blank, words, _column_edges(blank, words, form.grids))
    return Printed(document.form_id, _shown(data, readings), problems)


def _document(path: Path, code, documents: list[Document]) -> Document:
    for document in documents:
        if (document.form_id, document.lang) == (code.form, code.edition):
            return document
    raise FormgenError(path, "", said("problem.printed_unknown_form", form=code.form, edition=code.edition),
                       said("problem.fix_project"))


# ---- the page text -----------------------------------------------------------------------------------

def _page_words(path: Path, data: bytes) -> list[list[Word]]:
    """Each page's words and punctuation, in PDFium's reading order, with positions."""
    try:
        import pypdfium2 as pdfium
        import pypdfium2.raw as pdfium_c
    except ImportError as exc:
        raise FormgenError(path, "", said("problem.printed_needs", module=exc.name), "pip install 'formgen[scan]'") \
            from None
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise FormgenError(path, "", said("problem.damaged_pdf", detail=str(exc)), said("problem.fix_save_again")) \
            from None
    pages = []
    try:
        for number in range(min(len(pdf), MAX_PAGES)):
            try:
                page = pdf[number]
                text_page = page.get_textpage()
            except pdfium.PdfiumError:  # a page PDFium cannot load: no text of a form (the scan reader says so)
                continue
            if text_page.count_chars() <= MAX_PAGE_CHARACTERS:  # else no page of a form: its text is not read
                pages.append(_words(text_page, pdfium_c, number))
            text_page.close()
            page.close()
    finally:
        pdf.close()
    return pages


def _words(text_page, pdfium_c, page: int) -> list[Word]:
    """The page's words and marks; a word's text ends with a space or a line break when one follows."""
    words: list[Word] = []
    current, x, right, line, bottom, top = "", 0.0, 0.0, 0, 0.0, 0.0
    for index in range(text_page.count_chars()):
        char = chr(pdfium_c.FPDFText_GetUnicode(text_page.raw, index))
        char = CHARACTERS.get(char, NOT_TEXT.sub("", char))
        if WORD_CHARACTER.match(char):
            left, low, right, high = text_page.get_charbox(index)
            if not current:
                x, bottom, top = left, low, high
            current += char
            bottom, top = min(bottom, low), max(top, high)
            continue
        if current:
            words.append(Word(current.casefold(), current, x, line, right, page, bottom, top))
            current = ""
        if char.isspace():
            if words and not words[-1].text[-1:].isspace():
                words[-1] = words[-1]._replace(text=words[-1].text + ("\n" if char == "\n" else " "))
            line += char == "\n"
        elif char:
            left, low, edge, high = text_page.get_charbox(index)
            words.append(Word(char.casefold(), char, left, line, edge, page, low, high))
    if current:
        words.append(Word(current.casefold(), current, x, line, right, page, bottom, top))
    return words


def _without_furniture(words: list[Word], footer: str, code: str) -> list[Word]:
    """A page's words less its footer: the line naming the call, the code, the page number."""
    lines: dict[int, list[Word]] = {}
    for word in words:
        lines.setdefault(word.line, []).append(word)
    plain = [key for key, _ in match.WORD.findall(footer)]
    dropped = {number for number, line in lines.items()
               if _footer_line([word.text.strip() for word in line], plain, code)}
    for number in list(dropped):  # the page number on a line of its own next to the footer
        for near in (number - 1, number + 1, number - 2):
            line = lines.get(near, [])
            if near not in dropped and len(line) == 1 and line[0].key.isdigit():
                dropped.add(near)
                break
    return [word for word in words if word.line not in dropped]


def _footer_line(keys: list[str], footer: list[str], code: str) -> bool:
    """Whether a line is the footer's: the one with the code, or the call's line (or, wrapped, its
    first or last part)."""
    if PREFIX in keys and code.replace(" ", "") in "".join(keys):
        return True
    return keys == footer or (len(keys) > 3 and (keys == footer[:len(keys)] or keys == footer[-len(keys):]))


# ---- answers -------------------------------------------------------------------------------------------

def _column_edges(blank: list[match.Token], words: list[Word], grids: list[list[int]]) -> dict[int, list[float]]:
    """{table: the left edge of each of its columns on the printed page}: the blank's column widths
    placed by the centres of the table's header cells (formgen centres them) found in the text, so a
    page printed at another scale or margin is cut alike."""
    centres: dict[tuple[int, int], tuple[float, float]] = {}
    matcher = SequenceMatcher(None, [t.key for t in blank], [w.key for w in words], autojunk=False)
    for i1, j1, size in matcher.get_matching_blocks():
        for i, j in zip(range(i1, i1 + size), range(j1, j1 + size)):
            place = blank[i].place
            if len(place) == 3 and place[1] == 0:
                left, right = centres.get((place[0], place[2]), (words[j].x, words[j].right))
                centres[(place[0], place[2])] = (min(left, words[j].x), max(right, words[j].right))
    edges = {}
    for table, widths in enumerate(grids):
        starts = [sum(widths[:column]) for column in range(len(widths) + 1)]
        seen = sorted((column, (left + right) / 2) for (number, column), (left, right) in centres.items()
                      if number == table and column < len(widths))
        if len(seen) < 2 or seen[0][0] == seen[-1][0]:
            continue
        (first, at_first), (last, at_last) = seen[0], seen[-1]
        middle = [(starts[column] + starts[column + 1]) / 2 for column in (first, last)]
        scale = (at_last - at_first) / (middle[1] - middle[0])
        edges[table] = [at_first + (start - middle[0]) * scale for start in starts[:-1]]
    return edges


def _readings(blank: list[match.Token], words: list[Word], edges: dict[int, list[float]]) -> tuple[list[Reading], list[str]]:
    matcher = SequenceMatcher(None, [t.key for t in blank], [w.key for w in words], autojunk=False)
    readings, problems = [], []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        slots = [blank[i] for i in range(i1, i2) if blank[i].control is not None]
        if op == "equal" or not slots:
            continue
        lost = sum(1 for i in range(i1, i2) if blank[i].control is None)
        text = words[j1:j2]
        if lost > MAX_LOST_WORDS:
            for slot in slots:
                field = slot.control.field
                readings.append(Reading(field.id, "", 0, True, problem="not placed"))
                problems.append(said("problem.not_in_print", field=field.id))
            continue
        sure = SURE if lost == 0 else UNSURE_BOUNDS
        if len(slots) == 1:
            readings.append(_reading(slots[0], text, sure))
            continue
        readings += _split(slots, text, edges, sure, problems)
    return readings, problems


def _split(slots: list[match.Token], text: list[Word], edges: dict[int, list[float]], sure: float,
           problems: list[str]) -> list[Reading]:
    """The text where several controls stand side by side. An empty control prints its placeholder,
    which cuts the text; controls in one table row take the words in their columns; what is still
    together goes to the first, to be checked."""
    readings = []
    for group, words in _at_placeholders(slots, text):
        if len(group) == 1:
            readings.append(_reading(group[0], words, sure))
        elif _in_columns(group, edges):
            readings += _by_columns(group, words, edges[group[0].place[0]], sure)
        else:
            readings += _together(group, words, sure, problems)
    return readings


def _at_placeholders(slots: list[match.Token], text: list[Word]) -> list[tuple[list[match.Token], list[Word]]]:
    """(controls, their words) cut where a control's placeholder stands: that control has none."""
    keys = [word.key for word in text]
    groups, start, first = [], 0, 0
    for k, slot in enumerate(slots):
        placeholder = [key for key, _ in match.WORD.findall(slot.control.placeholder.casefold())]
        at = _find(keys, placeholder, start) if placeholder else -1
        if at < 0:
            continue
        if k > first:
            groups.append((slots[first:k], text[start:at]))
        groups.append(([slot], []))
        start, first = at + len(placeholder), k + 1
    if first < len(slots):
        groups.append((slots[first:], text[start:]))
    elif start < len(text) and groups:  # typed after the last placeholder: beside that control
        groups[-1] = (groups[-1][0], text[start:])
    return groups


def _find(keys: list[str], wanted: list[str], start: int) -> int:
    for at in range(start, len(keys) - len(wanted) + 1):
        if keys[at:at + len(wanted)] == wanted:
            return at
    return -1


def _in_columns(slots: list[match.Token], edges: dict[int, list[float]]) -> bool:
    """Whether the controls are cells of one row of a table whose columns are known, one a column."""
    places = [slot.place for slot in slots]
    return (all(len(place) == 3 and place[0] in edges and place[2] < len(edges[place[0]]) for place in places)
            and len({place[:2] for place in places}) == 1 and len({place[2] for place in places}) == len(places))


def _by_columns(slots: list[match.Token], text: list[Word], edges: list[float], sure: float) -> list[Reading]:
    """Each word to the cell it starts in (or the nearest control's to its left)."""
    column_of = {slot.place[2]: k for k, slot in enumerate(slots)}
    parts: dict[int, list[Word]] = {k: [] for k in range(len(slots))}
    for word in text:
        column = max((c for c, edge in enumerate(edges) if edge <= word.x + COLUMN_SLACK), default=0)
        held = [c for c in column_of if c <= column]
        parts[column_of[max(held)] if held else 0].append(word)
    return [_reading(slot, parts[k], min(sure, SPLIT_BY_COLUMNS)) for k, slot in enumerate(slots)]


def _together(slots: list[match.Token], text: list[Word], sure: float, problems: list[str]) -> list[Reading]:
    ids = [slot.control.field.id for slot in slots]
    joined = _text(text, slots[0])
    if joined:
        problems.append(said("problem.run_together", field=ids[0], other_fields=", ".join(ids[1:]),
                             text=match.excerpt(joined)))
    confidence = RUN_TOGETHER if joined else sure
    area = _area(text)
    return [_reading(slots[0], text, confidence),
            *(Reading(slot.control.field.id, "", confidence, bool(joined), area=area) for slot in slots[1:])]


def _reading(slot: match.Token, text: list[Word], confidence: float) -> Reading:
    value = _text(text, slot)
    return Reading(slot.control.field.id, value, confidence, confidence < REVIEW_BELOW, area=_area(text))


def _area(words: list[Word]) -> tuple:
    """(page, left, bottom, right, top) around the words printed on their first page, or () for none."""
    if not words:
        return ()
    on_page = [word for word in words if word.page == words[0].page]
    return (words[0].page, min(w.x for w in on_page), min(w.bottom for w in on_page),
            max(w.right for w in on_page), max(w.top for w in on_page))


def _shown(data: bytes, readings: list[Reading]) -> list[Reading]:
    """The readings a person checks, each with its picture as printed (PNG), as a scan's field has:
    the review page shows it beside the text read."""
    wanted = [k for k, reading in enumerate(readings) if reading.review and reading.area]
    if not wanted:
        return readings
    import io

    import pypdfium2 as pdfium

    readings = list(readings)
    pdf = pdfium.PdfDocument(data)
    try:
        for k in wanted:
            number, left, bottom, right, top = readings[k].area
            page = pdf[number]
            width, height = page.get_size()
            side, above = REVIEW_MARGIN
            crop = (max(0.0, left - side), max(0.0, bottom - above), max(0.0, width - right - side),
                    max(0.0, height - top - above))
            picture = page.render(scale=REVIEW_DPI / 72, crop=crop, grayscale=True).to_pil()
            png = io.BytesIO()
            picture.save(png, "PNG")
            readings[k] = readings[k]._replace(image=png.getvalue())
            page.close()
    finally:
        pdf.close()
    return readings


def _text(words: list[Word], slot: match.Token) -> str:
    """The words as printed, less the control's placeholder (an empty control prints it)."""
    text = "".join(word.text for word in words).strip()
    if slot.control.field.kind != "multiline":
        text = text.replace("\n", " ")
    placeholder = " ".join(slot.control.placeholder.split())
    if placeholder:
        flat = " ".join(text.split())
        if flat == placeholder:
            return ""
        if flat.startswith(placeholder):
            return flat[len(placeholder):].strip()
    return text
