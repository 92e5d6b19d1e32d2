"""A workbook written as SpreadsheetML directly: what `collect` writes.

openpyxl took half a second to import and about 25 µs a cell; this writes the same workbook in a
fraction of that, with fixed dates, so equal tables give equal bytes. Each sheet has two header
rows (the labels, bold and wrapped; the ids, grey), both frozen with the first column, an
autofilter on the second, widths from what the columns hold; a number is a numeric cell with a
number format, a date a date cell, a link a hyperlink to a returned file, and a cell a person must
check has a yellow fill.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Iterable, Sequence

from ..xmltext import ESCAPES
from ..zips import write_zip

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
REVIEW_FILL = "FFFFE699"
LINK_COLOUR = "FF0563C1"
ID_COLOUR = "FF808080"
HEADER_ROWS = 2
_SPECIAL = re.compile('[&<>"]')  # most cells have none: one search is quicker than translating every one
_EPOCH = dt.date(1899, 12, 30)  # day 0 of a workbook's dates (1900 date system, as Excel counts past 1 March 1900)

# cellXfs: the style index of each kind of cell (_styles writes them in this order)
PLAIN, REVIEW, LABEL, FIELD_ID, WHOLE, FRACTION, AMOUNT, DATE, LINK = range(9)
NUMBER_STYLES = {"number": (WHOLE, FRACTION), "amount": (AMOUNT, AMOUNT)}  # (whole, with a fraction)
WIDTH_MIN, WIDTH_MAX, LABEL_WIDTH_MAX = 8, 50, 30  # characters
LINE_HEIGHT = 15  # points: a line of the label row
LABEL_LINES_MAX = 6


class Link(str):
    """A cell's text that links to `target`, a URI relative to the workbook (or absolute)."""

    target: str

    def __new__(cls, text: str, target: str) -> "Link":
        link = super().__new__(cls, text)
        link.target = target
        return link


def workbook_bytes(sheets: Iterable[tuple[str, Sequence[str], Sequence[str], Sequence[Sequence], Sequence[str]]],
                   marked: type) -> bytes:
    """An .xlsx of (sheet name, labels, ids, rows, number kinds): a row's cell is text (a `marked`
    one gets the review fill; a Link is a hyperlink), a Decimal (written with the number format of
    its column's kind, `number` or `amount`) or a date."""
    sheets = list(sheets)
    names = sheet_names([sheet[0] for sheet in sheets])
    parts = [("[Content_Types].xml", _content_types(len(sheets))), ("_rels/.rels", _package_relationships()),
             ("xl/workbook.xml", _workbook(names, [_last_cell(sheet) for sheet in sheets])),
             ("xl/_rels/workbook.xml.rels", _workbook_relationships(len(sheets))), ("xl/styles.xml", _styles())]
    for number, (_, labels, ids, rows, kinds) in enumerate(sheets, start=1):
        xml, links = _sheet(labels, ids, rows, kinds, marked)
        parts.append((f"xl/worksheets/sheet{number}.xml", xml))
        if links:
            parts.append((f"xl/worksheets/_rels/sheet{number}.xml.rels", _link_relationships(links)))
    return write_zip((name, text.encode("utf-8")) for name, text in parts)


SHEET_NAME_LENGTH = 31  # Excel calls a workbook with a longer sheet name damaged


def sheet_names(names: list[str]) -> list[str]:
    """The names as Excel accepts them: at most 31 characters, none of : \\ / ? * [ ], and unique
    regardless of case (a grid's id may be longer, or two may share their first 31 characters)."""
    taken: set[str] = set()
    result = []
    for name in names:
        base = "".join("_" if char in ':\\/?*[]' else char for char in name)[:SHEET_NAME_LENGTH] or "sheet"
        candidate, number = base, 1
        while candidate.casefold() in taken:
            number += 1
            candidate = f"{base[:SHEET_NAME_LENGTH - len(str(number)) - 1]}~{number}"
        taken.add(candidate.casefold())
        result.append(candidate)
    return result


def _last_cell(sheet) -> str:
    """The bottom right cell of the sheet's table, header rows included: the autofilter's end."""
    _, labels, _, rows, _ = sheet
    return f"{_column_letters(max(len(labels), 1) - 1)}{len(rows) + HEADER_ROWS}"


def _sheet(labels: Sequence[str], ids: Sequence[str], rows: Sequence[Sequence], kinds: Sequence[str],
           marked: type) -> tuple[str, list[str]]:
    """The worksheet's XML, and the targets of its links in order (relationship rId1, rId2, …)."""
    width = max(len(labels), max((len(row) for row in rows), default=0))
    letters = [_column_letters(column) for column in range(width)]
    widths = _widths(labels, ids, rows, width)
    number_styles = [NUMBER_STYLES.get(kind, (WHOLE, FRACTION)) for kind in kinds] + [(WHOLE, FRACTION)] * width
    links: list[str] = []
    lines = [f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}" '
             f'xmlns:r="{RELATIONSHIPS}"><sheetViews><sheetView workbookViewId="0">'
             f'<pane xSplit="1" ySplit="{HEADER_ROWS}" topLeftCell="B{HEADER_ROWS + 1}" activePane="bottomRight" '
             'state="frozen"/><selection pane="bottomRight" activeCell="A1" sqref="A1"/></sheetView></sheetViews>'
             f'<sheetFormatPr defaultRowHeight="{LINE_HEIGHT}"/>{_columns(widths)}<sheetData>',
             _header_row(1, labels, letters, LABEL, _label_height(labels, widths)),
             _header_row(2, ids, letters, FIELD_ID)]
    for number, row in enumerate(rows, start=HEADER_ROWS + 1):
        cells = []
        for column, value in enumerate(row):
            reference = f"{letters[column]}{number}"
            if isinstance(value, str):
                if isinstance(value, Link):
                    links.append(value.target)
                    cells.append(_text(reference, value, LINK))
                elif value or isinstance(value, marked):
                    cells.append(_text(reference, value, REVIEW if isinstance(value, marked) else PLAIN))
            elif isinstance(value, Decimal):
                style = number_styles[column][value != value.to_integral_value()]
                cells.append(f'<c r="{reference}" s="{style}"><v>{value}</v></c>')
            elif isinstance(value, dt.date):
                cells.append(f'<c r="{reference}" s="{DATE}"><v>{(value - _EPOCH).days}</v></c>')
        lines.append(f'<row r="{number}">{"".join(cells)}</row>')
    last = _column_letters(max(width, 1) - 1)
    lines.append(f'</sheetData><autoFilter ref="A{HEADER_ROWS}:{last}{len(rows) + HEADER_ROWS}"/>')
    if links:
        lines.append(f'<hyperlinks>{"".join(_hyperlinks(rows, letters))}</hyperlinks>')
    lines.append("</worksheet>")
    return "".join(lines), links


def _hyperlinks(rows: Sequence[Sequence], letters: list[str]) -> Iterable[str]:
    """A hyperlink element per Link cell, numbered as _sheet collected their targets."""
    count = 0
    for number, row in enumerate(rows, start=HEADER_ROWS + 1):
        for column, value in enumerate(row):
            if isinstance(value, Link):
                count += 1
                yield f'<hyperlink ref="{letters[column]}{number}" r:id="rId{count}"/>'


def _header_row(number: int, texts: Sequence[str], letters: list[str], style: int, height: float = 0) -> str:
    cells = "".join(_text(f"{letters[column]}{number}", text, style) for column, text in enumerate(texts))
    tall = f' ht="{height:g}" customHeight="1"' if height else ""
    return f'<row r="{number}"{tall}>{cells}</row>'


def _text(reference: str, value: str, style: int) -> str:
    shown = f' s="{style}"' if style else ""
    if not value:
        return f'<c r="{reference}"{shown}/>'
    text = value.translate(ESCAPES) if _SPECIAL.search(value) else value
    return f'<c r="{reference}"{shown} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def _widths(labels: Sequence[str], ids: Sequence[str], rows: Sequence[Sequence], width: int) -> list[int]:
    """Each column as wide as its longest id or value (a label wraps, up to LABEL_WIDTH_MAX), within bounds."""
    widths = [max(len(ids[column]) if column < len(ids) else 0,
                  min(len(labels[column]) if column < len(labels) else 0, LABEL_WIDTH_MAX)) for column in range(width)]
    for row in rows:
        for column, value in enumerate(row):
            size = len(value) if isinstance(value, str) else 10 if isinstance(value, dt.date) else len(str(value)) + 3
            if size > widths[column]:
                widths[column] = size
    return [min(max(size + 2, WIDTH_MIN), WIDTH_MAX) for size in widths]


def _label_height(labels: Sequence[str], widths: list[int]) -> float:
    """The label row tall enough for its longest wrapped label (a workbook does not measure it on opening)."""
    lines = max((-(-len(label) // max(widths[column] - 2, 1)) for column, label in enumerate(labels)), default=1)
    return LINE_HEIGHT * min(max(lines, 1), LABEL_LINES_MAX)


def _columns(widths: list[int]) -> str:
    if not widths:
        return ""
    cols = "".join(f'<col min="{number}" max="{number}" width="{size}" customWidth="1"/>'
                   for number, size in enumerate(widths, start=1))
    return f"<cols>{cols}</cols>"


def _column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _workbook(names: list[str], last_cells: list[str]) -> str:
    sheets = "".join(f'<sheet name="{name.translate(ESCAPES)}" sheetId="{number}" r:id="rId{number}"/>'
                     for number, name in enumerate(names, start=1))
    # the autofilters' ranges, named as Excel and LibreOffice name them
    filters = "".join(f'<definedName name="_xlnm._FilterDatabase" localSheetId="{index}" hidden="1">'
                      f"'{name.replace(chr(39), chr(39) * 2).translate(ESCAPES)}'!$A${HEADER_ROWS}:"
                      f"${_absolute(last)}</definedName>" for index, (name, last) in enumerate(zip(names, last_cells)))
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{MAIN}" '
            f'xmlns:r="{RELATIONSHIPS}"><sheets>{sheets}</sheets><definedNames>{filters}</definedNames></workbook>')


def _absolute(cell: str) -> str:
    """B12 → B$12 (after the $ the caller writes before the column)."""
    digits = next(index for index, char in enumerate(cell) if char.isdigit())
    return f"{cell[:digits]}${cell[digits:]}"


def _workbook_relationships(count: int) -> str:
    sheets = "".join(f'<Relationship Id="rId{number}" Type="{RELATIONSHIPS}/worksheet" '
                     f'Target="worksheets/sheet{number}.xml"/>' for number in range(1, count + 1))
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">'
            f'{sheets}<Relationship Id="rId{count + 1}" Type="{RELATIONSHIPS}/styles" Target="styles.xml"/>'
            "</Relationships>")


def _link_relationships(targets: list[str]) -> str:
    links = "".join(f'<Relationship Id="rId{number}" Type="{RELATIONSHIPS}/hyperlink" '
                    f'Target="{target.translate(ESCAPES)}" TargetMode="External"/>'
                    for number, target in enumerate(targets, start=1))
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">{links}</Relationships>')


def _package_relationships() -> str:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">'
            f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>")


def _content_types(count: int) -> str:
    sheets = "".join(f'<Override PartName="/xl/worksheets/sheet{number}.xml" '
                     f'ContentType="{CONTENT_TYPE}.worksheet+xml"/>' for number in range(1, count + 1))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{CONTENT_TYPE}.sheet.main+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{CONTENT_TYPE}.styles+xml"/>{sheets}</Types>')


def _styles() -> str:
    """The cell styles in the order of PLAIN … LINK; the two fills every workbook starts with come first.
    Numbers: built-in formats 3 (#,##0) and 4 (#,##0.00), and two of our own."""
    formats = ('<numFmts count="2"><numFmt numFmtId="164" formatCode="#,##0.0#########"/>'
               '<numFmt numFmtId="165" formatCode="dd.mm.yyyy"/></numFmts>')
    fonts = ('<fonts count="4"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
             '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
             f'<font><sz val="9"/><color rgb="{ID_COLOUR}"/><name val="Calibri"/><family val="2"/></font>'
             f'<font><u/><sz val="11"/><color rgb="{LINK_COLOUR}"/><name val="Calibri"/><family val="2"/></font></fonts>')
    fills = ('<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/>'
             f'</fill><fill><patternFill patternType="solid"><fgColor rgb="{REVIEW_FILL}"/></patternFill></fill></fills>')
    cells = ('<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>',  # PLAIN
             '<xf numFmtId="0" fontId="0" fillId="2" borderId="0" xfId="0" applyFill="1"/>',  # REVIEW
             '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1">'
             '<alignment vertical="top" wrapText="1"/></xf>',  # LABEL
             '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>',  # FIELD_ID
             '<xf numFmtId="3" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>',  # WHOLE
             '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>',  # FRACTION
             '<xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>',  # AMOUNT
             '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>',  # DATE
             '<xf numFmtId="0" fontId="3" fillId="0" borderId="0" xfId="0" applyFont="1"/>')  # LINK
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="{MAIN}">{formats}{fonts}'
            f'{fills}<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            f'<cellXfs count="{len(cells)}">{"".join(cells)}</cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')
