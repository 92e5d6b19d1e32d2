"""A workbook of text cells written as SpreadsheetML directly: what `collect` writes.

openpyxl took half a second to import and about 25 µs a cell; this writes the same cells (inline
strings, the first two rows frozen, a yellow fill on cells a person must check) in a fraction of
that, with fixed dates, so equal tables give equal bytes.
"""
from __future__ import annotations

from typing import Iterable, Sequence

from ..zips import write_zip

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
REVIEW_FILL = "FFFFE699"
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})


def workbook_bytes(sheets: Iterable[tuple[str, Sequence[Sequence[str]]]], marked: type) -> bytes:
    """An .xlsx of (sheet name, rows of text); a cell of type `marked` gets the review fill."""
    sheets = list(sheets)
    parts = [("[Content_Types].xml", _content_types(len(sheets))), ("_rels/.rels", _package_relationships()),
             ("xl/workbook.xml", _workbook(sheet_names([name for name, _ in sheets]))),
             ("xl/_rels/workbook.xml.rels", _workbook_relationships(len(sheets))), ("xl/styles.xml", _styles())]
    parts += [(f"xl/worksheets/sheet{number}.xml", _sheet(rows, marked))
              for number, (_, rows) in enumerate(sheets, start=1)]
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


def _sheet(rows: Sequence[Sequence[str]], marked: type) -> str:
    width = max((len(row) for row in rows), default=0)
    letters = [_column_letters(column) for column in range(width)]
    lines = [f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}">'
             '<sheetViews><sheetView workbookViewId="0"><pane ySplit="2" topLeftCell="A3" activePane="bottomLeft" '
             'state="frozen"/><selection pane="bottomLeft" activeCell="A1" sqref="A1"/></sheetView></sheetViews>'
             "<sheetData>"]
    for number, row in enumerate(rows, start=1):
        cells = "".join(_cell(f"{letters[column]}{number}", value, isinstance(value, marked))
                        for column, value in enumerate(row) if value or isinstance(value, marked))
        lines.append(f'<row r="{number}">{cells}</row>')
    lines.append("</sheetData></worksheet>")
    return "".join(lines)


def _cell(reference: str, value: str, marked: bool) -> str:
    style = ' s="1"' if marked else ""
    if not value:
        return f'<c r="{reference}"{style}/>'
    return f'<c r="{reference}"{style} t="inlineStr"><is><t xml:space="preserve">{value.translate(_ESCAPES)}</t></is></c>'


def _column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _workbook(names: list[str]) -> str:
    sheets = "".join(f'<sheet name="{name.translate(_ESCAPES)}" sheetId="{number}" r:id="rId{number}"/>'
                     for number, name in enumerate(names, start=1))
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{MAIN}" '
            f'xmlns:r="{RELATIONSHIPS}"><sheets>{sheets}</sheets></workbook>')


def _workbook_relationships(count: int) -> str:
    sheets = "".join(f'<Relationship Id="rId{number}" Type="{RELATIONSHIPS}/worksheet" '
                     f'Target="worksheets/sheet{number}.xml"/>' for number in range(1, count + 1))
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">'
            f'{sheets}<Relationship Id="rId{count + 1}" Type="{RELATIONSHIPS}/styles" Target="styles.xml"/>'
            "</Relationships>")


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
    """Style 0 plain, style 1 the review fill; the two fills every workbook starts with come first."""
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="{MAIN}">'
            '<fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
            '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/>'
            f'</fill><fill><patternFill patternType="solid"><fgColor rgb="{REVIEW_FILL}"/></patternFill></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
            '<xf numFmtId="0" fontId="0" fillId="2" borderId="0" xfId="0" applyFill="1"/></cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')
